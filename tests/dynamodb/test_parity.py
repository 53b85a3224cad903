# ruff: noqa: E501 - the tables of operations read best a line each
"""What botocore does silently, proven equal: the driver against boto3's own client.

Each test runs the same thing through a boto3 client (answered inside botocore, on
``before-send``) and through the service's driver (answered by a Transport), and
compares: the endpoint, the number of sends and the waits between them, the headers
and the body of every operation, the transaction token across resends, and the
credentials under concurrent callers. Nothing leaves the process; no test sleeps.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from botocore.retries.standard import ExponentialBackoff
from pydantic import SecretStr

from lvrgd.common.services.dynamodb import DynamoDBConfig, DynamoDBService, _table
from lvrgd.common.services.dynamodb._protocol import HttpRequest, HttpResponse
from lvrgd.common.services.kvstore import KeyValueItem
from lvrgd.common.services.logging import LoggingService

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pytest_mock import MockerFixture

KEY_ID = "AKIDPARITY"
SECRET = "parity-secret"  # noqa: S105 - a dummy for clients that never connect
TABLE = "parity"
ITEM = {"pk": {"S": "p"}, "sk": {"S": "s"}, "n": {"N": "1.5"}, "b": {"B": b"\x00\xff"}}
KEY = {"pk": {"S": "p"}, "sk": {"S": "s"}}
_DDB = "com.amazonaws.dynamodb.v20120810#"


class _Item(KeyValueItem):
    pass


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


def _driver(config: DynamoDBConfig, recorder: Recorder) -> Any:
    return _table.new_driver(
        config, _table.new_client(config), recorder, sleep=recorder.sleeps.append
    )


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
    fields: dict[str, str], environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
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

    with DynamoDBService(LoggingService(), config, transport=Recorder(_ok)) as service:
        assert service._driver.endpoint == boto.meta.endpoint_url


@pytest.mark.parametrize(("fields", "environment"), ENDPOINTS[:8], ids=str)
def test_requests_go_where_boto3_sends_them(
    fields: dict[str, str],
    environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    mocker: MockerFixture,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = _config(**fields)
    theirs, ours = Recorder(_ok), Recorder(_ok)
    _boto(config, theirs, mocker).get_item(TableName=TABLE, Key=KEY)
    _driver(config, ours).call("GetItem", {"TableName": TABLE, "Key": KEY})

    assert ours.requests[0][2] == theirs.requests[0][2]


# --- retries: sends and waits -------------------------------------------------------------


@pytest.mark.usefixtures("full_jitter")
@pytest.mark.parametrize("failure", FAILURES, ids=[f.name for f in FAILURES])
@pytest.mark.parametrize("max_attempts", [1, 2, 3, 5])
def test_failing_call_sends_and_waits_as_botocores_standard_mode(
    failure: Failure, max_attempts: int, mocker: MockerFixture
) -> None:
    config = _config(max_attempts=max_attempts)
    theirs, ours = Recorder(failure.answer), Recorder(failure.answer)
    request = {"TableName": TABLE, "Item": ITEM}

    with contextlib.suppress(ClientError, ConnectionClosedError, ReadTimeoutError):
        _boto(config, theirs, mocker).put_item(**request)
    with pytest.raises(Exception):  # noqa: B017, PT011 - every failure ends in one
        _driver(config, ours).call("PutItem", request)

    assert len(ours.requests) == len(theirs.requests) == max_attempts
    assert ours.sleeps == pytest.approx(theirs.sleeps)
    assert len(ours.sleeps) == max_attempts - 1


@pytest.mark.usefixtures("full_jitter")
@pytest.mark.parametrize("failure", FAILURES, ids=[f.name for f in FAILURES])
def test_fault_clearing_before_the_last_attempt_is_resent_as_botocore_does(
    failure: Failure, mocker: MockerFixture
) -> None:
    config = _config(max_attempts=3)

    def flaky() -> Callable[[str], tuple[int, dict[str, str], bytes]]:
        calls = iter(range(100))
        return lambda url: failure.answer(url) if next(calls) < 2 else _ok(url)

    theirs, ours = Recorder(flaky()), Recorder(flaky())
    _boto(config, theirs, mocker).get_item(TableName=TABLE, Key=KEY)
    assert _driver(config, ours).call("GetItem", {"TableName": TABLE, "Key": KEY}) == {}

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
    operation: str, params: dict[str, Any], endpoint: str | None, mocker: MockerFixture
) -> None:
    config = _config(endpoint_url=endpoint)
    if operation == "TransactWriteItems":  # the token is random, and signed: the same to both
        params = {**params, "ClientRequestToken": "6f1c3bb2-0d4e-4f5a-9a53-2f0c8e6d7b10"}
    theirs, ours = Recorder(_ok), Recorder(_ok)
    getattr(_boto(config, theirs, mocker), _snake(operation))(**params)
    _driver(config, ours).call(operation, params)

    (their_headers, their_body, _), (our_headers, our_body, _) = (
        theirs.requests[0],
        ours.requests[0],
    )
    assert our_headers.pop("Accept-Encoding") == "identity"  # http.client adds it to boto3's
    for name in _RANDOM:
        assert len(our_headers.pop(name)) == len(their_headers.pop(name))
    assert our_headers == their_headers  # X-Amz-Date and Authorization included
    assert our_body == their_body


def test_transaction_token_is_filled_as_botocore_fills_it(mocker: MockerFixture) -> None:
    theirs, ours = Recorder(_ok), Recorder(_ok)
    _boto(_config(), theirs, mocker).transact_write_items(**OPERATIONS[7][1])
    _driver(_config(), ours).call("TransactWriteItems", OPERATIONS[7][1])

    their_body, our_body = json.loads(theirs.requests[0][1]), json.loads(ours.requests[0][1])
    assert list(our_body) == list(their_body) == ["TransactItems", "ClientRequestToken"]
    assert len(our_body["ClientRequestToken"]) == len(their_body["ClientRequestToken"]) == 36
    assert our_body["TransactItems"] == their_body["TransactItems"]


def test_retried_request_headers_are_boto3s(mocker: MockerFixture) -> None:
    config = _config(max_attempts=3)
    failure = FAILURES[3]  # a 500, then a 500, then the last attempt

    theirs, ours = Recorder(failure.answer), Recorder(failure.answer)
    with pytest.raises(ClientError):
        _boto(config, theirs, mocker).get_item(TableName=TABLE, Key=KEY)
    with pytest.raises(ClientError):
        _driver(config, ours).call("GetItem", {"TableName": TABLE, "Key": KEY})

    def retry_header(recorded: list[tuple[dict[str, str], bytes, str]]) -> list[str]:
        return [headers["amz-sdk-request"] for headers, _, _ in recorded]

    assert retry_header(ours.requests) == retry_header(theirs.requests)
    assert len({headers["amz-sdk-invocation-id"] for headers, _, _ in ours.requests}) == 1


# --- the transaction token ----------------------------------------------------------------


def test_transact_write_items_keeps_one_client_request_token_across_resends() -> None:
    config = _config(max_attempts=5)
    calls = iter(range(100))
    failure = FAILURES[3]
    ours = Recorder(lambda url: failure.answer(url) if next(calls) < 4 else _ok(url))

    _driver(config, ours).call("TransactWriteItems", OPERATIONS[7][1])

    tokens = {json.loads(body)["ClientRequestToken"] for _, body, _ in ours.requests}
    assert len(ours.requests) == 5
    assert len(tokens) == 1
    assert len({body for _, body, _ in ours.requests}) == 1


def test_each_transaction_call_has_a_token_of_its_own() -> None:
    ours = Recorder(_ok)
    driver = _driver(_config(), ours)
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


def test_credentials_of_the_chain_are_resolved_once_per_service(mocker: MockerFixture) -> None:
    mocker.patch.dict(
        "os.environ", {"AWS_ACCESS_KEY_ID": "AKIDCHAIN", "AWS_SECRET_ACCESS_KEY": "x"}
    )
    _table._sessions.clear()  # a session of its own, which has found nothing yet
    resolve = mocker.spy(boto3.session.Session, "get_credentials")
    config = DynamoDBConfig(table_name=TABLE)
    ours = Recorder(_ok)
    with DynamoDBService(LoggingService(), config, transport=ours) as service:
        for index in range(20):
            service.get_one("p", f"s{index}", _Item)

    assert resolve.call_count <= 1
    assert all(
        "Credential=AKIDCHAIN/" in headers["Authorization"] for headers, _, _ in ours.requests
    )
    _table._sessions.clear()


def test_expired_credentials_are_refreshed_once_under_concurrent_callers() -> None:
    refreshes: list[int] = []
    refresh_lock = threading.Lock()

    def refresh() -> dict[str, str]:
        with refresh_lock:
            refreshes.append(1)
            return _metadata(f"AKIDFRESH{len(refreshes)}", dt.timedelta(hours=1))

    credentials = RefreshableCredentials.create_from_metadata(
        _metadata("AKIDOLD", dt.timedelta(seconds=-60)), refresh_using=refresh, method="test"
    )
    config = _config(max_pool_connections=16)
    ours = Recorder(_ok)
    driver = _driver(config, ours)
    driver._credentials = credentials  # as the chain's refreshable credentials reach it

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(
            pool.map(lambda i: driver.call("GetItem", {"TableName": TABLE, "Key": KEY}), range(160))
        )

    assert len(refreshes) == 1
    assert len(ours.requests) == 160
    for headers, _, _ in ours.requests:
        assert "Credential=AKIDFRESH1/" in headers["Authorization"]
        assert headers["X-Amz-Security-Token"] == "token-of-AKIDFRESH1"


def test_credentials_about_to_expire_are_refreshed_and_used_by_the_next_call() -> None:
    keys = iter(["AKIDNEXT", "AKIDLATER"])
    credentials = RefreshableCredentials.create_from_metadata(
        _metadata("AKIDNOW", dt.timedelta(hours=1)),
        refresh_using=lambda: _metadata(next(keys), dt.timedelta(hours=1)),
        method="test",
    )
    ours = Recorder(_ok)
    driver = _driver(_config(), ours)
    driver._credentials = credentials
    driver.call("GetItem", {"TableName": TABLE, "Key": KEY})
    # inside the mandatory refresh window
    setattr(credentials, "_expiry_time", _now() + dt.timedelta(seconds=30))  # noqa: B010
    driver.call("GetItem", {"TableName": TABLE, "Key": KEY})

    used = [
        headers["Authorization"].split("Credential=")[1].split("/")[0]
        for headers, _, _ in ours.requests
    ]
    assert used == ["AKIDNOW", "AKIDNEXT"]
