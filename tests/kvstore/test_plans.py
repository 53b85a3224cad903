"""Plans: the exact calls and sleeps of every multi-step operation, with no engine at all.

Each test runs a plan on a scripted engine that expects the calls in order, answers
each one (or raises the EngineError an engine would), and records the sleeps; the
plan's result or error is the operation's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from unittest.mock import Mock

import anyio
import pytest
from pydantic import model_validator

from lvrgd.common.services.conditions import where
from lvrgd.common.services.kvstore import (
    ConditionFailedError,
    InvalidItemError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStoreError,
    StoreUnavailableError,
    TransactionCanceledError,
    VersionConflictError,
    VersionedItem,
)
from lvrgd.common.services.kvstore import _plans as plans
from lvrgd.common.services.kvstore._attributes import encode_item
from lvrgd.common.services.kvstore._backoff import FIRST_DELAY_S, MAX_DELAY_S, Backoff
from lvrgd.common.services.kvstore._conditions import KeyQuery, key_query
from lvrgd.common.services.kvstore._core import StoreCore
from lvrgd.common.services.kvstore._patch import plan_patch
from lvrgd.common.services.kvstore._reads import DECODE_CHUNK
from lvrgd.common.services.kvstore._steps import (
    CHECKPOINT,
    CONDITION_FAILED,
    TRANSACTION_CANCELED,
    BatchRead,
    Call,
    EngineError,
    Op,
    Plan,
    Reason,
    Selected,
    Sleep,
    drive,
    drive_async,
)
from lvrgd.common.services.kvstore._transaction import Transaction
from lvrgd.common.services.kvstore._writes import (
    Update,
    plan_create,
    plan_delete,
    plan_update,
)
from lvrgd.common.services.logging import LoggingService
from tests._turns import turns_of_another_task

if TYPE_CHECKING:
    from collections.abc import Callable

    from typing_extensions import Self

    from lvrgd.common.services.kvstore._limits import Item

ENTITY = "_entity"
PK = "customer#1"


class Order(KeyValueItem, entity="tests.plans.Order"):
    total: Decimal = Decimal(1)


class Doc(VersionedItem, entity="tests.plans.Doc"):
    title: str = "t"


class Script:
    """An engine that expects exact calls, in order, and answers each as scripted."""

    def __init__(self, *steps: tuple[Call, object]) -> None:
        self._steps = list(steps)
        self.sleeps: list[float] = []

    def answer(self, call: Call) -> object:
        assert self._steps, f"a call past the script: {call}"
        expected, reply = self._steps.pop(0)
        assert call == expected
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def run(self, plan: Plan[Any]) -> Any:
        """The plan's result; every scripted call was made."""
        result = drive(plan, self.answer, self.sleeps.append)
        self.done()
        return result

    def done(self) -> None:
        assert self._steps == [], "scripted calls were never made"


def _stored(sk: str, **fields: Any) -> Item:
    return encode_item("t", Order(pk=PK, sk=sk, **fields), tag=(ENTITY, "tests.plans.Order"))


def _get(sk: str, *, consistent: bool | None = True) -> Call:
    return Call(Op.GET, {"pk": PK, "sk": sk, "consistent": consistent})


def _failed(item: Item | None = None, *, has_item: bool = True, attempts: int = 1) -> EngineError:
    cause = RuntimeError("the engine's own error")
    error = EngineError(CONDITION_FAILED, "failed", item=item, has_item=has_item, attempts=attempts)
    error.__cause__ = cause
    return error


class FixedTime:
    """A clock that moves only by the plan's sleeps (the test moves it), and full ceilings."""

    def __init__(self) -> None:
        self.now = 0.0

    def backoff(self, seconds: float) -> Backoff:
        return Backoff(seconds, clock=lambda: self.now, jitter=lambda: 1.0)


# --- the drivers ---------------------------------------------------------------------


def _two_steps() -> Plan[str]:
    first = yield Call(Op.GET, {"n": 1})
    yield Sleep(0.5)
    try:
        yield Call(Op.GET, {"n": 2})
    except EngineError as exc:
        return f"{first} then {exc.code}"
    return "no error"


def test_drive_sends_replies_sleeps_and_throws_engine_errors_into_the_plan() -> None:
    script = Script((Call(Op.GET, {"n": 1}), "one"), (Call(Op.GET, {"n": 2}), EngineError("X")))

    assert script.run(_two_steps()) == "one then X"
    assert script.sleeps == [0.5]


def test_drive_lets_any_other_error_of_the_engine_through() -> None:
    script = Script((Call(Op.GET, {"n": 1}), OSError("down")))

    with pytest.raises(OSError, match="down"):
        script.run(_two_steps())


def test_drive_async_takes_the_same_steps_with_awaits() -> None:
    script = Script((Call(Op.GET, {"n": 1}), "one"), (Call(Op.GET, {"n": 2}), EngineError("X")))
    slept: list[float] = []

    async def answer(call: Call) -> object:
        return script.answer(call)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    assert anyio.run(drive_async, _two_steps(), answer, sleep) == "one then X"
    assert slept == [0.5]
    script.done()


# --- writes --------------------------------------------------------------------------


def test_write_create_is_one_call() -> None:
    write = plan_create("create", Order(pk=PK, sk="a"), ENTITY)
    script = Script((Call(Op.WRITE, {"operation": "create", "write": write}), None))

    assert script.run(plans.write("create", write, ENTITY)) is None


def test_write_failed_create_with_the_item_met_raises_already_exists_reading_nothing() -> None:
    write = plan_create("create", Order(pk=PK, sk="a"), ENTITY)
    met = _stored("a", total=Decimal(5))
    failed = _failed(met)
    script = Script((Call(Op.WRITE, {"operation": "create", "write": write}), failed))

    with pytest.raises(ItemAlreadyExistsError) as caught:
        script.run(plans.write("create", write, ENTITY))

    assert caught.value.item == Order(pk=PK, sk="a", total=Decimal(5))
    assert caught.value.__cause__ is failed.__cause__


def test_write_failed_update_without_the_item_reads_it_strongly_consistent() -> None:
    write = plan_update("update", Order(pk=PK, sk="a"), ENTITY)
    script = Script(
        (Call(Op.WRITE, {"operation": "update", "write": write}), _failed(has_item=False)),
        (_get("a"), None),
    )

    with pytest.raises(ItemNotFoundError):
        script.run(plans.write("update", write, ENTITY))
    script.done()


def test_write_failed_versioned_update_raises_version_conflict_with_the_stored_item() -> None:
    write = plan_update("update", Doc(pk=PK, sk="d", version=1), ENTITY)
    newer = encode_item("t", Doc(pk=PK, sk="d", version=3), tag=(ENTITY, "tests.plans.Doc"))
    script = Script((Call(Op.WRITE, {"operation": "update", "write": write}), _failed(newer)))

    with pytest.raises(VersionConflictError) as caught:
        script.run(plans.write("update", write, ENTITY))

    assert caught.value.item == Doc(pk=PK, sk="d", version=3)


def test_write_resent_create_that_meets_its_own_item_succeeds() -> None:
    write = plan_create("create", Order(pk=PK, sk="a"), ENTITY)
    own = _failed(write.item, attempts=2)
    script = Script((Call(Op.WRITE, {"operation": "create", "write": write}), own))

    assert script.run(plans.write("create", write, ENTITY)) is None


def test_write_sent_once_that_meets_its_own_item_still_fails() -> None:
    write = plan_create("create", Order(pk=PK, sk="a"), ENTITY)
    script = Script((Call(Op.WRITE, {"operation": "create", "write": write}), _failed(write.item)))

    with pytest.raises(ItemAlreadyExistsError):
        script.run(plans.write("create", write, ENTITY))


def test_write_update_that_changes_nothing_only_reads_the_item() -> None:
    write = Update(PK, "a", {}, ())
    script = Script((_get("a"), _stored("a")))

    assert script.run(plans.write("update", write, ENTITY)) is None


def test_write_update_that_changes_nothing_of_a_missing_item_raises_not_found() -> None:
    script = Script((_get("a"), None))

    with pytest.raises(ItemNotFoundError):
        script.run(plans.write("update", Update(PK, "a", {}, ()), ENTITY))
    script.done()


def test_write_condition_that_the_store_finds_true_raises_condition_failed_with_the_item() -> None:
    # The engine refused, but the store's evaluation of the condition holds: the item
    # changed between the write and the read (or the engine reads the condition otherwise).
    big = where(Order, lambda o: o.total >= Decimal(1))
    write = plan_delete("delete", PK, "a", big)
    script = Script(
        (Call(Op.WRITE, {"operation": "delete", "write": write}), _failed(has_item=False)),
        (_get("a"), _stored("a", total=Decimal(2))),
    )

    with pytest.raises(ConditionFailedError) as caught:
        script.run(plans.write("delete", write, ENTITY))

    assert caught.value.item == Order(pk=PK, sk="a", total=Decimal(2))


# --- patches -------------------------------------------------------------------------


def _patch_of(**changes: Any) -> Any:
    return plan_patch(
        "patch", PK, "a", Order, set_=changes.get("set"), remove=(), add=changes.get("add"),
        append=None, set_if_absent=None, condition=changes.get("condition"), upsert=False,
        return_item=True, entity_attribute=ENTITY,
    )  # fmt: skip


def test_patch_returns_the_item_after() -> None:
    patch = _patch_of(add={"total": 1})
    after = _stored("a", total=Decimal(2))
    script = Script((Call(Op.PATCH, {"operation": "patch", "patch": patch}), after))

    assert script.run(plans.patch("patch", patch, ENTITY)) == after


def test_patch_failed_without_the_item_reads_it_and_raises_not_found() -> None:
    patch = _patch_of(add={"total": 1})
    script = Script(
        (Call(Op.PATCH, {"operation": "patch", "patch": patch}), _failed(has_item=False)),
        (_get("a"), None),
    )

    with pytest.raises(ItemNotFoundError):
        script.run(plans.patch("patch", patch, ENTITY))
    script.done()


def test_patch_failed_on_an_item_of_another_entity_raises_invalid_item() -> None:
    patch = _patch_of(add={"total": 1})
    other = {**_stored("a"), ENTITY: {"S": "someone.else"}}
    script = Script((Call(Op.PATCH, {"operation": "patch", "patch": patch}), _failed(other)))

    with pytest.raises(InvalidItemError, match=r"someone\.else"):
        script.run(plans.patch("patch", patch, ENTITY))


# --- queries ------------------------------------------------------------------------


def _query(limit: int | None = None) -> KeyQuery:
    return key_query("query_by_pk", PK, limit=limit)


def _select_call(
    query: KeyQuery, limit: int | None, *, after: Any = None, resume: Any = None
) -> Call:
    return Call(Op.QUERY, {"query": query, "after": after, "resume": resume, "limit": limit})


def test_select_follows_the_engine_s_pages_until_it_says_the_query_ended() -> None:
    query = _query()
    script = Script(
        (_select_call(query, None), Selected([_stored("a")], resume={"at": "a"})),
        (_select_call(query, None, resume={"at": "a"}), Selected([_stored("b")])),
    )

    found = script.run(plans.select(query, None, None))

    assert [item["sk"]["S"] for item in found] == ["a", "b"]


def test_select_asks_each_page_for_what_the_limit_still_wants_and_stops_at_it() -> None:
    query = _query(limit=3)
    script = Script(
        (_select_call(query, 3, after="0"), Selected([_stored("a"), _stored("b")], resume="b")),
        (_select_call(query, 1, after="0", resume="b"), Selected([_stored("c")], resume="c")),
    )

    found = script.run(plans.select(query, "0", 3))

    assert [item["sk"]["S"] for item in found] == ["a", "b", "c"]


def test_query_by_pk_reads_on_past_other_entities_until_limit_items_are_kept() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    other = {**_stored("b"), ENTITY: {"S": "someone.else"}}
    query = _query(limit=2)
    script = Script(
        (_select_call(query, 2), Selected([_stored("a"), other], resume="b")),
        (_select_call(query, 1, after="b"), Selected([_stored("c")], resume="c")),
    )
    arguments = {**dict.fromkeys(_CONDITIONS), "limit": 2, "descending": False}
    arguments |= {"on_other": "skip", "index": None, "consistent": None, "hydrate": False}

    found = script.run(core._query_by_pk_plan(PK, Order, arguments))

    assert [item.sk for item in found] == ["a", "c"]


def test_query_page_reads_one_past_the_page_to_know_a_next_page_exists() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    query = _query()
    script = Script((_select_call(query, 3), Selected([_stored(sk) for sk in "abc"], resume="c")))
    arguments = {**dict.fromkeys(_CONDITIONS), "page_size": 2, "cursor": None}
    arguments |= {"descending": False, "on_other": "skip", "index": None}
    arguments |= {"consistent": None, "hydrate": False}

    page = script.run(core._query_page_plan(PK, Order, arguments))

    assert [item.sk for item in page.items] == ["a", "b"]
    assert page.cursor is not None


_CONDITIONS = ("equals", "begins_with", "between", "lt", "lte", "gt", "gte")


# --- batches ------------------------------------------------------------------------


def test_fetch_many_sends_chunks_of_100_and_resends_what_is_left_after_a_wait() -> None:
    keys = [(PK, f"k{index:03d}") for index in range(150)]
    time = FixedTime()
    first, second = keys[:100], keys[100:]
    script = Script(
        (Call(Op.BATCH_GET, {"keys": first}), BatchRead([_stored("k000")], first[1:])),
        (Call(Op.BATCH_GET, {"keys": first[1:]}), BatchRead([], [])),
        (Call(Op.BATCH_GET, {"keys": second}), BatchRead([_stored("k100")], [])),
    )

    found = script.run(plans.fetch_many(keys, time.backoff(10.0)))

    assert sorted(found) == [(PK, "k000"), (PK, "k100")]
    assert script.sleeps == [FIRST_DELAY_S]


def test_fetch_many_waits_double_up_to_the_cap_then_names_every_unread_key() -> None:
    keys = [(PK, "a"), (PK, "b")]
    time = FixedTime()
    steps = [(Call(Op.BATCH_GET, {"keys": keys}), BatchRead([_stored("a")], [(PK, "b")]))]
    steps += [(Call(Op.BATCH_GET, {"keys": [(PK, "b")]}), BatchRead([], [(PK, "b")]))] * 7
    script = Script(*steps)

    def slept(seconds: float) -> None:
        script.sleeps.append(seconds)
        time.now += seconds

    plan = plans.fetch_many(keys, time.backoff(6.0))
    with pytest.raises(StoreUnavailableError, match=r"1 item\(s\) still unread.*'b'"):
        drive(plan, script.answer, slept)

    assert script.sleeps == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, MAX_DELAY_S]
    script.done()


def test_store_many_sends_chunks_of_25_and_resends_its_own_items_left_unwritten() -> None:
    items = {(PK, f"k{index:02d}"): _stored(f"k{index:02d}") for index in range(30)}
    keys = list(items)
    first, second = keys[:25], keys[25:]
    script = Script(
        (Call(Op.BATCH_PUT, {"items": {key: items[key] for key in first}}), [keys[3]]),
        (Call(Op.BATCH_PUT, {"items": {keys[3]: items[keys[3]]}}), []),
        (Call(Op.BATCH_PUT, {"items": {key: items[key] for key in second}}), []),
    )

    assert script.run(plans.store_many(items, FixedTime().backoff(10.0))) is None
    assert script.sleeps == [FIRST_DELAY_S]


def test_store_many_out_of_time_names_the_unwritten_and_every_later_chunk() -> None:
    items = {(PK, f"k{index:02d}"): _stored(f"k{index:02d}") for index in range(26)}
    keys = list(items)
    script = Script(
        (Call(Op.BATCH_PUT, {"items": {key: items[key] for key in keys[:25]}}), [keys[0]])
    )

    with pytest.raises(StoreUnavailableError, match=r"2 item\(s\) still unwritten.*'k00'.*'k25'"):
        script.run(plans.store_many(items, FixedTime().backoff(0.0)))
    script.done()


def test_whole_items_reads_each_key_once_and_keeps_the_entries_order() -> None:
    entries = [_stored("b"), _stored("a"), _stored("b")]
    script = Script(
        (Call(Op.BATCH_GET, {"keys": [(PK, "b"), (PK, "a")]}), BatchRead([_stored("b")], [])),
    )

    whole = script.run(plans.whole_items(entries, FixedTime().backoff(1.0)))

    assert whole == [_stored("b"), None, _stored("b")]


def test_get_many_gives_found_items_in_the_order_of_the_keys_twice_for_a_key_given_twice() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    keys = [(PK, "b"), (PK, "a"), (PK, "b"), (PK, "gone")]
    distinct = [(PK, "b"), (PK, "a"), (PK, "gone")]
    script = Script(
        (Call(Op.BATCH_GET, {"keys": distinct}), BatchRead([_stored("a"), _stored("b")])),
    )

    found = script.run(core._get_many_plan(keys, Order, "skip"))

    assert [item.sk for item in found] == ["b", "a", "b"]


# --- checkpoints: long reads decode in chunks -----------------------------------------


class Counted(KeyValueItem, entity="tests.plans.Counted"):
    """An item that counts how many of its kind have been decoded."""

    decoded: ClassVar[int] = 0

    @model_validator(mode="after")
    def _count(self) -> Self:
        type(self).decoded += 1
        return self


def _counted(count: int) -> list[Item]:
    return [
        encode_item("t", Counted(pk=PK, sk=f"k{index:04d}"), tag=(ENTITY, "tests.plans.Counted"))
        for index in range(count)
    ]


def _decoded_at_checkpoints(
    plan: Plan[Any], answer: Callable[[Call], object]
) -> tuple[Any, list[int]]:
    """The plan's result, and how many items were decoded when it yielded each checkpoint."""
    Counted.decoded = 0
    seen: list[int] = []
    reply: object = None
    while True:
        try:
            step = plan.send(reply)
        except StopIteration as done:
            return done.value, seen
        if step is CHECKPOINT:
            seen.append(Counted.decoded)
            reply = None
        else:
            assert isinstance(step, Call)
            reply = answer(step)


def _by_pk(limit: int | None = None) -> dict[str, Any]:
    arguments = {**dict.fromkeys(_CONDITIONS), "limit": limit, "descending": False}
    return arguments | {"on_other": "skip", "index": None, "consistent": None, "hydrate": False}


def test_query_by_pk_yields_a_checkpoint_between_chunks_of_decoded_items() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    stored = _counted(2 * DECODE_CHUNK + 3)
    script = Script((_select_call(_query(), None), Selected(stored)))

    found, seen = _decoded_at_checkpoints(
        core._query_by_pk_plan(PK, Counted, _by_pk()), script.answer
    )

    assert seen == [DECODE_CHUNK, 2 * DECODE_CHUNK]
    assert [item.sk for item in found] == [item["sk"]["S"] for item in stored]
    script.done()


def test_a_read_of_one_chunk_or_less_yields_no_checkpoint() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    script = Script((_select_call(_query(), None), Selected(_counted(DECODE_CHUNK))))

    found, seen = _decoded_at_checkpoints(
        core._query_by_pk_plan(PK, Counted, _by_pk()), script.answer
    )

    assert seen == []
    assert len(found) == DECODE_CHUNK


def test_query_page_yields_a_checkpoint_between_chunks_of_the_items_it_reads() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    page_size = 2 * DECODE_CHUNK
    stored = _counted(page_size + 1)
    script = Script((_select_call(_query(), page_size + 1), Selected(stored)))
    arguments = {**dict.fromkeys(_CONDITIONS), "page_size": page_size, "cursor": None}
    arguments |= {"descending": False, "on_other": "skip", "index": None}
    arguments |= {"consistent": None, "hydrate": False}

    page, seen = _decoded_at_checkpoints(
        core._query_page_plan(PK, Counted, arguments), script.answer
    )

    assert seen == [DECODE_CHUNK, 2 * DECODE_CHUNK]
    assert len(page.items) == page_size
    assert page.cursor is not None


def test_get_many_yields_a_checkpoint_between_chunks_of_decoded_items() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    stored = _counted(DECODE_CHUNK + 1)
    keys = [(PK, item["sk"]["S"]) for item in stored]
    script = Script((Call(Op.BATCH_GET, {"keys": keys}), BatchRead(stored)))

    found, seen = _decoded_at_checkpoints(core._get_many_plan(keys, Counted, "skip"), script.answer)

    assert seen == [DECODE_CHUNK]
    assert [item.sk for item in found] == [sk for _, sk in keys]


def test_drive_passes_over_checkpoints_without_a_call_or_a_sleep() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    stored = _counted(3 * DECODE_CHUNK)
    script = Script((_select_call(_query(), None), Selected(stored)))

    found = script.run(core._query_by_pk_plan(PK, Counted, _by_pk()))

    assert len(found) == len(stored)
    assert script.sleeps == []


def test_drive_async_awaits_the_checkpoint_at_each_one() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    stored = _counted(3 * DECODE_CHUNK)
    script = Script((_select_call(_query(), None), Selected(stored)))
    checkpoints: list[int] = []

    async def answer(call: Call) -> object:
        return script.answer(call)

    async def sleep(seconds: float) -> None:
        raise AssertionError(seconds)

    async def checkpoint() -> None:
        checkpoints.append(Counted.decoded)

    Counted.decoded = 0
    plan = core._query_by_pk_plan(PK, Counted, _by_pk())
    found = anyio.run(drive_async, plan, answer, sleep, checkpoint)

    assert checkpoints == [DECODE_CHUNK, 2 * DECODE_CHUNK]
    assert len(found) == len(stored)
    script.done()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_drive_async_yields_to_the_event_loop_at_each_checkpoint_by_default(backend: str) -> None:
    checkpoints = 10

    def chunks() -> Plan[str]:
        for _ in range(checkpoints):
            yield CHECKPOINT
        return "done"

    async def no_call(call: Call) -> object:
        raise AssertionError(call)

    async def no_sleep(seconds: float) -> None:
        raise AssertionError(seconds)

    async def main() -> tuple[str, int]:
        return await turns_of_another_task(lambda: drive_async(chunks(), no_call, no_sleep))

    result, ticks = anyio.run(main, backend=backend)

    assert result == "done"
    # the other task ran once per checkpoint (trio may run it after the plan's last part)
    assert ticks >= checkpoints - 1


# --- transactions and versions ------------------------------------------------------


def _transaction(*items: KeyValueItem) -> Transaction:
    transaction = Transaction(ENTITY)
    for item in items:
        transaction.update(item)
    return transaction


def test_commit_settles_each_versioned_item_after_the_engine_commits() -> None:
    doc = Doc(pk=PK, sk="d", version=4)
    transaction = _transaction(doc)
    writes = [write for write, _ in transaction.writes]
    script = Script((Call(Op.COMMIT, {"operation": "transaction", "writes": writes}), None))

    script.run(plans.commit("transaction", transaction.writes, ENTITY))

    assert doc.version == 5


def test_commit_canceled_reads_the_item_of_a_reason_that_gave_none() -> None:
    doc, order = Doc(pk=PK, sk="d", version=4), Order(pk=PK, sk="o")
    transaction = _transaction(doc, order)
    writes = [write for write, _ in transaction.writes]
    canceled = EngineError(
        TRANSACTION_CANCELED, reasons=(Reason(), Reason(CONDITION_FAILED, has_item=False))
    )
    script = Script(
        (Call(Op.COMMIT, {"operation": "transaction", "writes": writes}), canceled),
        (_get("o"), None),
    )

    with pytest.raises(TransactionCanceledError) as caught:
        script.run(plans.commit("transaction", transaction.writes, ENTITY))

    assert [type(reason) for reason in caught.value.reasons] == [type(None), ItemNotFoundError]
    assert doc.version == 4
    script.done()


def test_commit_canceled_without_reasons_gives_every_write_an_unknown_reason() -> None:
    transaction = _transaction(Order(pk=PK, sk="o"))
    writes = [write for write, _ in transaction.writes]
    canceled = EngineError(TRANSACTION_CANCELED)
    script = Script((Call(Op.COMMIT, {"operation": "transaction", "writes": writes}), canceled))

    with pytest.raises(TransactionCanceledError) as caught:
        script.run(plans.commit("transaction", transaction.writes, ENTITY))

    assert [type(reason) for reason in caught.value.reasons] == [KeyValueStoreError]


def test_create_plan_stores_version_1_and_sets_it_on_the_item_after_the_write() -> None:
    core = StoreCore(Mock(spec=LoggingService))
    doc = Doc(pk=PK, sk="d")
    write = plan_create("create", doc, ENTITY)
    script = Script((Call(Op.WRITE, {"operation": "create", "write": write}), None))

    script.run(core._create_plan(doc, None))

    assert doc.version == 1


def test_describe_asks_the_engine_whether_the_table_is_usable() -> None:
    script = Script((Call(Op.DESCRIBE), "the table is CREATING"))

    assert script.run(plans.describe()) == "the table is CREATING"
