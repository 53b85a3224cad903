"""Query arguments: the port's keywords validated into one typed condition."""

from __future__ import annotations

from typing import Any

import pytest

from lvrgd.common.services.kvstore import InvalidQueryError
from lvrgd.common.services.kvstore._conditions import (
    BeginsWith,
    Between,
    Equals,
    GreaterOrEqual,
    GreaterThan,
    KeyQuery,
    LessOrEqual,
    LessThan,
    SortKeyCondition,
    key_query,
)
from tests._ids import stable_id

OP = "query_by_pk"
PK = "customer#1"


def _refusal(pk: Any = PK, **arguments: Any) -> InvalidQueryError:
    with pytest.raises(InvalidQueryError) as caught:
        key_query(OP, pk, **arguments)
    return caught.value


@pytest.mark.parametrize(
    ("arguments", "condition"),
    [
        ({"equals": "a"}, Equals("a")),
        ({"begins_with": "order#"}, BeginsWith("order#")),
        ({"between": ("a", "c")}, Between("a", "c")),
        ({"between": ("a", "a")}, Between("a", "a")),
        ({"lt": "m"}, LessThan("m")),
        ({"lte": "m"}, LessOrEqual("m")),
        ({"gt": "m"}, GreaterThan("m")),
        ({"gte": "m"}, GreaterOrEqual("m")),
        ({}, None),
    ],
    ids=stable_id,
)
def test_key_query_each_keyword_becomes_its_typed_condition(
    arguments: dict[str, Any], condition: SortKeyCondition | None
) -> None:
    query = key_query(OP, PK, **arguments)
    assert query == KeyQuery(pk=PK, condition=condition, limit=None, descending=False)
    assert type(query.condition) is type(condition)


def test_key_query_limit_and_descending_are_kept() -> None:
    query = key_query(OP, PK, gt="a", limit=1, descending=True)
    assert query == KeyQuery(pk=PK, condition=GreaterThan("a"), limit=1, descending=True)


def test_key_query_between_orders_bounds_by_utf8_bytes_not_utf16() -> None:
    # U+FFFF sorts before U+10000 in UTF-8 (and code points), after it in UTF-16.
    assert key_query(OP, PK, between=("\uffff", "\U00010000")).condition == Between(
        "\uffff", "\U00010000"
    )
    assert key_query(OP, PK, between=("z", "\u00e9")).condition == Between("z", "\u00e9")


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (
            {"equals": "a", "begins_with": "a"},
            "at most one sort-key condition, got begins_with, equals",
        ),
        ({"lt": "a", "gte": "b"}, "at most one sort-key condition, got gte, lt"),
        ({"between": ("a", "b"), "gt": "a"}, "at most one sort-key condition, got between, gt"),
        ({"limit": 0}, "limit must be an integer >= 1, got 0"),
        ({"limit": -1}, "limit must be an integer >= 1, got -1"),
        ({"limit": True}, "limit must be an integer >= 1, got True"),
        ({"limit": 1.5}, "limit must be an integer >= 1, got 1.5"),
        ({"limit": "3"}, "limit must be an integer >= 1, got '3'"),
        ({"descending": "yes"}, "descending must be a bool, got 'yes'"),
        ({"between": ("b", "a")}, "between's low bound 'b' is above its high bound 'a'"),
        ({"between": ("\u00e9", "z")}, "low bound '\u00e9' is above its high bound 'z'"),
        ({"between": ("\U00010000", "\uffff")}, "is above its high bound"),
        ({"between": ("a", 1)}, "between must be a str, not int"),
        ({"between": ["a", "b"]}, "between must be a (low, high) tuple"),
        ({"between": ("a", "b", "c")}, "between must be a (low, high) tuple"),
        ({"between": ("", "b")}, "between must not be empty"),
        ({"equals": 1}, "equals must be a str, not int"),
        ({"begins_with": b"a"}, "begins_with must be a str, not bytes"),
        ({"lt": ""}, "lt must not be empty"),
        ({"gte": "\ud800"}, "gte is not valid Unicode"),
        ({"gt": "x" * 1025}, "gt is 1025 bytes of UTF-8; the limit is 1024"),
        ({"lte": "\u00e9" * 513}, "lte is 1026 bytes of UTF-8; the limit is 1024"),
        ({"between": ("a", "z" * 1025)}, "between is 1025 bytes of UTF-8; the limit is 1024"),
    ],
    ids=stable_id,
)
def test_key_query_bad_arguments_raise_invalid_query_naming_operation_and_pk(
    arguments: dict[str, Any], reason: str
) -> None:
    error = _refusal(**arguments)
    assert isinstance(error, ValueError)
    assert (error.operation, error.pk) == (OP, PK)
    assert reason in error.reason
    assert str(error) == f"{OP}: invalid request for pk={PK!r}: {error.reason}"


def test_key_query_bounds_of_exactly_1024_bytes_are_accepted() -> None:
    bound = "\u00e9" * 512
    assert key_query(OP, PK, begins_with=bound).condition == BeginsWith(bound)


@pytest.mark.parametrize(
    ("pk", "reason"),
    [
        ("", "pk must not be empty"),
        ("p" * 2049, "pk is 2049 bytes of UTF-8; the limit is 2048"),
        ("p\ud800", "pk is not valid Unicode"),
        (7, "pk must be a str, not int"),
        (None, "pk must be a str, not NoneType"),
    ],
    ids=stable_id,
)
def test_key_query_bad_partition_key_raises_invalid_query(pk: Any, reason: str) -> None:
    error = _refusal(pk=pk)
    assert reason in error.reason
    assert error.operation == OP


def test_key_query_non_str_partition_key_is_named_by_its_repr() -> None:
    assert _refusal(pk=7).pk == "7"


def test_key_query_oversized_partition_key_is_shortened_in_the_message() -> None:
    error = _refusal(pk="p" * 5000)
    assert len(str(error)) < 300
    assert error.pk == "p" * 5000


# --- matches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "sk"),
    [
        (Equals("a"), "a"),
        (BeginsWith("ab"), "ab"),
        (BeginsWith("ab"), "abc"),
        (BeginsWith("\u00e9"), "\u00e9t\u00e9"),
        (BeginsWith("\U0001f600"), "\U0001f600x"),
        (Between("b", "d"), "b"),
        (Between("b", "d"), "d"),
        (Between("b", "d"), "c"),
        (Between("\uffff", "\U00010000"), "\U00010000"),
        (LessThan("b"), "a"),
        (LessThan("\U00010000"), "\uffff"),
        (LessOrEqual("b"), "b"),
        (GreaterThan("b"), "ba"),
        (GreaterThan("z"), "\u00e9"),
        (GreaterThan("\uffff"), "\U00010000"),
        (GreaterOrEqual("b"), "b"),
    ],
    ids=stable_id,
)
def test_condition_matches_sort_key_meeting_it_by_code_point(
    condition: SortKeyCondition, sk: str
) -> None:
    assert condition.matches(sk) is True


@pytest.mark.parametrize(
    ("condition", "sk"),
    [
        (Equals("a"), "ab"),
        (Equals("\u00e9"), "e"),
        (BeginsWith("ab"), "a"),
        (BeginsWith("ab"), "b"),
        (BeginsWith("\U0001f600"), "\U0001f601"),
        (Between("b", "d"), "a"),
        (Between("b", "d"), "d\x00"),
        (LessThan("b"), "b"),
        (LessOrEqual("b"), "b\x00"),
        (GreaterThan("b"), "b"),
        (GreaterOrEqual("b"), "a"),
    ],
    ids=stable_id,
)
def test_condition_matches_sort_key_missing_it_is_false(
    condition: SortKeyCondition, sk: str
) -> None:
    assert condition.matches(sk) is False


def test_conditions_are_frozen_and_hashable() -> None:
    condition = Between("a", "b")
    with pytest.raises(AttributeError):
        condition.low = "c"  # type: ignore[misc]
    assert len({Equals("a"), Equals("a"), BeginsWith("a")}) == 2
