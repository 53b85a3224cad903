"""Backend selection and the ``store`` fixture every contract case takes.

Backends come from ``--backend NAME`` (repeatable, or comma-separated), else from
the ``KVSTORE_BACKENDS`` environment variable, else every backend but ``endpoint``
(which needs the user's endpoint). A backend that cannot start fails the run when it
is required (``--require-backends`` or ``KVSTORE_REQUIRED``: a comma-separated list,
or ``all`` for every chosen backend; by default ``all`` under CI, where ``CI`` is set,
and ``memory`` elsewhere) and skips, saying why, when not.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from adapters import BACKENDS, ONLY_BY_NAME, Feature, Harness, harness_for
from adapters._process import EngineUnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lvrgd.common.services.kvstore import KeyValueStore


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--backend`` and ``--require-backends``."""
    group = parser.getgroup("kvstore", "key-value store backends")
    group.addoption(
        "--backend",
        action="append",
        default=[],
        help=f"backend(s) to run the contract suite on: {', '.join(BACKENDS)}",
    )
    group.addoption(
        "--require-backends",
        default=None,
        help="backends that must start (comma-separated, or 'all'); others skip if they cannot",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Check the backend names and register one mark per feature."""
    for feature in Feature:
        config.addinivalue_line("markers", f"{feature.value}: needs {feature.value}")
    unknown = set(_chosen(config)) - set(BACKENDS)
    if unknown:
        msg = f"unknown backend(s) {sorted(unknown)}; known: {sorted(BACKENDS)}"
        raise pytest.UsageError(msg)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every case that takes ``store`` once per chosen backend, ids being names."""
    if "store" in metafunc.fixturenames:
        backends = _chosen(metafunc.config)
        metafunc.parametrize("backend_name", backends, ids=backends, scope="session")


def _chosen(config: pytest.Config) -> list[str]:
    names = [n for option in config.getoption("--backend") for n in option.split(",") if n]
    if not names:
        names = [n for n in os.environ.get("KVSTORE_BACKENDS", "").split(",") if n]
    return names or [name for name in BACKENDS if name not in ONLY_BY_NAME]


def _required(config: pytest.Config) -> set[str]:
    option = config.getoption("--require-backends")
    default = "all" if os.environ.get("CI") else "memory"
    value = option or os.environ.get("KVSTORE_REQUIRED") or default
    return set(_chosen(config)) if value == "all" else set(value.split(","))


class _Harnesses:
    """Harnesses started on first use, kept for the run, stopped at its end."""

    def __init__(self, required: set[str]) -> None:
        self._required = required
        self._started: dict[str, Harness] = {}
        self._failed: dict[str, str] = {}

    def get(self, name: str) -> Harness:
        if name in self._failed:
            self._give_up(name, self._failed[name])
        if name not in self._started:
            harness = harness_for(name)
            try:
                harness.start()
            except EngineUnavailableError as exc:
                harness.stop()
                self._failed[name] = exc.reason
                self._give_up(name, exc.reason)
            self._started[name] = harness
        return self._started[name]

    def _give_up(self, name: str, reason: str) -> None:
        message = f"backend {name!r} cannot start: {reason}"
        if name in self._required:
            pytest.fail(f"{message} (it is required)", pytrace=False)
        pytest.skip(message)

    def stop_all(self) -> None:
        for harness in self._started.values():
            harness.stop()


@pytest.fixture(scope="session")
def _harnesses(request: pytest.FixtureRequest) -> Iterator[_Harnesses]:
    harnesses = _Harnesses(_required(request.config))
    yield harnesses
    harnesses.stop_all()


@pytest.fixture(scope="session")
def harness(backend_name: str, _harnesses: _Harnesses) -> Harness:
    """The started harness of this case's backend."""
    return _harnesses.get(backend_name)


@pytest.fixture
def store(harness: Harness, request: pytest.FixtureRequest) -> Iterator[KeyValueStore]:
    """A fresh, empty store on this case's backend; skips what the backend lacks."""
    for feature, reason in harness.lacks.items():
        if request.node.get_closest_marker(feature.value) is not None:
            pytest.skip(f"{harness.name} lacks {feature.value}: {reason}")
    new_store = harness.new_store()
    yield new_store
    new_store.close()
