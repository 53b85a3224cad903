# Copyright 2026 lvrgd-common contributors. SPDX-License-Identifier: MIT
"""The engines of one test run: each started once, by whichever process needs it first.

Under pytest-xdist every worker is a process of its own. The run has one directory
that all of them know (the plugin hands it to the workers); under a lock per engine,
the first worker to need an engine starts it and writes where it answers, and the
others read that. An engine that cannot start is written down too, so that no other
worker waits for it again. The process that owns the run (pytest-xdist's controller,
or the only process) stops every engine at the end, by the ids written down.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from filelock import FileLock

from ._process import EngineUnavailableError, stop_detached

if TYPE_CHECKING:
    from collections.abc import Callable

LOCK_TIMEOUT_S = 600.0
"""How long a process waits for another to start an engine (npx may download one)."""


class Engine(Protocol):
    """A running engine: where it answers, how to stop it, how another process can."""

    @property
    def endpoint_url(self) -> str:
        """The engine's HTTP endpoint."""
        ...

    def stop(self) -> None:
        """Stop the engine."""
        ...

    def record(self) -> dict[str, str | int]:
        """What another process needs to stop it (see `stop_recorded`)."""
        ...


class SharedEngines:
    """The engines of a run, recorded in `run_dir`.

    Args:
        run_dir: The run's directory, the same for every process of the run.
        owner: Whether this process stops the engines at the end of the run.
    """

    def __init__(self, run_dir: Path, *, owner: bool) -> None:
        """Know the run's directory; nothing starts yet."""
        self.run_dir = run_dir
        self._owner = owner
        self._endpoints: dict[str, str] = {}
        self._mine: dict[str, Engine] = {}

    def endpoint(self, name: str, start: Callable[[Path], Engine]) -> str:
        """Where the run's engine `name` answers, starting it if no process has yet.

        Args:
            name: The engine's name, unique in the run.
            start: Starts it, given the directory for its log.

        Raises:
            EngineUnavailableError: If it cannot start (now, or when a process tried).
        """
        if name not in self._endpoints:
            with FileLock(self.run_dir / f"{name}.lock", timeout=LOCK_TIMEOUT_S):
                self._endpoints[name] = self._read_or_start(name, start)
        return self._endpoints[name]

    def _read_or_start(self, name: str, start: Callable[[Path], Engine]) -> str:
        path = self.run_dir / f"{name}.json"
        if path.exists():
            record = json.loads(path.read_text(encoding="utf-8"))
            if "error" in record:
                raise EngineUnavailableError(name, record["error"])
            url: str = record["endpoint_url"]
            return url
        try:
            engine = start(self.run_dir)
        except EngineUnavailableError as exc:
            _write(path, {"error": exc.reason})
            raise
        self._mine[name] = engine
        _write(path, {"endpoint_url": engine.endpoint_url, "stop": engine.record()})
        return engine.endpoint_url

    def stop_all(self) -> None:
        """Stop every engine of the run and remove its directory, if this process owns it."""
        if not self._owner:
            return
        for path in sorted(self.run_dir.glob("*.json")):
            name = path.stem
            record = json.loads(path.read_text(encoding="utf-8"))
            if name in self._mine:
                self._mine.pop(name).stop()
            elif "stop" in record:
                stop_recorded(record["stop"])
        shutil.rmtree(self.run_dir, ignore_errors=True)


def stop_recorded(record: dict[str, str | int]) -> None:
    """Stop an engine another process started, from what its `record()` gave.

    Args:
        record: ``{"kind": "process", "pid": ..., "log": ...}`` or
            ``{"kind": "container", "id": ...}``.
    """
    if record["kind"] == "process":
        stop_detached(int(record["pid"]))
        Path(str(record["log"])).unlink(missing_ok=True)
    elif record["kind"] == "container":
        from ._container import remove_container  # noqa: PLC0415 - docker only when used

        remove_container(str(record["id"]))


def _write(path: Path, record: dict[str, object]) -> None:
    """Write `record` to `path` whole: readers see the old file or the new, never half."""
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(record), encoding="utf-8")
    partial.replace(path)
