"""The backends of one test process: each started on first use, stopped at the end."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from lvrgd.common.services.logging import LoggingService

from .adapters import EngineUnavailableError, Feature, harness_for

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from lvrgd.common.services.kvstore import AsyncKeyValueStore, IndexSpec, KeyValueStore

    from .adapters import BackendOptions, Harness

DEFAULT_LOGGER = LoggingService("kvstore-test")
"""The logger of the stores a test gets when it names none."""
EVENTUALLY_SECONDS = 10.0
"""How long `eventually` retries a check on the endpoint backend (real DynamoDB)."""
_POLL_S = 0.2
T = TypeVar("T")


@dataclass(frozen=True)
class BackendInfo:
    """The backend a test runs on: what ``kvstore_backend`` gives.

    Attributes:
        name: The backend's name, as in the test's id (``memory``, ``moto``...).
        lacks: The features it lacks, each with the reason a skip reports.
        endpoint_url: Where its engine answers (None for the in-memory store, and for
            AWS itself), for a test that also needs a client of its own.
    """

    name: str
    lacks: Mapping[Feature, str]
    _harness: Harness = field(repr=False)
    endpoint_url: str | None = None

    def has(self, feature: Feature) -> bool:
        """Whether the backend has `feature`."""
        return feature not in self.lacks

    def require(self, *features: Feature) -> None:
        """Skip the calling test, saying why, unless the backend has every feature.

        Args:
            *features: The features the test needs.
        """
        for feature in features:
            if feature in self.lacks:
                pytest.skip(f"{self.name} lacks {feature.value}: {self.lacks[feature]}")

    def new_store(
        self,
        logger: LoggingService | None = None,
        indexes: tuple[IndexSpec, ...] = (),
        *,
        table_indexes: tuple[IndexSpec, ...] | None = None,
    ) -> KeyValueStore:
        """An empty store of this backend, for as long as you hold it: `release` it.

        The fixtures do this for you; this is for suites that manage stores themselves.

        Args:
            logger: The store's logger; the kit's default if None.
            indexes: The secondary indexes the store declares (and its table has).
            table_indexes: The indexes its table has instead, for a test of drift
                (`ping`); only backends with Feature.TABLE_SCHEMA take it.
        """
        logger = logger or DEFAULT_LOGGER
        if table_indexes is not None:
            self.require(Feature.TABLE_SCHEMA)
            build: Any = self._harness.new_store
            store: KeyValueStore = build(logger, indexes, table_indexes=table_indexes)
            return store
        if indexes:
            return self._harness.new_store(logger, tuple(indexes))
        return self._harness.new_store(logger)

    def new_async_store(
        self, logger: LoggingService | None = None, indexes: tuple[IndexSpec, ...] = ()
    ) -> AsyncKeyValueStore:
        """An empty async store of this backend, for as long as you hold it: `release_async` it.

        Skips the calling test, saying why, when the backend has no async form.

        Args:
            logger: The store's logger; the kit's default if None.
            indexes: The secondary indexes the store declares (and its table has).
        """
        make = getattr(self._harness, "new_async_store", None)
        if make is None:
            pytest.skip(f"backend {self.name!r} has no async form")
        try:
            store: AsyncKeyValueStore = make(logger or DEFAULT_LOGGER, tuple(indexes))
        except NotImplementedError as exc:
            pytest.skip(str(exc))
        return store

    async def release_async(self, store: AsyncKeyValueStore) -> None:
        """Hand back a store from `new_async_store`: it is closed, what it held reused."""
        release: Any = getattr(self._harness, "release_async", None)
        if release is None:
            await store.aclose()
        else:
            await release(store)

    def eventually(self, check: Callable[[], T], stores: Iterable[KeyValueStore] = ()) -> T:
        """`check()`'s value once what was written shows in the global indexes.

        `check` raises AssertionError until it holds. An in-memory store first
        releases its waiting index changes (`stores`), and `check` runs once; so it
        does on a local engine, whose indexes are current at once; on the endpoint
        backend it is retried for up to EVENTUALLY_SECONDS.

        Raises:
            AssertionError: `check`'s own, if it still fails.
        """
        for store in stores:
            settle = getattr(self._harness, "settle", None)
            if callable(settle):
                settle(store)
        if self.name != "endpoint":
            return check()
        deadline = time.monotonic() + EVENTUALLY_SECONDS
        while True:
            try:
                return check()
            except AssertionError:  # noqa: PERF203 - a poll of a remote engine
                if time.monotonic() > deadline:
                    raise
                time.sleep(_POLL_S)

    def release(self, store: KeyValueStore) -> None:
        """Hand back a store from `new_store`: it is closed, its table reused."""
        self._harness.release(store)


class BackendUnavailableError(Exception):
    """A chosen backend cannot start here; the message says why."""


class Backends:
    """The backends this process has started, by name.

    Args:
        options: What the run tells the built-in backends.
        custom: The run's backends of its own (``module:attribute``), by name.
    """

    def __init__(self, options: BackendOptions, custom: Mapping[str, Harness]) -> None:
        """Nothing starts until a backend is first asked for."""
        self._options = options
        self._custom = dict(custom)
        self._started: dict[str, BackendInfo] = {}
        self._harnesses: list[Harness] = []
        self._failed: dict[str, str] = {}

    def get(self, name: str) -> BackendInfo:
        """The started backend `name`, started now if it was not.

        Raises:
            BackendUnavailableError: If it cannot start (now or when first tried).
        """
        if name in self._started:
            return self._started[name]
        if name in self._failed:
            raise BackendUnavailableError(self._failed[name])
        harness = self._custom[name] if name in self._custom else harness_for(name, self._options)
        self._harnesses.append(harness)
        try:
            harness.start()
        except EngineUnavailableError as exc:
            self._failed[name] = f"backend {name!r} cannot start: {exc.reason}"
            raise BackendUnavailableError(self._failed[name]) from exc
        endpoint_url = getattr(harness, "endpoint_url", None)
        info = BackendInfo(name, harness.lacks, harness, endpoint_url)
        self._started[name] = info
        return info

    def stop_all(self) -> None:
        """Stop every harness this process started or tried (their tables are deleted)."""
        while self._harnesses:
            self._harnesses.pop().stop()
        self._started.clear()
