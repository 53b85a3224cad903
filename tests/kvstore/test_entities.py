"""Entity names: what each class stores, who may claim a name, and how reads use them."""

from __future__ import annotations

import typing
from typing import Any
from unittest.mock import Mock

import pytest
from moto import mock_aws
from pydantic import Field, ValidationError, create_model

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    InMemoryKeyValueStore,
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
    LoggingService,
    VersionedItem,
    create_table,
)
from lvrgd.common.services.kvstore import entity_name
from lvrgd.common.services.kvstore._entities import EntityError, read_types
from lvrgd.common.services.kvstore._writes import plan_create, plan_update

PK = "member#1"


class Member(KeyValueItem, entity="test-entities.member"):
    name: str


class MemberName(KeyValueItem, entity=Member):
    name: str


class MemberNameView(KeyValueItem, entity=MemberName):
    name: str


class Loan(KeyValueItem, entity="test-entities.loan"):
    title: str


class Plainly(KeyValueItem):
    note: str = "x"


def _in_module(name: str, module: str, **fields: Any) -> type[KeyValueItem]:
    model: type[KeyValueItem] = create_model(name, __base__=KeyValueItem, **fields)
    model.__module__ = module
    return model


def test_entity_name_is_the_class_name_unless_declared() -> None:
    assert entity_name(Plainly) == "Plainly"
    assert entity_name(Member) == "test-entities.member"


def test_a_view_shares_its_entitys_name_even_through_another_view() -> None:
    assert entity_name(MemberName) == entity_name(Member)
    assert entity_name(MemberNameView) == entity_name(Member)


def test_every_create_and_update_stores_the_entity_name() -> None:
    created = plan_create("create", Member(pk=PK, sk="#profile", name="Ada"))
    updated = plan_update("update", Member(pk=PK, sk="#profile", name="Ada"))

    assert created.item["_entity"] == {"S": "test-entities.member"}
    assert updated.tag == ("_entity", "test-entities.member")
    assert "_entity" not in updated.to_set  # stored only where the item has none


@pytest.mark.parametrize("base", [KeyValueItem, VersionedItem], ids=lambda c: c.__name__)
def test_key_value_item_itself_stores_no_entity_name(base: type[KeyValueItem]) -> None:
    created = plan_create("create", base(pk=PK, sk="#profile"))

    assert "_entity" not in created.item
    assert plan_update("update", base(pk=PK, sk="#profile")).tag is None


def test_second_class_claiming_a_name_is_refused_naming_both() -> None:
    first = _in_module("Twin", "shop.orders", total=(int, 0))
    second = _in_module("Twin", "billing.orders", total=(int, 0))
    assert entity_name(first) == "Twin"

    with pytest.raises(EntityError) as caught:
        entity_name(second)

    assert "shop.orders.Twin" in str(caught.value)
    assert "billing.orders.Twin" in str(caught.value)


def test_the_port_refuses_the_second_claimant_on_writes_and_reads() -> None:
    first = _in_module("Clash", "one.models", total=(int, 0))
    second = _in_module("Clash", "two.models", total=(int, 0))
    store = InMemoryKeyValueStore(Mock(spec=LoggingService))
    store.create(first(pk=PK, sk="a"))

    with pytest.raises(InvalidItemError, match=r"one\.models\.Clash"):
        store.create(second(pk=PK, sk="b"))
    with pytest.raises(InvalidQueryError, match=r"two\.models\.Clash"):
        store.query_by_pk(PK, second)
    assert store.query_by_pk(PK, first) == [first(pk=PK, sk="a")]


def test_a_class_defined_again_in_the_same_place_takes_its_name_over() -> None:
    old = _in_module("Reloaded", "app.models", total=(int, 0))
    assert entity_name(old) == "Reloaded"
    new = _in_module("Reloaded", "app.models", total=(int, 0))

    assert entity_name(new) == "Reloaded"


@pytest.mark.parametrize(
    ("entity", "error"),
    [(42, TypeError), ("", ValueError), ("x" * 256, ValueError), (dict, TypeError)],
    ids=["number", "empty", "too-long", "not-an-item-class"],
)
def test_an_entity_that_cannot_name_one_is_refused_when_the_class_is_defined(
    entity: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match="entity"):

        class Bad(KeyValueItem, entity=entity):
            pass


@pytest.mark.parametrize(
    "model_class",
    [Member | Loan, typing.Union[Member, Loan], (Member, Loan), (Member, (Loan,))],  # noqa: UP007
    ids=["pipe", "typing-union", "tuple", "nested-tuple"],
)
def test_every_spelling_of_several_classes_reads_the_same(model_class: object) -> None:
    types = read_types(model_class)

    assert types.classes == (Member, Loan)
    expected: dict[str, type[KeyValueItem]] = {
        "test-entities.member": Member,
        "test-entities.loan": Loan,
    }
    assert types.by_entity == expected
    assert types.names == "Member | Loan"


@pytest.mark.parametrize("bad", [None, "Member", [Member], Member | int, (), dict], ids=repr)
def test_a_model_class_that_names_no_item_classes_is_refused(bad: object) -> None:
    with pytest.raises(EntityError, match="model_class must be"):
        read_types(bad)


@pytest.mark.parametrize("attribute", ["", "pk", "sk", "x" * 256])
def test_an_unusable_entity_attribute_is_refused_by_both_adapters(attribute: str) -> None:
    with pytest.raises(ValueError, match="entity_attribute"):
        InMemoryKeyValueStore(Mock(spec=LoggingService), entity_attribute=attribute)
    with pytest.raises(ValidationError, match="entity_attribute"):
        DynamoDBConfig(table_name="shop", entity_attribute=attribute)


def test_a_field_stored_under_the_entity_attribute_is_refused() -> None:
    class Typed(KeyValueItem, entity="test-entities.typed"):
        kind: str = Field(alias="_entity")

    store = InMemoryKeyValueStore(Mock(spec=LoggingService))

    with pytest.raises(InvalidItemError, match="entity name"):
        store.create(Typed(pk=PK, sk="a", _entity="x"))


def test_the_entity_attribute_is_the_stores_choice() -> None:
    store = InMemoryKeyValueStore(Mock(spec=LoggingService), entity_attribute="type")
    store.create(Member(pk=PK, sk="#profile", name="Ada"))

    stored = store._table.get(PK, "#profile")

    assert stored is not None
    assert stored["type"] == {"S": "test-entities.member"}
    assert "_entity" not in stored
    assert store.query_by_pk(PK, Member | Loan) == [Member(pk=PK, sk="#profile", name="Ada")]


def _legacy_store() -> InMemoryKeyValueStore:
    """A store holding items written before entity names: no `_entity` attribute."""
    store = InMemoryKeyValueStore(Mock(spec=LoggingService))
    store._table.put(PK, "#profile", {"pk": {"S": PK}, "sk": {"S": "#profile"}, "name": {"S": "A"}})
    store._table.put(PK, "loan#1", {"pk": {"S": PK}, "sk": {"S": "loan#1"}, "title": {"S": "T"}})
    return store


def test_items_written_before_entity_names_read_as_the_class_asked() -> None:
    store = _legacy_store()

    assert store.get_one(PK, "#profile", Member) == Member(pk=PK, sk="#profile", name="A")
    assert store.query_by_pk(PK, Loan, begins_with="loan#") == [Loan(pk=PK, sk="loan#1", title="T")]


def test_items_written_before_entity_names_read_as_the_first_class_that_validates() -> None:
    store = _legacy_store()

    got = store.query_by_pk(PK, Loan | Member)

    assert got == [Member(pk=PK, sk="#profile", name="A"), Loan(pk=PK, sk="loan#1", title="T")]


def test_an_update_gives_an_item_written_before_entity_names_its_name() -> None:
    store = _legacy_store()

    store.update(Member(pk=PK, sk="#profile", name="B"))

    stored = store._table.get(PK, "#profile")
    assert stored is not None
    assert stored["_entity"] == {"S": "test-entities.member"}


def test_dynamodb_items_written_before_entity_names_read_and_backfill() -> None:
    with mock_aws():
        before = DynamoDBConfig(table_name="legacy", entity_attribute="unused_before")
        now = DynamoDBConfig(table_name="legacy")
        create_table(now)
        with (
            DynamoDBService(Mock(spec=LoggingService), before) as old,
            DynamoDBService(Mock(spec=LoggingService), now) as new,
        ):
            old.put_many([Member(pk=PK, sk="#profile", name="A")])  # no `_entity` attribute

            assert new.query_by_pk(PK, Member | Loan) == [Member(pk=PK, sk="#profile", name="A")]
            new.put_many(new.query_by_pk(PK, Member))  # the documented backfill
            assert new.query_by_pk(PK, Loan) == []
            assert new.query_by_pk(PK, Loan, on_other="skip") == []
            with pytest.raises(InvalidItemError, match=r"test-entities\.member"):
                new.query_by_pk(PK, Loan, on_other="raise")
