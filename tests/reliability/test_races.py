"""16 threads sharing one store: creates, updates, deletes, transfers and queries on few keys.

Every thread records what succeeded. Afterwards the store must be explained by some
serial order of exactly those successes:

- per key, successful creates and deletes alternate (both are conditional), so
  creates - deletes is 1 if the item is there at the end and 0 if not: one winner
  per create of a key;
- the item there at the end was made by a successful create, its ``log`` holds
  successful updates of that key in version order (update i was read at version i),
  and its version is 1 + len(log);
- transfers move one unit between two accounts in a transaction: the total never
  changes, and each account moved by exactly the successful transfers;
- every failure is the port's error that the race explains (the key was taken, gone,
  or at another version; the transaction was canceled), and counts add up.

The same workload runs on one DynamoDBService (on the engine) and on one
InMemoryKeyValueStore.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import Field

from lvrgd.common.services import (
    DynamoDBService,
    InMemoryKeyValueStore,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStore,
    KeyValueStoreError,
    TransactionCanceledError,
    VersionConflictError,
    VersionedItem,
)

from ._figures import FIGURES
from .conftest import SilentLogger

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from lvrgd.common.services import DynamoDBConfig

    from ._profile import Profile

THREADS = 16
PK = "race"
SLOTS = tuple(f"slot#{index}" for index in range(6))
ACCOUNTS = ("bank#a", "bank#b")
OPENING_BALANCE = 1_000_000
JOIN_TIMEOUT_S = 600
WEIGHTS = {"create": 25, "update": 30, "delete": 15, "transfer": 10, "query": 15, "page": 5}


class Slot(VersionedItem):
    """An item many threads create, update and delete."""

    epoch: str
    """Which create made this incarnation (the thread and its step)."""
    log: list[str] = Field(default_factory=list)
    """The updates applied to it, in order."""


class Account(VersionedItem, entity="tests.reliability.test_races.Account"):
    """One side of the transfers."""

    balance: int


@dataclass
class Journal:
    """What one thread did and saw."""

    creates: list[tuple[str, str]] = field(default_factory=list)
    """(sk, epoch) of each successful create."""
    updates: dict[str, tuple[str, int]] = field(default_factory=dict)
    """op id -> (sk, the version it was read at) of each successful update."""
    deletes: list[str] = field(default_factory=list)
    transfers: list[tuple[str, str]] = field(default_factory=list)
    """(from, to) of each committed transfer."""
    outcomes: Counter[str] = field(default_factory=Counter)
    """'<op>:<outcome>' for every operation tried."""
    anomalies: list[str] = field(default_factory=list)


def _create(store: KeyValueStore, journal: Journal, sk: str, op: str) -> str:
    try:
        store.create(Slot(pk=PK, sk=sk, epoch=op))
    except ItemAlreadyExistsError:
        return "taken"
    journal.creates.append((sk, op))
    return "ok"


def _update(store: KeyValueStore, journal: Journal, sk: str, op: str) -> str:
    slot = store.get_one(PK, sk, Slot)
    if slot is None:
        return "absent"
    read_at = slot.version
    slot.log.append(op)
    try:
        store.update(slot)
    except VersionConflictError:
        return "conflict"
    except ItemNotFoundError:
        return "gone"
    journal.updates[op] = (sk, read_at)
    return "ok"


def _delete(store: KeyValueStore, journal: Journal, sk: str, op: str) -> str:
    try:
        store.delete(PK, sk)
    except ItemNotFoundError:
        return "absent"
    journal.deletes.append(sk)
    return "ok"


def _transfer(store: KeyValueStore, journal: Journal, rng: random.Random) -> str:
    source, target = rng.sample(ACCOUNTS, 2)
    paying, receiving = store.get_one(PK, source, Account), store.get_one(PK, target, Account)
    if paying is None or receiving is None:
        journal.anomalies.append("an account vanished")
        return "missing"
    paying.balance -= 1
    receiving.balance += 1
    try:
        with store.transaction() as tx:
            tx.update(paying)
            tx.update(receiving)
    except TransactionCanceledError as exc:
        if not all(_expected_reason(reason) for reason in exc.reasons):
            journal.anomalies.append(f"transfer canceled for {exc.reasons!r}")
        return "canceled"
    journal.transfers.append((source, target))
    return "ok"


def _expected_reason(reason: KeyValueStoreError | None) -> bool:
    """A race explains no reason, a stale version, or DynamoDB's TransactionConflict."""
    return (
        reason is None
        or isinstance(reason, VersionConflictError)
        or "TransactionConflict" in str(reason)
    )


def _check_slot(slot: Slot, where: str) -> str | None:
    if slot.version != 1 + len(slot.log) or len(set(slot.log)) != len(slot.log):
        return f"{where}: {slot.sk} at version {slot.version} holds log {slot.log}"
    return None


def _query(store: KeyValueStore, journal: Journal) -> str:
    slots = store.query_by_pk(PK, Slot, begins_with="slot#")
    keys = [slot.sk for slot in slots]
    if keys != sorted(set(keys)) or not set(keys) <= set(SLOTS):
        journal.anomalies.append(f"query gave keys {keys}")
    journal.anomalies.extend(a for a in (_check_slot(s, "query") for s in slots) if a)
    return "ok"


def _pages(store: KeyValueStore, journal: Journal) -> str:
    keys: list[str] = []
    cursor: str | None = None
    while True:
        page = store.query_page(PK, Slot, begins_with="slot#", page_size=2, cursor=cursor)
        keys.extend(slot.sk for slot in page.items)
        journal.anomalies.extend(a for a in (_check_slot(s, "page") for s in page.items) if a)
        cursor = page.cursor
        if cursor is None:
            break
    if keys != sorted(set(keys)):  # pages resume past the last key: strictly ascending
        journal.anomalies.append(f"pages gave keys {keys}")
    return "ok"


def _work(store: KeyValueStore, thread: int, steps: int, journal: Journal) -> None:
    rng = random.Random(thread)  # noqa: S311 - a reproducible workload, not a secret
    kinds = list(WEIGHTS)
    for step in range(steps):
        kind = rng.choices(kinds, weights=list(WEIGHTS.values()))[0]
        sk, op = rng.choice(SLOTS), f"t{thread}.{step}"
        if kind == "create":
            outcome = _create(store, journal, sk, op)
        elif kind == "update":
            outcome = _update(store, journal, sk, op)
        elif kind == "delete":
            outcome = _delete(store, journal, sk, op)
        elif kind == "transfer":
            outcome = _transfer(store, journal, rng)
        elif kind == "query":
            outcome = _query(store, journal)
        else:
            outcome = _pages(store, journal)
        journal.outcomes[f"{kind}:{outcome}"] += 1


def _run_threads(store: KeyValueStore, steps: int) -> list[Journal]:
    journals = [Journal() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS, timeout=JOIN_TIMEOUT_S)
    errors: list[BaseException] = []

    def run(thread: int) -> None:
        try:
            barrier.wait()
            _work(store, thread, steps, journals[thread])
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == [], f"unexpected errors: {errors[:5]!r}"
    return journals


def _check_final_state(store: KeyValueStore, journals: list[Journal], steps: int) -> None:
    creates = [c for j in journals for c in j.creates]
    deletes = Counter(sk for j in journals for sk in j.deletes)
    updates = {op: done for j in journals for op, done in j.updates.items()}
    final = {slot.sk: slot for slot in store.query_by_pk(PK, Slot, begins_with="slot#")}
    for sk in SLOTS:
        made = sum(1 for key, _ in creates if key == sk)
        assert made - deletes[sk] == (1 if sk in final else 0), (sk, made, deletes[sk])
    for sk, slot in final.items():
        assert (sk, slot.epoch) in creates, f"{sk} made by no successful create: {slot.epoch}"
        assert _check_slot(slot, "final") is None, _check_slot(slot, "final")
        for version, op in enumerate(slot.log, start=1):
            assert updates.get(op) == (sk, version), f"{sk}: {op} is not update {version}"

    transfers = Counter(t for j in journals for t in j.transfers)
    balances = {acc.sk: acc.balance for acc in store.query_by_pk(PK, Account, begins_with="bank#")}
    assert sum(balances.values()) == OPENING_BALANCE * len(ACCOUNTS)
    for account in ACCOUNTS:
        moved = sum(n for (source, _), n in transfers.items() if source == account) - sum(
            n for (_, target), n in transfers.items() if target == account
        )
        assert balances[account] == OPENING_BALANCE - moved

    outcomes = sum((j.outcomes for j in journals), Counter[str]())
    assert sum(outcomes.values()) == THREADS * steps
    assert outcomes["create:ok"] == len(creates)
    assert outcomes["delete:ok"] == sum(deletes.values())
    assert outcomes["update:ok"] == len(updates)
    assert outcomes["transfer:ok"] == sum(transfers.values())
    anomalies = [a for j in journals for a in j.anomalies]
    assert anomalies == []


def _open_accounts(store: KeyValueStore) -> None:
    for account in ACCOUNTS:
        store.create(Account(pk=PK, sk=account, balance=OPENING_BALANCE))


def _record(name: str, journals: list[Journal]) -> None:
    outcomes = sum((j.outcomes for j in journals), Counter[str]())
    FIGURES.add(f"races.{name}.operations", sum(outcomes.values()))
    for outcome in (
        "create:ok",
        "create:taken",
        "update:ok",
        "update:conflict",
        "transfer:ok",
        "transfer:canceled",
    ):
        FIGURES.add(f"races.{name}.{outcome.replace(':', '.')}", outcomes[outcome])


@pytest.fixture
def fast_thread_switching() -> Iterator[None]:
    """Switch threads as often as possible, so interleavings actually happen."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("fast_thread_switching")
def test_memory_store_shared_by_16_threads_is_explained_by_a_serial_order(profile: Profile) -> None:
    steps = profile.race_ops_per_thread * 5  # the memory store is cheap: race it harder
    with InMemoryKeyValueStore(SilentLogger()) as memory:
        _open_accounts(memory)
        journals = _run_threads(memory, steps)
        _check_final_state(memory, journals, steps)
    _record("memory", journals)


def _count_attempts(service: DynamoDBService) -> Callable[[], tuple[int, int]]:
    """Count API calls and HTTP attempts of the service's client: their difference is retries."""
    calls, attempts = [0], [0]
    lock = threading.Lock()

    def on_call(**_: Any) -> None:
        with lock:
            calls[0] += 1

    def on_attempt(**_: Any) -> None:
        with lock:
            attempts[0] += 1

    events = service._client.meta.events
    events.register("before-call.dynamodb", on_call)
    events.register("request-created.dynamodb", on_attempt)
    return lambda: (calls[0], attempts[0])


def test_dynamodb_service_shared_by_16_threads_is_explained_by_a_serial_order(
    profile: Profile, new_table: Callable[..., DynamoDBConfig], caplog: pytest.LogCaptureFixture
) -> None:
    steps = profile.race_ops_per_thread
    config = new_table(max_pool_connections=THREADS, read_timeout=30.0)
    caplog.set_level(logging.WARNING, logger="urllib3")
    with DynamoDBService(SilentLogger(), config) as service:
        counts = _count_attempts(service)
        _open_accounts(service)
        journals = _run_threads(service, steps)
        _check_final_state(service, journals, steps)
        calls, attempts = counts()
    _record("dynamodb", journals)
    FIGURES.add("races.dynamodb.http_calls", calls)
    FIGURES.add("races.dynamodb.retries", attempts - calls)
    pool_full = [r for r in caplog.records if "pool is full" in r.getMessage()]
    assert pool_full == [], "the connection pool is smaller than the threads sharing it"


CLOSING_THREADS = 8


@pytest.mark.parametrize("adapter", ["memory", "dynamodb"])
def test_close_while_threads_call_ends_every_call_cleanly(
    adapter: str, new_table: Callable[..., DynamoDBConfig]
) -> None:
    """Calls racing a close() finish, or raise the port's errors (StoreClosedError)."""
    shared: KeyValueStore = (
        InMemoryKeyValueStore(SilentLogger())
        if adapter == "memory"
        else DynamoDBService(SilentLogger(), new_table(max_pool_connections=CLOSING_THREADS))
    )
    shared.create(Slot(pk=PK, sk="closing", epoch="e"))
    stop = threading.Event()
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def call(thread: int) -> None:
        while not stop.is_set():
            try:
                if thread % 2:
                    shared.get_one(PK, "closing", Slot)
                else:
                    shared.put_many([KeyValueItem(pk=PK, sk=f"c{thread}.{i}") for i in range(30)])
                outcome = "ok"
            except KeyValueStoreError as exc:
                outcome = type(exc).__name__
            except Exception as exc:  # noqa: BLE001 - counted: the test fails on it
                outcome = f"untyped {type(exc).__name__}: {exc}"
            with lock:
                outcomes[outcome] += 1

    threads = [
        threading.Thread(target=call, args=(i,), daemon=True) for i in range(CLOSING_THREADS)
    ]
    for thread in threads:
        thread.start()
    stop.wait(0.3)
    shared.close()
    stop.wait(0.2)
    stop.set()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
    assert outcomes["ok"] > 0
    assert outcomes["StoreClosedError"] > 0
    assert set(outcomes) <= {"ok", "StoreClosedError", "KeyValueStoreError"}, outcomes
    assert shared.ping() is False


@pytest.mark.parametrize("adapter", ["memory", "dynamodb"])
def test_versioned_update_cannot_tell_a_recreated_item_from_the_one_it_read(
    adapter: str, new_table: Callable[..., DynamoDBConfig]
) -> None:
    """A documented limit (ABA): versions restart at 1 when an item is deleted and created again.

    A copy read before the delete, still at version 1, updates the new item as if it
    were the old one. Optimistic locking orders updates of one item's life, not of a key.
    """
    opened: KeyValueStore = (
        InMemoryKeyValueStore(SilentLogger())
        if adapter == "memory"
        else DynamoDBService(SilentLogger(), new_table())
    )
    with opened as store:
        store.create(Slot(pk=PK, sk="aba", epoch="first"))
        stale = store.get_one(PK, "aba", Slot)
        assert stale is not None
        store.delete(PK, "aba")
        store.create(Slot(pk=PK, sk="aba", epoch="second"))
        stale.log.append("late")
        store.update(stale)  # no VersionConflictError: the new item is at version 1 too
        final = store.get_one(PK, "aba", Slot)
    assert final is not None
    assert (final.epoch, final.version) == ("first", 2)
