"""Resending what a batch left unprocessed: resend_until_done, and get_many/put_many on it.

DynamoDB answers a partial batch with UnprocessedKeys or UnprocessedItems and asks the
caller to resend them with exponential backoff. The plan is run by the sync driver on a
fake clock: its waits are recorded, never slept. The service tests run on conftest.py's
stubbed client (exact requests), or on a fake engine patched onto that client (for
properties over many requests); the service's Backoff reads a fake clock, and its
driver sleeps on it.
"""

from __future__ import annotations

import contextlib
import inspect
import random
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from lvrgd.common.services.dynamodb import DynamoDBConfig, DynamoDBService
from lvrgd.common.services.kvstore import KeyValueStoreError, StoreUnavailableError, _core
from lvrgd.common.services.kvstore._backoff import (
    FIRST_DELAY_S,
    MAX_DELAY_S,
    Backoff,
    resend_until_done,
)
from lvrgd.common.services.kvstore._steps import Call, Op, Plan, drive

from ._data import PK, TABLE, Order, key, stored

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from unittest.mock import MagicMock, Mock

    from botocore.stub import Stubber
    from mypy_boto3_dynamodb import DynamoDBClient
    from pytest_mock import MockerFixture

Request = dict[str, Any]


class FakeTime:
    """A clock that moves only when slept on (or told to), and jitter read from a script."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._jitters: Iterator[float] = iter(())

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def script_jitter(self, values: Sequence[float]) -> None:
        """Jitter gives `values` in turn, then 1.0 (a wait of the whole ceiling)."""
        self._jitters = iter(values)

    def jitter(self) -> float:
        return next(self._jitters, 1.0)

    def backoff(self, deadline_s: float) -> Backoff:
        return Backoff(deadline_s, clock=self.clock, jitter=self.jitter)

    def resend(self, sender: Sender, request: list[str], backoff: Backoff) -> list[str] | None:
        """resend_until_done run to its end by the sync driver, sleeping on this clock."""
        plan = resend_until_done(sender.send, request, backoff)
        return drive(plan, sender.answer, self.sleep)


def _ceilings(count: int) -> list[float]:
    """The first `count` wait ceilings: doubling from FIRST_DELAY_S, capped at MAX_DELAY_S."""
    return [min(MAX_DELAY_S, FIRST_DELAY_S * 2**attempt) for attempt in range(count)]


@pytest.fixture
def fake_time(mocker: MockerFixture) -> FakeTime:
    """The Backoff the service builds reads a fake clock, and its driver sleeps on it."""
    fake = FakeTime()
    mocker.patch.object(_core, "Backoff", side_effect=fake.backoff)
    mocker.patch("time.sleep", side_effect=fake.sleep)
    return fake


def _sks(count: int, start: int = 0) -> list[str]:
    return [f"k#{index:03d}" for index in range(start, start + count)]


def _order(sk: str) -> Order:
    return Order(pk=PK, sk=sk, total=Decimal(1))


# --- the fake engine ----------------------------------------------------------------------


class FakeEngine:
    """BatchGetItem and BatchWriteItem over a dict, leaving chosen sort keys unprocessed."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests: list[Request] = []
        self._stuck: dict[str, int] = {}

    def stick(self, stuck: dict[str, int]) -> None:
        """Leave each sort key of `stuck` unprocessed that many times, then let it through."""
        self._stuck = dict(stuck)

    def _leaves(self, sk: str) -> bool:
        left = self._stuck.get(sk, 0)
        self._stuck[sk] = left - 1
        return left > 0

    def batch_get_item(self, **request: Any) -> Request:
        self.requests.append(request)
        asked = request["RequestItems"][TABLE]
        found, left = [], []
        for wanted in asked["Keys"]:
            if self._leaves(wanted["sk"]["S"]):
                left.append(wanted)
            elif (wanted["pk"]["S"], wanted["sk"]["S"]) in self.items:
                found.append(self.items[(wanted["pk"]["S"], wanted["sk"]["S"])])
        answer: Request = {"Responses": {TABLE: found}, "UnprocessedKeys": {}}
        if left:
            answer["UnprocessedKeys"] = {TABLE: {**asked, "Keys": left}}
        return answer

    def batch_write_item(self, **request: Any) -> Request:
        self.requests.append(request)
        left = []
        for put in request["RequestItems"][TABLE]:
            item = put["PutRequest"]["Item"]
            if self._leaves(item["sk"]["S"]):
                left.append(put)
            else:
                self.items[(item["pk"]["S"], item["sk"]["S"])] = item
        return {"UnprocessedItems": {TABLE: left} if left else {}}

    def sent_keys(self) -> list[str]:
        """The sort keys of every request, in order, a key once per request it was in."""
        sks = []
        for request in self.requests:
            entries = request["RequestItems"][TABLE]
            if isinstance(entries, dict):
                sks += [wanted["sk"]["S"] for wanted in entries["Keys"]]
            else:
                sks += [put["PutRequest"]["Item"]["sk"]["S"] for put in entries]
        return sks

    def batch_sizes(self) -> list[int]:
        sizes = []
        for request in self.requests:
            entries = request["RequestItems"][TABLE]
            sizes.append(len(entries["Keys"] if isinstance(entries, dict) else entries))
        return sizes


# --- resend_until_done --------------------------------------------------------------------


class Sender:
    """A send plan whose engine leaves one element fewer unprocessed each time, down to nothing."""

    def __init__(self, clock: FakeTime | None = None, send_seconds: float = 0.0) -> None:
        self.sent: list[list[str]] = []
        self._clock = clock
        self._send_seconds = send_seconds

    def send(self, request: list[str]) -> Plan[list[str] | None]:
        left: list[str] | None = yield Call(Op.BATCH_PUT, {"items": request})
        return left

    def answer(self, call: Call) -> list[str] | None:
        request: list[str] = call.params["items"]
        self.sent.append(request)
        if self._clock is not None:
            self._clock.now += self._send_seconds
        return request[1:] or None


def test_resend_until_done_all_processed_at_once_sends_once_and_never_waits() -> None:
    fake = FakeTime()
    sender = Sender()

    assert fake.resend(sender, ["a"], fake.backoff(10.0)) is None
    assert (sender.sent, fake.sleeps) == ([["a"]], [])


def test_resend_until_done_sends_what_each_answer_left_until_nothing_is() -> None:
    fake = FakeTime()
    sender = Sender()

    assert fake.resend(sender, ["a", "b", "c", "d"], fake.backoff(10.0)) is None
    assert sender.sent == [["a", "b", "c", "d"], ["b", "c", "d"], ["c", "d"], ["d"]]
    assert len(fake.sleeps) == 3


def test_resend_until_done_waits_double_each_time_up_to_the_cap() -> None:
    fake = FakeTime()

    fake.resend(Sender(), list("abcdefghij"), fake.backoff(100.0))

    assert fake.sleeps == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0, 2.0])
    assert fake.sleeps == pytest.approx(_ceilings(9))


def test_resend_until_done_waits_are_full_jitter_below_the_ceiling() -> None:
    fake = FakeTime()
    jitters = [0.5, 0.1, 0.9, 0.3, 0.0, 0.7]
    fake.script_jitter(jitters)

    fake.resend(Sender(), list("abcdefg"), fake.backoff(100.0))

    expected = [ceiling * jitter for ceiling, jitter in zip(_ceilings(6), jitters, strict=True)]
    assert fake.sleeps == pytest.approx(expected)


def test_resend_until_done_default_jitter_is_random_and_within_the_ceiling() -> None:
    fake = FakeTime()
    backoff = Backoff(1000.0, clock=fake.clock)

    fake.resend(Sender(), [str(index) for index in range(30)], backoff)

    ratios = [wait / ceiling for wait, ceiling in zip(fake.sleeps, _ceilings(29), strict=True)]
    assert all(0.0 <= ratio <= 1.0 for ratio in ratios)
    assert len(set(ratios)) > 1


def test_backoff_by_default_waits_in_real_time_with_random_jitter() -> None:
    backoff = Backoff(1.0)

    assert (backoff.clock, backoff.jitter) == (time.monotonic, random.random)
    assert inspect.signature(drive).parameters["sleep"].default is time.sleep


def test_resend_until_done_gives_up_when_the_next_wait_would_pass_the_deadline() -> None:
    fake = FakeTime()
    never_done = Sender()

    left = fake.resend(never_done, [str(index) for index in range(20)], fake.backoff(1.0))

    assert left == never_done.sent[-1][1:]
    assert sum(fake.sleeps) <= 1.0
    assert sum(fake.sleeps) + _ceilings(len(fake.sleeps) + 1)[-1] > 1.0


def test_resend_until_done_time_spent_sending_counts_toward_the_deadline() -> None:
    fake = FakeTime()
    started = fake.now
    slow = Sender(clock=fake, send_seconds=0.3)

    left = fake.resend(slow, [str(index) for index in range(20)], fake.backoff(1.0))

    assert left is not None
    assert len(slow.sent) == 3  # sends end at 0.3, 0.65 and 1.05 s; no wait fits after that
    assert fake.now - started == pytest.approx(1.05)


def test_resend_until_done_deadline_already_reached_sends_once_and_never_waits() -> None:
    fake = FakeTime()
    sender = Sender()

    assert fake.resend(sender, ["a", "b"], fake.backoff(0.0)) == ["b"]
    assert (len(sender.sent), fake.sleeps) == (1, [])


# --- get_many: exact requests -------------------------------------------------------------


def _batch_get(sks: Sequence[str]) -> Request:
    return {"RequestItems": {TABLE: {"Keys": [key(PK, sk) for sk in sks], "ConsistentRead": True}}}


def _got(found: Sequence[str], left: Sequence[str] = ()) -> Request:
    answer: Request = {"Responses": {TABLE: [stored(sk) for sk in found]}}
    if left:
        answer["UnprocessedKeys"] = _batch_get(left)["RequestItems"]
    return answer


@pytest.mark.usefixtures("fake_time")
def test_get_many_250_keys_resends_unprocessed_keys_in_chunks_of_at_most_100(
    service: DynamoDBService, stubber: Stubber
) -> None:
    sks = _sks(250)
    first, second, third = sks[:100], sks[100:200], sks[200:]
    stubber.add_response("batch_get_item", _got(first[:40], first[40:]), _batch_get(first))
    stubber.add_response("batch_get_item", _got(first[40:70], first[70:]), _batch_get(first[40:]))
    stubber.add_response("batch_get_item", _got(first[70:]), _batch_get(first[70:]))
    stubber.add_response("batch_get_item", _got(second[::-1]), _batch_get(second))
    stubber.add_response("batch_get_item", _got([], third), _batch_get(third))
    stubber.add_response("batch_get_item", _got(third), _batch_get(third))

    found = service.get_many([(PK, sk) for sk in sks], Order)

    assert [item.sk for item in found] == sks


def test_get_many_waits_grow_with_jitter_between_resends(
    service: DynamoDBService, stubber: Stubber, fake_time: FakeTime
) -> None:
    fake_time.script_jitter([0.5, 0.1, 0.9, 0.3, 1.0])
    stubber.add_response("batch_get_item", _got(["a"], ["b"]), _batch_get(["a", "b"]))
    for _ in range(4):
        stubber.add_response("batch_get_item", _got([], ["b"]), _batch_get(["b"]))
    stubber.add_response("batch_get_item", _got(["b"]), _batch_get(["b"]))

    found = service.get_many([(PK, "a"), (PK, "b")], Order)

    assert [item.sk for item in found] == ["a", "b"]
    jitters = [0.5, 0.1, 0.9, 0.3, 1.0]
    expected = [ceiling * jitter for ceiling, jitter in zip(_ceilings(5), jitters, strict=True)]
    assert fake_time.sleeps == pytest.approx(expected)


# --- put_many: exact requests -------------------------------------------------------------


def _batch_write(sks: Sequence[str]) -> Request:
    return {"RequestItems": {TABLE: [{"PutRequest": {"Item": stored(sk)}} for sk in sks]}}


def _written(left: Sequence[str] = ()) -> Request:
    return {"UnprocessedItems": _batch_write(left)["RequestItems"] if left else {}}


@pytest.mark.usefixtures("fake_time")
def test_put_many_60_items_resends_unprocessed_items_in_chunks_of_at_most_25(
    service: DynamoDBService, stubber: Stubber
) -> None:
    sks = _sks(60)
    first, second, third = sks[:25], sks[25:50], sks[50:]
    stubber.add_response("batch_write_item", _written(first[5:15]), _batch_write(first))
    stubber.add_response("batch_write_item", _written(first[12:15]), _batch_write(first[5:15]))
    stubber.add_response("batch_write_item", _written(), _batch_write(first[12:15]))
    stubber.add_response("batch_write_item", _written(), _batch_write(second))
    stubber.add_response("batch_write_item", _written(third[-1:]), _batch_write(third))
    stubber.add_response("batch_write_item", _written(), _batch_write(third[-1:]))

    service.put_many([_order(sk) for sk in sks])


def test_put_many_waits_grow_with_jitter_between_resends(
    service: DynamoDBService, stubber: Stubber, fake_time: FakeTime
) -> None:
    fake_time.script_jitter([0.25, 0.75, 0.5])
    stubber.add_response("batch_write_item", _written(["b"]), _batch_write(["a", "b"]))
    for _ in range(3):
        stubber.add_response("batch_write_item", _written(["b"]), _batch_write(["b"]))
    stubber.add_response("batch_write_item", _written(), _batch_write(["b"]))

    service.put_many([_order("a"), _order("b")])

    expected = [
        ceiling * jitter
        for ceiling, jitter in zip(_ceilings(4), [0.25, 0.75, 0.5, 1.0], strict=True)
    ]
    assert fake_time.sleeps == pytest.approx(expected)


# --- properties over many requests --------------------------------------------------------

PATIENCE_S = 1.0
FOREVER = 1_000_000


@pytest.fixture
def engine(client: DynamoDBClient, mocker: MockerFixture, stubber: Stubber) -> FakeEngine:
    """A fake engine answering the stubbed client's batch calls (nothing reaches the stubs)."""
    fake = FakeEngine()
    mocker.patch.object(client, "batch_get_item", side_effect=fake.batch_get_item)
    mocker.patch.object(client, "batch_write_item", side_effect=fake.batch_write_item)
    return fake


@pytest.fixture
def impatient(new_client: MagicMock, logger: Mock, fake_time: FakeTime) -> DynamoDBService:
    """A service that resends for PATIENCE_S seconds of the fake clock."""
    return DynamoDBService(logger, DynamoDBConfig(table_name=TABLE, batch_retry_seconds=PATIENCE_S))


@pytest.mark.usefixtures("fake_time")
def test_get_many_every_key_is_sent_until_read_in_requests_of_at_most_100(
    service: DynamoDBService, engine: FakeEngine
) -> None:
    sks = _sks(250)
    engine.stick({sk: index % 4 for index, sk in enumerate(sks) if index % 3 == 0})
    engine.items = {(PK, sk): stored(sk) for sk in sks}

    found = service.get_many([(PK, sk) for sk in sks], Order)

    assert [item.sk for item in found] == sks
    assert set(engine.sent_keys()) == set(sks)
    assert max(engine.batch_sizes()) <= 100


@pytest.mark.usefixtures("fake_time")
def test_put_many_every_item_is_sent_until_written_in_requests_of_at_most_25(
    service: DynamoDBService, engine: FakeEngine
) -> None:
    sks = _sks(130)
    engine.stick({sk: index % 5 for index, sk in enumerate(sks) if index % 2 == 0})

    service.put_many([_order(sk) for sk in sks])

    assert sorted(sk for _, sk in engine.items) == sks
    assert max(engine.batch_sizes()) <= 25


def test_get_many_keys_unread_past_batch_retry_seconds_raise_store_error_naming_them(
    impatient: DynamoDBService, engine: FakeEngine, fake_time: FakeTime
) -> None:
    engine.stick({"b": FOREVER, "d": FOREVER})
    engine.items = {(PK, sk): stored(sk) for sk in "abcd"}

    with pytest.raises(KeyValueStoreError) as caught:
        impatient.get_many([(PK, sk) for sk in "abcd"], Order)

    assert type(caught.value) is StoreUnavailableError
    assert caught.value.retryable
    message = str(caught.value)
    assert "('customer#1', 'b')" in message
    assert "('customer#1', 'd')" in message
    assert "'a'" not in message
    assert sum(fake_time.sleeps) <= PATIENCE_S
    assert sum(fake_time.sleeps) + _ceilings(len(fake_time.sleeps) + 1)[-1] > PATIENCE_S


def test_put_many_items_unwritten_past_batch_retry_seconds_raise_store_error_naming_them(
    impatient: DynamoDBService, engine: FakeEngine, fake_time: FakeTime
) -> None:
    engine.stick({"c": FOREVER})

    with pytest.raises(KeyValueStoreError) as caught:
        impatient.put_many([_order(sk) for sk in "abcd"])

    assert type(caught.value) is StoreUnavailableError
    assert caught.value.retryable
    assert "('customer#1', 'c')" in str(caught.value)
    assert sorted(sk for _, sk in engine.items) == ["a", "b", "d"]
    assert sum(fake_time.sleeps) <= PATIENCE_S
    assert sum(fake_time.sleeps) + _ceilings(len(fake_time.sleeps) + 1)[-1] > PATIENCE_S


def test_put_many_giving_up_names_every_item_left_unwritten_later_chunks_included(
    impatient: DynamoDBService, engine: FakeEngine
) -> None:
    sks = _sks(60)
    engine.stick({sks[30]: FOREVER})

    with pytest.raises(KeyValueStoreError) as caught:
        impatient.put_many([_order(sk) for sk in sks])

    written = {sk for _, sk in engine.items}
    unnamed = [sk for sk in sks if sk not in written and f"'{sk}'" not in str(caught.value)]
    assert unnamed == [], "put_many left these unwritten without saying so"


def test_get_many_giving_up_names_every_key_left_unread_later_chunks_included(
    impatient: DynamoDBService, engine: FakeEngine
) -> None:
    sks = _sks(250)
    engine.stick({sks[120]: FOREVER})
    engine.items = {(PK, sk): stored(sk) for sk in sks}

    with pytest.raises(KeyValueStoreError) as caught:
        impatient.get_many([(PK, sk) for sk in sks], Order)

    read = set(engine.sent_keys()) - {sks[120]}
    unnamed = [sk for sk in sks if sk not in read and f"'{sk}'" not in str(caught.value)]
    assert unnamed == [], "get_many left these unread without saying so"


def test_get_many_waits_at_most_batch_retry_seconds_in_all_across_chunks(
    impatient: DynamoDBService, engine: FakeEngine, fake_time: FakeTime
) -> None:
    sks = _sks(250)
    engine.stick(dict.fromkeys(sks[::25], 4))  # each chunk: 4 resends, 0.75 s of waits
    engine.items = {(PK, sk): stored(sk) for sk in sks}

    with contextlib.suppress(KeyValueStoreError):
        impatient.get_many([(PK, sk) for sk in sks], Order)

    assert sum(fake_time.sleeps) <= PATIENCE_S, f"waited {sum(fake_time.sleeps):.2f} s in all"


def test_put_many_waits_at_most_batch_retry_seconds_in_all_across_chunks(
    impatient: DynamoDBService, engine: FakeEngine, fake_time: FakeTime
) -> None:
    sks = _sks(250)
    engine.stick(dict.fromkeys(sks[::25], 4))  # each chunk: 4 resends, 0.75 s of waits

    with contextlib.suppress(KeyValueStoreError):
        impatient.put_many([_order(sk) for sk in sks])

    assert sum(fake_time.sleeps) <= PATIENCE_S, f"waited {sum(fake_time.sleeps):.2f} s in all"
