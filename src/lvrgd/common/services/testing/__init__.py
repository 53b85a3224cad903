"""The testing kit: your tests on the in-memory store, or on any engine, with one flag.

Install ``lvrgd-common[testing]`` and opt in with one line in your ``conftest.py``::

    pytest_plugins = ["lvrgd.common.services.testing.plugin"]

Tests then take ``kvstore`` (an empty KeyValueStore), ``kvstore_factory`` (the same,
built with your logger) or ``kvstore_backend`` (the backend's name and what it
lacks). ``pytest`` runs them on the in-memory store; ``pytest --kvstore-backend moto``
on moto's server, and ``--kvstore-backend memory,moto,dynalite`` on each in turn.
docs/testing.md tells the whole story.

This package also ships the backends (``.adapters``) and the contract suite
(``.contracts``), which you can run against a KeyValueStore of your own: subclass
StoreBackend and name it with ``--kvstore-backend module:Class``; for an async store,
give the backend ``new_async_store`` and run ``AsyncForm(backend, name)``, its sync
form. KvstoreFactory and KvstoreEventually type the fixtures of the same names under
``mypy --strict``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._types import KvstoreEventually, KvstoreFactory
from .adapters import Feature, Harness, StoreBackend

if TYPE_CHECKING:
    from .adapters._blocking import AsyncForm
    from .adapters._tables import empty_table

__all__ = [
    "AsyncForm",
    "Feature",
    "Harness",
    "KvstoreEventually",
    "KvstoreFactory",
    "StoreBackend",
    "empty_table",
]


def __getattr__(name: str) -> Any:
    """Import empty_table (and boto3), or AsyncForm (and anyio), the first time asked for."""
    if name == "empty_table":
        from .adapters._tables import empty_table  # noqa: PLC0415 - boto3 only when used

        return empty_table
    if name == "AsyncForm":
        from .adapters._blocking import AsyncForm  # noqa: PLC0415 - anyio only when used

        return AsyncForm
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
