"""Products: put on sale with a stock, restocked."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from shop.service import UnknownProductError, add_product, find_product, restock

from lvrgd.common.services import ItemAlreadyExistsError, KeyValueStore, LoggingService

if TYPE_CHECKING:
    from collections.abc import Callable


def test_added_product_is_found_with_its_price_and_stock(kvstore: KeyValueStore) -> None:
    add_product(kvstore, "tea", "Green tea", Decimal("4.50"), 10)

    found = find_product(kvstore, "tea")

    assert found is not None
    assert (found.name, found.price, found.in_stock) == ("Green tea", Decimal("4.50"), 10)
    assert found.version == 1


def test_adding_a_taken_sku_is_refused(kvstore: KeyValueStore) -> None:
    add_product(kvstore, "tea", "Green tea", Decimal("4.50"), 10)

    with pytest.raises(ItemAlreadyExistsError):
        add_product(kvstore, "tea", "Black tea", Decimal("3.00"), 5)


def test_restock_adds_to_the_stock(kvstore: KeyValueStore) -> None:
    add_product(kvstore, "tea", "Green tea", Decimal("4.50"), 10)

    restocked = restock(kvstore, "tea", 5)

    assert restocked.in_stock == 15
    found = find_product(kvstore, "tea")
    assert found is not None
    assert (found.in_stock, found.version) == (15, 2)


def test_restock_of_an_unknown_product_is_refused(kvstore: KeyValueStore) -> None:
    with pytest.raises(UnknownProductError, match="coffee"):
        restock(kvstore, "coffee", 5)


def test_each_store_of_the_factory_is_a_shop_of_its_own(
    kvstore_factory: Callable[..., KeyValueStore],
) -> None:
    north = kvstore_factory(LoggingService("north-shop"))
    south = kvstore_factory(LoggingService("south-shop"))

    add_product(north, "tea", "Green tea", Decimal("4.50"), 10)

    assert find_product(north, "tea") is not None
    assert find_product(south, "tea") is None
