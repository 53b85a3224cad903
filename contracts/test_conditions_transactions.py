"""Conditions in transactions: on create, update and delete, and ``tx.check``.

A transaction's create, update and delete take ``condition=`` as the store's do.
``tx.check(pk, sk, condition)`` writes nothing; it fails the transaction unless the
condition holds of the item at the key (which need not exist: of no item,
``not_exists`` holds). A transaction that fails writes nothing and raises
TransactionCanceledError, whose ``reasons[i]`` is None for an operation that would
have succeeded, else the error it met: a ConditionFailedError carrying the item met
(as the operation's model class, for delete and check the condition's), or None where
there was none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from lvrgd.common.services.conditions import exists, not_exists, where
from lvrgd.common.services.kvstore import (
    ConditionFailedError,
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStore,
    Transaction,
    TransactionCanceledError,
    VersionConflictError,
)

from .models import Profile, ProfileContact
from .patch_models import Note, Stock

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.transactions

PK = "stock#1"
IN_STOCK = where(Stock, lambda s: s.stock >= 1)
ABSENT = where(Stock, lambda s: not_exists(s.name))


def _stock(sk: str, stock: int = 1, name: str = "Pen") -> Stock:
    return Stock(pk=PK, sk=sk, name=name, stock=stock)


def _all(store: KeyValueStore) -> list[Stock]:
    return store.query_by_pk(PK, Stock)


def _commit(store: KeyValueStore, *operations: Callable[[Transaction], object]) -> None:
    """One transaction of `operations`, each adding to it."""
    with store.transaction() as tx:
        for operation in operations:
            operation(tx)


# --- conditions that hold -------------------------------------------------------------------


def test_transaction_writes_under_conditions_that_hold_commit_together(
    store: KeyValueStore,
) -> None:
    store.create(_stock("update", stock=2))
    store.create(_stock("delete", stock=0))

    with store.transaction() as tx:
        tx.create(_stock("create"), condition=ABSENT)
        tx.update(_stock("update", stock=1), condition=IN_STOCK)
        tx.delete(PK, "delete", condition=where(Stock, lambda s: s.stock == 0))

    assert _all(store) == [_stock("create"), _stock("update", stock=1)]


def test_transaction_check_that_holds_writes_nothing_of_its_own(store: KeyValueStore) -> None:
    store.create(_stock("checked", stock=3))

    with store.transaction() as tx:
        tx.check(PK, "checked", IN_STOCK)
        tx.create(_stock("created"))

    assert _all(store) == [_stock("checked", stock=3), _stock("created")]


def test_transaction_check_of_a_missing_item_under_not_exists_creates_nothing(
    store: KeyValueStore,
) -> None:
    with store.transaction() as tx:
        tx.check(PK, "missing", ABSENT)
        tx.create(_stock("created"))

    assert _all(store) == [_stock("created")]
    assert store.get_one(PK, "missing", Stock) is None


def test_transaction_check_alone_commits_and_writes_nothing(store: KeyValueStore) -> None:
    store.create(_stock("checked", stock=3))

    with store.transaction() as tx:
        tx.check(PK, "checked", IN_STOCK & where(Stock, lambda s: s.name == "Pen"))

    assert _all(store) == [_stock("checked", stock=3)]


def test_transaction_check_guards_a_write_elsewhere(store: KeyValueStore) -> None:
    store.create(_stock("limit", stock=1))
    store.create(_stock("order", stock=0))

    with store.transaction() as tx:
        tx.check(PK, "limit", IN_STOCK)
        tx.update(_stock("order", stock=1))
    store.update(_stock("limit", stock=0))

    with pytest.raises(TransactionCanceledError):
        _commit(
            store,
            lambda tx: tx.check(PK, "limit", IN_STOCK),
            lambda tx: tx.update(_stock("order", stock=2)),
        )

    assert store.get_one(PK, "order", Stock) == _stock("order", stock=1)


# --- conditions that fail -------------------------------------------------------------------


def test_transaction_check_that_fails_cancels_and_carries_the_item(store: KeyValueStore) -> None:
    checked = _stock("checked", stock=0)
    required = _stock("required")
    store.create(checked)
    store.create(required)

    with pytest.raises(TransactionCanceledError) as caught:
        _commit(
            store,
            lambda tx: tx.create(_stock("created")),
            lambda tx: tx.check(PK, "checked", IN_STOCK),
            lambda tx: tx.require(PK, "required"),
        )

    first, reason, last = caught.value.reasons
    assert (first, last) == (None, None)
    assert type(reason) is ConditionFailedError
    assert (reason.pk, reason.sk, reason.item) == (PK, "checked", checked)
    assert _all(store) == [checked, required]


def test_transaction_check_that_fails_of_a_missing_item_carries_no_item(
    store: KeyValueStore,
) -> None:
    with pytest.raises(TransactionCanceledError) as caught:
        _commit(
            store,
            lambda tx: tx.create(_stock("created")),
            lambda tx: tx.check(PK, "missing", where(Stock, lambda s: exists(s.name))),
        )

    first, reason = caught.value.reasons
    assert first is None
    assert type(reason) is ConditionFailedError
    assert reason.item is None
    assert _all(store) == []


def test_transaction_check_error_carries_the_item_as_the_conditions_model(
    store: KeyValueStore,
) -> None:
    store.create(Profile(pk=PK, sk="profile", name="Ada", email="ada@example.com", age=36))

    with pytest.raises(TransactionCanceledError) as caught:
        _commit(
            store,
            lambda tx: tx.check(PK, "profile", where(ProfileContact, lambda c: c.age == 99)),
        )

    (reason,) = caught.value.reasons
    assert isinstance(reason, ConditionFailedError)
    assert reason.item == ProfileContact(pk=PK, sk="profile", email="ada@example.com", age=36)


def test_transaction_update_whose_condition_fails_cancels_and_carries_the_item(
    store: KeyValueStore,
) -> None:
    stored = _stock("update", stock=0)
    store.create(stored)

    with pytest.raises(TransactionCanceledError) as caught:
        _commit(
            store,
            lambda tx: tx.create(_stock("created")),
            lambda tx: tx.update(_stock("update", stock=5), condition=IN_STOCK),
        )

    first, reason = caught.value.reasons
    assert first is None
    assert type(reason) is ConditionFailedError
    assert reason.item == stored
    assert _all(store) == [stored]


def test_transaction_delete_whose_condition_fails_carries_the_item_as_its_model(
    store: KeyValueStore,
) -> None:
    stored = _stock("delete", stock=3)
    store.create(stored)

    with pytest.raises(TransactionCanceledError) as caught:
        _commit(
            store,
            lambda tx: tx.delete(PK, "delete", condition=where(Stock, lambda s: s.stock == 0)),
        )

    (reason,) = caught.value.reasons
    assert type(reason) is ConditionFailedError
    assert reason.item == stored
    assert _all(store) == [stored]


def test_transaction_create_whose_condition_fails_of_no_item_carries_no_item(
    store: KeyValueStore,
) -> None:
    with pytest.raises(TransactionCanceledError) as caught:
        _commit(
            store,
            lambda tx: tx.create(
                _stock("created"), condition=where(Stock, lambda s: exists(s.name))
            ),
        )

    (reason,) = caught.value.reasons
    assert type(reason) is ConditionFailedError
    assert reason.item is None
    assert _all(store) == []


def test_transaction_reasons_of_the_implicit_conditions_carry_their_items(
    store: KeyValueStore,
) -> None:
    taken = _stock("taken")
    store.create(taken)
    note = Note(pk=PK, sk="note", title="draft")
    store.create(note)
    store.update(note.model_copy(update={"title": "second"}))

    with pytest.raises(TransactionCanceledError) as caught:
        _commit(
            store,
            lambda tx: tx.create(_stock("taken", stock=7)),
            lambda tx: tx.update(note.model_copy(update={"title": "stale"})),
            lambda tx: tx.update(_stock("missing")),
            lambda tx: tx.delete(PK, "missing-2"),
            lambda tx: tx.require(PK, "missing-3"),
            lambda tx: tx.check(PK, "missing-4", IN_STOCK),
        )

    reasons = caught.value.reasons
    assert [type(reason) for reason in reasons] == [
        ItemAlreadyExistsError,
        VersionConflictError,
        ItemNotFoundError,
        ItemNotFoundError,
        ItemNotFoundError,
        ConditionFailedError,
    ]
    assert all(isinstance(reason, ConditionFailedError) for reason in reasons)
    items = [getattr(reason, "item", "?") for reason in reasons]
    assert items == [
        taken,
        Note(pk=PK, sk="note", title="second", version=2),
        None,
        None,
        None,
        None,
    ]


def _restock(index: int) -> Callable[[Transaction], object]:
    return lambda tx: tx.update(_stock(f"item#{index}", stock=index + 10), condition=IN_STOCK)


def test_transaction_one_failing_condition_among_many_writes_nothing(
    store: KeyValueStore,
) -> None:
    for index in range(5):
        store.create(_stock(f"item#{index}", stock=4 - index))  # the last is out of stock

    with pytest.raises(TransactionCanceledError) as caught:
        _commit(store, *[_restock(index) for index in range(5)])

    assert [reason is None for reason in caught.value.reasons] == [True, True, True, True, False]
    assert _all(store) == [_stock(f"item#{index}", stock=4 - index) for index in range(5)]


# --- refusals inside the block --------------------------------------------------------------


def test_transaction_check_and_a_write_on_one_key_are_refused(store: KeyValueStore) -> None:
    store.create(_stock("checked"))

    with pytest.raises(InvalidQueryError):
        _commit(
            store,
            lambda tx: tx.check(PK, "checked", IN_STOCK),
            lambda tx: tx.update(_stock("checked", stock=5)),
        )

    assert _all(store) == [_stock("checked")]


@pytest.mark.parametrize(
    "condition",
    [None, "attribute_exists(pk)", IN_STOCK.node, lambda s: s.stock >= 1],
    ids=["none", "a-string", "a-node", "a-function"],
)
def test_transaction_check_without_a_where_condition_is_refused(
    store: KeyValueStore, condition: object
) -> None:
    store.create(_stock("checked"))

    with pytest.raises(InvalidItemError):
        _commit(
            store,
            lambda tx: tx.create(_stock("created")),
            lambda tx: tx.check(PK, "checked", condition),  # type: ignore[arg-type]
        )

    assert _all(store) == [_stock("checked")]


@pytest.mark.parametrize("operation", ["create", "update", "delete"])
def test_transaction_write_with_a_condition_not_built_with_where_is_refused(
    store: KeyValueStore, operation: str
) -> None:
    store.create(_stock("existing"))

    refused: dict[str, Callable[[Transaction], object]] = {
        "create": lambda tx: tx.create(_stock("new"), condition="attribute_not_exists(pk)"),  # type: ignore[arg-type]
        "update": lambda tx: tx.update(_stock("existing", stock=9), condition="stock > 0"),  # type: ignore[arg-type]
        "delete": lambda tx: tx.delete(PK, "existing", condition="stock > 0"),  # type: ignore[arg-type]
    }

    with pytest.raises(InvalidItemError):
        _commit(store, lambda tx: tx.create(_stock("created")), refused[operation])

    assert _all(store) == [_stock("existing")]
