"""Medians, interquartile ranges, and medians of per-repetition ratios."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._timing import Samples


@dataclass(frozen=True)
class Spread:
    """The median and the quartiles of a series."""

    median: float
    q1: float
    q3: float

    @property
    def iqr(self) -> float:
        """The interquartile range."""
        return self.q3 - self.q1

    @property
    def relative_iqr(self) -> float:
        """The interquartile range as a fraction of the median."""
        return self.iqr / self.median if self.median else 0.0


def spread(values: Sequence[float]) -> Spread:
    """Median and quartiles (inclusive method; a single value is its own quartiles)."""
    if len(values) == 1:
        return Spread(values[0], values[0], values[0])
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(median, q1, q3)


@dataclass(frozen=True)
class Cell:
    """One variant on one operation: CPU and wall per operation, and its ratio."""

    cpu: Spread
    wall: Spread
    ratio: Spread
    """CPU per operation over the reference's, repetition by repetition."""


def cell(samples: Samples, variant: str, operation: str, reference: str) -> Cell:
    """Summarise `variant` on `operation`, its ratio taken against `reference`."""
    mine = samples[variant][operation]
    theirs = samples[reference][operation]
    ratios = [cpu / ref_cpu for (cpu, _), (ref_cpu, _) in zip(mine, theirs, strict=True)]
    return Cell(
        cpu=spread([cpu for cpu, _ in mine]),
        wall=spread([wall for _, wall in mine]),
        ratio=spread(ratios),
    )
