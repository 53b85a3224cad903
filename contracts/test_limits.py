"""Limits: key sizes, item size, numbers, nesting and attribute names, at their boundaries.

A key that breaks the key limits is InvalidItemError on writes and InvalidQueryError on
reads; every other limit is InvalidItemError, and a refused write leaves the store as it was.
"""

from decimal import Decimal
from typing import Any

import pytest

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    KeyValueStore,
)

from .models import (
    BinaryBlob,
    Blob,
    Composite,
    Customer,
    Nest,
    Numbers,
    Pair,
    Punctuated,
    Reserved,
    SecondOnly,
    entity_bytes,
    nested_lists,
    nested_maps,
    text_of_bytes,
    utf8_size,
)

PK = "limits#1"
SK = "item"

# Keys: pk 1 to 2048 bytes of UTF-8, sk 1 to 1024.

PARTITION_KEYS_AT_LIMIT = [
    pytest.param("a" * 2048, id="ascii"),
    pytest.param("é" * 1024, id="two_byte"),
    pytest.param(text_of_bytes(2048, "€"), id="three_byte"),
    pytest.param("😀" * 512, id="four_byte"),
]
PARTITION_KEYS_ABOVE_LIMIT = [
    pytest.param("a" * 2049, id="ascii"),
    pytest.param("é" * 1025, id="two_byte_1025_chars"),
    pytest.param(text_of_bytes(2048, "€") + "a", id="three_byte"),
    pytest.param("😀" * 512 + "a", id="four_byte"),
    pytest.param("😀" * 513, id="four_byte_513_chars"),
]
SORT_KEYS_AT_LIMIT = [
    pytest.param("a" * 1024, id="ascii"),
    pytest.param("é" * 512, id="two_byte"),
    pytest.param(text_of_bytes(1024, "€"), id="three_byte"),
    pytest.param("😀" * 256, id="four_byte"),
]
SORT_KEYS_ABOVE_LIMIT = [
    pytest.param("a" * 1025, id="ascii"),
    pytest.param("é" * 513, id="two_byte_513_chars"),
    pytest.param(text_of_bytes(1024, "€") + "a", id="three_byte"),
    pytest.param("😀" * 256 + "a", id="four_byte"),
    pytest.param("😀" * 257, id="four_byte_257_chars"),
]


@pytest.mark.parametrize("pk", PARTITION_KEYS_AT_LIMIT)
def test_create_partition_key_at_limit_is_stored(store: KeyValueStore, pk: str) -> None:
    store.create(Customer(pk=pk, sk=SK, name="Ada"))

    assert store.get_one(pk, SK, Customer) == Customer(pk=pk, sk=SK, name="Ada")


@pytest.mark.parametrize("pk", PARTITION_KEYS_AT_LIMIT)
def test_query_by_pk_partition_key_at_limit_returns_its_items(
    store: KeyValueStore, pk: str
) -> None:
    store.create(Customer(pk=pk, sk=SK, name="Ada"))

    assert store.query_by_pk(pk, Customer) == [Customer(pk=pk, sk=SK, name="Ada")]


@pytest.mark.parametrize("pk", PARTITION_KEYS_AT_LIMIT)
def test_update_partition_key_at_limit_updates(store: KeyValueStore, pk: str) -> None:
    store.create(Customer(pk=pk, sk=SK, name="Ada"))

    store.update(Customer(pk=pk, sk=SK, name="Grace"))

    assert store.get_one(pk, SK, Customer) == Customer(pk=pk, sk=SK, name="Grace")


@pytest.mark.parametrize("pk", PARTITION_KEYS_AT_LIMIT)
def test_delete_partition_key_at_limit_deletes(store: KeyValueStore, pk: str) -> None:
    store.create(Customer(pk=pk, sk=SK, name="Ada"))

    store.delete(pk, SK)

    assert store.get_one(pk, SK, Customer) is None


@pytest.mark.parametrize("pk", PARTITION_KEYS_ABOVE_LIMIT)
def test_create_partition_key_above_limit_raises_invalid_item(
    store: KeyValueStore, pk: str
) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Customer(pk=pk, sk=SK, name="Ada"))


@pytest.mark.parametrize("pk", PARTITION_KEYS_ABOVE_LIMIT)
def test_update_partition_key_above_limit_raises_invalid_item(
    store: KeyValueStore, pk: str
) -> None:
    with pytest.raises(InvalidItemError):
        store.update(Customer(pk=pk, sk=SK, name="Ada"))


@pytest.mark.parametrize("pk", PARTITION_KEYS_ABOVE_LIMIT)
def test_delete_partition_key_above_limit_raises_invalid_item(
    store: KeyValueStore, pk: str
) -> None:
    with pytest.raises(InvalidItemError):
        store.delete(pk, SK)


@pytest.mark.parametrize("pk", PARTITION_KEYS_ABOVE_LIMIT)
def test_get_one_partition_key_above_limit_raises_invalid_query(
    store: KeyValueStore, pk: str
) -> None:
    with pytest.raises(InvalidQueryError):
        store.get_one(pk, SK, Customer)


@pytest.mark.parametrize("pk", PARTITION_KEYS_ABOVE_LIMIT)
def test_query_by_pk_partition_key_above_limit_raises_invalid_query(
    store: KeyValueStore, pk: str
) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(pk, Customer)


@pytest.mark.parametrize("sk", SORT_KEYS_AT_LIMIT)
def test_create_sort_key_at_limit_is_stored(store: KeyValueStore, sk: str) -> None:
    store.create(Customer(pk=PK, sk=sk, name="Ada"))

    assert store.get_one(PK, sk, Customer) == Customer(pk=PK, sk=sk, name="Ada")


@pytest.mark.parametrize("sk", SORT_KEYS_AT_LIMIT)
def test_query_by_pk_sort_key_at_limit_as_bound_returns_its_item(
    store: KeyValueStore, sk: str
) -> None:
    store.create(Customer(pk=PK, sk=sk, name="Ada"))

    assert store.query_by_pk(PK, Customer, equals=sk) == [Customer(pk=PK, sk=sk, name="Ada")]


@pytest.mark.parametrize("sk", SORT_KEYS_AT_LIMIT)
def test_update_sort_key_at_limit_updates(store: KeyValueStore, sk: str) -> None:
    store.create(Customer(pk=PK, sk=sk, name="Ada"))

    store.update(Customer(pk=PK, sk=sk, name="Grace"))

    assert store.get_one(PK, sk, Customer) == Customer(pk=PK, sk=sk, name="Grace")


@pytest.mark.parametrize("sk", SORT_KEYS_AT_LIMIT)
def test_delete_sort_key_at_limit_deletes(store: KeyValueStore, sk: str) -> None:
    store.create(Customer(pk=PK, sk=sk, name="Ada"))

    store.delete(PK, sk)

    assert store.get_one(PK, sk, Customer) is None


@pytest.mark.parametrize("sk", SORT_KEYS_ABOVE_LIMIT)
def test_create_sort_key_above_limit_raises_invalid_item(store: KeyValueStore, sk: str) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Customer(pk=PK, sk=sk, name="Ada"))

    assert store.query_by_pk(PK, Customer) == []


@pytest.mark.parametrize("sk", SORT_KEYS_ABOVE_LIMIT)
def test_update_sort_key_above_limit_raises_invalid_item(store: KeyValueStore, sk: str) -> None:
    with pytest.raises(InvalidItemError):
        store.update(Customer(pk=PK, sk=sk, name="Ada"))


@pytest.mark.parametrize("sk", SORT_KEYS_ABOVE_LIMIT)
def test_delete_sort_key_above_limit_raises_invalid_item(store: KeyValueStore, sk: str) -> None:
    with pytest.raises(InvalidItemError):
        store.delete(PK, sk)


@pytest.mark.parametrize("sk", SORT_KEYS_ABOVE_LIMIT)
def test_get_one_sort_key_above_limit_raises_invalid_query(store: KeyValueStore, sk: str) -> None:
    with pytest.raises(InvalidQueryError):
        store.get_one(PK, sk, Customer)


def test_create_empty_partition_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Customer(pk="", sk=SK, name="Ada"))


def test_create_empty_sort_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Customer(pk=PK, sk="", name="Ada"))

    assert store.query_by_pk(PK, Customer) == []


def test_update_empty_partition_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.update(Customer(pk="", sk=SK, name="Ada"))


def test_update_empty_sort_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.update(Customer(pk=PK, sk="", name="Ada"))


def test_delete_empty_partition_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.delete("", SK)


def test_delete_empty_sort_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.delete(PK, "")


def test_get_one_empty_partition_key_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.get_one("", SK, Customer)


def test_get_one_empty_sort_key_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.get_one(PK, "", Customer)


def test_query_by_pk_empty_partition_key_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk("", Customer)


def test_create_one_byte_keys_are_stored(store: KeyValueStore) -> None:
    store.create(Customer(pk="p", sk="s", name="Ada"))

    assert store.get_one("p", "s", Customer) == Customer(pk="p", sk="s", name="Ada")


# Item size: at most 409,600 bytes, the UTF-8 bytes of every attribute's name plus value.


def _blob(total_bytes: int, *, pk: str = PK, sk: str = SK, char: str = "a") -> Blob:
    """A Blob of exactly `total_bytes` by DynamoDB's rules: its attributes are pk, sk, payload."""
    fixed = sum(utf8_size(text) for text in ("pk", pk, "sk", sk, "payload")) + entity_bytes(Blob)
    return Blob(pk=pk, sk=sk, payload=text_of_bytes(total_bytes - fixed, char))


def _binary_blob(total_bytes: int) -> BinaryBlob:
    """A BinaryBlob of exactly `total_bytes`: a binary value costs its raw bytes."""
    fixed = sum(utf8_size(text) for text in ("pk", PK, "sk", SK, "payload"))
    fixed += entity_bytes(BinaryBlob)
    return BinaryBlob(pk=PK, sk=SK, payload=b"\xff" * (total_bytes - fixed))


ITEMS_AT_SIZE_LIMIT = [
    pytest.param(_blob(409_600), id="ascii"),
    pytest.param(_blob(409_600, char="€"), id="three_byte"),
    pytest.param(_blob(409_600, char="😀"), id="four_byte"),
    pytest.param(_blob(409_600, pk="😀" * 512, sk="é" * 512, char="é"), id="longest_keys"),
]
ITEMS_ABOVE_SIZE_LIMIT = [
    pytest.param(_blob(409_601), id="ascii"),
    pytest.param(_blob(409_601, char="€"), id="three_byte"),
    pytest.param(_blob(409_601, char="😀"), id="four_byte"),
    pytest.param(_blob(409_601, pk="😀" * 512, sk="é" * 512, char="é"), id="longest_keys"),
]


@pytest.mark.parametrize("item", ITEMS_AT_SIZE_LIMIT)
@pytest.mark.full_size_items
def test_create_item_of_409600_bytes_is_stored(store: KeyValueStore, item: Blob) -> None:
    store.create(item)

    assert store.get_one(item.pk, item.sk, Blob) == item


@pytest.mark.parametrize("item", ITEMS_ABOVE_SIZE_LIMIT)
def test_create_item_of_409601_bytes_raises_invalid_item(store: KeyValueStore, item: Blob) -> None:
    with pytest.raises(InvalidItemError):
        store.create(item)

    assert store.query_by_pk(item.pk, Blob) == []


@pytest.mark.full_size_items
def test_create_binary_item_of_409600_bytes_is_stored(store: KeyValueStore) -> None:
    store.create(_binary_blob(409_600))

    assert store.get_one(PK, SK, BinaryBlob) == _binary_blob(409_600)


def test_create_binary_item_of_409601_bytes_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(_binary_blob(409_601))

    assert store.get_one(PK, SK, BinaryBlob) is None


@pytest.mark.full_size_items
@pytest.mark.large_updates
def test_update_to_409600_bytes_is_stored(store: KeyValueStore) -> None:
    store.create(_blob(1_000))

    store.update(_blob(409_600, char="€"))

    assert store.get_one(PK, SK, Blob) == _blob(409_600, char="€")


def test_update_to_409601_bytes_raises_invalid_item(store: KeyValueStore) -> None:
    store.create(_blob(1_000))

    with pytest.raises(InvalidItemError):
        store.update(_blob(409_601, char="€"))

    assert store.get_one(PK, SK, Blob) == _blob(1_000)


def _composite(total_bytes: int) -> Composite:
    """A Composite of exactly `total_bytes` by DynamoDB's documented rules.

    A list or map costs 3 bytes, plus 1 byte per element and the element (a map
    element also its key); a boolean costs 1 byte.
    """
    names = ["ada", "grâce", "😀"]
    labels = {"tier": "gold", "région": "nord"}
    names_size = 3 + sum(1 + utf8_size(name) for name in names)
    labels_size = 3 + sum(1 + utf8_size(key) + utf8_size(value) for key, value in labels.items())
    fixed = (
        sum(utf8_size(text) for text in ("pk", PK, "sk", SK, "names", "labels", "flag", "payload"))
        + names_size
        + labels_size
        + 1
        + entity_bytes(Composite)
    )
    payload = text_of_bytes(total_bytes - fixed, "€")
    return Composite(pk=PK, sk=SK, names=names, labels=labels, flag=True, payload=payload)


@pytest.mark.full_size_items
def test_create_item_with_list_and_map_of_409600_bytes_is_stored(store: KeyValueStore) -> None:
    store.create(_composite(409_600))

    assert store.get_one(PK, SK, Composite) == _composite(409_600)


def test_create_item_with_list_and_map_of_409601_bytes_raises_invalid_item(
    store: KeyValueStore,
) -> None:
    with pytest.raises(InvalidItemError):
        store.create(_composite(409_601))

    assert store.get_one(PK, SK, Composite) is None


def _pair_and_second(total_bytes: int) -> tuple[Pair, SecondOnly]:
    """A stored Pair and a narrow update that together make an item of `total_bytes`."""
    first = text_of_bytes(200_000, "€")
    fixed = sum(utf8_size(text) for text in ("pk", PK, "sk", SK, "first", first, "second"))
    fixed += entity_bytes(Pair)  # the narrow update keeps the entity the create stored
    second = text_of_bytes(total_bytes - fixed, "😀")
    return Pair(pk=PK, sk=SK, first=first), SecondOnly(pk=PK, sk=SK, second=second)


@pytest.mark.full_size_items
@pytest.mark.large_updates
def test_update_narrow_model_making_409600_bytes_is_stored(store: KeyValueStore) -> None:
    pair, second = _pair_and_second(409_600)
    store.create(pair)

    store.update(second)

    assert store.get_one(PK, SK, Pair) == Pair(pk=PK, sk=SK, first=pair.first, second=second.second)


@pytest.mark.update_size_check
def test_update_narrow_model_making_409601_bytes_raises_invalid_item(store: KeyValueStore) -> None:
    pair, second = _pair_and_second(409_601)
    store.create(pair)

    with pytest.raises(InvalidItemError):
        store.update(second)

    assert store.get_one(PK, SK, Pair) == pair


# Numbers: at most 38 significant digits, magnitude from 1E-130 to below 1E+126.

NUMBERS_ACCEPTED = [
    pytest.param(Decimal("1" * 38), id="38_digits"),
    pytest.param(Decimal("-" + "9" * 38), id="negative_38_digits"),
    pytest.param(Decimal("0.000" + "1" * 38), id="38_digits_after_leading_zeros"),
    pytest.param(Decimal("1" * 38 + "0" * 20), id="38_digits_and_trailing_zeros"),
    pytest.param(Decimal("9.9999999999999999999999999999999999999E+125"), id="largest"),
    pytest.param(Decimal("-9.9999999999999999999999999999999999999E+125"), id="most_negative"),
    pytest.param(Decimal("1E-130"), id="smallest_positive"),
    pytest.param(Decimal("-1E-130"), id="smallest_negative"),
    pytest.param(Decimal("1E+125"), id="power_of_ten_125"),
    pytest.param(Decimal("0E-200"), id="zero_with_tiny_exponent"),
]
NUMBERS_REFUSED = [
    pytest.param(Decimal("1" * 39), id="39_digits"),
    pytest.param(Decimal("1." + "0" * 37 + "1"), id="39_digits_fraction"),
    pytest.param(Decimal("0." + "1" * 39), id="39_digits_below_one"),
    pytest.param(Decimal("1E+126"), id="1e126"),
    pytest.param(Decimal("-1E+126"), id="minus_1e126"),
    pytest.param(Decimal("1E-131"), id="1e_minus_131"),
    pytest.param(Decimal("-1E-131"), id="minus_1e_minus_131"),
    pytest.param(Decimal("9.9999999999999999999999999999999999999E-131"), id="below_1e_minus_130"),
]


@pytest.mark.parametrize("value", NUMBERS_ACCEPTED)
def test_create_number_within_limits_round_trips(store: KeyValueStore, value: Decimal) -> None:
    store.create(Numbers(pk=PK, sk=SK, decimal=value))

    assert store.get_one(PK, SK, Numbers) == Numbers(pk=PK, sk=SK, decimal=value)


@pytest.mark.parametrize("value", NUMBERS_REFUSED)
def test_create_number_beyond_limits_raises_invalid_item(
    store: KeyValueStore, value: Decimal
) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, decimal=value))

    assert store.get_one(PK, SK, Numbers) is None


@pytest.mark.parametrize("value", NUMBERS_REFUSED)
def test_update_number_beyond_limits_raises_invalid_item(
    store: KeyValueStore, value: Decimal
) -> None:
    store.create(Numbers(pk=PK, sk=SK, decimal=Decimal(1)))

    with pytest.raises(InvalidItemError):
        store.update(Numbers(pk=PK, sk=SK, decimal=value))

    assert store.get_one(PK, SK, Numbers) == Numbers(pk=PK, sk=SK, decimal=Decimal(1))


def test_create_int_of_38_digits_round_trips(store: KeyValueStore) -> None:
    store.create(Numbers(pk=PK, sk=SK, integer=10**38 - 1))

    assert store.get_one(PK, SK, Numbers) == Numbers(pk=PK, sk=SK, integer=10**38 - 1)


def test_create_int_of_39_significant_digits_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, integer=10**38 + 1))


def test_create_int_power_of_ten_125_round_trips(store: KeyValueStore) -> None:
    store.create(Numbers(pk=PK, sk=SK, integer=10**125))

    assert store.get_one(PK, SK, Numbers) == Numbers(pk=PK, sk=SK, integer=10**125)


def test_create_int_power_of_ten_126_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, integer=10**126))


@pytest.mark.parametrize("value", [1e126, -1e200, 1e-131, 5e-324], ids=str)
def test_create_float_beyond_range_raises_invalid_item(store: KeyValueStore, value: float) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk=PK, sk=SK, real=value))


@pytest.mark.parametrize(
    "numbers",
    [
        pytest.param(Numbers(pk=PK, sk=SK, values=[1, Decimal("1E+126")]), id="in_list"),
        pytest.param(Numbers(pk=PK, sk=SK, by_name={"a": {"b": Decimal("1E-131")}}), id="in_map"),
        pytest.param(Numbers(pk=PK, sk=SK, decimal_set={Decimal("1" * 39)}), id="in_set"),
    ],
)
def test_create_number_beyond_limits_inside_container_raises_invalid_item(
    store: KeyValueStore, numbers: Numbers
) -> None:
    with pytest.raises(InvalidItemError):
        store.create(numbers)

    assert store.get_one(PK, SK, Numbers) is None


# Nesting: the item is a level; 31 maps or lists nested in one attribute fit, 33 do not.


def test_create_31_nested_maps_round_trip(store: KeyValueStore) -> None:
    store.create(Nest(pk=PK, sk=SK, tree=nested_maps(31)))

    assert store.get_one(PK, SK, Nest) == Nest(pk=PK, sk=SK, tree=nested_maps(31))


def test_create_33_nested_maps_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Nest(pk=PK, sk=SK, tree=nested_maps(33)))

    assert store.get_one(PK, SK, Nest) is None


def test_create_31_nested_lists_round_trip(store: KeyValueStore) -> None:
    store.create(Nest(pk=PK, sk=SK, chain=nested_lists(31)))

    assert store.get_one(PK, SK, Nest) == Nest(pk=PK, sk=SK, chain=nested_lists(31))


def test_create_33_nested_lists_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Nest(pk=PK, sk=SK, chain=nested_lists(33)))


def _maps_and_lists(count: int) -> dict[str, Any]:
    """`count` containers nested in one another, maps and lists alternating, a map outermost."""
    node: Any = "bottom"
    for level in range(count):
        node = [node] if level % 2 else {"child": node}
    assert isinstance(node, dict)
    return node


def test_create_31_nested_maps_and_lists_round_trip(store: KeyValueStore) -> None:
    store.create(Nest(pk=PK, sk=SK, tree=_maps_and_lists(31)))

    assert store.get_one(PK, SK, Nest) == Nest(pk=PK, sk=SK, tree=_maps_and_lists(31))


def test_create_33_nested_maps_and_lists_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Nest(pk=PK, sk=SK, tree=_maps_and_lists(33)))


def test_update_33_nested_maps_raises_invalid_item(store: KeyValueStore) -> None:
    store.create(Nest(pk=PK, sk=SK, tree=nested_maps(2)))

    with pytest.raises(InvalidItemError):
        store.update(Nest(pk=PK, sk=SK, tree=nested_maps(33)))

    assert store.get_one(PK, SK, Nest) == Nest(pk=PK, sk=SK, tree=nested_maps(2))


def test_update_31_nested_maps_round_trip(store: KeyValueStore) -> None:
    store.create(Nest(pk=PK, sk=SK, tree=nested_maps(2)))

    store.update(Nest(pk=PK, sk=SK, tree=nested_maps(31)))

    assert store.get_one(PK, SK, Nest) == Nest(pk=PK, sk=SK, tree=nested_maps(31))


# Attribute names: reserved words and names holding `.`, `#` or `:` work like any other.


def _reserved(sk: str = SK, suffix: str = "") -> Reserved:
    return Reserved(
        pk=PK,
        sk=sk,
        name=f"name{suffix}",
        status=f"active{suffix}",
        data=f"data{suffix}",
        size=1,
        timestamp=1_700_000_000,
        count=3,
        value=f"value{suffix}",
        key=f"key{suffix}",
        order=f"order{suffix}",
        user=f"user{suffix}",
        year=2024,
        comment=f"comment{suffix}",
    )


def _punctuated(sk: str = SK, suffix: str = "") -> Punctuated:
    return Punctuated(
        pk=PK,
        sk=sk,
        dotted=f"dotted{suffix}",
        hashed=f"hashed{suffix}",
        coloned=f"coloned{suffix}",
        bracketed=f"bracketed{suffix}",
        spaced=f"spaced{suffix}",
        accented=f"accented{suffix}",
        hash_pk=f"not the pk{suffix}",
        colon_sk=f"not the sk{suffix}",
    )


def test_create_reserved_word_attribute_names_round_trip(store: KeyValueStore) -> None:
    store.create(_reserved())

    assert store.get_one(PK, SK, Reserved) == _reserved()


def test_update_reserved_word_attribute_names_stores_new_values(store: KeyValueStore) -> None:
    store.create(_reserved())

    store.update(_reserved(suffix="!"))

    assert store.get_one(PK, SK, Reserved) == _reserved(suffix="!")


def test_update_reserved_word_attribute_set_to_none_removes_it(store: KeyValueStore) -> None:
    store.create(_reserved())

    store.update(_reserved().model_copy(update={"comment": None}))

    assert store.get_one(PK, SK, Reserved) == _reserved().model_copy(update={"comment": None})


def test_query_by_pk_reserved_word_attribute_names_returns_items(store: KeyValueStore) -> None:
    store.create(_reserved("b", suffix="b"))
    store.create(_reserved("a", suffix="a"))

    got = store.query_by_pk(PK, Reserved, between=("a", "b"))

    assert got == [_reserved("a", suffix="a"), _reserved("b", suffix="b")]


def test_create_punctuated_attribute_names_round_trip(store: KeyValueStore) -> None:
    store.create(_punctuated())

    assert store.get_one(PK, SK, Punctuated) == _punctuated()


def test_create_attributes_named_like_key_placeholders_leave_key_alone(
    store: KeyValueStore,
) -> None:
    store.create(_punctuated())

    assert store.get_one("not the pk", "not the sk", Punctuated) is None
    assert store.query_by_pk(PK, Punctuated) == [_punctuated()]


def test_update_punctuated_attribute_names_stores_new_values(store: KeyValueStore) -> None:
    store.create(_punctuated())

    store.update(_punctuated(suffix="!"))

    assert store.get_one(PK, SK, Punctuated) == _punctuated(suffix="!")


def test_update_punctuated_attribute_set_to_none_removes_it(store: KeyValueStore) -> None:
    store.create(_punctuated())
    cleared = _punctuated().model_copy(update={"hash_pk": None, "colon_sk": None})

    store.update(cleared)

    assert store.get_one(PK, SK, Punctuated) == cleared


def test_query_by_pk_punctuated_attribute_names_returns_items(store: KeyValueStore) -> None:
    store.create(_punctuated("item#2", suffix="2"))
    store.create(_punctuated("item#1", suffix="1"))
    store.create(_punctuated("other", suffix="3"))

    got = store.query_by_pk(PK, Punctuated, begins_with="item#")

    assert got == [_punctuated("item#1", suffix="1"), _punctuated("item#2", suffix="2")]
