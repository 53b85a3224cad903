"""An engine under test: its name, its steering, and fresh tables on demand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from differential._steering import Steering
    from lvrgd.common.services.kvstore import IndexSpec, KeyValueStore
    from lvrgd.common.services.testing._backends import BackendInfo


@dataclass(frozen=True)
class EngineUnderTest:
    """A started engine, its steering, and fresh tables on demand.

    Attributes:
        name: The backend's name, e.g. ``dynalite``.
        steering: What the state machine avoids generating for it (docs/fidelity.md).
    """

    name: str
    steering: Steering
    _backend: BackendInfo

    def new_store(self, indexes: tuple[IndexSpec, ...] = ()) -> KeyValueStore:
        """DynamoDBService on a new, empty table of this engine, with `indexes`.

        The table is created with the indexes (``DynamoDBConfig(..., indexes=...)`` and
        ``create_table``), and the store declares them.
        """
        return self._backend.new_store(indexes=indexes)
