"""The peers benchmark's rows: one comparison each, and the Markdown table of them.

Kept apart from `peers` (which imports every peer library) so that the report can
render the rows the ``peers`` suite saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._stats import Spread

if TYPE_CHECKING:
    from collections.abc import Sequence

TIMES = "\u00d7"
DASH = "\u2013"


@dataclass(frozen=True)
class Row:
    """One line of the report: a variant against a reference on one operation.

    Attributes:
        measure: What is measured.
        compared: Against what.
        reference: The reference's CPU seconds per operation (median).
        measured: The variant's CPU seconds per operation (median).
        ratio: The per-repetition ratio that the goal reads.
        goal: The goal, or a dash.
        met: Whether the median ratio meets the goal; None without one.
    """

    measure: str
    compared: str
    reference: float
    measured: float
    ratio: Spread
    goal: str = "\u2014"
    met: bool | None = None


def row_of(data: dict[str, Any]) -> Row:
    """A row from its JSON form (`dataclasses.asdict`)."""
    return Row(**{**data, "ratio": Spread(**data["ratio"])})


def _us(seconds: float) -> str:
    micro = seconds * 1e6
    return f"{micro:,.0f} \u00b5s" if micro >= 100 else f"{micro:,.1f} \u00b5s"  # noqa: PLR2004


def table(rows: Sequence[Row]) -> list[str]:
    """The report's Markdown table."""
    lines = [
        "| measure | compared | reference, median | measured, median | ratio (IQR) | goal |  |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = row.ratio
        verdict = "" if row.met is None else ("met" if row.met else "**not met**")
        lines.append(
            f"| {row.measure} | {row.compared} | {_us(row.reference)} | {_us(row.measured)} | "
            f"{ratio.median:.3f}{TIMES} ({ratio.q1:.3f}{TIMES}{DASH}{ratio.q3:.3f}{TIMES}) | "
            f"{row.goal} | {verdict} |"
        )
    return lines
