"""Errors: the port's hierarchy, facts as attributes, messages that name what went wrong.

Messages name the operation, the key and the reason, and never an item's payload.
No TypeError (nor any error outside the hierarchy) escapes a public method.
"""

from decimal import Decimal

import pytest

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStore,
    KeyValueStoreError,
)

from .models import (
    Customer,
    CustomerNameAsNumber,
    HoldsUnstorable,
    MixedSet,
    Numbers,
    Profile,
    ProfileSettingsAsText,
    Unstorable,
    text_of_bytes,
)

PK = "customer#1"
SK = "profile"
PERSONAL_DATA = "ada.private@example.com"
"""A payload value no error message may show."""


# The hierarchy, as the store raises it.


def test_create_existing_key_error_is_key_value_store_error(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk=SK, name="Ada"))

    with pytest.raises(KeyValueStoreError) as caught:
        store.create(Customer(pk=PK, sk=SK, name="Ada"))

    assert type(caught.value) is ItemAlreadyExistsError


def test_update_missing_key_error_is_key_value_store_error(store: KeyValueStore) -> None:
    with pytest.raises(KeyValueStoreError) as caught:
        store.update(Customer(pk=PK, sk=SK, name="Ada"))

    assert type(caught.value) is ItemNotFoundError


def test_delete_missing_key_error_is_key_value_store_error(store: KeyValueStore) -> None:
    with pytest.raises(KeyValueStoreError) as caught:
        store.delete(PK, SK)

    assert type(caught.value) is ItemNotFoundError


def test_create_invalid_item_error_is_key_value_store_error(store: KeyValueStore) -> None:
    with pytest.raises(KeyValueStoreError) as caught:
        store.create(Numbers(pk=PK, sk=SK, real=float("nan")))

    assert type(caught.value) is InvalidItemError


def test_create_invalid_item_error_is_value_error(store: KeyValueStore) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        store.create(Customer(pk="", sk=SK, name="Ada"))

    assert type(caught.value) is InvalidItemError


def test_get_one_invalid_stored_item_error_is_value_error(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk=SK, name="Ada"))

    with pytest.raises(ValueError, match=r".") as caught:
        store.get_one(PK, SK, CustomerNameAsNumber)

    assert type(caught.value) is InvalidItemError


def test_query_by_pk_invalid_query_error_is_key_value_store_error(store: KeyValueStore) -> None:
    with pytest.raises(KeyValueStoreError) as caught:
        store.query_by_pk(PK, Customer, limit=0)

    assert type(caught.value) is InvalidQueryError


def test_query_by_pk_invalid_query_error_is_value_error(store: KeyValueStore) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        store.query_by_pk(PK, Customer, equals="a", gt="b")

    assert type(caught.value) is InvalidQueryError


def test_get_one_invalid_key_error_is_value_error(store: KeyValueStore) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        store.get_one(PK, "", Customer)

    assert type(caught.value) is InvalidQueryError


# Facts travel as attributes.


def test_create_existing_key_error_holds_pk_and_sk(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#😀", sk="profile#é", name="Ada"))

    with pytest.raises(ItemAlreadyExistsError) as caught:
        store.create(Customer(pk="customer#😀", sk="profile#é", name="Grace"))

    assert (caught.value.pk, caught.value.sk) == ("customer#😀", "profile#é")


def test_update_missing_key_error_holds_pk_and_sk(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.update(Customer(pk="customer#😀", sk="profile#é", name="Ada"))

    assert (caught.value.pk, caught.value.sk) == ("customer#😀", "profile#é")


def test_delete_missing_key_error_holds_pk_and_sk(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.delete("customer#😀", "profile#é")

    assert (caught.value.pk, caught.value.sk) == ("customer#😀", "profile#é")


# Messages name the operation, the key and the reason.


def _names_all(message: str, *parts: str) -> bool:
    return all(part in message for part in parts)


def _names_any(message: str, *words: str) -> bool:
    return any(word in message.lower() for word in words)


def test_create_existing_key_message_names_operation_and_key(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk=SK, name="Ada"))

    with pytest.raises(ItemAlreadyExistsError) as caught:
        store.create(Customer(pk=PK, sk=SK, name="Ada"))

    assert _names_all(str(caught.value), "create", PK, SK)
    assert _names_any(str(caught.value), "exist")


def test_update_missing_key_message_names_operation_and_key(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.update(Customer(pk=PK, sk=SK, name="Ada"))

    assert _names_all(str(caught.value), "update", PK, SK)
    assert _names_any(str(caught.value), "no item", "not found", "missing", "does not exist")


def test_delete_missing_key_message_names_operation_and_key(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.delete(PK, SK)

    assert _names_all(str(caught.value), "delete", PK, SK)
    assert _names_any(str(caught.value), "no item", "not found", "missing", "does not exist")


def test_create_non_finite_number_message_names_operation_key_and_reason(
    store: KeyValueStore,
) -> None:
    with pytest.raises(InvalidItemError) as caught:
        store.create(Numbers(pk=PK, sk=SK, real=float("inf")))

    assert _names_all(str(caught.value), "create", PK, SK)
    assert _names_any(str(caught.value), "finite", "infinit", "nan")


def test_update_too_many_digits_message_names_operation_key_and_reason(
    store: KeyValueStore,
) -> None:
    store.create(Numbers(pk=PK, sk=SK, decimal=Decimal(1)))

    with pytest.raises(InvalidItemError) as caught:
        store.update(Numbers(pk=PK, sk=SK, decimal=Decimal("1" * 39)))

    assert _names_all(str(caught.value), "update", PK, SK)
    assert _names_any(str(caught.value), "38", "digit")


def test_create_long_sort_key_message_names_operation_key_and_reason(store: KeyValueStore) -> None:
    long_sk = "order#" + "x" * 1100

    with pytest.raises(InvalidItemError) as caught:
        store.create(Customer(pk=PK, sk=long_sk, name="Ada"))

    assert _names_all(str(caught.value), "create", PK, long_sk[:20])
    assert _names_any(str(caught.value), "1024")


def test_create_item_too_large_message_names_operation_key_and_reason(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError) as caught:
        store.create(Customer(pk=PK, sk=SK, name=PERSONAL_DATA + "x" * 409_600))

    assert _names_all(str(caught.value), "create", PK, SK)
    assert _names_any(str(caught.value), "409600", "409,600", "409_600", "400 kb", "size")


def test_delete_empty_sort_key_message_names_operation_key_and_reason(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError) as caught:
        store.delete(PK, "")

    assert _names_all(str(caught.value), "delete", PK)
    assert _names_any(str(caught.value), "empty")


def test_get_one_long_sort_key_message_names_operation_key_and_reason(store: KeyValueStore) -> None:
    long_sk = "order#" + "x" * 1100

    with pytest.raises(InvalidQueryError) as caught:
        store.get_one(PK, long_sk, Customer)

    assert _names_all(str(caught.value), "get_one", PK, long_sk[:20])
    assert _names_any(str(caught.value), "1024")


def test_get_one_invalid_stored_item_message_names_operation_key_and_model(
    store: KeyValueStore,
) -> None:
    store.create(Customer(pk=PK, sk=SK, name="Ada"))

    with pytest.raises(InvalidItemError) as caught:
        store.get_one(PK, SK, CustomerNameAsNumber)

    assert _names_all(str(caught.value), "get_one", PK, SK, "CustomerNameAsNumber", "name")


def test_query_by_pk_two_conditions_message_names_operation_key_and_conditions(
    store: KeyValueStore,
) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        store.query_by_pk(PK, Customer, begins_with="a", lte="b")

    assert _names_all(str(caught.value), "query_by_pk", PK, "begins_with", "lte")


def test_query_by_pk_limit_below_one_message_names_operation_key_and_limit(
    store: KeyValueStore,
) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        store.query_by_pk(PK, Customer, limit=0)

    assert _names_all(str(caught.value), "query_by_pk", PK, "limit")


def test_query_by_pk_reversed_between_message_names_operation_key_and_between(
    store: KeyValueStore,
) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        store.query_by_pk(PK, Customer, between=("b", "a"))

    assert _names_all(str(caught.value), "query_by_pk", PK, "between")


# No payload in messages.


def test_create_existing_key_message_holds_no_payload(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk=SK, name=PERSONAL_DATA))

    with pytest.raises(ItemAlreadyExistsError) as caught:
        store.create(Customer(pk=PK, sk=SK, name=PERSONAL_DATA, email=PERSONAL_DATA))

    assert PERSONAL_DATA not in str(caught.value)


def test_create_invalid_number_message_holds_no_payload(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError) as caught:
        store.create(Numbers(pk=PK, sk=SK, values=[PERSONAL_DATA, Decimal("7.654321E+200")]))

    assert PERSONAL_DATA not in str(caught.value)
    assert "7654321" not in str(caught.value).replace(".", "")


def test_create_item_too_large_message_holds_no_payload(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError) as caught:
        store.create(Customer(pk=PK, sk=SK, name=PERSONAL_DATA + "x" * 409_600))

    assert PERSONAL_DATA not in str(caught.value)


def test_update_missing_key_message_holds_no_payload(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.update(Customer(pk=PK, sk=SK, name=PERSONAL_DATA))

    assert PERSONAL_DATA not in str(caught.value)


def test_get_one_invalid_stored_value_message_holds_no_payload(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk=SK, name=PERSONAL_DATA))

    with pytest.raises(InvalidItemError) as caught:
        store.get_one(PK, SK, CustomerNameAsNumber)

    assert PERSONAL_DATA not in str(caught.value)


def test_get_one_invalid_stored_map_key_message_holds_no_payload(store: KeyValueStore) -> None:
    # A map's keys are data too (e.g. e-mail addresses mapped to settings).
    store.create(Profile(pk=PK, sk=SK, name="Ada", settings={PERSONAL_DATA: 1}))

    with pytest.raises(InvalidItemError) as caught:
        store.get_one(PK, SK, ProfileSettingsAsText)

    assert PERSONAL_DATA not in str(caught.value)


# Nothing outside the hierarchy escapes, whatever the caller passes.


def test_create_value_with_no_stored_form_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(HoldsUnstorable(pk=PK, sk=SK, thing=Unstorable()))

    assert store.get_one(PK, SK, Customer) is None


def test_create_set_mixing_strings_and_numbers_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(MixedSet(pk=PK, sk=SK, mixed={"a", 1}))


def test_create_lone_surrogate_in_value_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Customer(pk=PK, sk=SK, name="broken \ud800 text"))

    assert store.get_one(PK, SK, Customer) is None


def test_create_lone_surrogate_in_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Customer(pk="customer#\udfff", sk=SK, name="Ada"))


def test_get_one_lone_surrogate_in_key_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.get_one(PK, "profile\ud800", Customer)


def test_delete_non_text_key_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.delete(1, SK)  # type: ignore[arg-type]


def test_get_one_non_text_key_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.get_one(PK, None, Customer)  # type: ignore[arg-type]


def test_query_by_pk_non_text_partition_key_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(1, Customer)  # type: ignore[arg-type]


def test_query_by_pk_non_text_bound_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, gt=5)  # type: ignore[arg-type]


def test_query_by_pk_non_integer_limit_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, limit="2")  # type: ignore[arg-type]


def test_query_by_pk_between_not_a_pair_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, between=("a",))  # type: ignore[arg-type]


def test_query_by_pk_bound_above_sort_key_limit_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, begins_with=text_of_bytes(1025))
