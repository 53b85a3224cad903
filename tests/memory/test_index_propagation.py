"""The in-memory twin's global-index lag: ``index_propagation`` "manual" and "random".

"manual" holds every global-index change until ``propagate_indexes()``; "random"
applies each change after a number of later operations drawn from the seed, so that
two runs of one seed see the same thing. Whatever the mode, a global index shows of
each item a state the item really had, one item's states in the order it had them,
and local indexes and get_one are current at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from lvrgd.common.services import IndexSpec
from lvrgd.common.services.kvstore import KeyValueItem
from lvrgd.common.services.logging import LoggingService
from lvrgd.common.services.memory import InMemoryKeyValueStore

if TYPE_CHECKING:
    from collections.abc import Callable

QUEUE = "queue#1"
OTHER_QUEUE = "queue#2"


class Task(KeyValueItem, entity="tests.memory.test_index_propagation.Task"):
    title: str
    version: int = 0
    queue: str | None = None
    due: str | None = None


class TaskKeys(KeyValueItem, entity=Task):
    queue: str
    due: str


INDEXES = (
    IndexSpec(name="by_queue", pk="queue", sk="due"),
    IndexSpec(name="keys_by_queue", pk="queue", sk="due", projection="keys_only"),
    IndexSpec(name="local_due", pk="pk", sk="due", local=True),
)


def _store(mode: str = "manual", seed: int | None = None) -> InMemoryKeyValueStore:
    return InMemoryKeyValueStore(
        LoggingService("test_index_propagation"),
        indexes=INDEXES,
        index_propagation=mode,  # type: ignore[arg-type]
        seed=seed,
    )


def _task(n: int, *, version: int = 0, queue: str | None = QUEUE, due: str | None = None) -> Task:
    return Task(
        pk=f"task#{n:02d}",
        sk="task",
        title=f"Task {n} v{version}",
        version=version,
        queue=queue,
        due=due if due is not None else f"due#{n:02d}",
    )


def _queue(store: InMemoryKeyValueStore, queue: str = QUEUE) -> list[Task]:
    return store.query_by_pk(queue, Task, index="by_queue")


# --- manual --------------------------------------------------------------------------------


def test_manual_new_item_is_absent_from_a_global_index_until_propagated() -> None:
    store = _store()
    task = _task(1)

    store.create(task)

    assert _queue(store) == []
    assert store.query_by_pk(QUEUE, TaskKeys, index="keys_by_queue") == []
    assert store.query_page(QUEUE, Task, index="by_queue").items == []
    assert store.propagate_indexes() > 0
    assert _queue(store) == [task]
    assert store.query_by_pk(QUEUE, TaskKeys, index="keys_by_queue") == [
        TaskKeys(pk=task.pk, sk=task.sk, queue=QUEUE, due="due#01")
    ]
    assert store.propagate_indexes() == 0


def test_manual_local_index_and_get_one_are_current_at_once() -> None:
    store = _store()
    task = _task(1)

    store.create(task)

    assert store.get_one(task.pk, task.sk, Task) == task
    assert store.query_by_pk(task.pk, Task, index="local_due") == [task]
    assert store.query_by_pk(task.pk, Task, index="local_due", consistent=True) == [task]
    assert store.query_by_pk(task.pk, Task) == [task]
    assert _queue(store) == []

    moved = task.model_copy(update={"due": "due#09", "title": "Moved"})
    store.update(moved)

    assert store.get_one(task.pk, task.sk, Task) == moved
    assert store.query_by_pk(task.pk, Task, index="local_due", equals="due#09") == [moved]
    store.delete(task.pk, task.sk)
    assert store.query_by_pk(task.pk, Task, index="local_due") == []


def test_manual_deleted_item_stays_in_a_global_index_with_its_old_projection() -> None:
    store = _store()
    kept, deleted = _task(1), _task(2)
    store.create(kept)
    store.create(deleted)
    store.propagate_indexes()

    store.delete(deleted.pk, deleted.sk)

    assert store.get_one(deleted.pk, deleted.sk, Task) is None
    assert _queue(store) == [kept, deleted]
    assert store.query_by_pk(QUEUE, Task, index="keys_by_queue", hydrate=True) == [kept]
    store.propagate_indexes()
    assert _queue(store) == [kept]


def test_manual_update_shows_the_old_projection_until_propagated() -> None:
    store = _store()
    task = _task(1)
    store.create(task)
    store.propagate_indexes()

    renamed = task.model_copy(update={"title": "Renamed", "version": 1})
    store.update(renamed)

    assert _queue(store) == [task]
    assert store.query_by_pk(QUEUE, Task, index="keys_by_queue", hydrate=True) == [renamed]
    store.propagate_indexes()
    assert _queue(store) == [renamed]


def test_manual_update_of_index_keys_leaves_the_item_at_its_old_place_until_propagated() -> None:
    store = _store()
    task = _task(1)
    store.create(task)
    store.propagate_indexes()

    moved = task.model_copy(update={"queue": OTHER_QUEUE, "due": "due#05"})
    store.update(moved)

    assert _queue(store) == [task]
    assert _queue(store, OTHER_QUEUE) == []
    store.propagate_indexes()
    assert _queue(store) == []
    assert _queue(store, OTHER_QUEUE) == [moved]


def test_manual_put_many_and_transaction_wait_for_propagation_too() -> None:
    store = _store()
    batch = [_task(n) for n in range(3)]

    store.put_many(batch)
    with store.transaction() as tx:
        tx.create(_task(5))
        tx.delete(batch[0].pk, batch[0].sk)

    assert _queue(store) == []
    store.propagate_indexes()
    assert _queue(store) == [batch[1], batch[2], _task(5)]


def test_immediate_shows_every_write_at_once() -> None:
    store = _store("immediate")
    task = _task(1)

    store.create(task)

    assert _queue(store) == [task]
    assert store.propagate_indexes() == 0


def test_unknown_propagation_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="index_propagation"):
        _store("eventually")


# --- random --------------------------------------------------------------------------------


Snapshot = list[tuple[str, str, str, int]]


def _snapshot(store: InMemoryKeyValueStore) -> Snapshot:
    """What both queues of the global index show: (queue, pk, due, version) per entry."""
    return [
        (task.queue or "", task.pk, task.due or "", task.version)
        for queue in (QUEUE, OTHER_QUEUE)
        for task in _queue(store, queue)
    ]


def _workload(store: InMemoryKeyValueStore, seen: Callable[[], None]) -> None:
    """Creates, updates (keys and values together) and deletes, looking after each."""
    for n in range(6):
        store.create(_task(n))
        seen()
    for version in range(1, 13):
        n = version % 6
        queue = OTHER_QUEUE if version % 4 == 0 else QUEUE
        store.update(_task(n, version=version, queue=queue, due=f"due#{version:02d}"))
        seen()
    for n in (1, 4):
        store.delete(f"task#{n:02d}", "task")
        seen()


@pytest.mark.parametrize("seed", [0, 1, 7, 2026])
def test_random_same_seed_replays_the_same_visible_sequence(seed: int) -> None:
    runs: list[list[Snapshot]] = []
    for _ in range(2):
        store = _store("random", seed)
        seen: list[Snapshot] = []

        def look(store: InMemoryKeyValueStore = store, seen: list[Snapshot] = seen) -> None:
            seen.append(_snapshot(store))

        _workload(store, look)
        runs.append(seen)

    assert runs[0] == runs[1]


def test_random_lags_some_changes_and_propagate_shows_the_table() -> None:
    store = _store("random", 3)
    lagged = 0

    def seen() -> None:
        nonlocal lagged
        shown = sorted(_snapshot(store))  # first: each read lets waiting changes show
        table = sorted(
            (t.queue or "", t.pk, t.due or "", t.version)
            for n in range(6)
            if (t := store.get_one(f"task#{n:02d}", "task", Task)) is not None
        )
        lagged += shown != table

    _workload(store, seen)
    store.propagate_indexes()

    assert lagged > 0
    assert store.propagate_indexes() == 0
    expected = [store.get_one(f"task#{n:02d}", "task", Task) for n in (0, 2, 3, 5)]
    got = _queue(store) + _queue(store, OTHER_QUEUE)
    assert sorted(got, key=lambda task: task.pk) == expected


@pytest.mark.parametrize("seed", range(8))
def test_random_shows_only_states_items_had_each_item_in_order(seed: int) -> None:
    store = _store("random", seed)
    had: dict[str, list[Task]] = {}
    last_version: dict[str, int] = {}
    problems: list[str] = []
    stale = 0

    def record(task: Task) -> None:
        had.setdefault(task.pk, []).append(task)

    def seen() -> None:
        nonlocal stale
        # Two reads, one after the other: an item may move between them.
        shown = []
        for queue in (QUEUE, OTHER_QUEUE):
            read = _queue(store, queue)
            pks = [task.pk for task in read]
            if len(pks) != len(set(pks)):
                problems.append(f"an item shown twice in {queue}: {pks}")
            shown.extend(read)
        for task in shown:
            if task not in had.get(task.pk, []):
                problems.append(f"{task!r} is a state {task.pk} never had")
            if task.version < last_version.get(task.pk, 0):
                problems.append(f"{task.pk} went back to version {task.version}")
            last_version[task.pk] = task.version
            stale += task != had[task.pk][-1]

    for n in range(4):
        task = _task(n)
        record(task)
        store.create(task)
        seen()
    for version in range(1, 25):
        n = version % 4
        queue = OTHER_QUEUE if version % 3 == 0 else QUEUE
        task = _task(n, version=version, queue=queue, due=f"due#{(7 * version) % 10:02d}")
        record(task)
        store.update(task)
        seen()

    assert problems == []
    assert stale > 0  # the index did lag behind the table
