"""The sync driver: build, sign, send, decide, sleep; a thin loop over pure parts.

Requests and answers come from `_protocol` (pure), retry decisions from botocore's
standard mode through `_decisions`, signatures from botocore's SigV4 signer, and the
bytes travel through a `Transport`. The loop is the driver's only logic: an async
driver can run the same parts with another transport and another sleep.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ChecksumError, ClientError, NoCredentialsError

from ._protocol import (
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
    from collections.abc import Callable

    from botocore.credentials import Credentials

    from ._decisions import RetryDecisions
    from ._transport import Transport

_ACCEPT_ENCODING = {"Accept-Encoding": "identity"}


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What one attempt met: an answer (parsed), or an exception."""

    response: HttpResponse | None = None
    answer: Answer | None = None
    exception: Exception | None = None
    received: dt.datetime = dt.datetime.min  # noqa: DTZ901 - naive UTC, as botocore's clock


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Driver:
    """Sends DynamoDB operations with botocore's signing and retry decisions.

    Safe to share between threads: each call keeps its state on its own stack, and
    the count of attempts of a thread's last failed call is kept per thread.

    Args:
        endpoint: The endpoint URL requests go to.
        region: The signing region.
        credentials: botocore's credentials (refreshed by botocore when they expire),
            or None when the chain found none: every call then raises
            NoCredentialsError, as botocore's signer does.
        decisions: botocore's standard retry mode for this driver.
        transport: Where requests are sent.
        user_agent: The User-Agent header.
        read_timeout: The read timeout, for the ``ttl`` botocore announces on resends.
        sleep: How the driver waits between attempts.
    """

    def __init__(  # noqa: PLR0913 - each is a distinct part, all injected
        self,
        *,
        endpoint: str,
        region: str,
        credentials: Credentials | None,
        decisions: RetryDecisions,
        transport: Transport,
        user_agent: str,
        read_timeout: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Keep the parts; nothing is sent here."""
        self.endpoint = endpoint
        self._host = host_of(endpoint)
        # The operation's path is "/", which botocore appends to the endpoint's.
        self._url = endpoint if endpoint.endswith("/") else f"{endpoint}/"
        self._keys = KeyCache()
        self._region = region
        self._credentials = credentials
        self._decisions = decisions
        self.transport = transport
        self._user_agent = user_agent
        self._read_timeout = read_timeout
        self._sleep = sleep
        self._failures = threading.local()

    def last_attempts(self) -> int | None:
        """How many requests this thread's last failed call sent (None if none failed)."""
        attempts: int | None = self._failures.__dict__.pop("attempts", None)
        return attempts

    def call(self, operation: str, params: Params) -> Params:
        """Send `operation` with `params` until botocore's retry mode stops it.

        Args:
            operation: The DynamoDB operation, e.g. ``PutItem``.
            params: Its parameters, attribute values in the codec's wire form.

        Returns:
            The operation's output in DynamoDB's JSON.

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
            last = self._attempt(self._request(operation, body, retries))
            delay = self._decisions.delay(
                operation=operation, attempt=attempt, context=context,
                response=last.response, answer=last.answer, exception=last.exception,
            )  # fmt: skip
            if delay is None:
                return self._outcome(operation, attempt, context, last)
            self._sleep(delay)
            attempt += 1
            retries["attempt"] = attempt
            if last.response is not None:
                date = last.response.headers.get("date")
                announced = ttl(_utcnow(), last.received, date, self._read_timeout)
                if announced is not None:
                    retries["ttl"] = announced

    def _attempt(self, request: HttpRequest) -> _Attempt:
        try:
            response = self.transport.send(request)
        except Exception as exc:  # noqa: BLE001 - botocore's retry mode judges any failure
            return _Attempt(exception=exc)
        return _Attempt(response=response, answer=parse(response), received=_utcnow())

    def _outcome(
        self, operation: str, attempt: int, context: dict[str, Any], last: _Attempt
    ) -> Params:
        response, answer = last.response, last.answer
        if response is None or answer is None:
            self._failures.attempts = attempt
            assert last.exception is not None  # noqa: S101 - no response means an exception
            raise last.exception
        self._decisions.release(context, response)
        if answer.error is not None:
            answer.error["ResponseMetadata"]["RetryAttempts"] = attempt - 1
            raise ClientError(answer.error, operation)  # type: ignore[arg-type]
        if answer.corrupt or answer.parsed is None:
            self._failures.attempts = attempt
            raise ChecksumError(
                checksum_type="crc32",
                expected_checksum=response.headers.get("x-amz-crc32", "?"),
                actual_checksum="another",
            )
        return answer.parsed

    def _request(self, operation: str, body: bytes, retries: dict[str, Any]) -> HttpRequest:
        """The signed request of one attempt."""
        if self._credentials is None:
            raise NoCredentialsError
        frozen = self._credentials.get_frozen_credentials()
        headers = base_headers(operation, self._user_agent)
        signable = Signable("POST", self._url, headers, body)
        Signer(frozen, SERVICE, self._region, self._host, self._keys).add_auth(signable)  # type: ignore[arg-type]
        headers.update(retry_headers(retries))
        headers["Content-Length"] = str(len(body))
        headers.update(_ACCEPT_ENCODING)
        return HttpRequest("POST", self._url, headers, body)

    def close(self) -> None:
        """Close the transport."""
        self.transport.close()
