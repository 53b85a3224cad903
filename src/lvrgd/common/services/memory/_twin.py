"""What both forms of the in-memory store hold beyond the shared core: the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._engine import new_engine

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._indexes import IndexSpec
    from lvrgd.common.services.logging import LoggingService

    from ._engine import MemoryEngine
    from ._indexes import IndexPropagation
    from ._table import Table


class Twin:
    """The in-memory engine of a store, and its index propagation.

    Attributes:
        index_seed: The seed of the ``"random"`` propagation (None in the other modes
            unless given).
    """

    index_seed: int | None
    _engine: MemoryEngine

    def _start_engine(
        self,
        logger: LoggingService,
        indexes: tuple[IndexSpec, ...],
        entity_attribute: str,
        propagation: IndexPropagation,
        seed: int | None,
    ) -> None:
        """Build the engine; a ``"random"`` propagation without a seed draws one (logged)."""
        self._engine, self.index_seed = new_engine(
            logger, indexes, entity_attribute, propagation, seed
        )

    @property
    def _table(self) -> Table:
        """The engine's table, for tests that look at what is stored."""
        return self._engine.table

    def propagate_indexes(self) -> int:
        """Apply every change still waiting to show in the global indexes.

        Returns:
            How many changes were waiting (none in ``"immediate"`` mode).
        """
        return self._engine.propagate()
