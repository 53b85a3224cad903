"""The models the state machine writes and reads.

They share partitions and attribute names on purpose: `Note.title` is text where
`Measure.title` is a number, `Note.data` is text where `Payload.data` is a map, so
reading one model's item as another meets the same validation error in both stores.
Aliases give attributes names that are DynamoDB reserved words or hold ``.``, ``#``
and ``:``.

Each model stores its own entity name, so a partition the machine writes is an item
collection of several entity types; `NoteView` is a view (``entity=Note``): it writes
and reads Note's items through two of their fields. Entity names are spelled out under
``differential.``, since a name belongs to one class per process and other suites, run
in the same worker, define classes of the same names (`Note`, `Numbered`...); one of
them is not ASCII. The ``*Whole`` views read any item of their entity with every
stored attribute, however the item was changed through other classes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field, create_model

from lvrgd.common.services.kvstore import KeyValueItem


class Note(KeyValueItem, entity="differential._models.Note"):
    """Text, and attribute names that are reserved words or expression syntax."""

    model_config = ConfigDict(populate_by_name=True)

    title: str | None = None
    data: str | None = None
    status: str | None = None
    dotted: str | None = Field(default=None, alias="a.b")
    hashed: str | None = Field(default=None, alias="#h")
    coloned: str | None = Field(default=None, alias=":c")
    tags: set[str] = Field(default_factory=set)


class NoteView(KeyValueItem, entity=Note):
    """A view of Note: its title and status; its writes store Note's entity name."""

    title: str | None = None
    status: str | None = None


class Measure(KeyValueItem, entity="differential._models.Measure"):
    """Numbers of every kind, a bool, and a number set."""

    title: int | None = None
    count: int | None = None
    amount: Decimal | None = None
    ratio: float | None = None
    flag: bool | None = None
    size: int | None = None
    numbers: frozenset[Decimal] = frozenset()


class Payload(KeyValueItem, entity="differential._models.Payload·é😀"):
    """Binary values and documents: nested maps and lists, deep or not."""

    raw: bytes | None = None
    blobs: set[bytes] = Field(default_factory=set)
    data: dict[str, Any] | None = None
    items: list[Any] | None = None
    mixed: set[int | str] = Field(default_factory=set)


class BigText(KeyValueItem, entity="differential._models.BigText"):
    """An item near 400 KB whose bulk is text."""

    text: str | None = None
    note: str | None = None
    n: int | None = None


class BigBinary(KeyValueItem, entity="differential._models.BigBinary"):
    """An item near 400 KB whose bulk is binary; shares `note` with BigText."""

    blob: bytes | None = None
    note: str | None = None
    tags: set[str] = Field(default_factory=set)


WIDE_FIELDS = 320
Wide: type[KeyValueItem] = create_model(
    "Wide",
    __base__=KeyValueItem,
    __cls_kwargs__={"entity": "differential._models.Wide"},
    **{f"f{index:03}": (int | None, None) for index in range(WIDE_FIELDS)},  # type: ignore[call-overload]
)
"""320 optional number fields: an update of it is one SET or REMOVE action per field,
and its UpdateExpression passes DynamoDB's 4 KB once some 290 fields are set."""


class Everything(KeyValueItem, entity="differential._models.Everything"):
    """Reads an item stored without an entity name whole: its attributes as extra fields.

    No write uses it, so an item of any other entity is not one of its own.
    """

    model_config = ConfigDict(extra="allow")


class _Open(KeyValueItem):
    """The base of the ``*Whole`` views: every stored attribute is kept (never used itself)."""

    model_config = ConfigDict(extra="allow")


def _whole(entity: type[KeyValueItem]) -> type[KeyValueItem]:
    """A view of `entity` that reads its items with every stored attribute, as extras."""
    view: type[KeyValueItem] = create_model(
        f"{entity.__name__}Whole", __base__=_Open, __cls_kwargs__={"entity": entity}
    )
    return view


SMALL_MODELS: tuple[type[KeyValueItem], ...] = (Note, NoteView, Measure, Payload)
BIG_MODELS: tuple[type[KeyValueItem], ...] = (BigText, BigBinary)
ENTITIES: tuple[type[KeyValueItem], ...] = (Note, Measure, Payload, BigText, BigBinary, Wide)
"""Every entity the machine writes (NoteView writes Note's)."""
WHOLE: tuple[type[KeyValueItem], ...] = tuple(_whole(entity) for entity in ENTITIES)
MeasureWhole = WHOLE[1]
WHOLE_PARTITION: tuple[type[KeyValueItem], ...] = (Everything, *WHOLE)
"""Reads a whole partition, every item with all it stores: an item without an entity
name as `Everything` (the first class that validates it), any other as its entity's
``*Whole`` view. With ``on_other="raise"``, an entity the machine never wrote fails."""
READERS: tuple[type[KeyValueItem], ...] = (
    Everything,
    KeyValueItem,
    Note,
    NoteView,
    Measure,
    MeasureWhole,
    Payload,
    BigText,
    BigBinary,
)
"""The classes a read may name, alone or in a union (KeyValueItem reads every entity)."""
COLLECTION_READERS: tuple[type[KeyValueItem], ...] = (
    Everything,
    Note,
    NoteView,
    Measure,
    MeasureWhole,
    Payload,
)
"""The readers of what the small partitions hold; a read names mostly these."""
