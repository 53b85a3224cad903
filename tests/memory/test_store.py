"""InMemoryKeyValueStore's own guarantees: copies, threads, logging, close."""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from unittest.mock import Mock

import pytest
from pydantic import Field

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStoreError,
    StoreClosedError,
)
from lvrgd.common.services.logging import LoggingService
from lvrgd.common.services.memory import InMemoryKeyValueStore

if TYPE_CHECKING:
    from collections.abc import Callable

PAYLOAD = "alice@example.com"


class Doc(KeyValueItem, entity="tests.memory.test_store.Doc"):
    tags: list[str] = Field(default_factory=list)
    meta: dict[str, list[int]] = Field(default_factory=dict)
    blob: Any = None


class Pair(KeyValueItem, entity="tests.memory.test_store.Pair"):
    left: int
    right: int
    trail: list[int]
    writer: int = -1


class Personal(KeyValueItem):
    email: str
    aliases: set[str] = Field(default_factory=set)
    by_name: dict[str, str] = Field(default_factory=dict)
    photo: bytes = b""
    score: float = 0.0


class PersonalScoreAsInt(KeyValueItem, entity=Personal):
    by_name: dict[str, int]


@pytest.fixture
def logger() -> Mock:
    return Mock(spec=LoggingService)


@pytest.fixture
def memory_store(logger: Mock) -> Iterator[InMemoryKeyValueStore]:
    with InMemoryKeyValueStore(logger) as opened:
        yield opened


@pytest.fixture
def fast_thread_switching() -> Iterator[None]:
    """Switch threads as often as possible, so interleavings actually happen."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


# --- copies in, copies out ----------------------------------------------------------------


def _doc() -> Doc:
    return Doc(pk="p", sk="s", tags=["a"], meta={"x": [1]}, blob=bytearray(b"ab"))


def _mutate(doc: Doc) -> None:
    doc.tags.append("b")
    doc.meta["x"].append(2)
    doc.meta["y"] = [3]
    if isinstance(doc.blob, bytearray):
        doc.blob[0] = ord("z")


def _assert_original(found: Doc | None) -> None:
    assert found is not None
    assert (found.tags, found.meta, found.blob) == (["a"], {"x": [1]}, b"ab")


def test_create_then_mutating_the_model_leaves_the_stored_item(
    memory_store: InMemoryKeyValueStore,
) -> None:
    doc = _doc()
    memory_store.create(doc)
    _mutate(doc)
    _assert_original(memory_store.get_one("p", "s", Doc))


def test_update_then_mutating_the_model_leaves_the_stored_item(
    memory_store: InMemoryKeyValueStore,
) -> None:
    memory_store.create(Doc(pk="p", sk="s"))
    doc = _doc()
    memory_store.update(doc)
    _mutate(doc)
    _assert_original(memory_store.get_one("p", "s", Doc))


def test_get_one_then_mutating_the_result_leaves_the_stored_item(
    memory_store: InMemoryKeyValueStore,
) -> None:
    memory_store.create(_doc())
    found = memory_store.get_one("p", "s", Doc)
    assert found is not None
    _mutate(found)
    again = memory_store.get_one("p", "s", Doc)
    _assert_original(again)
    assert again is not None
    assert again.tags is not found.tags


def test_query_by_pk_then_mutating_the_results_leaves_the_stored_items(
    memory_store: InMemoryKeyValueStore,
) -> None:
    memory_store.create(_doc())
    (found,) = memory_store.query_by_pk("p", Doc)
    _mutate(found)
    (again,) = memory_store.query_by_pk("p", Doc)
    _assert_original(again)


# --- threads -------------------------------------------------------------------------------


def _run_together(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(i)` on `count` threads released at once; the exceptions they raised."""
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return failures


@pytest.mark.usefixtures("fast_thread_switching")
def test_create_16_threads_on_overlapping_keys_exactly_one_winner_per_key(
    memory_store: InMemoryKeyValueStore,
) -> None:
    sort_keys = [f"order#{i:03d}" for i in range(40)]
    wins: dict[str, list[int]] = {sk: [] for sk in sort_keys}
    lock = threading.Lock()

    def create_all(writer: int) -> None:
        shift = writer * 5 % len(sort_keys)
        for sk in sort_keys[shift:] + sort_keys[:shift]:
            try:
                memory_store.create(Pair(pk="p", sk=sk, left=0, right=0, trail=[], writer=writer))
            except ItemAlreadyExistsError:
                continue
            with lock:
                wins[sk].append(writer)

    assert _run_together(16, create_all) == []
    assert all(len(winners) == 1 for winners in wins.values()), wins
    for sk, (winner,) in wins.items():
        stored = memory_store.get_one("p", sk, Pair)
        assert stored is not None
        assert stored.writer == winner
    assert len(memory_store.query_by_pk("p", Pair)) == len(sort_keys)


def _consistent(pair: Pair) -> bool:
    """Every update writes left, right, writer and trail from one number."""
    return pair.left == pair.right == pair.writer and pair.trail == [pair.left] * 8


def _write_pairs(target: InMemoryKeyValueStore, writer: int) -> None:
    for n in range(writer * 1000, writer * 1000 + 150):
        for sk in ("a", "b"):
            target.update(Pair(pk="p", sk=sk, left=n, right=n, trail=[n] * 8, writer=n))


def _read_pairs_until(
    target: InMemoryKeyValueStore,
    stop: threading.Event,
    torn: list[Pair],
    failures: list[BaseException],
) -> None:
    try:
        while not stop.is_set():
            one = target.get_one("p", "a", Pair)
            seen = [one] if one is not None else []
            seen += target.query_by_pk("p", Pair)
            torn.extend(pair for pair in seen if not _consistent(pair))
    except BaseException as exc:  # noqa: BLE001 - reported to the test thread
        failures.append(exc)


@pytest.mark.usefixtures("fast_thread_switching")
def test_update_concurrent_reads_never_see_a_half_written_item(
    memory_store: InMemoryKeyValueStore,
) -> None:
    for sk in ("a", "b"):
        memory_store.create(Pair(pk="p", sk=sk, left=0, right=0, trail=[0] * 8, writer=0))
    stop = threading.Event()
    torn: list[Pair] = []
    reader_failures: list[BaseException] = []
    readers = [
        threading.Thread(target=_read_pairs_until, args=(memory_store, stop, torn, reader_failures))
        for _ in range(4)
    ]
    for reader in readers:
        reader.start()
    writer_failures = _run_together(4, lambda writer: _write_pairs(memory_store, writer))
    stop.set()
    for reader in readers:
        reader.join(timeout=30)
    assert writer_failures == []
    assert reader_failures == []
    assert not any(reader.is_alive() for reader in readers)
    assert torn == []
    for sk in ("a", "b"):
        final = memory_store.get_one("p", sk, Pair)
        assert final is not None
        assert _consistent(final)


# --- logging -------------------------------------------------------------------------------


def _context(call: Any) -> dict[str, Any]:
    return dict(call.kwargs)


def test_operations_each_log_op_pk_sk_and_ms_at_debug(
    memory_store: InMemoryKeyValueStore, logger: Mock
) -> None:
    memory_store.create(Doc(pk="p", sk="s"))
    memory_store.update(Doc(pk="p", sk="s", tags=["t"]))
    memory_store.get_one("p", "s", Doc)
    memory_store.query_by_pk("p", Doc, begins_with="s")
    memory_store.delete("p", "s")
    contexts = [_context(call) for call in logger.debug.call_args_list]
    assert [context["op"] for context in contexts] == [
        "create",
        "update",
        "get_one",
        "query_by_pk",
        "delete",
    ]
    for context in contexts:
        assert {"op", "pk", "sk", "ms"} <= context.keys()
        assert context["pk"] == "p"
        assert isinstance(context["ms"], float)
        assert 0 <= context["ms"] < 60_000
    assert [c["sk"] for c in contexts if c["op"] != "query_by_pk"] == ["s"] * 4
    logger.error.assert_not_called()


@pytest.mark.parametrize(
    ("operation", "fails", "level", "message", "sk"),
    [
        ("create", lambda s: s.create(Doc(pk="p", sk="s")), "debug", "condition failed", "s"),
        (
            "update",
            lambda s: s.update(Doc(pk="p", sk="missing")),
            "debug",
            "condition failed",
            "missing",
        ),
        ("delete", lambda s: s.delete("p", "missing"), "debug", "condition failed", "missing"),
        ("create", lambda s: s.create(Doc(pk="p", sk="x", blob=math.nan)), "info", "refused", "x"),
        ("get_one", lambda s: s.get_one("p", "", Doc), "info", "refused", ""),
        (
            "get_one",
            lambda s: s.get_one("p", "s", PersonalScoreAsInt, on_other="raise"),
            "info",
            "refused",
            "s",
        ),
        ("query_by_pk", lambda s: s.query_by_pk("p", Doc, limit=0), "info", "refused", None),
    ],
    ids=[
        "exists",
        "update_missing",
        "delete_missing",
        "invalid_item",
        "bad_key",
        "bad_model",
        "bad_query",
    ],
)
def test_expected_outcome_is_logged_below_error_with_operation_and_key(  # noqa: PLR0913, PLR0917
    memory_store: InMemoryKeyValueStore,
    logger: Mock,
    operation: str,
    fails: Callable[[InMemoryKeyValueStore], object],
    level: str,
    message: str,
    sk: str | None,
) -> None:
    memory_store.create(Doc(pk="p", sk="s"))
    logger.reset_mock()
    with pytest.raises(KeyValueStoreError) as caught:
        fails(memory_store)
    logger.error.assert_not_called()
    logger.warning.assert_not_called()
    logged = [call for call in getattr(logger, level).call_args_list if call.args[0] == message]
    assert len(logged) == 1
    context = _context(logged[0])
    assert (context["op"], context["pk"], context["sk"]) == (operation, "p", sk)
    assert context["error"] == type(caught.value).__name__


def _logged_text(logger: Mock) -> str:
    return "\n".join(repr(call) for call in logger.mock_calls)


def test_operations_never_log_item_payloads(
    memory_store: InMemoryKeyValueStore, logger: Mock
) -> None:
    person = Personal(
        pk="customer#1",
        sk="profile",
        email=PAYLOAD,
        aliases={PAYLOAD},
        by_name={PAYLOAD: PAYLOAD},
        photo=PAYLOAD.encode(),
        score=1.5,
    )
    memory_store.create(person)
    memory_store.update(person)
    memory_store.get_one("customer#1", "profile", Personal)
    memory_store.query_by_pk("customer#1", Personal)
    for failing in (
        lambda: memory_store.create(person),
        lambda: memory_store.create(person.model_copy(update={"sk": "other", "score": math.inf})),
        lambda: memory_store.update(person.model_copy(update={"sk": "missing"})),
        lambda: memory_store.get_one("customer#1", "profile", PersonalScoreAsInt),
        lambda: memory_store.query_by_pk("customer#1", PersonalScoreAsInt),
    ):
        with pytest.raises(KeyValueStoreError):
            failing()
    memory_store.delete("customer#1", "profile")
    assert logger.debug.call_count == 5 + 2  # two failed conditions
    assert logger.info.call_count == 3  # three refusals
    assert logger.error.call_count == 0
    logged = _logged_text(logger)
    assert PAYLOAD not in logged
    assert repr(PAYLOAD.encode()) not in logged


# --- close ----------------------------------------------------------------------------------


def _reachable_strings(root: object) -> set[str]:
    """Every str reachable from `root` through attributes and containers (not the logger)."""
    seen: set[int] = set()
    found: set[str] = set()
    stack: list[object] = [root]
    while stack:
        current = stack.pop()
        if id(current) in seen or isinstance(current, Mock):
            continue
        seen.add(id(current))
        if isinstance(current, str):
            found.add(current)
        elif isinstance(current, Mapping):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, list | tuple | set | frozenset):
            stack.extend(current)
        elif hasattr(current, "__dict__") and not isinstance(current, type):
            stack.extend(vars(current).values())
        slots = getattr(type(current), "__slots__", ())
        stack.extend(getattr(current, name) for name in slots if hasattr(current, name))
    return found


def test_close_drops_every_item(memory_store: InMemoryKeyValueStore) -> None:
    memory_store.create(Personal(pk="customer#1", sk="profile", email=PAYLOAD))
    assert PAYLOAD in _reachable_strings(memory_store)
    memory_store.close()
    assert PAYLOAD not in _reachable_strings(memory_store)


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("create", lambda s: s.create(Doc(pk="p", sk="new"))),
        ("update", lambda s: s.update(Doc(pk="p", sk="s"))),
        ("delete", lambda s: s.delete("p", "s")),
        ("get_one", lambda s: s.get_one("p", "s", Doc)),
        ("query_by_pk", lambda s: s.query_by_pk("p", Doc)),
    ],
    ids=["create", "update", "delete", "get_one", "query_by_pk"],
)
def test_closed_store_operations_raise_store_closed(
    logger: Mock, operation: str, call: Callable[[InMemoryKeyValueStore], object]
) -> None:
    closed = InMemoryKeyValueStore(logger)
    closed.create(Doc(pk="p", sk="s"))
    closed.close()
    with pytest.raises(StoreClosedError) as caught:
        call(closed)
    assert caught.value.operation == operation


def test_close_is_idempotent_and_ping_then_warns_false(logger: Mock) -> None:
    closed = InMemoryKeyValueStore(logger)
    assert closed.ping() is True
    logger.warning.assert_not_called()
    closed.close()
    closed.close()
    assert closed.ping() is False
    logger.warning.assert_called_once()


def test_with_block_closes_the_store_on_exit(logger: Mock) -> None:
    with InMemoryKeyValueStore(logger) as opened:
        opened.create(Doc(pk="p", sk="s"))
    with pytest.raises(StoreClosedError):
        opened.get_one("p", "s", Doc)


def test_with_block_closes_the_store_when_the_block_raises(logger: Mock) -> None:
    class BoomError(Exception):
        pass

    with pytest.raises(BoomError), InMemoryKeyValueStore(logger) as opened:
        raise BoomError
    assert opened.ping() is False


def test_stores_share_nothing(logger: Mock) -> None:
    first, second = InMemoryKeyValueStore(logger), InMemoryKeyValueStore(logger)
    first.create(Doc(pk="p", sk="s"))
    assert second.get_one("p", "s", Doc) is None
    first.close()
    assert second.ping() is True


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.get_one("p" * 2049, "s", Doc), InvalidQueryError),
        (lambda s: s.delete("p", "s" * 1025), InvalidItemError),
        (lambda s: s.update(Doc(pk="p", sk="nowhere")), ItemNotFoundError),
    ],
    ids=["get_one_long_pk", "delete_long_sk", "update_missing"],
)
def test_store_errors_raise_the_ports_errors(
    memory_store: InMemoryKeyValueStore,
    call: Callable[[InMemoryKeyValueStore], object],
    error: type[KeyValueStoreError],
) -> None:
    with pytest.raises(error):
        call(memory_store)
