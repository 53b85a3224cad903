"""The shop's operations. Each takes the store it works on: any KeyValueStore.

Nothing here knows whether the store is in memory or on DynamoDB; the tests run
the same functions on both.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lvrgd.common.services import (
    ItemAlreadyExistsError,
    KeyValueStore,
    TransactionCanceledError,
    VersionConflictError,
)

from .models import (
    ORDER_PREFIX,
    PROFILE,
    STOCK,
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    customer_pk,
    product_pk,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

RESTOCK_ATTEMPTS = 5


class ShopError(Exception):
    """A request the shop refuses."""


class DuplicateCustomerError(ShopError):
    """A customer with this id exists already."""


class UnknownCustomerError(ShopError):
    """No customer has this id."""


class UnknownProductError(ShopError):
    """No product has this SKU."""


class OutOfStockError(ShopError):
    """Fewer items are in stock than ordered."""


class OrderConflictError(ShopError):
    """The order could not be placed as it was read (its number is taken, or stock moved)."""


def register_customer(store: KeyValueStore, customer_id: str, name: str, email: str) -> Customer:
    """Register a new customer.

    Raises:
        DuplicateCustomerError: If the id is taken.
    """
    customer = Customer(pk=customer_pk(customer_id), sk=PROFILE, name=name, email=email)
    try:
        store.create(customer)
    except ItemAlreadyExistsError as exc:
        msg = f"customer {customer_id!r} exists already"
        raise DuplicateCustomerError(msg) from exc
    return customer


def find_customer(store: KeyValueStore, customer_id: str) -> Customer | None:
    """The customer with this id, or None."""
    return store.get_one(customer_pk(customer_id), PROFILE, Customer)


def add_product(
    store: KeyValueStore, sku: str, name: str, price: Decimal, in_stock: int
) -> Product:
    """Put a new product on sale.

    Raises:
        ItemAlreadyExistsError: If the SKU is taken.
    """
    product = Product(pk=product_pk(sku), sk=STOCK, name=name, price=price, in_stock=in_stock)
    store.create(product)
    return product


def find_product(store: KeyValueStore, sku: str) -> Product | None:
    """The product with this SKU, or None."""
    return store.get_one(product_pk(sku), STOCK, Product)


def restock(store: KeyValueStore, sku: str, quantity: int) -> Product:
    """Add `quantity` to a product's stock, retrying when an order moved it meanwhile.

    Raises:
        UnknownProductError: If no product has this SKU.
        VersionConflictError: If the stock kept moving for every attempt.
    """
    for _ in range(RESTOCK_ATTEMPTS - 1):
        product = _add_stock_unless_moved(store, sku, quantity)
        if product is not None:
            return product
    return _add_stock(store, sku, quantity)


def place_order(
    store: KeyValueStore, customer_id: str, number: str, quantities: Mapping[str, int]
) -> Order:
    """Place an order: take its products out of stock and record it, all or nothing.

    Raises:
        UnknownCustomerError: If no customer has this id.
        UnknownProductError: If a SKU is no product's.
        OutOfStockError: If a product has fewer in stock than ordered.
        OrderConflictError: If the number is taken, or a stock moved since it was read.
    """
    if find_customer(store, customer_id) is None:
        msg = f"no customer {customer_id!r}"
        raise UnknownCustomerError(msg)
    lines: list[OrderLine] = []
    products: list[Product] = []
    for sku, quantity in sorted(quantities.items()):
        product = _product(store, sku)
        if product.in_stock < quantity:
            msg = f"{sku}: {product.in_stock} in stock, {quantity} ordered"
            raise OutOfStockError(msg)
        product.in_stock -= quantity
        products.append(product)
        lines.append(OrderLine(sku=sku, quantity=quantity, unit_price=product.price))
    total = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    order = Order(pk=customer_pk(customer_id), sk=ORDER_PREFIX + number, lines=lines, total=total)
    try:
        with store.transaction() as tx:
            tx.require(customer_pk(customer_id), PROFILE)
            for product in products:
                tx.update(product)
            tx.create(order)
    except TransactionCanceledError as exc:
        msg = f"order {number!r} of {customer_id!r} was not placed: {exc}"
        raise OrderConflictError(msg) from exc
    return order


def orders_of(store: KeyValueStore, customer_id: str) -> list[Order]:
    """A customer's orders, by number."""
    return store.query_by_pk(customer_pk(customer_id), Order, begins_with=ORDER_PREFIX)


def cancel_order(store: KeyValueStore, customer_id: str, number: str) -> Order:
    """Cancel a placed order and put its products back in stock, all or nothing.

    Raises:
        ShopError: If there is no such order, or it is canceled already.
        OrderConflictError: If a stock moved while the order was being canceled.
    """
    order = store.get_one(customer_pk(customer_id), ORDER_PREFIX + number, Order)
    if order is None or order.status is OrderStatus.CANCELED:
        msg = f"no placed order {number!r} of {customer_id!r}"
        raise ShopError(msg)
    products = [_product(store, line.sku) for line in order.lines]
    for product, line in zip(products, order.lines, strict=True):
        product.in_stock += line.quantity
    order.status = OrderStatus.CANCELED
    try:
        with store.transaction() as tx:
            for product in products:
                tx.update(product)
            tx.update(order)
    except TransactionCanceledError as exc:
        msg = f"order {number!r} of {customer_id!r} was not canceled: {exc}"
        raise OrderConflictError(msg) from exc
    return order


def _add_stock_unless_moved(store: KeyValueStore, sku: str, quantity: int) -> Product | None:
    try:
        return _add_stock(store, sku, quantity)
    except VersionConflictError:
        return None  # an order took some meanwhile: the caller reads the stock again


def _add_stock(store: KeyValueStore, sku: str, quantity: int) -> Product:
    product = _product(store, sku)
    product.in_stock += quantity
    store.update(product)
    return product


def _product(store: KeyValueStore, sku: str) -> Product:
    product = find_product(store, sku)
    if product is None:
        msg = f"no product {sku!r}"
        raise UnknownProductError(msg)
    return product
