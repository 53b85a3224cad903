"""The boto3 client a service uses, and create_table for local runs and tests."""

from __future__ import annotations

import json
import platform
import threading
import time
from typing import TYPE_CHECKING, Any

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services.kvstore import KeyValueStoreError

from ._errors import error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from .dynamodb_models import DynamoDBConfig

TABLE_ACTIVE_TIMEOUT_S = 60.0
_FIRST_NON_SUCCESS = 300
_USER_AGENT = (
    f"lvrgd-common Boto3/{boto3.__version__} botocore/{botocore.__version__} "
    f"Python/{platform.python_version()}"
)
_POLL_INTERVAL_S = 0.05


_SESSION_LOCK = threading.Lock()
_sessions: list[boto3.session.Session] = []


def new_client(config: DynamoDBConfig) -> DynamoDBClient:
    """A low-level DynamoDB client built from `config` alone.

    botocore's standard retry mode with `max_attempts` attempts in all, the timeouts
    and pool size, the region and endpoint, and the keys when given, else boto3's
    standard credential chain. Clients come from one boto3 session per process, as
    ``boto3.client`` does: a session loads DynamoDB's service model once (a new session
    per client would parse it again, some 0.3 s), and a lock covers the session, which
    is not thread-safe. The session holds no credentials of a config.
    """
    secret = config.aws_secret_access_key
    botocore_config = Config(
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        retries={"total_max_attempts": config.max_attempts, "mode": "standard"},
        max_pool_connections=config.max_pool_connections,
        # Our requests come from _requests.py and the codec, pure code pinned by tests:
        # botocore's walk of every AttributeValue against the model would repeat it.
        parameter_validation=False,
        # A fixed User-Agent spares botocore two sanitised rebuilds per request.
        user_agent=_USER_AGENT,
    )
    with _SESSION_LOCK:
        if not _sessions:
            _sessions.append(boto3.session.Session())
        client = _sessions[0].client(
            "dynamodb",
            region_name=config.region,
            endpoint_url=config.endpoint_url,
            aws_access_key_id=config.aws_access_key_id,
            aws_secret_access_key=None if secret is None else secret.get_secret_value(),
            config=botocore_config,
        )
    client.meta.events.register("before-parse.dynamodb", keep_wire_json)
    return client


def keep_wire_json(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """Hand a successful answer over as DynamoDB's JSON, unwalked by botocore's parser.

    botocore's parser walks every AttributeValue against the service model (some 45 us
    an item); the codec reads the wire form as it is. botocore then parses an empty
    body and merges this in, still adding ResponseMetadata; errors (status >= 300) are
    parsed and raised as before, and the CRC32 check reads the untouched HTTP body.
    Binary values stay base64 text, which the codec decodes.
    """
    body = response_dict.get("body")
    if response_dict.get("status_code", 500) < _FIRST_NON_SUCCESS and body:
        customized_response_dict.update(json.loads(body))
        response_dict["body"] = b"{}"


def create_table(config: DynamoDBConfig) -> None:
    """Create the pk/sk table (on-demand billing) and wait until it is ACTIVE.

    For local runs, tests and examples. An existing table is left as it is.

    Raises:
        KeyValueStoreError: If the table cannot be created or is not ACTIVE within a minute.
    """
    client = new_client(config)
    try:
        _create(client, config.table_name)
        _wait_until_active(client, config.table_name)
    except (ClientError, BotoCoreError) as exc:
        msg = f"create_table: table {config.table_name!r}: {exc}"
        raise KeyValueStoreError(msg) from exc
    finally:
        client.close()


def _create(client: DynamoDBClient, table: str) -> None:
    try:
        client.create_table(
            TableName=table,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    except ClientError as exc:
        if error_code(exc) != "ResourceInUseException":
            raise


def _wait_until_active(client: DynamoDBClient, table: str) -> None:
    deadline = time.monotonic() + TABLE_ACTIVE_TIMEOUT_S
    while client.describe_table(TableName=table)["Table"].get("TableStatus") != "ACTIVE":
        if time.monotonic() > deadline:
            msg = f"create_table: table {table!r} is not ACTIVE after {TABLE_ACTIVE_TIMEOUT_S}s"
            raise KeyValueStoreError(msg)
        time.sleep(_POLL_INTERVAL_S)
