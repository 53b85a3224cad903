"""Field types: after create(x) or update(x), get_one(x.pk, x.sk, type(x)) == x, exactly."""

import math
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem, KeyValueStore

from .models import (
    ABSENT,
    Address,
    Color,
    EveryType,
    Level,
    Numbers,
    Priority,
    Sets,
    SetsProbe,
    Sparse,
    Tier,
)

PK = "types#1"
SK = "item"


def _every_type() -> EveryType:
    return EveryType(
        pk=PK,
        sk=SK,
        text="héllo, wörld 😀",
        empty_text="",
        integer=-42,
        decimal=Decimal("12345.6789"),
        real=0.1,
        flag=True,
        blob=b"\x00\xff\x10binary",
        nothing=None,
        sequence=[3, 1, 2],
        pair=("one", 1),
        mapping={"a": 1, "b": 2},
        address=Address(street="1 Main St", city="Oslo"),
        str_set={"x", "y", "é"},
        int_set=frozenset({1, -2, 3}),
        decimal_set={Decimal("1.5"), Decimal("-0.25")},
        bytes_set=frozenset({b"a", b"\x00"}),
        empty_set=set(),
        instant=datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=timezone.utc),
        day=date(2024, 2, 29),
        clock=time(13, 14, 15, 160000),
        ident=UUID("12345678-1234-5678-1234-567812345678"),
        color=Color.GREEN,
        priority=Priority.HIGH,
    )


def _round_trip_after_create(store: KeyValueStore, item: KeyValueItem) -> KeyValueItem | None:
    store.create(item)
    return store.get_one(item.pk, item.sk, type(item))


def _round_trip_after_update(store: KeyValueStore, item: KeyValueItem) -> KeyValueItem | None:
    store.create(KeyValueItem(pk=item.pk, sk=item.sk))
    store.update(item)
    return store.get_one(item.pk, item.sk, type(item))


def test_create_every_field_type_round_trips(store: KeyValueStore) -> None:
    assert _round_trip_after_create(store, _every_type()) == _every_type()


def test_update_every_field_type_round_trips(store: KeyValueStore) -> None:
    assert _round_trip_after_update(store, _every_type()) == _every_type()


def test_update_every_field_type_over_other_values_round_trips(store: KeyValueStore) -> None:
    store.create(
        _every_type().model_copy(
            update={
                "text": "old",
                "sequence": [9, 9],
                "str_set": {"old"},
                "empty_set": {"was", "full"},
                "address": Address(street="old", city="old", postcode="0000"),
            }
        )
    )

    store.update(_every_type())

    assert store.get_one(PK, SK, EveryType) == _every_type()


SINGLE_FIELD_CASES = [
    pytest.param("text", "plain", id="str"),
    pytest.param("text", "日本語 ñ € 😀", id="str_multibyte"),
    pytest.param("text", "", id="str_empty"),
    pytest.param("text", "tab\tnewline\nnul\x00", id="str_control_characters"),
    pytest.param("integer", 0, id="int_zero"),
    pytest.param("integer", -7, id="int_negative"),
    pytest.param("integer", 10**38 - 1, id="int_38_digits"),
    pytest.param("integer", -(10**38 - 1), id="int_negative_38_digits"),
    pytest.param("integer", 2**64, id="int_2_pow_64"),
    pytest.param("decimal", Decimal("3.14159"), id="decimal"),
    pytest.param("decimal", Decimal("-0.001"), id="decimal_negative"),
    pytest.param(
        "decimal", Decimal("1.234567890123456789012345678901234567"), id="decimal_37_digits"
    ),
    pytest.param("real", 0.1, id="float_0_1"),
    pytest.param("real", 1e-100, id="float_1e_minus_100"),
    pytest.param("real", 1 / 3, id="float_third"),
    pytest.param("real", -2.5, id="float_negative"),
    pytest.param("real", 1.2345678901234567e125, id="float_large"),
    pytest.param("real", 3.0, id="float_integral"),
    pytest.param("real", float(2**53 + 2), id="float_2_pow_53_plus_2"),
    pytest.param("flag", True, id="bool_true"),
    pytest.param("flag", False, id="bool_false"),
    pytest.param("blob", bytes(range(256)), id="bytes"),
    pytest.param("blob", b"", id="bytes_empty"),
    pytest.param("sequence", [1, 2, 3], id="list"),
    pytest.param("sequence", [], id="list_empty"),
    pytest.param("pair", ("a", 1), id="tuple"),
    pytest.param("mapping", {"x": 1, "é": 2, "a.b": 3, "#k": 4, ":v": 5}, id="dict"),
    pytest.param("mapping", {}, id="dict_empty"),
    pytest.param("address", Address(street="1 Main", city="Oslo", postcode="0150"), id="model"),
    pytest.param("address", Address(street="1 Main", city="Oslo"), id="model_none_field"),
    pytest.param(
        "addresses", [Address(street="a", city="b"), Address(street="c", city="d")], id="models"
    ),
    pytest.param("address_book", {"home": Address(street="a", city="b")}, id="model_map"),
    pytest.param("optional_ints", [1, None, 3], id="list_with_none"),
    pytest.param("optional_texts", {"a": None, "b": "x"}, id="dict_with_none"),
    pytest.param("anything", [True, 1, False, 0, "1", None, [], {}, b"1"], id="list_of_any"),
    pytest.param("str_set", {"a", "b", "😀", ""}, id="set_of_str"),
    pytest.param("str_set", set(), id="set_of_str_empty"),
    pytest.param("int_set", frozenset({0, -1, 10**37}), id="frozenset_of_int"),
    pytest.param(
        "decimal_set", {Decimal("0.5"), Decimal("-1E-130"), Decimal("9E+125")}, id="set_of_decimal"
    ),
    pytest.param("bytes_set", {b"\x00", b"\xff", b"abc", b""}, id="set_of_bytes"),
    pytest.param(
        "instant", datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc), id="datetime_utc"
    ),
    pytest.param(
        "instant",
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        id="datetime_offset",
    ),
    pytest.param(
        "instant",
        datetime(1999, 12, 31, 23, 59, 59),  # noqa: DTZ001 - a naive datetime round-trips too
        id="datetime_naive",
    ),
    pytest.param("day", date(1970, 1, 1), id="date"),
    pytest.param("clock", time(0, 0, 1, 1), id="time"),
    pytest.param("duration", timedelta(days=1, seconds=2, microseconds=3), id="timedelta"),
    pytest.param("ident", UUID("00000000-0000-4000-8000-000000000000"), id="uuid"),
    pytest.param("color", Color.RED, id="enum_of_str"),
    pytest.param("priority", Priority.LOW, id="enum_of_int"),
    pytest.param("tier", Tier.GOLD, id="str_enum"),
    pytest.param("level", Level.TWO, id="int_enum"),
    pytest.param("tiers", {Tier.GOLD, Tier.SILVER}, id="set_of_str_enum"),
]
"""One field of Sparse set to one value, the others None (so stored as no attribute)."""


def _sparse(field: str, value: object) -> Sparse:
    return Sparse.model_validate({"pk": PK, "sk": SK, field: value})


@pytest.mark.parametrize(("field", "value"), SINGLE_FIELD_CASES)
def test_create_single_field_type_round_trips(
    store: KeyValueStore, field: str, value: object
) -> None:
    got = _round_trip_after_create(store, _sparse(field, value))

    assert got == _sparse(field, value)


@pytest.mark.parametrize(("field", "value"), SINGLE_FIELD_CASES)
def test_update_single_field_type_round_trips(
    store: KeyValueStore, field: str, value: object
) -> None:
    got = _round_trip_after_update(store, _sparse(field, value))

    assert got == _sparse(field, value)


def test_create_datetime_with_offset_keeps_its_offset(store: KeyValueStore) -> None:
    offset = timezone(timedelta(hours=5, minutes=30))
    store.create(Sparse(pk=PK, sk=SK, instant=datetime(2024, 1, 2, 3, 4, 5, tzinfo=offset)))

    got = store.get_one(PK, SK, Sparse)

    assert got is not None
    assert got.instant is not None
    assert got.instant.utcoffset() == timedelta(hours=5, minutes=30)


def test_create_bool_values_in_list_keep_their_type(store: KeyValueStore) -> None:
    store.create(Sparse(pk=PK, sk=SK, anything=[True, 1, False, 0]))

    got = store.get_one(PK, SK, Sparse)

    assert got is not None
    assert got.anything is not None
    assert [type(value) for value in got.anything] == [bool, int, bool, int]


def test_create_empty_sets_in_set_fields_round_trip(store: KeyValueStore) -> None:
    assert _round_trip_after_create(store, Sets(pk=PK, sk=SK)) == Sets(pk=PK, sk=SK)


def test_update_empty_sets_in_set_fields_round_trip(store: KeyValueStore) -> None:
    assert _round_trip_after_update(store, Sets(pk=PK, sk=SK)) == Sets(pk=PK, sk=SK)


def test_create_empty_set_stores_no_attribute(store: KeyValueStore) -> None:
    store.create(Sets(pk=PK, sk=SK, integers=frozenset({1})))

    assert store.get_one(PK, SK, SetsProbe) == SetsProbe(pk=PK, sk=SK, strings=ABSENT)


def test_update_empty_set_removes_attribute(store: KeyValueStore) -> None:
    store.create(Sets(pk=PK, sk=SK, strings={"a", "b"}))

    store.update(Sets(pk=PK, sk=SK))

    assert store.get_one(PK, SK, SetsProbe) == SetsProbe(pk=PK, sk=SK, strings=ABSENT)


def test_create_full_sets_in_set_fields_round_trip(store: KeyValueStore) -> None:
    item = Sets(
        pk=PK,
        sk=SK,
        strings={"", "a"},
        integers=frozenset({1, 2}),
        decimals={Decimal("0.1"), Decimal(-3)},
        blobs={b"", b"a"},
    )

    assert _round_trip_after_create(store, item) == item


# Numbers are normalised as DynamoDB does.


def test_create_negative_zero_float_comes_back_as_positive_zero(store: KeyValueStore) -> None:
    store.create(Numbers(pk=PK, sk=SK, real=-0.0))

    got = store.get_one(PK, SK, Numbers)

    assert got is not None
    assert got.real == 0.0
    assert math.copysign(1.0, got.real) == 1.0


def test_create_negative_zero_decimal_comes_back_as_zero(store: KeyValueStore) -> None:
    store.create(Numbers(pk=PK, sk=SK, decimal=Decimal("-0.00")))

    got = store.get_one(PK, SK, Numbers)

    assert got is not None
    assert got.decimal == Decimal(0)
    assert got.decimal is not None
    assert not got.decimal.is_signed()


def test_create_decimal_with_trailing_zero_comes_back_normalised(store: KeyValueStore) -> None:
    store.create(Numbers(pk=PK, sk=SK, decimal=Decimal("1.50")))

    got = store.get_one(PK, SK, Numbers)

    assert got is not None
    assert got.decimal == Decimal("1.5")
    assert str(got.decimal) == "1.5"


def test_create_decimal_in_exponent_form_comes_back_equal(store: KeyValueStore) -> None:
    store.create(Numbers(pk=PK, sk=SK, decimal=Decimal("1.2E+3"), integer=12))

    got = store.get_one(PK, SK, Numbers)

    assert got == Numbers(pk=PK, sk=SK, decimal=Decimal(1200), integer=12)


def test_create_number_list_comes_back_with_equal_values(store: KeyValueStore) -> None:
    values = [Decimal("1.50"), Decimal("-0"), 7, Decimal("0.000001")]
    store.create(Numbers(pk=PK, sk=SK, values=values))

    got = store.get_one(PK, SK, Numbers)

    assert got is not None
    assert got.values == [Decimal("1.5"), 0, 7, Decimal("0.000001")]


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), float("-inf")],
    ids=["nan", "inf", "minus_inf"],
)
def test_create_non_finite_float_raises_invalid_item(store: KeyValueStore, value: float) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, real=value))

    assert store.get_one(PK, SK, Numbers) is None


@pytest.mark.parametrize(
    "value",
    [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")],
    ids=["nan", "inf", "minus_inf"],
)
def test_create_non_finite_decimal_raises_invalid_item(
    store: KeyValueStore, value: Decimal
) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, decimal=value))

    assert store.get_one(PK, SK, Numbers) is None


def test_create_nan_inside_list_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, values=[1, [2, float("nan")]]))


def test_create_infinity_inside_map_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, by_name={"a": {"b": Decimal("Infinity")}}))


def test_update_nan_raises_invalid_item(store: KeyValueStore) -> None:
    store.create(Numbers(pk=PK, sk=SK, real=1.0))

    with pytest.raises(InvalidItemError):
        store.update(Numbers(pk=PK, sk=SK, real=float("nan")))

    assert store.get_one(PK, SK, Numbers) == Numbers(pk=PK, sk=SK, real=1.0)
