"""The default transport goes where a boto3 client would: through its proxy, with its CA bundle."""

from __future__ import annotations

import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig, DynamoDBService, KeyValueItem, LoggingService
from lvrgd.common.services.dynamodb import _table
from lvrgd.common.services.kvstore import StoreUnavailableError

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


def _config(**overrides: Any) -> DynamoDBConfig:
    return DynamoDBConfig(
        table_name="things",
        region="eu-west-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDPROXYTEST",
        aws_secret_access_key=SecretStr("secret"),
        max_attempts=1,
        **overrides,
    )


def test_requests_go_through_the_environments_proxy_with_its_credentials(
    proxy: tuple[str, list[tuple[str, dict[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://us%40er:p%3Ass@{address}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    with DynamoDBService(LoggingService("proxy"), _config()) as service:
        assert service.get_one("p", "s", _Thing) is None

    ((line, headers),) = seen
    assert line == f"POST {ENDPOINT}/ HTTP/1.1"  # the absolute form: sent to a proxy
    assert headers["proxy-authorization"] == "Basic dXNAZXI6cDpzcw=="  # us@er:p:ss
    assert headers["x-amz-target"] == "DynamoDB_20120810.GetItem"


def test_no_proxy_sends_the_request_straight_to_the_endpoint(
    proxy: tuple[str, list[tuple[str, dict[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://{address}")
    monkeypatch.setenv("NO_PROXY", ".invalid")

    # Straight to a name that does not resolve: the store is unreachable.
    with (
        DynamoDBService(LoggingService("proxy"), _config()) as service,
        pytest.raises(StoreUnavailableError),
    ):
        service.get_one("p", "s", _Thing)

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
