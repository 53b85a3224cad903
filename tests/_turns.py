"""How often another task got the event loop while some async work ran."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import anyio
import anyio.lowlevel

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

T = TypeVar("T")


async def turns_of_another_task(work: Callable[[], Awaitable[T]]) -> tuple[T, int]:
    """Await `work` while a task counts its turns; `work`'s result and the turns meanwhile."""
    turns = 0
    done = False

    async def count_turns() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(count_turns)
        await anyio.lowlevel.checkpoint()  # the counter is running
        before = turns
        result = await work()
        done = True
    return result, turns - before
