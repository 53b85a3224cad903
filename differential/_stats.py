"""Counts of what the differential suite ran, printed at the end of the session."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EngineStats:
    """What ran against one engine.

    Attributes:
        examples: Examples (state-machine runs, or property examples) started.
        steps: Calls compared, memory against engine.
        operations: Calls by operation and outcome kind, e.g. ``("create", "error")``.
        covered: Reads by operation and what they met in item collections, e.g.
            ``("query_by_pk", "skipped")`` (``_reads.coverage``).
        indexed: Index reads by index and what they met, e.g. ``("by_g", "equal
            keys")`` (``_index_reads.compare_index_read``); ``reads`` counts them all.
        steered: Calls not made on this engine, by operation and the fault
            (docs/fidelity.md anchor) they would have met (``_condition_faults``).
        seconds: Wall time spent in this engine's tests.
    """

    examples: int = 0
    steps: int = 0
    operations: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    covered: Counter[tuple[str, str]] = field(default_factory=Counter)
    indexed: Counter[tuple[str, str]] = field(default_factory=Counter)
    steered: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: float = 0.0


class Stats:
    """Counts per engine and per test, kept for the session."""

    def __init__(self) -> None:
        """Start with nothing counted."""
        self.by_engine: defaultdict[str, EngineStats] = defaultdict(EngineStats)
        self.by_test: Counter[str] = Counter()

    def example(self, engine: str, test: str) -> None:
        """Count one example of `test` on `engine`."""
        self.by_engine[engine].examples += 1
        self.by_test[f"{test}[{engine}]"] += 1

    def step(self, engine: str, operation: str, kind: str, error: str = "") -> None:
        """Count one compared call, and its error class if it failed."""
        stats = self.by_engine[engine]
        stats.steps += 1
        stats.operations[operation, kind] += 1
        if error:
            stats.errors[operation, error] += 1

    def covered(self, engine: str, operation: str, labels: list[str]) -> None:
        """Count what one compared read met in item collections."""
        for label in labels:
            self.by_engine[engine].covered[operation, label] += 1

    def indexed(self, engine: str, index: str, labels: list[str]) -> None:
        """Count one compared index read of `index`, and what it met."""
        for label in ("reads", *labels):
            self.by_engine[engine].indexed[index, label] += 1

    def steered(self, engine: str, operation: str, faults: list[str]) -> None:
        """Count one call not made on `engine`, and the faults it would have met."""
        for fault in faults:
            self.by_engine[engine].steered[operation, fault] += 1

    def timed(self, engine: str, started: float) -> None:
        """Add the time since `started` (a perf_counter reading) to `engine`."""
        self.by_engine[engine].seconds += time.perf_counter() - started

    def to_json(self) -> dict[str, Any]:
        """The counts as plain data, for a pytest-xdist worker to hand to the controller."""
        return {
            "by_engine": {
                engine: {
                    "examples": stats.examples,
                    "steps": stats.steps,
                    "operations": [[*pair, count] for pair, count in stats.operations.items()],
                    "errors": [[*pair, count] for pair, count in stats.errors.items()],
                    "covered": [[*pair, count] for pair, count in stats.covered.items()],
                    "indexed": [[*pair, count] for pair, count in stats.indexed.items()],
                    "steered": [[*pair, count] for pair, count in stats.steered.items()],
                    "seconds": stats.seconds,
                }
                for engine, stats in self.by_engine.items()
            },
            "by_test": dict(self.by_test),
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add the counts of `to_json`'s output (from a worker) to these."""
        for engine, counts in data["by_engine"].items():
            stats = self.by_engine[engine]
            stats.examples += counts["examples"]
            stats.steps += counts["steps"]
            stats.seconds += counts["seconds"]
            for operation, kind, count in counts["operations"]:
                stats.operations[operation, kind] += count
            for operation, error, count in counts["errors"]:
                stats.errors[operation, error] += count
            for operation, label, count in counts["covered"]:
                stats.covered[operation, label] += count
            for index, label, count in counts.get("indexed", []):
                stats.indexed[index, label] += count
            for operation, fault, count in counts.get("steered", []):
                stats.steered[operation, fault] += count
        self.by_test.update(data["by_test"])

    def lines(self) -> list[str]:
        """The summary, one line per engine and per test."""
        lines = []
        for engine, stats in sorted(self.by_engine.items()):
            kinds = Counter[str]()
            for (_, kind), count in stats.operations.items():
                kinds[kind] += count
            lines.append(
                f"{engine}: {stats.examples} examples, {stats.steps} compared calls "
                f"({kinds['ok']} ok, {kinds['error']} port errors, {kinds['leak']} leaks), "
                f"{stats.seconds:.1f}s"
            )
            by_operation: defaultdict[str, Counter[str]] = defaultdict(Counter)
            for (operation, kind), count in stats.operations.items():
                if kind == "ok":
                    by_operation[operation][kind] += count
            for (operation, error), count in stats.errors.items():
                by_operation[operation][error] += count
            lines.extend(
                f"  {operation}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                for operation, counts in sorted(by_operation.items())
            )
            lines.extend(self._collection_lines(stats))
            lines.extend(self._index_lines(stats))
            lines.extend(self._steered_lines(stats))
        lines.extend(f"{test}: {count} examples" for test, count in sorted(self.by_test.items()))
        return lines

    @staticmethod
    def _collection_lines(stats: EngineStats) -> list[str]:
        by_operation: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for (operation, label), count in stats.covered.items():
            by_operation[operation][label] += count
        return [
            f"  {operation} on mixed entities: {counts['mixed']} ("
            + ", ".join(f"{n} {label}" for label, n in sorted(counts.items()) if label != "mixed")
            + ")"
            for operation, counts in sorted(by_operation.items())
        ]

    @staticmethod
    def _steered_lines(stats: EngineStats) -> list[str]:
        by_operation: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for (operation, fault), count in stats.steered.items():
            by_operation[operation][fault] += count
        return [
            f"  {operation} steered away: "
            + ", ".join(f"{n} #{fault}" for fault, n in sorted(counts.items()))
            for operation, counts in sorted(by_operation.items())
        ]

    @staticmethod
    def _index_lines(stats: EngineStats) -> list[str]:
        by_index: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for (index, label), count in stats.indexed.items():
            by_index[index][label] += count
        return [
            f"  index {index}: {counts['reads']} reads ("
            + ", ".join(f"{n} {label}" for label, n in sorted(counts.items()) if label != "reads")
            + ")"
            for index, counts in sorted(by_index.items())
        ]


STATS = Stats()
"""The session's counts (one pytest process)."""
