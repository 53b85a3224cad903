"""The boto3 client a service uses, and create_table for local runs and tests."""

from __future__ import annotations

import ipaddress
import json
import platform
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.utils import get_environ_proxies

from lvrgd.common.services.kvstore import KeyValueStoreError
from lvrgd.common.services.logging import LoggingService

from ._decisions import RetryDecisions
from ._driver import Driver
from ._errors import error_code
from ._exchange import Exchange
from ._schema import create_request
from ._transport import BotocoreHooks, Transport, TransportSettings, Urllib3Transport

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_dynamodb import DynamoDBClient

    from .dynamodb_models import DynamoDBConfig

TABLE_ACTIVE_TIMEOUT_S = 60.0
_FIRST_NON_SUCCESS = 300
_USER_AGENT = (
    f"lvrgd-common Boto3/{boto3.__version__} botocore/{botocore.__version__} "
    f"Python/{platform.python_version()}"
)
_POLL_INTERVAL_S = 0.05

LOCAL_ACCESS_KEY_ID = "lvrgdlocal"
"""The key id a client for a loopback endpoint signs with when no credentials are found."""
LOCAL_SECRET_ACCESS_KEY = "lvrgdlocal"  # noqa: S105 - a dummy; local engines accept any
"""The secret that goes with LOCAL_ACCESS_KEY_ID."""


_SESSION_LOCK = threading.Lock()
_sessions: list[boto3.session.Session] = []


def new_client(config: DynamoDBConfig, logger: LoggingService | None = None) -> DynamoDBClient:
    """A low-level DynamoDB client built from `config` alone.

    botocore's standard retry mode with `max_attempts` attempts in all, the timeouts
    and pool size, the region and endpoint, and the keys when given, else boto3's
    standard credential chain. When that chain finds nothing and the endpoint is on
    loopback (``localhost``, ``127.0.0.0/8``, ``::1``), the client signs with the fixed
    dummy keys LOCAL_ACCESS_KEY_ID and LOCAL_SECRET_ACCESS_KEY, as local engines accept
    any, and says so at info; any other endpoint, a VPC one included, is taken for AWS
    and keeps the chain's "Unable to locate credentials" on first use.

    Clients come from one boto3 session per process, as ``boto3.client`` does: a session
    loads DynamoDB's service model once (a new session per client would parse it again,
    some 0.3 s), and a lock covers the session, which is not thread-safe. The session
    holds no credentials of a config, and never the dummy keys; the chain runs at most
    once per client, as it would without them.

    Args:
        config: The table and how to reach it.
        logger: Where the use of dummy keys is logged; a default LoggingService if None.

    Raises:
        KeyValueStoreError: If botocore cannot build a client from the environment's AWS
            configuration (a missing profile, a broken config file).
    """
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
        try:
            if not _sessions:
                _sessions.append(boto3.session.Session())
            session = _sessions[0]
            dummy = _needs_dummy_keys(config, session)
            # Keys passed here are this client's only: the session never holds them.
            key_id, secret = (
                (LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY) if dummy else _keys(config)
            )
            client = session.client(
                "dynamodb",
                region_name=config.region,
                endpoint_url=config.endpoint_url,
                aws_access_key_id=key_id,
                aws_secret_access_key=secret,
                config=botocore_config,
            )
        except BotoCoreError as exc:  # e.g. AWS_PROFILE names a profile that does not exist
            msg = f"table {config.table_name!r}: cannot build a DynamoDB client: {exc}"
            raise KeyValueStoreError(msg) from exc
    if dummy:
        (logger or LoggingService()).info(
            "no AWS credentials found: signing with dummy keys for the local endpoint",
            endpoint=_without_userinfo(config.endpoint_url),
        )
    client.meta.events.register("before-parse.dynamodb", keep_wire_json)
    return client


def transport_settings(config: DynamoDBConfig, client: DynamoDBClient | None) -> TransportSettings:
    """The default transports' settings: the config's, and the proxy and CA bundle boto3's.

    The timeouts and pool size are the config's. Given the client `new_client` built,
    the proxy is the one of ``HTTPS_PROXY`` or ``HTTP_PROXY`` for its endpoint, unless
    ``NO_PROXY`` exempts it, and TLS is verified against the CA bundle that client
    resolved (``AWS_CA_BUNDLE`` or the config file's ``ca_bundle``, else botocore's), so
    that requests leave as a boto3 client's would.
    """
    proxy_url: str | None = None
    verify: str | bool = True
    if client is not None:
        endpoint_url = client.meta.endpoint_url
        scheme = urlsplit(endpoint_url).scheme
        proxy_url = get_environ_proxies(endpoint_url).get(scheme)
        resolved = getattr(
            getattr(getattr(client, "_endpoint", None), "http_session", None), "_verify", True
        )
        verify = resolved if isinstance(resolved, str | bool) else True
    return TransportSettings(
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        max_pool_connections=config.max_pool_connections,
        proxy_url=proxy_url,
        verify=verify,
    )


def new_transport(config: DynamoDBConfig, client: DynamoDBClient | None = None) -> Transport:
    """The default transport: urllib3 pools, built with `transport_settings`."""
    return Urllib3Transport(transport_settings(config, client))


def new_exchange(config: DynamoDBConfig, client: DynamoDBClient) -> Exchange:
    """The steps of a call, with what `client` resolved when `new_client` built it.

    botocore supplies the endpoint, the region, DynamoDB's service model and the
    User-Agent; the exchange adds botocore's standard retry mode with `max_attempts`
    attempts, one retry quota for every call made through it.
    """
    meta = client.meta
    return Exchange(
        endpoint=meta.endpoint_url,
        region=meta.region_name,
        decisions=RetryDecisions(config.max_attempts, meta.service_model),
        user_agent=_user_agent(client),
        read_timeout=config.read_timeout,
    )


def new_driver(
    config: DynamoDBConfig,
    client: DynamoDBClient,
    transport: Transport | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Driver:
    """The driver DynamoDBService sends its operations through.

    The call's steps come from `new_exchange`; the credentials are the client's (the
    chain's, refreshed by botocore when they expire; the config's keys; or the dummy
    keys of a loopback endpoint). Requests go through `transport`; by default through
    `new_transport(config, client)`, after the client's ``before-send`` handlers
    (moto's ``mock_aws``...) had the chance to answer.

    Args:
        config: The table and how to reach it.
        client: The client `new_client` built from `config`.
        transport: Where requests go; the default urllib3 transport if None.
        sleep: How the driver waits between attempts.
    """
    return Driver(
        exchange=new_exchange(config, client),
        credentials=credentials_of(client),
        transport=BotocoreHooks(client.meta.events, new_transport(config, client))
        if transport is None
        else transport,
        sleep=sleep,
    )


def credentials_of(client: DynamoDBClient) -> Any:
    """The credentials the client signs with: botocore's object, which refreshes itself."""
    return getattr(getattr(client, "_request_signer", None), "_credentials", None)


def _user_agent(client: DynamoDBClient) -> str:
    """The User-Agent the client sends (the fixed one, with botocore's SDK suffix)."""
    creator = getattr(client, "_user_agent_creator", None)
    return _USER_AGENT if creator is None else str(creator.to_string())


def _keys(config: DynamoDBConfig) -> tuple[str | None, str | None]:
    """The config's key id and secret, both None when it gives none (for the chain)."""
    secret = config.aws_secret_access_key
    return config.aws_access_key_id, None if secret is None else secret.get_secret_value()


def _needs_dummy_keys(config: DynamoDBConfig, session: boto3.session.Session) -> bool:
    """True when `config` gives no keys, its endpoint is on loopback and the chain finds none.

    The chain is asked ahead only for a loopback endpoint. The session caches what it
    finds, which the client then reuses instead of asking again; it caches nothing when
    it finds nothing, so a later client still asks afresh.
    """
    return (
        config.aws_secret_access_key is None
        and is_loopback(config.endpoint_url)
        and session.get_credentials() is None
    )


def is_loopback(endpoint_url: str | None) -> bool:
    """True when `endpoint_url`'s host is ``localhost`` or a loopback IP address.

    Names other than ``localhost`` are never resolved: a name that resolves to loopback
    today may not tomorrow, and a VPC endpoint's name is real AWS.

    Args:
        endpoint_url: An http(s) URL, IPv6 hosts in brackets; None for AWS.
    """
    host = None if endpoint_url is None else urlsplit(endpoint_url).hostname
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    # Python 3.13 counts ::ffff:127.0.0.1 as loopback, earlier versions do not.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _without_userinfo(endpoint_url: str | None) -> str | None:
    """The endpoint as scheme://host:port, so that no password in a URL reaches a log."""
    if endpoint_url is None:
        return None
    parts = urlsplit(endpoint_url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


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


def create_table(config: DynamoDBConfig, *, logger: LoggingService | None = None) -> None:
    """Create the pk/sk table (on-demand billing) and its indexes, and wait until all are ACTIVE.

    For local runs, tests and examples. The table gets the global and local secondary
    indexes `config.indexes` declares. An existing table is left as it is (use
    `DynamoDBService.ping` to check that its indexes are the declared ones).

    Args:
        config: The table and how to reach it, credentials as for DynamoDBService.
        logger: Where the client logs, as DynamoDBService's does; a default
            LoggingService if None.

    Raises:
        KeyValueStoreError: If the table cannot be created or is not ACTIVE within a minute.
    """
    client = new_client(config, logger)
    try:
        _create(client, create_request(config.table_name, config.indexes, config.entity_attribute))
        _wait_until_active(client, config.table_name)
    except (ClientError, BotoCoreError) as exc:
        msg = f"create_table: table {config.table_name!r}: {exc}"
        raise KeyValueStoreError(msg) from exc
    finally:
        client.close()


def _create(client: DynamoDBClient, request: dict[str, Any]) -> None:
    try:
        client.create_table(**request)
    except ClientError as exc:
        if error_code(exc) != "ResourceInUseException":
            raise


def _wait_until_active(client: DynamoDBClient, table: str) -> None:
    """Wait until the table and each of its global indexes is ACTIVE."""
    deadline = time.monotonic() + TABLE_ACTIVE_TIMEOUT_S
    while not _all_active(client.describe_table(TableName=table)["Table"]):
        if time.monotonic() > deadline:
            msg = f"create_table: table {table!r} is not ACTIVE after {TABLE_ACTIVE_TIMEOUT_S}s"
            raise KeyValueStoreError(msg)
        time.sleep(_POLL_INTERVAL_S)


def _all_active(description: Any) -> bool:
    indexes = description.get("GlobalSecondaryIndexes", [])
    return description.get("TableStatus") == "ACTIVE" and all(
        index.get("IndexStatus", "ACTIVE") == "ACTIVE" for index in indexes
    )


def delete_table(config: DynamoDBConfig, *, logger: LoggingService | None = None) -> None:
    """Delete the table, every item in it, and wait until it is gone.

    For local runs, tests and examples, as create_table: a test suite that made its
    tables deletes them at its end. A table that does not exist is left as it is.

    Args:
        config: The table and how to reach it, credentials as for DynamoDBService.
        logger: Where the client logs, as DynamoDBService's does; a default
            LoggingService if None.

    Raises:
        KeyValueStoreError: If the table cannot be deleted or is still there after a minute.
    """
    client = new_client(config, logger)
    try:
        if _delete(client, config.table_name):
            _wait_until_gone(client, config.table_name)
    except (ClientError, BotoCoreError) as exc:
        msg = f"delete_table: table {config.table_name!r}: {exc}"
        raise KeyValueStoreError(msg) from exc
    finally:
        client.close()


def _delete(client: DynamoDBClient, table: str) -> bool:
    """Ask for the table's deletion; False when there is no such table."""
    try:
        client.delete_table(TableName=table)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return False
        raise
    return True


def _wait_until_gone(client: DynamoDBClient, table: str) -> None:
    deadline = time.monotonic() + TABLE_ACTIVE_TIMEOUT_S
    while True:
        try:
            client.describe_table(TableName=table)
        except ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return
            raise
        if time.monotonic() > deadline:
            msg = f"delete_table: table {table!r} still exists after {TABLE_ACTIVE_TIMEOUT_S}s"
            raise KeyValueStoreError(msg)
        time.sleep(_POLL_INTERVAL_S)
