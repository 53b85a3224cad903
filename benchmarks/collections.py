"""What reading a mixed partition costs: a 1,000-item query of three types against one type.

    uv run python -m benchmarks.collections [--repetitions 9]

Both stores answer the same two queries, interleaved: 1,000 items of one class read as
that class, and 1,000 items of three classes of the same shape (a third each) read as
their union, so that the difference is what reading by entity name costs. The
DynamoDB adapter runs on the canned engine (answers recorded once from moto in this
process, then replayed inside botocore: no socket), so the figure is the client's CPU.
Prints the median CPU per item of each and their ratio; the goal is at most 1.1.
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal
from typing import TYPE_CHECKING

from loguru import logger
from moto import mock_aws
from pydantic import SecretStr

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    InMemoryKeyValueStore,
    KeyValueItem,
    LoggingService,
    create_table,
)

from . import _canned

if TYPE_CHECKING:
    from collections.abc import Callable

    from lvrgd.common.services import KeyValueStore

ITEMS = 1_000
GOAL = 1.1


class Order(KeyValueItem, entity="bench.order"):
    """An order."""

    total: Decimal
    status: str


class Refund(KeyValueItem, entity="bench.refund"):
    """A refund: the same shape as an order, so that only the dispatch differs."""

    total: Decimal
    status: str


class Invoice(KeyValueItem, entity="bench.invoice"):
    """An invoice: the same shape again."""

    total: Decimal
    status: str


KINDS = (Order, Refund, Invoice)


def _item(pk: str, index: int, kinds: int) -> KeyValueItem:
    model = KINDS[index % kinds]
    return model(pk=pk, sk=f"item#{index:05d}", total=Decimal(index), status="open")


def _fill(store: KeyValueStore) -> None:
    store.put_many([_item("single", i, 1) for i in range(ITEMS)])
    store.put_many([_item("mixed", i, 3) for i in range(ITEMS)])


def _single(store: KeyValueStore) -> None:
    assert len(store.query_by_pk("single", Order)) == ITEMS  # noqa: S101 - the work is done


def _mixed(store: KeyValueStore) -> None:
    assert len(store.query_by_pk("mixed", Order | Refund | Invoice)) == ITEMS  # noqa: S101


def _time(runs: dict[str, Callable[[], None]], repetitions: int) -> dict[str, float]:
    """Median CPU microseconds per item of each run, the runs interleaved."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()  # warm up
    for _ in range(repetitions):
        for name, run in runs.items():
            started = time.process_time()
            run()
            samples[name].append((time.process_time() - started) / ITEMS * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def _memory(repetitions: int) -> dict[str, float]:
    store = InMemoryKeyValueStore(LoggingService("bench"))
    _fill(store)
    return _time({"single": lambda: _single(store), "mixed": lambda: _mixed(store)}, repetitions)


def _canned_engine(repetitions: int) -> dict[str, float]:
    wire = _canned.install()
    config = DynamoDBConfig(
        table_name="collections",
        aws_access_key_id="bench",
        aws_secret_access_key=SecretStr("bench"),
    )
    with mock_aws():
        create_table(config)
        service = DynamoDBService(
            LoggingService("bench"), config, transport=_canned.service_transport(config)
        )
        _fill(service)
        scenarios = {}
        for name, query in (("single", _single), ("mixed", _mixed)):
            scenarios[name] = wire.record()
            query(service)
        wire.stop()
    runs = {
        "single": _replayed(wire, scenarios["single"], _single, service),
        "mixed": _replayed(wire, scenarios["mixed"], _mixed, service),
    }
    return _time(runs, repetitions)


def _replayed(
    wire: _canned.Wire,
    scenario: list[_canned.Recorded],
    query: Callable[[KeyValueStore], None],
    store: KeyValueStore,
) -> Callable[[], None]:
    def run() -> None:
        wire.play(scenario)
        query(store)

    return run


def main() -> None:
    """Measure both stores and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repetitions", type=int, default=9)
    repetitions = parser.parse_args().repetitions
    logger.remove()  # per-operation DEBUG lines would be timed too
    print("| store | one type, µs/item | three types, µs/item | ratio | goal |")
    print("| --- | --- | --- | --- | --- |")
    for name, measure in (("in-memory", _memory), ("DynamoDBService, canned", _canned_engine)):
        medians = measure(repetitions)
        ratio = medians["mixed"] / medians["single"]
        print(
            f"| {name} | {medians['single']:.2f} | {medians['mixed']:.2f} | "
            f"{ratio:.2f}x | <= {GOAL}x |"
        )


if __name__ == "__main__":
    main()
