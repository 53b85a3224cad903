"""What every backend provides, and what a run tells the backends it builds."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from lvrgd.common.services.kvstore import AsyncKeyValueStore, IndexSpec, KeyValueStore
    from lvrgd.common.services.logging import LoggingService

    from ._shared import SharedEngines


class Feature(enum.Enum):
    """A capability a test may need and a backend may lack.

    A test asks for one with the pytest mark of the same value, e.g.
    ``@pytest.mark.transactions``; on a backend that lacks it, the test skips
    and says why.
    """

    TRANSACTIONS = "transactions"
    """TransactWriteItems."""
    FULL_SIZE_ITEMS = "full_size_items"
    """Items of up to 409,600 bytes, counted by DynamoDB's rules."""
    UPDATE_SIZE_CHECK = "update_size_check"
    """An update that would leave an item above 400 KB is refused."""
    LARGE_UPDATES = "large_updates"
    """An update that leaves an item at exactly 400 KB is accepted."""
    UTF8_KEY_CONDITIONS = "utf8_key_conditions"
    """Sort-key conditions compare UTF-8 bytes (not UTF-16 code units)."""
    SERIAL_UPDATES = "serial_updates"
    """Concurrent UpdateItems of one item apply one after another: no increment is lost."""
    LOCAL_INDEX_FETCH = "local_index_fetch"
    """A local index query reads attributes its projection lacks from the table."""
    TABLE_SCHEMA = "table_schema"
    """A table that exists apart from the store, whose indexes may differ from its declarations."""
    CONDITION_TYPES = "condition_types"
    """Conditions follow DynamoDB's type rules: a comparison of two types is false, and so
    are ``size`` of a value without a size (absent, number, boolean, null) and
    ``begins_with`` of a number or a list."""
    FALSE_BOOLEANS = "false_booleans"
    """A stored ``false`` is a value like any other: ``attribute_type(x, "BOOL")`` holds of it."""
    BINARY_CONDITIONS = "binary_conditions"
    """``begins_with`` and ``contains`` of a binary compare its bytes."""
    UTF8_CONDITIONS = "utf8_conditions"
    """Conditions compare strings by their UTF-8 bytes (not UTF-16 code units)."""
    DOCUMENT_EQUALITY = "document_equality"
    """``=`` of lists and maps, and ``contains`` of a list in a list, compare whole values."""
    UTF16_SIZE = "utf16_size"
    """``size`` of a string counts UTF-16 code units (😀 is 2)."""
    LIST_INDEX_UPDATES = "list_index_updates"
    """One UpdateItem's list indexes name the elements before it: REMOVE of two elements
    removes those two, and SETs past the end append in index order."""
    NUMBER_PRECISION = "number_precision"
    """An update whose result needs more than 38 significant digits is refused."""


class Harness(Protocol):
    """A backend: it starts once per run and hands each test empty stores of its own."""

    name: str
    lacks: Mapping[Feature, str]
    """The features this backend lacks, each with the reason a skipped test reports."""

    def start(self) -> None:
        """Bring the backend up, once per run (per process).

        Raises:
            EngineUnavailableError: If the engine cannot start here.
        """
        ...

    def new_store(
        self, logger: LoggingService, indexes: tuple[IndexSpec, ...] = ()
    ) -> KeyValueStore:
        """An empty store that no other store this harness handed out and got back shares.

        Args:
            logger: The store's logger.
            indexes: The secondary indexes the store declares (and its table has).
        """
        ...

    def release(self, store: KeyValueStore) -> None:
        """Take back a store from `new_store`: close it; what it held may serve another test."""
        ...

    def stop(self) -> None:
        """Undo what `start` did (tables made, engines started); idempotent."""
        ...

    def settle(self, store: KeyValueStore) -> None:
        """Make what was written to `store` show in its global indexes, where it can.

        The in-memory store in ``"manual"`` or ``"random"`` mode releases its waiting
        changes; engines do nothing here (their lag, if any, is waited out by polling).
        """
        ...


class AsyncHarness(Harness, Protocol):
    """A backend that also makes async stores: its async form (``<name>-async``) drives them."""

    def new_async_store(
        self, logger: LoggingService, indexes: tuple[IndexSpec, ...] = ()
    ) -> AsyncKeyValueStore:
        """An empty async store, shared with no other store handed out and not given back.

        Args:
            logger: The store's logger.
            indexes: The secondary indexes the store declares (and its table has).
        """
        ...

    async def release_async(self, store: AsyncKeyValueStore) -> None:
        """Take back a store from `new_async_store`: close it; what it held may serve another."""
        ...


class StoreBackend:
    """A backend of your own: name it, say what it lacks, and make stores.

    Subclass it to run the contract suite (or your own tests) on another
    KeyValueStore: override `new_store`, and `start`, `release` and `stop` when the
    store needs more than building and closing.

    Attributes:
        name: The backend's name in test ids and skip reasons.
        lacks: The features the store lacks, each with the reason a skip reports.
    """

    name: str = "custom"
    lacks: Mapping[Feature, str] = {}

    def start(self) -> None:
        """Nothing to start unless overridden."""

    def new_store(
        self, logger: LoggingService, indexes: tuple[IndexSpec, ...] = ()
    ) -> KeyValueStore:
        """A new, empty store; every subclass overrides this.

        Args:
            logger: The logger the test asked for, or the kit's default.
            indexes: The secondary indexes the store declares; a backend without
                indexes may ignore them (its tests of indexes then fail).

        Raises:
            NotImplementedError: Always, here.
        """
        msg = f"{type(self).__name__}.new_store"
        raise NotImplementedError(msg)

    def release(self, store: KeyValueStore) -> None:
        """Close the store."""
        store.close()

    def new_async_store(
        self, logger: LoggingService, indexes: tuple[IndexSpec, ...] = ()
    ) -> AsyncKeyValueStore:
        """A new, empty async store; override it to give the backend an async form.

        Args:
            logger: The logger the test asked for, or the kit's default.
            indexes: The secondary indexes the store declares.

        Raises:
            NotImplementedError: Here: the backend has no async form.
        """
        msg = f"backend {self.name!r} has no async form (StoreBackend.new_async_store)"
        raise NotImplementedError(msg)

    async def release_async(self, store: AsyncKeyValueStore) -> None:
        """Close an async store from `new_async_store`."""
        await store.aclose()

    def stop(self) -> None:
        """Nothing to stop unless overridden."""

    def settle(self, store: KeyValueStore) -> None:
        """Release the waiting index changes of an in-memory store; nothing otherwise."""
        propagate = getattr(store, "propagate_indexes", None)
        if callable(propagate):
            propagate()


class FactoryBackend(StoreBackend):
    """A backend made of a function that builds an empty store from a logger.

    Args:
        name: The backend's name in test ids.
        factory: Builds a new, empty store: ``factory(logger)``, and
            ``factory(logger, indexes=...)`` for a test that declares indexes.
    """

    def __init__(self, name: str, factory: Callable[..., KeyValueStore]) -> None:
        """Keep the function; nothing is built yet."""
        self.name = name
        self._factory = factory

    def new_store(
        self, logger: LoggingService, indexes: tuple[IndexSpec, ...] = ()
    ) -> KeyValueStore:
        """What the function builds."""
        if indexes:
            return self._factory(logger, indexes=indexes)
        return self._factory(logger)


@dataclass(frozen=True)
class BackendOptions:
    """What a test run tells the backends it builds.

    Attributes:
        endpoint_url: The ``endpoint`` backend's URL, ``aws`` for AWS itself; None if unset.
        region: The region of the endpoint backend's tables; None for the default.
        table_prefix: How the names of the tables a run makes begin.
        dynamodb_local_image: The container backend's image; None for the default.
        engines: The run's engines, shared by its processes; None: each harness starts
            its own engine and stops it.
    """

    endpoint_url: str | None = None
    region: str | None = None
    table_prefix: str = "kvstore-test-"
    dynamodb_local_image: str | None = None
    engines: SharedEngines | None = None
