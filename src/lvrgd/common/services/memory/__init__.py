"""The in-memory stores with DynamoDB's behaviour, in both forms.

InMemoryKeyValueStore is the sync form; AsyncInMemoryKeyValueStore, the async form,
needs anyio (``lvrgd-common[async]``) and is imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._store import InMemoryKeyValueStore

if TYPE_CHECKING:
    from ._async_store import AsyncInMemoryKeyValueStore

__all__ = ["AsyncInMemoryKeyValueStore", "InMemoryKeyValueStore"]


def __getattr__(name: str) -> Any:
    """Import the async store (and anyio with it) the first time it is asked for."""
    if name == "AsyncInMemoryKeyValueStore":
        return importlib.import_module(f"{__name__}._async_store").AsyncInMemoryKeyValueStore
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
