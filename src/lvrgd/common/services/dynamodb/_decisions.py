"""botocore's standard retry mode, deciding for the driver: retry or not, and after how long.

The decisions are botocore's own objects, built by botocore's own
``botocore.retries.standard.register_retry_handler`` for a stand-in client that only
records what it is given: the retry conditions (max attempts, transient errors and
statuses, throttling codes, modeled retryable errors, DynamoDB's CRC32 mismatch), the
exponential backoff with jitter, and the retry quota. Nothing here sleeps or sends; the
driver sleeps the delay it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.retries import standard

from ._protocol import SERVICE, Answer, HttpResponse

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from botocore.model import OperationModel, ServiceModel


@dataclass(frozen=True, slots=True)
class _ServiceId:
    def hyphenize(self) -> str:
        return SERVICE


@dataclass(frozen=True, slots=True)
class _Model:
    service_id: _ServiceId = _ServiceId()


@dataclass(slots=True)
class _Events:
    handlers: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def register(self, event: str, handler: Callable[..., Any], unique_id: str = "") -> None:
        del unique_id
        self.handlers[event.split(".", 1)[0]] = handler


@dataclass(frozen=True, slots=True)
class _Meta:
    events: _Events
    service_model: _Model = _Model()


@dataclass(frozen=True, slots=True)
class _StandIn:
    """What ``register_retry_handler`` reads of a client: its service id and events."""

    meta: _Meta


class WireResponse:
    """An answer as botocore's retry checks read one: status, headers, body."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, response: HttpResponse) -> None:
        """Wrap `response`."""
        self.status_code = response.status
        self.headers = response.headers
        self.content = response.body


class RetryDecisions:
    """botocore's standard mode for one client: its conditions, backoff and quota.

    One per DynamoDBService, as botocore keeps one per client: the retry quota is
    shared by every call of the service. Safe to share between threads (botocore's
    quota takes a lock).

    Args:
        max_attempts: Attempts per call in all (``total_max_attempts``).
        service_model: DynamoDB's service model, for errors it models as retryable.
    """

    def __init__(self, max_attempts: int, service_model: ServiceModel) -> None:
        """Build botocore's handler for `max_attempts` attempts."""
        events = _Events()
        self._handler = standard.register_retry_handler(
            _StandIn(_Meta(events)),  # type: ignore[arg-type]  # it reads these two only
            max_attempts=max_attempts,
        )
        self._release = events.handlers["after-call"]
        self._service_model = service_model
        self._operations: dict[str, OperationModel] = {}

    def operation(self, name: str) -> OperationModel:
        """The operation's model (cached)."""
        model = self._operations.get(name)
        if model is None:
            model = self._operations[name] = self._service_model.operation_model(name)
        return model

    def delay(  # noqa: PLR0913 - what botocore's needs-retry event carries
        self,
        *,
        operation: str,
        attempt: int,
        context: dict[str, Any],
        response: HttpResponse | None,
        answer: Answer | None,
        exception: Exception | None,
    ) -> float | None:
        """Seconds to wait before resending, or None not to resend.

        Args:
            operation: The DynamoDB operation, e.g. ``PutItem``.
            attempt: The attempt just made, from 1.
            context: The call's request context (``retries``, the quota it holds);
                botocore records ``max`` and the quota taken in it.
            response: The answer received, None after an exception.
            answer: `response` parsed.
            exception: What sending raised, None with a response.
        """
        if answer is not None and answer.parsed is not None and not answer.corrupt:
            # A 2xx whose CRC32 matches: botocore's conditions read an error code, a
            # 5xx status, an exception or a CRC32 mismatch, none of which it has, so
            # they answer None; asking them would only cost their time.
            return None
        pair = None
        if response is not None and answer is not None:
            parsed = answer.error if answer.error is not None else {}
            pair = (WireResponse(response), parsed)
        delay: float | None = self._handler.needs_retry(
            response=pair,
            attempts=attempt,
            operation=self.operation(operation),
            caught_exception=exception,
            request_dict={"context": context},
        )
        return delay

    def release(self, context: Mapping[str, Any], response: HttpResponse) -> None:
        """Give back quota after a call that got an answer (only a 2xx gives any back)."""
        self._release(context=context, http_response=WireResponse(response))
