"""The attribute-value codec: exact wire output, refusals, and round trips.

The wire table is docs/contract.md's "Field types"; the limits are its "Limits".
boto3's own TypeSerializer/TypeDeserializer is the reference the
differential tests compare against.
"""

from __future__ import annotations

import enum
import math
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, computed_field

from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem
from lvrgd.common.services.kvstore._attributes import (
    decode_item,
    decode_value,
    encode_changes,
    encode_item,
    encode_value,
)
from tests._ids import stable_id

PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class Color(enum.Enum):
    RED = "red"


class Level(enum.Enum):
    HIGH = 3


class Mood(str, enum.Enum):
    GLAD = "glad"


class Inner(BaseModel):
    size: int
    label: str | None = None


class Anything(KeyValueItem, entity="tests.kvstore.test_attributes.Anything"):
    """One attribute of any type: what `encode_item` makes of a single value."""

    value: Any = None


class Tagged(KeyValueItem, entity="tests.kvstore.test_attributes.Tagged"):
    tags: set[str] = Field(default_factory=set)
    frozen: frozenset[int] = frozenset()
    maybe_tags: set[str] | None = None


class Nested(KeyValueItem):
    inner: Inner
    inners: list[Inner] = Field(default_factory=list)


class Counted(KeyValueItem):
    count: int
    scores: dict[str, int] = Field(default_factory=dict)
    steps: list[int] = Field(default_factory=list)


class Blob(KeyValueItem, entity="tests.kvstore.test_attributes.Blob"):
    blob: str


def _refusal(value: Any) -> InvalidItemError:
    with pytest.raises(InvalidItemError) as caught:
        encode_item("create", Anything(pk="customer#1", sk="order#1", value=value))
    return caught.value


def _maps(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"a": value}
    return value


def _lists(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


# --- exact wire output, one value at a time ------------------------------------------


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("abc", {"S": "abc"}),
        ("", {"S": ""}),
        ("\u00e9\U0001f600", {"S": "\u00e9\U0001f600"}),
        (True, {"BOOL": True}),
        (False, {"BOOL": False}),
        (0, {"N": "0"}),
        (-7, {"N": "-7"}),
        (10**40, {"N": "1" + "0" * 40}),
        (-(10**37) - 1, {"N": "-1" + "0" * 36 + "1"}),
        (Decimal("1.50"), {"N": "1.5"}),
        (Decimal("-0"), {"N": "0"}),
        (Decimal("-0.000"), {"N": "0"}),
        (Decimal("1E+2"), {"N": "100"}),
        (Decimal("-1.23E-5"), {"N": "-0.0000123"}),
        (Decimal("100.00"), {"N": "100"}),
        (-0.0, {"N": "0"}),
        (1.5, {"N": "1.5"}),
        (0.1, {"N": "0.1"}),
        (1e20, {"N": "1" + "0" * 20}),
        (1e-100, {"N": "0." + "0" * 99 + "1"}),
        (b"\x00\xff", {"B": b"\x00\xff"}),
        (b"", {"B": b""}),
        (None, {"NULL": True}),
        ([], {"L": []}),
        ([1, "a", None], {"L": [{"N": "1"}, {"S": "a"}, {"NULL": True}]}),
        ((1, "a"), {"L": [{"N": "1"}, {"S": "a"}]}),
        ({}, {"M": {}}),
        ({"a": 1, "b": None}, {"M": {"a": {"N": "1"}, "b": {"NULL": True}}}),
        ({1: "x"}, {"M": {"1": {"S": "x"}}}),
        ({"b", "c", "a"}, {"SS": ["a", "b", "c"]}),
        (frozenset({"\U0001f600", "\uffff"}), {"SS": ["\uffff", "\U0001f600"]}),
        ({b"b", b"a"}, {"BS": [b"a", b"b"]}),
        ({3, 1, 2}, {"NS": ["1", "2", "3"]}),
        ({Decimal("1.50"), 2}, {"NS": ["1.5", "2"]}),
        ({10, 9, 100}, {"NS": ["10", "100", "9"]}),
        (set(), {"L": []}),
    ],
    ids=stable_id,
)
def test_encode_value_each_type_gives_its_wire_form(value: Any, wire: dict[str, Any]) -> None:
    assert encode_value(value) == wire


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc), {"S": "2024-01-02T03:04:05Z"}),
        (date(2024, 1, 2), {"S": "2024-01-02"}),
        (time(3, 4, 5), {"S": "03:04:05"}),
        (timedelta(hours=1), {"S": "PT1H"}),
        (
            UUID("12345678-1234-5678-1234-567812345678"),
            {"S": "12345678-1234-5678-1234-567812345678"},
        ),
        (Color.RED, {"S": "red"}),
        (Level.HIGH, {"N": "3"}),
        (Inner(size=2), {"M": {"size": {"N": "2"}, "label": {"NULL": True}}}),
    ],
    ids=stable_id,
)
def test_encode_value_other_types_give_their_json_form(value: Any, wire: dict[str, Any]) -> None:
    assert encode_value(value) == wire


def test_encode_value_bytearray_and_memoryview_give_plain_bytes() -> None:
    for value in (bytearray(b"ab"), memoryview(b"ab")):
        encoded = encode_value(value)
        assert encoded == {"B": b"ab"}
        assert type(encoded["B"]) is bytes


def test_encode_value_str_enum_gives_a_plain_str() -> None:
    # The JSON form of a str Enum is its value, a plain str; the wire holds no Enum member.
    encoded = encode_value(Mood.GLAD)
    assert encoded == {"S": "glad"}
    assert type(encoded["S"]) is str


# --- whole items ---------------------------------------------------------------------


def test_encode_item_top_level_none_is_omitted_and_nested_none_is_null() -> None:
    item = Nested(pk="p", sk="s", inner=Inner(size=1, label=None))
    assert encode_item("create", item) == {
        "pk": {"S": "p"},
        "sk": {"S": "s"},
        "inner": {"M": {"size": {"N": "1"}, "label": {"NULL": True}}},
        "inners": {"L": []},
    }
    assert "value" not in encode_item("create", Anything(pk="p", sk="s", value=None))


def test_encode_item_empty_plain_sets_are_omitted() -> None:
    assert encode_item("create", Tagged(pk="p", sk="s")) == {"pk": {"S": "p"}, "sk": {"S": "s"}}


def test_encode_item_empty_optional_set_is_an_empty_list() -> None:
    encoded = encode_item("create", Tagged(pk="p", sk="s", maybe_tags=set()))
    assert encoded["maybe_tags"] == {"L": []}


def test_encode_item_sets_become_sorted_typed_sets() -> None:
    item = Tagged(pk="p", sk="s", tags={"b", "a"}, frozen=frozenset({2, 1}), maybe_tags={"z"})
    assert encode_item("create", item) == {
        "pk": {"S": "p"},
        "sk": {"S": "s"},
        "tags": {"SS": ["a", "b"]},
        "frozen": {"NS": ["1", "2"]},
        "maybe_tags": {"SS": ["z"]},
    }


def test_decode_item_absent_plain_sets_are_rebuilt_empty() -> None:
    decoded = decode_item("get_one", {"pk": {"S": "p"}, "sk": {"S": "s"}}, Tagged)
    assert decoded == Tagged(pk="p", sk="s", tags=set(), frozen=frozenset(), maybe_tags=None)
    assert type(decoded.frozen) is frozenset


def test_decode_item_empty_list_in_optional_set_field_is_an_empty_set() -> None:
    stored = {"pk": {"S": "p"}, "sk": {"S": "s"}, "maybe_tags": {"L": []}}
    assert decode_item("get_one", stored, Tagged).maybe_tags == set()


def test_encode_changes_splits_set_attributes_from_removed_names() -> None:
    item = Tagged(pk="p", sk="s", tags=set(), frozen=frozenset({1}), maybe_tags=None)
    to_set, to_remove = encode_changes("update", item)
    assert to_set == {"frozen": {"NS": ["1"]}}
    assert sorted(to_remove) == ["maybe_tags", "tags"]


def test_decode_value_numbers_are_int_when_integral_else_decimal() -> None:
    assert decode_value({"N": "12"}) == 12
    assert type(decode_value({"N": "12"})) is int
    assert decode_value({"N": "1.5"}) == Decimal("1.5")
    assert type(decode_value({"N": "1.5"})) is Decimal
    assert decode_value({"NS": ["1", "0.5"]}) == {1, Decimal("0.5")}


def test_decode_value_each_wire_type_gives_its_python_value() -> None:
    assert decode_value({"S": "x"}) == "x"
    assert decode_value({"BOOL": False}) is False
    assert decode_value({"NULL": True}) is None
    assert decode_value({"B": b"\x01"}) == b"\x01"
    assert decode_value({"SS": ["a", "b"]}) == {"a", "b"}
    assert decode_value({"BS": [b"a"]}) == {b"a"}
    assert decode_value({"L": [{"S": "a"}, {"M": {"k": {"N": "1"}}}]}) == ["a", {"k": 1}]


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (math.nan, "nan is not a finite number"),
        (math.inf, "inf is not a finite number"),
        (-math.inf, "-inf is not a finite number"),
        (Decimal("NaN"), "NaN is not a finite number"),
        (Decimal("-Infinity"), "-Infinity is not a finite number"),
        (int("1" * 39), "39 significant digits; the limit is 38"),
        (Decimal("1." + "1" * 38), "39 significant digits; the limit is 38"),
        (Decimal("1E+126"), "too large"),
        (Decimal("-1E+126"), "too large"),
        (Decimal("1E-131"), "too small"),
        (Decimal("-5E-131"), "too small"),
        ("a\ud800b", "lone surrogate"),
        ({"\udfff": 1}, "lone surrogate"),
        ({"ok", "\ud800"}, "lone surrogate"),
        ({"a", 1}, "a set must hold only strings, only numbers or only bytes"),
        ({b"a", "a"}, "a set must hold only strings, only numbers or only bytes"),
        ({True, 2}, "a set must hold only strings, only numbers or only bytes"),
        (object(), "a object value has no DynamoDB form"),
        ([math.nan], "nan is not a finite number"),
        ({"deep": {"deeper": Decimal("1E+200")}}, "too large"),
    ],
    ids=stable_id,
)
def test_encode_item_unstorable_value_raises_invalid_item_naming_operation_key_reason(
    value: Any, reason: str
) -> None:
    error = _refusal(value)
    assert (error.operation, error.pk, error.sk) == ("create", "customer#1", "order#1")
    assert reason in error.reason
    assert str(error).startswith("create: invalid item at pk='customer#1', sk='order#1': ")
    assert reason in str(error)
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    "value",
    [
        Decimal("9." + "9" * 37 + "E+125"),
        Decimal("-9." + "9" * 37 + "E+125"),
        Decimal("1E-130"),
        Decimal("-1E-130"),
        Decimal("0.01E-128"),
        int("9" * 38),
        Decimal("1" * 38 + "000"),
        10**125,
    ],
    ids=stable_id,
)
def test_encode_value_numbers_at_the_range_edges_are_accepted(value: Any) -> None:
    assert Decimal(encode_value(value)["N"]) == value


@pytest.mark.parametrize("nest", [_maps, _lists], ids=["maps", "lists"])
def test_encode_item_32_levels_accepted_33_refused(nest: Any) -> None:
    # The item is level 1, so one attribute holds at most 31 nested containers.
    encoded = encode_item("create", Anything(pk="p", sk="s", value=nest(31)))
    assert "value" in encoded
    error = _refusal(nest(32))
    assert "nests deeper than DynamoDB's 32 levels" in error.reason


def test_encode_item_nesting_mixes_maps_and_lists_in_one_count() -> None:
    value: Any = "leaf"
    for level in range(31):
        value = {"a": value} if level % 2 else [value]
    encode_item("create", Anything(pk="p", sk="s", value=value))
    _refusal([value])


def test_encode_item_exactly_400_kb_accepted_one_byte_more_refused() -> None:
    # "pk"+"p" (3) + "sk"+"s" (3) + "blob" (4) + the string: 409,600 bytes in all.
    fits = "x" * (409_600 - 10)
    encode_item("create", Blob(pk="p", sk="s", blob=fits))
    with pytest.raises(InvalidItemError) as caught:
        encode_item("create", Blob(pk="p", sk="s", blob=fits + "x"))
    assert caught.value.reason == "the item is 409601 bytes; the limit is 409600"


def test_encode_item_size_counts_utf8_bytes_not_characters() -> None:
    fits = "\u00e9" * ((409_600 - 10) // 2)
    encode_item("create", Blob(pk="p", sk="s", blob=fits))
    with pytest.raises(InvalidItemError):
        encode_item("create", Blob(pk="p", sk="s", blob=fits + "x"))


def test_encode_changes_oversized_update_raises_invalid_item() -> None:
    with pytest.raises(InvalidItemError) as caught:
        encode_changes("update", Blob(pk="p", sk="s", blob="x" * 409_600))
    assert caught.value.operation == "update"
    assert "the limit is 409600" in caught.value.reason


@pytest.mark.parametrize(
    ("pk", "sk", "reason"),
    [
        ("", "s", "pk must not be empty"),
        ("p", "", "sk must not be empty"),
        ("p" * 2049, "s", "pk is 2049 bytes of UTF-8; the limit is 2048"),
        ("p", "s" * 1025, "sk is 1025 bytes of UTF-8; the limit is 1024"),
        ("p\ud800", "s", "pk is not valid Unicode"),
    ],
)
def test_encode_item_bad_key_raises_invalid_item(pk: str, sk: str, reason: str) -> None:
    with pytest.raises(InvalidItemError) as caught:
        encode_item("create", Anything(pk=pk, sk=sk))
    assert reason in caught.value.reason
    assert caught.value.operation == "create"


def test_encode_item_not_a_key_value_item_raises_invalid_item() -> None:
    with pytest.raises(InvalidItemError) as caught:
        encode_item("create", Inner(size=1))  # type: ignore[arg-type]
    assert "expected a KeyValueItem, got Inner" in caught.value.reason


# --- decode failures ------------------------------------------------------------------

PAYLOAD = "alice@example.com"


def test_decode_item_invalid_item_names_fields_not_values() -> None:
    stored = {"pk": {"S": "p"}, "sk": {"S": "s"}, "count": {"S": PAYLOAD}}
    with pytest.raises(InvalidItemError) as caught:
        decode_item("get_one", stored, Counted)
    error = caught.value
    assert (error.operation, error.pk, error.sk) == ("get_one", "p", "s")
    assert "not a valid Counted" in error.reason
    assert "count" in error.reason
    assert PAYLOAD not in str(error)


def test_decode_item_invalid_list_element_message_holds_no_stored_value() -> None:
    stored = {
        "pk": {"S": "p"},
        "sk": {"S": "s"},
        "count": {"N": "1"},
        "steps": {"L": [{"N": "1"}, {"S": PAYLOAD}]},
    }
    with pytest.raises(InvalidItemError) as caught:
        decode_item("get_one", stored, Counted)
    assert "steps" in caught.value.reason
    assert PAYLOAD not in str(caught.value)


def test_decode_item_invalid_map_entry_message_holds_no_stored_map_key() -> None:
    # A map's keys are stored data as much as its values (an e-mail address, say).
    stored = {
        "pk": {"S": "p"},
        "sk": {"S": "s"},
        "count": {"N": "1"},
        "scores": {"M": {PAYLOAD: {"S": "not a number"}}},
    }
    with pytest.raises(InvalidItemError) as caught:
        decode_item("get_one", stored, Counted)
    assert "scores" in caught.value.reason
    assert PAYLOAD not in str(caught.value)


class Nullable(KeyValueItem):
    note: str | None
    tags: set[str] | None


def test_decode_item_required_nullable_field_stored_as_none_round_trips() -> None:
    # `note: str | None` with no default is required in pydantic 2; a None is stored as
    # no attribute, so reading it back must give None again, not "missing".
    item = Nullable(pk="p", sk="s", note=None, tags=None)
    assert decode_item("get_one", encode_item("create", item), Nullable) == item


class Doubled(KeyValueItem):
    model_config = ConfigDict(extra="forbid")

    n: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def double(self) -> int:
        return self.n * 2


class Renamed(KeyValueItem):
    count: int = Field(serialization_alias="Count")


def test_codec_model_with_computed_field_round_trips() -> None:
    # A computed field is output, not input: storing it makes a strict model unreadable.
    item = Doubled(pk="p", sk="s", n=2)
    assert decode_item("get_one", encode_item("create", item), Doubled) == item


def test_codec_field_with_a_serialization_alias_round_trips() -> None:
    # Written under one name, read under another: the stored attribute must be readable.
    item = Renamed(pk="p", sk="s", count=3)
    assert decode_item("get_one", encode_item("create", item), Renamed) == item


def test_decode_item_missing_field_raises_invalid_item() -> None:
    with pytest.raises(InvalidItemError) as caught:
        decode_item("query_by_pk", {"pk": {"S": "p"}, "sk": {"S": "s"}}, Counted)
    assert caught.value.operation == "query_by_pk"
    assert "count: missing" in caught.value.reason


# --- round trips (hypothesis) -----------------------------------------------------------

MIN_MAGNITUDE, MAX_MAGNITUDE = -130, 125
digits_38 = st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1)
keys = st.text(min_size=1, max_size=12)
ints = st.one_of(digits_38, st.builds(lambda m, e: m * 10**e, digits_38, st.integers(0, 87)))
floats = st.floats(min_value=-1e125, max_value=1e125, allow_nan=False, allow_infinity=False).filter(
    lambda x: x == 0 or abs(x) >= 1e-130
)


def _in_range(number: Decimal) -> bool:
    return number.is_zero() or MIN_MAGNITUDE <= number.adjusted() <= MAX_MAGNITUDE


decimals = st.builds(
    lambda m, e: Decimal(f"{m}E{e}"), digits_38, st.integers(MIN_MAGNITUDE - 37, MAX_MAGNITUDE)
).filter(_in_range)
small_sets = {"max_size": 4}
json_like: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.text(max_size=8) | digits_38 | decimals | st.binary(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=12,
)


class Everything(KeyValueItem, entity="tests.kvstore.test_attributes.Everything"):
    text: str
    integer: int
    real: float
    exact: Decimal
    blob: bytes
    flag: bool
    maybe: str | None = None
    pair: tuple[int, str]
    words: set[str]
    numbers: frozenset[int]
    reals: set[float]
    decimals: set[Decimal]
    blobs: set[bytes]
    maybe_words: set[str] | None = None
    table: dict[str, list[float]]
    tree: Any = None
    inner: Inner
    when: datetime


everything = st.builds(
    Everything,
    pk=keys,
    sk=keys,
    text=st.text(),
    integer=ints,
    real=floats,
    exact=decimals,
    blob=st.binary(),
    flag=st.booleans(),
    maybe=st.none() | st.text(),
    pair=st.tuples(ints, st.text()),
    words=st.sets(st.text(), **small_sets),
    numbers=st.frozensets(ints, **small_sets),
    reals=st.sets(floats, **small_sets),
    decimals=st.sets(decimals, **small_sets),
    blobs=st.sets(st.binary(), **small_sets),
    maybe_words=st.none() | st.sets(st.text(), **small_sets),
    table=st.dictionaries(st.text(max_size=5), st.lists(floats, max_size=3), max_size=3),
    tree=json_like,
    inner=st.builds(Inner, size=ints, label=st.none() | st.text()),
    when=st.datetimes(timezones=st.none() | st.just(timezone.utc)),
)


@PROPERTY_SETTINGS
@given(item=everything)
def test_codec_encode_then_decode_gives_an_equal_model(item: Everything) -> None:
    encoded = encode_item("create", item)
    assert decode_item("get_one", encoded, Everything) == item


@PROPERTY_SETTINGS
@given(item=everything)
def test_codec_encode_changes_then_decode_gives_an_equal_model(item: Everything) -> None:
    to_set, to_remove = encode_changes("update", item)
    assert not set(to_set) & set(to_remove)
    stored = {"pk": {"S": item.pk}, "sk": {"S": item.sk}, **to_set}
    assert decode_item("get_one", stored, Everything) == item


@PROPERTY_SETTINGS
@given(value=floats)
def test_codec_float_round_trips_to_the_same_float(value: float) -> None:
    decoded = decode_value(encode_value(value))
    assert float(decoded) == value


# --- differential: boto3's TypeSerializer / TypeDeserializer --------------------------------

boto3_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=8)
    | digits_38
    | decimals
    | st.binary(max_size=8)
    | st.sets(st.text(max_size=5), min_size=1, max_size=4)
    | st.sets(decimals, min_size=1, max_size=4)
    | st.sets(st.binary(max_size=5), min_size=1, max_size=4),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=12,
)


def _assert_same_wire(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    ((kind, body),) = ours.items()
    ((their_kind, their_body),) = theirs.items()
    assert kind == their_kind
    if kind == "N":
        assert Decimal(body) == Decimal(their_body)
    elif kind == "NS":
        assert sorted(map(Decimal, body)) == sorted(map(Decimal, their_body))
    elif kind in ("SS", "BS"):
        assert body == sorted(their_body)
    elif kind == "L":
        assert len(body) == len(their_body)
        for element, their_element in zip(body, their_body, strict=True):
            _assert_same_wire(element, their_element)
    elif kind == "M":
        assert body.keys() == their_body.keys()
        for key, element in body.items():
            _assert_same_wire(element, their_body[key])
    else:
        assert body == their_body


def _plain(value: Any) -> Any:
    """boto3's deserialized form with its Binary unwrapped, for comparison."""
    if isinstance(value, Binary):
        binary: Any = value  # boto3-stubs types Binary.__bytes__ as returning str
        return bytes(binary)
    if isinstance(value, list):
        return [_plain(element) for element in value]
    if isinstance(value, dict):
        return {key: _plain(element) for key, element in value.items()}
    if isinstance(value, set):
        return {_plain(element) for element in value}
    return value


def _boto3_wire(value: Any) -> dict[str, Any]:
    try:
        return cast("dict[str, Any]", TypeSerializer().serialize(value))
    except (TypeError, ArithmeticError):
        reject()  # boto3 refuses the value


@PROPERTY_SETTINGS
@given(value=boto3_values)
def test_encode_value_matches_boto3_type_serializer(value: Any) -> None:
    _assert_same_wire(encode_value(value), _boto3_wire(value))


@PROPERTY_SETTINGS
@given(value=boto3_values)
def test_decode_value_matches_boto3_type_deserializer(value: Any) -> None:
    ours: Any = encode_value(value)
    try:
        theirs = TypeDeserializer().deserialize(ours)
    except ArithmeticError:
        # boto3 reads numbers at 38 digits of precision: "1" followed by 38 zeros is
        # one significant digit to DynamoDB but 39 digits to boto3's context.
        reject()
    assert decode_value(ours) == _plain(theirs)


@PROPERTY_SETTINGS
@given(value=boto3_values)
def test_decode_value_reads_boto3_serializer_output(value: Any) -> None:
    assert decode_value(_boto3_wire(value)) == value
