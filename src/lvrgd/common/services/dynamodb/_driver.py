"""The sync driver: answers a call's steps (`_exchange`) with a Transport and ``time.sleep``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ._exchange import Run, Send, Wait, keys_of, last_attempts

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.credentials import Credentials

    from ._exchange import Exchange
    from ._protocol import Params
    from ._transport import Transport


class Driver:
    """Sends DynamoDB operations with botocore's signing and retry decisions.

    Safe to share between threads; `last_attempts` answers for the thread asking.

    Args:
        exchange: The call's steps: requests, signing, parsing, retry decisions.
        credentials: botocore's credentials (refreshed by botocore when they expire), or
            None when the chain found none: every call then raises NoCredentialsError.
        transport: Where requests are sent.
        sleep: How the driver waits between attempts.
    """

    last_attempts = staticmethod(last_attempts)

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

    def call(self, operation: str, params: Params) -> Params:
        """Send `operation` with `params` until botocore's retry mode stops it.

        Args:
            operation: The DynamoDB operation, e.g. ``PutItem``.
            params: Its parameters, attribute values in the codec's wire form.

        Returns:
            The operation's output in DynamoDB's JSON.

        Raises:
            ClientError: DynamoDB's error, after the attempts allowed (``RetryAttempts`` set).
            ChecksumError: Every answer's body failed its CRC32 check.
            BotoCoreError: No answer came back (connection, timeout), or no credentials.
        """
        with Run(self._exchange, operation, params) as run:
            for step in run:
                if isinstance(step, Send):
                    try:
                        run.reply = self.transport.send(step.request)
                    except Exception as exc:  # noqa: BLE001 - botocore's retry mode judges it
                        run.reply = exc
                elif isinstance(step, Wait):
                    self._sleep(step.seconds)
                else:
                    run.reply = keys_of(self._credentials)
        return run.output

    def close(self) -> None:
        """Close the transport."""
        self.transport.close()
