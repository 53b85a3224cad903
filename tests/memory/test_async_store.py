"""AsyncInMemoryKeyValueStore's own guarantees: scheduling points, seeded interleaving, close.

The contract suite runs on it too (the ``memory-async`` backend); these tests cover
what only the async form has: each step of the engine yields to the event loop, and
with ``interleave_seed`` tasks interleave on a schedule that the seed replays, so that
a read-modify-write race shows up, and VersionedItem catches it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from unittest.mock import Mock

import anyio
import pytest

from lvrgd.common.services.kvstore import (
    AsyncKeyValueStore,
    IndexSpec,
    ItemNotFoundError,
    KeyValueItem,
    StoreClosedError,
    TransactionCanceledError,
    VersionConflictError,
    VersionedItem,
)
from lvrgd.common.services.logging import LoggingService
from lvrgd.common.services.memory import AsyncInMemoryKeyValueStore

PK, SK = "counter#1", "#"
SEEDS = range(24)


class Counter(KeyValueItem, entity="tests.memory.async.Counter"):
    value: int = 0
    queue: str | None = None


class VersionedCounter(VersionedItem, entity="tests.memory.async.VersionedCounter"):
    value: int = 0


@pytest.fixture
def logger() -> Mock:
    return Mock(spec=LoggingService)


# --- read-modify-write races, replayed from a seed ----------------------------------


async def _read_modify_write(
    store: AsyncKeyValueStore, model: type[Counter | VersionedCounter], trace: list[str], name: str
) -> None:
    counter = await store.get_one(PK, SK, model)
    assert counter is not None
    trace.append(f"{name} read {counter.value}")
    counter.value += 1
    try:
        await store.update(counter)
    except VersionConflictError:
        trace.append(f"{name} conflict")
    else:
        trace.append(f"{name} wrote {counter.value}")


async def _race(seed: int, model: type[Counter | VersionedCounter]) -> tuple[int, list[str]]:
    """Two tasks increment one counter by reading it and writing it back; the final value."""
    store = AsyncInMemoryKeyValueStore(LoggingService("race"), interleave_seed=seed)
    await store.create(model(pk=PK, sk=SK))
    trace: list[str] = []
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(_read_modify_write, store, model, trace, "a")
        tasks.start_soon(_read_modify_write, store, model, trace, "b")
    final = await store.get_one(PK, SK, model)
    assert final is not None
    return final.value, trace


def _races(model: type[Counter | VersionedCounter]) -> dict[int, tuple[int, list[str]]]:
    return {seed: anyio.run(_race, seed, model) for seed in SEEDS}


def test_interleaving_read_modify_write_loses_an_update_under_some_seeds_only() -> None:
    finals = {seed: final for seed, (final, _) in _races(Counter).items()}

    assert 1 in finals.values()  # both tasks read 0, so one increment was lost
    assert 2 in finals.values()  # the seed decides: other schedules keep both


def test_interleaving_replays_the_same_schedule_from_the_same_seed() -> None:
    assert _races(Counter) == _races(Counter)


def test_interleaving_versioned_item_turns_each_lost_update_into_a_version_conflict() -> None:
    plain, versioned = _races(Counter), _races(VersionedCounter)
    lost = [seed for seed, (final, _) in plain.items() if final == 1]

    for seed in lost:
        final, trace = versioned[seed]
        assert final == 1
        assert sorted(event.split()[1] for event in trace) == ["conflict", "read", "read", "wrote"]
    for seed in set(SEEDS) - set(lost):
        assert versioned[seed][0] == 2


def test_interleaving_seed_is_kept_on_the_store(logger: Mock) -> None:
    assert AsyncInMemoryKeyValueStore(logger, interleave_seed=7).interleave_seed == 7
    assert AsyncInMemoryKeyValueStore(logger).interleave_seed is None


def test_each_operation_yields_to_the_event_loop_even_without_a_seed(logger: Mock) -> None:
    order: list[str] = []

    async def write(store: AsyncKeyValueStore) -> None:
        await store.create(Counter(pk=PK, sk=SK))
        order.append("written")

    async def other() -> None:
        order.append("other ran")

    async def main() -> None:
        store = AsyncInMemoryKeyValueStore(logger)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(write, store)
            tasks.start_soon(other)

    anyio.run(main)

    assert order == ["other ran", "written"]


# --- the port in async form ---------------------------------------------------------


def test_operations_are_awaited_and_share_the_twin_s_semantics(logger: Mock) -> None:
    async def main() -> None:
        async with AsyncInMemoryKeyValueStore(logger) as store:
            await store.create(Counter(pk=PK, sk=SK, value=1))
            after = await store.patch(PK, SK, Counter, add={"value": 2})
            assert after.value == 3
            await store.put_many([Counter(pk=PK, sk=f"#{index}") for index in range(30)])
            assert len(await store.query_by_pk(PK, Counter)) == 31
            page = await store.query_page(PK, Counter, page_size=10)
            assert (len(page.items), page.cursor is not None) == (10, True)
            found = await store.get_many([(PK, "#3"), (PK, SK), (PK, "gone")], Counter)
            assert [item.sk for item in found] == ["#3", SK]
            await store.delete(PK, "#3")
            with pytest.raises(ItemNotFoundError):
                await store.delete(PK, "#3")
            assert await store.ping() is True

    anyio.run(main)


async def _create_and_delete_a_missing_item(store: AsyncKeyValueStore) -> None:
    async with store.transaction() as tx:
        tx.create(Counter(pk=PK, sk="c"))
        tx.delete(PK, "gone")


def test_transaction_commits_on_a_clean_exit_and_nothing_on_a_canceled_one(logger: Mock) -> None:
    async def main() -> None:
        store = AsyncInMemoryKeyValueStore(logger)
        async with store.transaction() as tx:
            tx.create(Counter(pk=PK, sk="a"))
            tx.create(Counter(pk=PK, sk="b"))
        with pytest.raises(TransactionCanceledError) as caught:
            await _create_and_delete_a_missing_item(store)
        assert [type(reason) for reason in caught.value.reasons] == [type(None), ItemNotFoundError]
        assert [item.sk for item in await store.query_by_pk(PK, Counter)] == ["a", "b"]

    anyio.run(main)


def test_aclose_is_idempotent_and_later_calls_raise_store_closed(logger: Mock) -> None:
    async def main() -> None:
        store = AsyncInMemoryKeyValueStore(logger)
        await store.create(Counter(pk=PK, sk=SK))
        await store.aclose()
        await store.aclose()
        assert await store.ping() is False
        with pytest.raises(StoreClosedError):
            await store.get_one(PK, SK, Counter)
        with pytest.raises(StoreClosedError):
            async with store.transaction():
                pass

    anyio.run(main)
    logger.warning.assert_called_once()


def test_async_with_closes_the_store_when_the_block_raises(logger: Mock) -> None:
    async def main() -> AsyncInMemoryKeyValueStore:
        store = AsyncInMemoryKeyValueStore(logger)
        with pytest.raises(ZeroDivisionError):
            async with store:
                _ = 1 / 0
        return store

    store = anyio.run(main)

    assert anyio.run(store.ping) is False


def test_manual_index_propagation_waits_for_propagate_indexes(logger: Mock) -> None:
    queued = IndexSpec(name="by_queue", pk="queue", sk="sk")

    async def main() -> None:
        store = AsyncInMemoryKeyValueStore(logger, indexes=[queued], index_propagation="manual")
        await store.create(Counter(pk=PK, sk=SK, queue="q"))
        assert await store.query_by_pk("q", Counter, index="by_queue") == []
        assert store.propagate_indexes() == 1
        assert len(await store.query_by_pk("q", Counter, index="by_queue")) == 1

    anyio.run(main)


def test_operations_log_as_the_sync_twin_does(logger: Mock) -> None:
    async def main() -> None:
        store = AsyncInMemoryKeyValueStore(logger)
        await store.create(Counter(pk=PK, sk=SK))

    anyio.run(main)

    (call,) = logger.debug.call_args_list
    assert call.args == ("create",)
    assert {key: call.kwargs[key] for key in ("op", "pk", "sk")} == {
        "op": "create",
        "pk": PK,
        "sk": SK,
    }


# --- what it imports ------------------------------------------------------------------

PROBE = textwrap.dedent(
    """
    import json, sys
    import lvrgd.common.services
    seen = {"package": {name: name in sys.modules for name in ("anyio", "httpx")}}
    import anyio
    from lvrgd.common.services import AsyncInMemoryKeyValueStore, KeyValueItem, LoggingService

    class Note(KeyValueItem, entity="probe.Note"):
        text: str

    async def main():
        async with AsyncInMemoryKeyValueStore(LoggingService("probe")) as store:
            await store.create(Note(pk="p", sk="s", text="t"))
            await store.query_by_pk("p", Note)

    anyio.run(main)
    seen["twin"] = {name: name in sys.modules for name in ("boto3", "botocore", "httpx")}
    print(json.dumps(seen))
    """
)


def test_the_async_twin_imports_no_boto3_botocore_or_httpx_and_the_package_no_anyio() -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "package": {"anyio": False, "httpx": False},
        "twin": {"boto3": False, "botocore": False, "httpx": False},
    }
