"""AsyncDynamoDBService against DynamoDBService: the same requests, results, errors and logs.

Each scenario runs on both forms, each with an in-process transport that records the
requests and serves the same canned answers (an HTTP answer, or a network failure
raised); the async form runs on asyncio and on trio, in a blocking portal. Every
outcome is checked against what it must be, and the async form's against the sync
form's: the error's class and message, the botocore error chained as its cause, the
operation's target and body, and each log call. Nothing leaves the process.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any
from unittest.mock import ANY, Mock

import anyio
import pytest
from anyio.from_thread import start_blocking_portal
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from pydantic import SecretStr

from lvrgd.common.services.dynamodb import DynamoDBConfig, DynamoDBService
from lvrgd.common.services.dynamodb._protocol import TOKEN, HttpRequest, HttpResponse
from lvrgd.common.services.dynamodb.async_dynamodb_service import AsyncDynamoDBService
from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreClosedError,
    StoreUnavailableError,
    TableNotFoundError,
    TransactionCanceledError,
    UnsupportedOperationError,
    WriteOutcomeUnknownError,
)
from lvrgd.common.services.logging import LoggingService

from ._bridge import _http
from ._data import (
    CREATE_REQUEST,
    DELETE_REQUEST,
    GET_REQUEST,
    ORDER,
    PAYLOAD,
    PK,
    SK,
    STORED_ORDER,
    TABLE,
    UPDATE_REQUEST,
    Order,
    page,
    query_request,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from anyio.from_thread import BlockingPortal
    from pytest_mock import MockerFixture

KEY_ID = "AKIDCANNED"
SECRET = "canned-secret-never-logged"  # noqa: S105 - a dummy credential for a canned transport
BACKENDS = ["asyncio", "trio"]
ENDPOINT = "https://dynamodb.eu-west-1.amazonaws.com"
_TYPE = "com.amazonaws.dynamodb.v20120810#"

Answer = HttpResponse | Exception


def _config() -> DynamoDBConfig:
    """One attempt per call: every canned answer is the call's one answer."""
    return DynamoDBConfig(
        table_name=TABLE,
        region="eu-west-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SecretStr(SECRET),
        max_attempts=1,
    )


def ok(body: dict[str, Any] | None = None) -> HttpResponse:
    """DynamoDB's answer of success with `body`."""
    return _http(200, body or {})


def refused(code: str, status: int = 400, **fields: Any) -> HttpResponse:
    """DynamoDB's error answer `code`, with a message and the error's other fields."""
    return _http(status, {"__type": _TYPE + code, "message": f"{code} says no", **fields})


@dataclass
class Canned:
    """Serves `answers` in order (raising the exceptions), keeping each request it is sent."""

    answers: list[Answer]
    requests: list[HttpRequest] = field(default_factory=list)
    closed: int = 0

    def take(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        """Each request's operation and body, without the random idempotency token."""
        sent = []
        for request in self.requests:
            body = json.loads(request.body)
            body.pop(TOKEN, None)
            sent.append((request.headers["X-Amz-Target"].split(".", 1)[1], body))
        return sent


class SyncCanned(Canned):
    """A Canned transport for DynamoDBService."""

    def send(self, request: HttpRequest) -> HttpResponse:
        return self.take(request)

    def close(self) -> None:
        self.closed += 1


class AsyncCanned(Canned):
    """A Canned transport for AsyncDynamoDBService."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        await anyio.lowlevel.checkpoint()
        return self.take(request)

    async def aclose(self) -> None:
        self.closed += 1


class Form:
    """One form of the adapter on a Canned transport, called the same way for both."""

    def __init__(self, answers: list[Answer], portal: BlockingPortal | None) -> None:
        self.logger = Mock(spec=LoggingService)
        self.portal = portal
        if portal is None:
            self.transport: Canned = SyncCanned(answers)
            self.store: Any = DynamoDBService(self.logger, _config(), transport=self.transport)
        else:
            self.transport = AsyncCanned(answers)
            self.store = portal.call(self._async_store)

    def _async_store(self) -> AsyncDynamoDBService:
        assert isinstance(self.transport, AsyncCanned)
        return AsyncDynamoDBService(self.logger, _config(), transport=self.transport)

    def do(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The store's operation `name`, awaited in the async form."""
        method = getattr(self.store, name)
        if self.portal is None:
            return method(*args, **kwargs)
        return self.portal.call(partial(method, *args, **kwargs))

    def commit(self, *orders: Order, fail: bool = False) -> None:
        """A transaction creating `orders`, its block raising RuntimeError if `fail`."""
        if self.portal is None:
            with self.store.transaction() as tx:
                self._collect(tx, orders, fail=fail)
        else:
            self.portal.call(self._async_commit, orders, fail)

    async def _async_commit(self, orders: tuple[Order, ...], fail: bool) -> None:  # noqa: FBT001
        async with self.store.transaction() as tx:
            self._collect(tx, orders, fail=fail)

    @staticmethod
    def _collect(tx: Any, orders: tuple[Order, ...], *, fail: bool) -> None:
        for order in orders:
            tx.create(order)
        if fail:
            msg = "the block failed"
            raise RuntimeError(msg)

    def close(self) -> None:
        """close() or aclose()."""
        self.do("close" if self.portal is None else "aclose")

    def logs(self) -> list[Any]:
        """The logger's calls, each duration checked and left out."""
        calls = []
        for name, args, fields in self.logger.method_calls:
            if "ms" in fields:
                assert isinstance(fields["ms"], float)
                assert fields["ms"] >= 0
            calls.append((name, args, {**fields, "ms": ANY} if "ms" in fields else fields))
        return calls


@dataclass(frozen=True)
class Outcome:
    """What a scenario did on one form: its result or error, requests and logs."""

    result: Any
    error: type[BaseException] | None
    message: str
    cause: type[BaseException] | None
    sent: list[tuple[str, dict[str, Any]]]
    logs: list[Any]


def _outcome(form: Form, scenario: Callable[[Form], Any]) -> Outcome:
    try:
        result = scenario(form)
    except Exception as exc:  # noqa: BLE001 - the outcome is compared across forms
        cause = exc.__cause__
        return Outcome(
            None,
            type(exc),
            str(exc),
            type(cause) if cause else None,
            form.transport.sent(),
            form.logs(),
        )
    return Outcome(result, None, "", None, form.transport.sent(), form.logs())


@pytest.fixture(params=BACKENDS)
def portal(request: pytest.FixtureRequest) -> Iterator[BlockingPortal]:
    """An event loop (asyncio or trio) in a worker thread, for the async form."""
    with start_blocking_portal(str(request.param)) as running:
        yield running


@pytest.fixture
def both(portal: BlockingPortal) -> Callable[[list[Answer], Callable[[Form], Any]], Outcome]:
    """``both(answers, scenario)``: the scenario's outcome, the same on the two forms."""

    def run(answers: list[Answer], scenario: Callable[[Form], Any]) -> Outcome:
        sync = _outcome(Form(list(answers), None), scenario)
        in_async = _outcome(Form(list(answers), portal), scenario)
        assert in_async == sync
        return sync

    return run


SECRET_ORDER = ORDER.model_copy(update={"note": PAYLOAD})

OPERATIONS: dict[str, Callable[[Form], Any]] = {
    "create": lambda f: f.do("create", ORDER),
    "update": lambda f: f.do("update", ORDER),
    "delete": lambda f: f.do("delete", PK, SK),
    "get_one": lambda f: f.do("get_one", PK, SK, Order),
    "query_by_pk": lambda f: f.do("query_by_pk", PK, Order),
    "get_many": lambda f: f.do("get_many", [(PK, SK)], Order),
    "put_many": lambda f: f.do("put_many", [ORDER]),
    "transaction": lambda f: f.commit(ORDER),
}
WRITES = {"create", "update", "delete", "put_many", "transaction"}


# --- requests and results -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "answer", "request_body", "result"),
    [
        ("create", ok(), CREATE_REQUEST, None),
        ("update", ok(), UPDATE_REQUEST, None),
        ("delete", ok(), DELETE_REQUEST, None),
        ("get_one", ok({"Item": STORED_ORDER}), GET_REQUEST, ORDER),
        ("get_one", ok(), GET_REQUEST, None),
        ("query_by_pk", ok(page(["a", "b"])), query_request(), "two orders"),
    ],
)
def test_each_operation_sends_the_sync_adapters_request_and_returns_its_result(
    both: Callable[..., Outcome],
    operation: str,
    answer: HttpResponse,
    request_body: dict[str, Any],
    result: Any,
) -> None:
    outcome = both([answer], OPERATIONS[operation])

    assert outcome.error is None
    assert outcome.sent == [(_target(operation), request_body)]
    if result == "two orders":
        assert [(o.pk, o.sk) for o in outcome.result] == [(PK, "a"), (PK, "b")]
    else:
        assert outcome.result == result


def _target(operation: str) -> str:
    return {
        "create": "PutItem",
        "update": "UpdateItem",
        "delete": "DeleteItem",
        "get_one": "GetItem",
        "query_by_pk": "Query",
    }[operation]


@pytest.mark.parametrize(
    ("operation", "answer", "target"),
    [
        ("get_many", ok({"Responses": {TABLE: [STORED_ORDER]}}), "BatchGetItem"),
        ("put_many", ok({"UnprocessedItems": {}}), "BatchWriteItem"),
        ("transaction", ok(), "TransactWriteItems"),
    ],
)
def test_batches_and_transactions_send_the_same_requests_as_the_sync_adapter(
    both: Callable[..., Outcome], operation: str, answer: HttpResponse, target: str
) -> None:
    outcome = both([answer], OPERATIONS[operation])

    assert outcome.error is None
    assert [name for name, _ in outcome.sent] == [target]
    assert TABLE in json.dumps(outcome.sent[0][1])


def test_query_page_follows_the_cursor_as_the_sync_adapter(
    both: Callable[..., Outcome],
) -> None:
    def two_pages(form: Form) -> list[list[str]]:
        first = form.do("query_page", PK, Order, page_size=2)
        second = form.do("query_page", PK, Order, page_size=2, cursor=first.cursor)
        return [[o.sk for o in first.items], [o.sk for o in second.items]]

    outcome = both([ok(page(["a", "b"], last="b")), ok(page(["c"]))], two_pages)

    after_b = {"pk": {"S": PK}, "sk": {"S": "b"}}
    assert outcome.result == [["a", "b"], ["c"]]
    assert [(body["Limit"], body.get("ExclusiveStartKey")) for _, body in outcome.sent] == [
        (3, None),  # a page and one more, to know whether a next page exists
        (1, after_b),
        (3, after_b),
    ]


def test_a_transaction_whose_block_raises_sends_nothing(both: Callable[..., Outcome]) -> None:
    outcome = both([ok()], lambda f: f.commit(ORDER, fail=True))

    assert outcome.error is RuntimeError
    assert outcome.sent == []


# --- errors -------------------------------------------------------------------------------

_CONDITION = refused("ConditionalCheckFailedException", Item=STORED_ORDER)
_ERRORS: list[tuple[str, Answer, type[KeyValueStoreError], type[KeyValueStoreError]]] = [
    # (case, answer, the error of a write, the error of a read)
    ("validation", refused("ValidationException"), InvalidItemError, InvalidQueryError),
    ("no table", refused("ResourceNotFoundException"), TableNotFoundError, TableNotFoundError),
    (
        "unknown operation",
        refused("UnknownOperationException"),
        UnsupportedOperationError,
        UnsupportedOperationError,
    ),
    *(
        (code, refused(code), StoreUnavailableError, StoreUnavailableError)
        for code in (
            "ProvisionedThroughputExceededException",
            "ThrottlingException",
            "RequestLimitExceeded",
            "Throttling",
        )
    ),
    *(
        (code, refused(code, 500), WriteOutcomeUnknownError, StoreUnavailableError)
        for code in ("InternalServerError", "InternalFailure", "ServiceUnavailable")
    ),
    ("unnamed 5xx", refused("Whatever", 502), WriteOutcomeUnknownError, StoreUnavailableError),
    *(
        (code, refused(code), KeyValueStoreError, KeyValueStoreError)
        for code in (
            "AccessDeniedException",
            "UnrecognizedClientException",
            "ItemCollectionSizeLimitExceededException",
            "MissingAuthenticationTokenException",
        )
    ),
    (
        "refused connection",
        EndpointConnectionError(endpoint_url=ENDPOINT),
        StoreUnavailableError,
        StoreUnavailableError,
    ),
    (
        "connect timeout",
        ConnectTimeoutError(endpoint_url=ENDPOINT),
        StoreUnavailableError,
        StoreUnavailableError,
    ),
    (
        "read timeout",
        ReadTimeoutError(endpoint_url=ENDPOINT),
        WriteOutcomeUnknownError,
        StoreUnavailableError,
    ),
    (
        "lost connection",
        ConnectionClosedError(endpoint_url=ENDPOINT),
        WriteOutcomeUnknownError,
        StoreUnavailableError,
    ),
    (
        "corrupted answer",
        HttpResponse(200, {"x-amz-crc32": "1"}, b"{}"),
        WriteOutcomeUnknownError,
        StoreUnavailableError,
    ),
]


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize(
    ("answer", "on_write", "on_read"), [e[1:] for e in _ERRORS], ids=[e[0] for e in _ERRORS]
)
def test_every_engine_and_network_failure_is_the_sync_adapters_error_with_its_cause(
    both: Callable[..., Outcome],
    operation: str,
    answer: Answer,
    on_write: type[KeyValueStoreError],
    on_read: type[KeyValueStoreError],
) -> None:
    outcome = both([answer], OPERATIONS[operation])

    assert outcome.error is (on_write if operation in WRITES else on_read)
    assert outcome.message.startswith(operation)
    assert outcome.cause is not None
    assert issubclass(outcome.cause, ClientError | BotoCoreError)
    assert len(outcome.sent) == 1  # one attempt: nothing resent behind the caller's back


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ("create", ItemAlreadyExistsError),
        ("update", ItemNotFoundError),
        ("delete", ItemNotFoundError),
    ],
)
def test_a_failed_condition_is_the_operations_error_naming_the_key(
    both: Callable[..., Outcome], operation: str, error: type[KeyValueStoreError]
) -> None:
    outcome = both([_CONDITION], OPERATIONS[operation])

    assert outcome.error is error
    assert PK in outcome.message
    assert SK in outcome.message


def test_a_canceled_transaction_gives_each_operations_reason(
    both: Callable[..., Outcome],
) -> None:
    canceled = refused(
        "TransactionCanceledException",
        CancellationReasons=[{"Code": "None"}, {"Code": "ConditionalCheckFailed"}],
    )

    def commit(form: Form) -> list[str | None]:
        try:
            form.commit(ORDER, ORDER.model_copy(update={"sk": "order#2"}))
        except TransactionCanceledError as exc:
            return [None if r is None else type(r).__name__ for r in exc.reasons]
        return []

    outcome = both([canceled, ok()], commit)

    assert outcome.result == [None, "ItemAlreadyExistsError"]
    assert [name for name, _ in outcome.sent] == ["TransactWriteItems", "GetItem"]


# --- logging ------------------------------------------------------------------------------


def test_a_call_is_logged_at_debug_with_name_key_and_milliseconds(
    both: Callable[..., Outcome],
) -> None:
    outcome = both([ok({"Item": STORED_ORDER})], OPERATIONS["get_one"])

    assert outcome.logs == [
        ("debug", ("get_one",), {"op": "get_one", "pk": PK, "sk": SK, "ms": ANY})
    ]


def test_an_engine_failure_is_logged_at_error_with_operation_and_key(
    both: Callable[..., Outcome],
) -> None:
    outcome = both([refused("InternalServerError", 500)], OPERATIONS["update"])

    assert outcome.logs == [
        (
            "error",
            ("operation failed",),
            {
                "op": "update",
                "pk": PK,
                "sk": SK,
                "error": "WriteOutcomeUnknownError",
                "attempts": 1,
            },
        )
    ]


def test_a_failed_condition_is_not_an_error_in_the_logs(both: Callable[..., Outcome]) -> None:
    outcome = both([_CONDITION], OPERATIONS["create"])

    assert [name for name, _, _ in outcome.logs] == ["debug"]


@pytest.mark.parametrize("answer", [ok(), refused("InternalServerError", 500), _CONDITION])
def test_logs_never_hold_payloads_or_secrets(
    both: Callable[..., Outcome], answer: HttpResponse
) -> None:
    outcome = both([answer], lambda f: f.do("create", SECRET_ORDER))

    assert PAYLOAD in json.dumps(outcome.sent)  # the request holds it...
    logged = repr(outcome.logs)
    assert PAYLOAD not in logged  # ...the logs never
    assert SECRET not in logged


# --- closing and threads ------------------------------------------------------------------


def test_closing_twice_closes_the_transport_once_and_later_calls_are_refused_unsent(
    portal: BlockingPortal,
) -> None:
    for form in (Form([ok()], None), Form([ok()], portal)):
        form.do("get_one", PK, SK, Order)
        form.close()
        form.close()

        with pytest.raises(StoreClosedError, match="get_one: the store is closed"):
            form.do("get_one", PK, SK, Order)
        assert form.transport.closed == 1
        assert len(form.transport.requests) == 1


def test_async_with_closes_the_store_on_exit(portal: BlockingPortal) -> None:
    form = Form([ok()], portal)

    async def use() -> None:
        async with form.store as store:
            await store.delete(PK, SK)

    portal.call(use)

    assert form.transport.closed == 1
    with pytest.raises(StoreClosedError):
        form.do("delete", PK, SK)


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_calls_take_no_thread_each(backend: str, mocker: MockerFixture) -> None:
    threads = mocker.spy(anyio.to_thread, "run_sync")
    transport = AsyncCanned([ok(page(["a"]))])
    seen: set[int] = set()

    async def main() -> None:
        store = AsyncDynamoDBService(Mock(spec=LoggingService), _config(), transport=transport)

        async def query() -> None:
            await store.query_by_pk(PK, Order)
            seen.add(threading.get_ident())

        async with anyio.create_task_group() as tasks:
            for _ in range(100):
                tasks.start_soon(query)
        await store.aclose()

    anyio.run(main, backend=backend)

    assert len(transport.requests) == 100
    assert threads.call_count == 1  # botocore's client and the credentials, once
    assert seen == {threading.get_ident()}  # every call finished on the loop's thread
