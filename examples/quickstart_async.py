"""Quickstart, async: customers, orders and stock in one table, every call awaited.

The same store as examples/quickstart.py in its async form (docs/async.md): the
operations are awaited, ``async with`` closes the store and commits a transaction,
and tasks run concurrently between the store's steps. It ends with a race two tasks
run on a counter, replayed from a seed: the read-modify-write that loses an update,
the VersionedItem that catches it, and the patch that cannot lose one.

Runs on the in-memory store in async form by default:

    uv run python examples/quickstart_async.py

and on DynamoDB with AsyncDynamoDBService (``lvrgd-common[async]``) when given an
endpoint and a table, which it creates if it is missing; the transactions need an
engine that has them (DynamoDB Local, moto, ministack or AWS; not dynalite):

    uv run python examples/quickstart_async.py --endpoint http://localhost:8000 --table shop-async

Each run writes under a customer key of its own and deletes what it wrote at the end
(also when a call fails), so it can run again and again against the same table. The
table it creates has no secondary indexes: give examples/quickstart.py, which declares
some, a table of its own. The race at the end runs on the
in-memory store, whose seed replays it.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import date
from decimal import Decimal

import anyio
from loguru import logger

from lvrgd.common.services import (
    AsyncInMemoryKeyValueStore,
    AsyncKeyValueStore,
    ConditionFailedError,
    DynamoDBConfig,
    KeyValueItem,
    LoggingService,
    TransactionCanceledError,
    UnsupportedOperationError,
    VersionConflictError,
    VersionedItem,
    create_table,
)
from lvrgd.common.services.conditions import where


class Customer(KeyValueItem, entity="customer"):
    """A customer: pk ``customer#<id>``, sk ``#profile`` ('#' sorts before the orders)."""

    name: str
    email: str


class Order(KeyValueItem, entity="order"):
    """An order: pk ``customer#<id>``, sk ``order#<date>#<number>``."""

    total: Decimal
    placed_on: date


class Product(KeyValueItem, entity="product"):
    """A product: pk ``product#<sku>``, sk ``#stock``."""

    name: str
    stock: int


class Visits(KeyValueItem, entity="visits"):
    """A page's visit counter, written back whole (no version)."""

    count: int = 0


class VersionedVisits(VersionedItem, entity="versioned-visits"):
    """The same counter with a version: a stale write back is refused."""

    count: int = 0


IN_STOCK = where(Product, lambda p: p.stock >= 1)


async def run(store: AsyncKeyValueStore, customer: str) -> None:
    """Write, read and sell, printing what happens; delete what was written, even on failure."""
    ada, pen = f"customer#{customer}", f"product#pen-{customer}"
    try:
        await shop(store, ada, pen)
    finally:
        written = [*await store.query_by_pk(ada, KeyValueItem)]
        written += await store.query_by_pk(pen, KeyValueItem)
        for key in written:
            await store.delete(key.pk, key.sk)
        print(f"deleted {len(written)} items")


async def shop(store: AsyncKeyValueStore, ada: str, pen: str) -> None:
    """A customer, their orders in one transaction, a refused transaction, three buyers."""
    customer = ada.removeprefix("customer#")
    await store.create(Customer(pk=ada, sk="#profile", name="Ada", email=f"{customer}@example.com"))
    async with store.transaction() as tx:  # the orders commit together when the block ends
        for number, (day, total) in enumerate(
            [(date(2026, 1, 5), "19.90"), (date(2026, 2, 11), "5.00")], start=1
        ):
            tx.create(
                Order(pk=ada, sk=f"order#{day}#{number}", total=Decimal(total), placed_on=day)
            )
    print("the customer and their orders, in one query:")
    for item in await store.query_by_pk(ada, Customer | Order):
        print(f"  {type(item).__name__} {item.sk}")

    try:
        async with store.transaction() as tx:
            day = date(2026, 3, 1)
            tx.create(Order(pk=ada, sk=f"order#{day}#3", total=Decimal(1), placed_on=day))
            tx.require(ada, "#no-such-item")
    except TransactionCanceledError as error:
        reasons = [reason and type(reason).__name__ for reason in error.reasons]
        print(f"transaction refused, nothing written: {reasons}")

    await store.create(Product(pk=pen, sk="#stock", name="Fountain pen", stock=2))
    async with anyio.create_task_group() as tasks:  # three buyers at once, two pens
        for buyer in range(3):
            tasks.start_soon(sell_one, store, pen, buyer)


async def sell_one(store: AsyncKeyValueStore, pk: str, buyer: int) -> None:
    """Take one off the stock in one atomic step, refused at zero."""
    try:
        left = await store.patch(pk, "#stock", Product, add={"stock": -1}, condition=IN_STOCK)
    except ConditionFailedError:
        print(f"  buyer {buyer}: sold out")
    else:
        print(f"  buyer {buyer}: sold a pen, {left.stock} left")


async def race(seed: int, model: type[Visits | VersionedVisits]) -> tuple[int, int]:
    """Two tasks each read the counter, add one and write it back; the count, the conflicts."""
    async with AsyncInMemoryKeyValueStore(LoggingService("race"), interleave_seed=seed) as store:
        await store.create(model(pk="page#home", sk="#visits"))
        conflicts = 0

        async def visit() -> None:
            nonlocal conflicts
            visits = await store.get_one("page#home", "#visits", model)
            if visits is None:
                return
            visits.count += 1
            try:
                await store.update(visits)
            except VersionConflictError:
                conflicts += 1

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(visit)
            tasks.start_soon(visit)
        counted = await store.get_one("page#home", "#visits", model)
        return (counted.count if counted else 0), conflicts


async def races() -> None:
    """The race on a range of seeds: which lose an update, and what a version does there."""
    lost = [seed for seed in range(8) if (await race(seed, Visits))[0] == 1]
    print(f"seeds whose schedule loses a visit (read, add, write back): {lost}")
    if lost:
        count, conflicts = await race(lost[0], VersionedVisits)
        print(f"seed {lost[0]} again, with a version: count {count}, {conflicts} conflict refused")


async def main(endpoint: str | None, config: DynamoDBConfig) -> int:
    """Run the quickstart on the async in-memory store, or on DynamoDB at `endpoint`."""
    logger.remove()
    logger.add(sys.stdout, level="WARNING", format="  log: {level} {message} {extra}")
    log = LoggingService("quickstart")
    customer = f"ada-{uuid.uuid4().hex[:8]}"  # this run's own partition
    if endpoint is None:
        print("store: in memory, async")
        async with AsyncInMemoryKeyValueStore(log) as store:
            await run(store, customer)
    else:
        # Imported here: it needs the lvrgd-common[async] extra, the twin does not.
        from lvrgd.common.services.dynamodb import AsyncDynamoDBService  # noqa: PLC0415

        print(f"store: DynamoDB table {config.table_name!r} at {endpoint}, async")
        async with AsyncDynamoDBService(log, config) as service:
            if not await service.ping():
                print("the table is not reachable (see the log)", file=sys.stderr)
                return 1
            try:
                await run(service, customer)
            except UnsupportedOperationError as error:  # e.g. dynalite: no transactions
                print(error, file=sys.stderr)
                return 1
    await races()
    return 0


def cli(argv: list[str] | None = None) -> int:
    """Read the arguments, create the table if one is named, and run `main`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="DynamoDB endpoint URL; omit for the in-memory store")
    parser.add_argument("--table", default="lvrgd-quickstart", help="DynamoDB table name")
    parser.add_argument("--region", default="us-east-1", help="AWS region")
    args = parser.parse_args(argv)
    config = DynamoDBConfig(table_name=args.table, region=args.region, endpoint_url=args.endpoint)
    if args.endpoint is not None:
        create_table(config)  # blocking, so before the event loop starts
    return anyio.run(main, args.endpoint, config)


if __name__ == "__main__":
    sys.exit(cli())
