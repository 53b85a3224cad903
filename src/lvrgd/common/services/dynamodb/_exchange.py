"""One call's exchange with DynamoDB as steps, which the sync and the async driver both run.

`Exchange.steps` is a generator holding the whole loop of a call: the body built once
(with the transaction token), then for each attempt the credentials asked for, the
request signed and handed out to be sent, the answer parsed, botocore's standard retry
mode asked whether to resend and after how long, and at last the output returned or
the error raised. It sends, sleeps and fetches nothing itself; it yields what it needs:

- ``KEYS``: answer with the frozen credentials to sign with (None when there are none);
- `Send`: answer with the `HttpResponse`, or the exception sending raised;
- `Wait`: sleep that long, then answer with None.

A driver takes the steps through a `Run`, which counts the sends, keeps the output and,
when the call fails, how many requests it sent (`last_attempts`). `Driver` answers with
a blocking transport, ``time.sleep`` and botocore's credentials; the async driver with
an async transport, ``anyio.sleep`` and credentials resolved in a worker thread.
Neither decides anything.
"""

from __future__ import annotations

import datetime as dt
import enum
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from botocore.exceptions import ChecksumError, ClientError, NoCredentialsError

from ._protocol import (
    CRC32_HEADER,
    SERVICE,
    Answer,
    HttpRequest,
    HttpResponse,
    Params,
    base_headers,
    encode_body,
    new_retries_context,
    parse,
    retry_headers,
    ttl,
    with_token,
)
from ._signing import KeyCache, Signable, Signer, host_of

if TYPE_CHECKING:
    from collections.abc import Callable, Generator
    from types import TracebackType

    from botocore.credentials import Credentials, ReadOnlyCredentials
    from typing_extensions import Self

    from ._decisions import RetryDecisions

_ACCEPT_ENCODING = {"Accept-Encoding": "identity"}
# A thread's own, and an async task's own: each has its own context.
_failed_attempts: ContextVar[int | None] = ContextVar("lvrgd_failed_attempts", default=None)


class Keys(enum.Enum):
    """The step asking for the credentials to sign the next attempt with."""

    KEYS = "keys"


KEYS = Keys.KEYS


@dataclass(frozen=True, slots=True)
class Send:
    """The step asking for `request` to be sent once.

    Attributes:
        request: The signed request of this attempt.
    """

    request: HttpRequest


@dataclass(frozen=True, slots=True)
class Wait:
    """The step asking the driver to sleep before the next attempt.

    Attributes:
        seconds: How long, as botocore's backoff drew it.
    """

    seconds: float


Step: TypeAlias = "Keys | Send | Wait"
"""What `Exchange.steps` yields."""
Reply: TypeAlias = "ReadOnlyCredentials | HttpResponse | Exception | None"
"""What a driver sends back into `Exchange.steps`."""


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What one attempt met: an answer (parsed), or an exception."""

    response: HttpResponse | None = None
    answer: Answer | None = None
    exception: Exception | None = None
    received: dt.datetime = dt.datetime.min  # noqa: DTZ901 - naive UTC, as botocore's clock


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Exchange:
    """What a driver knows of DynamoDB: where, how to sign, how to read, when to resend.

    Holds no connection, credentials or clock of its own but the wall clock for the
    ``ttl`` botocore announces on a resend. Safe to share between threads and tasks:
    each call's state lives in its own generator.

    Args:
        endpoint: The endpoint URL requests go to.
        region: The signing region.
        decisions: botocore's standard retry mode (one per service: its retry quota).
        user_agent: The User-Agent header.
        read_timeout: The read timeout, for the ``ttl`` botocore announces on resends.
        now: The clock (naive UTC, as botocore's).
    """

    def __init__(  # noqa: PLR0913 - each is a distinct part, all injected
        self,
        *,
        endpoint: str,
        region: str,
        decisions: RetryDecisions,
        user_agent: str,
        read_timeout: float,
        now: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        """Keep the parts; nothing is sent here."""
        self.endpoint = endpoint
        self._host = host_of(endpoint)
        # The operation's path is "/", which botocore appends to the endpoint's.
        self._url = endpoint if endpoint.endswith("/") else f"{endpoint}/"
        self._keys = KeyCache()
        self._region = region
        self._decisions = decisions
        self._user_agent = user_agent
        self._read_timeout = read_timeout
        self._now = now

    def steps(self, operation: str, params: Params) -> Generator[Step, Reply, Params]:
        """The steps of one call of `operation` with `params`, until botocore's mode stops it.

        Args:
            operation: The DynamoDB operation, e.g. ``PutItem``.
            params: Its parameters, attribute values in the codec's wire form.

        Returns:
            The operation's output in DynamoDB's JSON (the generator's return value).

        Raises:
            ClientError: DynamoDB answered with an error (after the attempts allowed),
                with ``ResponseMetadata.RetryAttempts``.
            ChecksumError: Every answer's body failed its CRC32 check.
            BotoCoreError: No answer came back (connection, timeout), or no credentials.
        """
        body = encode_body(with_token(operation, params))
        retries = new_retries_context()
        context: dict[str, Any] = {"retries": retries}
        attempt = 1
        while True:
            # No local keeps the credentials or the signed request: a traceback showing
            # locals (loguru's diagnose) passes through this frame.
            keys = _signing_keys((yield KEYS))
            reply = yield Send(self._request(operation, body, retries, keys))
            del keys
            last = self._attempt(reply)
            delay = self._decisions.delay(
                operation=operation, attempt=attempt, context=context,
                response=last.response, answer=last.answer, exception=last.exception,
            )  # fmt: skip
            if delay is None:
                return self._outcome(operation, attempt, context, last)
            yield Wait(delay)
            attempt += 1
            retries["attempt"] = attempt
            if last.response is not None:
                date = last.response.headers.get("date")
                announced = ttl(self._now(), last.received, date, self._read_timeout)
                if announced is not None:
                    retries["ttl"] = announced

    def _attempt(self, reply: Reply) -> _Attempt:
        """What the answer to a `Send` step was."""
        if isinstance(reply, HttpResponse):
            return _Attempt(response=reply, answer=parse(reply), received=self._now())
        if isinstance(reply, Exception):
            return _Attempt(exception=reply)
        msg = f"a Send step is answered with a response or an exception, not {type(reply)}"
        raise TypeError(msg)

    def _outcome(
        self, operation: str, attempt: int, context: dict[str, Any], last: _Attempt
    ) -> Params:
        response, answer = last.response, last.answer
        if response is None or answer is None:
            assert last.exception is not None  # noqa: S101 - no response means an exception
            raise last.exception
        self._decisions.release(context, response)
        if answer.error is not None:
            answer.error["ResponseMetadata"]["RetryAttempts"] = attempt - 1
            raise ClientError(answer.error, operation)  # type: ignore[arg-type]
        if answer.corrupt or answer.parsed is None:
            raise ChecksumError(
                checksum_type="crc32",
                expected_checksum=response.headers.get(CRC32_HEADER, "?"),
                actual_checksum="another",
            )
        return answer.parsed

    def _request(
        self, operation: str, body: bytes, retries: dict[str, Any], keys: ReadOnlyCredentials
    ) -> HttpRequest:
        """The signed request of one attempt."""
        headers = base_headers(operation, self._user_agent)
        signable = Signable("POST", self._url, headers, body)
        Signer(keys, SERVICE, self._region, self._host, self._keys).add_auth(signable)  # type: ignore[arg-type]
        headers.update(retry_headers(retries))
        headers["Content-Length"] = str(len(body))
        headers.update(_ACCEPT_ENCODING)
        return HttpRequest("POST", self._url, headers, body)


def _signing_keys(reply: Reply) -> ReadOnlyCredentials:
    """The credentials a driver answered ``KEYS`` with; NoCredentialsError when none."""
    if reply is None:
        raise NoCredentialsError
    if isinstance(reply, HttpResponse | Exception):
        msg = f"a KEYS step is answered with credentials or None, not {type(reply)}"
        raise TypeError(msg)
    return reply


def keys_of(credentials: Credentials | None) -> ReadOnlyCredentials | None:
    """The answer to a ``KEYS`` step: botocore's frozen credentials (refreshed if due), or None."""
    return None if credentials is None else credentials.get_frozen_credentials()


def last_attempts() -> int | None:
    """How many requests this thread's or task's last failed call sent (None if none failed).

    Asking forgets it: a second ask answers None until another call fails.
    """
    attempts = _failed_attempts.get()
    _failed_attempts.set(None)
    return attempts


class Run:
    """One call's steps as a driver takes them: iterate, and answer each through `reply`.

    Used as a context manager, a run that fails keeps its count of sends for
    `last_attempts`.

    Attributes:
        reply: The answer to the step just taken; None until set (as a `Wait` wants).
        sends: How many `Send` steps were taken so far.
    """

    __slots__ = ("_output", "_steps", "reply", "sends")

    def __init__(self, exchange: Exchange, operation: str, params: Params) -> None:
        """The steps of one call of `operation` with `params` (`Exchange.steps`)."""
        self._steps = exchange.steps(operation, params)
        self.reply: Reply = None
        self.sends = 0
        self._output: Params | None = None

    def __enter__(self) -> Self:
        """The run itself."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: TracebackType | None
    ) -> None:
        """On a failure (not a cancellation), keep the count of sends for `last_attempts`."""
        if isinstance(error, Exception):
            _failed_attempts.set(self.sends or None)

    def __iter__(self) -> Run:
        """The run itself: its steps, one at a time."""
        return self

    def __next__(self) -> Step:
        """The next step, the last one answered with `reply`; StopIteration once done."""
        reply, self.reply = self.reply, None
        try:
            step = self._steps.send(reply)
        except StopIteration as done:
            self._output = done.value
            raise
        if isinstance(step, Send):
            self.sends += 1
        return step

    @property
    def output(self) -> Params:
        """The operation's output in DynamoDB's JSON, once the steps are done."""
        if self._output is None:
            msg = "the call's steps are not done"
            raise RuntimeError(msg)
        return self._output
