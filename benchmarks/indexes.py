"""What secondary indexes cost: index queries at scale, writes that keep indexes, index reads.

    uv run python -m benchmarks.indexes [--repetitions 11] [--warmup 1] [--tiny]

Three comparisons, each a pair of variants timed side by side (`_timing.interleaved`:
every repetition runs both, in an order rotated each time; the warm-up repetition is
dropped), all in one run:

1. The in-memory twin: a 100-item query of a global index (one index partition holding
   the whole index; ``between`` picks 100 items from its middle) when the index holds
   100,000 items, against the same query of an index of 1,000 items. Goal: at most 2x.
2. The twin: create and update of an item whose class feeds three global indexes
   (projection ``"all"``, every index key a model field; the update sets every field
   and moves the item in two of the three), against the same writes to a store with no
   index. Both stores hold 10,000 items when a batch starts (each batch's items are
   deleted, untimed, before the next). Goal: at most 1.6x.
3. DynamoDBService on the canned engine (answers recorded once from moto's mock_aws
   in this process, then replayed inside botocore: no socket, so the figure is the
   client's CPU): a query of a global index returning 100, then 1,000 items, against
   the table query returning the same items. Goal: at most 1.1x per item.

Times are CPU (``time.process_time``) per operation; a ratio is taken per repetition
(both variants ran side by side) and its median printed, with its interquartile range.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from loguru import logger
from moto import mock_aws
from pydantic import SecretStr

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    IndexSpec,
    InMemoryKeyValueStore,
    KeyValueItem,
    LoggingService,
    create_table,
)

from . import _canned
from ._stats import cell
from ._timing import Workload, expect, interleaved

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lvrgd.common.services import KeyValueStore

    from ._stats import Cell


class Order(KeyValueItem, entity="bench.indexed-order"):
    """An order; its index keys are plain fields."""

    customer: str
    status: str
    placed: str
    shelf: str
    slot: str
    total: Decimal
    note: str


BY_SHELF = IndexSpec(name="by-shelf", pk="shelf", sk="slot")
"""The index the queries read: one partition per shelf, ordered by slot."""
THREE_GLOBAL = (
    IndexSpec(name="by-customer", pk="customer", sk="placed"),
    IndexSpec(name="by-status", pk="status", sk="placed"),
    BY_SHELF,
)
"""The indexes the writes keep (projection "all", the default)."""
TIMES = "\u00d7"
DASH = "\u2013"
STATUSES = ("open", "paid", "shipped", "closed")
CUSTOMERS = 100
SHELVES = 10


def order(pk: str, number: int, *, shelf: str | None = None, version: int = 0) -> Order:
    """The `number`-th order of partition `pk`; `version` moves it in two indexes."""
    return Order(
        pk=pk,
        sk=f"order#{number:06d}",
        customer=f"customer#{number % CUSTOMERS:03d}",
        status=STATUSES[(number + version) % len(STATUSES)],
        placed=f"2026-01-{1 + version % 28:02d}#{number:06d}",
        shelf=shelf if shelf is not None else f"shelf#{number % SHELVES}",
        slot=slot(number),
        total=Decimal(number) / 100,
        note="Leave it at the door",
    )


def slot(number: int) -> str:
    """The index sort key of the `number`-th item of a shelf."""
    return f"slot#{number:06d}"


@dataclass(frozen=True)
class Sizes:
    """What each comparison runs on."""

    index_small: int = 1_000
    index_large: int = 100_000
    window: int = 100
    queries: int = 300
    """Index queries per batch (comparison 1)."""
    prefill: int = 10_000
    """Items in each write store before the writes are timed (comparison 2)."""
    writes: int = 2_000
    """Writes per batch (comparison 2)."""
    canned_small: int = 100
    canned_large: int = 1_000
    canned_queries: tuple[int, int] = (100, 12)
    """Queries per batch of the small and the large canned query (comparison 3)."""


@dataclass(frozen=True)
class Row:
    """One line of the table: a variant against its baseline."""

    label: str
    compared: str
    unit: str
    per: int
    """Operations' figures are divided by this (items per query for µs/item)."""
    cell: Cell
    baseline: Cell
    goal: float

    @property
    def met(self) -> bool:
        """Whether the median ratio is within the goal."""
        return self.cell.ratio.median <= self.goal


def _logger() -> LoggingService:
    return LoggingService("benchmarks")


# --- 1. index size --------------------------------------------------------------


def index_size(sizes: Sizes, repetitions: int, warmup: int) -> list[Row]:
    """A 100-item query from a one-partition global index of each size."""
    stores: dict[str, InMemoryKeyValueStore] = {}
    for size in (sizes.index_small, sizes.index_large):
        store = InMemoryKeyValueStore(_logger(), indexes=(BY_SHELF,))
        for start in range(0, size, 1_000):
            # Table partitions of 100 items; one index partition holds them all.
            batch = range(start, min(size, start + 1_000))
            store.put_many([order(f"customer#{n // 100:05d}", n, shelf="all") for n in batch])
        stores[str(size)] = store

    def prepare(variant: str, _operation: str, _batch: int) -> Workload:
        store, size = stores[variant], int(variant)
        first = size // 2 - sizes.window // 2
        low, high = slot(first), slot(first + sizes.window - 1)

        def run() -> None:
            for _ in range(sizes.queries):
                found = store.query_by_pk("all", Order, between=(low, high), index="by-shelf")
                expect(len(found) == sizes.window, f"{sizes.window} items")

        return Workload(run, sizes.queries)

    small, large = str(sizes.index_small), str(sizes.index_large)
    samples = interleaved(
        [small, large], ["query"], warmup=warmup, repetitions=repetitions,
        prepare=prepare, label="twin, index size",
    )  # fmt: skip
    for store in stores.values():
        store.close()
    return [
        Row(
            label=f"twin: index query, {sizes.window} items",
            compared=f"index of {sizes.index_large:,} vs {sizes.index_small:,} items",
            unit="µs/query",
            per=1,
            cell=cell(samples, large, "query", small),
            baseline=cell(samples, small, "query", small),
            goal=2.0,
        )
    ]


# --- 2. writes that keep indexes ----------------------------------------------------


def _writes(write: Callable[[Order], None], items: list[Order]) -> Workload:
    def run() -> None:
        for item in items:
            write(item)

    return Workload(run, len(items))


def writes(sizes: Sizes, repetitions: int, warmup: int) -> list[Row]:
    """Create and update with three global indexes and with none."""
    stores = {
        "none": InMemoryKeyValueStore(_logger()),
        "three": InMemoryKeyValueStore(_logger(), indexes=THREE_GLOBAL),
    }
    for store in stores.values():
        store.put_many([order("prefill", n) for n in range(sizes.prefill)])

    left: dict[str, list[tuple[str, str]]] = {variant: [] for variant in stores}

    def prepare(variant: str, operation: str, batch: int) -> Workload:
        store = stores[variant]
        for key in left[variant]:  # the last batch's items go: every batch sees the same store
            store.delete(*key)
        pk = f"batch#{batch:05d}"
        left[variant] = [(pk, order(pk, n).sk) for n in range(sizes.writes)]
        if operation == "create":
            return _writes(store.create, [order(pk, n) for n in range(sizes.writes)])
        for n in range(sizes.writes):
            store.create(order(pk, n))
        return _writes(store.update, [order(pk, n, version=1) for n in range(sizes.writes)])

    samples = interleaved(
        ["none", "three"], ["create", "update"], warmup=warmup, repetitions=repetitions,
        prepare=prepare, label="twin, writes",
    )  # fmt: skip
    moved = order("moved", 0, version=1)  # the last update batch moved its items there
    found = stores["three"].query_by_pk(moved.status, Order, equals=moved.placed, index="by-status")
    expect(len(found) == 1, "an updated item in the by-status index under its new key")
    for store in stores.values():
        store.close()
    return [
        Row(
            label=f"twin: {operation}",
            compared=f"3 global indexes vs none, {sizes.prefill:,} items stored",
            unit="µs/write",
            per=1,
            cell=cell(samples, "three", operation, "none"),
            baseline=cell(samples, "none", operation, "none"),
            goal=1.6,
        )
        for operation in ("create", "update")
    ]


# --- 3. index queries on the DynamoDB adapter -----------------------------------------


def _table_query(pk: str, store: KeyValueStore) -> list[Order]:
    return store.query_by_pk(pk, Order)


def _index_query(shelf: str, store: KeyValueStore) -> list[Order]:
    return store.query_by_pk(shelf, Order, index="by-shelf")


def canned(sizes: Sizes, repetitions: int, warmup: int) -> list[Row]:
    """Index query against table query on DynamoDBService, the canned engine answering."""
    wire = _canned.install()
    config = DynamoDBConfig(
        table_name="indexes",
        aws_access_key_id="bench",
        aws_secret_access_key=SecretStr("bench"),
        indexes=(BY_SHELF,),
    )
    counts = {"small": sizes.canned_small, "large": sizes.canned_large}
    queries: dict[str, Callable[[KeyValueStore], list[Order]]] = {}
    for name in counts:
        # The same items in table partition `name` and in index partition `shelf#name`.
        queries[f"table/{name}"] = partial(_table_query, name)
        queries[f"index/{name}"] = partial(_index_query, f"shelf#{name}")
    scenarios: dict[str, list[_canned.Recorded]] = {}
    with mock_aws():
        create_table(config)
        service = DynamoDBService(_logger(), config, transport=_canned.service_transport(config))
        for name, count in counts.items():
            service.put_many([order(name, n, shelf=f"shelf#{name}") for n in range(count)])
        for key, query in queries.items():
            scenarios[key] = wire.record()
            found = query(service)
            expect(len(found) == counts[key.split("/")[1]], f"{key}: every item")
        wire.stop()

    batches = dict(zip(counts, sizes.canned_queries, strict=True))

    def prepare(variant: str, operation: str, _batch: int) -> Workload:
        key = f"{variant}/{operation}"
        query, count, runs = queries[key], counts[operation], batches[operation]
        wire.play(scenarios[key])

        def run() -> None:
            for _ in range(runs):
                expect(len(query(service)) == count, f"{key}: {count} items")

        return Workload(run, runs)

    samples = interleaved(
        ["table", "index"], list(counts), warmup=warmup, repetitions=repetitions,
        prepare=prepare, label="canned, queries",
    )  # fmt: skip
    wire.stop()
    service.close()
    return [
        Row(
            label=f"canned: query, {count:,} items",
            compared="global index vs table, per item",
            unit="µs/item",
            per=count,
            cell=cell(samples, "index", operation, "table"),
            baseline=cell(samples, "table", operation, "table"),
            goal=1.1,
        )
        for operation, count in counts.items()
    ]


# --- the table -------------------------------------------------------------------


def _us(seconds: float, per: int) -> str:
    value = seconds / per * 1e6
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"  # noqa: PLR2004


def table(rows: Sequence[Row]) -> list[str]:
    """The Markdown table of medians, ratios and goals."""
    lines = [
        "| measure | compared | baseline, median | measured, median | ratio (IQR) | goal |  |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = row.cell.ratio
        lines.append(
            f"| {row.label} | {row.compared} | {_us(row.baseline.cpu.median, row.per)} "
            f"{row.unit} | {_us(row.cell.cpu.median, row.per)} {row.unit} | "
            f"{ratio.median:.3f}{TIMES} ({ratio.q1:.3f}{TIMES}{DASH}{ratio.q3:.3f}{TIMES}) | "
            f"≤ {row.goal}{TIMES} | "
            f"{'met' if row.met else '**not met**'} |"
        )
    return lines


def _machine() -> str:
    load = os.getloadavg()[0]
    return (
        f"Machine: cores: {os.cpu_count()}; Python: {platform.python_implementation()} "
        f"{platform.python_version()}; load average (1 min) at the end: {load:.2f}."
    )


def _arguments(argv: Sequence[str] | None) -> tuple[Sizes, int, int]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--repetitions", type=int, default=11, help="repetitions kept")
    parser.add_argument("--warmup", type=int, default=1, help="repetitions run first, dropped")
    parser.add_argument(
        "--tiny", action="store_true", help="tiny sizes: checks the run, measures nothing"
    )
    args = parser.parse_args(argv)
    sizes = Sizes()
    if args.tiny:
        sizes = Sizes(
            index_small=20, index_large=200, window=5, queries=2, prefill=20, writes=3,
            canned_small=3, canned_large=7, canned_queries=(2, 1),
        )  # fmt: skip
    return sizes, args.repetitions, args.warmup


def main(argv: Sequence[str] | None = None) -> None:
    """Measure the three comparisons and print the table."""
    sizes, repetitions, warmup = _arguments(argv)
    logger.remove()  # as an application would: the debug lines are built, then dropped
    logger.add(sys.stderr, level="WARNING")
    started = time.perf_counter()
    rows = [
        *index_size(sizes, repetitions, warmup),
        *writes(sizes, repetitions, warmup),
        *canned(sizes, repetitions, warmup),
    ]
    print("\n".join(table(rows)))
    print()
    print(
        f"{warmup} warm-up repetition(s) dropped, {repetitions} kept; "
        f"the run took {time.perf_counter() - started:.0f} s."
    )
    print(_machine())


if __name__ == "__main__":
    main()
