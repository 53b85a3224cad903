"""The shop's items, all in one table.

=========  ======================  ====================
item       pk                      sk
=========  ======================  ====================
Customer   ``customer#<id>``       ``profile``
Order      ``customer#<id>``       ``order#<number>``
Product    ``product#<sku>``       ``stock``
=========  ======================  ====================

A customer's orders share the customer's partition, so that one query reads them.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from pydantic import BaseModel

from lvrgd.common.services import KeyValueItem, VersionedItem

PROFILE = "profile"
STOCK = "stock"
ORDER_PREFIX = "order#"


def customer_pk(customer_id: str) -> str:
    """The partition of a customer and their orders."""
    return f"customer#{customer_id}"


def product_pk(sku: str) -> str:
    """The partition of a product."""
    return f"product#{sku}"


class Customer(KeyValueItem):
    """Someone who orders."""

    name: str
    email: str


class Product(VersionedItem):
    """Something to sell, and how many are in stock; versioned, as orders race for it."""

    name: str
    price: Decimal
    in_stock: int


class OrderStatus(Enum):
    """Where an order is in its life."""

    PLACED = "placed"
    CANCELED = "canceled"


class OrderLine(BaseModel):
    """A product ordered, how many, and at what price each."""

    sku: str
    quantity: int
    unit_price: Decimal


class Order(KeyValueItem):
    """An order of a customer."""

    lines: list[OrderLine]
    total: Decimal
    status: OrderStatus = OrderStatus.PLACED
