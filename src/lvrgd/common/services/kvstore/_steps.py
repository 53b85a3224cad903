"""Plans, the steps they take, and the drivers that take them.

Every behaviour of the port that takes more than one step (reading pages up to a
limit, chunking and resending batches, reading the item a failed condition met, the
reasons of a canceled transaction, versions) is written once, as a plan: a generator
of pure code that yields a `Call`, a `Sleep` or a `Checkpoint`, is sent each call's
reply (or has the engine's `EngineError` thrown in), and returns the port's result. A
driver runs a plan on an adapter's primitive, `answer(call)`: `drive` with a sync
primitive and ``time.sleep``, `drive_async` with an async one and ``anyio.sleep``;
neither holds business logic, so both forms of the port behave alike by construction.

A `Checkpoint` marks a point between chunks of a plan's own work (decoding a long
read's items) where other tasks may run: `drive_async` yields to the event loop there,
so that one read of a thousand items does not hold the loop for the whole of its
decoding; `drive` has no one to yield to and goes straight on.

A call is one step of the engine that both engines can take: one request to DynamoDB,
one locked step of the in-memory store. Pages, chunks, resends and reads after a failed
condition are plans above it, never inside an adapter:

=========== ================================================ ================================
operation   params                                           reply
=========== ================================================ ================================
WRITE       operation, write (Create, Update or Delete)      None
PATCH       operation, patch                                 the item after, or None when the
                                                             patch does not ask for it
GET         pk, sk, consistent (None: the store's setting)   the item, or None
QUERY       query, after (a Position or None), resume (the   Selected: at most `limit` items
            engine's own token of a previous reply, or       in order, and a resume token
            None), limit (None: no limit)                    while more may follow
BATCH_GET   keys (at most 100, distinct)                     BatchRead: the items found and
                                                             the keys left unprocessed
BATCH_PUT   items (at most 25, of distinct keys), by key     the keys left unprocessed
COMMIT      operation, writes (1 to 100, one per key)        None
DESCRIBE    (none)                                           None when the table is usable,
                                                             else the reason it is not
=========== ================================================ ================================

A write whose condition fails is ``EngineError(CONDITION_FAILED)``, with the item it
met when the engine returned it; a canceled transaction is
``EngineError(TRANSACTION_CANCELED)`` with one `Reason` per write. Any other failure is
the engine's own exception (or a port error the engine raises itself, such as an item
too large), which the store's boundary turns into the port's error.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from ._batches import Key
    from ._limits import ItemView

R = TypeVar("R")

CONDITION_FAILED = "ConditionalCheckFailed"
"""A write's condition did not hold (DynamoDB's ConditionalCheckFailedException)."""
TRANSACTION_CANCELED = "TransactionCanceled"
"""A transaction wrote nothing; its reasons say why (DynamoDB's TransactionCanceledException)."""
NO_FAILURE = "None"
"""The reason of a canceled transaction's write that met no failure itself."""


class Op(enum.Enum):
    """What a call asks of the engine (the table in this module's docstring)."""

    WRITE = "write"
    PATCH = "patch"
    GET = "get"
    QUERY = "query"
    BATCH_GET = "batch_get"
    BATCH_PUT = "batch_put"
    COMMIT = "commit"
    DESCRIBE = "describe"


@dataclass(slots=True)  # not frozen: made for every step, and frozen costs twice as much
class Call:
    """One step of the engine: `operation` with its `params`; the plan is sent the reply.

    A value: nothing changes a call once it is made.
    """

    operation: Op
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait `seconds` before the next step (a batch's backoff)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Let other tasks run before the plan goes on (see the module's docstring).

    The plan is sent None. `CHECKPOINT` is the one instance plans yield.
    """


CHECKPOINT = Checkpoint()
"""The checkpoint plans yield."""

Step: TypeAlias = Call | Sleep | Checkpoint
Plan: TypeAlias = Generator[Step, Any, R]
"""A plan that returns R: it yields steps and is sent their replies."""


@dataclass(frozen=True, slots=True)
class Selected:
    """A QUERY's reply: items in the query's order, and where the engine would go on."""

    items: Sequence[ItemView]
    resume: object = None
    """The engine's token to pass back as `resume`; None when the query has ended."""


@dataclass(frozen=True, slots=True)
class BatchRead:
    """A BATCH_GET's reply: the items found, and the keys the engine left unprocessed."""

    items: Sequence[ItemView]
    unprocessed: list[Key] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Reason:
    """What one write of a canceled transaction met, as the engine says it.

    Attributes:
        code: NO_FAILURE, CONDITION_FAILED, or another engine code.
        message: The engine's message, if any.
        item: The item the write's condition met, when `has_item`.
        has_item: Whether the engine returned that item (None meaning no item); when
            False the plan reads it.
    """

    code: str = NO_FAILURE
    message: str = ""
    item: ItemView | None = None
    has_item: bool = False


class EngineError(Exception):
    """An engine's answer that a plan reads: a failed condition, a canceled transaction.

    Engine-neutral: each adapter turns its engine's own error into this, the original
    chained as ``__cause__``; plans chain that original to the port's error they raise.

    Attributes:
        code: CONDITION_FAILED or TRANSACTION_CANCELED.
        message: The engine's message.
        reasons: A canceled transaction's reasons, one per write, in order; empty when
            the engine gave none.
        item: The item a failed condition met, when `has_item`.
        has_item: Whether the engine returned that item (None meaning no item).
        attempts: How many times the request was sent: above 1, an earlier attempt may
            have been applied, and the condition may have met the write's own result.
    """

    def __init__(  # noqa: PLR0913 - each is a distinct fact of the answer
        self,
        code: str,
        message: str = "",
        *,
        reasons: tuple[Reason, ...] = (),
        item: ItemView | None = None,
        has_item: bool = False,
        attempts: int = 1,
    ) -> None:
        """Keep the answer's facts."""
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.reasons = reasons
        self.item = item
        self.has_item = has_item
        self.attempts = attempts


def original(error: EngineError) -> BaseException:
    """The engine's own error behind `error` (itself if none is chained), for ``from``."""
    return error.__cause__ if error.__cause__ is not None else error


def drive(
    plan: Plan[R],
    answer: Callable[[Call], Any],
    sleep: Callable[[float], None] = time.sleep,
) -> R:
    """Run `plan` to its result: each call answered by `answer`, each sleep slept.

    A checkpoint is passed over: a sync caller has no other task to let run.

    Raises:
        Whatever the plan raises, and what `answer` raises other than EngineError.
    """
    reply: Any = None
    error: EngineError | None = None
    while True:
        try:
            step = plan.send(reply) if error is None else plan.throw(error)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        reply, error = None, None
        if isinstance(step, Call):
            try:
                reply = answer(step)
            except EngineError as exc:
                error = exc
        elif isinstance(step, Sleep):
            sleep(step.seconds)


async def drive_async(
    plan: Plan[R],
    answer: Callable[[Call], Awaitable[Any]],
    sleep: Callable[[float], Awaitable[None]],
    checkpoint: Callable[[], Awaitable[None]] | None = None,
) -> R:
    """Run `plan` to its result, awaiting `answer` for each call and `sleep` for each wait.

    Each checkpoint awaits `checkpoint`, by default ``anyio.lowlevel.checkpoint``: the
    task yields to the event loop, and a cancellation pending there is raised.

    Raises:
        Whatever the plan raises, and what `answer` raises other than EngineError.
    """
    reply: Any = None
    error: EngineError | None = None
    pause = checkpoint
    while True:
        try:
            step = plan.send(reply) if error is None else plan.throw(error)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        reply, error = None, None
        if isinstance(step, Call):
            try:
                reply = await answer(step)
            except EngineError as exc:
                error = exc
        elif isinstance(step, Sleep):
            await sleep(step.seconds)
        else:
            pause = pause or _anyio_checkpoint()
            await pause()


def _anyio_checkpoint() -> Callable[[], Awaitable[None]]:
    from anyio.lowlevel import checkpoint  # noqa: PLC0415 - the sync form runs without anyio

    return checkpoint
