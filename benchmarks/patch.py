"""What partial updates cost: a patch against an update, and a patch with a condition.

    uv run python -m benchmarks.patch [--repetitions 11] [--warmup 1] [--tiny]

Three comparisons, each a set of variants timed side by side (`_timing.interleaved`:
every repetition runs every variant, in an order rotated each time; the warm-up
repetition is dropped), all in one run:

1. DynamoDBService on the canned engine (answers recorded once from moto's mock_aws
   in this process, then replayed inside botocore: no socket, so the figure is the
   client's CPU): a patch of one attribute of a ~300 KB item (``set={"status": ...}``),
   without the item back (``return_item=False``) and with it (the default), against
   an `update` of the whole item. Goal: at most 0.1x. A what-if row, reported only,
   compares the patch that answers the item with a `get_one` of it: reading a 300 KB
   item back costs what reading it costs.
2. The canned engine: a patch of a small item with a condition (two comparisons,
   `where`), the condition built inside the timed loop with a bound that changes at
   every call (so compiled once per call), and built once before the loop, against
   the same patch without a condition. Goal: at most 1.05x. Two what-if variants,
   reported only, show where the added time goes: the plain patch, with the condition
   built per call (then compiled) but not sent.
3. The in-memory store: a patch against an update of the same small item. Reported,
   no goal.

Times are CPU (``time.process_time``) per operation; a ratio is taken per repetition
(the variants ran side by side) and its median printed, with its interquartile range.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from loguru import logger
from moto import mock_aws
from pydantic import BaseModel, SecretStr

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    InMemoryKeyValueStore,
    KeyValueItem,
    LoggingService,
    create_table,
)
from lvrgd.common.services.conditions import Condition, where
from lvrgd.common.services.kvstore._attributes import encode_item
from lvrgd.common.services.kvstore._limits import item_size

from . import _canned
from ._stats import cell
from ._timing import Workload, expect, interleaved

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lvrgd.common.services import KeyValueStore

    from ._stats import Cell
    from ._timing import Samples


class Entry(BaseModel):
    """One line of a catalogue."""

    sku: str
    name: str
    description: str
    price: Decimal
    tags: list[str]


class Catalogue(KeyValueItem, entity="bench.patch-catalogue"):
    """A large item: a few scalars and a list of nested entries (~300 KB in all)."""

    title: str
    status: str
    revision: int
    entries: list[Entry]


class Product(KeyValueItem, entity="bench.patch-product"):
    """A small item (about 120 bytes)."""

    name: str
    stock: int
    price: Decimal
    status: str
    tags: list[str]
    note: str


TIMES = "\u00d7"
DASH = "\u2013"
LARGE_KEY = ("catalogue#0001", "page#0001")
SMALL_KEY = ("product#0001", "details")


def catalogue(entries: int, revision: int = 0) -> Catalogue:
    """The large item: `entries` entries of about 300 bytes each."""
    return Catalogue(
        pk=LARGE_KEY[0],
        sk=LARGE_KEY[1],
        title="Spring catalogue",
        status="draft",
        revision=revision,
        entries=[
            Entry(
                sku=f"SKU-{n:06d}",
                name=f"Stoneware mug, {n % 40} colours",
                description=(
                    f"Entry {n}: a hand-glazed stoneware mug, 350 ml, dishwasher safe. "
                    "Made in small batches; each glaze varies a little from one mug to the "
                    "next, and no two are quite alike. Ships in recycled card."
                ),
                price=Decimal(n % 5000) / 100 + Decimal("4.99"),
                tags=["kitchen", "stoneware", f"colour-{n % 40}"],
            )
            for n in range(entries)
        ],
    )


def product(stock: int = 1_000) -> Product:
    """The small item."""
    return Product(
        pk=SMALL_KEY[0],
        sk=SMALL_KEY[1],
        name="Espresso machine, steel",
        stock=stock,
        price=Decimal("249.99"),
        status="open",
        tags=["kitchen", "coffee"],
        note="Leave it at the door",
    )


def in_stock(low: int) -> Condition[Product]:
    """The condition the conditional patches carry, built anew: at least `low` in stock."""
    return where(Product, lambda p: (p.stock >= low) & (p.status == "open"))


@dataclass(frozen=True)
class Sizes:
    """What each comparison runs on."""

    entries: int = 1_040
    """Entries of the large item (about 300 bytes each)."""
    large_calls: dict[str, int] | None = None
    """Calls per batch of each variant of comparison 1 (None: LARGE_CALLS)."""
    small_calls: int = 1_000
    """Calls per batch of comparison 2."""
    memory_calls: int = 8_000
    """Calls per batch of comparison 3."""

    def large(self, variant: str) -> int:
        """Calls per batch of `variant` in comparison 1."""
        return (self.large_calls or LARGE_CALLS)[variant]


LARGE_CALLS = {"update": 12, "patch": 1_000, "patch, item back": 60, "get_one": 60}
"""A batch of each is some 0.3 s of CPU."""


@dataclass(frozen=True)
class Row:
    """One line of the table: a variant against its baseline."""

    label: str
    compared: str
    unit: str
    cell: Cell
    baseline: Cell
    goal: float | None
    """None: reported, no goal."""

    @property
    def verdict(self) -> str:
        """``met``, ``**not met**``, or ``report only``."""
        if self.goal is None:
            return "report only"
        return "met" if self.cell.ratio.median <= self.goal else "**not met**"


def _logger() -> LoggingService:
    return LoggingService("benchmarks")


def _rows(  # noqa: PLR0913 - the parts of a row
    samples: Samples,
    variants: Sequence[tuple[str, str]],
    *,
    baseline: str,
    operation: str,
    compared: str,
    goal: float | None,
) -> list[Row]:
    return [
        Row(
            label=label,
            compared=compared,
            unit="µs/call",
            cell=cell(samples, variant, operation, baseline),
            baseline=cell(samples, baseline, operation, baseline),
            goal=goal,
        )
        for variant, label in variants
    ]


# --- 1 and 2. DynamoDBService on the canned engine -------------------------------------


def _calls(calls: int, call: Callable[[int], object]) -> Workload:
    def run() -> None:
        for number in range(calls):
            call(number)

    return Workload(run, calls)


def _large_call(
    store: KeyValueStore, variant: str, updates: list[Catalogue]
) -> Callable[[int], object]:
    pk, sk = LARGE_KEY
    if variant == "update":
        return lambda n: store.update(updates[n % len(updates)])
    if variant == "patch":
        return lambda n: store.patch(
            pk, sk, Catalogue, set={"status": f"review#{n}"}, return_item=False
        )
    if variant == "get_one":
        return lambda _: store.get_one(pk, sk, Catalogue)

    def patch_back(n: int) -> None:
        found = store.patch(pk, sk, Catalogue, set={"status": f"review#{n}"})
        expect(found is not None and len(found.entries) == len(updates[0].entries), "the item")

    return patch_back


def _small_call(
    store: KeyValueStore, variant: str, prebuilt: Condition[Product]
) -> Callable[[int], object]:
    pk, sk = SMALL_KEY
    if variant == "plain":
        return lambda n: store.patch(pk, sk, Product, set={"stock": 500 + n})
    if variant == "built":
        return lambda n: store.patch(
            pk, sk, Product, set={"stock": 500 + n}, condition=in_stock(n % 100)
        )
    if variant == "prebuilt":
        return lambda n: store.patch(pk, sk, Product, set={"stock": 500 + n}, condition=prebuilt)

    def unconditional_and_built(n: int) -> None:
        # What-if: the plain patch, and the condition built (and compiled) but not sent.
        store.patch(pk, sk, Product, set={"stock": 500 + n})
        condition = in_stock(n % 100)
        if variant == "built and compiled, not sent":
            expect(bool(condition.compiled.expression), "an expression")

    return unconditional_and_built


SMALL_VARIANTS = {
    "built": "canned: patch + where(), built per call",
    "prebuilt": "canned: patch + where(), prebuilt",
    "built, not sent": "what-if: patch, where() built per call, not sent",
    "built and compiled, not sent": "what-if: patch, where() built and compiled, not sent",
}
"""Comparison 2's variants besides the plain patch; the what-ifs show where the time goes."""


def canned(sizes: Sizes, repetitions: int, warmup: int) -> list[Row]:
    """Comparisons 1 and 2: DynamoDBService, the canned engine answering."""
    wire = _canned.install()
    config = DynamoDBConfig(
        table_name="patch", aws_access_key_id="bench", aws_secret_access_key=SecretStr("bench")
    )
    large = catalogue(sizes.entries)
    updates = [large.model_copy(update={"revision": n}) for n in range(1, 4)]
    prebuilt = in_stock(1)
    scenarios: dict[str, list[_canned.Recorded]] = {}
    with mock_aws():
        create_table(config)
        service = DynamoDBService(_logger(), config, transport=_canned.service_transport(config))
        # moto refuses an UpdateItem that replaces a 300 KB value by another (it counts
        # the old value and the new one: docs/fidelity.md, #size-update-replaces-value),
        # so the update's answer is recorded on the item stored without its entries.
        # That answer holds no attributes, whatever the item's size.
        service.create(large.model_copy(update={"entries": []}))
        service.create(product())
        for variant in LARGE_CALLS:
            scenarios[variant] = wire.record()
            _large_call(service, variant, updates)(0)
        expect(
            "Attributes" not in json.loads(scenarios["update"][0].body),
            "an answer to the update that holds no item",
        )
        for variant in ("plain", *SMALL_VARIANTS):
            scenarios[variant] = wire.record()
            _small_call(service, variant, prebuilt)(0)
        wire.stop()
    for variant, recorded in scenarios.items():
        operation = "GetItem" if variant == "get_one" else "UpdateItem"
        expect(
            [response.operation for response in recorded] == [operation],
            f"{variant}: one {operation}",
        )

    def prepare_large(variant: str, _operation: str, _batch: int) -> Workload:
        wire.play(scenarios[variant])
        return _calls(sizes.large(variant), _large_call(service, variant, updates))

    def prepare_small(variant: str, _operation: str, _batch: int) -> Workload:
        wire.play(scenarios[variant])
        return _calls(sizes.small_calls, _small_call(service, variant, prebuilt))

    size_kb = _size_kb(large)
    large_samples = interleaved(
        list(LARGE_CALLS), ["large"], warmup=warmup, repetitions=repetitions,
        prepare=prepare_large, label="canned, patch vs update",
    )  # fmt: skip
    small_samples = interleaved(
        ["plain", *SMALL_VARIANTS], ["small"], warmup=warmup, repetitions=repetitions,
        prepare=prepare_small, label="canned, conditions",
    )  # fmt: skip
    wire.stop()
    service.close()
    return [
        *_rows(
            large_samples,
            [
                ("patch", "canned: patch 1 attribute, return_item=False"),
                ("patch, item back", "canned: patch 1 attribute, item back (default)"),
            ],
            baseline="update",
            operation="large",
            compared=f"vs update of the whole item ({size_kb:,.0f} KB)",
            goal=0.1,
        ),
        *_rows(
            large_samples,
            [("patch, item back", "what-if: patch 1 attribute, item back")],
            baseline="get_one",
            operation="large",
            compared="vs get_one of the same item: the cost of reading it back",
            goal=None,
        ),
        *_rows(
            small_samples,
            list(SMALL_VARIANTS.items())[:2],
            baseline="plain",
            operation="small",
            compared="vs the same patch, no condition",
            goal=1.05,
        ),
        *_rows(
            small_samples,
            list(SMALL_VARIANTS.items())[2:],
            baseline="plain",
            operation="small",
            compared="vs the patch alone",
            goal=None,
        ),
    ]


def _size_kb(item: KeyValueItem) -> float:
    """The item's size as DynamoDB counts it, in KB (its entity name included)."""
    return item_size(encode_item("size", item)) / 1024


# --- 3. the in-memory store ------------------------------------------------------------


def memory(sizes: Sizes, repetitions: int, warmup: int) -> list[Row]:
    """Comparison 3: patch against update of the same small item, in memory."""
    store = InMemoryKeyValueStore(_logger())
    store.create(product())
    pk, sk = SMALL_KEY
    updates = [product(stock=500 + n) for n in range(sizes.memory_calls)]

    def prepare(variant: str, _operation: str, _batch: int) -> Workload:
        if variant == "update":
            return _calls(sizes.memory_calls, lambda n: store.update(updates[n]))
        return _calls(
            sizes.memory_calls, lambda n: store.patch(pk, sk, Product, set={"stock": 500 + n})
        )

    samples = interleaved(
        ["update", "patch"], ["small"], warmup=warmup, repetitions=repetitions,
        prepare=prepare, label="in memory, patch vs update",
    )  # fmt: skip
    found = store.get_one(pk, sk, Product)
    expect(found is not None and found.stock == 500 + sizes.memory_calls - 1, "the last patch")
    store.close()
    return _rows(
        samples,
        [("patch", "in memory: patch 1 attribute (item back)")],
        baseline="update",
        operation="small",
        compared="vs update of the same small item",
        goal=None,
    )


# --- the table -------------------------------------------------------------------


def _us(seconds: float) -> str:
    value = seconds * 1e6
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"  # noqa: PLR2004


def table(rows: Sequence[Row]) -> list[str]:
    """The Markdown table of medians, ratios and goals."""
    lines = [
        "| measure | compared | baseline, median | measured, median | ratio (IQR) | goal |  |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = row.cell.ratio
        goal = "—" if row.goal is None else f"≤ {row.goal}{TIMES}"
        lines.append(
            f"| {row.label} | {row.compared} | {_us(row.baseline.cpu.median)} {row.unit} | "
            f"{_us(row.cell.cpu.median)} {row.unit} | "
            f"{ratio.median:.3f}{TIMES} ({ratio.q1:.3f}{TIMES}{DASH}{ratio.q3:.3f}{TIMES}) | "
            f"{goal} | {row.verdict} |"
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
            entries=5, large_calls={"update": 2, "patch": 2, "patch, item back": 2, "get_one": 2},
            small_calls=2, memory_calls=3,
        )  # fmt: skip
    return sizes, args.repetitions, args.warmup


def main(argv: Sequence[str] | None = None) -> None:
    """Measure the three comparisons and print the table."""
    sizes, repetitions, warmup = _arguments(argv)
    logger.remove()  # as an application would: the debug lines are built, then dropped
    logger.add(sys.stderr, level="WARNING")
    started = time.perf_counter()
    rows = [*canned(sizes, repetitions, warmup), *memory(sizes, repetitions, warmup)]
    print("\n".join(table(rows)))
    print()
    print(
        f"{warmup} warm-up repetition(s) dropped, {repetitions} kept; "
        f"the run took {time.perf_counter() - started:.0f} s."
    )
    print(_machine())


if __name__ == "__main__":
    main()
