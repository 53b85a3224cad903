"""The in-memory backend: InMemoryKeyValueStore, nothing to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lvrgd.common.services import InMemoryKeyValueStore, LoggingService

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lvrgd.common.services.kvstore import KeyValueStore

    from ._harness import Feature


class MemoryHarness:
    """Each test gets a new InMemoryKeyValueStore."""

    name = "memory"
    lacks: Mapping[Feature, str] = {}

    def start(self) -> None:
        """Nothing to start."""

    def new_store(self) -> KeyValueStore:
        """A new, empty in-memory store."""
        return InMemoryKeyValueStore(LoggingService("contract"))

    def stop(self) -> None:
        """Nothing to stop."""
