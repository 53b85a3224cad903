"""The endpoint backend: any DynamoDB endpoint a user names, real AWS included.

Chosen only by name (``--backend endpoint``), configured by environment variables:

- ``KVSTORE_ENDPOINT_URL``: the endpoint (``http://localhost:8000`` for DynamoDB Local),
  or ``aws`` for AWS's own endpoint of the region;
- ``KVSTORE_REGION``: the region (default ``us-east-1``);
- ``KVSTORE_AWS_ACCESS_KEY_ID`` and ``KVSTORE_AWS_SECRET_ACCESS_KEY``: the keys, else
  boto3's standard credential chain (environment, profile, instance role).

The run creates one table of its own (``lvrgd-contract-<random>``), empties it
before each test, and deletes it at the end.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig, DynamoDBService, LoggingService, create_table
from lvrgd.common.services.dynamodb._table import new_client

from ._process import EngineUnavailableError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._harness import Feature

AWS = "aws"


class EndpointHarness:
    """DynamoDBService on the endpoint the environment names."""

    name = "endpoint"
    lacks: Mapping[Feature, str] = {}

    def __init__(self) -> None:
        """Nothing is created until `start`."""
        self._config: DynamoDBConfig | None = None

    def start(self) -> None:
        """Create the run's table."""
        endpoint = os.environ.get("KVSTORE_ENDPOINT_URL")
        if not endpoint:
            reason = "set KVSTORE_ENDPOINT_URL to an endpoint URL, or to 'aws'"
            raise EngineUnavailableError(self.name, reason)
        key_id = os.environ.get("KVSTORE_AWS_ACCESS_KEY_ID")
        secret = os.environ.get("KVSTORE_AWS_SECRET_ACCESS_KEY")
        self._config = DynamoDBConfig(
            table_name=f"lvrgd-contract-{uuid.uuid4().hex[:12]}",
            region=os.environ.get("KVSTORE_REGION", "us-east-1"),
            endpoint_url=None if endpoint == AWS else endpoint,
            aws_access_key_id=key_id,
            aws_secret_access_key=None if secret is None else SecretStr(secret),
        )
        create_table(self._config)

    def new_store(self) -> DynamoDBService:
        """A DynamoDBService on the run's table, emptied first."""
        config = self._require_config()
        client = new_client(config)
        try:
            for page in client.get_paginator("scan").paginate(
                TableName=config.table_name, ProjectionExpression="pk, sk", ConsistentRead=True
            ):
                for key in page["Items"]:
                    client.delete_item(TableName=config.table_name, Key=key)
        finally:
            client.close()
        return DynamoDBService(LoggingService("contract"), config)

    def stop(self) -> None:
        """Delete the run's table; idempotent."""
        if self._config is None:
            return
        client = new_client(self._config)
        try:
            client.delete_table(TableName=self._config.table_name)
        finally:
            client.close()
            self._config = None

    def _require_config(self) -> DynamoDBConfig:
        if self._config is None:
            msg = "endpoint: start() the harness before asking for a store"
            raise RuntimeError(msg)
        return self._config
