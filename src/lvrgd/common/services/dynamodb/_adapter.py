"""What every DynamoDB adapter shares beyond the core, whatever its form: its table's terms.

A DynamoDB adapter is the shared core (`kvstore._core`) in one form, plus this mixin,
plus a driver: the mixin names the table, builds each call's request and reads its
answer (`_wire`), turns botocore's errors into the port's (`_errors.translate`), and
says why a ping failed; the adapter only sends, through its driver, and closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from ._errors import error_code, translate
from ._wire import Wire

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lvrgd.common.services.kvstore._errors import KeyValueStoreError
    from lvrgd.common.services.kvstore._indexes import Indexes

    from .dynamodb_models import DynamoDBConfig


class SendsRequests(Protocol):
    """What the mixin asks of an adapter's driver, sync or async."""

    @property
    def endpoint(self) -> str | None:
        """The endpoint requests go to (None while an async driver has not resolved it)."""
        ...

    def last_attempts(self) -> int | None:
        """How many requests the last failed call sent (None if unknown)."""
        ...


class DynamoDBTable:
    """The table's side of a DynamoDB adapter: its wire form, its errors, its logs.

    The adapter calls `_use_table` after the core's ``__init__`` and sets `_driver`.
    """

    engine_errors: ClassVar[tuple[type[Exception], ...]] = (ClientError, BotoCoreError)
    _config: DynamoDBConfig
    _table: str
    _wire: Wire
    _driver: SendsRequests
    _indexes: Indexes
    _entity_attribute: str

    def _use_table(self, config: DynamoDBConfig) -> None:
        """Keep `config`'s table and how its calls look on the wire."""
        self._config = config
        self._table = config.table_name
        self._wire = Wire(
            self._table, config.consistent_reads, self._indexes.specs, self._entity_attribute
        )

    def __repr__(self) -> str:
        """Name the table and region, never the credentials."""
        return f"{type(self).__name__}(table={self._table!r}, region={self._config.region!r})"

    def translate(
        self, error: Exception, operation: str, pk: str | None, sk: str | None
    ) -> KeyValueStoreError:
        """The port's error for a botocore error (see `_errors.translate`)."""
        assert isinstance(error, ClientError | BotoCoreError)  # noqa: S101 - engine_errors
        attempts: int | None
        if isinstance(error, ClientError):
            attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        else:
            attempts = self._driver.last_attempts()
        return translate(
            error, operation, pk, sk, table=self._table,
            endpoint=self._driver.endpoint or "?", attempts=attempts,
        )  # fmt: skip

    def ping_failure(self, error: Exception) -> str:
        """DynamoDB's error code, or the class of a network error."""
        return error_code(error) if isinstance(error, ClientError) else type(error).__name__

    @property
    def _log_context(self) -> Mapping[str, object]:
        return {"table": self._table}
