"""What only the async form promises: concurrency, cancellation, the async blocks.

Every case runs on the backend's AsyncKeyValueStore (the kit's ``async_kvstore``),
on asyncio and on trio. A cancelled call leaves the store usable; a cancelled write
may or may not have been applied, but never in part. Many tasks share one store, and
what races is decided by the engine's conditions, as between threads.
"""

from collections.abc import Awaitable, Callable
from functools import partial

import anyio
import pytest

from lvrgd.common.services.kvstore import (
    AsyncKeyValueStore,
    ItemAlreadyExistsError,
    StoreClosedError,
    VersionConflictError,
    VersionedItem,
)

from .models import Customer

PK = "customer#1"
SK = "profile"

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"], scope="module")
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every case on both event loops anyio drives."""
    return str(request.param)


class Document(VersionedItem, entity="contracts.test_async_only.Document"):
    """A document many tasks edit."""

    title: str


class _BoomError(Exception):
    """Raised inside an ``async with`` block to see what the store does then."""


def _customer(sk: str = SK, name: str = "Ada") -> Customer:
    return Customer(pk=PK, sk=sk, name=name)


async def _outcomes(calls: list[Callable[[], Awaitable[None]]]) -> list[BaseException | None]:
    """Run `calls` as concurrent tasks; what each raised (None when it returned)."""
    outcomes: list[BaseException | None] = [None] * len(calls)

    async def run(index: int) -> None:
        try:
            await calls[index]()
        except Exception as exc:  # noqa: BLE001 - the case looks at each outcome
            outcomes[index] = exc

    async with anyio.create_task_group() as tasks:
        for index in range(len(calls)):
            tasks.start_soon(run, index)
    return outcomes


# --- many tasks on one store --------------------------------------------------------------


async def test_200_concurrent_creates_of_distinct_keys_all_succeed(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    customers = [_customer(f"c#{n:03d}", f"name {n}") for n in range(200)]

    outcomes = await _outcomes([partial(async_kvstore.create, c) for c in customers])

    assert outcomes == [None] * 200
    assert await async_kvstore.query_by_pk(PK, Customer) == customers


async def test_50_concurrent_creates_of_one_key_one_succeeds_49_already_exist(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    names = [f"writer {n}" for n in range(50)]

    outcomes = await _outcomes([partial(async_kvstore.create, _customer(name=n)) for n in names])

    winners = [names[i] for i, outcome in enumerate(outcomes) if outcome is None]
    assert len(winners) == 1
    assert all(type(o) is ItemAlreadyExistsError for o in outcomes if o is not None)
    stored = await async_kvstore.get_one(PK, SK, Customer)
    assert stored is not None
    assert stored.name == winners[0]


@pytest.mark.serial_updates  # one winner only if updates of one item apply in turn
async def test_50_concurrent_versioned_updates_from_one_version_have_one_winner(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    await async_kvstore.create(Document(pk=PK, sk=SK, title="draft"))
    edits = [Document(pk=PK, sk=SK, title=f"edit {n}", version=1) for n in range(50)]

    outcomes = await _outcomes([partial(async_kvstore.update, e) for e in edits])

    winners = [edits[i] for i, outcome in enumerate(outcomes) if outcome is None]
    assert len(winners) == 1
    assert all(type(o) is VersionConflictError for o in outcomes if o is not None)
    stored = await async_kvstore.get_one(PK, SK, Document)
    assert stored is not None
    assert (stored.title, stored.version) == (winners[0].title, 2)


# --- cancellation -------------------------------------------------------------------------


async def test_a_call_cancelled_before_it_starts_raises_nothing_and_leaves_the_store_usable(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    with anyio.CancelScope() as scope:
        scope.cancel()
        await async_kvstore.create(_customer())

    assert scope.cancelled_caught
    stored = await async_kvstore.get_one(PK, SK, Customer)
    assert stored in (None, _customer())  # a cancelled write may have been applied, not in part
    await async_kvstore.create(_customer("other"))
    assert await async_kvstore.get_one(PK, "other", Customer) == _customer("other")


async def test_writes_cancelled_in_flight_are_whole_or_absent_and_the_store_stays_usable(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    customers = [_customer(f"c#{n:02d}") for n in range(20)]

    async with anyio.create_task_group() as tasks:
        for customer in customers:
            tasks.start_soon(async_kvstore.create, customer)
        for _ in range(3):  # let the calls get under way, then cancel them all
            await anyio.lowlevel.checkpoint()
        tasks.cancel_scope.cancel()

    stored = await async_kvstore.query_by_pk(PK, Customer)
    assert all(customer in customers for customer in stored)
    await async_kvstore.put_many(customers)
    assert await async_kvstore.query_by_pk(PK, Customer) == customers
    assert await async_kvstore.ping() is True


async def test_a_read_cancelled_by_a_timeout_leaves_the_store_usable(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    await async_kvstore.create(_customer())

    with anyio.move_on_after(0):
        await async_kvstore.get_one(PK, SK, Customer)

    assert await async_kvstore.get_one(PK, SK, Customer) == _customer()


# --- transactions -------------------------------------------------------------------------


@pytest.mark.transactions
async def test_async_transaction_commits_on_a_clean_exit(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    async with async_kvstore.transaction() as tx:
        tx.create(_customer("a"))
        tx.create(_customer("b"))
        assert await async_kvstore.get_one(PK, "a", Customer) is None  # nothing before the exit

    assert await async_kvstore.query_by_pk(PK, Customer) == [_customer("a"), _customer("b")]


@pytest.mark.transactions
async def test_async_transaction_block_that_raises_commits_nothing_and_lets_it_through(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    async def create_then_raise() -> None:
        async with async_kvstore.transaction() as tx:
            tx.create(_customer("a"))
            raise _BoomError

    with pytest.raises(_BoomError):
        await create_then_raise()

    assert await async_kvstore.query_by_pk(PK, Customer) == []


# --- closing ------------------------------------------------------------------------------


async def test_aclose_is_idempotent_and_later_calls_raise_store_closed(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    await async_kvstore.create(_customer())

    await async_kvstore.aclose()
    await async_kvstore.aclose()

    with pytest.raises(StoreClosedError, match="get_one"):
        await async_kvstore.get_one(PK, SK, Customer)
    with pytest.raises(StoreClosedError, match="create"):
        await async_kvstore.create(_customer("other"))
    assert await async_kvstore.ping() is False


async def test_async_with_closes_the_store_on_exit(async_kvstore: AsyncKeyValueStore) -> None:
    async with async_kvstore as store:
        await store.create(_customer())

    with pytest.raises(StoreClosedError):
        await async_kvstore.get_one(PK, SK, Customer)


async def test_async_with_closes_the_store_on_an_exception_and_lets_it_through(
    async_kvstore: AsyncKeyValueStore,
) -> None:
    with pytest.raises(_BoomError):
        async with async_kvstore:
            raise _BoomError

    with pytest.raises(StoreClosedError):
        await async_kvstore.delete(PK, SK)
