"""A long read on the async twin lets other tasks run while it decodes its items.

The plans yield a checkpoint every `DECODE_CHUNK` decoded items (`tests/kvstore/
test_plans.py` shows where); here the async twin's driver answers them by yielding to
the event loop, so a task that only counts its turns gets one per chunk.
"""

from __future__ import annotations

from unittest.mock import Mock

import anyio
import anyio.lowlevel
import pytest

from lvrgd.common.services.kvstore import KeyValueItem
from lvrgd.common.services.kvstore._reads import DECODE_CHUNK
from lvrgd.common.services.logging import LoggingService
from lvrgd.common.services.memory import AsyncInMemoryKeyValueStore
from tests._turns import turns_of_another_task

PK = "shelf#1"
CHUNKS = 5


class Book(KeyValueItem, entity="tests.memory.long_reads.Book"):
    title: str = "t"


async def _turns_of_another_task_during(read: str, count: int) -> tuple[int, int]:
    """How many items `read` returned, and how many turns a counting task had meanwhile."""
    async with AsyncInMemoryKeyValueStore(Mock(spec=LoggingService)) as store:
        await store.put_many([Book(pk=PK, sk=f"b{index:04d}") for index in range(count)])

        async def run_read() -> int:
            if read == "query_by_pk":
                return len(await store.query_by_pk(PK, Book))
            if read == "query_page":
                return len((await store.query_page(PK, Book, page_size=count)).items)
            keys = [(PK, f"b{index:04d}") for index in range(count)]
            return len(await store.get_many(keys, Book))

        return await turns_of_another_task(run_read)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("read", ["query_by_pk", "query_page", "get_many"])
def test_a_long_read_yields_to_other_tasks_between_chunks_of_items(read: str, backend: str) -> None:
    count = CHUNKS * DECODE_CHUNK

    found, turns = anyio.run(_turns_of_another_task_during, read, count, backend=backend)

    assert found == count
    # one turn before the engine's step, then one per checkpoint (CHUNKS - 1 of them);
    # trio may give the last turn after the read has returned
    assert turns >= CHUNKS - 1
