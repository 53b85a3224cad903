"""The types of the kit's fixtures, for tests type-checked with ``mypy --strict``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lvrgd.common.services.kvstore import IndexSpec, KeyValueStore
    from lvrgd.common.services.logging import LoggingService

T = TypeVar("T")


class KvstoreFactory(Protocol):
    """The type of the ``kvstore_factory`` fixture."""

    def __call__(
        self,
        logger: LoggingService | None = None,
        *,
        indexes: Sequence[IndexSpec] = (),
        table_indexes: Sequence[IndexSpec] | None = None,
    ) -> KeyValueStore:
        """An empty store declaring `indexes` (on a table of `table_indexes`, if given)."""
        ...


class KvstoreEventually(Protocol):
    """The type of the ``kvstore_eventually`` fixture."""

    def __call__(self, check: Callable[[], T]) -> T:
        """`check()`'s value once the test's writes show in the global indexes."""
        ...
