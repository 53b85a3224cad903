"""The in-memory backends: the twin in each index propagation mode, in both forms."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING

from lvrgd.common.services import InMemoryKeyValueStore

from ._harness import Feature, StoreBackend

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lvrgd.common.services.kvstore import AsyncKeyValueStore, IndexSpec, KeyValueStore
    from lvrgd.common.services.logging import LoggingService
    from lvrgd.common.services.memory._indexes import IndexPropagation

    from ._harness import BackendOptions

SEEDED = re.compile(r"memory-random-(\d{1,9})")
"""``memory-random-7``: the ``"random"`` mode with seed 7."""


class MemoryHarness(StoreBackend):
    """Each store is a new InMemoryKeyValueStore: empty, and shared with nothing.

    Args:
        options: Unused: nothing to configure.
        name: ``memory`` (global indexes current at once), ``memory-manual`` (they wait
            for `propagate_indexes`), ``memory-random`` or ``memory-random-SEED`` (they
            lag by a number of operations drawn from the seed, 0 by default).
    """

    name = "memory"
    lacks: Mapping[Feature, str] = MappingProxyType(
        {
            Feature.TABLE_SCHEMA: (
                "the in-memory store builds the indexes it declares: no table can differ from them"
            )
        }
    )

    def __init__(self, options: BackendOptions | None = None, name: str = "memory") -> None:
        """Take the mode (and seed) from the backend's name."""
        del options
        self.name = name
        self._mode: IndexPropagation = "immediate"
        self._seed: int | None = None
        seeded = SEEDED.fullmatch(name)
        if name == "memory-manual":
            self._mode = "manual"
        elif name == "memory-random" or seeded is not None:
            self._mode = "random"
            self._seed = 0 if seeded is None else int(seeded.group(1))
        elif name != "memory":
            msg = f"no in-memory backend is called {name!r}"
            raise ValueError(msg)

    def new_store(
        self, logger: LoggingService, indexes: tuple[IndexSpec, ...] = ()
    ) -> KeyValueStore:
        """A new, empty in-memory store in this backend's mode."""
        return InMemoryKeyValueStore(
            logger, indexes=indexes, index_propagation=self._mode, seed=self._seed
        )

    def new_async_store(
        self, logger: LoggingService, indexes: tuple[IndexSpec, ...] = ()
    ) -> AsyncKeyValueStore:
        """A new, empty AsyncInMemoryKeyValueStore in this backend's mode."""
        from lvrgd.common.services.memory import AsyncInMemoryKeyValueStore  # noqa: PLC0415 - anyio only when asked for

        return AsyncInMemoryKeyValueStore(
            logger, indexes=indexes, index_propagation=self._mode, seed=self._seed
        )
