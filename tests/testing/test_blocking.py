"""The sync facade of an async store: the contract suite's way onto the async form.

BlockingKeyValueStore knows nothing of the store it drives: each call runs the async
store's coroutine on a loop in another thread and hands back its result or its error,
the very object. AsyncForm makes a backend's async stores a backend of their own.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from unittest.mock import Mock

import pytest
from anyio.from_thread import start_blocking_portal

from lvrgd.common.services import (
    AsyncInMemoryKeyValueStore,
    ItemAlreadyExistsError,
    KeyValueItem,
    KeyValueStore,
    LoggingService,
    StoreClosedError,
    TransactionCanceledError,
)
from lvrgd.common.services.testing.adapters import harness_for
from lvrgd.common.services.testing.adapters._blocking import AsyncForm, BlockingKeyValueStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from anyio.from_thread import BlockingPortal


class Note(KeyValueItem, entity="tests.blocking.Note"):
    text: str = ""


@pytest.fixture
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal("asyncio") as running:
        yield running


@pytest.fixture
def twin() -> AsyncInMemoryKeyValueStore:
    return AsyncInMemoryKeyValueStore(Mock(spec=LoggingService))


def test_facade_is_a_key_value_store_running_each_call_on_the_loop(
    twin: AsyncInMemoryKeyValueStore, portal: BlockingPortal
) -> None:
    loop_threads: set[int] = set()
    answer = twin._answer

    async def recording(call: object) -> object:
        loop_threads.add(threading.get_ident())
        return await answer(call)  # type: ignore[arg-type]

    twin._answer = recording  # type: ignore[method-assign]
    store = BlockingKeyValueStore(twin, portal)

    store.create(Note(pk="p", sk="s", text="t"))

    assert isinstance(store, KeyValueStore)
    assert store.get_one("p", "s", Note) == Note(pk="p", sk="s", text="t")
    assert loop_threads
    assert threading.get_ident() not in loop_threads


def test_facade_raises_the_async_store_s_own_error(
    twin: AsyncInMemoryKeyValueStore, portal: BlockingPortal
) -> None:
    store = BlockingKeyValueStore(twin, portal)
    store.create(Note(pk="p", sk="s"))

    with pytest.raises(ItemAlreadyExistsError) as caught:
        store.create(Note(pk="p", sk="s"))

    assert (caught.value.pk, caught.value.sk, caught.value.item) == ("p", "s", Note(pk="p", sk="s"))


def test_facade_transaction_commits_on_exit_and_reports_the_reasons(
    twin: AsyncInMemoryKeyValueStore, portal: BlockingPortal
) -> None:
    store = BlockingKeyValueStore(twin, portal)
    with store.transaction() as tx:
        tx.create(Note(pk="p", sk="a"))

    with pytest.raises(TransactionCanceledError) as caught:
        _create_twice(store)

    assert [type(reason) for reason in caught.value.reasons] == [
        type(None),
        ItemAlreadyExistsError,
    ]
    assert [note.sk for note in store.query_by_pk("p", Note)] == ["a"]


def _create_twice(store: KeyValueStore) -> None:
    with store.transaction() as tx:
        tx.create(Note(pk="p", sk="b"))
        tx.create(Note(pk="p", sk="a"))


def test_facade_serves_many_threads_at_once(
    twin: AsyncInMemoryKeyValueStore, portal: BlockingPortal
) -> None:
    store = BlockingKeyValueStore(twin, portal)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: store.create(Note(pk="p", sk=f"{n:03d}")), range(64)))

    assert len(store.query_by_pk("p", Note)) == 64


def test_facade_close_is_the_async_store_s_aclose(
    twin: AsyncInMemoryKeyValueStore, portal: BlockingPortal
) -> None:
    with BlockingKeyValueStore(twin, portal) as store:
        store.create(Note(pk="p", sk="s"))

    assert store.ping() is False
    with pytest.raises(StoreClosedError):
        store.get_one("p", "s", Note)


def test_async_form_of_a_backend_is_named_after_it_and_lacks_what_it_lacks() -> None:
    form = harness_for("memory-async")
    inner = harness_for("memory")

    assert isinstance(form, AsyncForm)
    assert (form.name, form.lacks) == ("memory-async", inner.lacks)


def test_async_form_hands_out_fresh_stores_and_closes_them_on_release() -> None:
    form = harness_for("memory-async")
    form.start()
    try:
        first = form.new_store(Mock(spec=LoggingService))
        first.create(Note(pk="p", sk="s"))
        second = form.new_store(Mock(spec=LoggingService))
        assert second.get_one("p", "s", Note) is None
        form.release(first)
        assert first.ping() is False
    finally:
        form.stop()
