"""Quickstart: customers and their orders in one table.

A customer's profile and orders share one partition, so one query reads the customer
with every order, each item as its own class (docs/collections.md). A product's stock
is decremented atomically, under a condition that it stays at or above zero
(docs/updates.md). Three secondary
indexes read the table from other sides (docs/indexes.md): open orders by status and
date (an order leaves it when it ships), customers by email (keys only, read whole
with ``hydrate``), and the inverted index (sort key first).

Runs on the in-memory store by default:

    uv run python examples/quickstart.py

and on DynamoDB (DynamoDB Local, dynalite, moto, or AWS) when given an endpoint and a
table, which it creates if it is missing:

    uv run python examples/quickstart.py --endpoint http://localhost:8000 --table shop

Each run writes under a customer key of its own (``customer#ada-<run id>``) and deletes
what it wrote at the end, so it can run again and again against the same table.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import date
from decimal import Decimal
from enum import Enum

from loguru import logger
from pydantic import Field, computed_field

from lvrgd.common.services import (
    ConditionFailedError,
    DynamoDBConfig,
    DynamoDBService,
    IndexSpec,
    InMemoryKeyValueStore,
    ItemAlreadyExistsError,
    KeyValueItem,
    KeyValueStore,
    LoggingService,
    create_table,
)
from lvrgd.common.services.conditions import where


class Status(Enum):
    """Where an order is in its life."""

    PLACED = "placed"
    SHIPPED = "shipped"


# Each class stores its entity name with its items, so that a partition holding several
# classes reads back each item as its own. Name them: the default, the class name,
# would change if the class were renamed.
class Customer(KeyValueItem, entity="customer"):
    """A customer: pk ``customer#<id>``, sk ``#profile`` ('#' sorts before the orders)."""

    name: str
    email: str
    tags: set[str] = Field(default_factory=set)


class Order(KeyValueItem, entity="order"):
    """An order: pk ``customer#<id>``, sk ``order#<date>#<number>``."""

    total: Decimal
    status: Status = Status.PLACED
    placed_on: date
    note: str | None = None

    # An index key computed from the fields: every write stores it again, so it always
    # matches the status. None stores no attribute: a shipped order leaves the index.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def open_status(self) -> str | None:
        """The open-orders index's partition key, while the order is open."""
        return None if self.status is Status.SHIPPED else f"open#{self.status.value}"


class Product(KeyValueItem, entity="product"):
    """A product: pk ``product#<sku>``, sk ``#stock``."""

    name: str
    stock: int


# A condition written with the model's own fields: mypy checks the name and the type.
IN_STOCK = where(Product, lambda p: p.stock >= 1)


class CustomerKey(KeyValueItem, entity=Customer):
    """What the keys-only email index holds of a customer: its key and email."""

    email: str


INDEXES = (
    # Open orders of every customer by status, then by date (a sparse index).
    IndexSpec(name="open_orders", pk="open_status", sk="placed_on"),
    # A customer by email; only keys are copied to the index.
    IndexSpec(name="customer_by_email", pk="email", projection="keys_only"),
    # The inverted index: items by sort key, then partition key.
    IndexSpec(name="inverted", pk="sk", sk="pk"),
)


def run(store: KeyValueStore, customer: str) -> None:
    """Write, update, query and delete a small shop, printing what happens."""
    ada = f"customer#{customer}"
    email = f"{customer}@example.com"
    store.create(Customer(pk=ada, sk="#profile", name="Ada", email=email))
    for number, (day, total) in enumerate(
        [(date(2026, 1, 5), "19.90"), (date(2026, 2, 11), "5.00"), (date(2026, 3, 2), "42.10")],
        start=1,
    ):
        sk = f"order#{day.isoformat()}#{number}"
        store.create(Order(pk=ada, sk=sk, total=Decimal(total), placed_on=day, note="gift wrap"))
    print(f"created 1 customer and 3 orders in partition {ada!r}")

    shipped = Order(
        pk=ada, sk="order#2026-02-11#2", total=Decimal("5.00"), placed_on=date(2026, 2, 11),
        status=Status.SHIPPED, note=None,
    )  # fmt: skip
    store.update(shipped)  # status set, note (None) removed
    print("updated:", store.get_one(ada, shipped.sk, Order))

    # The customer and their orders in one query, each item as its own class.
    print("the customer and their orders, in one query:")
    for item in store.query_by_pk(ada, Customer | Order):
        match item:
            case Customer():
                print(f"  Customer {item.sk}: {item.name} <{item.email}>")
            case Order():
                print(f"  Order {item.sk}: {item.total} ({item.status.value})")

    orders = store.query_by_pk(ada, Order)  # one class: the profile is skipped
    print(f"all orders by date: {[o.sk for o in orders]}")
    spring = store.query_by_pk(ada, Order, between=("order#2026-02", "order#2026-03-31"))
    print(f"orders from February to March: {[(o.sk, str(o.total)) for o in spring]}")
    latest = store.query_by_pk(ada, Order, begins_with="order#", descending=True, limit=1)
    print(f"latest order: {latest[0].sk} ({latest[0].status.value})")

    page = store.query_page(ada, Order, begins_with="order#", page_size=2)
    print(f"first page: {[o.sk for o in page.items]}, more to come: {page.cursor is not None}")
    while page.cursor is not None:
        page = store.query_page(ada, Order, begins_with="order#", page_size=2, cursor=page.cursor)
        print(f"next page: {[o.sk for o in page.items]}, more to come: {page.cursor is not None}")

    # Global indexes are eventually consistent on DynamoDB: a write may show there a
    # moment later (the in-memory store and local engines show it at once).
    open_orders = store.query_by_pk("open#placed", Order, index="open_orders", gte="2026-01-01")
    mine = [order.sk for order in open_orders if order.pk == ada]  # a shared table holds others'
    print(f"open orders (the shipped one left the index): {mine}")
    (found,) = store.query_by_pk(email, Customer, index="customer_by_email", hydrate=True)
    print(f"customer by email, read whole: {found.name} ({found.pk})")
    (email_key,) = store.query_by_pk(email, CustomerKey, index="customer_by_email")
    print(f"customer by email, keys only: {email_key.pk}")
    profiles = store.query_by_pk("#profile", Customer, index="inverted", equals=ada)
    print(f"profiles through the inverted index: {[c.name for c in profiles]}")

    sell_pens(store, customer)

    try:
        store.create(Customer(pk=ada, sk="#profile", name="Someone else", email="x@example.com"))
    except ItemAlreadyExistsError as error:
        print(f"refused as expected: {error}")

    print("profile:", store.get_one(ada, "#profile", Customer))
    print("missing:", store.get_one(ada, "order#1999-01-01#0", Order))

    # Clean up. KeyValueItem reads an item of any class as its key alone.
    written = store.query_by_pk(ada, KeyValueItem)
    for key in written:
        store.delete(key.pk, key.sk)
    print(f"deleted {len(written)} items; left in {ada!r}: {store.query_by_pk(ada, KeyValueItem)}")


def sell_pens(store: KeyValueStore, customer: str) -> None:
    """Sell three pens of two in stock: a counter without read-modify-write."""
    pen = f"product#pen-{customer}"
    store.create(Product(pk=pen, sk="#stock", name="Fountain pen", stock=2))
    for _ in range(3):
        print(sell_one(store, pen))
    store.delete(pen, "#stock")


def sell_one(store: KeyValueStore, pk: str) -> str:
    """Take one off the stock in one atomic UpdateItem, refused at zero."""
    try:
        left = store.patch(pk, "#stock", Product, add={"stock": -1}, condition=IN_STOCK)
    except ConditionFailedError as error:  # the error carries the item the condition met
        stock = error.item.stock if isinstance(error.item, Product) else "?"
        return f"not sold: the condition failed, stock is {stock}"
    return f"sold a pen, {left.stock if left else '?'} left"


def main(argv: list[str] | None = None) -> int:
    """Run the quickstart on the store the arguments name."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="DynamoDB endpoint URL; omit for the in-memory store")
    parser.add_argument("--table", default="lvrgd-quickstart", help="DynamoDB table name")
    parser.add_argument("--region", default="us-east-1", help="AWS region")
    args = parser.parse_args(argv)

    # The application owns loguru's sinks: here, warnings and errors with their context.
    logger.remove()
    logger.add(sys.stdout, level="WARNING", format="  log: {level} {message} {extra}")
    log = LoggingService("quickstart")
    customer = f"ada-{uuid.uuid4().hex[:8]}"  # this run's own partition

    if args.endpoint is None:
        print("store: in memory")
        with InMemoryKeyValueStore(log, indexes=INDEXES) as store:
            run(store, customer)
        return 0
    config = DynamoDBConfig(
        table_name=args.table, region=args.region, endpoint_url=args.endpoint, indexes=INDEXES
    )
    create_table(config)
    print(f"store: DynamoDB table {args.table!r} at {args.endpoint}")
    with DynamoDBService(log, config) as service:
        if not service.ping():
            print("the table is not reachable, or lacks the indexes (see the log)", file=sys.stderr)
            return 1
        run(service, customer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
