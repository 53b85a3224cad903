"""Orders: placed and canceled all or nothing, stock following them."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from shop.models import OrderStatus
from shop.service import (
    OrderConflictError,
    OutOfStockError,
    ShopError,
    UnknownCustomerError,
    UnknownProductError,
    add_product,
    cancel_order,
    find_product,
    orders_of,
    place_order,
    register_customer,
)

if TYPE_CHECKING:
    from lvrgd.common.services import KeyValueStore


@pytest.fixture
def shop(kvstore: KeyValueStore) -> KeyValueStore:
    """A store with a customer, ada, and two products: tea (10 in stock) and cups (3)."""
    register_customer(kvstore, "ada", "Ada Lovelace", "ada@example.com")
    add_product(kvstore, "tea", "Green tea", Decimal("4.50"), 10)
    add_product(kvstore, "cup", "Tea cup", Decimal("12.00"), 3)
    return kvstore


def in_stock(store: KeyValueStore, sku: str) -> int:
    product = find_product(store, sku)
    assert product is not None
    return product.in_stock


def test_placed_order_is_recorded_with_its_total(shop: KeyValueStore) -> None:
    order = place_order(shop, "ada", "0001", {"tea": 2, "cup": 1})

    assert order.total == Decimal("21.00")
    assert orders_of(shop, "ada") == [order]


def test_placed_order_takes_its_products_out_of_stock(shop: KeyValueStore) -> None:
    place_order(shop, "ada", "0001", {"tea": 2, "cup": 3})

    assert (in_stock(shop, "tea"), in_stock(shop, "cup")) == (8, 0)


def test_orders_are_listed_by_number(shop: KeyValueStore) -> None:
    place_order(shop, "ada", "0002", {"tea": 1})
    place_order(shop, "ada", "0001", {"cup": 1})

    assert [order.sk for order in orders_of(shop, "ada")] == ["order#0001", "order#0002"]


def test_order_beyond_the_stock_is_refused_and_changes_nothing(shop: KeyValueStore) -> None:
    with pytest.raises(OutOfStockError, match="cup: 3 in stock, 4 ordered"):
        place_order(shop, "ada", "0001", {"tea": 1, "cup": 4})

    assert (in_stock(shop, "tea"), in_stock(shop, "cup")) == (10, 3)
    assert orders_of(shop, "ada") == []


def test_order_of_an_unknown_customer_is_refused(shop: KeyValueStore) -> None:
    with pytest.raises(UnknownCustomerError):
        place_order(shop, "bob", "0001", {"tea": 1})


def test_order_of_an_unknown_product_is_refused(shop: KeyValueStore) -> None:
    with pytest.raises(UnknownProductError, match="coffee"):
        place_order(shop, "ada", "0001", {"coffee": 1})


def test_order_number_taken_is_refused_and_leaves_the_stock(shop: KeyValueStore) -> None:
    place_order(shop, "ada", "0001", {"tea": 1})

    with pytest.raises(OrderConflictError):
        place_order(shop, "ada", "0001", {"tea": 5})

    assert in_stock(shop, "tea") == 9


def test_canceled_order_puts_its_products_back(shop: KeyValueStore) -> None:
    place_order(shop, "ada", "0001", {"tea": 2, "cup": 1})

    canceled = cancel_order(shop, "ada", "0001")

    assert canceled.status is OrderStatus.CANCELED
    assert (in_stock(shop, "tea"), in_stock(shop, "cup")) == (10, 3)
    assert [order.status for order in orders_of(shop, "ada")] == [OrderStatus.CANCELED]


def test_an_order_is_canceled_once(shop: KeyValueStore) -> None:
    place_order(shop, "ada", "0001", {"tea": 2})
    cancel_order(shop, "ada", "0001")

    with pytest.raises(ShopError, match="no placed order"):
        cancel_order(shop, "ada", "0001")

    assert in_stock(shop, "tea") == 10


def test_cancel_of_an_unknown_order_is_refused(shop: KeyValueStore) -> None:
    with pytest.raises(ShopError, match="no placed order"):
        cancel_order(shop, "ada", "0404")
