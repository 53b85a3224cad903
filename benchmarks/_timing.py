"""Timing: one batch measured in CPU and wall time, batches interleaved and rotated.

Per repetition, every operation runs once per variant, the variants in an order
rotated by one at each repetition, so that no variant always runs first or last,
and drift (thermal, a noisy neighbour) touches every variant alike. The first
repetitions are a warm-up and are dropped. A batch runs with the garbage collector
off after a collection, as ``timeit`` does.
"""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

Samples = dict[str, dict[str, list[tuple[float, float]]]]
"""variant -> operation -> one (CPU s, wall s) per operation, one pair per repetition."""


class WrongResultError(RuntimeError):
    """A timed batch got back something it should not have: the setup is broken."""


def expect(ok: bool, what: str) -> None:  # noqa: FBT001 - reads as an assertion
    """Raise WrongResultError saying `what` was expected, unless `ok`."""
    if not ok:
        raise WrongResultError(what)


@dataclass(frozen=True)
class Workload:
    """A prepared batch: the closure to time and how many operations it makes."""

    run: Callable[[], None]
    operations: int


def measure(workload: Workload) -> tuple[float, float]:
    """CPU seconds (``time.process_time``) and wall seconds per operation of a batch."""
    gc.collect()
    gc.freeze()  # what survives moves out of the collector's sight: later collects stay cheap
    gc.disable()
    try:
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        workload.run()
        wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    finally:
        gc.enable()
    return cpu / workload.operations, wall / workload.operations


def rotated(names: Sequence[str], by: int) -> list[str]:
    """`names` rotated left by `by` places."""
    shift = by % len(names)
    return [*names[shift:], *names[:shift]]


def interleaved(  # noqa: PLR0913 - each argument is a distinct part of the protocol
    variants: Sequence[str],
    operations: Sequence[str],
    *,
    warmup: int,
    repetitions: int,
    prepare: Callable[[str, str, int], Workload],
    label: str,
) -> Samples:
    """Run every (variant, operation) batch once per repetition, interleaved and rotated.

    Args:
        variants: The variants, baseline first.
        operations: The operations, in the order each repetition runs them.
        warmup: Repetitions run first and dropped.
        repetitions: Repetitions kept.
        prepare: Builds the batch of (variant, operation, batch number), untimed.
        label: Names the run in progress lines.
    """
    samples: Samples = {v: {op: [] for op in operations} for v in variants}
    batch = 0
    for repetition in range(warmup + repetitions):
        started = time.perf_counter()
        for index, operation in enumerate(operations):
            for variant in rotated(variants, repetition + index):
                workload = prepare(variant, operation, batch)
                batch += 1
                result = measure(workload)
                if repetition >= warmup:
                    samples[variant][operation].append(result)
        kind = "warm-up" if repetition < warmup else "repetition"
        print(
            f"  {label}: {kind} {repetition + 1}/{warmup + repetitions}"
            f" in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
    return samples
