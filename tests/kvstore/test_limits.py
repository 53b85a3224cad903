"""DynamoDB's limits: sizes, number normalisation and key checks.

Sizes follow
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html:
an item costs the UTF-8 bytes of its attribute names plus their values; a number costs
one byte per two significant digits plus one; a list or map three bytes plus one per
element; a BOOL or NULL one byte; a binary its raw bytes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lvrgd.common.services.kvstore import (
    MAX_ITEM_BYTES,
    MAX_NESTING_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
)
from lvrgd.common.services.kvstore._limits import (
    item_size,
    key_problem,
    normalized_number,
    number_size,
    partition_key_problem,
    sort_key_problem,
    value_size,
)
from tests._ids import stable_id


def test_limits_constants_are_dynamodbs() -> None:
    assert MAX_PARTITION_KEY_BYTES == 2048
    assert MAX_SORT_KEY_BYTES == 1024
    assert MAX_ITEM_BYTES == 409_600
    assert MAX_NUMBER_DIGITS == 38
    assert MAX_NESTING_DEPTH == 32


# --- sizes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"S": ""}, 0),
        ({"S": "abc"}, 3),
        ({"S": "\u00e9"}, 2),
        ({"S": "\u20ac"}, 3),
        ({"S": "\U0001f600"}, 4),
        ({"N": "0"}, 1),
        ({"N": "7"}, 2),
        ({"N": "12"}, 2),
        ({"N": "123"}, 3),
        ({"N": "1234"}, 3),
        ({"N": "0.01"}, 2),
        ({"N": "0.001"}, 2),
        ({"N": "1000"}, 2),
        ({"N": "1001"}, 3),
        ({"N": "12.34"}, 3),
        ({"N": "1" * 38}, 20),
        ({"N": "1" * 37}, 20),
        ({"B": b""}, 0),
        ({"B": b"\x00\xff\x10"}, 3),
        ({"BOOL": True}, 1),
        ({"BOOL": False}, 1),
        ({"NULL": True}, 1),
        ({"SS": ["a", "\u00e9"]}, 3),
        ({"NS": ["1", "123"]}, 5),
        ({"BS": [b"ab", b"c"]}, 3),
        ({"L": []}, 3),
        ({"M": {}}, 3),
        ({"L": [{"S": "ab"}, {"N": "1"}]}, 3 + (1 + 2) + (1 + 2)),
        ({"M": {"k": {"S": "v"}}}, 3 + (1 + 1 + 1)),
        ({"M": {"\u00e9": {"NULL": True}}}, 3 + (1 + 2 + 1)),
        ({"M": {"l": {"L": [{"BOOL": True}]}}}, 3 + (1 + 1 + (3 + (1 + 1)))),
        ({"L": [{"L": []}, {"M": {}}]}, 3 + (1 + 3) + (1 + 3)),
    ],
    ids=stable_id,
)
def test_value_size_each_wire_type_by_the_documented_rules(
    value: dict[str, Any], size: int
) -> None:
    # Positive numbers whose digits pair up on the decimal point: the documented
    # "1 byte per two significant digits, plus 1" holds exactly.
    assert value_size(value) == size


@pytest.mark.parametrize(
    ("item", "size"),
    [
        ({}, 0),
        ({"pk": {"S": "p"}, "sk": {"S": "s"}}, 6),
        ({"\u00e9t\u00e9": {"S": "x"}}, 5 + 1),
        ({"n": {"N": "12345"}}, 1 + 4),
        ({"flag": {"BOOL": True}, "none": {"NULL": True}}, 5 + 5),
        ({"list": {"L": [{"N": "1"}]}}, 4 + 3 + 1 + 2),
    ],
    ids=stable_id,
)
def test_item_size_sums_names_and_values(item: dict[str, Any], size: int) -> None:
    assert item_size(item) == size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1.5", 3),
        ("10.01", 3),
        ("100.5", 4),
        ("-5", 3),
        ("-123", 4),
        ("-0.1", 3),
        ("-1" + "0" * 40, 3),
    ],
)
def test_number_size_pairs_digits_on_the_decimal_point_and_adds_one_when_negative(
    text: str, size: int
) -> None:
    # The docs give the size "approximately"; the code follows DynamoDB's storage of
    # base-100 digit pairs aligned on the decimal point, a byte more when negative.
    assert number_size(text) == size


# --- numbers -------------------------------------------------------------------------

LARGEST = "9." + "9" * 37 + "E+125"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("0", "0"),
        ("-0", "0"),
        ("-0.000", "0"),
        ("0E+5", "0"),
        ("1.50", "1.5"),
        ("100.00", "100"),
        ("1E+2", "100"),
        ("-1.23E+3", "-1230"),
        ("1.23E-3", "0.00123"),
        ("123.456", "123.456"),
        ("-0.1", "-0.1"),
        ("0.0100", "0.01"),
        ("1" * 38 + "000", "1" * 38 + "000"),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("-1E-130", "-0." + "0" * 129 + "1"),
        ("0.01E-128", "0." + "0" * 129 + "1"),
        (LARGEST, "9" * 38 + "0" * 88),
        ("1.2345678901234567890123456789012345678", "1.2345678901234567890123456789012345678"),
    ],
)
def test_normalized_number_gives_plain_notation_without_redundant_zeros(
    number: str, text: str
) -> None:
    assert normalized_number(Decimal(number)) == text


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("NaN", "not a finite number"),
        ("Infinity", "not a finite number"),
        ("-Infinity", "not a finite number"),
        ("1" * 39, "39 significant digits; the limit is 38"),
        ("0." + "1" * 39, "39 significant digits; the limit is 38"),
        ("1E+126", "too large"),
        ("10E+125", "too large"),
        ("0.1E+127", "too large"),
        ("-1E+126", "too large"),
        ("1E-131", "too small"),
        ("0.5E-130", "too small"),
        ("-1E-131", "too small"),
    ],
)
def test_normalized_number_outside_dynamodbs_rules_raises_value_error(
    number: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        normalized_number(Decimal(number))


# --- keys ----------------------------------------------------------------------------

E_ACUTE = "\u00e9"  # 2 bytes of UTF-8
EURO = "\u20ac"  # 3 bytes
GRINNING = "\U0001f600"  # 4 bytes


@pytest.mark.parametrize(
    "pk",
    ["p", "p" * 2048, E_ACUTE * 1024, GRINNING * 512, EURO * 682 + "ab"],
    ids=lambda pk: f"{len(pk)}chars",
)
def test_partition_key_problem_up_to_2048_bytes_is_none(pk: str) -> None:
    assert partition_key_problem(pk) is None


@pytest.mark.parametrize(
    "pk",
    ["p" * 2049, E_ACUTE * 1024 + "a", GRINNING * 512 + "a", E_ACUTE * 1025],
    ids=lambda pk: f"{len(pk)}chars",
)
def test_partition_key_problem_over_2048_bytes_names_the_size(pk: str) -> None:
    size = len(pk.encode())
    assert partition_key_problem(pk) == f"pk is {size} bytes of UTF-8; the limit is 2048"


@pytest.mark.parametrize(
    "sk", ["s", "s" * 1024, E_ACUTE * 512, GRINNING * 256, EURO * 341 + "a"], ids=len
)
def test_sort_key_problem_up_to_1024_bytes_is_none(sk: str) -> None:
    assert sort_key_problem(sk) is None


@pytest.mark.parametrize(
    "sk", ["s" * 1025, E_ACUTE * 512 + "a", GRINNING * 256 + "a", EURO * 342], ids=len
)
def test_sort_key_problem_over_1024_bytes_names_the_size(sk: str) -> None:
    size = len(sk.encode())
    assert sort_key_problem(sk) == f"sk is {size} bytes of UTF-8; the limit is 1024"


@pytest.mark.parametrize(
    ("pk", "sk", "problem"),
    [
        ("p", "s", None),
        ("", "s", "pk must not be empty"),
        ("p", "", "sk must not be empty"),
        ("", "", "pk must not be empty"),
        (1, "s", "pk must be a str, not int"),
        ("p", None, "sk must be a str, not NoneType"),
        (b"p", "s", "pk must be a str, not bytes"),
        ("p\ud800", "s", "pk is not valid Unicode (it holds a lone surrogate)"),
        ("p", "\udfff", "sk is not valid Unicode (it holds a lone surrogate)"),
        ("p" * 2049, "s" * 1025, "pk is 2049 bytes of UTF-8; the limit is 2048"),
        ("p", "s" * 1025, "sk is 1025 bytes of UTF-8; the limit is 1024"),
    ],
    ids=stable_id,
)
def test_key_problem_says_what_is_wrong_pk_first(pk: object, sk: object, problem: str) -> None:
    assert key_problem(pk, sk) == problem


def test_sort_key_problem_names_the_bound_it_checks() -> None:
    assert sort_key_problem("", "between") == "between must not be empty"
    assert sort_key_problem(3, "gte") == "gte must be a str, not int"
