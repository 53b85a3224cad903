"""The harness every DynamoDB backend shares: an engine, and a pool of tables on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig, DynamoDBService

from ._harness import BackendOptions
from ._tables import TablePool

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from lvrgd.common.services.kvstore import AsyncKeyValueStore, IndexSpec, KeyValueStore
    from lvrgd.common.services.logging import LoggingService

    from ._harness import Feature
    from ._shared import Engine

DUMMY_REGION = "us-east-1"
DUMMY_KEY = "testing"


class EngineHarness:
    """DynamoDBService on an engine, each test on an empty table of the pool.

    Args:
        name: The backend's name.
        start_engine: Starts the engine, its log in the given directory (None: the
            system's temporary one); raises EngineUnavailableError if it cannot.
        lacks: The features the engine lacks, with the reason.
        options: The run's options: the table prefix, and the engines shared by the
            run's processes.
        config_for: The config of a table on the engine's endpoint.
    """

    def __init__(
        self,
        name: str,
        start_engine: Callable[[Path | None], Engine],
        lacks: Mapping[Feature, str] | None = None,
        options: BackendOptions | None = None,
        config_for: Callable[[str | None, str], DynamoDBConfig] | None = None,
    ) -> None:
        """Remember how to start the engine; nothing starts yet."""
        self.name = name
        self.lacks: Mapping[Feature, str] = lacks or {}
        self._start_engine = start_engine
        self._options = options or BackendOptions()
        self._config_for = config_for or local_config
        self.endpoint_url: str | None = None
        """Where the engine answers, once started."""
        self._engine: Engine | None = None
        self._pool: TablePool | None = None
        self._leased: dict[int, DynamoDBConfig] = {}

    def start(self) -> None:
        """Start the engine, or find the one another process of the run started."""
        shared = self._options.engines
        if shared is None:
            self._engine = self._start_engine(None)
            endpoint_url = self._engine.endpoint_url
        else:
            endpoint_url = shared.endpoint(self.name, self._start_engine)
        self.endpoint_url = endpoint_url
        self._pool = TablePool(
            lambda table: self._config_for(endpoint_url, table), self._options.table_prefix
        )

    def new_store(
        self,
        logger: LoggingService,
        indexes: tuple[IndexSpec, ...] = (),
        *,
        table_indexes: tuple[IndexSpec, ...] | None = None,
    ) -> DynamoDBService:
        """A DynamoDBService on an empty table with `indexes`, used by no other store out.

        Args:
            logger: The store's logger.
            indexes: The indexes the store declares.
            table_indexes: The indexes the table has, when they should differ from the
                declared ones (a test of `ping`); None: the declared ones.
        """
        leased, config = self._lease(indexes, table_indexes)
        store = DynamoDBService(logger, config)
        self._leased[id(store)] = leased  # back to the pool under the table's own indexes
        return store

    def release(self, store: KeyValueStore) -> None:
        """Close the store; its table serves a later test."""
        store.close()
        self._give_back(store)

    def new_async_store(
        self,
        logger: LoggingService,
        indexes: tuple[IndexSpec, ...] = (),
        *,
        table_indexes: tuple[IndexSpec, ...] | None = None,
    ) -> AsyncKeyValueStore:
        """An AsyncDynamoDBService on an empty table of the pool, as `new_store` makes one."""
        from lvrgd.common.services.dynamodb import AsyncDynamoDBService  # noqa: PLC0415 - the extra

        leased, config = self._lease(indexes, table_indexes)
        store = AsyncDynamoDBService(logger, config)
        self._leased[id(store)] = leased
        return store

    async def release_async(self, store: AsyncKeyValueStore) -> None:
        """Close an async store; its table serves a later test."""
        await store.aclose()
        self._give_back(store)

    def _lease(
        self, indexes: tuple[IndexSpec, ...], table_indexes: tuple[IndexSpec, ...] | None
    ) -> tuple[DynamoDBConfig, DynamoDBConfig]:
        """An empty table of the pool (its own config), and the config a store declares."""
        if self._pool is None:
            msg = f"{self.name}: start() the harness before asking for a store"
            raise RuntimeError(msg)
        leased = self._pool.lease(indexes if table_indexes is None else table_indexes)
        config = leased
        if table_indexes is not None and table_indexes != indexes:
            config = DynamoDBConfig.model_validate({**dict(leased), "indexes": indexes})
        return leased, config

    def _give_back(self, store: object) -> None:
        config = self._leased.pop(id(store), None)
        if config is not None and self._pool is not None:
            self._pool.give_back(config)

    def settle(self, store: KeyValueStore) -> None:
        """Nothing: a local engine's indexes are current at once; an endpoint's are polled."""
        del store

    def stop(self) -> None:
        """Delete the pool's tables, and stop the engine if this harness started its own."""
        try:
            if self._pool is not None:
                self._pool.close()
        finally:
            self._pool = None
            self._leased.clear()
            if self._engine is not None:
                self._engine.stop()
                self._engine = None


def local_config(endpoint_url: str | None, table_name: str) -> DynamoDBConfig:
    """The config of a table on a local engine, with dummy credentials."""
    return DynamoDBConfig(
        table_name=table_name,
        region=DUMMY_REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=DUMMY_KEY,
        aws_secret_access_key=SecretStr(DUMMY_KEY),
    )
