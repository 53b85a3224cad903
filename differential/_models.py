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

Both stores declare the same secondary indexes (`INDEXES`), keyed by fields of these
models: Note and Measure share ``by_g`` (ALL, sparse: ``gpk``/``gsk`` None leave it)
and ``by_inc`` (INCLUDE of ``title``, text in one and a number in the other, and
``count``); Measure computes its ``band`` (a pydantic ``computed_field``) for the
KEYS_ONLY ``by_band`` that Payloads join with a band of their own; Notes and Payloads
sort a partition by ``lsk`` in the local ``by_l``; every item is in ``inverted``.
Projection models (views holding only what an index projects) read the KEYS_ONLY and
INCLUDE indexes without ``hydrate``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field, computed_field, create_model

from lvrgd.common.services.kvstore import IndexSpec, KeyValueItem


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
    gpk: str | None = None
    gsk: str | None = None
    ipk: str | None = None
    lsk: str | None = None


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
    gpk: str | None = None
    gsk: str | None = None
    ipk: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def band(self) -> str | None:
        """The ``by_band`` index's partition key, from `size`: three bands; None without one."""
        return None if self.size is None else f"band#{abs(self.size) // 2}"


class Payload(KeyValueItem, entity="differential._models.Payload·é😀"):
    """Binary values and documents: nested maps and lists, deep or not."""

    raw: bytes | None = None
    blobs: set[bytes] = Field(default_factory=set)
    data: dict[str, Any] | None = None
    items: list[Any] | None = None
    mixed: set[int | str] = Field(default_factory=set)
    band: str | int | None = None
    lsk: str | None = None


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


# --- secondary indexes ------------------------------------------------------------------

BY_G = IndexSpec(name="by_g", pk="gpk", sk="gsk")
"""Global, ALL: Notes and Measures by `gpk`, sorted by `gsk`; sparse (None leaves it)."""
BY_BAND = IndexSpec(name="by_band", pk="band", projection="keys_only")
"""Global, KEYS_ONLY, no sort key: Measures by their computed `band`, Payloads by theirs."""
BY_INC = IndexSpec(name="by_inc", pk="ipk", sk="gsk", projection=("title", "count"))
"""Global, INCLUDE: Notes (text `title`) and Measures (number `title`, `count`) by `ipk`."""
INVERTED = IndexSpec(name="inverted", pk="sk", sk="pk")
"""Global, ALL: every item, by its sort key, sorted by its partition key."""
BY_L = IndexSpec(name="by_l", pk="pk", sk="lsk", local=True, projection="keys_only")
"""Local, KEYS_ONLY: a partition's Notes and Payloads sorted by `lsk`; a model that needs
more reads it from the table (DynamoDB's ``Select=ALL_ATTRIBUTES``)."""
INDEXES: tuple[IndexSpec, ...] = (BY_G, BY_BAND, BY_INC, INVERTED, BY_L)
"""The indexes both stores of the state machine declare (an engine's table has them)."""


class MeasureKey(KeyValueItem, entity=Measure):
    """A projection model of Measure: its key alone, which every index holds."""


class PayloadBand(KeyValueItem, entity=Payload):
    """What the KEYS_ONLY ``by_band`` holds of a Payload; reads a Measure's band too."""

    band: str | None = None


class NoteLsk(KeyValueItem, entity=Note):
    """What the KEYS_ONLY local ``by_l`` holds of a Note."""

    lsk: str | None = None


class PayloadLsk(KeyValueItem, entity=Payload):
    """What the KEYS_ONLY local ``by_l`` holds of a Payload."""

    lsk: str | None = None


class NoteTitle(KeyValueItem, entity=Note):
    """What the INCLUDE ``by_inc`` holds of a Note: its keys there and its title."""

    ipk: str | None = None
    gsk: str | None = None
    title: str | None = None


class MeasureCount(KeyValueItem, entity=Measure):
    """What the INCLUDE ``by_inc`` holds of a Measure: a number title and its count."""

    gsk: str | None = None
    title: int | None = None
    count: int | None = None


INDEX_READERS: dict[str, tuple[type[KeyValueItem], ...]] = {
    BY_G.name: (Note, Measure, NoteView, MeasureWhole, Everything, KeyValueItem, Payload),
    BY_BAND.name: (PayloadBand, MeasureKey, Everything, KeyValueItem, Measure, Payload),
    BY_INC.name: (NoteTitle, MeasureCount, MeasureKey, KeyValueItem, Note, Measure),
    INVERTED.name: READERS,
    BY_L.name: (NoteLsk, PayloadLsk, MeasureKey, Everything, KeyValueItem, Note, Payload),
}
"""The classes an index read names, alone or in a union: first those of what the index
holds (projection models on KEYS_ONLY and INCLUDE indexes), last whole models, which a
global KEYS_ONLY or INCLUDE index refuses unless the read hydrates."""
