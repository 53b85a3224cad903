"""The endpoint backend: any DynamoDB endpoint a user names, real AWS included.

Chosen only by name (``--kvstore-backend endpoint``), configured by options or,
failing them, environment variables:

- ``--kvstore-endpoint`` or ``KVSTORE_ENDPOINT_URL``: the endpoint
  (``http://localhost:8000`` for DynamoDB Local), or ``aws`` for AWS's own endpoint
  of the region;
- ``--kvstore-region`` or ``KVSTORE_REGION``: the region (default ``us-east-1``);
- ``KVSTORE_AWS_ACCESS_KEY_ID`` and ``KVSTORE_AWS_SECRET_ACCESS_KEY``: the keys, else
  boto3's standard credential chain (environment, profile, instance role).

Each process of the run makes its tables (named with ``--kvstore-table-prefix``),
empties one before each test, and deletes them all at the end.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig

from ._dynamodb import EngineHarness
from ._harness import BackendOptions
from ._process import EngineUnavailableError

if TYPE_CHECKING:
    from pathlib import Path

AWS = "aws"
NAME = "endpoint"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class _Endpoint:
    """An endpoint nobody here started: nothing to stop."""

    endpoint_url: str

    def stop(self) -> None:
        """Nothing to stop."""

    def record(self) -> dict[str, str | int]:
        """Nothing another process has to stop."""
        return {"kind": "none"}


class EndpointHarness(EngineHarness):
    """DynamoDBService on the endpoint the options, or the environment, name."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Nothing is created until `start`."""
        options = options or BackendOptions()
        url = options.endpoint_url or os.environ.get("KVSTORE_ENDPOINT_URL")
        region = options.region or os.environ.get("KVSTORE_REGION") or DEFAULT_REGION

        def start(log_dir: Path | None) -> _Endpoint:
            del log_dir
            if not url:
                reason = "give --kvstore-endpoint URL (or KVSTORE_ENDPOINT_URL), or 'aws'"
                raise EngineUnavailableError(NAME, reason)
            return _Endpoint(url)

        def config_for(endpoint_url: str | None, table_name: str) -> DynamoDBConfig:
            key_id = os.environ.get("KVSTORE_AWS_ACCESS_KEY_ID")
            secret = os.environ.get("KVSTORE_AWS_SECRET_ACCESS_KEY")
            return DynamoDBConfig(
                table_name=table_name,
                region=region,
                endpoint_url=None if endpoint_url == AWS else endpoint_url,
                aws_access_key_id=key_id,
                aws_secret_access_key=None if secret is None else SecretStr(secret),
            )

        # Nothing is shared: each process reaches the endpoint itself.
        super().__init__(NAME, start, {}, replace(options, engines=None), config_for)
