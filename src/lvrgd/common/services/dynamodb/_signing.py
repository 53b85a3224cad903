"""SigV4 signing by botocore's ``SigV4Auth``, over a light request instead of an AWSRequest.

botocore's signer computes the canonical request, the string to sign, the signing key
and the signature; this module only hands it a request whose headers are a plain dict
rather than ``email.message`` headers, and the host worked out once per endpoint
(botocore works it out twice per request). The headers it adds (``X-Amz-Date``,
``X-Amz-Security-Token``, ``Authorization``) and their values are botocore's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore import auth
from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth

if TYPE_CHECKING:
    from botocore.credentials import ReadOnlyCredentials

_UNSIGNED = frozenset(SIGNED_HEADERS_BLACKLIST)


class KeyCache:
    """The last signing key a driver derived, for the secret and day it was derived for.

    Held by the driver, which holds the credentials already: nothing here outlives it.
    Threads may race to replace it; each then signs with a key it derived itself.
    """

    __slots__ = ("_last",)

    def __init__(self) -> None:
        """Hold nothing yet."""
        self._last: tuple[str, str, bytes] | None = None

    def get(self, secret: str, date: str) -> bytes | None:
        """The key for `secret` on `date`, if it is the last one derived."""
        last = self._last
        if last is not None and last[0] == secret and last[1] == date:
            return last[2]
        return None

    def put(self, secret: str, date: str, key: bytes) -> None:
        """Keep `key` as the one for `secret` on `date`."""
        self._last = (secret, date, key)


@dataclass(slots=True)
class Signable:
    """What ``SigV4Auth.add_auth`` reads and writes of a request.

    Attributes:
        method: The HTTP method.
        url: The endpoint URL (no query string).
        headers: The headers to sign; the signer adds its own to this dict.
        body: The body, whose SHA-256 is signed.
        params: Query parameters (none for DynamoDB).
        context: The signer's scratch space (its timestamp).
    """

    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


class _SignedHeaders(dict[str, str]):
    """Lower-case header names to values, with the one HTTPHeaders method the signer calls."""

    def get_all(self, name: str) -> list[str]:
        return [self[name]]


class Signer(SigV4Auth):
    """botocore's SigV4 signer for one endpoint, region and service.

    Args:
        credentials: Frozen credentials (``get_frozen_credentials()``).
        service: The signing name, ``dynamodb``.
        region: The signing region.
        host: The Host header botocore derives from the endpoint URL.
        keys: Where the day's signing key is kept between requests.
    """

    def __init__(
        self,
        credentials: ReadOnlyCredentials,
        service: str,
        region: str,
        host: str,
        keys: KeyCache,
    ) -> None:
        """Sign for `region` and `service` with `credentials`, the host being `host`."""
        super().__init__(credentials, service, region)
        self._scope = (region, service, "aws4_request")
        self._host = host
        self._keys = keys

    def headers_to_sign(self, request: Any) -> Any:
        """The headers signed: lower-cased, minus botocore's unsigned ones, plus the host."""
        signed = _SignedHeaders()
        for name, value in request.headers.items():
            lower = name.lower()
            if lower not in _UNSIGNED:
                signed[lower] = value
        signed.setdefault("host", self._host)
        return signed

    def signature(self, string_to_sign: str, request: Any) -> str:
        """Botocore's signature, with the day's signing key derived once, not per request.

        The key is botocore's chain of HMACs (``AWS4`` + secret, date, region, service,
        ``aws4_request``); the driver keeps the last one (region and service are its own).
        """
        sign: Any = getattr(self, "_sign")  # noqa: B009 - botocore's HMAC step, unstubbed
        date = request.context["timestamp"][0:8]
        secret = str(self.credentials.secret_key)
        key = self._keys.get(secret, date)
        if key is None:
            key = sign(f"AWS4{secret}".encode(), date)
            for part in self._scope:
                key = sign(key, part)
            self._keys.put(secret, date, key)
        return str(sign(key, string_to_sign, hex=True))


def host_of(url: str) -> str:
    """The Host header botocore signs for `url` (the port only when not the scheme's)."""
    host_from_url: Any = getattr(auth, "_host_from_url")  # noqa: B009 - private, unstubbed
    return str(host_from_url(url))
