"""The sync transport: one HTTP exchange, behind a Protocol that tests and users can replace.

The default is a pooled HTTP/1.1 client on urllib3, which botocore already depends on:
one pool per host of `max_pool_connections` connections, the config's connect and read
timeouts, no retries and no redirects of its own (the driver decides retries), TLS
verified against the CA bundle boto3 would use (``AWS_CA_BUNDLE``, the config file's
``ca_bundle``, else botocore's), through the proxy boto3 would use (``HTTPS_PROXY`` /
``HTTP_PROXY``, minus ``NO_PROXY``). Failures are raised as the botocore exceptions
botocore's own urllib3 session raises for them, so that botocore's retry conditions and
the adapter's error table read them unchanged.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

import urllib3
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)
from botocore.httpsession import get_cert_path, mask_proxy_url
from urllib3.exceptions import ConnectTimeoutError as Urllib3ConnectTimeoutError
from urllib3.exceptions import NewConnectionError, ProtocolError
from urllib3.exceptions import ProxyError as Urllib3ProxyError
from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeoutError
from urllib3.exceptions import SSLError as Urllib3SSLError

from ._protocol import HttpRequest, HttpResponse


@runtime_checkable
class Transport(Protocol):
    """Sends one request and returns its whole response.

    A failure to get a response raises an exception; botocore's standard retry mode
    resends after ``botocore.exceptions.ConnectionError`` and ``HTTPClientError`` (and
    their subclasses), and after nothing else.
    """

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send `request` once and read the whole answer."""
        ...

    def close(self) -> None:
        """Release connections; idempotent."""
        ...


@dataclass(frozen=True, slots=True)
class TransportSettings:
    """How a default transport, sync or async, reaches DynamoDB.

    Attributes:
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait on each read of the answer.
        max_pool_connections: Connections kept per host.
        proxy_url: The proxy every request goes through (``http://user:pass@host:port``;
            an HTTPS endpoint is reached through a CONNECT tunnel); None for none.
        verify: The CA bundle's path, True for botocore's own, or False to skip TLS
            verification (as boto3's ``verify=False``).
    """

    connect_timeout: float
    read_timeout: float
    max_pool_connections: int
    proxy_url: str | None = None
    verify: str | bool = True


class Urllib3Transport:
    """The default transport: urllib3's connection pools, HTTP/1.1 keep-alive.

    Args:
        settings: The timeouts, pool size (per host, for threads sharing it), proxy and
            CA bundle.
    """

    def __init__(self, settings: TransportSettings) -> None:
        """Build the pools; nothing connects until the first send."""
        connect_timeout, read_timeout = settings.connect_timeout, settings.read_timeout
        proxy_url, verify = settings.proxy_url, settings.verify
        options: dict[str, Any] = {
            "num_pools": 10,
            "maxsize": settings.max_pool_connections,
            "timeout": urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            "retries": False,
        }
        if verify is False:
            options["cert_reqs"] = "CERT_NONE"
        else:
            options["ca_certs"] = verify if isinstance(verify, str) else get_cert_path(verify=True)
        self._proxy_url = proxy_url
        # Sent on a CONNECT (an HTTPS endpoint) by urllib3, and with each request to an
        # HTTP endpoint, which the proxy forwards, by `send`.
        self._proxy_headers = {} if proxy_url is None else _proxy_auth(proxy_url)
        self._pools: urllib3.PoolManager = (
            urllib3.PoolManager(**options)
            if proxy_url is None
            else urllib3.ProxyManager(
                _bare(proxy_url), proxy_headers=self._proxy_headers, **options
            )
        )

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send `request` on a pooled connection and read the whole answer.

        Raises:
            EndpointConnectionError: The connection was refused or the name did not resolve.
            ProxyConnectionError: The proxy could not be reached.
            ConnectTimeoutError: No connection within the connect timeout.
            ReadTimeoutError: No answer within the read timeout.
            ConnectionClosedError: The connection closed before the answer was whole.
            SSLError: TLS failed.
            HTTPClientError: Anything else went wrong on the way.
        """
        url = request.url
        try:
            answer = self._pools.urlopen(
                request.method,
                url,
                body=request.body,
                headers=(
                    {**request.headers, **self._proxy_headers}
                    if self._proxy_headers and url.startswith("http:")
                    else dict(request.headers)
                ),
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
            )
            try:
                body = answer.read()
            finally:
                answer.release_conn()
            headers = {name.lower(): value for name, value in answer.headers.items()}
        except Urllib3SSLError as exc:
            raise SSLError(endpoint_url=url, error=exc) from exc
        except (NewConnectionError, socket.gaierror) as exc:
            raise EndpointConnectionError(endpoint_url=url, error=exc) from exc
        except Urllib3ProxyError as exc:  # nothing reached DynamoDB, as botocore's session says
            proxy = mask_proxy_url(self._proxy_url or "")
            raise ProxyConnectionError(proxy_url=proxy, error=exc) from exc
        except Urllib3ConnectTimeoutError as exc:
            raise ConnectTimeoutError(endpoint_url=url, error=exc) from exc
        except Urllib3ReadTimeoutError as exc:
            raise ReadTimeoutError(endpoint_url=url, error=exc) from exc
        except ProtocolError as exc:
            raise ConnectionClosedError(endpoint_url=url, error=exc, request=request) from exc
        except Exception as exc:  # as botocore's session: any other failure
            raise HTTPClientError(error=exc) from exc
        return HttpResponse(answer.status, headers, body)

    def close(self) -> None:
        """Close every pooled connection."""
        self._pools.clear()


def _bare(proxy_url: str) -> str:
    """`proxy_url` without its user information (sent as a header instead)."""
    parts = urlsplit(proxy_url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def _proxy_auth(proxy_url: str) -> dict[str, str]:
    """The Proxy-Authorization header of `proxy_url`'s user information, if any."""
    parts = urlsplit(proxy_url)
    if parts.username is None:
        return {}
    credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return dict(urllib3.make_headers(proxy_basic_auth=credentials))


def offer_to_handlers(events: Any, request: HttpRequest) -> HttpResponse | None:
    """The answer of botocore's ``before-send`` handlers to `request`, or None if none answers.

    Handlers that answer requests inside botocore (moto's ``mock_aws``, a test's own)
    answer the driver's requests as they would a boto3 client's.

    Args:
        events: The client's event emitter (``client.meta.events``).
        request: The signed request.
    """
    operation = request.headers["X-Amz-Target"].rsplit(".", 1)[1]
    # A plain dict of headers: handlers read them through items() and get(), and
    # botocore's email-based HTTPHeaders would cost more than the rest of the hook.
    headers: Any = dict(request.headers)
    prepared = AWSPreparedRequest(
        request.method, request.url, headers, request.body, stream_output=False
    )
    _, answer = events.emit_until_response(f"before-send.dynamodb.{operation}", request=prepared)
    if answer is None:
        return None
    headers = {name.lower(): value for name, value in answer.headers.items()}
    return HttpResponse(answer.status_code, headers, bytes(answer.content))


@dataclass(frozen=True, slots=True)
class BotocoreHooks:
    """A transport that first offers each request to botocore's ``before-send`` handlers.

    Without a handler's answer (`offer_to_handlers`), the request goes to `inner`. The
    default transport is wrapped in this, so that code testing DynamoDBService under
    ``mock_aws`` keeps working.

    Attributes:
        events: The client's event emitter (``client.meta.events``).
        inner: Where a request no handler answers is sent.
    """

    events: Any
    inner: Transport

    def send(self, request: HttpRequest) -> HttpResponse:
        """A handler's answer, or `inner`'s."""
        answer = offer_to_handlers(self.events, request)
        return self.inner.send(request) if answer is None else answer

    def close(self) -> None:
        """Close `inner`."""
        self.inner.close()
