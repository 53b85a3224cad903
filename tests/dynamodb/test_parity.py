# ruff: noqa: E501 - the tables of operations read best a line each
"""What botocore does silently, proven equal: both drivers against boto3's own client.

Each test runs the same thing through a boto3 client (answered inside botocore, on
``before-send``) and through a driver (answered by a transport), and compares: the
endpoint, the number of sends and the waits between them, the headers and the body of
every operation, the transaction token across resends, and the credentials under
concurrent callers. Every test that takes `drive` runs on the sync driver and on the
async one (on an event loop in a worker thread: anyio's blocking portal); the async
driver's own promises (credentials resolved off the event loop, no thread per call)
come last. Nothing leaves the process; no test sleeps.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import traceback
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import anyio
import boto3
import botocore.session
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from botocore.awsrequest import AWSResponse
from botocore.credentials import (
    Credentials,
    DeferredRefreshableCredentials,
    RefreshableCredentials,
)
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from botocore.retries.standard import ExponentialBackoff
from pydantic import SecretStr

from lvrgd.common.services.dynamodb import DynamoDBConfig, _table
from lvrgd.common.services.dynamodb._async_parts import new_async_driver
from lvrgd.common.services.dynamodb._protocol import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pytest_mock import MockerFixture

    from lvrgd.common.services.dynamodb._async_driver import AsyncDriver

KEY_ID = "AKIDPARITY"
SECRET = "parity-secret"  # noqa: S105 - a dummy for clients that never connect
TABLE = "parity"
ITEM = {"pk": {"S": "p"}, "sk": {"S": "s"}, "n": {"N": "1.5"}, "b": {"B": b"\x00\xff"}}
KEY = {"pk": {"S": "p"}, "sk": {"S": "s"}}
_DDB = "com.amazonaws.dynamodb.v20120810#"
GET = ("GetItem", {"TableName": TABLE, "Key": KEY})


def _config(**fields: Any) -> DynamoDBConfig:
    base: dict[str, Any] = {
        "table_name": TABLE,
        "aws_access_key_id": KEY_ID,
        "aws_secret_access_key": SecretStr(SECRET),
    }
    return DynamoDBConfig(**{**base, **fields})


# --- failures, as botocore meets them and as the driver meets them -----------------------


@dataclass(frozen=True)
class Failure:
    """One kind of failed attempt: an HTTP answer, or an exception while sending."""

    name: str
    status: int = 200
    body: bytes = b"{}"
    crc32: str | None = None
    raises: type[ConnectionClosedError | ReadTimeoutError] | None = None

    def answer(self, url: str) -> tuple[int, dict[str, str], bytes]:
        if self.raises is not None:
            raise self.raises(endpoint_url=url)
        crc = self.crc32 if self.crc32 is not None else str(zlib.crc32(self.body))
        return (
            self.status,
            {"x-amz-crc32": crc, "content-type": "application/x-amz-json-1.0"},
            self.body,
        )


def _error(code: str) -> bytes:
    return json.dumps({"__type": _DDB + code, "message": "no"}).encode()


FAILURES = [
    Failure("ThrottlingException", 400, _error("ThrottlingException")),
    Failure(
        "ProvisionedThroughputExceededException",
        400,
        _error("ProvisionedThroughputExceededException"),
    ),
    Failure("RequestLimitExceeded", 400, _error("RequestLimitExceeded")),
    Failure("500", 500, _error("InternalServerError")),
    Failure("503", 503, b""),
    Failure("connection-reset", raises=ConnectionClosedError),
    Failure("read-timeout", raises=ReadTimeoutError),
    Failure("crc32-mismatch", 200, b"{}", crc32="1"),
]


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Recorder:
    """Answers every send as `answer` says, keeping each request and each wait."""

    answer: Callable[[str], tuple[int, dict[str, str], bytes]]
    requests: list[tuple[dict[str, str], bytes, str]] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # botocore's side
    def before_send(self, request: Any, **_: Any) -> AWSResponse:
        headers = {
            k: v.decode() if isinstance(v, bytes) else str(v) for k, v in request.headers.items()
        }
        with self.lock:
            self.requests.append((headers, bytes(request.body), request.url))
        status, answer_headers, body = self.answer(request.url)
        return AWSResponse(request.url, status, answer_headers, _Body(body))  # type: ignore[arg-type]

    # the driver's side (a Transport)
    def send(self, request: HttpRequest) -> HttpResponse:
        with self.lock:
            self.requests.append((dict(request.headers), request.body, request.url))
        status, headers, body = self.answer(request.url)
        return HttpResponse(status, headers, body)

    def close(self) -> None:
        pass


def _ok(_: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"x-amz-crc32": str(zlib.crc32(b"{}"))}, b"{}"


def _boto(config: DynamoDBConfig, recorder: Recorder, mocker: MockerFixture) -> Any:
    client = _table.new_client(config)
    handler: Any = recorder.before_send
    client.meta.events.register("before-send.dynamodb", handler)
    mocker.patch("botocore.endpoint.time.sleep", side_effect=recorder.sleeps.append)
    return client


class Driven(Protocol):
    """A driver as the tests use it, sync or async."""

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]: ...

    def call_together(self, count: int, operation: str, params: dict[str, Any]) -> None: ...

    def endpoint(self) -> str | None: ...


class _Sync:
    """The sync driver, as DynamoDBService builds it; concurrent callers are 16 threads."""

    def __init__(self, config: DynamoDBConfig, recorder: Recorder) -> None:
        client = _table.new_client(config)
        self.driver = _table.new_driver(config, client, recorder, sleep=recorder.sleeps.append)

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.driver.call(operation, params)

    def call_together(self, count: int, operation: str, params: dict[str, Any]) -> None:
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda _: self.driver.call(operation, params), range(count)))

    def endpoint(self) -> str | None:
        return self.driver.endpoint


class _AsyncRecorder:
    """A Recorder as an async transport."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def send(self, request: HttpRequest) -> HttpResponse:
        return self.recorder.send(request)

    async def aclose(self) -> None:
        pass


class _Async:
    """The async driver, on the portal's event loop; concurrent callers are tasks."""

    def __init__(self, config: DynamoDBConfig, recorder: Recorder, portal: BlockingPortal) -> None:
        async def sleep(seconds: float) -> None:
            recorder.sleeps.append(seconds)

        self.driver: AsyncDriver = new_async_driver(
            config, transport=_AsyncRecorder(recorder), sleep=sleep
        )
        self.portal = portal

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.portal.call(self.driver.call, operation, params)

    def call_together(self, count: int, operation: str, params: dict[str, Any]) -> None:
        async def together() -> None:
            async with anyio.create_task_group() as tasks:
                for _ in range(count):
                    tasks.start_soon(self.driver.call, operation, params)

        self.portal.call(together)

    def endpoint(self) -> str | None:
        self.portal.call(self.driver.prepare)
        return self.driver.endpoint


Drive: TypeAlias = "Callable[[DynamoDBConfig, Recorder], Driven]"


@pytest.fixture(params=["sync", "async"])
def drive(request: pytest.FixtureRequest) -> Iterator[Drive]:
    """Builds the driver under test for a config, sending through a Recorder."""
    if request.param == "sync":
        yield _Sync
        return
    with start_blocking_portal() as portal:
        yield lambda config, recorder: _Async(config, recorder, portal)


@pytest.fixture
def full_jitter(mocker: MockerFixture) -> None:
    """botocore's backoff draws 1.0: each wait is its ceiling, the bound of its attempt."""
    original = ExponentialBackoff.delay_amount

    def at_ceiling(self: ExponentialBackoff, context: Any) -> float:
        self._random = lambda: 1.0  # type: ignore[attr-defined]
        return float(original(self, context))

    mocker.patch.object(ExponentialBackoff, "delay_amount", at_ceiling)


# --- the endpoint -----------------------------------------------------------------------

ENDPOINTS = [
    ({"region": "us-east-1"}, {}),
    ({"region": "eu-west-1"}, {}),
    ({"region": "ap-southeast-2"}, {}),
    ({"region": "cn-north-1"}, {}),
    ({"region": "cn-northwest-1"}, {}),
    ({"region": "us-gov-west-1"}, {}),
    ({"region": "eu-west-1", "endpoint_url": "http://localhost:8000"}, {}),
    (
        {
            "region": "eu-west-1",
            "endpoint_url": "https://vpce-1.dynamodb.eu-west-1.vpce.amazonaws.com",
        },
        {},
    ),
    ({"region": "us-east-1"}, {"AWS_USE_FIPS_ENDPOINT": "true"}),
    ({"region": "us-west-2"}, {"AWS_USE_DUALSTACK_ENDPOINT": "true"}),
    (
        {"region": "us-east-2"},
        {"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
    ),
    ({"region": "cn-north-1"}, {"AWS_USE_DUALSTACK_ENDPOINT": "true"}),
]


@pytest.mark.parametrize(("fields", "environment"), ENDPOINTS, ids=str)
def test_endpoint_is_boto3s_endpoint(
    fields: dict[str, str],
    environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    drive: Drive,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = _config(**fields)
    boto = boto3.session.Session().client(
        "dynamodb",
        region_name=config.region,
        endpoint_url=config.endpoint_url,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )

    assert drive(config, Recorder(_ok)).endpoint() == boto.meta.endpoint_url


@pytest.mark.parametrize(("fields", "environment"), ENDPOINTS[:8], ids=str)
def test_requests_go_where_boto3_sends_them(
    fields: dict[str, str],
    environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    mocker: MockerFixture,
    drive: Drive,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = _config(**fields)
    theirs, ours = Recorder(_ok), Recorder(_ok)
    _boto(config, theirs, mocker).get_item(TableName=TABLE, Key=KEY)
    drive(config, ours).call(*GET)

    assert ours.requests[0][2] == theirs.requests[0][2]


# --- retries: sends and waits -------------------------------------------------------------


@pytest.mark.usefixtures("full_jitter")
@pytest.mark.parametrize("failure", FAILURES, ids=[f.name for f in FAILURES])
@pytest.mark.parametrize("max_attempts", [1, 2, 3, 5])
def test_failing_call_sends_and_waits_as_botocores_standard_mode(
    failure: Failure, max_attempts: int, mocker: MockerFixture, drive: Drive
) -> None:
    config = _config(max_attempts=max_attempts)
    theirs, ours = Recorder(failure.answer), Recorder(failure.answer)
    request = {"TableName": TABLE, "Item": ITEM}

    with contextlib.suppress(ClientError, ConnectionClosedError, ReadTimeoutError):
        _boto(config, theirs, mocker).put_item(**request)
    with pytest.raises(Exception):  # noqa: B017, PT011 - every failure ends in one
        drive(config, ours).call("PutItem", request)

    assert len(ours.requests) == len(theirs.requests) == max_attempts
    assert ours.sleeps == pytest.approx(theirs.sleeps)
    assert len(ours.sleeps) == max_attempts - 1


@pytest.mark.usefixtures("full_jitter")
@pytest.mark.parametrize("failure", FAILURES, ids=[f.name for f in FAILURES])
def test_fault_clearing_before_the_last_attempt_is_resent_as_botocore_does(
    failure: Failure, mocker: MockerFixture, drive: Drive
) -> None:
    config = _config(max_attempts=3)

    def flaky() -> Callable[[str], tuple[int, dict[str, str], bytes]]:
        calls = iter(range(100))
        return lambda url: failure.answer(url) if next(calls) < 2 else _ok(url)

    theirs, ours = Recorder(flaky()), Recorder(flaky())
    _boto(config, theirs, mocker).get_item(TableName=TABLE, Key=KEY)
    assert drive(config, ours).call(*GET) == {}

    assert len(ours.requests) == len(theirs.requests) == 3
    assert ours.sleeps == pytest.approx(theirs.sleeps)


# --- headers and bodies ---------------------------------------------------------------------

OPERATIONS: list[tuple[str, dict[str, Any]]] = [
    ("PutItem", {"TableName": TABLE, "Item": ITEM, "ConditionExpression": "attribute_not_exists(#pk)",
                 "ExpressionAttributeNames": {"#pk": "pk"}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
    ("UpdateItem", {"TableName": TABLE, "Key": KEY, "UpdateExpression": "SET #a = :a",
                    "ExpressionAttributeNames": {"#a": "é"}, "ExpressionAttributeValues": {":a": {"S": "ü😀"}}}),
    ("DeleteItem", {"TableName": TABLE, "Key": KEY, "ConditionExpression": "attribute_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": "pk"}}),
    ("GetItem", {"TableName": TABLE, "Key": KEY, "ConsistentRead": True}),
    ("Query", {"TableName": TABLE, "KeyConditionExpression": "#pk = :pk", "ExpressionAttributeNames": {"#pk": "pk"},
               "ExpressionAttributeValues": {":pk": {"S": "p"}}, "ScanIndexForward": False, "Limit": 10,
               "ExclusiveStartKey": KEY, "ConsistentRead": True}),
    ("BatchGetItem", {"RequestItems": {TABLE: {"Keys": [KEY], "ConsistentRead": True}}}),
    ("BatchWriteItem", {"RequestItems": {TABLE: [{"PutRequest": {"Item": ITEM}}]}}),
    ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": TABLE, "Item": ITEM}},
                                              {"ConditionCheck": {"TableName": TABLE, "Key": KEY,
                                                                  "ConditionExpression": "attribute_exists(#pk)",
                                                                  "ExpressionAttributeNames": {"#pk": "pk"}}}]}),
    ("DescribeTable", {"TableName": TABLE}),
]  # fmt: skip
_RANDOM = ("amz-sdk-invocation-id",)


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


@pytest.fixture
def frozen_clock(mocker: MockerFixture) -> None:
    """botocore's signer reads one fixed time: dates and signatures become comparable."""
    now = dt.datetime(2026, 12, 5, 12, 0, 0)  # noqa: DTZ001 - botocore's clock is naive UTC
    mocker.patch("botocore.auth.get_current_datetime", return_value=now)


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize(("operation", "params"), OPERATIONS, ids=[op for op, _ in OPERATIONS])
@pytest.mark.parametrize("endpoint", [None, "http://localhost:8000"], ids=["aws", "local"])
def test_headers_and_body_are_boto3s(
    operation: str,
    params: dict[str, Any],
    endpoint: str | None,
    mocker: MockerFixture,
    drive: Drive,
) -> None:
    config = _config(endpoint_url=endpoint)
    if operation == "TransactWriteItems":  # the token is random, and signed: the same to both
        params = {**params, "ClientRequestToken": "6f1c3bb2-0d4e-4f5a-9a53-2f0c8e6d7b10"}
    theirs, ours = Recorder(_ok), Recorder(_ok)
    getattr(_boto(config, theirs, mocker), _snake(operation))(**params)
    drive(config, ours).call(operation, params)

    (their_headers, their_body, _), (our_headers, our_body, _) = (
        theirs.requests[0],
        ours.requests[0],
    )
    assert our_headers.pop("Accept-Encoding") == "identity"  # http.client adds it to boto3's
    for name in _RANDOM:
        assert len(our_headers.pop(name)) == len(their_headers.pop(name))
    assert our_headers == their_headers  # X-Amz-Date and Authorization included
    assert our_body == their_body


def test_transaction_token_is_filled_as_botocore_fills_it(
    mocker: MockerFixture, drive: Drive
) -> None:
    theirs, ours = Recorder(_ok), Recorder(_ok)
    _boto(_config(), theirs, mocker).transact_write_items(**OPERATIONS[7][1])
    drive(_config(), ours).call("TransactWriteItems", OPERATIONS[7][1])

    their_body, our_body = json.loads(theirs.requests[0][1]), json.loads(ours.requests[0][1])
    assert list(our_body) == list(their_body) == ["TransactItems", "ClientRequestToken"]
    assert len(our_body["ClientRequestToken"]) == len(their_body["ClientRequestToken"]) == 36
    assert our_body["TransactItems"] == their_body["TransactItems"]


def test_retried_request_headers_are_boto3s(mocker: MockerFixture, drive: Drive) -> None:
    config = _config(max_attempts=3)
    failure = FAILURES[3]  # a 500, then a 500, then the last attempt

    theirs, ours = Recorder(failure.answer), Recorder(failure.answer)
    with pytest.raises(ClientError):
        _boto(config, theirs, mocker).get_item(TableName=TABLE, Key=KEY)
    with pytest.raises(ClientError):
        drive(config, ours).call(*GET)

    def retry_header(recorded: list[tuple[dict[str, str], bytes, str]]) -> list[str]:
        return [headers["amz-sdk-request"] for headers, _, _ in recorded]

    assert retry_header(ours.requests) == retry_header(theirs.requests)
    assert len({headers["amz-sdk-invocation-id"] for headers, _, _ in ours.requests}) == 1


# --- the transaction token ----------------------------------------------------------------


def test_transact_write_items_keeps_one_client_request_token_across_resends(
    drive: Drive,
) -> None:
    config = _config(max_attempts=5)
    calls = iter(range(100))
    failure = FAILURES[3]
    ours = Recorder(lambda url: failure.answer(url) if next(calls) < 4 else _ok(url))

    drive(config, ours).call("TransactWriteItems", OPERATIONS[7][1])

    tokens = {json.loads(body)["ClientRequestToken"] for _, body, _ in ours.requests}
    assert len(ours.requests) == 5
    assert len(tokens) == 1
    assert len({body for _, body, _ in ours.requests}) == 1


def test_each_transaction_call_has_a_token_of_its_own(drive: Drive) -> None:
    ours = Recorder(_ok)
    driver = drive(_config(), ours)
    driver.call("TransactWriteItems", OPERATIONS[7][1])
    driver.call("TransactWriteItems", OPERATIONS[7][1])

    tokens = [json.loads(body)["ClientRequestToken"] for _, body, _ in ours.requests]
    assert len(set(tokens)) == 2


# --- credentials ----------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _metadata(key: str, expires_in: dt.timedelta) -> dict[str, str]:
    return {
        "access_key": key,
        "secret_key": "s",
        "token": f"token-of-{key}",
        "expiry_time": (_now() + expires_in).isoformat(),
    }


def _keys_used(recorder: Recorder) -> list[str]:
    return [
        headers["Authorization"].split("Credential=")[1].split("/")[0]
        for headers, _, _ in recorder.requests
    ]


@pytest.fixture
def chain_credentials(mocker: MockerFixture, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The chain finds keys in the environment; gives the threads it was asked from."""
    mocker.patch.dict(
        "os.environ", {"AWS_ACCESS_KEY_ID": "AKIDCHAIN", "AWS_SECRET_ACCESS_KEY": "x"}
    )
    asked_from: list[int] = []
    resolve = botocore.session.Session.get_credentials

    def recording(session: botocore.session.Session) -> Any:
        asked_from.append(threading.get_ident())
        return resolve(session)

    mocker.patch.object(
        botocore.session.Session, "get_credentials", autospec=True, side_effect=recording
    )
    monkeypatch.setattr(_table, "_sessions", [])  # its own session, which found nothing yet
    return asked_from


def test_credentials_of_the_chain_are_resolved_once_per_driver(
    chain_credentials: list[int], drive: Drive
) -> None:
    ours = Recorder(_ok)
    driven = drive(DynamoDBConfig(table_name=TABLE), ours)
    driven.call_together(20, *GET)

    assert len(chain_credentials) == 1
    assert _keys_used(ours) == ["AKIDCHAIN"] * 20


@pytest.mark.parametrize("expired", ["before-the-first-call", "after-the-first-call"])
def test_expired_credentials_are_refreshed_once_under_concurrent_callers(
    expired: str, drive: Drive, mocker: MockerFixture
) -> None:
    refreshes: list[int] = []
    refresh_lock = threading.Lock()

    def refresh() -> dict[str, str]:
        with refresh_lock:
            refreshes.append(threading.get_ident())
            return _metadata(f"AKIDFRESH{len(refreshes)}", dt.timedelta(hours=1))

    first = dt.timedelta(seconds=-60 if expired == "before-the-first-call" else 3600)
    credentials = RefreshableCredentials.create_from_metadata(
        _metadata("AKIDOLD", first), refresh_using=refresh, method="test"
    )
    mocker.patch.object(_table, "credentials_of", return_value=credentials)
    ours = Recorder(_ok)
    driven = drive(_config(max_pool_connections=16), ours)
    if expired == "after-the-first-call":
        driven.call(*GET)
        assert _keys_used(ours) == ["AKIDOLD"]
        setattr(credentials, "_expiry_time", _now() - dt.timedelta(seconds=60))  # noqa: B010
        ours.requests.clear()

    driven.call_together(160, *GET)

    assert len(refreshes) == 1
    assert _keys_used(ours) == ["AKIDFRESH1"] * 160
    assert {headers["X-Amz-Security-Token"] for headers, _, _ in ours.requests} == {
        "token-of-AKIDFRESH1"
    }


def test_credentials_about_to_expire_are_refreshed_and_used_by_the_next_call(
    drive: Drive, mocker: MockerFixture
) -> None:
    keys = iter(["AKIDNEXT", "AKIDLATER"])
    credentials = RefreshableCredentials.create_from_metadata(
        _metadata("AKIDNOW", dt.timedelta(hours=1)),
        refresh_using=lambda: _metadata(next(keys), dt.timedelta(hours=1)),
        method="test",
    )
    mocker.patch.object(_table, "credentials_of", return_value=credentials)
    ours = Recorder(_ok)
    driven = drive(_config(), ours)
    driven.call(*GET)
    # inside the mandatory refresh window
    setattr(credentials, "_expiry_time", _now() + dt.timedelta(seconds=30))  # noqa: B010
    driven.call(*GET)
    driven.call(*GET)

    assert _keys_used(ours) == ["AKIDNOW", "AKIDNEXT", "AKIDNEXT"]


@pytest.mark.parametrize("failure", [FAILURES[3], FAILURES[6]], ids=["500", "read-timeout"])
def test_a_failed_calls_traceback_shows_no_credentials_even_with_its_locals(
    failure: Failure, drive: Drive, mocker: MockerFixture
) -> None:
    # Held as SecretStr: a plain str in this frame would show in the traceback itself.
    secret, token = SecretStr(f"SECRET-{uuid.uuid4().hex}"), SecretStr(f"TOKEN-{uuid.uuid4().hex}")
    credentials = Credentials("AKIDTRACE", secret.get_secret_value(), token.get_secret_value())
    mocker.patch.object(_table, "credentials_of", return_value=credentials)
    driven = drive(_config(max_attempts=2), Recorder(failure.answer))

    with pytest.raises((ClientError, ReadTimeoutError)) as caught:
        driven.call(*GET)

    shown = traceback.TracebackException.from_exception(caught.value, capture_locals=True)
    assert secret.get_secret_value() not in "".join(shown.format())
    ours = [
        frame
        for error in _chain(shown)
        for frame in error.stack
        if "/lvrgd/common/services/dynamodb/" in frame.filename
    ]
    assert "steps" in {frame.name for frame in ours}  # the steps' frame is among them
    # The session token is a header: the test's recorder and an HTTP library's frames
    # may hold it, but no frame of ours shows it.
    shown_locals = [value for frame in ours for value in (frame.locals or {}).values()]
    assert not [value for value in shown_locals if token.get_secret_value() in value]


def _chain(error: traceback.TracebackException) -> Iterator[traceback.TracebackException]:
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__  # type: ignore[assignment]


# --- the async driver's own promises -----------------------------------------------------------


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_driver_resolves_the_chain_in_a_worker_thread(
    backend: str, chain_credentials: list[int]
) -> None:
    ours = Recorder(_ok)
    with start_blocking_portal(backend) as portal:
        loop = portal.call(threading.get_ident)
        _Async(DynamoDBConfig(table_name=TABLE), ours, portal).call_together(20, *GET)

    assert len(chain_credentials) == 1
    assert loop not in chain_credentials


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_driver_fetches_and_refreshes_credentials_in_one_worker_thread_for_all_callers(
    backend: str, mocker: MockerFixture
) -> None:
    fetched_from: list[int] = []

    def fetch() -> dict[str, str]:
        fetched_from.append(threading.get_ident())
        return _metadata(f"AKIDFETCH{len(fetched_from)}", dt.timedelta(hours=1))

    # A provider that fetches nothing until the first signature needs it (SSO, roles).
    credentials = DeferredRefreshableCredentials(refresh_using=fetch, method="test")
    mocker.patch.object(_table, "credentials_of", return_value=credentials)
    ours = Recorder(_ok)
    threads = mocker.spy(anyio.to_thread, "run_sync")
    with start_blocking_portal(backend) as portal:
        loop = portal.call(threading.get_ident)
        driven = _Async(_config(), ours, portal)
        driven.call_together(50, *GET)
        setattr(credentials, "_expiry_time", _now() + dt.timedelta(minutes=5))  # noqa: B010
        driven.call_together(50, *GET)

    assert len(fetched_from) == 2
    assert loop not in fetched_from
    assert threads.call_count == 2  # the parts and first fetch; the refresh: both for all 50
    assert _keys_used(ours) == ["AKIDFETCH1"] * 50 + ["AKIDFETCH2"] * 50


def test_async_driver_takes_no_thread_per_call(mocker: MockerFixture) -> None:
    ours = Recorder(_ok)
    threads = mocker.spy(anyio.to_thread, "run_sync")
    with start_blocking_portal() as portal:
        _Async(_config(), ours, portal).call_together(100, *GET)

    assert len(ours.requests) == 100
    assert threads.call_count == 1  # building the parts, once
