"""The report's plots (matplotlib, Agg backend): readable at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt

from ._plan import MEMORY_OPERATIONS
from ._report import BASELINE, CREATE_GOAL, GET_ONE_GOAL, QUERY_GOAL, TIMES, Goal
from ._stats import cell

if TYPE_CHECKING:
    from pathlib import Path

GOALS = {
    "create": CREATE_GOAL,
    "get_one": GET_ONE_GOAL,
    "query_100": QUERY_GOAL,
    "query_1000": QUERY_GOAL,
}
_DPI = 110
_TICKS = {
    "create": "create",
    "get_one": "get_one",
    "update": "update",
    "query_100": "query_by_pk\n100 items",
    "query_1000": "query_by_pk\n1,000 items",
}


def ratios(canned: dict[str, Any], path: Path) -> None:
    """Grouped bars: each variant's CPU per operation over the raw client's, per operation."""
    samples, labels = canned["samples"], canned["variants"]
    operations = canned["operations"]
    variants = [v for v in labels if v != BASELINE]
    fig, ax = plt.subplots(figsize=(10, 5.2))
    width = 0.8 / len(variants)
    for index, variant in enumerate(variants):
        xs = [i + (index - (len(variants) - 1) / 2) * width for i in range(len(operations))]
        cells = [cell(samples, variant, op, BASELINE).ratio for op in operations]
        heights = [c.median for c in cells]
        errors = [[c.median - c.q1 for c in cells], [c.q3 - c.median for c in cells]]
        bars = ax.bar(xs, heights, width, yerr=errors, capsize=2, label=labels[variant])
        ax.bar_label(bars, labels=[f"{h:.2f}" for h in heights], fontsize=7, padding=2)
    for i, op in enumerate(operations):
        if op in GOALS:
            ax.hlines(GOALS[op], i - 0.45, i + 0.45, colors="black", linestyles="dashed", lw=1)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.05)
    ax.set_xticks(range(len(operations)), [_TICKS[op] for op in operations])
    ax.set_ylabel("client CPU ÷ raw boto3 client (lower is better)")
    ax.set_title(
        "Cost per operation relative to the raw low-level client (canned engine, medians, IQR bars)"
        "\ndashed: DynamoDBService's goal",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper center", ncol=len(variants), bbox_to_anchor=(0.5, -0.13))
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)


def goals(found: list[Goal], path: Path) -> None:
    """One bar per goal: the measure over its limit (an at-least goal: the limit over it)."""
    shown = [goal for goal in found if goal.share is not None]
    fig, ax = plt.subplots(figsize=(13, 0.34 * len(shown) + 1.6))
    shares = [goal.share or 0.0 for goal in shown]
    colors = ["tab:green" if goal.met else "tab:red" for goal in shown]
    ys = range(len(shown))
    bars = ax.barh(ys, shares, color=colors)
    labels = [f"{goal.measured.split(' vs ')[0]}  (goal {goal.target})" for goal in shown]
    ax.bar_label(bars, labels=labels, fontsize=7, padding=4)
    ax.axvline(1.0, color="black", lw=1, linestyle="dashed")
    ax.set_xscale("log")
    ax.set_xlim(right=max([*shares, 1.0]) * 60)
    ax.set_yticks(list(ys), [goal.what for goal in shown], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("measured ÷ goal (at-least goals: goal ÷ measured); at most 1 is met (log)")
    ax.set_title("The performance goals (#16) as measured: green met, red not met", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI, bbox_inches="tight")
    plt.close(fig)


def in_memory(memory: dict[str, Any], scaling: dict[str, dict[str, Any]], path: Path) -> None:
    """Left: in-memory vs moto per operation (log scale). Right: time vs partition size."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
    samples, labels = memory["samples"], memory["variants"]
    for offset, variant in ((-0.2, "memory"), (0.2, "moto")):
        heights = [
            cell(samples, variant, op, "memory").cpu.median * 1e6 for op in MEMORY_OPERATIONS
        ]
        xs = [i + offset for i in range(len(MEMORY_OPERATIONS))]
        bars = left.bar(xs, heights, 0.4, label=labels[variant].split(" (")[0])
        left.bar_label(bars, labels=[f"{h:,.0f}" for h in heights], fontsize=7)
    ticks = [
        f"{_TICKS[op]}\n{cell(samples, 'moto', op, 'memory').ratio.median:,.0f}{TIMES} faster"
        for op in MEMORY_OPERATIONS
    ]
    left.set_yscale("log")
    left.set_ylim(top=left.get_ylim()[1] * 3)
    left.set_xticks(range(len(MEMORY_OPERATIONS)), ticks)
    left.set_ylabel("CPU µs per operation (log scale)")
    left.set_title("In-memory store vs moto mock_aws", fontsize=10)
    left.legend(fontsize=8, loc="upper left", ncol=2)
    for result in scaling.values():
        sizes = result["sizes"]
        cells = [cell(result["samples"], str(s), "query_window", str(sizes[0])) for s in sizes]
        medians = [c.cpu.median * 1e3 for c in cells]
        right.plot(sizes, medians, marker="o", label=result["label"].split(" (")[0])
        right.annotate(
            f"{cells[-1].ratio.median:.2f}{TIMES} the {sizes[0]:,}-item time",
            (sizes[-1], medians[-1]),
            xytext=(-6, 8),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_ylim(top=right.get_ylim()[1] * 3)
    right.set_xlabel("items in the partition (log scale)")
    right.set_ylabel("CPU ms per 100-item query (log scale)")
    right.set_title("Scaling: the same 100-item query, bigger partitions", fontsize=10)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)
