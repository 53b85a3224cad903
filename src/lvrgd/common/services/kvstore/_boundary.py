"""The one boundary of every operation, in either form: refusal, timing, logs, translation.

`Boundary._operation` wraps an operation: it refuses a closed store, times the call,
logs it at the level its outcome deserves (never an item's payload), and turns the
engine's own errors into the port's, the original chained. It is a plain context
manager, so the sync and the async form wrap their calls with the very same code.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from ._errors import (
    ConditionFailedError,
    InvalidItemError,
    InvalidQueryError,
    KeyValueStoreError,
    StoreClosedError,
    TransactionCanceledError,
    TransactionClosedError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from types import TracebackType

    from lvrgd.common.services.logging import LoggingService

CONDITION_OUTCOMES = (ConditionFailedError, TransactionCanceledError)
"""Answers to what the caller asked (does the key exist? is the version current?): DEBUG."""

REFUSALS = (InvalidItemError, InvalidQueryError, StoreClosedError, TransactionClosedError)
"""The caller's input or use was refused before anything was sent: INFO."""

CLOSED = "the store is closed"


class Ping:
    """One ping under way: whether the store was open, and why it is not usable, if not."""

    def __init__(self, *, open_: bool) -> None:
        """Start a ping of an open store, or of a closed one (which is not usable)."""
        self.open = open_
        self.reason: str | None = None if open_ else CLOSED


class Boundary:
    """Where a store's operations meet its caller: the closed check, logs and errors."""

    engine_errors: ClassVar[tuple[type[Exception], ...]] = ()
    """The engine's own exception types, turned into the port's by `translate`."""
    _logger: LoggingService
    _closed: bool

    def translate(
        self, error: Exception, operation: str, pk: str | None, sk: str | None
    ) -> KeyValueStoreError:
        """The port's error for one of `engine_errors`."""
        message = f"{operation}: pk={pk!r}, sk={sk!r}: {error}"
        return KeyValueStoreError(message)

    def ping_failure(self, error: Exception) -> str:
        """Why a ping that met one of `engine_errors` failed, in a few words."""
        return type(error).__name__

    @property
    def _log_context(self) -> Mapping[str, object]:
        """What the store's own log lines name besides the operation (e.g. its table)."""
        return {}

    @contextmanager
    def _pinging(self) -> Iterator[Ping]:
        """A ping: engine errors become its reason, and a failed one is logged (warning)."""
        ping = Ping(open_=not self._closed)
        try:
            yield ping
        except self.engine_errors as exc:
            ping.reason = self.ping_failure(exc)
        if ping.reason == CLOSED:
            self._logger.warning("ping: the store is closed", op="ping")
        elif ping.reason is not None:
            self._logger.warning("ping failed", op="ping", reason=ping.reason, **self._log_context)

    def _operation(self, name: str, pk: object, sk: object) -> Operation:
        """The one boundary: refuse a closed store, time and log, translate engine errors."""
        return Operation(self, name, pk, sk)

    def _log_failure(self, name: str, pk: object, sk: object, error: KeyValueStoreError) -> None:
        """Log an operation's error at the level its kind deserves; never its payload."""
        kind = type(error).__name__
        if isinstance(error, CONDITION_OUTCOMES):
            self._logger.debug("condition failed", op=name, pk=pk, sk=sk, error=kind)
        elif isinstance(error, REFUSALS):
            self._logger.info("refused", op=name, pk=_shown(pk), sk=_shown(sk), error=kind)
        else:
            attempts = getattr(error, "attempts", None)
            self._logger.error(
                "operation failed", op=name, pk=pk, sk=sk, error=kind, attempts=attempts
            )


class Operation:
    """One operation within a store's boundary, as a context manager.

    A class rather than a generator-based context manager: it wraps every call, and
    costs about a third of one.
    """

    __slots__ = ("_name", "_pk", "_sk", "_started", "_store")

    def __init__(self, store: Boundary, name: str, pk: object, sk: object) -> None:
        """Wrap the operation `name` at (pk, sk) of `store`."""
        self._store, self._name, self._pk, self._sk = store, name, pk, sk
        self._started = 0.0

    def __enter__(self) -> None:
        """Refuse a closed store; start the clock."""
        self._started = time.perf_counter()
        if self._store._closed:  # noqa: SLF001 - the boundary's own store
            error = StoreClosedError(self._name)
            self._store._log_failure(self._name, self._pk, self._sk, error)  # noqa: SLF001
            raise error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Log the outcome; turn an engine's error into the port's, the original chained."""
        store, name, pk, sk = self._store, self._name, self._pk, self._sk
        if exc is None:
            store._logger.debug(name, op=name, pk=pk, sk=sk, ms=_ms_since(self._started))  # noqa: SLF001
        elif isinstance(exc, KeyValueStoreError):
            store._log_failure(name, pk, sk, exc)  # noqa: SLF001
        elif isinstance(exc, store.engine_errors):
            translated = store.translate(exc, name, _text(pk), _text(sk))
            store._log_failure(name, pk, sk, translated)  # noqa: SLF001
            raise translated from exc


_SHOWN_KEY_CHARS = 64


def _shown(key: object) -> object:
    """A refused key as logged: cut to a readable length (it may be megabytes long)."""
    if isinstance(key, str) and len(key) > _SHOWN_KEY_CHARS:
        return f"{key[:_SHOWN_KEY_CHARS]}...({len(key)} chars)"
    return key


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
