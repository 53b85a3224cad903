"""InMemoryKeyValueStore under threads: optimistic locking and atomic transactions.

Two writers of one VersionedItem: exactly one wins each version and no update is lost.
Transactions on 8 threads: each applies as a whole, so a reader never sees half of one.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING
from unittest.mock import Mock

import pytest
from pydantic import Field

from lvrgd.common.services.kvstore import (
    ItemAlreadyExistsError,
    KeyValueItem,
    KeyValueStoreError,
    TransactionCanceledError,
    VersionConflictError,
    VersionedItem,
)
from lvrgd.common.services.logging import LoggingService
from lvrgd.common.services.memory import InMemoryKeyValueStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

PK = "p"
JOIN_TIMEOUT_S = 60


class Journal(VersionedItem):
    """An item two writers append to."""

    entries: list[str] = Field(default_factory=list)


class Counter(VersionedItem, entity="tests.memory.test_concurrency.Counter"):
    """One side of a transfer."""

    value: int


class Claim(KeyValueItem):
    """An item a transaction creates, naming the thread that ran it."""

    writer: int


@pytest.fixture
def memory_store() -> Iterator[InMemoryKeyValueStore]:
    with InMemoryKeyValueStore(Mock(spec=LoggingService)) as opened:
        yield opened


@pytest.fixture(autouse=True)
def fast_thread_switching() -> Iterator[None]:
    """Switch threads as often as possible, so interleavings actually happen."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _run_together(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(i)` on `count` threads released at once; the exceptions they raised."""
    barrier = threading.Barrier(count, timeout=JOIN_TIMEOUT_S)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads)
    return failures


def _journal(store: InMemoryKeyValueStore) -> Journal:
    journal = store.get_one(PK, "journal", Journal)
    assert journal is not None
    return journal


# --- optimistic locking -------------------------------------------------------------------


def test_versioned_update_two_threads_at_one_version_exactly_one_wins_each_round(
    memory_store: InMemoryKeyValueStore,
) -> None:
    memory_store.create(Journal(pk=PK, sk="journal"))
    rounds = 300
    both_read = threading.Barrier(2, timeout=JOIN_TIMEOUT_S)
    both_tried = threading.Barrier(2, timeout=JOIN_TIMEOUT_S)
    outcomes: dict[int, dict[int, tuple[int, bool]]] = {r: {} for r in range(rounds)}

    def write(writer: int) -> None:
        for round_ in range(rounds):
            journal = _journal(memory_store)
            read_at = journal.version
            both_read.wait()
            journal.entries.append(f"{writer}:{round_}")
            try:
                memory_store.update(journal)
            except VersionConflictError:
                outcomes[round_][writer] = (read_at, False)
            else:
                outcomes[round_][writer] = (read_at, True)
            both_tried.wait()

    assert _run_together(2, write) == []

    for round_, by_writer in outcomes.items():
        assert {read_at for read_at, _ in by_writer.values()} == {round_ + 1}
        assert sorted(won for _, won in by_writer.values()) == [False, True], round_
    winners = [next(w for w, (_, won) in outcomes[r].items() if won) for r in range(rounds)]
    final = _journal(memory_store)
    assert final.version == 1 + rounds
    assert final.entries == [f"{winner}:{round_}" for round_, winner in enumerate(winners)]


def test_versioned_update_two_threads_retrying_on_conflict_lose_no_update(
    memory_store: InMemoryKeyValueStore,
) -> None:
    memory_store.create(Journal(pk=PK, sk="journal"))
    appends = 400
    won: list[tuple[int, str]] = []  # (version the winning update was read at, entry)

    def write(writer: int) -> None:
        for count in range(appends):
            entry = f"{writer}:{count}"
            while True:
                journal = _journal(memory_store)
                read_at = journal.version
                journal.entries.append(entry)
                try:
                    memory_store.update(journal)
                except VersionConflictError:
                    continue
                assert journal.version == read_at + 1
                won.append((read_at, entry))
                break

    assert _run_together(2, write) == []

    final = _journal(memory_store)
    assert sorted(read_at for read_at, _ in won) == list(range(1, 2 * appends + 1))
    assert final.version == 1 + len(won) == 1 + 2 * appends
    assert final.entries == [entry for _, entry in sorted(won)]
    for writer in (0, 1):
        mine = [entry for entry in final.entries if entry.startswith(f"{writer}:")]
        assert mine == [f"{writer}:{count}" for count in range(appends)]


# --- transactions -------------------------------------------------------------------------

THREADS = 8
TOTAL = 8_000


def test_transaction_transfers_on_8_threads_never_change_the_sum_seen_by_readers(
    memory_store: InMemoryKeyValueStore,
) -> None:
    memory_store.create(Counter(pk=PK, sk="a", value=TOTAL // 2))
    memory_store.create(Counter(pk=PK, sk="b", value=TOTAL // 2))
    transfers = 60
    moved = [0] * THREADS
    committed = [0] * THREADS
    writers_done = threading.Event()
    snapshots: list[tuple[int, int, int, int]] = []
    other_reasons: list[KeyValueStoreError] = []

    def transfer(writer: int) -> None:
        amount = writer + 1 if writer % 2 else -(writer + 1)
        for _ in range(transfers):
            while True:
                a, b = (
                    memory_store.get_one(PK, "a", Counter),
                    memory_store.get_one(PK, "b", Counter),
                )
                assert a is not None
                assert b is not None
                a.value, b.value = a.value - amount, b.value + amount
                try:
                    with memory_store.transaction() as tx:
                        tx.update(a)
                        tx.update(b)
                except TransactionCanceledError as canceled:
                    other_reasons.extend(
                        reason
                        for reason in canceled.reasons
                        if reason is not None and not isinstance(reason, VersionConflictError)
                    )
                    continue
                moved[writer] += amount
                committed[writer] += 1
                break

    def read() -> None:
        while not writers_done.is_set():
            a, b = memory_store.get_many([(PK, "a"), (PK, "b")], Counter)
            snapshots.append((a.value, b.value, a.version, b.version))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        failures = _run_together(THREADS, transfer)
    finally:
        writers_done.set()
        reader.join(timeout=JOIN_TIMEOUT_S)

    assert (failures, other_reasons) == ([], [])
    assert snapshots
    torn = [s for s in snapshots if s[0] + s[1] != TOTAL or s[2] != s[3]]
    assert torn == [], f"{len(torn)} of {len(snapshots)} reads saw half a transaction"
    a, b = memory_store.get_many([(PK, "a"), (PK, "b")], Counter)
    assert committed == [transfers] * THREADS
    assert (a.version, b.version) == (1 + THREADS * transfers, 1 + THREADS * transfers)
    assert (a.value, b.value) == (TOTAL // 2 - sum(moved), TOTAL // 2 + sum(moved))


def _claim_slots(
    store: InMemoryKeyValueStore, partition: str
) -> tuple[list[int], dict[int, TransactionCanceledError]]:
    """Each thread creates 10 slots, overlapping others', in one transaction.

    Returns:
        The threads whose transaction committed, and the error of each other one.
    """
    committed: list[int] = []
    canceled: dict[int, TransactionCanceledError] = {}

    def claim(writer: int) -> None:
        try:
            with store.transaction() as tx:
                for slot in range(writer, writer + 10):
                    tx.create(Claim(pk=partition, sk=f"slot#{slot:02d}", writer=writer))
        except TransactionCanceledError as error:
            canceled[writer] = error
        else:
            committed.append(writer)

    assert _run_together(THREADS, claim) == []
    return committed, canceled


def test_transaction_overlapping_creates_on_8_threads_commit_whole_or_not_at_all(
    memory_store: InMemoryKeyValueStore,
) -> None:
    for round_ in range(40):
        partition = f"round#{round_}"

        committed, canceled = _claim_slots(memory_store, partition)

        stored = {item.sk: item.writer for item in memory_store.query_by_pk(partition, Claim)}
        assert committed, round_
        assert sorted(committed + list(canceled)) == list(range(THREADS))
        for writer in committed:
            assert all(stored[f"slot#{s:02d}"] == writer for s in range(writer, writer + 10))
        assert set(stored.values()) == set(committed)
        assert len(stored) == 10 * len(committed)
        for error in canceled.values():
            assert len(error.reasons) == 10
            assert any(isinstance(reason, ItemAlreadyExistsError) for reason in error.reasons)
