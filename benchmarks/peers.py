"""The peers users pick for speed, and the floor: how far DynamoDBService and the twin are.

    uv run python -m benchmarks.peers [--repetitions 7] [--warmup 1] [--smoke]

The harness (``python -m benchmarks.run``) runs it too, as its ``peers`` suite, and
puts its table and its goals in docs/benchmarks.md.

Three comparisons in one run, every variant of a comparison timed side by side
(`_timing.interleaved`: each repetition runs every variant, the order rotated; the
warm-up repetition is dropped), CPU of this process per operation
(``time.process_time``), the ten-attribute `Order` with pydantic models on every side:

1. dynalite over loopback (the engine runs in its own process, so the figure is the
   client's CPU): boto3's raw client, DynamoDBService, pydynox (its Rust core, sync and
   async) and aiodynamo (async, httpx), on create (a conditional put), get_one (a
   consistent get), and whole-partition queries of 100 and 1,000 items, each item
   validated as `Order`. Goal: DynamoDBService at most 1.0x pydynox.
2. The canned engine (answers recorded once from dynalite, then replayed inside
   botocore: no socket): DynamoDBService against the raw client on create and get_one
   (goal: at most 0.40x), and per item of a query against the floor, which is
   ``json.loads`` of the recorded answer plus ``Order.model_validate`` of plain dicts
   (goal: at most 1.5x).
3. In memory: InMemoryKeyValueStore against pydynox's MemoryBackend client and against
   DynamoDBService on moto's ``mock_aws``, on create, get_one and a query of 100 items.
   Goals: the twin at least 100x, 250x, 250x moto, and at least as fast as pydynox's
   backend (which checks far fewer of DynamoDB's limits).

A ratio is taken per repetition (the variants ran side by side) and its median
printed with its interquartile range.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import httpx
from aiodynamo.client import Client as AiodynamoClient
from aiodynamo.credentials import Key as AiodynamoKey
from aiodynamo.credentials import StaticCredentials
from aiodynamo.expressions import F, HashKey
from aiodynamo.http.httpx import HTTPX
from loguru import logger
from moto import mock_aws
from pydantic import SecretStr
from pydynox import DynamoDBClient
from pydynox.testing import MemoryBackend
from yarl import URL

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    InMemoryKeyValueStore,
    LoggingService,
    create_table,
)
from lvrgd.common.services.testing.adapters._engines import start_dynalite

from . import _canned, _engine_suite, _variants
from ._items import (
    ACCESS_KEY,
    CREATE_PK,
    GET_PK,
    QUERY_PKS,
    REGION,
    SECRET_KEY,
    TABLE,
    Order,
    order,
    order_sort_key,
)
from ._peer_rows import TIMES, Row, table
from ._plan import QUERY_SIZES
from ._stats import cell
from ._timing import Workload, expect, interleaved

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Sequence

    from lvrgd.common.services import KeyValueStore

    from ._plan import Plan
    from ._timing import Samples

ENGINE_OPERATIONS = ("create", "get_one", "query_100", "query_1000")
MEMORY_OPERATIONS = ("create", "get_one", "query_100")


@dataclass(frozen=True)
class Counts:
    """Operations per timed batch, by comparison and operation."""

    dynalite: dict[str, int]
    canned: dict[str, int]
    memory: dict[str, int]
    moto: dict[str, int]


FULL = Counts(
    dynalite={"create": 60, "get_one": 60, "query_100": 6, "query_1000": 1},
    canned={"create": 150, "get_one": 150, "query_100": 10, "query_1000": 2},
    memory={"create": 2000, "get_one": 2000, "query_100": 100},
    moto={"create": 40, "get_one": 40, "query_100": 2},
)
SMOKE = Counts(
    dynalite={"create": 2, "get_one": 2, "query_100": 1, "query_1000": 1},
    canned={"create": 2, "get_one": 2, "query_100": 1, "query_1000": 1},
    memory={"create": 5, "get_one": 5, "query_100": 1},
    moto={"create": 2, "get_one": 2, "query_100": 1},
)


# -- the peers, on an engine --------------------------------------------------------------


class _Loop:
    """One event loop per async variant, kept for the run: a batch is one coroutine."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        self.loop.close()


def _plain(item: Order) -> dict[str, Any]:
    """The item as the plain values pydynox and aiodynamo write (a set stays a set)."""
    return item.model_dump()


class Pydynox(_variants.Variant):
    """pydynox's client (a Rust core), sync; items validated as `Order` on the way back."""

    name = "pydynox"
    label = "pydynox 1.8 (sync)"

    def __init__(self, endpoint_url: str) -> None:
        """A client of the engine, with the benchmark's dummy keys."""
        self.client = DynamoDBClient(
            region=REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY, endpoint_url=endpoint_url
        )

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """``sync_put_item(model_dump(), attribute_not_exists(pk))``."""
        put = self.client.sync_put_item

        def run() -> None:
            for item in items:
                put(TABLE, _plain(item), condition_expression="attribute_not_exists(pk)")

        return run

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """``sync_get_item(consistent_read=True)``, then ``Order.model_validate``."""
        get = self.client.sync_get_item

        def run() -> None:
            for _ in range(times):
                Order.model_validate(get(TABLE, {"pk": pk, "sk": sk}, consistent_read=True))

        return run

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """Not compared here (the engine suite compares updates)."""
        raise NotImplementedError

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """``sync_query`` of the partition, every page, each item validated."""
        query = self.client.sync_query

        def run() -> None:
            for _ in range(times):
                found = query(
                    TABLE,
                    "pk = :p",
                    expression_attribute_values={":p": pk},
                    consistent_read=True,
                )
                items = [Order.model_validate(item) for item in found]
                expect(len(items) == expected, f"{expected} items")

        return run


class PydynoxAsync(Pydynox):
    """pydynox's client, its coroutines run one batch at a time on an event loop."""

    name = "pydynox_async"
    label = "pydynox 1.8 (async)"

    def __init__(self, endpoint_url: str) -> None:
        """A client of the engine and a loop to run it on."""
        super().__init__(endpoint_url)
        self.loop = _Loop()

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """``await put_item(...)`` per item."""
        put = self.client.put_item

        async def batch() -> None:
            for item in items:
                await put(TABLE, _plain(item), condition_expression="attribute_not_exists(pk)")

        return lambda: self.loop.run(batch())

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """``await get_item(...)``, then ``Order.model_validate``."""
        get = self.client.get_item

        async def batch() -> None:
            for _ in range(times):
                Order.model_validate(await get(TABLE, {"pk": pk, "sk": sk}, consistent_read=True))

        return lambda: self.loop.run(batch())

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """``async for`` over ``query(...)``, each item validated."""
        query = self.client.query

        async def batch() -> None:
            for _ in range(times):
                found = query(
                    TABLE, "pk = :p", expression_attribute_values={":p": pk}, consistent_read=True
                )
                items = [Order.model_validate(item) async for item in found]
                expect(len(items) == expected, f"{expected} items")

        return lambda: self.loop.run(batch())

    def close(self) -> None:
        """Close the loop."""
        self.loop.close()


class Aiodynamo(_variants.Variant):
    """aiodynamo over httpx (async); numbers read as Decimal, items validated as `Order`."""

    name = "aiodynamo"
    label = "aiodynamo (async, httpx)"

    def __init__(self, endpoint_url: str) -> None:
        """A client of the engine with static dummy keys, and a loop to run it on."""
        from decimal import Decimal  # noqa: PLC0415 - only this variant needs it

        self.loop = _Loop()
        self.http = httpx.AsyncClient()
        self.table = AiodynamoClient(
            HTTPX(self.http),
            StaticCredentials(AiodynamoKey(ACCESS_KEY, SECRET_KEY)),
            REGION,
            endpoint=URL(endpoint_url),
            numeric_type=Decimal,
        ).table(TABLE)

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """``await put_item(model_dump(), condition=F("pk").does_not_exist())``."""
        put = self.table.put_item
        condition = F("pk").does_not_exist()

        async def batch() -> None:
            for item in items:
                await put(_plain(item), condition=condition)

        return lambda: self.loop.run(batch())

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """``await get_item(consistent_read=True)``, then ``Order.model_validate``."""
        get = self.table.get_item

        async def batch() -> None:
            for _ in range(times):
                Order.model_validate(await get({"pk": pk, "sk": sk}, consistent_read=True))

        return lambda: self.loop.run(batch())

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """Not compared here (the engine suite compares updates)."""
        raise NotImplementedError

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """``async for`` over ``query(HashKey("pk", pk))``, each item validated."""
        query = self.table.query

        async def batch() -> None:
            for _ in range(times):
                found = query(HashKey("pk", pk), consistent_read=True)
                items = [Order.model_validate(item) async for item in found]
                expect(len(items) == expected, f"{expected} items")

        return lambda: self.loop.run(batch())

    def close(self) -> None:
        """Close the HTTP client and the loop."""
        self.loop.run(self.http.aclose())
        self.loop.close()


_workload = _engine_suite._workload  # noqa: SLF001 - the engine suite's batches, as they are

ENGINE_VARIANTS: dict[str, Callable[[str], _variants.Variant]] = {
    "raw": _variants.RawClient,
    "service": _variants.Service,
    "pydynox": Pydynox,
    "pydynox_async": PydynoxAsync,
    "aiodynamo": Aiodynamo,
}


Recordings = dict[str, dict[str, list[_canned.Recorded]]]
"""variant -> operation -> the engine's answers, for the canned engine to replay."""


def on_dynalite(
    counts: Counts, repetitions: int, warmup: int, wire: _canned.Wire
) -> tuple[list[Row], Recordings]:
    """Comparison 1, and the recordings comparison 2 replays (taken from the same engine)."""
    running = start_dynalite()
    variants: dict[str, _variants.Variant] = {}
    try:
        _engine_suite._prepare_table(running.endpoint_url)  # noqa: SLF001 - the suite's seed
        variants = {name: build(running.endpoint_url) for name, build in ENGINE_VARIANTS.items()}
        samples = interleaved(
            list(variants), ENGINE_OPERATIONS, warmup=warmup, repetitions=repetitions,
            prepare=lambda v, op, b: _workload(variants[v], op, counts.dynalite[op], b),
            label="dynalite",
        )  # fmt: skip
        recorded = {name: variants[name] for name in ("raw", "service")}
        recordings = _engine_suite._record(wire, recorded, ENGINE_OPERATIONS)  # noqa: SLF001
    finally:
        for variant in variants.values():
            variant.close()
        running.stop()
    rows: list[Row] = []
    for operation in ENGINE_OPERATIONS:
        rows.append(_goal(samples, "service", "pydynox", operation, "dynalite", 1.0))
        rows.extend(
            _report_only(samples, name, "pydynox", operation, "dynalite")
            for name in ("raw", "pydynox_async", "aiodynamo")
        )
        rows.append(_report_only(samples, "service", "raw", operation, "dynalite"))
    return rows, recordings


# -- the floor, on the canned engine --------------------------------------------------------


class Floor(_variants.Variant):
    """What any Python client must do at least: parse the answer, validate the models.

    ``json.loads`` of the answers the raw client got (recorded), and
    ``Order.model_validate`` of the items as plain dicts (prepared outside the timing):
    no request is built or sent, nothing is converted from DynamoDB JSON.
    """

    name = "floor"
    label = "floor: json.loads + model_validate"

    def __init__(self, recordings: dict[str, list[_canned.Recorded]]) -> None:
        """The raw client's recorded answers, by operation."""
        self.bodies = {op: [r.body for r in scenario] for op, scenario in recordings.items()}

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """Not a floor: a create has no answer to parse."""
        raise NotImplementedError

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """The GetItem answer parsed, one plain item validated."""
        (body,) = self.bodies["get_one"]
        plain = _plain(order(pk, sk))

        def run() -> None:
            for _ in range(times):
                json.loads(body)
                Order.model_validate(plain)

        return run

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """Not a floor."""
        raise NotImplementedError

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """Every page of the Query answer parsed, `expected` plain items validated."""
        operation = next(op for op, size in QUERY_SIZES.items() if size == expected)
        bodies = self.bodies[operation]
        plain = [_plain(order(pk, order_sort_key(i))) for i in range(expected)]

        def run() -> None:
            for _ in range(times):
                for body in bodies:
                    json.loads(body)
                items = [Order.model_validate(item) for item in plain]
                expect(len(items) == expected, f"{expected} items")

        return run


def on_canned(
    counts: Counts, repetitions: int, warmup: int, wire: _canned.Wire, recordings: Recordings
) -> list[Row]:
    """Comparison 2: replayed answers, so the figures are the client's work alone."""
    from .async_suite import AsyncService  # noqa: PLC0415 - that suite imports this one

    variants: dict[str, _variants.Variant] = {
        "raw": _variants.RawClient("http://127.0.0.1:9"),  # never reached: replayed
        "service": _variants.Service("http://127.0.0.1:9"),
        "async_service": AsyncService(
            "http://127.0.0.1:9", transport=_canned.AsyncCannedTransport(wire)
        ),
        "floor": Floor(recordings["raw"]),
    }
    # The async adapter sends what the sync one sends: it replays the sync one's answers.
    recorded_as = {"async_service": "service"}
    rows: list[Row] = []
    try:

        def prepare(variant: str, operation: str, batch: int) -> Workload:
            if variant != "floor":
                wire.play(recordings[recorded_as.get(variant, variant)][operation])
            return _workload(variants[variant], operation, counts.canned[operation], batch)

        writes = interleaved(
            ["raw", "service", "async_service"], ["create", "get_one"], warmup=warmup,
            repetitions=repetitions,
            prepare=prepare, label="canned, vs raw client",
        )  # fmt: skip
        reads = interleaved(
            ["floor", "service", "async_service"], ["get_one", "query_100", "query_1000"],
            warmup=warmup,
            repetitions=repetitions, prepare=prepare, label="canned, vs the floor",
        )  # fmt: skip
    finally:
        wire.stop()
        for variant in variants.values():
            variant.close()
    rows.extend(_goal(writes, "service", "raw", op, "canned", 0.40) for op in ("create", "get_one"))
    rows.append(_report_only(reads, "service", "floor", "get_one", "canned"))
    rows.extend(
        _goal(reads, "service", "floor", op, "canned", 1.5) for op in ("query_100", "query_1000")
    )
    rows.extend(
        _report_only(samples, "async_service", "service", op, "canned")
        for samples, ops in ((writes, ("create", "get_one")), (reads, ("query_100", "query_1000")))
        for op in ops
    )
    return rows


# -- in memory ------------------------------------------------------------------------------


class _PortVariant:
    """A store of the port (the twin, or DynamoDBService on mock_aws) on the three operations."""

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    def workload(self, operation: str, count: int, batch: int) -> Workload:
        store = self.store
        if operation == "create":
            items = [order(CREATE_PK, f"m#{batch}#{i:06d}") for i in range(count)]

            def create() -> None:
                for item in items:
                    store.create(item)

            return Workload(create, count)
        if operation == "get_one":

            def get_one() -> None:
                for _ in range(count):
                    expect(store.get_one(GET_PK, order_sort_key(0), Order) is not None, "an item")

            return Workload(get_one, count)

        def query() -> None:
            for _ in range(count):
                expect(len(store.query_by_pk(QUERY_PKS["query_100"], Order)) == 100, "100 items")  # noqa: PLR2004

        return Workload(query, count)


class _PydynoxMemory:
    """pydynox's MemoryBackend client, used as its docs show, items validated as `Order`."""

    def __init__(self) -> None:
        self.backend = MemoryBackend()
        self.client = self.backend.__enter__().client
        self.client.sync_create_table(TABLE, partition_key=("pk", "S"), sort_key=("sk", "S"))

    def workload(self, operation: str, count: int, batch: int) -> Workload:
        client = self.client
        if operation == "create":
            items = [_plain(order(CREATE_PK, f"p#{batch}#{i:06d}")) for i in range(count)]

            def create() -> None:
                for item in items:
                    client.sync_put_item(
                        TABLE, item, condition_expression="attribute_not_exists(pk)"
                    )

            return Workload(create, count)
        if operation == "get_one":
            key = {"pk": GET_PK, "sk": order_sort_key(0)}

            def get_one() -> None:
                for _ in range(count):
                    Order.model_validate(client.sync_get_item(TABLE, key, consistent_read=True))

            return Workload(get_one, count)
        values = {":p": QUERY_PKS["query_100"]}

        def query() -> None:
            for _ in range(count):
                found = client.query(
                    TABLE, "pk = :p", expression_attribute_values=values, consistent_read=True
                )
                items = [Order.model_validate(item) for item in found["items"]]
                expect(len(items) == 100, "100 items")  # noqa: PLR2004

        return Workload(query, count)

    def close(self) -> None:
        self.backend.__exit__(None, None, None)


def _seed_memory(create: Callable[[Order], object]) -> None:
    create(order(GET_PK, order_sort_key(0)))
    for i in range(100):
        create(order(QUERY_PKS["query_100"], order_sort_key(i)))
    # Other partitions, so that a query has a table to find its partition in.
    for i in range(1_000):
        create(order(QUERY_PKS["query_1000"], order_sort_key(i)))


def in_memory(counts: Counts, repetitions: int, warmup: int) -> list[Row]:
    """Comparison 3: the twin, pydynox's in-memory backend, and moto."""
    config = DynamoDBConfig(
        table_name=TABLE,
        region=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SecretStr(SECRET_KEY),
    )
    twin_store = InMemoryKeyValueStore(LoggingService("peers"))
    pydynox = _PydynoxMemory()
    with mock_aws():
        create_table(config)
        moto_store = DynamoDBService(LoggingService("peers"), config)
        twin, moto = _PortVariant(twin_store), _PortVariant(moto_store)
        _seed_memory(twin_store.create)
        _seed_memory(moto_store.create)
        _seed_memory(lambda item: pydynox.client.sync_put_item(TABLE, _plain(item)))
        stores: dict[str, _PortVariant | _PydynoxMemory] = {
            "memory": twin, "pydynox_memory": pydynox, "moto": moto,
        }  # fmt: skip
        per_variant = {
            "memory": counts.memory,
            "pydynox_memory": counts.memory,
            "moto": counts.moto,
        }
        samples = interleaved(
            list(stores), MEMORY_OPERATIONS, warmup=warmup, repetitions=repetitions,
            prepare=lambda v, op, b: stores[v].workload(op, per_variant[v][op], b),
            label="in memory",
        )  # fmt: skip
        moto_store.close()
    pydynox.close()
    twin_store.close()
    speedup_goals = {"create": 100.0, "get_one": 250.0, "query_100": 250.0}
    rows: list[Row] = []
    for operation in MEMORY_OPERATIONS:
        for peer, goal in (("moto", speedup_goals[operation]), ("pydynox_memory", 1.0)):
            rows.append(_speedup(samples, peer, operation, goal))
    return rows


# -- report -----------------------------------------------------------------------------------

LABELS = {
    "raw": "raw boto3 client",
    "service": "DynamoDBService",
    "async_service": "AsyncDynamoDBService",
    "pydynox": "pydynox (sync)",
    "pydynox_async": "pydynox (async)",
    "aiodynamo": "aiodynamo (async)",
    "floor": "the floor",
    "moto": "moto mock_aws (DynamoDBService)",
    "pydynox_memory": "pydynox MemoryBackend",
}


def _goal(  # noqa: PLR0913, PLR0917 - the parts of a row
    samples: Samples, variant: str, reference: str, operation: str, engine: str, goal: float
) -> Row:
    """`variant`'s CPU over `reference`'s, at most `goal`."""
    row = _report_only(samples, variant, reference, operation, engine)
    met = row.ratio.median <= goal
    return Row(**{**row.__dict__, "goal": f"\u2264 {goal:.2f}{TIMES}", "met": met})


def _report_only(
    samples: Samples, variant: str, reference: str, operation: str, engine: str
) -> Row:
    """`variant`'s CPU over `reference`'s, no goal."""
    mine, theirs = (
        cell(samples, variant, operation, reference),
        cell(samples, reference, operation, reference),
    )
    return Row(
        f"{engine}: {LABELS[variant]}, {operation}",
        f"vs {LABELS[reference]}",
        theirs.cpu.median,
        mine.cpu.median,
        mine.ratio,
    )


def _speedup(samples: Samples, peer: str, operation: str, goal: float) -> Row:
    """The twin's speed over `peer`'s (the peer's CPU over the twin's), at least `goal`."""
    peers, twin = (
        cell(samples, peer, operation, "memory"),
        cell(samples, "memory", operation, "memory"),
    )
    return Row(
        f"memory: twin, {operation}",
        f"speed vs {LABELS[peer]}",
        peers.cpu.median,
        twin.cpu.median,
        peers.ratio,
        f"\u2265 {goal:.0f}{TIMES}" if goal >= 10 else f"\u2265 {goal:.1f}{TIMES}",  # noqa: PLR2004
        peers.ratio.median >= goal,
    )


def _machine() -> str:
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"
    return (
        f"cores: {os.cpu_count()}; Python: {platform.python_implementation()} "
        f"{platform.python_version()}; load average (1 min) at the end: {load}"
    )


def measure(counts: Counts, repetitions: int, warmup: int) -> list[Row]:
    """The three comparisons, in order: dynalite, the canned engine, in memory."""
    wire = _canned.install()  # before any botocore client exists
    rows, recordings = on_dynalite(counts, repetitions, warmup, wire)
    rows += on_canned(counts, repetitions, warmup, wire, recordings)
    rows += in_memory(counts, repetitions, warmup)
    return rows


def run(plan: Plan) -> dict[str, Any]:
    """The harness's ``peers`` suite: every row, as JSON-able dicts."""
    counts = SMOKE if plan.name == "smoke" else FULL
    rows = measure(counts, plan.repetitions, plan.warmup)
    return {"rows": [asdict(row) for row in rows]}


def main(argv: Sequence[str] | None = None) -> None:
    """Run the three comparisons and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="tiny counts: the harness works")
    args = parser.parse_args(argv)
    counts = SMOKE if args.smoke else FULL
    repetitions = 1 if args.smoke else args.repetitions
    logger.remove()  # the stores log at info; the figures are what matters here
    rows = measure(counts, repetitions, args.warmup)
    print("\n".join(table(rows)))
    print(
        f"\n{args.warmup} warm-up repetition(s) dropped, {repetitions} kept; "
        f"CPU of this process per operation. Machine: {_machine()}."
    )


if __name__ == "__main__":
    main(sys.argv[1:])
