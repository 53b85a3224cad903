"""Transactions: the operations of a ``with store.transaction() as tx:`` block, all or nothing.

They commit together when the block ends without an exception. If any condition fails,
TransactionCanceledError says, per operation, None or the error it met, and nothing is
written. More than 100 operations, or two on one key, is InvalidQueryError inside the
block; an exception in the block commits nothing.
"""

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from lvrgd.common.services.kvstore import (
    MAX_TRANSACTION_OPERATIONS,
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStore,
    KeyValueStoreError,
    StoreClosedError,
    Transaction,
    TransactionCanceledError,
    VersionConflictError,
    VersionedItem,
)

from .models import ABSENT, Customer, CustomerProbe, Numbers, Order

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.transactions

PK = "customer#1"


class Document(VersionedItem, entity="contracts.test_transactions.Document"):
    """An item under optimistic locking."""

    title: str


class BlockError(Exception):
    """Raised by a test inside a transaction block."""


def _customer(sk: str, name: str = "Ada", pk: str = PK) -> Customer:
    return Customer(pk=pk, sk=sk, name=name)


def _stored(store: KeyValueStore, pk: str = PK) -> list[Customer]:
    return store.query_by_pk(pk, Customer)


def test_transaction_clean_exit_commits_create_update_delete_and_require_together(
    store: KeyValueStore,
) -> None:
    for sk in ("to-update", "to-delete", "required"):
        store.create(Customer(pk=PK, sk=sk, name="before", email="before@example.com"))

    with store.transaction() as tx:
        tx.create(_customer("created"))
        tx.update(_customer("to-update", name="after"))
        tx.delete(PK, "to-delete")
        tx.require(PK, "required")

    assert _stored(store) == [
        _customer("created"),
        Customer(pk=PK, sk="required", name="before", email="before@example.com"),
        _customer("to-update", name="after"),
    ]


def test_transaction_writes_are_not_visible_before_the_block_ends(store: KeyValueStore) -> None:
    store.create(_customer("to-delete"))

    with store.transaction() as tx:
        tx.create(_customer("created"))
        tx.delete(PK, "to-delete")
        seen_inside = _stored(store)

    assert seen_inside == [_customer("to-delete")]
    assert _stored(store) == [_customer("created")]


def test_transaction_spanning_partitions_commits_every_operation(store: KeyValueStore) -> None:
    store.create(_customer("s", pk="customer#2"))

    with store.transaction() as tx:
        tx.create(_customer("s", pk="customer#1"))
        tx.update(_customer("s", name="Grace", pk="customer#2"))
        tx.create(_customer("s", pk="customer#3"))

    assert [_stored(store, f"customer#{n}") for n in (1, 2, 3)] == [
        [_customer("s", pk="customer#1")],
        [_customer("s", name="Grace", pk="customer#2")],
        [_customer("s", pk="customer#3")],
    ]


def test_transaction_update_sets_fields_and_removes_none_ones_like_update(
    store: KeyValueStore,
) -> None:
    store.create(Customer(pk=PK, sk="c", name="Ada", email="ada@example.com"))

    with store.transaction() as tx:
        tx.update(Customer(pk=PK, sk="c", name="Grace"))

    assert store.get_one(PK, "c", CustomerProbe) == CustomerProbe(
        pk=PK, sk="c", name="Grace", email=ABSENT
    )


def test_transaction_failing_last_condition_writes_none_of_the_operations(
    store: KeyValueStore,
) -> None:
    store.create(_customer("to-update", name="before"))
    store.create(_customer("to-delete", name="before"))

    def failing_last() -> None:
        with store.transaction() as tx:
            tx.create(_customer("created"))
            tx.update(_customer("to-update", name="after"))
            tx.delete(PK, "to-delete")
            tx.require(PK, "missing")

    with pytest.raises(TransactionCanceledError):
        failing_last()

    assert _stored(store) == [_customer("to-delete", "before"), _customer("to-update", "before")]


def test_transaction_canceled_gives_one_reason_per_operation_in_order(
    store: KeyValueStore,
) -> None:
    store.create(_customer("existing"))
    store.create(_customer("existing-2"))
    document = Document(pk=PK, sk="doc", title="v1")
    store.create(document)
    stale = document.model_copy(update={"version": 0, "title": "stale"})

    def eight_operations() -> None:
        with store.transaction() as tx:
            tx.create(_customer("new"))
            tx.create(_customer("existing"))
            tx.update(_customer("missing-update"))
            tx.delete(PK, "missing-delete")
            tx.require(PK, "missing-require")
            tx.update(_customer("existing-2", name="Grace"))
            tx.update(stale)
            tx.require("customer#2", "missing-other-partition")

    with pytest.raises(TransactionCanceledError) as caught:
        eight_operations()

    reasons = caught.value.reasons
    assert [None if reason is None else type(reason) for reason in reasons] == [
        None,
        ItemAlreadyExistsError,
        ItemNotFoundError,
        ItemNotFoundError,
        ItemNotFoundError,
        None,
        VersionConflictError,
        ItemNotFoundError,
    ]
    keys = [(getattr(r, "pk", None), getattr(r, "sk", None)) for r in reasons if r is not None]
    assert keys == [
        (PK, "existing"),
        (PK, "missing-update"),
        (PK, "missing-delete"),
        (PK, "missing-require"),
        (PK, "doc"),
        ("customer#2", "missing-other-partition"),
    ]


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ("create-existing", ItemAlreadyExistsError),
        ("update-missing", ItemNotFoundError),
        ("delete-missing", ItemNotFoundError),
        ("require-missing", ItemNotFoundError),
        ("update-stale-version", VersionConflictError),
    ],
)
def test_transaction_one_failing_operation_is_its_only_reason(
    store: KeyValueStore, operation: str, error: type[KeyValueStoreError]
) -> None:
    store.create(_customer("existing"))
    store.create(Document(pk=PK, sk="doc", title="v1"))
    failing: Callable[[Transaction], None] = {
        "create-existing": lambda tx: tx.create(_customer("existing")),
        "update-missing": lambda tx: tx.update(_customer("missing")),
        "delete-missing": lambda tx: tx.delete(PK, "missing"),
        "require-missing": lambda tx: tx.require(PK, "missing"),
        "update-stale-version": lambda tx: tx.update(Document(pk=PK, sk="doc", title="v0")),
    }[operation]

    def three_operations() -> None:
        with store.transaction() as tx:
            tx.create(_customer("new"))
            failing(tx)
            tx.require(PK, "existing" if operation != "create-existing" else "doc")

    with pytest.raises(TransactionCanceledError) as caught:
        three_operations()

    first, reason, last = caught.value.reasons
    assert (first, type(reason), last) == (None, error, None)
    assert isinstance(caught.value, KeyValueStoreError)
    assert store.get_one(PK, "new", Customer) is None


def test_transaction_exception_in_block_commits_nothing_and_propagates(
    store: KeyValueStore,
) -> None:
    store.create(_customer("to-delete"))

    def raising_block() -> None:
        with store.transaction() as tx:
            tx.create(_customer("created"))
            tx.delete(PK, "to-delete")
            raise BlockError

    with pytest.raises(BlockError):
        raising_block()

    assert _stored(store) == [_customer("to-delete")]


def test_transaction_101st_operation_raises_invalid_query_and_writes_nothing(
    store: KeyValueStore,
) -> None:
    added: list[int] = []

    def add_101() -> None:
        with store.transaction() as tx:
            for index in range(MAX_TRANSACTION_OPERATIONS + 1):
                tx.create(_customer(f"k#{index:03d}"))
                added.append(index)

    with pytest.raises(InvalidQueryError):
        add_101()

    assert len(added) == MAX_TRANSACTION_OPERATIONS == 100
    assert _stored(store) == []


def test_transaction_exactly_100_operations_commit(store: KeyValueStore) -> None:
    store.create(_customer("k#000", name="before"))

    with store.transaction() as tx:
        tx.update(_customer("k#000", name="after"))
        for index in range(1, 100):
            tx.create(_customer(f"k#{index:03d}", name="after"))

    stored = _stored(store)
    assert (len(stored), {customer.name for customer in stored}) == (100, {"after"})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("create", "create"),
        ("create", "update"),
        ("update", "delete"),
        ("delete", "require"),
        ("require", "require"),
        ("require", "update"),
    ],
)
def test_transaction_two_operations_on_one_key_raise_invalid_query_and_write_nothing(
    store: KeyValueStore, first: str, second: str
) -> None:
    store.create(_customer("existing"))
    adders: dict[str, Callable[[Transaction], None]] = {
        "create": lambda tx: tx.create(_customer("twice")),
        "update": lambda tx: tx.update(_customer("twice")),
        "delete": lambda tx: tx.delete(PK, "twice"),
        "require": lambda tx: tx.require(PK, "twice"),
    }

    def same_key_twice() -> None:
        with store.transaction() as tx:
            tx.create(_customer("other"))
            adders[first](tx)
            adders[second](tx)

    with pytest.raises(InvalidQueryError):
        same_key_twice()

    assert _stored(store) == [_customer("existing")]


def test_transaction_same_sort_key_in_two_partitions_is_two_keys(store: KeyValueStore) -> None:
    with store.transaction() as tx:
        tx.create(_customer("s", pk="customer#1"))
        tx.create(_customer("s", pk="customer#10"))

    assert len(_stored(store, "customer#1") + _stored(store, "customer#10")) == 2


def test_transaction_with_no_operation_commits_nothing_and_raises_nothing(
    store: KeyValueStore,
) -> None:
    store.create(_customer("existing"))

    with store.transaction() as tx:
        assert len(tx) == 0

    assert _stored(store) == [_customer("existing")]


@pytest.mark.parametrize(
    "invalid",
    [
        Customer(pk="p" * 2049, sk="k", name="n"),
        Numbers(pk=PK, sk="nan", real=float("nan")),
        Order(pk=PK, sk="o", total=Decimal("1E+126")),
    ],
    ids=["pk-2049-bytes", "nan", "number-out-of-range"],
)
def test_transaction_invalid_item_raises_invalid_item_in_the_block_and_writes_nothing(
    store: KeyValueStore, invalid: KeyValueItem
) -> None:
    def with_invalid_item() -> None:
        with store.transaction() as tx:
            tx.create(_customer("created"))
            tx.create(invalid)

    with pytest.raises(InvalidItemError):
        with_invalid_item()

    assert _stored(store) == []


def test_transaction_on_closed_store_raises_store_closed(store: KeyValueStore) -> None:
    store.close()

    with pytest.raises(StoreClosedError), store.transaction() as tx:
        tx.create(_customer("created"))


def test_transaction_store_closed_in_the_block_raises_store_closed(store: KeyValueStore) -> None:
    def close_during_block() -> None:
        with store.transaction() as tx:
            tx.create(_customer("created"))
            store.close()

    with pytest.raises(StoreClosedError):
        close_during_block()


def test_transaction_canceled_then_corrected_commits(store: KeyValueStore) -> None:
    store.create(_customer("existing"))

    def transfer(tx: Transaction, target: str) -> None:
        tx.delete(PK, "existing")
        tx.create(_customer(target))

    def failing_transfer() -> None:
        with store.transaction() as tx:
            transfer(tx, "existing-2")
            tx.require(PK, "missing")

    with pytest.raises(TransactionCanceledError):
        failing_transfer()
    with store.transaction() as tx:
        transfer(tx, "existing-2")

    assert _stored(store) == [_customer("existing-2")]


def test_transaction_reason_errors_name_the_operation_key(store: KeyValueStore) -> None:
    with pytest.raises(TransactionCanceledError) as caught, store.transaction() as tx:
        tx.delete("customer#9", "gone")

    (reason,) = caught.value.reasons
    assert isinstance(reason, ItemNotFoundError)
    assert "customer#9" in str(reason)
    assert "gone" in str(reason)
