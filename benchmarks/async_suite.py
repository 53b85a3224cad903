"""The async form against the sync one and the async peers, on dynalite.

    uv run python -m benchmarks.async_suite [--repetitions 3] [--warmup 1] [--tiny]

The harness (``python -m benchmarks.run``) runs it too, as its ``async`` suite, and
puts its tables in docs/benchmarks.md under "Async form".

Three measurements, each against dynalite in its own process (so CPU is the client's):

1. Client CPU per call, one in flight: DynamoDBService, AsyncDynamoDBService,
   pydynox's async API, aiodynamo and aiobotocore on create, get_one and whole-partition queries of
   100 and 1,000 items, every item validated as `Order`, the variants interleaved
   (`_timing.interleaved`). Goals: AsyncDynamoDBService at most 1.1x DynamoDBService
   and at most 1.0x pydynox's async API.
2. Concurrency: consistent gets of one item with 1, 16, 64 and 256 in flight: asyncio
   tasks sharing one AsyncDynamoDBService, threads sharing one DynamoDBService (1, 16
   and 64). Throughput, p50 and p99 latency, client CPU per get. Goal: the async
   adapter at 64 in flight at least the sync adapter's throughput on 16 threads, at
   most 0.7x its CPU per get.
3. Event-loop lag: a task that sleeps 1 ms and records how late it wakes, while 32
   concurrent 1,000-item queries run, on the async twin and on dynalite. Goal: p99 lag
   at most 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import psutil  # type: ignore[import-untyped]  # psutil ships no type information
from loguru import logger
from pydantic import SecretStr

from lvrgd.common.services import (
    AsyncDynamoDBService,
    AsyncInMemoryKeyValueStore,
    DynamoDBConfig,
    DynamoDBService,
    LoggingService,
)
from lvrgd.common.services.testing.adapters._engines import start_dynalite

from . import _engine_suite, _variants, peers
from ._items import (
    ACCESS_KEY,
    GET_PK,
    QUERY_PKS,
    REGION,
    SECRET_KEY,
    TABLE,
    Order,
    order,
    order_sort_key,
)
from ._peer_rows import TIMES, Row, row_of, table
from ._stats import cell
from ._timing import expect, interleaved
from .aiobotocore_peer import Aiobotocore

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from lvrgd.common.services.dynamodb._async_transport import AsyncTransport

    from ._plan import Plan
    from ._timing import Samples

OPERATIONS = ("create", "get_one", "query_100", "query_1000")
PAUSED = ", collector paused"
"""Suffix of the lag rows measured with the cycle collector disabled."""
RSS_SAMPLE_S = 0.01
"""How often the concurrency runs sample the process's resident set."""
CALL_GOALS = {"service": 1.1, "pydynox_async": 1.0}
"""AsyncDynamoDBService's CPU per call at most these times the variant's."""
LABELS = {
    "service": "DynamoDBService",
    "async_service": "AsyncDynamoDBService",
    "pydynox_async": "pydynox (async)",
    "aiodynamo": "aiodynamo (async)",
    "aiobotocore": "aiobotocore (async)",
}
ADAPTERS = {"async": "AsyncDynamoDBService (tasks)", "sync": "DynamoDBService (threads)"}
CONCURRENCY = (1, 16, 64, 256)
SYNC_CONCURRENCY = (1, 16, 64)
"""A thread per call in flight: 256 threads is not how anyone runs the sync adapter."""
THROUGHPUT_GOAL = (64, 16)
"""The async adapter at 64 in flight against the sync adapter on 16 threads."""
CPU_GOAL = 0.7
LAG_QUERIES = 32
LAG_GOAL_S = 0.020
HEARTBEAT_S = 0.001
NO_ITEM = "the seeded item is missing"
POOL = 64
"""Connections either adapter keeps (`max_pool_connections`): one per call at 64."""


@dataclass(frozen=True)
class Counts:
    """How much each measurement runs."""

    calls: dict[str, int]
    """Per timed batch of the one-in-flight comparison, by operation."""
    gets: dict[int, int]
    """Gets per concurrency run, by calls in flight."""
    lag_rounds: int
    """Rounds of 32 concurrent queries while the heartbeat runs."""


FULL = Counts(
    calls={"create": 40, "get_one": 40, "query_100": 4, "query_1000": 1},
    gets={1: 200, 16: 800, 64: 1_280, 256: 2_560},
    lag_rounds=2,
)
TINY = Counts(
    calls={"create": 2, "get_one": 2, "query_100": 1, "query_1000": 1},
    gets={1: 4, 16: 32, 64: 64, 256: 256},
    lag_rounds=1,
)


# -- 1. one in flight -------------------------------------------------------------------------


def _config(endpoint_url: str) -> DynamoDBConfig:
    return DynamoDBConfig(
        table_name=TABLE,
        region=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SecretStr(SECRET_KEY),
        max_pool_connections=POOL,
    )


class AsyncService(_variants.Variant):
    """AsyncDynamoDBService, its coroutines run one batch at a time on a loop kept for the run."""

    name = "async_service"
    label = LABELS["async_service"]

    def __init__(self, endpoint_url: str, transport: AsyncTransport | None = None) -> None:
        """The adapter (by default on httpx; on `transport` if given), and a loop to run it on."""
        self.loop = peers._Loop()  # noqa: SLF001 - the peers' loop holder
        self.store = AsyncDynamoDBService(
            LoggingService("benchmarks"), _config(endpoint_url), transport=transport
        )

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """Create each item, awaited."""
        create = self.store.create

        async def batch() -> None:
            for item in items:
                await create(item)

        return lambda: self.loop.run(batch())

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """Get the item as `Order`, awaited, `times` times."""
        get_one = self.store.get_one

        async def batch() -> None:
            for _ in range(times):
                expect(await get_one(pk, sk, Order) is not None, "an item")

        return lambda: self.loop.run(batch())

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """Not compared here (the engine suite compares updates)."""
        raise NotImplementedError

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """``await query_by_pk(pk, Order)``."""
        query = self.store.query_by_pk

        async def batch() -> None:
            for _ in range(times):
                expect(len(await query(pk, Order)) == expected, f"{expected} items")

        return lambda: self.loop.run(batch())

    def close(self) -> None:
        """Release the pool, then close the loop."""
        self.loop.run(self.store.aclose())
        self.loop.close()


def _row(samples: Samples, variant: str, reference: str, operation: str) -> Row:
    """`variant`'s CPU per call over `reference`'s, with the goal when there is one."""
    mine, theirs = (
        cell(samples, variant, operation, reference),
        cell(samples, reference, operation, reference),
    )
    goal = CALL_GOALS.get(reference) if variant == "async_service" else None
    return Row(
        f"dynalite: {LABELS[variant]}, {operation}",
        f"vs {LABELS[reference]}",
        theirs.cpu.median,
        mine.cpu.median,
        mine.ratio,
        "\u2014" if goal is None else f"\u2264 {goal:.2f}{TIMES}",
        None if goal is None else mine.ratio.median <= goal,
    )


def one_in_flight(endpoint_url: str, counts: Counts, repetitions: int, warmup: int) -> list[Row]:
    """Measurement 1: every variant's CPU per call, interleaved."""
    builders: dict[str, Callable[[str], _variants.Variant]] = {
        "service": _variants.Service,
        "async_service": AsyncService,
        "pydynox_async": peers.PydynoxAsync,
        "aiodynamo": peers.Aiodynamo,
        "aiobotocore": Aiobotocore,
    }
    variants: dict[str, _variants.Variant] = {}
    try:
        variants = {name: build(endpoint_url) for name, build in builders.items()}
        samples = interleaved(
            list(variants), OPERATIONS, warmup=warmup, repetitions=repetitions,
            prepare=lambda v, op, b: peers._workload(variants[v], op, counts.calls[op], b),  # noqa: SLF001
            label="async, one in flight",
        )  # fmt: skip
    finally:
        for variant in variants.values():
            variant.close()
    rows: list[Row] = []
    for operation in OPERATIONS:
        rows += [
            _row(samples, "async_service", "service", operation),
            _row(samples, "async_service", "pydynox_async", operation),
            _row(samples, "aiodynamo", "pydynox_async", operation),
            _row(samples, "aiobotocore", "pydynox_async", operation),
        ]
    return rows


# -- 2. concurrency ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One adapter at one number of calls in flight (medians over the kept repetitions)."""

    adapter: str
    in_flight: int
    throughput: float
    """Gets per second (wall)."""
    p50_ms: float
    p99_ms: float
    cpu_us: float
    """Client CPU per get, microseconds."""
    peak_rss_mb: float
    """The client process's largest resident set seen during the level's runs, MiB."""


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


Run = tuple[float, float, list[float], int]
"""Gets per second, CPU seconds per get, every call's latency, peak RSS in bytes."""


def _timed(run: Callable[[], list[float]], gets: int) -> Run:
    """Gets per second, CPU seconds per get, every call's latency and peak RSS, of one run.

    The resident set is sampled every 10 ms by a thread of its own while the run lasts
    (its CPU, some 20 µs a sample, is counted with the run's, alike for both adapters).
    """
    process, peak, done = psutil.Process(), [0], threading.Event()

    def sample() -> None:
        while not done.wait(RSS_SAMPLE_S):
            peak[0] = max(peak[0], process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    try:
        latencies = run()
    finally:
        wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
        done.set()
        sampler.join()
    rss: int = process.memory_info().rss
    return gets / wall, cpu / gets, latencies, max(peak[0], rss)


def _async_gets(
    store: AsyncDynamoDBService, loop: asyncio.AbstractEventLoop, in_flight: int, gets: int
) -> list[float]:

    sk = order_sort_key(0)

    async def worker(calls: int, out: list[float]) -> None:
        for _ in range(calls):
            started = time.perf_counter()
            if await store.get_one(GET_PK, sk, Order) is None:
                raise RuntimeError(NO_ITEM)
            out.append(time.perf_counter() - started)

    async def everything() -> list[float]:
        out: list[float] = []
        await asyncio.gather(*(worker(gets // in_flight, out) for _ in range(in_flight)))
        return out

    return loop.run_until_complete(everything())


def _sync_gets(store: DynamoDBService, in_flight: int, gets: int) -> list[float]:

    sk = order_sort_key(0)
    out: list[float] = []
    lock = threading.Lock()

    def worker(calls: int) -> None:
        mine = []
        for _ in range(calls):
            started = time.perf_counter()
            if store.get_one(GET_PK, sk, Order) is None:
                raise RuntimeError(NO_ITEM)
            mine.append(time.perf_counter() - started)
        with lock:
            out.extend(mine)

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        for future in [pool.submit(worker, gets // in_flight) for _ in range(in_flight)]:
            future.result()
    return out


def concurrency(endpoint_url: str, counts: Counts, repetitions: int, warmup: int) -> list[Level]:
    """Measurement 2: each adapter at each level, the adapters alternating in each repetition."""
    config = _config(endpoint_url)
    loop = asyncio.new_event_loop()
    astore = AsyncDynamoDBService(LoggingService("benchmarks"), config)
    sstore = DynamoDBService(LoggingService("benchmarks"), config)
    runs: dict[tuple[str, int], list[Run]] = {}
    try:
        for repetition in range(warmup + repetitions):
            for in_flight in CONCURRENCY:
                gets = counts.gets[in_flight]
                turns = ["async", "sync"] if repetition % 2 else ["sync", "async"]
                for adapter in turns:
                    if adapter == "sync" and in_flight not in SYNC_CONCURRENCY:
                        continue
                    if adapter == "async":
                        run = _timed(partial(_async_gets, astore, loop, in_flight, gets), gets)
                    else:
                        run = _timed(partial(_sync_gets, sstore, in_flight, gets), gets)
                    if repetition >= warmup:
                        runs.setdefault((adapter, in_flight), []).append(run)
            print(
                f"  concurrency: repetition {repetition + 1}/{warmup + repetitions}",
                file=sys.stderr,
            )
    finally:
        loop.run_until_complete(astore.aclose())
        loop.close()
        sstore.close()
    levels = []
    for (adapter, in_flight), kept in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        latencies = [latency for _, _, run, _ in kept for latency in run]
        levels.append(
            Level(
                adapter,
                in_flight,
                statistics.median(throughput for throughput, _, _, _ in kept),
                _percentile(latencies, 0.50) * 1e3,
                _percentile(latencies, 0.99) * 1e3,
                statistics.median(cpu for _, cpu, _, _ in kept) * 1e6,
                max(rss for _, _, _, rss in kept) / 2**20,
            )
        )
    return levels


# -- 3. event-loop lag ------------------------------------------------------------------------


async def _lag_under(queries: Callable[[], Awaitable[object]], rounds: int) -> list[float]:
    """How late a 1 ms heartbeat wakes while `rounds` of 32 concurrent queries run."""
    lags: list[float] = []
    done = asyncio.Event()

    async def heartbeat() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(HEARTBEAT_S)
            lags.append(max(0.0, time.perf_counter() - started - HEARTBEAT_S))

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(HEARTBEAT_S * 5)  # the heartbeat is running before the load starts

    async def one_query() -> None:
        await queries()  # its result is dropped as it ends, as a request handler's would be

    for _ in range(rounds):
        await asyncio.gather(*(one_query() for _ in range(LAG_QUERIES)))
    done.set()
    await beat
    return lags


def event_loop_lag(endpoint_url: str, counts: Counts) -> dict[str, list[float]]:
    """Measurement 3: heartbeat lags (seconds) on the async twin and on dynalite."""
    pk = QUERY_PKS["query_1000"]

    async def on_twin() -> list[float]:
        twin = AsyncInMemoryKeyValueStore(LoggingService("benchmarks"))
        for i in range(1_000):
            await twin.create(order(pk, order_sort_key(i)))
        try:
            return await _lag_under(lambda: twin.query_by_pk(pk, Order), counts.lag_rounds)
        finally:
            await twin.aclose()

    async def on_dynalite() -> list[float]:
        store = AsyncDynamoDBService(LoggingService("benchmarks"), _config(endpoint_url))
        try:
            await store.query_by_pk(pk, Order)  # the pool and credentials, before the heartbeat
            return await _lag_under(lambda: store.query_by_pk(pk, Order), counts.lag_rounds)
        finally:
            await store.aclose()

    lags = {"twin": asyncio.run(on_twin()), "dynalite": asyncio.run(on_dynalite())}
    # The same with Python's cycle collector paused: 32 queries hold some 160,000 tracked
    # objects, whose full collections (100-500 ms each) pause every task. The difference
    # is the collector's share of the lag, not the store's.
    gc.collect()
    gc.disable()
    try:
        lags[f"twin{PAUSED}"] = asyncio.run(on_twin())
        lags[f"dynalite{PAUSED}"] = asyncio.run(on_dynalite())
    finally:
        gc.enable()
    return lags


# -- the run and its report -------------------------------------------------------------------


def measure(counts: Counts, repetitions: int, warmup: int) -> dict[str, Any]:
    """The three measurements on one dynalite, as JSON-able data."""
    running = start_dynalite()
    try:
        _engine_suite._prepare_table(running.endpoint_url)  # noqa: SLF001 - the suite's seed
        rows = one_in_flight(running.endpoint_url, counts, repetitions, warmup)
        levels = concurrency(running.endpoint_url, counts, repetitions, warmup)
        lags = event_loop_lag(running.endpoint_url, counts)
    finally:
        running.stop()
    return {
        "rows": [asdict(row) for row in rows],
        "levels": [asdict(level) for level in levels],
        "lags": lags,
        "repetitions": repetitions,
        "warmup": warmup,
    }


def _level(levels: list[dict[str, Any]], adapter: str, in_flight: int) -> dict[str, Any]:
    return next(lv for lv in levels if lv["adapter"] == adapter and lv["in_flight"] == in_flight)


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(goal, target, measured, met) for every goal of the async form."""
    found = []
    for row in map(row_of, result["rows"]):
        if row.met is not None:
            measured = f"{row.ratio.median:.2f}{TIMES}"
            found.append((f"{row.measure}, {row.compared}", row.goal, measured, row.met))
    levels = result["levels"]
    many, threads = THROUGHPUT_GOAL
    mine, theirs = _level(levels, "async", many), _level(levels, "sync", threads)
    speed = mine["throughput"] / theirs["throughput"]
    found.append(
        (
            f"dynalite, gets: async at {many} in flight vs sync on {threads} threads, throughput",
            f"\u2265 1.00{TIMES}",
            f"{mine['throughput']:,.0f}/s vs {theirs['throughput']:,.0f}/s ({speed:.2f}{TIMES})",
            speed >= 1.0,
        )
    )
    cpu = mine["cpu_us"] / theirs["cpu_us"]
    found.append(
        (
            f"dynalite, gets: async at {many} in flight vs sync on {threads} threads, CPU per get",
            f"\u2264 {CPU_GOAL:.2f}{TIMES}",
            f"{mine['cpu_us']:,.0f} \u00b5s vs {theirs['cpu_us']:,.0f} \u00b5s ({cpu:.2f}{TIMES})",
            cpu <= CPU_GOAL,
        )
    )
    for backend, lags in result["lags"].items():
        if backend.endswith(PAUSED):
            continue  # a diagnosis, shown in the lag table, not a goal
        p99 = _percentile(lags, 0.99)
        found.append(
            (
                f"{backend}: event-loop lag, p99, {LAG_QUERIES} concurrent 1,000-item queries",
                f"\u2264 {LAG_GOAL_S * 1e3:.0f} ms",
                f"{p99 * 1e3:.1f} ms",
                p99 <= LAG_GOAL_S,
            )
        )
    return found


def markdown(result: dict[str, Any]) -> list[str]:
    """The "Async form" section: the goals, then every table."""
    lines = [
        (
            "`benchmarks/async_suite.py`, as the harness's `async` suite, on dynalite in its"
            " own process (CPU is the client's: this process's `time.process_time`)."
            f" {result['warmup']} warm-up repetition dropped, {result['repetitions']} kept;"
            " the variants of the one-in-flight table interleaved and rotated, the two"
            " adapters alternating at each concurrency level."
        ),
        "",
        "| goal | target | measured (median) | met? |",
        "|---|---|---|---|",
    ]
    for what, target, measured, met in goals(result):
        lines.append(f"| {what} | {target} | {measured} | {'met' if met else '**not met**'} |")
    lines += ["", "One in flight, client CPU per call, every item validated as `Order`:", ""]
    lines += [*table([row_of(row) for row in result["rows"]]), ""]
    lines += [
        (
            "Concurrency, strongly consistent gets of one item: asyncio tasks sharing one"
            " AsyncDynamoDBService, threads sharing one DynamoDBService; both with"
            f" `max_pool_connections={POOL}`. Latency percentiles are over every get of the"
            " kept repetitions; throughput and CPU are medians of the repetitions; peak RSS is"
            " the client process's largest resident set, sampled every 10 ms during its runs."
        ),
        "",
        "| adapter | in flight | gets/s | p50 | p99 | client CPU per get | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for lv in result["levels"]:
        adapter = ADAPTERS[lv["adapter"]]
        lines.append(
            f"| {adapter} | {lv['in_flight']} | {lv['throughput']:,.0f} | {lv['p50_ms']:.1f} ms"
            f" | {lv['p99_ms']:.1f} ms | {lv['cpu_us']:,.0f} \u00b5s"
            f" | {lv['peak_rss_mb']:,.1f} MiB |"
        )
    lines += [
        "",
        (
            f"Event-loop lag: a task sleeping {HEARTBEAT_S * 1e3:.0f} ms in a loop records how"
            f" late it wakes while {LAG_QUERIES} concurrent 1,000-item `query_by_pk` calls run."
            f" The rows{PAUSED} ran with Python's cycle collector disabled, to show how much of"
            " the lag its full collections make (the results of 32 queries are some 160,000"
            " objects it tracks)."
        ),
        "",
        "| backend | heartbeats | p50 | p99 | max |",
        "|---|---|---|---|---|",
    ]
    for backend, lags in result["lags"].items():
        lines.append(
            f"| {backend} | {len(lags)} | {_percentile(lags, 0.5) * 1e3:.1f} ms"
            f" | {_percentile(lags, 0.99) * 1e3:.1f} ms | {max(lags) * 1e3:.1f} ms |"
        )
    return [*lines, ""]


def run(plan: Plan) -> dict[str, Any]:
    """The harness's ``async`` suite: the data, and its section of the report as Markdown."""
    tiny = plan.name == "smoke"
    result = measure(TINY if tiny else FULL, 1 if tiny else 3, plan.warmup)
    return {**result, "markdown": markdown(result)}


def _machine() -> str:
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"
    return (
        f"cores: {os.cpu_count()}; Python: {platform.python_implementation()} "
        f"{platform.python_version()}; load average (1 min) at the end: {load}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the three measurements and print the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="tiny counts: the harness works")
    args = parser.parse_args(argv)
    repetitions = 1 if args.tiny else args.repetitions
    logger.remove()  # the stores log at info; the figures are what matters here
    result = measure(TINY if args.tiny else FULL, repetitions, args.warmup)
    print("\n".join(markdown(result)))
    print(f"Machine: {_machine()}.")


if __name__ == "__main__":
    main(sys.argv[1:])
