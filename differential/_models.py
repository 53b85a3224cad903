"""The models the state machine writes and reads.

They share partitions and attribute names on purpose: `Note.title` is text where
`Measure.title` is a number, `Note.data` is text where `Payload.data` is a map, so
reading one model's item as another meets the same validation error in both stores.
Aliases give attributes names that are DynamoDB reserved words or hold ``.``, ``#``
and ``:``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field, create_model

from lvrgd.common.services.kvstore import KeyValueItem


class Note(KeyValueItem):
    """Text, and attribute names that are reserved words or expression syntax."""

    model_config = ConfigDict(populate_by_name=True)

    title: str | None = None
    data: str | None = None
    status: str | None = None
    dotted: str | None = Field(default=None, alias="a.b")
    hashed: str | None = Field(default=None, alias="#h")
    coloned: str | None = Field(default=None, alias=":c")
    tags: set[str] = Field(default_factory=set)


class Measure(KeyValueItem):
    """Numbers of every kind, a bool, and a number set."""

    title: int | None = None
    count: int | None = None
    amount: Decimal | None = None
    ratio: float | None = None
    flag: bool | None = None
    size: int | None = None
    numbers: frozenset[Decimal] = frozenset()


class Payload(KeyValueItem):
    """Binary values and documents: nested maps and lists, deep or not."""

    raw: bytes | None = None
    blobs: set[bytes] = Field(default_factory=set)
    data: dict[str, Any] | None = None
    items: list[Any] | None = None
    mixed: set[int | str] = Field(default_factory=set)


class BigText(KeyValueItem):
    """An item near 400 KB whose bulk is text."""

    text: str | None = None
    note: str | None = None
    n: int | None = None


class BigBinary(KeyValueItem):
    """An item near 400 KB whose bulk is binary; shares `note` with BigText."""

    blob: bytes | None = None
    note: str | None = None
    tags: set[str] = Field(default_factory=set)


WIDE_FIELDS = 320
Wide: type[KeyValueItem] = create_model(
    "Wide",
    __base__=KeyValueItem,
    **{f"f{index:03}": (int | None, None) for index in range(WIDE_FIELDS)},  # type: ignore[call-overload]
)
"""320 optional number fields: an update of it is one SET or REMOVE action per field,
and its UpdateExpression passes DynamoDB's 4 KB once some 290 fields are set."""


class Everything(KeyValueItem):
    """Reads any item whole: every stored attribute comes back as an extra field."""

    model_config = ConfigDict(extra="allow")


SMALL_MODELS: tuple[type[KeyValueItem], ...] = (Note, Measure, Payload)
BIG_MODELS: tuple[type[KeyValueItem], ...] = (BigText, BigBinary)
READERS: tuple[type[KeyValueItem], ...] = (
    Everything,
    KeyValueItem,
    Note,
    Measure,
    Payload,
    BigText,
    BigBinary,
)
