"""update: sets non-None fields, removes None fields, leaves other attributes; never creates."""

from decimal import Decimal

import pytest

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStore,
)

from .models import (
    ABSENT,
    Address,
    Customer,
    Numbers,
    Order,
    Profile,
    ProfileContact,
    ProfileProbe,
    Sets,
    Sparse,
)


def _profile() -> Profile:
    return Profile(
        pk="user#1",
        sk="profile",
        name="Ada",
        email="ada@example.com",
        age=36,
        tags={"admin", "author"},
        scores=[3, 1, 2],
        settings={"theme": 1},
    )


def test_update_existing_item_stores_new_values(store: KeyValueStore) -> None:
    store.create(_profile())
    changed = Profile(
        pk="user#1",
        sk="profile",
        name="Ada King",
        email="ada@king.example",
        age=37,
        tags={"reader"},
        scores=[9],
        settings={"theme": 2, "font": 3},
    )

    store.update(changed)

    assert store.get_one("user#1", "profile", Profile) == changed


def test_update_narrow_model_sets_its_non_none_fields(store: KeyValueStore) -> None:
    store.create(_profile())

    store.update(ProfileContact(pk="user#1", sk="profile", email="new@example.com", age=40))

    got = store.get_one("user#1", "profile", Profile)
    assert got == _profile().model_copy(update={"email": "new@example.com", "age": 40})


def test_update_narrow_model_leaves_attributes_outside_it_untouched(store: KeyValueStore) -> None:
    store.create(_profile())

    store.update(ProfileContact(pk="user#1", sk="profile", email="new@example.com", age=40))

    got = store.get_one("user#1", "profile", Profile)
    assert got is not None
    assert (got.name, got.tags, got.scores, got.settings) == (
        "Ada",
        {"admin", "author"},
        [3, 1, 2],
        {"theme": 1},
    )


def test_update_none_field_removes_attribute(store: KeyValueStore) -> None:
    store.create(_profile())

    store.update(ProfileContact(pk="user#1", sk="profile", email=None, age=40))

    got = store.get_one("user#1", "profile", ProfileProbe)
    assert got == ProfileProbe(pk="user#1", sk="profile", email=ABSENT, age=40)


def test_update_none_field_reads_back_as_none_in_wide_model(store: KeyValueStore) -> None:
    store.create(_profile())

    store.update(ProfileContact(pk="user#1", sk="profile", email=None, age=None))

    got = store.get_one("user#1", "profile", Profile)
    assert got == _profile().model_copy(update={"email": None, "age": None})


def test_update_none_field_absent_from_stored_item_succeeds(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    store.update(Customer(pk="customer#1", sk="profile", name="Grace", email=None))

    assert store.get_one("customer#1", "profile", Customer) == Customer(
        pk="customer#1", sk="profile", name="Grace"
    )


def test_update_field_absent_from_stored_item_adds_it(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    store.update(Customer(pk="customer#1", sk="profile", name="Ada", email="ada@example.com"))

    assert store.get_one("customer#1", "profile", Customer) == Customer(
        pk="customer#1", sk="profile", name="Ada", email="ada@example.com"
    )


def test_update_set_field_replaces_whole_set(store: KeyValueStore) -> None:
    store.create(Sets(pk="sets#1", sk="s", strings={"a", "b"}, integers=frozenset({1, 2})))

    store.update(Sets(pk="sets#1", sk="s", strings={"c"}, integers=frozenset({3})))

    assert store.get_one("sets#1", "s", Sets) == Sets(
        pk="sets#1", sk="s", strings={"c"}, integers=frozenset({3})
    )


def test_update_list_field_replaces_whole_list(store: KeyValueStore) -> None:
    store.create(Order(pk="customer#1", sk="order#1", total=Decimal(1), lines=["a", "b"]))

    store.update(Order(pk="customer#1", sk="order#1", total=Decimal(1), lines=["c"]))

    got = store.get_one("customer#1", "order#1", Order)
    assert got == Order(pk="customer#1", sk="order#1", total=Decimal(1), lines=["c"])


def test_update_map_field_replaces_whole_map(store: KeyValueStore) -> None:
    store.create(Sparse(pk="sparse#1", sk="s", mapping={"a": 1, "b": 2}))

    store.update(Sparse(pk="sparse#1", sk="s", mapping={"c": 3}))

    assert store.get_one("sparse#1", "s", Sparse) == Sparse(pk="sparse#1", sk="s", mapping={"c": 3})


def test_update_nested_model_replaces_whole_map(store: KeyValueStore) -> None:
    store.create(
        Sparse(pk="sparse#1", sk="s", address=Address(street="1 Main", city="Oslo", postcode="1"))
    )

    store.update(Sparse(pk="sparse#1", sk="s", address=Address(street="2 High", city="Rome")))

    assert store.get_one("sparse#1", "s", Sparse) == Sparse(
        pk="sparse#1", sk="s", address=Address(street="2 High", city="Rome")
    )


def test_update_empty_set_field_reads_back_empty(store: KeyValueStore) -> None:
    store.create(Sets(pk="sets#1", sk="s", strings={"a"}, blobs={b"x"}))

    store.update(Sets(pk="sets#1", sk="s"))

    assert store.get_one("sets#1", "s", Sets) == Sets(pk="sets#1", sk="s")


def test_update_key_only_item_leaves_stored_item_unchanged(store: KeyValueStore) -> None:
    store.create(_profile())

    store.update(KeyValueItem(pk="user#1", sk="profile"))

    assert store.get_one("user#1", "profile", Profile) == _profile()


def test_update_missing_key_raises_item_not_found(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.update(Customer(pk="customer#1", sk="profile", name="Ada"))

    assert (caught.value.pk, caught.value.sk) == ("customer#1", "profile")


def test_update_missing_key_creates_nothing(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError):
        store.update(Customer(pk="customer#1", sk="profile", name="Ada"))

    assert store.get_one("customer#1", "profile", Customer) is None
    assert store.query_by_pk("customer#1", Customer) == []


def test_update_missing_sort_key_in_existing_partition_raises_item_not_found(
    store: KeyValueStore,
) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    with pytest.raises(ItemNotFoundError):
        store.update(Customer(pk="customer#1", sk="profile#2", name="Grace"))

    assert store.query_by_pk("customer#1", Customer) == [
        Customer(pk="customer#1", sk="profile", name="Ada")
    ]


def test_update_key_only_item_on_missing_key_raises_item_not_found(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError):
        store.update(KeyValueItem(pk="customer#1", sk="profile"))

    assert store.get_one("customer#1", "profile", KeyValueItem) is None


def test_update_leaves_other_items_of_partition_unchanged(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="a", name="Ada"))
    store.create(Customer(pk="customer#1", sk="b", name="Grace"))
    store.create(Customer(pk="customer#2", sk="a", name="Alan"))

    store.update(Customer(pk="customer#1", sk="a", name="Ada King"))

    assert store.get_one("customer#1", "b", Customer) == Customer(
        pk="customer#1", sk="b", name="Grace"
    )
    assert store.get_one("customer#2", "a", Customer) == Customer(
        pk="customer#2", sk="a", name="Alan"
    )


def test_update_then_mutating_model_leaves_stored_item_unchanged(store: KeyValueStore) -> None:
    store.create(Order(pk="customer#1", sk="order#1", total=Decimal(1)))
    changed = Order(pk="customer#1", sk="order#1", total=Decimal(2), lines=["book"])
    store.update(changed)

    changed.total = Decimal(3)
    changed.lines.append("pen")

    assert store.get_one("customer#1", "order#1", Order) == Order(
        pk="customer#1", sk="order#1", total=Decimal(2), lines=["book"]
    )


def test_update_refused_value_leaves_stored_item_unchanged(store: KeyValueStore) -> None:
    stored = Numbers(pk="numbers#1", sk="n", integer=1, real=1.5)
    store.create(stored)

    with pytest.raises(InvalidItemError):
        store.update(Numbers(pk="numbers#1", sk="n", integer=2, real=float("inf")))

    assert store.get_one("numbers#1", "n", Numbers) == stored


def test_update_dict_instead_of_item_raises_invalid_item(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    with pytest.raises(InvalidItemError):
        store.update({"pk": "customer#1", "sk": "profile", "name": "Grace"})  # type: ignore[type-var]

    assert store.get_one("customer#1", "profile", Customer) == Customer(
        pk="customer#1", sk="profile", name="Ada"
    )
