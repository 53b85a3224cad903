"""The condition language: what `where` records, compiles and evaluates, and what it refuses."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel, Field

from lvrgd.common.services.conditions import (
    attribute_type,
    begins_with,
    between,
    contains,
    exists,
    in_,
    not_exists,
    size,
    where,
)
from lvrgd.common.services.kvstore import InvalidQueryError, KeyValueItem


class Colour(Enum):
    """A stored enum: its value is stored."""

    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    """A nested model."""

    city: str
    zip: str | None = None


class Thing(KeyValueItem, entity="tests.kvstore.test_where.Thing"):
    """A field of every kind a condition reads."""

    name: str = ""
    count: int = 0
    price: Decimal = Decimal(0)
    colour: Colour = Colour.RED
    tags: set[str] = Field(default_factory=set)
    blob: bytes = b""
    lines: list[str] = Field(default_factory=list)
    extra: dict[str, int] = Field(default_factory=dict)
    address: Address | None = None
    anything: Any = None


ITEM = {
    "pk": {"S": "p"},
    "sk": {"S": "s"},
    "name": {"S": "héllo"},
    "count": {"N": "10"},
    "price": {"N": "2.5"},
    "colour": {"S": "red"},
    "tags": {"SS": ["a", "b"]},
    "blob": {"B": b"\x00\x01\x02"},
    "lines": {"L": [{"S": "x"}, {"S": "y"}]},
    "extra": {"M": {"k": {"N": "1"}}},
    "address": {"M": {"city": {"S": "Paris"}}},
    "anything": {"S": "9"},
}


def test_a_condition_compiles_to_placeholders_only() -> None:
    condition = where(Thing, lambda t: (t.count >= 1) & (t.address.city == "Paris"))  # type: ignore[union-attr]
    compiled = condition.compiled
    assert compiled.expression == "(#c0 >= :c0) AND (#c1.#c2 = :c1)"
    assert compiled.names == {"#c0": "count", "#c1": "address", "#c2": "city"}
    assert compiled.values == {":c0": {"N": "1"}, ":c1": {"S": "Paris"}}
    assert condition.compiled is compiled  # compiled once


def test_names_are_placeholders_once_each_and_list_indexes_are_literal() -> None:
    compiled = where(Thing, lambda t: (t.lines[1] == "y") | (size(t.lines) > 1)).compiled
    assert compiled.expression == "(#c0[1] = :c0) OR (size(#c0) > :c1)"
    assert compiled.names == {"#c0": "lines"}


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda t: t.count > 9, True),  # numbers as numbers: 10 > 9
        (lambda t: t.count == 10, True),
        (lambda t: t.count != 10, False),
        (lambda t: t.price < Decimal("2.50"), False),
        (lambda t: t.price <= Decimal("2.50"), True),
        (lambda t: t.name > "hz", True),  # é (0xC3 0xA9) is above z in UTF-8
        (lambda t: t.colour == Colour.RED, True),
        (lambda t: t.anything == "9", True),
        (lambda t: t.anything == 9, False),  # a string is not a number
        (lambda t: t.anything > 1, False),  # two types: false, not an error
        (lambda t: t.blob >= b"\x00\x01", True),
        (lambda t: between(t.count, 10, 10), True),
        (lambda t: between(t.count, 11, 20), False),
        (lambda t: in_(t.colour, [Colour.BLUE, Colour.RED]), True),
        (lambda t: begins_with(t.name, "hé"), True),
        (lambda t: begins_with(t.anything, "x"), False),
        (lambda t: contains(t.name, "ll"), True),
        (lambda t: contains(t.tags, "a"), True),
        (lambda t: contains(t.tags, "z"), False),
        (lambda t: contains(t.lines, "y"), True),
        (lambda t: size(t.name) == 5, True),  # UTF-16 code units, as DynamoDB counts
        (lambda t: size(t.blob) == 3, True),
        (lambda t: size(t.tags) == 2, True),
        (lambda t: size(t.extra) == 1, True),
        (lambda t: size(t.count) >= 0, False),  # a number has no size
        (lambda t: attribute_type(t.tags, "SS"), True),
        (lambda t: attribute_type(t.count, "S"), False),
        (lambda t: exists(t.address.city), True),
        (lambda t: not_exists(t.address.zip), True),
        (lambda t: t.address.zip != "x", True),  # absent: unequal to anything
        (lambda t: ~(t.count == 1) & (t.count == 10), True),
        (lambda t: (t.count == 1) | (t.count == 10), True),
        (lambda t: t.extra["k"] == 1, True),
        (lambda t: t.lines[5] == "x", False),
    ],
)
def test_conditions_evaluate_as_dynamodb_does(build: Any, *, expected: bool) -> None:
    assert where(Thing, build).holds(ITEM) is expected


def test_of_no_item_only_not_exists_holds() -> None:
    assert where(Thing, lambda t: not_exists(t.count)).holds(None)
    assert not where(Thing, lambda t: exists(t.count)).holds(None)
    assert not where(Thing, lambda t: t.count == 1).holds(None)
    assert where(Thing, lambda t: t.count != 1).holds(None)


def test_conditions_combine_outside_where_too() -> None:
    positive = where(Thing, lambda t: t.count > 0)
    red = where(Thing, lambda t: t.colour == Colour.RED)
    assert (positive & red).holds(ITEM)
    assert not (~positive | ~red).holds(ITEM)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda t: t.cuont > 1, "Thing has no field 'cuont'"),
        (lambda t: t.count > "many", "not a valid value of Thing.count"),
        (lambda t: t.count == t.count, "compared with itself"),
        (lambda t: t.count > 1 and t.price > 1, "& | ~"),
        (lambda t: 1 < t.count < 5, "between"),
        (lambda t: t.count == None, "not_exists"),  # noqa: E711 - what is refused
        (lambda t: t.count, "not a condition"),
        (lambda t: t.name.first > "a", "not a model"),
        (lambda t: t.lines[-1] == "a", "no negative index"),
        (lambda t: begins_with("name", "a"), "a field of the model"),
        (lambda t: between(t.count, 5, 1), "above its high bound"),
        (lambda t: between(t.anything, 2, "b"), "of two types"),
        (lambda t: in_(t.count, []), "1 to 100 values"),
        (lambda t: size(t.tags) > "2", "whole number"),  # type: ignore[operator]
        (lambda t: attribute_type(t.count, "X"), "attribute_type takes"),  # type: ignore[arg-type]
        (lambda t: t.tags > {"a"}, "orders numbers, strings and binaries only"),
        (lambda t: between(t.lines, ["a"], ["b"]), "orders numbers, strings and binaries only"),
    ],
)
def test_what_where_refuses(build: Any, message: str) -> None:
    with pytest.raises(InvalidQueryError, match=message):
        where(Thing, build)


def test_a_recorded_path_answers_hasattr_probes() -> None:
    def probe(thing: Thing) -> bool:
        assert not hasattr(thing, "__array__")
        assert not hasattr(thing, "_private")
        return thing.count > 1

    assert where(Thing, probe).holds(ITEM)
