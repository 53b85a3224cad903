"""The figures the reliability suites measure, printed at the end of the run.

Tests record named numbers (``FIGURES.add("fuzz.calls", 1)``, ``FIGURES.peak(...)``);
the conftest prints them in the terminal summary and, when ``RELIABILITY_FIGURES``
names a file, writes them there as JSON for docs/reliability.md.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class Figures:
    """Named counters, maxima and notes, safe to update from many threads."""

    def __init__(self) -> None:
        """Start with nothing measured."""
        self._lock = threading.Lock()
        self._values: dict[str, float] = {}
        self._notes: dict[str, str] = {}

    def add(self, name: str, amount: float = 1) -> None:
        """Add `amount` to the counter `name`."""
        with self._lock:
            self._values[name] = self._values.get(name, 0) + amount

    def peak(self, name: str, value: float) -> None:
        """Keep the largest `value` seen under `name`."""
        with self._lock:
            self._values[name] = max(self._values.get(name, value), value)

    def set(self, name: str, value: float) -> None:
        """Record `value` under `name`."""
        with self._lock:
            self._values[name] = value

    def note(self, name: str, text: str) -> None:
        """Record a sentence under `name` (e.g. the bound a time was measured against)."""
        with self._lock:
            self._notes[name] = text

    def get(self, name: str) -> float:
        """The value under `name`, 0 if none."""
        with self._lock:
            return self._values.get(name, 0)

    def lines(self) -> list[str]:
        """One line per figure, sorted by name."""
        with self._lock:
            values = [f"{name} = {_shown(value)}" for name, value in sorted(self._values.items())]
            notes = [f"{name}: {text}" for name, text in sorted(self._notes.items())]
        return values + notes

    def write(self, path: Path) -> None:
        """Write every figure to `path` as JSON."""
        with self._lock:
            document = {"values": dict(sorted(self._values.items())), "notes": dict(self._notes)}
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"


FIGURES = Figures()
"""The run's figures (one pytest session is one run)."""
