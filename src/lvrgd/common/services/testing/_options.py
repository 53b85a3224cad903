"""The kit's command-line options, and what a run chose with them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from .adapters import BACKENDS, is_builtin, load_harness

if TYPE_CHECKING:
    from .adapters import Harness

DEFAULT_BACKEND = "memory"
DEFAULT_TABLE_PREFIX = "kvstore-test-"
_FALSE = frozenset({"", "0", "false", "no", "off"})


def add_options(parser: pytest.Parser) -> None:
    """Add the ``--kvstore-*`` options and the ``kvstore_backends`` ini setting."""
    group = parser.getgroup("kvstore", "lvrgd-common testing kit")
    group.addoption(
        "--kvstore-backend",
        action="append",
        default=[],
        metavar="NAME",
        help=(
            "backend(s) for the kvstore fixtures, repeatable or comma-separated: "
            f"{', '.join(BACKENDS)}, memory-random-SEED, or module:attribute for one of "
            "your own "
            f"(default: the kvstore_backends ini setting, else {DEFAULT_BACKEND})"
        ),
    )
    group.addoption(
        "--kvstore-require",
        action="store_true",
        default=None,
        help="fail, rather than skip, when a chosen backend cannot start (default under CI)",
    )
    group.addoption(
        "--kvstore-endpoint",
        default=None,
        metavar="URL",
        help="the endpoint backend's URL, or 'aws' (default: $KVSTORE_ENDPOINT_URL)",
    )
    group.addoption(
        "--kvstore-region",
        default=None,
        help="the endpoint backend's region (default: $KVSTORE_REGION, else us-east-1)",
    )
    group.addoption(
        "--kvstore-table-prefix",
        default=DEFAULT_TABLE_PREFIX,
        help=f"how the names of the tables the run makes begin (default: {DEFAULT_TABLE_PREFIX})",
    )
    group.addoption(
        "--kvstore-dynamodb-local-image",
        default=None,
        metavar="IMAGE",
        help="the dynamodb-local backend's image (default: $KVSTORE_DYNAMODB_LOCAL_IMAGE, "
        "else amazon/dynamodb-local)",
    )
    parser.addini(
        "kvstore_backends",
        type="args",
        default=[],
        help=f"backends for a run without --kvstore-backend (default: {DEFAULT_BACKEND})",
    )


@dataclass(frozen=True)
class Choice:
    """The backends a run chose, in order, and whether each must start.

    Attributes:
        names: The backends' names, the ids of the tests that take the fixtures.
        custom: The backends of the run's own (``module:attribute``), by name.
        required: Whether a backend that cannot start fails the run (else it skips).
    """

    names: list[str]
    custom: dict[str, Harness]
    required: bool


def chosen(config: pytest.Config) -> Choice:
    """The run's backends: ``--kvstore-backend``, else ``$KVSTORE_BACKENDS``, else the ini.

    Raises:
        pytest.UsageError: If a name is no backend, or two backends share a name.
    """
    specs = _split(config.getoption("--kvstore-backend"))
    specs = specs or _split([os.environ.get("KVSTORE_BACKENDS", "")])
    specs = specs or _split(config.getini("kvstore_backends")) or [DEFAULT_BACKEND]
    names: list[str] = []
    custom: dict[str, Harness] = {}
    for spec in specs:
        name = spec
        if not is_builtin(spec):
            if ":" not in spec:
                msg = f"unknown kvstore backend {spec!r}; known: {', '.join(BACKENDS)}"
                raise pytest.UsageError(msg)
            try:
                harness = load_harness(spec)
            except ValueError as exc:
                raise pytest.UsageError(str(exc)) from exc
            name = harness.name
            custom[name] = harness
        if name in names:
            msg = f"kvstore backend {name!r} is chosen twice"
            raise pytest.UsageError(msg)
        names.append(name)
    return Choice(names, custom, _required(config))


def _split(values: list[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _required(config: pytest.Config) -> bool:
    option: bool | None = config.getoption("--kvstore-require")
    if option is not None:
        return option
    return any(
        os.environ.get(variable, "").strip().lower() not in _FALSE
        for variable in ("KVSTORE_REQUIRE", "CI")
    )
