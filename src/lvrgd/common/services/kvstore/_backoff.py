"""Resending what a batch left unprocessed, with capped exponential backoff and jitter.

DynamoDB answers a throttled or partial batch with UnprocessedKeys or UnprocessedItems
rather than an error, and asks the caller to resend them with exponential backoff
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.BatchOperations).
The engine's own retries never see these; this plan is where they are resent. It
yields its waits as `Sleep` steps, which the driver sleeps (``time.sleep`` or
``anyio.sleep``), and reads the time from the Backoff it is given.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from ._steps import Plan, Sleep

if TYPE_CHECKING:
    from collections.abc import Callable

R = TypeVar("R")

FIRST_DELAY_S = 0.05
MAX_DELAY_S = 2.0
DEFAULT_BATCH_RETRY_SECONDS = 20.0
"""How long a batch keeps resending, unless the store says otherwise."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to keep resending, from now, and the clock and randomness it uses.

    One Backoff serves a whole call: its time is counted from when it was made, so
    a call of many chunks waits `deadline_s` in all, not per chunk.
    """

    deadline_s: float
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        """Start counting."""
        object.__setattr__(self, "deadline", self.clock() + self.deadline_s)


def resend_until_done(
    send: Callable[[R], Plan[R | None]], request: R, backoff: Backoff
) -> Plan[R | None]:
    """Send `request`, then whatever each answer leaves unprocessed, until nothing is left.

    Args:
        send: The plan that sends a request and returns the part left unprocessed, or None.
        request: The first request.
        backoff: The time allowed in all, and the clock and jitter of the waits.

    Returns:
        None when everything was processed, else what was still unprocessed when the
        time ran out.
    """
    deadline = backoff.deadline
    remaining = yield from send(request)
    attempt = 0
    while remaining is not None:
        ceiling = min(MAX_DELAY_S, FIRST_DELAY_S * 2**attempt)
        delay = ceiling * backoff.jitter()  # "full jitter": anywhere up to the ceiling
        if backoff.clock() + delay > deadline:
            return remaining
        yield Sleep(delay)
        attempt += 1
        remaining = yield from send(remaining)
    return None
