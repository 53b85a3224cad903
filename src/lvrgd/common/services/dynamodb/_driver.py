"""The sync driver: runs a call's steps (`_exchange`) with a Transport and ``time.sleep``.

Requests, answers, signatures and retry decisions all come from `Exchange.steps`; the
driver only answers its steps: botocore's credentials (refreshed by botocore when they
expire), one send through the `Transport`, one sleep.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from ._exchange import Run, Send, Wait

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.credentials import Credentials

    from ._exchange import Exchange, Reply
    from ._protocol import Params
    from ._transport import Transport


class Driver:
    """Sends DynamoDB operations with botocore's signing and retry decisions.

    Safe to share between threads: each call keeps its state on its own stack, and
    the count of attempts of a thread's last failed call is kept per thread.

    Args:
        exchange: The call's steps: requests, signing, parsing, retry decisions.
        credentials: botocore's credentials (refreshed by botocore when they expire),
            or None when the chain found none: every call then raises
            NoCredentialsError, as botocore's signer does.
        transport: Where requests are sent.
        sleep: How the driver waits between attempts.
    """

    def __init__(
        self,
        *,
        exchange: Exchange,
        credentials: Credentials | None,
        transport: Transport,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Keep the parts; nothing is sent here."""
        self._exchange = exchange
        self.endpoint = exchange.endpoint
        self._credentials = credentials
        self.transport = transport
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
        run = Run(self._exchange, operation, params)
        try:
            for step in run:
                if isinstance(step, Send):
                    run.reply = self._send(step)
                elif isinstance(step, Wait):
                    self._sleep(step.seconds)
                else:
                    credentials = self._credentials
                    run.reply = (
                        None if credentials is None else credentials.get_frozen_credentials()
                    )
        except Exception:
            self._failures.attempts = run.sends or None
            raise
        return run.output

    def _send(self, step: Send) -> Reply:
        try:
            return self.transport.send(step.request)
        except Exception as exc:  # noqa: BLE001 - botocore's retry mode judges any failure
            return exc

    def close(self) -> None:
        """Close the transport."""
        self.transport.close()
