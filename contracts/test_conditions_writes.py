"""Conditions on create, update and delete, the item a failed one carries, and refusals.

A write's ``condition=`` (built with ``where``) must hold of the item at its key, beside
the write's own rule (create: the key is free; update, delete: the item exists). A
failed condition is ConditionFailedError and writes nothing; its ``.item`` is the item
met, as the write's model class (for delete, the condition's), or None where there was
none. ItemAlreadyExistsError and VersionConflictError are ConditionFailedError and
carry the item too; ItemNotFoundError's ``.item`` is None. Of an absent item, a
comparison is false but ``<>`` holds, and so do ``not_exists`` and a negation.

A condition ``where`` cannot build is InvalidQueryError when it is built (a field the
model lacks, a value of the wrong type, None, Python's ``and``/``or``/``not``, an order
comparison with a value DynamoDB does not order); a condition not built with ``where``
is InvalidItemError at the write. Either way nothing is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
from lvrgd.common.services.kvstore import (
    ConditionFailedError,
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStore,
    VersionConflictError,
)

from .models import Address, Profile, ProfileContact
from .patch_models import Note, Probe, Stock

if TYPE_CHECKING:
    from collections.abc import Callable

    from lvrgd.common.services.conditions import Condition

PK = "stock#1"
SK = "stock"
IN_STOCK = where(Stock, lambda s: s.stock >= 1)
OSLO = Address(street="1 Main", city="Oslo")


def _stock(stock: int = 1, name: str = "Pen") -> Stock:
    return Stock(pk=PK, sk=SK, name=name, stock=stock)


# --- create -----------------------------------------------------------------------------------

HOLD_OF_NO_ITEM: dict[str, Any] = {
    "not-exists": lambda s: not_exists(s.name),
    "not-of-exists": lambda s: ~exists(s.name),
    "ne": lambda s: s.name != "Pen",
    "not-of-eq": lambda s: ~(s.stock == 0),
    "not-of-ge": lambda s: ~(s.stock >= 0),
    "not-exists-or-anything": lambda s: not_exists(s.stock) | (s.stock > 5),
}
FAIL_OF_NO_ITEM: dict[str, Any] = {
    "exists": lambda s: exists(s.name),
    "eq": lambda s: s.name == "Pen",
    "ge": lambda s: s.stock >= 0,
    "lt": lambda s: s.stock < 100,
    "between": lambda s: between(s.stock, 0, 100),
    "in": lambda s: in_(s.name, ["Pen", "Ink"]),
    "begins-with": lambda s: begins_with(s.name, "P"),
    "contains": lambda s: contains(s.name, "e"),
    "size": pytest.param(lambda s: size(s.name) >= 0, marks=pytest.mark.condition_types),
    "attribute-type": lambda s: attribute_type(s.name, "S"),
    "not-exists-and-a-comparison": lambda s: not_exists(s.name) & (s.stock == 0),
}


@pytest.mark.parametrize("build", HOLD_OF_NO_ITEM.values(), ids=HOLD_OF_NO_ITEM)
def test_create_under_a_condition_that_holds_of_no_item_creates(
    store: KeyValueStore, build: Any
) -> None:
    store.create(_stock(), condition=where(Stock, build))

    assert store.get_one(PK, SK, Stock) == _stock()


@pytest.mark.parametrize("build", FAIL_OF_NO_ITEM.values(), ids=FAIL_OF_NO_ITEM)
def test_create_under_a_condition_that_fails_of_no_item_creates_nothing(
    store: KeyValueStore, build: Any
) -> None:
    with pytest.raises(ConditionFailedError) as caught:
        store.create(_stock(), condition=where(Stock, build))

    assert type(caught.value) is ConditionFailedError
    assert (caught.value.pk, caught.value.sk, caught.value.item) == (PK, SK, None)
    assert store.get_one(PK, SK, Stock) is None


def test_create_on_a_taken_key_raises_item_already_exists_whatever_the_condition(
    store: KeyValueStore,
) -> None:
    stored = _stock(stock=3)
    store.create(stored)

    with pytest.raises(ItemAlreadyExistsError) as caught:
        store.create(_stock(stock=9), condition=where(Stock, lambda s: s.stock == 3))

    assert isinstance(caught.value, ConditionFailedError)
    assert caught.value.item == stored
    assert store.get_one(PK, SK, Stock) == stored


def test_create_error_on_a_taken_key_carries_the_item(store: KeyValueStore) -> None:
    stored = _stock(stock=3)
    store.create(stored)

    with pytest.raises(ConditionFailedError) as caught:
        store.create(_stock(stock=9))

    assert type(caught.value) is ItemAlreadyExistsError
    assert caught.value.item == stored


# --- update ---------------------------------------------------------------------------------


def test_update_under_a_condition_that_holds_writes(store: KeyValueStore) -> None:
    store.create(_stock(stock=2))

    store.update(_stock(stock=1), condition=IN_STOCK)

    assert store.get_one(PK, SK, Stock) == _stock(stock=1)


def test_update_under_a_condition_that_fails_writes_nothing_and_carries_the_item(
    store: KeyValueStore,
) -> None:
    stored = _stock(stock=0)
    store.create(stored)

    with pytest.raises(ConditionFailedError) as caught:
        store.update(_stock(stock=5, name="Ink"), condition=IN_STOCK)

    assert type(caught.value) is ConditionFailedError
    assert (caught.value.pk, caught.value.sk, caught.value.item) == (PK, SK, stored)
    assert store.get_one(PK, SK, Stock) == stored


def test_update_of_a_missing_item_under_a_condition_raises_item_not_found(
    store: KeyValueStore,
) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.update(_stock(), condition=where(Stock, lambda s: not_exists(s.name)))

    assert caught.value.item is None
    assert store.get_one(PK, SK, Stock) is None


def test_update_through_a_view_carries_the_item_as_the_view(store: KeyValueStore) -> None:
    store.create(Profile(pk=PK, sk=SK, name="Ada", email="ada@example.com", age=36))

    # Typed for the view's writes: a condition on another class is a type error otherwise.
    on_profile: Condition[Any] = where(Profile, lambda p: p.name == "Bob")
    with pytest.raises(ConditionFailedError) as caught:
        store.update(ProfileContact(pk=PK, sk=SK, age=37), condition=on_profile)

    assert caught.value.item == ProfileContact(pk=PK, sk=SK, email="ada@example.com", age=36)


def test_update_of_a_stale_versioned_item_raises_version_conflict_with_the_item(
    store: KeyValueStore,
) -> None:
    note = Note(pk=PK, sk=SK, title="draft")
    store.create(note)
    store.update(note.model_copy(update={"title": "second"}))

    with pytest.raises(VersionConflictError) as caught:
        store.update(
            note.model_copy(update={"title": "stale"}),
            condition=where(Note, lambda n: n.views == 0),
        )

    assert isinstance(caught.value, ConditionFailedError)
    assert caught.value.item == Note(pk=PK, sk=SK, title="second", version=2)


def test_update_of_a_current_versioned_item_under_a_failing_condition_keeps_its_version(
    store: KeyValueStore,
) -> None:
    note = Note(pk=PK, sk=SK, title="draft")
    store.create(note)

    with pytest.raises(ConditionFailedError) as caught:
        store.update(
            note.model_copy(update={"title": "new"}), condition=where(Note, lambda n: n.views > 0)
        )

    assert type(caught.value) is ConditionFailedError
    assert caught.value.item == Note(pk=PK, sk=SK, title="draft", version=1)
    assert store.get_one(PK, SK, Note) == Note(pk=PK, sk=SK, title="draft", version=1)


# --- delete ---------------------------------------------------------------------------------


def test_delete_under_a_condition_that_holds_deletes(store: KeyValueStore) -> None:
    store.create(_stock(stock=0))

    store.delete(PK, SK, condition=where(Stock, lambda s: s.stock == 0))

    assert store.get_one(PK, SK, Stock) is None


def test_delete_under_a_condition_that_fails_keeps_the_item_and_carries_it(
    store: KeyValueStore,
) -> None:
    stored = _stock(stock=4)
    store.create(stored)

    with pytest.raises(ConditionFailedError) as caught:
        store.delete(PK, SK, condition=where(Stock, lambda s: s.stock == 0))

    assert type(caught.value) is ConditionFailedError
    assert caught.value.item == stored
    assert store.get_one(PK, SK, Stock) == stored


def test_delete_error_carries_the_item_as_the_conditions_model(store: KeyValueStore) -> None:
    store.create(Profile(pk=PK, sk=SK, name="Ada", email="ada@example.com", age=36))

    with pytest.raises(ConditionFailedError) as caught:
        store.delete(PK, SK, condition=where(ProfileContact, lambda c: c.age == 99))

    assert caught.value.item == ProfileContact(pk=PK, sk=SK, email="ada@example.com", age=36)


def test_delete_of_a_missing_item_under_a_condition_raises_item_not_found(
    store: KeyValueStore,
) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.delete(PK, SK, condition=where(Stock, lambda s: not_exists(s.name)))

    assert isinstance(caught.value, ConditionFailedError)
    assert caught.value.item is None


def test_conditions_combined_outside_where_hold_together(store: KeyValueStore) -> None:
    store.create(_stock(stock=5))
    named_pen = where(Stock, lambda s: s.name == "Pen")
    many = where(Stock, lambda s: s.stock > 10)

    with pytest.raises(ConditionFailedError):
        store.delete(PK, SK, condition=IN_STOCK & many)
    store.delete(PK, SK, condition=(many | named_pen) & ~where(Stock, lambda s: s.stock == 0))

    assert store.get_one(PK, SK, Stock) is None


# --- the item a failed condition carries -----------------------------------------------------

MISSING: dict[str, Callable[[KeyValueStore], object]] = {
    "update": lambda store: store.update(_stock()),
    "delete": lambda store: store.delete(PK, SK),
    "patch": lambda store: store.patch(PK, SK, Stock, add={"stock": 1}),
}


@pytest.mark.parametrize("write", MISSING.values(), ids=MISSING)
def test_item_not_found_is_a_condition_failed_error_carrying_no_item(
    store: KeyValueStore, write: Callable[[KeyValueStore], object]
) -> None:
    with pytest.raises(ConditionFailedError) as caught:
        write(store)

    assert type(caught.value) is ItemNotFoundError
    assert caught.value.item is None


def test_a_failed_conditions_item_is_a_copy_of_what_is_stored(store: KeyValueStore) -> None:
    stored = _stock(stock=0)
    store.create(stored)

    with pytest.raises(ConditionFailedError) as caught:
        store.update(_stock(stock=5), condition=IN_STOCK)
    met = caught.value.item
    assert isinstance(met, Stock)
    met.stock = 99

    assert store.get_one(PK, SK, Stock) == stored


# --- refusals: where --------------------------------------------------------------------------

WHERE_REFUSALS: dict[str, Any] = {
    "unknown-field": lambda p: p.colour == "red",
    "unknown-nested-field": lambda p: p.address.country == "NO",
    "field-of-a-string": lambda p: p.text.first == "a",
    "index-of-a-string": lambda p: p.text[0] == "a",
    "negative-index": lambda p: p.lines[-1] == "a",
    "wrong-value-type": lambda p: p.number == "many",
    "wrong-nested-value-type": lambda p: p.address.city == 7,
    "wrong-list-element-type": lambda p: p.lines[0] == 1,
    "wrong-set-member-type": lambda p: contains(p.numbers, "x"),
    "wrong-between-bound-type": lambda p: between(p.number, "a", "z"),
    "wrong-in-value-type": lambda p: in_(p.number, [1, "two"]),
    "compared-with-none": lambda p: p.number == None,  # noqa: E711
    "python-and": lambda p: (p.number == 1) and (p.text == "a"),
    "python-or": lambda p: (p.number == 1) or (p.text == "a"),
    "python-not": lambda p: not (p.number == 1),  # noqa: SIM201 - what is refused
    "chained-comparison": lambda p: 1 <= p.number <= 5,
    "a-path-alone": lambda p: p.number,
    "a-bool": lambda _: True,
    "a-size-alone": lambda p: size(p.text),
    "size-with-a-string": lambda p: size(p.text) > "2",  # type: ignore[operator]
    "between-reversed": lambda p: between(p.number, 5, 1),
    "between-bounds-of-two-types": lambda p: between(p.mixed, 2, "b"),
    "in-no-values": lambda p: in_(p.number, []),
    "in-101-values": lambda p: in_(p.number, range(101)),
    "begins-with-empty-prefix": lambda p: begins_with(p.text, ""),
    "begins-with-a-number": lambda p: begins_with(p.text, 1),  # type: ignore[arg-type]
    "begins-with-not-a-field": lambda _: begins_with("text", "a"),
    "contains-none": lambda p: contains(p.lines, None),
    "attribute-type-unknown": lambda p: attribute_type(p.number, "X"),  # type: ignore[arg-type]
    "exists-of-a-value": lambda _: exists("number"),
    "ordered-bool": lambda p: p.flag < True,
    "ordered-list": lambda p: p.lines < ["b"],
    "ordered-set": lambda p: p.tags > {"a"},
    "ordered-map": lambda p: p.mapping <= {"a": 1},
    "ordered-model": lambda p: p.address >= OSLO,
    "between-bools": lambda p: between(p.flag, False, True),  # noqa: FBT003
    "between-lists": lambda p: between(p.lines, ["a"], ["b"]),
}
"""Conditions on Probe that ``where`` refuses, each with InvalidQueryError."""


@pytest.mark.parametrize("build", WHERE_REFUSALS.values(), ids=WHERE_REFUSALS)
def test_where_refuses_when_built_so_the_write_writes_nothing(
    store: KeyValueStore, build: Any
) -> None:
    def create_under_it() -> None:
        store.create(Probe(pk=PK, sk=SK, number=1), condition=where(Probe, build))

    with pytest.raises(InvalidQueryError):
        create_under_it()

    assert store.get_one(PK, SK, Probe) is None


@pytest.mark.parametrize("model", [str, dict, Address(street="s", city="c"), None])
def test_where_refuses_what_is_not_a_model_class(store: KeyValueStore, model: Any) -> None:
    with pytest.raises(InvalidQueryError):
        store.create(_stock(), condition=where(model, lambda s: s.stock >= 1))

    assert store.get_one(PK, SK, Stock) is None


# --- refusals: a condition not built with where ---------------------------------------------

NOT_CONDITIONS: dict[str, object] = {
    "a-string": "attribute_exists(pk)",
    "a-function": lambda s: s.stock >= 1,
    "a-node": IN_STOCK.node,
    "a-dict": {"stock": 1},
    "true": True,
}
WRITES: dict[str, Callable[[KeyValueStore, Any], object]] = {
    "create": lambda store, condition: store.create(_stock(9, "new"), condition=condition),
    "update": lambda store, condition: store.update(_stock(9, "new"), condition=condition),
    "delete": lambda store, condition: store.delete(PK, SK, condition=condition),
    "patch": lambda store, condition: store.patch(
        PK, SK, Stock, add={"stock": 1}, condition=condition
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES)
@pytest.mark.parametrize("condition", NOT_CONDITIONS.values(), ids=NOT_CONDITIONS)
def test_a_condition_not_built_with_where_is_refused_and_nothing_written(
    store: KeyValueStore, write: Callable[[KeyValueStore, Any], object], condition: object
) -> None:
    stored = _stock(stock=1)
    if write is not WRITES["create"]:
        store.create(stored)

    with pytest.raises(InvalidItemError):
        write(store, condition)

    assert store.get_one(PK, SK, Stock) == (None if write is WRITES["create"] else stored)


def test_a_where_condition_of_the_wrong_type_of_value_in_a_write_leaves_the_item(
    store: KeyValueStore,
) -> None:
    stored = _stock(stock=2, name="Pen")
    store.create(stored)

    with pytest.raises(InvalidQueryError):
        store.update(_stock(stock=0), condition=where(Stock, lambda s: s.stock == Decimal("0.5")))

    assert store.get_one(PK, SK, Stock) == stored


# --- refusals: a condition written for another model -----------------------------------------

OTHER_MODEL_WRITES: dict[str, Callable[[KeyValueStore, Any], object]] = {
    name: write for name, write in WRITES.items() if name != "delete"
}


@pytest.mark.parametrize("write", OTHER_MODEL_WRITES.values(), ids=OTHER_MODEL_WRITES)
def test_a_condition_written_for_another_model_is_refused_and_nothing_written(
    store: KeyValueStore, write: Callable[[KeyValueStore, Any], object]
) -> None:
    # Note has a `title` Stock lacks: run, the condition would fail on every Stock item.
    stored = _stock(stock=1)
    if write is not WRITES["create"]:
        store.create(stored)
    on_notes = where(Note, lambda n: exists(n.title))

    with pytest.raises(InvalidItemError, match=r"written for Note .* where\(Stock"):
        write(store, on_notes)

    assert store.get_one(PK, SK, Stock) == (None if write is WRITES["create"] else stored)


def test_a_condition_written_for_another_model_is_refused_in_a_transaction(
    store: KeyValueStore,
) -> None:
    stored = _stock(stock=1)
    store.create(stored)

    with pytest.raises(InvalidItemError, match="written for Note"), store.transaction() as tx:
        tx.update(_stock(stock=0), condition=where(Note, lambda n: exists(n.title)))  # type: ignore[misc]

    assert store.get_one(PK, SK, Stock) == stored


def test_a_field_compared_with_itself_is_refused_as_dynamodb_refuses_it(
    store: KeyValueStore,
) -> None:
    # DynamoDB: "The first operand must be distinct from the remaining operands".
    with pytest.raises(InvalidQueryError, match="compared with itself"):
        store.create(_stock(), condition=where(Stock, lambda s: s.stock == s.stock))

    assert store.get_one(PK, SK, Stock) is None
