"""The domain models and test values the contract cases share.

Models only subclass the port's ``KeyValueItem``; nothing here knows a backend.
"""

import enum
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from lvrgd.common.services.kvstore import DEFAULT_ENTITY_ATTRIBUTE, KeyValueItem, entity_name

ABSENT = "<absent>"
"""The default a probe model reads when an attribute is not stored at all."""


class Customer(KeyValueItem):
    """A customer: the item most cases store."""

    name: str
    email: str | None = None


class Order(KeyValueItem):
    """An order of a customer, its total exact."""

    total: Decimal
    lines: list[str] = Field(default_factory=list)


class CustomerProbe(KeyValueItem, entity=Customer):
    """Reads a Customer's attributes, telling an absent `email` from a stored one."""

    name: str = ABSENT
    email: str = ABSENT


class CustomerContact(KeyValueItem, entity=Customer):
    """A narrow view of Customer: only `email`, and an `age` Customer has not."""

    email: str | None = None
    age: int | None = None


class CustomerNameAsNumber(KeyValueItem, entity=Customer):
    """A model a stored Customer does not validate as: its `name` is text."""

    name: int


class CustomerWithAge(KeyValueItem, entity=Customer):
    """A model a stored Customer does not validate as: it has no `age`."""

    name: str
    age: int


class Profile(KeyValueItem):
    """A wide item: the fields a narrow model shares, and more."""

    name: str
    email: str | None = None
    age: int | None = None
    tags: set[str] = Field(default_factory=set)
    scores: list[int] = Field(default_factory=list)
    settings: dict[str, int] = Field(default_factory=dict)


class ProfileContact(KeyValueItem, entity=Profile):
    """A narrow view of Profile: only `email` and `age`."""

    email: str | None = None
    age: int | None = None


class ProfileSettingsAsText(KeyValueItem, entity=Profile):
    """A model a stored Profile does not validate as: its `settings` hold numbers."""

    settings: dict[str, str]


class ProfileProbe(KeyValueItem, entity=Profile):
    """Reads a Profile's `email` and `age`, telling absent attributes from stored ones."""

    email: str = ABSENT
    age: int = -1


class Color(enum.Enum):
    """An Enum with text values."""

    RED = "red"
    GREEN = "green"


class Priority(enum.Enum):
    """An Enum with number values."""

    LOW = 1
    HIGH = 2


class Tier(str, enum.Enum):
    """An Enum whose members are also strings."""

    GOLD = "gold"
    SILVER = "silver"


class Level(enum.IntEnum):
    """An Enum whose members are also ints."""

    ONE = 1
    TWO = 2


class Address(BaseModel):
    """A nested model (stored as a map)."""

    street: str
    city: str
    postcode: str | None = None


class EveryType(KeyValueItem):
    """One field of each type in the contract's type table (docs/contract.md)."""

    text: str
    empty_text: str
    integer: int
    decimal: Decimal
    real: float
    flag: bool
    blob: bytes
    nothing: str | None = None
    sequence: list[int]
    pair: tuple[str, int]
    mapping: dict[str, int]
    address: Address
    str_set: set[str]
    int_set: frozenset[int]
    decimal_set: set[Decimal]
    bytes_set: frozenset[bytes]
    empty_set: set[str]
    instant: datetime
    day: date
    clock: time
    ident: UUID
    color: Color
    priority: Priority


class Sparse(KeyValueItem):
    """Every type of the contract's table as an optional field, so that a case sets only one."""

    text: str | None = None
    integer: int | None = None
    decimal: Decimal | None = None
    real: float | None = None
    flag: bool | None = None
    blob: bytes | None = None
    sequence: list[int] | None = None
    pair: tuple[str, int] | None = None
    mapping: dict[str, int] | None = None
    address: Address | None = None
    addresses: list[Address] | None = None
    address_book: dict[str, Address] | None = None
    optional_ints: list[int | None] | None = None
    optional_texts: dict[str, str | None] | None = None
    anything: list[Any] | None = None
    str_set: set[str] | None = None
    int_set: frozenset[int] | None = None
    decimal_set: set[Decimal] | None = None
    bytes_set: set[bytes] | None = None
    instant: datetime | None = None
    day: date | None = None
    clock: time | None = None
    duration: timedelta | None = None
    ident: UUID | None = None
    color: Color | None = None
    priority: Priority | None = None
    tier: Tier | None = None
    level: Level | None = None
    tiers: set[Tier] | None = None


class Sets(KeyValueItem):
    """Fields annotated as plain sets, which may be empty."""

    strings: set[str] = Field(default_factory=set)
    integers: frozenset[int] = Field(default_factory=frozenset)
    decimals: set[Decimal] = Field(default_factory=set)
    blobs: set[bytes] = Field(default_factory=set)


class SetsProbe(KeyValueItem, entity=Sets):
    """Reads a Sets item, telling an absent `strings` attribute from a stored one."""

    strings: str = ABSENT


class Numbers(KeyValueItem):
    """Number fields, accepting what pydantic accepts (NaN and infinities included)."""

    integer: int | None = None
    decimal: Decimal | None = Field(default=None, allow_inf_nan=True)
    real: float | None = None
    values: list[Any] | None = None
    by_name: dict[str, Any] | None = None
    decimal_set: set[Decimal] | None = None


class Blob(KeyValueItem):
    """An item whose size is set by one text attribute."""

    payload: str


class BinaryBlob(KeyValueItem):
    """An item whose size is set by one binary attribute."""

    payload: bytes


class Composite(KeyValueItem):
    """An item whose size sums a list, a map, a boolean and a text attribute."""

    names: list[str]
    labels: dict[str, str]
    flag: bool
    payload: str


class Pair(KeyValueItem):
    """Two text attributes, the second of which a narrow update may set."""

    first: str
    second: str | None = None


class SecondOnly(KeyValueItem, entity=Pair):
    """A narrow view of Pair: only `second`."""

    second: str


class Nest(KeyValueItem):
    """Recursive maps and lists, for the nesting limit."""

    tree: dict[str, Any] | None = None
    chain: list[Any] | None = None


class Reserved(KeyValueItem):
    """Attribute names that are DynamoDB reserved words."""

    name: str
    status: str
    data: str
    size: int
    timestamp: int
    count: int
    value: str
    key: str
    order: str
    user: str
    year: int
    comment: str | None = None


class Punctuated(KeyValueItem):
    """Attribute names holding characters that DynamoDB expressions give a meaning."""

    model_config = ConfigDict(populate_by_name=True)

    dotted: str = Field(alias="a.b")
    hashed: str = Field(alias="x#y")
    coloned: str = Field(alias="k:v")
    bracketed: str = Field(alias="list[0]")
    spaced: str = Field(alias="with space")
    accented: str = Field(alias="ümlaut")
    hash_pk: str | None = Field(default=None, alias="#pk")
    colon_sk: str | None = Field(default=None, alias=":sk")


class Unstorable:
    """A value with no JSON form, hence no DynamoDB form."""


class HoldsUnstorable(KeyValueItem):
    """An item with a field of a type no store can hold."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    thing: Unstorable


class MixedSet(KeyValueItem):
    """A set that may mix strings and numbers, which no DynamoDB set type holds."""

    mixed: set[str | int]


def utf8_size(text: str) -> int:
    """The number of UTF-8 bytes of `text`."""
    return len(text.encode("utf-8"))


def text_of_bytes(size: int, char: str = "a") -> str:
    """A string of exactly `size` UTF-8 bytes: `char` repeated, topped up with ``a``."""
    width = utf8_size(char)
    return char * (size // width) + "a" * (size % width)


def nested_maps(count: int) -> dict[str, Any]:
    """`count` maps nested in one another, the innermost holding a string."""
    tree: dict[str, Any] = {"leaf": "bottom"}
    for _ in range(count - 1):
        tree = {"child": tree}
    return tree


def nested_lists(count: int) -> list[Any]:
    """`count` lists nested in one another, the innermost holding a string."""
    chain: list[Any] = ["bottom"]
    for _ in range(count - 1):
        chain = [chain]
    return chain


def entity_bytes(model_class: type[KeyValueItem]) -> int:
    """What the entity name every write stores adds to an item's size."""
    return utf8_size(DEFAULT_ENTITY_ATTRIBUTE) + utf8_size(entity_name(model_class))
