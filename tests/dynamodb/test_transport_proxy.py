"""The default transports go where a boto3 client would: through its proxy, with its CA bundle.

Each test runs on the sync service (urllib3) and on the async driver (httpx), whose
botocore errors are translated here as the async adapter will translate them.
"""

from __future__ import annotations

import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from botocore.exceptions import BotoCoreError
from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig, DynamoDBService, KeyValueItem, LoggingService
from lvrgd.common.services.dynamodb import _table
from lvrgd.common.services.dynamodb._async_parts import new_async_driver
from lvrgd.common.services.dynamodb._errors import translate
from lvrgd.common.services.kvstore import StoreUnavailableError

from ._sockets import Server, answering, self_signed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

ENDPOINT = "http://dynamodb.proxied.invalid:8000"


class _Thing(KeyValueItem, entity="tests.transport_proxy.Thing"):
    pass


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that answers every request itself, as if DynamoDB had: no item."""

    seen: list[tuple[str, dict[str, str]]]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.requestline, {k.lower(): v for k, v in self.headers.items()}))
        body = json.dumps({}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("x-amz-crc32", str(zlib.crc32(body)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    seen: list[tuple[str, dict[str, str]]] = []
    handler = type("Handler", (_Proxy,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _get_one(kind: str, config: DynamoDBConfig) -> _Thing | None:
    """get_one through the sync service, or GetItem through the async driver."""
    if kind == "sync":
        with DynamoDBService(LoggingService("proxy"), config) as service:
            return service.get_one("p", "s", _Thing)

    async def get() -> _Thing | None:
        driver = new_async_driver(config)
        key = {"pk": {"S": "p"}, "sk": {"S": "s"}}
        try:
            found = await driver.call("GetItem", {"TableName": config.table_name, "Key": key})
        except BotoCoreError as exc:
            raise translate(exc, "get_one", "p", "s") from exc
        finally:
            await driver.aclose()
        return None if "Item" not in found else _Thing.model_validate(found["Item"])

    return anyio.run(get)


def _config(endpoint: str = ENDPOINT, **overrides: Any) -> DynamoDBConfig:
    return DynamoDBConfig(
        table_name="things",
        region="eu-west-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDPROXYTEST",
        aws_secret_access_key=SecretStr("secret"),
        max_attempts=1,
        **overrides,
    )


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_requests_go_through_the_environments_proxy_with_its_credentials(
    kind: str,
    proxy: tuple[str, list[tuple[str, dict[str, str]]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://us%40er:p%3Ass@{address}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    assert _get_one(kind, _config()) is None

    ((line, headers),) = seen
    assert line == f"POST {ENDPOINT}/ HTTP/1.1"  # the absolute form: sent to a proxy
    assert headers["proxy-authorization"] == "Basic dXNAZXI6cDpzcw=="  # us@er:p:ss
    assert headers["x-amz-target"] == "DynamoDB_20120810.GetItem"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_no_proxy_sends_the_request_straight_to_the_endpoint(
    kind: str,
    proxy: tuple[str, list[tuple[str, dict[str, str]]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://{address}")
    monkeypatch.setenv("NO_PROXY", ".invalid")

    # Straight to a name that does not resolve: the store is unreachable.
    with pytest.raises(StoreUnavailableError):
        _get_one(kind, _config())

    assert seen == []


def test_the_ca_bundle_of_the_environment_verifies_tls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("", encoding="utf-8")
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
    config = _config()
    client = _table.new_client(config)

    transport = _table.new_transport(config, client)

    pools = transport._pools  # type: ignore[attr-defined]
    assert pools.connection_pool_kw["ca_certs"] == str(bundle)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_tls_is_verified_against_the_environments_ca_bundle(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle, context = self_signed(tmp_path)
    server = Server(lambda connection: None, tls=context)
    server.behaviour = answering(server)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with server.running() as url:
        with pytest.raises(StoreUnavailableError):  # botocore's own bundle does not know it
            _get_one(kind, _config(url))
        monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
        assert _get_one(kind, _config(url)) is None

    assert len(server.requests) == 1
