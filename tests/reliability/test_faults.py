"""DynamoDBService against dead, unreachable, hung, throttling and failing endpoints.

Every failure is a KeyValueStoreError that names the operation and the key, within
the bound the config sets: max_attempts x (connect_timeout + read_timeout) plus
botocore's backoff between attempts, and its class says what the caller can do: a
dead or unreachable endpoint and throttling are StoreUnavailableError (retry later);
a write sent and never answered, or answered 500, is WriteOutcomeUnknownError; a
missing table is TableNotFoundError; a call the engine lacks is
UnsupportedOperationError. Throttling and 500s are retried by botocore up to
max_attempts; a fault that clears in time is never seen; and the same service serves
the next call once the endpoint is back.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.retries.standard import ExponentialBackoff, RetryContext, ThrottlingErrorDetector

from lvrgd.common.services import (
    DynamoDBService,
    KeyValueItem,
    KeyValueStoreError,
    StoreUnavailableError,
    TableNotFoundError,
    UnsupportedOperationError,
    VersionedItem,
    WriteOutcomeUnknownError,
)

from ._figures import FIGURES
from ._proxy import Blackhole, Fault, FaultProxy, closed_port_url
from .conftest import SilentLogger, config_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from lvrgd.common.services import DynamoDBConfig

ATTEMPTS = 3
CONNECT_TIMEOUT_S = 0.3
READ_TIMEOUT_S = 0.3
SLACK_S = 1.5
"""Thread start-up, a loaded machine, and the work between attempts."""
PK = "fault#customer"
SK = "fault#order"


class Record(KeyValueItem):
    """A plain item."""

    body: str = "x"


class Counter(VersionedItem, entity="tests.reliability.test_faults.Counter"):
    """An item under optimistic locking."""

    body: str = "x"


def _transaction(service: DynamoDBService) -> None:
    with service.transaction() as tx:
        tx.create(Record(pk=PK, sk=SK))


OPERATIONS: dict[str, Callable[[DynamoDBService], object]] = {
    "create": lambda s: s.create(Record(pk=PK, sk=SK)),
    "update": lambda s: s.update(Record(pk=PK, sk=SK, body="y")),
    "delete": lambda s: s.delete(PK, SK),
    "get_one": lambda s: s.get_one(PK, SK, Record),
    "query_by_pk": lambda s: s.query_by_pk(PK, Record),
    "query_page": lambda s: s.query_page(PK, Record),
    "get_many": lambda s: s.get_many([(PK, SK)], Record),
    "put_many": lambda s: s.put_many([Record(pk=PK, sk=SK)]),
    "transaction": _transaction,
}
NAMES_THE_ITEM = frozenset({"create", "update", "delete", "get_one"})
NAMES_THE_PARTITION = frozenset({"query_by_pk", "query_page"})
WRITES = frozenset({"create", "update", "delete", "put_many", "transaction"})


class _AlwaysThrottled:
    """Makes botocore's backoff take its throttling scale, the larger one."""

    def is_throttling_error_from_context(self, context: RetryContext) -> bool:
        return True


def backoff_ceiling_s(attempts: int) -> float:
    """The longest botocore waits in all between `attempts` attempts (jitter at its top)."""
    always = cast("ThrottlingErrorDetector", _AlwaysThrottled())
    backoff = ExponentialBackoff(
        random=lambda: 1.0, service_name="dynamodb", throttling_detector=always
    )
    return sum(
        float(backoff.delay_amount(RetryContext(attempt_number=attempt)))
        for attempt in range(1, attempts)
    )


def bound_s(attempts: int = ATTEMPTS) -> float:
    """The configured bound on a failing call: timeouts per attempt, and the backoff between."""
    return attempts * (CONNECT_TIMEOUT_S + READ_TIMEOUT_S) + backoff_ceiling_s(attempts)


def _fault_config(endpoint_url: str, table_name: str = "reliability-faults") -> DynamoDBConfig:
    return config_for(
        endpoint_url,
        table_name,
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        max_attempts=ATTEMPTS,
    )


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    """What `call` returned or raised, and how long it took."""
    started = time.perf_counter()
    try:
        outcome: object = call()
    except Exception as exc:  # noqa: BLE001 - the caller checks what it is
        outcome = exc
    return outcome, time.perf_counter() - started


def _every_operation_fails(config: DynamoDBConfig) -> dict[str, tuple[object, float]]:
    """Run every operation, and ping, each on its own service and thread, timing each."""

    def run(name: str) -> tuple[object, float]:
        with DynamoDBService(SilentLogger(), config) as service:
            if name == "ping":
                return _timed(service.ping)
            return _timed(lambda: OPERATIONS[name](service))

    names = [*OPERATIONS, "ping"]
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return dict(zip(names, pool.map(run, names), strict=True))


def _check_failures(
    kind: str,
    outcomes: dict[str, tuple[object, float]],
    cause: type[BotoCoreError],
    *,
    sent: bool,
) -> None:
    bound = bound_s() + SLACK_S
    for name, (outcome, seconds) in outcomes.items():
        FIGURES.peak(f"faults.{kind}.seconds_to_fail.max", seconds)
        assert seconds < bound, (
            f"{name} took {seconds:.2f}s on a {kind} endpoint; bound {bound:.2f}s"
        )
        if name == "ping":
            assert outcome is False
            continue
        ambiguous = sent and name in WRITES
        expected = WriteOutcomeUnknownError if ambiguous else StoreUnavailableError
        assert type(outcome) is expected, f"{name}: {outcome!r}"
        assert outcome.retryable
        assert outcome.attempts == ATTEMPTS, f"{name}: {outcome.attempts} attempts"
        assert isinstance(outcome.__cause__, cause), f"{name}: cause {outcome.__cause__!r}"
        message = str(outcome)
        assert message.startswith(f"{name}:"), message
        if name in NAMES_THE_ITEM:
            assert repr(PK) in message, message
            assert repr(SK) in message, message
        if name in NAMES_THE_PARTITION:
            assert repr(PK) in message, message
    FIGURES.note(
        f"faults.{kind}.bound",
        f"{ATTEMPTS} attempts x ({CONNECT_TIMEOUT_S}s connect + {READ_TIMEOUT_S}s read) "
        f"+ {backoff_ceiling_s(ATTEMPTS):.1f}s backoff ceiling = {bound_s():.2f}s",
    )


def test_dead_endpoint_every_operation_fails_within_the_bound_naming_it() -> None:
    outcomes = _every_operation_fails(_fault_config(closed_port_url()))
    _check_failures("dead", outcomes, EndpointConnectionError, sent=False)


def test_unreachable_endpoint_every_operation_fails_within_the_bound_naming_it() -> None:
    blackhole = Blackhole()
    try:
        outcomes = _every_operation_fails(_fault_config(blackhole.endpoint_url))
    finally:
        blackhole.close()
    _check_failures("connect_timeout", outcomes, ConnectTimeoutError, sent=False)


def test_hung_endpoint_every_operation_fails_within_the_bound_naming_it() -> None:
    with FaultProxy(None) as hung:  # accepts, reads, never answers
        outcomes = _every_operation_fails(_fault_config(hung.endpoint_url))
        attempts_seen = len(hung.seen())
    _check_failures("hung", outcomes, ReadTimeoutError, sent=True)
    # Every operation but the transaction and the batches is one request per attempt.
    assert attempts_seen >= ATTEMPTS * len(outcomes)
    FIGURES.set("faults.hung.requests_seen", attempts_seen)
    FIGURES.set("faults.hung.calls", len(outcomes))


def test_dead_endpoint_coming_back_serves_the_same_service(
    new_table: Callable[..., DynamoDBConfig], engine: Any
) -> None:
    dead = closed_port_url()
    config = new_table(via=dead, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S)
    port = int(dead.rsplit(":", 1)[1])
    with DynamoDBService(SilentLogger(), config) as service:
        with pytest.raises(KeyValueStoreError):
            service.create(Record(pk=PK, sk=SK))
        assert service.ping() is False
        with FaultProxy(engine.endpoint_url, port=port):
            assert service.ping() is True
            service.create(Record(pk=PK, sk=SK))
            assert service.get_one(PK, SK, Record) == Record(pk=PK, sk=SK)


def test_hung_endpoint_answering_again_serves_the_same_service(
    proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table(via=proxy.endpoint_url, read_timeout=READ_TIMEOUT_S)
    with DynamoDBService(SilentLogger(), config) as service:
        service.create(Record(pk=PK, sk=SK))
        proxy.inject(Fault.HANG, operation="GetItem", times=ATTEMPTS)
        with pytest.raises(KeyValueStoreError) as caught:
            service.get_one(PK, SK, Record)
        assert isinstance(caught.value.__cause__, ReadTimeoutError)
        assert service.get_one(PK, SK, Record) == Record(pk=PK, sk=SK)
    assert len(proxy.seen("GetItem")) == ATTEMPTS + 1


@pytest.mark.parametrize("fault", [Fault.THROTTLE, Fault.ERROR_500], ids=lambda f: f.value)
def test_fault_on_every_attempt_surfaces_as_store_error_after_max_attempts(
    fault: Fault, proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table(via=proxy.endpoint_url, max_attempts=ATTEMPTS)
    proxy.inject(fault, operation="PutItem", times=ATTEMPTS)
    with DynamoDBService(SilentLogger(), config) as service:
        with pytest.raises(KeyValueStoreError) as caught:
            service.create(Record(pk=PK, sk=SK))
        # A 500 may come after the engine applied the write: the caller cannot know.
        expected = StoreUnavailableError if fault is Fault.THROTTLE else WriteOutcomeUnknownError
        assert type(caught.value) is expected
        assert caught.value.attempts == ATTEMPTS
        assert isinstance(caught.value.__cause__, ClientError)
        assert str(caught.value).startswith(f"create: pk={PK!r}, sk={SK!r}: ")
        assert len(proxy.seen("PutItem")) == ATTEMPTS
        FIGURES.set(f"faults.{fault.value}.attempts_seen_when_persistent", ATTEMPTS)
        assert service.get_one(PK, SK, Record) is None  # no attempt reached the engine
        service.create(Record(pk=PK, sk=SK))  # the same service, once the fault is gone
        assert service.query_by_pk(PK, Record) == [Record(pk=PK, sk=SK)]


def test_missing_table_is_table_not_found_naming_it_for_every_operation(
    engine: Any,
) -> None:
    config = _fault_config(engine.endpoint_url, f"missing-{uuid.uuid4().hex}")
    with DynamoDBService(SilentLogger(), config) as service:
        for name, operation in OPERATIONS.items():
            with pytest.raises(TableNotFoundError) as caught:
                operation(service)
            assert caught.value.table == config.table_name, name
            assert str(caught.value).startswith(f"{name}:"), name
            assert isinstance(caught.value.__cause__, ClientError)
            assert not caught.value.retryable


def test_call_the_engine_lacks_is_unsupported_naming_endpoint_and_api_call(
    proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table(via=proxy.endpoint_url)
    proxy.inject(Fault.UNKNOWN_OPERATION, operation="TransactWriteItems", times=ATTEMPTS)
    with DynamoDBService(SilentLogger(), config) as service:
        with pytest.raises(UnsupportedOperationError) as caught:
            _transaction(service)
        assert (caught.value.operation, caught.value.api_call) == (
            "transaction",
            "TransactWriteItems",
        )
        assert caught.value.endpoint == proxy.endpoint_url
        assert proxy.endpoint_url in str(caught.value)
        assert len(proxy.seen("TransactWriteItems")) == 1  # not retried: it cannot succeed
        assert service.get_one(PK, SK, Record) is None


@pytest.mark.parametrize("fault", [Fault.THROTTLE, Fault.ERROR_500], ids=lambda f: f.value)
def test_fault_clearing_before_the_last_attempt_is_never_seen(
    fault: Fault, proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table(via=proxy.endpoint_url, max_attempts=ATTEMPTS)
    proxy.inject(fault, operation="PutItem", times=ATTEMPTS - 1)
    with DynamoDBService(SilentLogger(), config) as service:
        service.create(Record(pk=PK, sk=SK))
        assert service.query_by_pk(PK, Record) == [Record(pk=PK, sk=SK)]
    assert [seen.fault for seen in proxy.seen("PutItem")] == [fault] * (ATTEMPTS - 1) + [Fault.PASS]


def test_delay_below_the_read_timeout_is_one_attempt(
    proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table(via=proxy.endpoint_url, read_timeout=1.0)
    proxy.inject(Fault.DELAY, operation="PutItem", seconds=0.3)
    with DynamoDBService(SilentLogger(), config) as service:
        service.create(Record(pk=PK, sk=SK))
    assert len(proxy.seen("PutItem")) == 1


DELAYED_ORIGINAL_S = 3.0
"""Longer than a read timeout, the backoff and two more calls: the original lands last."""


def _overtaken_by_delayed_original(
    proxy: FaultProxy, config: DynamoDBConfig, item: Record | Counter
) -> Record | Counter | None:
    """Update `item` to v1 (its first attempt delayed past the resend), then to v2."""
    with DynamoDBService(SilentLogger(), config) as service:
        service.create(item)
        proxy.inject(Fault.DELAY, operation="UpdateItem", seconds=DELAYED_ORIGINAL_S)
        item.body = "v1"
        service.update(item)  # the resend answers; the original is still held
        item.body = "v2"
        service.update(item)
        assert proxy.wait_idle(DELAYED_ORIGINAL_S + 5)  # the original has now been forwarded
        assert [s.fault for s in proxy.seen("UpdateItem")] == [Fault.DELAY, Fault.PASS, Fault.PASS]
        return service.get_one(item.pk, item.sk, type(item))


def test_delayed_original_of_a_plain_update_can_overwrite_a_later_update(
    proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    """A documented limit: a plain update is not ordered against its own late original."""
    config = new_table(via=proxy.endpoint_url, read_timeout=READ_TIMEOUT_S)
    final = _overtaken_by_delayed_original(proxy, config, Record(pk=PK, sk=uuid.uuid4().hex))
    assert final is not None
    assert final.body == "v1"  # v2 was written, then the late v1 landed on it


def test_delayed_original_of_a_versioned_update_is_refused(
    proxy: FaultProxy, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table(via=proxy.endpoint_url, read_timeout=READ_TIMEOUT_S)
    final = _overtaken_by_delayed_original(proxy, config, Counter(pk=PK, sk=uuid.uuid4().hex))
    assert isinstance(final, Counter)
    assert (final.body, final.version) == ("v2", 3)
