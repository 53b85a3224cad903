"""Hypothesis strategies for hostile input: names, models, values, keys, query arguments.

Models are pydantic models built at run time from a drawn spec (field names and
aliases such as ``pk = :x OR``, ``#a``, ``a.b``, ``:v``; annotations from a fixed
list); values go past the annotations (items are also built with ``model_construct``,
which validates nothing); keys and query arguments take wrong types as readily as
right ones.
"""

from __future__ import annotations

import base64
import enum
import functools
import json
import keyword
import random
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any, Optional, Union
from uuid import UUID

from hypothesis import strategies as st
from pydantic import BaseModel, Field, create_model

from lvrgd.common.services import KeyValueItem, VersionedItem

EXPRESSION_NAMES = (
    "pk = :x OR",
    "#a",
    "a.b",
    ":v",
    "#pk",
    ":pk",
    "#sk",
    ":sk",
    "#s0",
    ":s0",
    "#r0",
    "#ver",
    ":ver",
    ":lo",
    ":hi",
    "attribute_exists(#pk)",
    "pk OR attribute_not_exists(sk)",
    "SET #pk = :v",
    "REMOVE pk",
    "a[0]",
    "[0]",
    "a.b.c[1].d",
    "(",
    ")",
    ",",
    "=",
    "<>",
    " ",
    "name",
    "status",
    "data",
    "size",
    "key",
    "value",
    "version_",
    "$",
    "'",
    '"',
    "\\",
    "\u00e9",
    "\U0001f600",
    "\t\n",
    "x" * 255,
)
"""Attribute names that are expression syntax, reserved words, or odd characters."""
KEY_NAMES = ("pk", "sk")
HOSTILE_NAMES = (*EXPRESSION_NAMES, *KEY_NAMES, "version", "PK", "SK", "")
"""Everything above, and the names the store itself uses."""


class Color(enum.Enum):
    """An Enum field's type."""

    RED = "red"
    ONE = 1


class Inner(BaseModel):
    """A nested model, itself with a hostile alias."""

    x: int = 0
    y: str = Field(default="", alias="#y")


ANNOTATIONS: tuple[Any, ...] = (
    str,
    int,
    float,
    Decimal,
    bool,
    bytes,
    Any,
    Optional[str],  # noqa: UP045 - built at run time, the spelling does not matter
    list[Any],
    tuple[int, str],
    dict[str, Any],
    dict[bytes, int],
    set[str],
    frozenset[int],
    set[bytes],
    Union[set[bytes], set[int]],  # noqa: UP007
    datetime,
    date,
    UUID,
    Color,
    Inner,
    list[Inner],
    Optional[set[str]],  # noqa: UP045
)
"""The field types a drawn model takes its fields from."""

FITTING: dict[Any, st.SearchStrategy[Any]] = {}
"""Values that fit each annotation (filled in at the end, once the strategies exist)."""

_MODEL_ATTRIBUTES = frozenset(dir(BaseModel)) | frozenset(dir(VersionedItem))


@st.composite
def field_specs(draw: st.DrawFn) -> tuple[str, int, str]:
    """(name, index into ANNOTATIONS, how the name is given: see HOW)."""
    name = draw(st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(max_size=8)))
    how = draw(st.sampled_from(HOW))
    return name, draw(st.integers(0, len(ANNOTATIONS) - 1)), how


HOW = ("field", "alias", "serialization_alias")
"""A name becomes the field's own name (when Python allows), its alias, or its output alias."""
ModelSpec = tuple[bool, tuple[tuple[str, int, str], ...]]


def model_specs() -> st.SearchStrategy[ModelSpec]:
    """(versioned, fields) of a model to build."""
    return st.tuples(st.booleans(), st.lists(field_specs(), max_size=5).map(tuple))


@functools.lru_cache(maxsize=4096)
def build_model(spec: ModelSpec) -> type[KeyValueItem]:
    """The model a spec describes; names that cannot be Python fields become aliases.

    Raises:
        Exception: Whatever pydantic raises for a model it refuses to build (callers
            treat that as the model being unbuildable, not as a store failure).
    """
    versioned, fields = spec
    definitions: dict[str, Any] = {}
    for index, (name, annotation_index, how) in enumerate(fields):
        annotation = ANNOTATIONS[annotation_index]
        plain = name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")
        if how == "field" and plain and name not in _MODEL_ATTRIBUTES:
            definitions[name] = (annotation, None)
        elif how == "alias" and name:
            definitions[f"f{index}"] = (annotation, Field(default=None, alias=name))
        elif name:
            definitions[f"f{index}"] = (annotation, Field(default=None, serialization_alias=name))
    base: type[KeyValueItem] = VersionedItem if versioned else KeyValueItem
    model: type[KeyValueItem] = create_model(
        f"Hostile{abs(hash(spec))}", __base__=base, **definitions
    )
    return model


POOL_SIZE = 400


@functools.cache
def model_pool() -> tuple[type[KeyValueItem], ...]:
    """Models built once from seeded specs: every hostile name, given every way, appears.

    Drawing one of these is a single choice for hypothesis, where drawing a spec is
    dozens: the fuzzer makes many more calls in its time.
    """
    chooser = random.Random(8)  # noqa: S311 - reproducible models, not a secret
    specs: list[ModelSpec] = [
        (versioned, ((name, index % len(ANNOTATIONS), how),))
        for index, name in enumerate(HOSTILE_NAMES)
        for how in HOW
        for versioned in (False, True)
    ]
    while len(specs) < POOL_SIZE:
        fields = tuple(
            (
                chooser.choice(HOSTILE_NAMES),
                chooser.randrange(len(ANNOTATIONS)),
                chooser.choice(HOW),
            )
            for _ in range(chooser.randint(0, 5))
        )
        specs.append((chooser.random() < 0.3, fields))
    return tuple(model for model in map(_built_or_none, specs) if model is not None)


def _built_or_none(spec: ModelSpec) -> type[KeyValueItem] | None:
    try:
        return build_model(spec)
    except Exception:  # noqa: BLE001 - a model pydantic refuses is left out of the pool
        return None


def stored_names(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> the attribute name it is stored under."""
    return {
        name: field.serialization_alias or field.alias or name
        for name, field in model.model_fields.items()
    }


_SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=2)
KEY_POOL = ("a", "b", "c", ":pk", "#sk", "a.b", "\u00e9", "\U0001f600")
"""Few keys, so that generated calls meet the items earlier calls stored."""

BAD_KEYS = ("", "x" * 2049, "\u00e9" * 1025, "x" * 1025)
key_text = st.one_of(
    st.sampled_from(KEY_POOL),
    st.text(max_size=6),
    st.sampled_from(BAD_KEYS),
    _SURROGATES,
)
"""Strings a key may be: short and repeating, empty, too long, not valid Unicode."""

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=2),
    st.tuples(key_text, key_text),
    st.tuples(key_text),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.just(object()),
)
"""Values of the wrong type for any argument."""


def mostly(
    usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], *, percent: int
) -> st.SearchStrategy[Any]:
    """`usual` `percent` times in a hundred, else `odd` (one_of would split evenly)."""
    return st.integers(0, 99).flatmap(lambda roll: usual if roll < percent else odd)


keys = mostly(
    st.sampled_from(KEY_POOL),
    st.one_of(st.text(min_size=1, max_size=6), st.sampled_from(BAD_KEYS), _SURROGATES, junk),
    percent=75,
)
"""A pk or sk argument: mostly a few repeating keys, else anything."""

_NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=10**37, max_value=10**130),
    st.floats(),
    st.decimals(),
    st.sampled_from(
        [
            Decimal("sNaN"),
            Decimal("1E+126"),
            Decimal("1E-131"),
            Decimal("-0"),
            Decimal("1." + "1" * 40),
        ]
    ),
)
_SCALARS = st.one_of(
    st.text(max_size=10),
    _SURROGATES,
    _NUMBERS,
    st.binary(max_size=6),
    st.booleans(),
    st.none(),
    st.datetimes(timezones=st.sampled_from([None, timezone.utc])),
    st.dates(),
    st.times(),
    st.uuids(),
    st.sampled_from(list(Color)),
    st.sampled_from(EXPRESSION_NAMES),
    st.builds(Inner, x=st.integers(-5, 5)),
    st.sampled_from([object(), 1j, time(1, 2), range(3), Ellipsis]),
)
_HASHABLE = st.one_of(
    st.text(max_size=4), st.integers(), st.binary(max_size=3), st.floats(), st.none()
)
values = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(_HASHABLE, children, max_size=4),
        st.frozensets(_HASHABLE, max_size=4),
        st.sets(st.one_of(st.text(max_size=3), st.binary(max_size=3)), max_size=3),
    ),
    max_leaves=6,
)
"""Field values of any shape; some have no DynamoDB form, some break its limits."""


def _nested(depth: int, *, maps: bool) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"k": value} if maps else [value]
    return value


deep_or_large = st.sampled_from(
    [
        _nested(40, maps=False),
        _nested(33, maps=True),
        "x" * 410_000,
        [b"y" * 1000] * 420,
    ]
)
"""Values past the nesting and size limits."""


def _cursor_document(document: object) -> str:
    text = json.dumps(document, default=str)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


forged_cursors = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=20).map(lambda b: base64.urlsafe_b64encode(b).decode()),
    st.fixed_dictionaries(
        {"v": st.one_of(st.just(1), junk), "q": st.one_of(st.text(max_size=16), junk)},
        optional={"sk": st.one_of(key_text, junk)},
    ).map(_cursor_document),
    st.lists(junk, max_size=3).map(_cursor_document),
    junk,
)
"""Cursors the store never issued: garbled, forged JSON, or not strings at all."""

SORT_KEY_CONDITIONS = ("equals", "begins_with", "lt", "lte", "gt", "gte")


@st.composite
def query_arguments(draw: st.DrawFn, *, paged: bool) -> dict[str, Any]:
    """Keyword arguments of query_by_pk (or query_page): mostly right, wrong in every way."""
    arguments: dict[str, Any] = {}
    bound = mostly(st.sampled_from(KEY_POOL), st.one_of(key_text, junk), percent=80)
    count = draw(mostly(st.integers(0, 1), st.integers(0, 2), percent=85))
    for name in draw(
        st.lists(st.sampled_from(SORT_KEY_CONDITIONS), min_size=count, max_size=count, unique=True)
    ):
        arguments[name] = draw(bound)
    if draw(st.integers(0, 99)) < 15:
        arguments["between"] = draw(mostly(st.tuples(bound, bound), junk, percent=80))
    if draw(st.integers(0, 99)) < 30:
        arguments["descending"] = draw(mostly(st.booleans(), junk, percent=85))
    if draw(st.integers(0, 99)) < 40:
        size = "page_size" if paged else "limit"
        arguments[size] = draw(
            mostly(st.integers(1, 5), st.one_of(st.integers(-2, 0), junk), percent=80)
        )
    return arguments
