"""DynamoDBConfig, and DynamoDBBaseModel (another name for KeyValueItem)."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import InitErrorDetails

from lvrgd.common.services.kvstore import KeyValueItem
from lvrgd.common.services.kvstore._entities import (
    DEFAULT_ENTITY_ATTRIBUTE,
    check_entity_attribute,
)
from lvrgd.common.services.kvstore._indexes import IndexSpec, check_indexes

DynamoDBBaseModel = KeyValueItem
"""The item base class under its first name: the very same class as KeyValueItem."""

_TABLE_NAME = re.compile(r"[A-Za-z0-9_.\-]{3,255}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")


class DynamoDBConfig(BaseModel):
    """Where and how DynamoDBService reaches its table.

    Secrets never appear in a repr, a log line or a validation error.

    Attributes:
        table_name: 3 to 255 characters of ``[A-Za-z0-9_.-]``.
        region: An AWS region, e.g. ``eu-west-1``.
        endpoint_url: An http(s) URL for DynamoDB Local, dynalite, moto...; None for AWS.
        aws_access_key_id: Given together with the secret, or neither (then boto3's
            standard credential chain is used; for a loopback endpoint that finds none,
            fixed dummy keys). Not empty, no whitespace or control characters.
        aws_secret_access_key: The secret key, kept as a SecretStr. Not empty, no
            whitespace or control characters.
        consistent_reads: Strongly consistent get_one and queries.
        connect_timeout: Seconds to wait for a connection, per attempt.
        read_timeout: Seconds to wait for an answer, per attempt.
        max_attempts: Attempts per call, botocore's own retries included (1 = no retry).
        max_pool_connections: Connections kept for threads sharing the service.
        batch_retry_seconds: How long get_many and put_many keep resending what DynamoDB
            left unprocessed before they give up and say what is unfinished.
        entity_attribute: The attribute each item stores its entity name in
            (``_entity``), so that reads return each item as its own class.
        indexes: The table's secondary indexes, as `create_table` builds them and
            `ping` checks them: unique names, at most 20 global and 5 local.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    table_name: str
    region: str = "us-east-1"
    endpoint_url: str | None = None
    # The secret comes first so that the key id's validator, which sees it, raises the
    # both-or-neither error: that error then carries the key id as its input, never the
    # secret (a model-level error would carry the whole input in ValidationError.errors()).
    aws_secret_access_key: SecretStr | None = None
    aws_access_key_id: str | None = Field(default=None, validate_default=True)
    consistent_reads: bool = True
    connect_timeout: Annotated[float, Field(gt=0)] = 5.0
    read_timeout: Annotated[float, Field(gt=0)] = 10.0
    max_attempts: Annotated[int, Field(ge=1)] = 3
    max_pool_connections: Annotated[int, Field(ge=1)] = 10
    batch_retry_seconds: Annotated[float, Field(gt=0)] = 20.0
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE
    indexes: tuple[IndexSpec, ...] = ()

    @field_validator("entity_attribute")
    @classmethod
    def _entity_attribute_is_valid(cls, value: str) -> str:
        return check_entity_attribute(value)

    @field_validator("indexes")
    @classmethod
    def _indexes_are_valid(
        cls, value: tuple[IndexSpec, ...], info: ValidationInfo
    ) -> tuple[IndexSpec, ...]:
        attribute = info.data.get("entity_attribute", DEFAULT_ENTITY_ATTRIBUTE)
        return check_indexes(value, attribute)

    @field_validator("table_name")
    @classmethod
    def _table_name_is_valid(cls, value: str) -> str:
        if not _TABLE_NAME.fullmatch(value):
            msg = "a table name is 3 to 255 characters of letters, digits, '_', '.' and '-'"
            raise ValueError(msg)
        return value

    @field_validator("region")
    @classmethod
    def _region_is_valid(cls, value: str) -> str:
        if not _REGION.fullmatch(value):
            msg = "a region looks like 'us-east-1' or 'eu-central-2'"
            raise ValueError(msg)
        return value

    @field_validator("endpoint_url")
    @classmethod
    def _endpoint_is_http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        usable = is_valid_endpoint_url(value) or is_valid_ipv6_endpoint_url(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or not usable:
            msg = "an endpoint is an http:// or https:// URL with a valid host"
            raise ValueError(msg)
        return value

    @field_validator("aws_secret_access_key")
    @classmethod
    def _secret_is_usable(cls, value: SecretStr | None) -> SecretStr | None:
        reason = None if value is None else _unusable(value.get_secret_value())
        if reason is None:
            return value
        # A ValueError's error would carry the raw input, the secret, in errors() and
        # json(); a ValidationError raised here keeps the details given, a masked input.
        error = ValueError(f"aws_secret_access_key {reason}")
        details = InitErrorDetails(type="value_error", loc=(), input=value, ctx={"error": error})
        raise ValidationError.from_exception_data(cls.__name__, [details])

    @field_validator("aws_access_key_id")
    @classmethod
    def _key_id_is_usable_and_paired(cls, value: str | None, info: ValidationInfo) -> str | None:
        reason = None if value is None else _unusable(value)
        if reason is not None:
            msg = f"aws_access_key_id {reason}"
            raise ValueError(msg)
        if "aws_secret_access_key" not in info.data:
            return value  # the secret was refused, and its error says why
        if (info.data["aws_secret_access_key"] is None) != (value is None):
            msg = "give both aws_access_key_id and aws_secret_access_key, or neither"
            raise ValueError(msg)
        return value


def _unusable(key: str) -> str | None:
    """Why `key` cannot be a credential, in words that never quote it; None if it can.

    botocore sends the key id in the Authorization header, where a newline fails in
    urllib3 with the whole header, signature included, in the message; a space or
    a stray control character in either key only fails later, as a bad signature.
    """
    if not key:
        return "is empty"
    if any(char.isspace() or not char.isprintable() for char in key):
        return "contains whitespace or a control character (a space, newline, tab, NUL...)"
    return None
