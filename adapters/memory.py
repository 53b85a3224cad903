"""The in-memory backend: InMemoryKeyValueStore, nothing to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lvrgd.common.services import InMemoryKeyValueStore

from ._harness import StoreBackend

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore import KeyValueStore
    from lvrgd.common.services.logging import LoggingService

    from ._harness import BackendOptions


class MemoryHarness(StoreBackend):
    """Each store is a new InMemoryKeyValueStore: empty, and shared with nothing."""

    name = "memory"

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Nothing to configure."""
        del options

    def new_store(self, logger: LoggingService) -> KeyValueStore:
        """A new, empty in-memory store."""
        return InMemoryKeyValueStore(logger)
