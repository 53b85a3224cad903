"""A finished transaction takes no more operations.

Once its ``with`` block has ended (committed, canceled, or left by an exception), every
operation on the transaction raises TransactionClosedError and nothing is written, so no
work is silently dropped. Blocks that send nothing run on every backend; blocks that
commit need the engine's transactions.
"""

from collections.abc import Callable

import pytest

from lvrgd.common.services.kvstore import (
    KeyValueStore,
    Transaction,
    TransactionCanceledError,
    TransactionClosedError,
)

from .models import Customer

PK = "customer#1"


class BlockError(Exception):
    """Raised by a test inside a transaction block."""


def _customer(sk: str) -> Customer:
    return Customer(pk=PK, sk=sk, name="Ada")


LATE_OPERATIONS: dict[str, Callable[[Transaction], None]] = {
    "create": lambda tx: tx.create(_customer("late")),
    "update": lambda tx: tx.update(_customer("existing")),
    "delete": lambda tx: tx.delete(PK, "existing"),
    "require": lambda tx: tx.require(PK, "existing"),
}


def _assert_refused_and_nothing_written(
    store: KeyValueStore, tx: Transaction, late: Callable[[Transaction], None], before: int
) -> None:
    with pytest.raises(TransactionClosedError) as caught:
        late(tx)
    assert caught.value.operation == "transaction"
    assert caught.value.pk == PK
    assert "nothing was added" in str(caught.value)
    assert len(tx) == before
    assert [c.sk for c in store.query_by_pk(PK, Customer)] == ["existing"]


@pytest.mark.parametrize("late", LATE_OPERATIONS.values(), ids=LATE_OPERATIONS.keys())
def test_finished_transaction_empty_block_refuses_later_operations(
    store: KeyValueStore, late: Callable[[Transaction], None]
) -> None:
    store.create(_customer("existing"))
    with store.transaction() as tx:
        pass
    _assert_refused_and_nothing_written(store, tx, late, before=0)


@pytest.mark.parametrize("late", LATE_OPERATIONS.values(), ids=LATE_OPERATIONS.keys())
def test_finished_transaction_left_by_an_exception_refuses_later_operations(
    store: KeyValueStore, late: Callable[[Transaction], None]
) -> None:
    store.create(_customer("existing"))
    finished: list[Transaction] = []

    def raising_block() -> None:
        with store.transaction() as tx:
            finished.append(tx)
            tx.create(_customer("in-block"))
            raise BlockError

    with pytest.raises(BlockError):
        raising_block()
    (tx,) = finished
    _assert_refused_and_nothing_written(store, tx, late, before=1)


@pytest.mark.transactions
@pytest.mark.parametrize("late", LATE_OPERATIONS.values(), ids=LATE_OPERATIONS.keys())
def test_finished_transaction_committed_refuses_later_operations(
    store: KeyValueStore, late: Callable[[Transaction], None]
) -> None:
    with store.transaction() as tx:
        tx.create(_customer("existing"))
    _assert_refused_and_nothing_written(store, tx, late, before=1)


@pytest.mark.transactions
@pytest.mark.parametrize("late", LATE_OPERATIONS.values(), ids=LATE_OPERATIONS.keys())
def test_finished_transaction_canceled_refuses_later_operations(
    store: KeyValueStore, late: Callable[[Transaction], None]
) -> None:
    store.create(_customer("existing"))
    finished: list[Transaction] = []

    def canceled_block() -> None:
        with store.transaction() as tx:
            finished.append(tx)
            tx.create(_customer("existing"))  # taken: the transaction is canceled

    with pytest.raises(TransactionCanceledError):
        canceled_block()
    (tx,) = finished
    _assert_refused_and_nothing_written(store, tx, late, before=1)


def test_finished_transaction_refuses_even_an_invalid_operation_as_closed(
    store: KeyValueStore,
) -> None:
    store.create(_customer("existing"))
    with store.transaction() as tx:
        pass
    with pytest.raises(TransactionClosedError):
        tx.delete(PK, "")  # a bad key, but the transaction being over is what matters
