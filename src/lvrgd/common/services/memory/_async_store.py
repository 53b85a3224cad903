"""AsyncInMemoryKeyValueStore: the in-memory twin in async form, with seeded interleaving."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from lvrgd.common.services.kvstore._async_base import AsyncKeyValueStoreBase
from lvrgd.common.services.kvstore._entities import DEFAULT_ENTITY_ATTRIBUTE
from lvrgd.common.services.kvstore._extra import missing_async_extra

try:
    from anyio.lowlevel import checkpoint
except ImportError as exc:
    raise missing_async_extra(exc, "AsyncInMemoryKeyValueStore") from exc

from ._twin import Twin

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lvrgd.common.services.kvstore._indexes import IndexSpec
    from lvrgd.common.services.kvstore._steps import Call
    from lvrgd.common.services.logging import LoggingService

    from ._indexes import IndexPropagation

MAX_INTERLEAVED_YIELDS = 3
"""The most extra scheduling points a call may pass with `interleave_seed`."""


class AsyncInMemoryKeyValueStore(Twin, AsyncKeyValueStoreBase):
    """AsyncKeyValueStore held in this process: InMemoryKeyValueStore's engine, awaited.

    The same engine as InMemoryKeyValueStore answers every step, so the two forms store,
    refuse and return alike. Each step of the engine is one scheduling point: before it
    the store yields to the event loop, so other tasks run between the steps of an
    operation (a read and the write that follows it), as they would between requests
    to DynamoDB. Each step itself is atomic; a long read also yields between chunks
    of the items it decodes, as every async store does. Works under asyncio and trio.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug).
        indexes: The table's secondary indexes.
        index_propagation: When a write shows in the global indexes, as for
            InMemoryKeyValueStore.
        seed: The seed of the ``"random"`` propagation, as for InMemoryKeyValueStore.
        entity_attribute: The attribute each item stores its entity name in.
        interleave_seed: With a seed, each step also yields to the loop a number of
            extra times (0 to MAX_INTERLEAVED_YIELDS) drawn from it, before the step
            applies: tasks interleave on a schedule that varies with the seed and
            replays exactly with the same one, so a race between them (a lost update
            that VersionedItem prevents) shows up in a test and can be replayed.

    Raises:
        ValueError: As InMemoryKeyValueStore.
    """

    def __init__(  # noqa: PLR0913 - the twin's settings, and the interleaving's
        self,
        logger: LoggingService,
        *,
        indexes: Iterable[IndexSpec] = (),
        index_propagation: IndexPropagation = "immediate",
        seed: int | None = None,
        entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
        interleave_seed: int | None = None,
    ) -> None:
        """Start with an empty table; nothing awaits here."""
        super().__init__(logger, entity_attribute=entity_attribute, indexes=indexes)
        self._start_engine(
            logger, self._indexes.specs, self._entity_attribute, index_propagation, seed
        )
        self.interleave_seed = interleave_seed
        """The seed of the interleaving, None for none."""
        self._interleaving = None if interleave_seed is None else random.Random(interleave_seed)  # noqa: S311 - a replayable schedule

    async def aclose(self) -> None:
        """Close the store and drop its items; idempotent."""
        self._closed = True
        self._engine.clear()

    async def _answer(self, call: Call) -> Any:
        await checkpoint()
        if self._interleaving is not None:
            for _ in range(self._interleaving.randint(0, MAX_INTERLEAVED_YIELDS)):
                await checkpoint()
        return self._engine.answer(call)
