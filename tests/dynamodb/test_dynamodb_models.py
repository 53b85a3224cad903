"""DynamoDBConfig's validation and secrecy, new_client, and DynamoDBBaseModel."""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ClientError
from pydantic import SecretStr, ValidationError

from lvrgd.common.services import dynamodb as dynamodb_package
from lvrgd.common.services.dynamodb import DynamoDBBaseModel, DynamoDBConfig, _table
from lvrgd.common.services.dynamodb._table import new_client
from lvrgd.common.services.kvstore import KeyValueItem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from botocore.awsrequest import AWSPreparedRequest
    from mypy_boto3_dynamodb import DynamoDBClient
    from pytest_mock import MockerFixture

SECRET = "s3cr3t-XYZ"  # noqa: S105 - a fake secret the tests look for in every output
KEY_ID = "AKIDEXAMPLE"


def _config(**overrides: Any) -> DynamoDBConfig:
    fields: dict[str, Any] = {"table_name": "orders", **overrides}
    return DynamoDBConfig(**fields)


# table_name


@pytest.mark.parametrize(
    "name",
    ["abc", "a" * 255, "My_Table.v1-2", "orders", "0-9"],
    ids=["3-chars", "255-chars", "every-kind", "word", "digits-and-dash"],
)
def test_config_table_name_of_3_to_255_allowed_chars_is_accepted(name: str) -> None:
    assert _config(table_name=name).table_name == name


@pytest.mark.parametrize(
    "name",
    ["", "ab", "a" * 256, "my table", "my/table", "tablé", "orders!", "orders\n"],
    ids=["empty", "2", "256", "space", "slash", "accent", "bang", "newline"],
)
def test_config_table_name_too_short_too_long_or_bad_chars_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(table_name=name)

    assert [error["loc"] for error in caught.value.errors()] == [("table_name",)]


def test_config_without_table_name_is_refused() -> None:
    with pytest.raises(ValidationError):
        DynamoDBConfig()  # type: ignore[call-arg]


# region


@pytest.mark.parametrize(
    "region", ["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4", "il-central-1"]
)
def test_config_region_in_aws_format_is_accepted(region: str) -> None:
    assert _config(region=region).region == region


@pytest.mark.parametrize(
    "region",
    ["US-EAST-1", "useast1", "", "us-east", "us-east-1 ", " us-east-1", "us-east-1\n", "us_east_1"],
)
def test_config_region_not_in_aws_format_is_refused(region: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(region=region)

    assert [error["loc"] for error in caught.value.errors()] == [("region",)]


def test_config_region_with_non_ascii_digit_is_refused() -> None:
    # "\u0661" is ARABIC-INDIC DIGIT ONE: a str pattern's \d takes it, botocore does not,
    # so an accepted config would make the service's constructor raise InvalidRegionError.
    with pytest.raises(ValidationError):
        _config(region="us-east-\u0661")


def test_config_region_defaults_to_us_east_1() -> None:
    assert _config().region == "us-east-1"


# endpoint_url


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://localhost:8000",
        "https://dynamodb.eu-west-1.amazonaws.com",
        "http://127.0.0.1:4566",
        "http://dynamodb-local:8000/",
    ],
)
def test_config_http_or_https_endpoint_with_host_is_accepted(endpoint: str) -> None:
    assert _config(endpoint_url=endpoint).endpoint_url == endpoint


@pytest.mark.parametrize(
    "endpoint", ["ftp://localhost:8000", "localhost:8000", "http://", "https://", "", "//host"]
)
def test_config_endpoint_without_http_scheme_or_host_is_refused(endpoint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(endpoint_url=endpoint)

    assert [error["loc"] for error in caught.value.errors()] == [("endpoint_url",)]


def test_config_endpoint_botocore_cannot_use_is_refused() -> None:
    # botocore raises ValueError("Invalid endpoint") for it when the client is built,
    # that is, from DynamoDBService's constructor.
    with pytest.raises(ValidationError):
        _config(endpoint_url="http://local host:8000")


def test_config_endpoint_defaults_to_none_for_aws() -> None:
    assert _config().endpoint_url is None


# credentials


def test_config_both_keys_are_accepted_and_the_secret_is_kept() -> None:
    config = _config(aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)

    assert config.aws_access_key_id == KEY_ID
    assert isinstance(config.aws_secret_access_key, SecretStr)
    assert config.aws_secret_access_key.get_secret_value() == SECRET


def test_config_neither_key_is_accepted() -> None:
    config = _config()

    assert (config.aws_access_key_id, config.aws_secret_access_key) == (None, None)


@pytest.mark.parametrize(
    "keys",
    [{"aws_access_key_id": KEY_ID}, {"aws_secret_access_key": SECRET}],
    ids=["key-id-only", "secret-only"],
)
def test_config_one_key_without_the_other_is_refused(keys: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="give both"):
        _config(**keys)


# numbers, defaults, frozen, extra


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("connect_timeout", 0),
        ("connect_timeout", -1.0),
        ("read_timeout", 0),
        ("read_timeout", -0.5),
        ("max_attempts", 0),
        ("max_attempts", -3),
        ("max_pool_connections", 0),
        ("max_pool_connections", -1),
    ],
)
def test_config_non_positive_timeouts_attempts_or_pool_are_refused(
    field: str, value: float
) -> None:
    with pytest.raises(ValidationError) as caught:
        _config(**{field: value})

    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


def test_config_small_positive_numbers_are_accepted() -> None:
    config = _config(connect_timeout=0.1, read_timeout=0.2, max_attempts=1, max_pool_connections=1)

    assert (config.connect_timeout, config.read_timeout) == (0.1, 0.2)
    assert (config.max_attempts, config.max_pool_connections) == (1, 1)


def test_config_defaults_are_the_documented_ones() -> None:
    config = _config()

    assert config.consistent_reads is True
    assert (config.connect_timeout, config.read_timeout) == (5.0, 10.0)
    assert (config.max_attempts, config.max_pool_connections) == (3, 10)


def test_config_assignment_raises_because_it_is_frozen() -> None:
    config = _config()

    with pytest.raises(ValidationError):
        config.table_name = "other"  # type: ignore[misc]

    assert config.table_name == "orders"


def test_config_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        _config(tablename="typo")

    assert [error["type"] for error in caught.value.errors()] == ["extra_forbidden"]


# the secret never shows


def test_config_secret_is_absent_from_repr_str_and_json() -> None:
    config = _config(aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)

    assert SECRET not in repr(config)
    assert SECRET not in str(config)
    dumped = config.model_dump_json()
    assert SECRET not in dumped
    assert '"aws_secret_access_key":"**********"' in dumped


BAD_FIELDS: list[dict[str, Any]] = [
    {"region": "bad"},
    {"table_name": "x"},
    {"endpoint_url": "ftp://x"},
    {"connect_timeout": 0},
    {"max_attempts": 0},
    {"unknown": "value"},
    {"aws_access_key_id": None},
]
BAD_FIELD_IDS = ["region", "table", "endpoint", "timeout", "attempts", "extra", "key-id-missing"]


def _refusal(**overrides: Any) -> ValidationError:
    fields = {"aws_access_key_id": KEY_ID, "aws_secret_access_key": SECRET, **overrides}
    with pytest.raises(ValidationError) as caught:
        _config(**fields)
    return caught.value


@pytest.mark.parametrize("bad", BAD_FIELDS, ids=BAD_FIELD_IDS)
def test_config_validation_error_message_never_holds_the_secret(bad: dict[str, Any]) -> None:
    error = _refusal(**bad)

    assert SECRET not in str(error)
    assert SECRET not in repr(error)


@pytest.mark.parametrize("bad", BAD_FIELDS, ids=BAD_FIELD_IDS)
def test_config_validation_error_details_never_hold_the_secret(bad: dict[str, Any]) -> None:
    # errors() and json() are how validation errors reach structured logs and API answers.
    error = _refusal(**bad)

    assert SECRET not in error.json()
    assert SECRET not in repr(error.errors())


# new_client


def _settings(client: DynamoDBClient) -> Any:
    """The client's botocore Config (botocore-stubs declares its options as arguments only)."""
    return client.meta.config


def _credentials(client: DynamoDBClient) -> Any:
    """The credentials the client signs with."""
    signer = client._request_signer  # type: ignore[attr-defined]
    credentials = signer._credentials
    assert credentials is not None
    return credentials


def test_new_client_uses_region_endpoint_timeouts_pool_and_retries() -> None:
    config = _config(
        region="eu-central-2",
        endpoint_url="http://localhost:8000",
        connect_timeout=1.5,
        read_timeout=2.5,
        max_attempts=4,
        max_pool_connections=7,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )

    client = new_client(config)

    settings = _settings(client)
    assert client.meta.region_name == "eu-central-2"
    assert client.meta.endpoint_url == "http://localhost:8000"
    assert settings.connect_timeout == 1.5
    assert settings.read_timeout == 2.5
    assert settings.max_pool_connections == 7
    assert settings.retries["mode"] == "standard"
    client.close()


@pytest.mark.parametrize("attempts", [1, 3])
def test_new_client_total_attempts_are_max_attempts(attempts: int) -> None:
    # DynamoDBConfig documents max_attempts as attempts per call, retries included
    # (1 = no retry); botocore's retries={"max_attempts": n} means n retries, n + 1 attempts.
    client = new_client(_config(max_attempts=attempts))

    assert _settings(client).retries.get("total_max_attempts") == attempts
    client.close()


class _Body:
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield b'{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"x"}'


@pytest.mark.parametrize("attempts", [1, 3])
def test_new_client_failing_call_is_sent_max_attempts_times(
    mocker: MockerFixture, attempts: int
) -> None:
    client = new_client(
        _config(
            max_attempts=attempts,
            endpoint_url="http://localhost:8000",
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )
    )
    sent: list[str] = []

    def answer_500(request: AWSPreparedRequest, **_: Any) -> Any:  # botocore-stubs: -> None
        sent.append(request.url)
        return AWSResponse(request.url, 500, HTTPHeaders(), _Body())

    client.meta.events.register("before-send.dynamodb", answer_500)
    mocker.patch("time.sleep")  # botocore's backoff between attempts

    with pytest.raises(ClientError):
        client.get_item(TableName="orders", Key={"pk": {"S": "p"}, "sk": {"S": "s"}})

    assert len(sent) == attempts
    client.close()


def test_new_client_with_keys_signs_with_them() -> None:
    client = new_client(_config(aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET))

    credentials = _credentials(client)
    assert credentials.access_key == KEY_ID
    assert credentials.secret_key == SECRET
    client.close()


def test_new_client_without_keys_uses_the_standard_credential_chain(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-environment")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # The process's one session caches what its chain found first (as boto3's default
    # session does), e.g. keys a mock set earlier in this process: start from a new one.
    monkeypatch.setattr(_table, "_sessions", [])

    client = new_client(_config())

    credentials = _credentials(client)
    assert credentials.access_key == "from-environment"
    client.close()


def test_new_client_without_endpoint_reaches_the_regions_aws_endpoint() -> None:
    client = new_client(_config(region="eu-central-2"))

    assert client.meta.endpoint_url == "https://dynamodb.eu-central-2.amazonaws.com"
    client.close()


# DynamoDBBaseModel and the package's names


def test_dynamodb_base_model_is_key_value_item() -> None:
    assert DynamoDBBaseModel is KeyValueItem


def test_dynamodb_base_model_subclass_validates_and_round_trips_through_json() -> None:
    class Order(DynamoDBBaseModel, entity="tests.dynamodb.test_dynamodb_models.Order"):
        total: int

    order = Order(pk="customer#1", sk="order#1", total=3)

    assert isinstance(order, KeyValueItem)
    assert Order.model_validate_json(order.model_dump_json()) == order
    with pytest.raises(ValidationError):
        Order.model_validate({"pk": "customer#1", "total": 3})


def test_dynamodb_package_exports_the_documented_names() -> None:
    assert sorted(dynamodb_package.__all__) == [
        "AsyncDynamoDBService",
        "DynamoDBBaseModel",
        "DynamoDBConfig",
        "DynamoDBService",
        "create_table",
        "delete_table",
    ]


# credentials that would only fail later: refused when the config is built

UNUSABLE_KEYS = {
    "empty": "",
    "newline": "{key}\n",
    "carriage-return": "{key}\r",
    "crlf-inside": "{key}\r\nX-Injected: 1",
    "tab": "{key}\tx",
    "nul": "{key}\x00",
    "space": "{key} x",
    "leading-space": " {key}",
    "only-spaces": "   ",
    "escape": "\x1b{key}",
    "delete": "{key}\x7f",
    "line-separator": "{key}\u2028",
    "no-break-space": "{key}\u00a0",
    "zero-width-space": "{key}\u200b",
}
UNUSABLE_REASONS = {"empty": "is empty"}
CONTROL_REASON = "contains whitespace or a control character"


def _reason(case: str) -> str:
    return UNUSABLE_REASONS.get(case, CONTROL_REASON)


def _everything_shown(error: ValidationError) -> str:
    """Every form a validation error reaches a log, an answer or a traceback in."""
    shown = [
        str(error),
        repr(error),
        error.json(),
        repr(error.errors()),
        str(error.errors()),
        repr(error.args),
        repr(error.__cause__),
        repr(error.__context__),
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    ]
    for details in error.errors():
        shown.extend(repr(value) for value in details.values())
        shown.extend(repr(value) for value in details.get("ctx", {}).values())
    return "\n".join(shown)


@pytest.mark.parametrize("case", UNUSABLE_KEYS)
def test_config_key_id_empty_or_with_whitespace_or_control_chars_is_refused(case: str) -> None:
    key_id = UNUSABLE_KEYS[case].format(key=KEY_ID)

    with pytest.raises(ValidationError) as caught:
        _config(aws_access_key_id=key_id, aws_secret_access_key=SECRET)

    [details] = caught.value.errors()
    assert details["loc"] == ("aws_access_key_id",)
    assert f"aws_access_key_id {_reason(case)}" in details["msg"]
    assert f"aws_access_key_id {_reason(case)}" in str(caught.value)
    assert SECRET not in _everything_shown(caught.value)


@pytest.mark.parametrize("case", UNUSABLE_KEYS)
@pytest.mark.parametrize("wrap", [str, SecretStr], ids=["str", "SecretStr"])
def test_config_secret_empty_or_with_whitespace_or_control_chars_is_refused_unshown(
    case: str, wrap: type[Any]
) -> None:
    secret = UNUSABLE_KEYS[case].format(key=SECRET)

    with pytest.raises(ValidationError) as caught:
        _config(aws_access_key_id=KEY_ID, aws_secret_access_key=wrap(secret))

    [details] = caught.value.errors()
    assert details["loc"] == ("aws_secret_access_key",)
    assert f"aws_secret_access_key {_reason(case)}" in details["msg"]
    assert f"aws_secret_access_key {_reason(case)}" in str(caught.value)
    shown = _everything_shown(caught.value)
    assert SECRET not in shown
    if secret.strip():
        assert secret.strip() not in shown


def test_config_key_id_and_secret_both_unusable_are_both_named() -> None:
    with pytest.raises(ValidationError) as caught:
        _config(aws_access_key_id=f"{KEY_ID}\n", aws_secret_access_key=f"{SECRET}\n")

    assert [details["loc"] for details in caught.value.errors()] == [
        ("aws_secret_access_key",),
        ("aws_access_key_id",),
    ]
    assert SECRET not in _everything_shown(caught.value)


def test_config_unusable_secret_without_key_id_is_refused_for_the_secret_only() -> None:
    # The both-or-neither rule waits until the secret itself is usable.
    with pytest.raises(ValidationError) as caught:
        _config(aws_secret_access_key="")

    assert [details["loc"] for details in caught.value.errors()] == [("aws_secret_access_key",)]


def test_config_key_id_with_newline_never_reaches_a_client() -> None:
    # It used to fail inside urllib3, with the Authorization header, signature and all,
    # in the message; now no config (and so no client) can hold it.
    with pytest.raises(ValidationError, match="aws_access_key_id contains whitespace"):
        _config(
            endpoint_url="http://localhost:8000",
            aws_access_key_id=f"{KEY_ID}\n",
            aws_secret_access_key=SECRET,
        )


@pytest.mark.parametrize(
    ("key_id", "secret"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("ASIA0123456789ABCDEF", "a+b/c=d"),
        ("x", "y"),
        ("testing", "testing"),
    ],
    ids=["aws-docs", "slash-plus-equals", "one-char", "moto-style"],
)
def test_config_usual_keys_are_accepted(key_id: str, secret: str) -> None:
    config = _config(aws_access_key_id=key_id, aws_secret_access_key=secret)

    assert config.aws_access_key_id == key_id
    assert config.aws_secret_access_key is not None
    assert config.aws_secret_access_key.get_secret_value() == secret
