"""The condition language, evaluated by the store as DynamoDB evaluates it.

Each case stores a Probe, deletes it under a condition built with ``where``, and
checks whether the condition held (the item is gone) or not (ConditionFailedError,
the item kept, carried by the error as the model class).

DynamoDB's rules: numbers compare as numbers (10 > 9), strings by their UTF-8 bytes,
binaries by their unsigned bytes; ``between`` includes both bounds; ``=`` of sets,
lists and maps compares whole values (sets in any order). A comparison of two types
is false, and so is an order comparison with an absent attribute, while ``<>`` holds
there (an absent attribute equals nothing). ``size`` is a string's UTF-16 code units
(what DynamoDB counts: é is 1, 😀 is 2), a binary's bytes, a set's, list's or map's
elements; a number, a boolean or a null has no size. ``contains`` finds a substring in
a string or a binary, a member in a set, an element in a list.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

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
from lvrgd.common.services.kvstore import ConditionFailedError, KeyValueStore

from .models import Address
from .patch_models import Probe

PK = "probe#1"
SK = "probe"
OSLO = Address(street="1 Main", city="Oslo", postcode="0150")


def _case(name: str, stored: dict[str, Any], build: Any, *, holds: bool, needs: Any = ()) -> Any:
    """One case; `needs` is the mark (or marks) of what an engine must get right for it."""
    return pytest.param(stored, build, holds, id=name, marks=needs)


def _holds(store: KeyValueStore, stored: dict[str, Any], build: Any) -> bool:
    """Whether the condition held of a Probe holding `stored`: a delete under it says."""
    probe = Probe(pk=PK, sk=SK, **stored)
    store.create(probe)
    condition = where(Probe, build)
    failed: ConditionFailedError | None = None
    try:
        store.delete(PK, SK, condition=condition)
    except ConditionFailedError as exc:
        failed = exc
    if failed is None:
        assert store.get_one(PK, SK, Probe) is None
        return True
    assert type(failed) is ConditionFailedError
    assert failed.item == probe
    assert store.get_one(PK, SK, Probe) == probe
    return False


NUMBERS = [
    _case("eq", {"number": 10}, lambda p: p.number == 10, holds=True),
    _case("eq-other", {"number": 10}, lambda p: p.number == 9, holds=False),
    _case("ne", {"number": 10}, lambda p: p.number != 9, holds=True),
    _case("ne-same", {"number": 10}, lambda p: p.number != 10, holds=False),
    _case("lt", {"number": 10}, lambda p: p.number < 11, holds=True),
    _case("lt-equal", {"number": 10}, lambda p: p.number < 10, holds=False),
    _case("le-equal", {"number": 10}, lambda p: p.number <= 10, holds=True),
    _case("le-below", {"number": 10}, lambda p: p.number <= 9, holds=False),
    _case("gt-numeric-not-textual", {"number": 10}, lambda p: p.number > 9, holds=True),
    _case("gt-equal", {"number": 10}, lambda p: p.number > 10, holds=False),
    _case("ge-equal", {"number": 10}, lambda p: p.number >= 10, holds=True),
    _case("ge-above", {"number": 10}, lambda p: p.number >= 11, holds=False),
    _case("negative", {"number": -10}, lambda p: p.number < -9, holds=True),
    _case("large", {"number": 10**37}, lambda p: p.number > 10**36 * 9, holds=True),
    _case(
        "decimal-eq-ignores-trailing-zeros",
        {"decimal": Decimal("1.50")},
        lambda p: p.decimal == Decimal("1.5"),
        holds=True,
    ),
    _case(
        "decimal-fraction",
        {"decimal": Decimal("0.1")},
        lambda p: p.decimal < Decimal("0.10001"),
        holds=True,
    ),
    _case("decimal-eq-whole", {"decimal": Decimal(2)}, lambda p: p.decimal == 2, holds=True),
    _case("field-gt-field", {"number": 10, "other": 9}, lambda p: p.number > p.other, holds=True),
    _case("field-eq-field", {"number": 10, "other": 9}, lambda p: p.number == p.other, holds=False),
]

STRINGS = [
    _case("eq", {"text": "abc"}, lambda p: p.text == "abc", holds=True),
    _case("eq-is-case-sensitive", {"text": "abc"}, lambda p: p.text == "ABC", holds=False),
    _case("ne", {"text": "abc"}, lambda p: p.text != "abd", holds=True),
    _case("lt", {"text": "abc"}, lambda p: p.text < "abd", holds=True),
    _case("prefix-first", {"text": "ab"}, lambda p: p.text < "abc", holds=True),
    _case("upper-case-before-lower", {"text": "Z"}, lambda p: p.text < "a", holds=True),
    _case("ascii-before-accented", {"text": "z"}, lambda p: p.text < "é", holds=True),
    _case(
        "utf8-u+ffff-before-emoji",
        {"text": "\uffff"},
        lambda p: p.text < "😀",
        holds=True,
        needs=pytest.mark.utf8_conditions,
    ),
    _case(
        "utf8-u+e000-before-emoji",
        {"text": "\ue000"},
        lambda p: p.text < "😀",
        holds=True,
        needs=pytest.mark.utf8_conditions,
    ),
    _case(
        "utf8-emoji-after-u+ffff",
        {"text": "😀"},
        lambda p: p.text > "\uffff",
        holds=True,
        needs=pytest.mark.utf8_conditions,
    ),
    _case("ge", {"text": "b"}, lambda p: p.text >= "abc", holds=True),
    _case("le-equal", {"text": "é"}, lambda p: p.text <= "é", holds=True),
]

BINARIES = [
    _case("eq", {"blob": b"\x01\x02"}, lambda p: p.blob == b"\x01\x02", holds=True),
    _case("ne", {"blob": b"\x01\x02"}, lambda p: p.blob != b"\x01\x03", holds=True),
    _case("lt", {"blob": b"\x01\x02"}, lambda p: p.blob < b"\x02", holds=True),
    _case("unsigned-7f-before-80", {"blob": b"\x7f"}, lambda p: p.blob < b"\x80", holds=True),
    _case("unsigned-ff-after-00", {"blob": b"\xff"}, lambda p: p.blob > b"\x00\xff", holds=True),
    _case("prefix-first", {"blob": b"\x01"}, lambda p: p.blob < b"\x01\x00", holds=True),
    _case("ge-equal", {"blob": b"\x80"}, lambda p: p.blob >= b"\x80", holds=True),
]

WHOLE_VALUES = [
    _case("bool-eq", {"flag": True}, lambda p: p.flag == True, holds=True),  # noqa: E712
    _case("bool-ne", {"flag": True}, lambda p: p.flag != False, holds=True),  # noqa: E712
    _case("bool-eq-other", {"flag": False}, lambda p: p.flag == True, holds=False),  # noqa: E712
    _case("str-set-any-order", {"tags": {"a", "b"}}, lambda p: p.tags == {"b", "a"}, holds=True),
    _case("str-set-subset", {"tags": {"a", "b"}}, lambda p: p.tags == {"a"}, holds=False),
    _case("int-set", {"numbers": {1, 2}}, lambda p: p.numbers == {2, 1}, holds=True),
    _case("bytes-set", {"blobs": {b"\x01"}}, lambda p: p.blobs == {b"\x01"}, holds=True),
    _case(
        "list",
        {"lines": ["a", "b"]},
        lambda p: p.lines == ["a", "b"],
        holds=True,
        needs=pytest.mark.document_equality,
    ),
    _case("list-order-counts", {"lines": ["a", "b"]}, lambda p: p.lines == ["b", "a"], holds=False),
    _case(
        "map-any-order",
        {"mapping": {"a": 1, "b": 2}},
        lambda p: p.mapping == {"b": 2, "a": 1},
        holds=True,
        needs=pytest.mark.document_equality,
    ),
    _case("map-other", {"mapping": {"a": 1}}, lambda p: p.mapping == {"a": 2}, holds=False),
    _case(
        "model",
        {"address": OSLO},
        lambda p: p.address == OSLO,
        holds=True,
        needs=pytest.mark.document_equality,
    ),
    _case("list-element", {"lines": ["a", "b"]}, lambda p: p.lines[1] == "b", holds=True),
    _case("map-entry", {"mapping": {"a": 1}}, lambda p: p.mapping["a"] == 1, holds=True),
    _case("nested-field", {"address": OSLO}, lambda p: p.address.city == "Oslo", holds=True),
]

BETWEEN = [
    _case("low-bound", {"number": 10}, lambda p: between(p.number, 10, 20), holds=True),
    _case("high-bound", {"number": 20}, lambda p: between(p.number, 10, 20), holds=True),
    _case("equal-bounds", {"number": 10}, lambda p: between(p.number, 10, 10), holds=True),
    _case("above", {"number": 21}, lambda p: between(p.number, 10, 20), holds=False),
    _case("below", {"number": 9}, lambda p: between(p.number, 10, 20), holds=False),
    _case("numeric", {"number": 9}, lambda p: between(p.number, 8, 10), holds=True),
    _case(
        "decimal",
        {"decimal": Decimal("1.5")},
        lambda p: between(p.decimal, Decimal(1), Decimal(2)),
        holds=True,
    ),
    _case("str-high-bound", {"text": "c"}, lambda p: between(p.text, "a", "c"), holds=True),
    _case("str-past-high", {"text": "ca"}, lambda p: between(p.text, "a", "c"), holds=False),
    _case(
        "str-utf8",
        {"text": "\ue000"},
        lambda p: between(p.text, "a", "😀"),
        holds=True,
        needs=pytest.mark.utf8_conditions,
    ),
    _case(
        "bytes-unsigned", {"blob": b"\x80"}, lambda p: between(p.blob, b"\x7f", b"\x81"), holds=True
    ),
]

IN = [
    _case("number", {"number": 10}, lambda p: in_(p.number, [1, 10, 100]), holds=True),
    _case("number-none-equal", {"number": 10}, lambda p: in_(p.number, [1, 2]), holds=False),
    _case("single", {"number": 10}, lambda p: in_(p.number, [10]), holds=True),
    _case("text", {"text": "abc"}, lambda p: in_(p.text, ["x", "abc"]), holds=True),
    _case("set", {"tags": {"a"}}, lambda p: in_(p.tags, [{"b"}, {"a"}]), holds=True),
    _case("99-values", {"number": 98}, lambda p: in_(p.number, range(99)), holds=True),
]

BEGINS_WITH = [
    _case("str", {"text": "abc"}, lambda p: begins_with(p.text, "ab"), holds=True),
    _case("str-whole", {"text": "abc"}, lambda p: begins_with(p.text, "abc"), holds=True),
    _case("str-longer", {"text": "abc"}, lambda p: begins_with(p.text, "abcd"), holds=False),
    _case("str-other", {"text": "abc"}, lambda p: begins_with(p.text, "b"), holds=False),
    _case("str-case", {"text": "Abc"}, lambda p: begins_with(p.text, "a"), holds=False),
    _case("str-utf8", {"text": "éa"}, lambda p: begins_with(p.text, "é"), holds=True),
    _case(
        "bytes",
        {"blob": b"\x01\x02"},
        lambda p: begins_with(p.blob, b"\x01"),
        holds=True,
        needs=pytest.mark.binary_conditions,
    ),
    _case(
        "bytes-other", {"blob": b"\x01\x02"}, lambda p: begins_with(p.blob, b"\x02"), holds=False
    ),
    _case(
        "number",
        {"anything": 10},
        lambda p: begins_with(p.anything, "1"),
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case(
        "list",
        {"anything": ["ab"]},
        lambda p: begins_with(p.anything, "a"),
        holds=False,
        needs=pytest.mark.condition_types,
    ),
]

CONTAINS = [
    _case("substring", {"text": "abcdef"}, lambda p: contains(p.text, "cde"), holds=True),
    _case("substring-absent", {"text": "abcdef"}, lambda p: contains(p.text, "x"), holds=False),
    _case("str-set", {"tags": {"red", "blue"}}, lambda p: contains(p.tags, "red"), holds=True),
    _case("str-set-other", {"tags": {"red"}}, lambda p: contains(p.tags, "re"), holds=False),
    _case("int-set", {"numbers": {1, 10}}, lambda p: contains(p.numbers, 10), holds=True),
    _case("int-set-other", {"numbers": {1, 10}}, lambda p: contains(p.numbers, 2), holds=False),
    _case("bytes-set", {"blobs": {b"\x01"}}, lambda p: contains(p.blobs, b"\x01"), holds=True),
    _case("list", {"lines": ["a", "b"]}, lambda p: contains(p.lines, "b"), holds=True),
    _case("list-other", {"lines": ["a", "b"]}, lambda p: contains(p.lines, "c"), holds=False),
    _case("list-not-substring", {"lines": ["abc"]}, lambda p: contains(p.lines, "b"), holds=False),
    _case(
        "binary",
        {"blob": b"\x01\x02\x03"},
        lambda p: contains(p.blob, b"\x02\x03"),
        holds=True,
        needs=pytest.mark.binary_conditions,
    ),
    _case(
        "list-of-lists",
        {"anything": [[1], [2]]},
        lambda p: contains(p.anything, [2]),
        holds=True,
        needs=pytest.mark.document_equality,
    ),
    _case("absent", {}, lambda p: contains(p.text, "a"), holds=False),
]

SIZES = [
    _case("str", {"text": "abc"}, lambda p: size(p.text) == 3, holds=True),
    _case(
        "str-utf16-code-units",
        {"text": "é€😀"},
        lambda p: size(p.text) == 4,
        holds=True,
        needs=pytest.mark.utf16_size,
    ),
    _case("str-not-utf8-bytes", {"text": "é€😀"}, lambda p: size(p.text) == 9, holds=False),
    _case("bytes", {"blob": b"\x00\x01\x02"}, lambda p: size(p.blob) == 3, holds=True),
    _case("str-set", {"tags": {"a", "b"}}, lambda p: size(p.tags) == 2, holds=True),
    _case("int-set", {"numbers": {1, 2, 3}}, lambda p: size(p.numbers) == 3, holds=True),
    _case("bytes-set", {"blobs": {b"\x01"}}, lambda p: size(p.blobs) == 1, holds=True),
    _case("list", {"lines": ["a", "b"]}, lambda p: size(p.lines) == 2, holds=True),
    _case("map", {"mapping": {"a": 1, "b": 2}}, lambda p: size(p.mapping) == 2, holds=True),
    _case("model", {"address": OSLO}, lambda p: size(p.address) == 3, holds=True),
    _case("gt", {"lines": ["a", "b"]}, lambda p: size(p.lines) > 1, holds=True),
    _case("le", {"lines": ["a", "b"]}, lambda p: size(p.lines) <= 1, holds=False),
    _case("ne", {"text": "abc"}, lambda p: size(p.text) != 4, holds=True),
    _case(
        "absent", {}, lambda p: size(p.text) >= 0, holds=False, needs=pytest.mark.condition_types
    ),
    _case(
        "number-has-none",
        {"number": 10},
        lambda p: size(p.number) >= 0,
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case(
        "bool-has-none",
        {"flag": True},
        lambda p: size(p.flag) >= 0,
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case(
        "null-has-none",
        {"maybe": [None]},
        lambda p: size(p.maybe[0]) >= 0,
        holds=False,
        needs=pytest.mark.condition_types,
    ),
]

TYPES = [
    _case("N", {"number": 10}, lambda p: attribute_type(p.number, "N"), holds=True),
    _case("S", {"text": "a"}, lambda p: attribute_type(p.text, "S"), holds=True),
    _case("B", {"blob": b"\x01"}, lambda p: attribute_type(p.blob, "B"), holds=True),
    _case(
        "BOOL",
        {"flag": False},
        lambda p: attribute_type(p.flag, "BOOL"),
        holds=True,
        needs=pytest.mark.false_booleans,
    ),
    _case("SS", {"tags": {"a"}}, lambda p: attribute_type(p.tags, "SS"), holds=True),
    _case("NS", {"numbers": {1}}, lambda p: attribute_type(p.numbers, "NS"), holds=True),
    _case("BS", {"blobs": {b"\x01"}}, lambda p: attribute_type(p.blobs, "BS"), holds=True),
    _case("L", {"lines": ["a"]}, lambda p: attribute_type(p.lines, "L"), holds=True),
    _case("M", {"mapping": {"a": 1}}, lambda p: attribute_type(p.mapping, "M"), holds=True),
    _case("M-of-a-model", {"address": OSLO}, lambda p: attribute_type(p.address, "M"), holds=True),
    _case("NULL", {"maybe": [1, None]}, lambda p: attribute_type(p.maybe[1], "NULL"), holds=True),
    _case("other", {"number": 10}, lambda p: attribute_type(p.number, "S"), holds=False),
    _case("str-or-number", {"mixed": "10"}, lambda p: attribute_type(p.mixed, "N"), holds=False),
    _case("absent", {}, lambda p: attribute_type(p.text, "S"), holds=False),
]

EXISTS = [
    _case("exists", {"text": "a"}, lambda p: exists(p.text), holds=True),
    _case("exists-absent", {}, lambda p: exists(p.text), holds=False),
    _case("not-exists-absent", {}, lambda p: not_exists(p.text), holds=True),
    _case("not-exists", {"text": "a"}, lambda p: not_exists(p.text), holds=False),
    _case("nested", {"address": OSLO}, lambda p: exists(p.address.city), holds=True),
    _case("nested-parent-absent", {}, lambda p: exists(p.address.city), holds=False),
    _case("list-element", {"lines": ["a", "b"]}, lambda p: exists(p.lines[1]), holds=True),
    _case("list-past-the-end", {"lines": ["a", "b"]}, lambda p: exists(p.lines[5]), holds=False),
    _case("map-key", {"mapping": {"a": 1}}, lambda p: exists(p.mapping["a"]), holds=True),
    _case(
        "map-key-absent", {"mapping": {"a": 1}}, lambda p: not_exists(p.mapping["z"]), holds=True
    ),
]

LOGIC = [
    _case(
        "and", {"number": 10, "text": "a"}, lambda p: (p.number == 10) & (p.text == "a"), holds=True
    ),
    _case(
        "and-one-false",
        {"number": 10, "text": "a"},
        lambda p: (p.number == 10) & (p.text == "b"),
        holds=False,
    ),
    _case(
        "or-one-true",
        {"number": 10, "text": "a"},
        lambda p: (p.number == 1) | (p.text == "a"),
        holds=True,
    ),
    _case(
        "or-none-true",
        {"number": 10, "text": "a"},
        lambda p: (p.number == 1) | (p.text == "b"),
        holds=False,
    ),
    _case("not", {"number": 10}, lambda p: ~(p.number == 1), holds=True),
    _case("not-true", {"number": 10}, lambda p: ~(p.number == 10), holds=False),
    _case("double-not", {"number": 10}, lambda p: ~~(p.number == 10), holds=True),
    _case("not-exists-by-not", {}, lambda p: ~exists(p.text), holds=True),
    _case(
        "and-before-or",
        {"number": 10, "text": "a", "flag": True},
        lambda p: (p.number == 1) & (p.text == "a") | (p.flag == True),  # noqa: E712
        holds=True,
    ),
    _case(
        "grouped-or",
        {"number": 10, "text": "a", "flag": True},
        lambda p: (p.number == 1) & ((p.text == "a") | (p.flag == True)),  # noqa: E712
        holds=False,
    ),
    _case(
        "de-morgan",
        {"number": 10, "text": "a"},
        lambda p: ~((p.number == 1) | (p.text == "b")),
        holds=True,
    ),
    _case(
        "range-or-absent",
        {"number": 10},
        lambda p: ((p.number > 5) & (p.number < 20)) | ~exists(p.text),
        holds=True,
    ),
]

ABSENT = [
    _case("eq", {}, lambda p: p.number == 1, holds=False),
    _case("ne-holds", {}, lambda p: p.number != 1, holds=True),
    _case("lt", {}, lambda p: p.number < 1, holds=False),
    _case("ge", {}, lambda p: p.number >= 1, holds=False),
    _case("between", {}, lambda p: between(p.number, 0, 10), holds=False),
    _case("in", {}, lambda p: in_(p.number, [1, 2]), holds=False),
    _case("begins-with", {}, lambda p: begins_with(p.text, "a"), holds=False),
    _case("not-of-eq", {}, lambda p: ~(p.number == 1), holds=True),
    _case("field-vs-absent-field", {"number": 1}, lambda p: p.number < p.other, holds=False),
    _case("field-ne-absent-field", {"number": 1}, lambda p: p.number != p.other, holds=True),
    _case("nested-of-absent-parent", {}, lambda p: p.address.city == "Oslo", holds=False),
    _case("list-element-past-the-end", {"lines": ["a"]}, lambda p: p.lines[3] == "a", holds=False),
]

MISMATCHED = [
    _case(
        "str-gt-number",
        {"mixed": "10"},
        lambda p: p.mixed > 9,
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case(
        "str-lt-number",
        {"mixed": "10"},
        lambda p: p.mixed < 9,
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case("str-eq-number", {"mixed": "10"}, lambda p: p.mixed == 10, holds=False),
    _case("str-ne-number", {"mixed": "10"}, lambda p: p.mixed != 10, holds=True),
    _case("str-eq-str", {"mixed": "10"}, lambda p: p.mixed == "10", holds=True),
    _case("str-gt-str-textual", {"mixed": "10"}, lambda p: p.mixed > "09", holds=True),
    _case("number-eq-str", {"mixed": 10}, lambda p: p.mixed == "10", holds=False),
    _case(
        "number-gt-str",
        {"mixed": 10},
        lambda p: p.mixed > "1",
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case(
        "number-between-strs",
        {"mixed": 10},
        lambda p: between(p.mixed, "0", "z"),
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case("number-in-strs", {"mixed": 10}, lambda p: in_(p.mixed, ["10"]), holds=False),
    _case("number-in-mixed", {"mixed": 10}, lambda p: in_(p.mixed, ["10", 10]), holds=True),
    _case(
        "bool-eq-number",
        {"anything": True},
        lambda p: p.anything == 1,
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case(
        "number-eq-bool",
        {"anything": 1},
        lambda p: p.anything == True,  # noqa: E712
        holds=False,
        needs=pytest.mark.condition_types,
    ),
    _case("str-eq-bool", {"anything": "true"}, lambda p: p.anything == True, holds=False),  # noqa: E712
    _case("bytes-eq-str", {"anything": b"ab"}, lambda p: p.anything == "ab", holds=False),
    _case("list-eq-set", {"anything": ["a"]}, lambda p: p.anything == {"a"}, holds=False),
    _case("number-set-eq-str-set", {"anything": {1}}, lambda p: p.anything == {"1"}, holds=False),
    _case(
        "field-number-eq-field-str",
        {"number": 10, "mixed": "10"},
        lambda p: p.number == p.mixed,
        holds=False,
    ),
    _case(
        "field-number-lt-field-str",
        {"number": 1, "mixed": "9"},
        lambda p: p.number < p.mixed,
        holds=False,
        needs=pytest.mark.condition_types,
    ),
]

GROUPS = {
    "number": NUMBERS,
    "string": STRINGS,
    "binary": BINARIES,
    "whole-value": WHOLE_VALUES,
    "between": BETWEEN,
    "in": IN,
    "begins-with": BEGINS_WITH,
    "contains": CONTAINS,
    "size": SIZES,
    "attribute-type": TYPES,
    "exists": EXISTS,
    "logic": LOGIC,
    "absent": ABSENT,
    "mismatched-types": MISMATCHED,
}
CASES = [
    pytest.param(*case.values, id=f"{group}-{case.id}", marks=case.marks)
    for group, cases in GROUPS.items()
    for case in cases
]


@pytest.mark.parametrize(("stored", "build", "holds"), CASES)
def test_condition_evaluates_as_dynamodb_does(
    store: KeyValueStore, stored: dict[str, Any], build: Any, *, holds: bool
) -> None:
    assert _holds(store, stored, build) is holds
