"""Dummy credentials for local engines: loopback endpoints only, and only when none are found.

Every test runs as on a machine without AWS credentials: no AWS_* variable, no
readable config or credentials file, an empty HOME, no instance metadata, and a fresh
process-wide boto3 session (the one before may have cached credentials of its own).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from unittest.mock import Mock

import pytest
from botocore.exceptions import BotoCoreError, NoCredentialsError

from lvrgd.common.services.dynamodb import DynamoDBConfig, DynamoDBService, _table
from lvrgd.common.services.dynamodb._table import (
    LOCAL_ACCESS_KEY_ID,
    LOCAL_SECRET_ACCESS_KEY,
    create_table,
    is_loopback,
    new_client,
)
from lvrgd.common.services.kvstore import KeyValueStoreError
from lvrgd.common.services.logging import LoggingService

from ._data import Order

if TYPE_CHECKING:
    from pathlib import Path

    from mypy_boto3_dynamodb import DynamoDBClient

LOOPBACK_ENDPOINTS = [
    "http://localhost:8000",
    "http://LocalHost:8000",
    "https://localhost",
    "http://127.0.0.1:8000",
    "http://127.0.0.1",
    "http://127.42.7.1:4566",
    "http://127.255.255.254:8000",
    "http://[::1]:8000",
    "http://[::1]",
    "http://[0:0:0:0:0:0:0:1]:8000",
    "http://[::ffff:127.0.0.1]:8000",
    "http://user:password@localhost:8000",
]
NOT_LOOPBACK_ENDPOINTS = [
    "https://dynamodb.eu-west-1.amazonaws.com",
    "https://vpce-0a1b2c3d-4e5f.dynamodb.us-east-1.vpce.amazonaws.com",
    "http://10.0.0.5:8000",
    "http://192.168.1.20:8000",
    "http://128.0.0.1:8000",
    "http://126.255.255.255:8000",
    "http://0.0.0.0:8000",
    "http://[::2]:8000",
    "http://[::]:8000",
    "http://[::ffff:10.0.0.1]:8000",
    "http://dynamodb-local:8000",
    "http://localhost.example.com:8000",
    "http://my-localhost:8000",
    "http://127.0.0.1.nip.io:8000",
    "http://localhost@evil.example.com:8000",
]
ENV_KEY_ID = "ENVKEYID"
ENV_SECRET = "env-secret-value"  # noqa: S105 - a fake credential set in the environment
KEY_ID = "AKIDEXAMPLE"
SECRET = "s3cr3t-XYZ"  # noqa: S105 - a fake secret looked for in every log call


@pytest.fixture(autouse=True)
def no_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """This process as on a machine with no AWS credentials anywhere."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-such-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(_table, "_sessions", [])


@pytest.fixture
def logger() -> Mock:
    return Mock(spec=LoggingService)


def _config(endpoint: str | None, **fields: Any) -> DynamoDBConfig:
    return DynamoDBConfig(
        table_name="orders", endpoint_url=endpoint, max_attempts=1, connect_timeout=0.5, **fields
    )


def _credentials(client: DynamoDBClient) -> Any:
    """The credentials the client signs with, None if it has none."""
    return client._request_signer._credentials  # type: ignore[attr-defined]


def _keys(client: DynamoDBClient) -> tuple[str, str] | None:
    credentials = _credentials(client)
    return None if credentials is None else (credentials.access_key, credentials.secret_key)


def _dummy_key_notes(logger: Mock) -> list[Any]:
    """The logger's calls that say dummy keys are in use."""
    return [call for call in logger.method_calls if "dummy" in str(call.args).lower()]


# which hosts are loopback


@pytest.mark.parametrize("endpoint", LOOPBACK_ENDPOINTS)
def test_is_loopback_is_true_for_localhost_127_8_and_ipv6_loopback(endpoint: str) -> None:
    assert is_loopback(endpoint)


@pytest.mark.parametrize("endpoint", [*NOT_LOOPBACK_ENDPOINTS, None])
def test_is_loopback_is_false_for_any_other_host_and_for_aws(endpoint: str | None) -> None:
    assert not is_loopback(endpoint)


# no credentials anywhere


@pytest.mark.parametrize("endpoint", LOOPBACK_ENDPOINTS)
def test_loopback_client_without_credentials_signs_with_the_dummy_keys(
    endpoint: str, logger: Mock
) -> None:
    client = new_client(_config(endpoint), logger)

    assert _keys(client) == (LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY)
    client.close()


def test_loopback_client_with_dummy_keys_says_so_at_info_naming_the_endpoint(
    logger: Mock,
) -> None:
    client = new_client(_config("http://user:password@localhost:8000"), logger)

    logger.info.assert_called_once()
    assert logger.info.call_args.kwargs == {"endpoint": "http://localhost:8000"}
    assert "dummy" in logger.info.call_args.args[0]
    logged = str(logger.method_calls)
    assert LOCAL_SECRET_ACCESS_KEY not in logged
    assert "password" not in logged
    client.close()


@pytest.mark.parametrize("endpoint", [*NOT_LOOPBACK_ENDPOINTS, None])
def test_client_for_any_other_endpoint_without_credentials_has_none(
    endpoint: str | None, logger: Mock
) -> None:
    client = new_client(_config(endpoint), logger)

    assert _credentials(client) is None
    assert _dummy_key_notes(logger) == []
    client.close()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://vpce-0a1b2c3d-4e5f.dynamodb.us-east-1.vpce.amazonaws.com",
        "http://10.0.0.5:8000",
        None,
    ],
    ids=["vpc-endpoint", "private-ip", "aws"],
)
def test_service_for_any_other_endpoint_without_credentials_raises_the_ports_error(
    endpoint: str | None, logger: Mock
) -> None:
    # botocore refuses to sign before it connects: nothing leaves the process.
    with (
        DynamoDBService(logger, _config(endpoint)) as service,
        pytest.raises(KeyValueStoreError) as caught,
    ):
        service.get_one("customer#1", "order#1", Order)

    assert isinstance(caught.value.__cause__, NoCredentialsError)
    assert _dummy_key_notes(logger) == []


def test_service_for_loopback_passes_its_logger_to_the_client(logger: Mock) -> None:
    with DynamoDBService(logger, _config("http://127.0.0.1:8000")) as service:
        assert _keys(service._client) == (LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY)

    assert len(_dummy_key_notes(logger)) == 1


def test_create_table_takes_a_logger_for_the_note(
    logger: Mock, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_with: list[tuple[str, str] | None] = []
    monkeypatch.setattr(_table, "_create", lambda client, _: signed_with.append(_keys(client)))
    monkeypatch.setattr(_table, "_wait_until_active", lambda *_: None)

    create_table(_config("http://localhost:8000"), logger=logger)

    assert signed_with == [(LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY)]
    assert len(_dummy_key_notes(logger)) == 1


def test_client_without_logger_still_gets_dummy_keys() -> None:
    client = new_client(_config("http://localhost:8000"))

    assert _keys(client) == (LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY)
    client.close()


def test_dummy_keys_never_reach_the_shared_session_for_a_later_aws_client(logger: Mock) -> None:
    local = new_client(_config("http://localhost:8000"), logger)
    remote = new_client(_config("https://vpce-0a1b2c3d.dynamodb.us-east-1.vpce.amazonaws.com"))

    assert _keys(local) == (LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY)
    assert _credentials(remote) is None
    assert _table._sessions[0].get_credentials() is None
    local.close()
    remote.close()


def test_credentials_appearing_later_are_found_by_a_later_loopback_client(
    logger: Mock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Finding nothing is not cached: the next client asks the chain again.
    first = new_client(_config("http://localhost:8000"), logger)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ENV_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)
    second = new_client(_config("http://localhost:8000"), logger)

    assert _keys(first) == (LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY)
    assert _keys(second) == (ENV_KEY_ID, ENV_SECRET)
    first.close()
    second.close()


# credentials found or given win


@pytest.mark.parametrize("endpoint", ["http://localhost:8000", "http://[::1]:8000", None])
def test_explicit_keys_always_win(endpoint: str | None, logger: Mock) -> None:
    client = new_client(
        _config(endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET), logger
    )

    assert _keys(client) == (KEY_ID, SECRET)
    assert logger.method_calls == []
    client.close()


def test_explicit_keys_win_over_the_environment(
    logger: Mock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ENV_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)

    client = new_client(
        _config("http://localhost:8000", aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET),
        logger,
    )

    assert _keys(client) == (KEY_ID, SECRET)
    client.close()


@pytest.mark.parametrize("endpoint", ["http://localhost:8000", "http://127.0.0.1:8000", None])
def test_credentials_from_the_environment_win_over_dummy_keys(
    endpoint: str | None, logger: Mock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ENV_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)

    client = new_client(_config(endpoint), logger)

    assert _keys(client) == (ENV_KEY_ID, ENV_SECRET)
    assert logger.method_calls == []
    client.close()


def test_credentials_from_a_shared_credentials_file_win_over_dummy_keys(
    logger: Mock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text(
        f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))

    client = new_client(_config("http://localhost:8000"), logger)

    assert _keys(client) == (KEY_ID, SECRET)
    assert logger.method_calls == []
    client.close()


def test_a_profile_that_does_not_exist_is_a_store_error_not_a_botocore_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-anywhere")
    monkeypatch.setattr(_table, "_sessions", [])
    config = DynamoDBConfig(table_name="shop", endpoint_url="http://localhost:8000")

    with pytest.raises(KeyValueStoreError, match="cannot build a DynamoDB client") as caught:
        DynamoDBService(Mock(spec=LoggingService), config)
    with pytest.raises(KeyValueStoreError, match="no-such-profile-anywhere"):
        create_table(config)
    assert isinstance(caught.value.__cause__, BotoCoreError)
