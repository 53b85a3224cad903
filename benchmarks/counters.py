"""Atomic counters under contention: threads adding 1 to one counter with `patch`.

    uv run python -m benchmarks.counters [--threads 16] [--increments 1000]
        [--backends memory,moto,dynalite,ministack] [--budget-s 300]

Each backend is brought up as the testing kit does (`harness_for(name).start()`,
then `.new_store(logger)`; released and stopped at the end). One store is shared by
every thread, as an application shares one. The counter is created at 0; then the
threads, released together by a barrier, each make `--increments` calls of
``store.patch(pk, sk, Counter, add={"count": 1})`` (the item comes back, as by
default). Checked per backend:

- the final value, read back with `get_one`: the goal is exactly threads x increments;
- the values the patches returned: each patch's own result, so with atomic adds they
  are 1 to N, each once;
- the wall time from the barrier to the last thread's end, and what the DynamoDB
  adapter sent, counted at its transport: API calls (the create and the final get_one
  included), HTTP attempts (their difference is the retries), and urllib3's
  "connection pool is full" warnings (the kit's config keeps 10 connections).

A backend slower than `--budget-s` is stopped there: its threads finish the call
under way and stop, and what it did by then is reported.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import threading
import time
from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from loguru import logger

from lvrgd.common.services import DynamoDBService, KeyValueItem, LoggingService
from lvrgd.common.services.dynamodb._table import new_transport
from lvrgd.common.services.testing.adapters import EngineUnavailableError, harness_for

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lvrgd.common.services import KeyValueStore
    from lvrgd.common.services.dynamodb._protocol import HttpRequest, HttpResponse
    from lvrgd.common.services.dynamodb._transport import Transport

BACKENDS = ("memory", "moto", "dynalite", "ministack")
KEY = ("counter#hits", "total")
TIMES = "\u00d7"
JOIN_GRACE_S = 60.0
"""How long threads may take, past the budget, to finish the call under way."""


class Counter(KeyValueItem, entity="bench.counter"):
    """One counter."""

    count: int


@dataclass
class Outcome:
    """What one backend did."""

    backend: str
    planned: int
    done: int = 0
    """Patches that returned."""
    final: int | None = None
    returned: list[int] = field(default_factory=list)
    errors: Tally[str] = field(default_factory=Tally)
    wall_s: float = 0.0
    stopped: bool = False
    """The budget ran out before every thread was done."""
    calls: int | None = None
    attempts: int | None = None
    pool_full: int = 0
    unavailable: str | None = None

    @property
    def distinct(self) -> bool:
        """Whether the returned values are 1 to `done`, each once."""
        return sorted(self.returned) == list(range(1, self.done + 1))

    @property
    def shown_returned(self) -> str:
        """How many distinct values the patches returned, and whether they are 1 to N."""
        distinct = len(set(self.returned))
        return f"{distinct:,} distinct" + (", 1 to N" if self.distinct else "")

    @property
    def met(self) -> bool:
        """Every patch made, none lost, none counted twice."""
        return self.done == self.planned and self.final == self.planned and self.distinct


class _PoolFull(logging.Handler):
    """Counts urllib3's warnings that a connection was dropped for want of room in the pool."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "pool is full" in record.getMessage():
            self.count += 1


class _CountingTransport:
    """The default transport, counting API calls and HTTP attempts on the way.

    A request whose ``amz-sdk-request`` header says ``attempt=1`` starts an API call;
    every request is an attempt, so their difference is the driver's resends.
    """

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.calls = 0
        self.attempts = 0

    def send(self, request: HttpRequest) -> HttpResponse:
        fields = request.headers.get("amz-sdk-request", "").split("; ")
        first = "attempt=1" in fields
        with self._lock:
            self.attempts += 1
            self.calls += first
        return self._inner.send(request)

    def close(self) -> None:
        self._inner.close()


def _counted(store: KeyValueStore) -> tuple[KeyValueStore, _CountingTransport | None]:
    """A store on the same table whose requests are counted (the store itself in memory)."""
    if not isinstance(store, DynamoDBService):
        return store, None
    config = store._config  # noqa: SLF001 - the harness's table, shared by a counted twin
    counting = _CountingTransport(new_transport(config))
    return DynamoDBService(LoggingService("benchmarks"), config, transport=counting), counting


def race(
    store: KeyValueStore, outcome: Outcome, threads: int, increments: int, budget_s: float
) -> None:
    """Run the threads on `store`, filling in `outcome`."""
    pk, sk = KEY
    store.create(Counter(pk=pk, sk=sk, count=0))
    barrier = threading.Barrier(threads + 1)
    stop = threading.Event()
    lock = threading.Lock()
    returned: list[list[int]] = [[] for _ in range(threads)]

    def work(index: int) -> None:
        mine = returned[index]
        barrier.wait()
        for _ in range(increments):
            if stop.is_set():
                return
            try:
                after = store.patch(pk, sk, Counter, add={"count": 1})
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                with lock:
                    outcome.errors[type(exc).__name__] += 1
                continue
            if after is None:
                with lock:
                    outcome.errors["no item back"] += 1
                continue
            mine.append(after.count)

    workers = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    deadline = started + budget_s
    for worker in workers:
        worker.join(max(0.0, deadline - time.perf_counter()))
    if any(worker.is_alive() for worker in workers):
        outcome.stopped = True
        stop.set()
        for worker in workers:
            worker.join(JOIN_GRACE_S)
    outcome.wall_s = time.perf_counter() - started
    outcome.returned = [value for values in returned for value in values]
    outcome.done = len(outcome.returned)
    found = store.get_one(pk, sk, Counter)
    outcome.final = None if found is None else found.count


def run_backend(name: str, threads: int, increments: int, budget_s: float) -> Outcome:
    """Bring the backend up, race its store, and take it down."""
    outcome = Outcome(name, threads * increments)
    harness = harness_for(name)
    print(f"  {name}: starting", file=sys.stderr)
    try:
        harness.start()
    except EngineUnavailableError as exc:
        outcome.unavailable = str(exc)
        harness.stop()
        return outcome
    pool_full = _PoolFull()
    urllib3_logger = logging.getLogger("urllib3")
    urllib3_logger.addHandler(pool_full)
    try:
        store = harness.new_store(LoggingService("benchmarks"))
        counted, counting = _counted(store)
        try:
            print(f"  {name}: {threads} threads {TIMES} {increments:,} increments", file=sys.stderr)
            race(counted, outcome, threads, increments, budget_s)
            if counting is not None:
                outcome.calls, outcome.attempts = counting.calls, counting.attempts
        finally:
            if counted is not store:
                counted.close()
            harness.release(store)
    finally:
        urllib3_logger.removeHandler(pool_full)
        outcome.pool_full = pool_full.count
        harness.stop()
    print(f"  {name}: done in {outcome.wall_s:.1f}s", file=sys.stderr)
    return outcome


# --- the table -------------------------------------------------------------------


def _optional(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def table(outcomes: Sequence[Outcome]) -> list[str]:
    """The Markdown table, a row per backend."""
    lines = [
        (
            "| backend | patches returned | final value | values the patches returned | "
            "errors | wall time | patches/s | API calls / HTTP attempts | pool-full warnings |  |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        if o.unavailable is not None:
            lines.append(f"| {o.backend} | not run: {o.unavailable} |  |  |  |  |  |  |  |  |")
            continue
        errors = ", ".join(f"{name}: {count:,}" for name, count in sorted(o.errors.items()))
        verdict = "met" if o.met else "**not met**"
        if o.stopped:
            verdict += f" (stopped at the budget, {o.done:,} of {o.planned:,})"
        rate = o.done / o.wall_s if o.wall_s else 0.0
        requests = "—" if o.calls is None else f"{o.calls:,} / {_optional(o.attempts)}"
        lines.append(
            f"| {o.backend} | {o.done:,} of {o.planned:,} | {_optional(o.final)} | "
            f"{o.shown_returned} | {errors or '0'} | {o.wall_s:.1f} s | "
            f"{rate:,.0f} | {requests} | {o.pool_full:,} | {verdict} |"
        )
    return lines


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--increments", type=int, default=1_000, help="per thread")
    parser.add_argument(
        "--backends", default=",".join(BACKENDS), help="comma-separated testing-kit backends"
    )
    parser.add_argument(
        "--budget-s", type=float, default=300.0, help="wall seconds a backend may take"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Race each backend and print the table."""
    args = _arguments(argv)
    logger.remove()  # as an application would: the debug lines are built, then dropped
    logger.add(sys.stderr, level="WARNING")
    outcomes = [
        run_backend(name.strip(), args.threads, args.increments, args.budget_s)
        for name in args.backends.split(",")
        if name.strip()
    ]
    print("\n".join(table(outcomes)))
    print()
    print(
        f"{args.threads} threads {TIMES} {args.increments:,} increments of one counter, "
        f"one store shared by the threads; budget {args.budget_s:.0f} s per backend."
    )
    print(
        f"Machine: cores: {os.cpu_count()}; Python: {platform.python_implementation()} "
        f"{platform.python_version()}; load average (1 min) at the end: "
        f"{os.getloadavg()[0]:.2f}."
    )


if __name__ == "__main__":
    main()
