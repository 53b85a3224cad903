"""A write that would not read back is refused: InvalidItemError, nothing written.

pydantic validates a model when it is built, not when a field is assigned afterwards,
and ``model_construct()`` validates nothing. An item holding what its own class would
not validate is refused by create, update, put_many and a transaction before anything
is sent, so the partition stays readable. The message names the fields, never a value.
"""

from typing import Any

import pytest
from pydantic import BaseModel, Field

from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem, KeyValueStore

PK = "customer#1"
PAYLOAD = "alice@example.com"
"""A value that must never appear in a message."""


class Address(BaseModel):
    """A nested model."""

    city: str
    zip: int


class Invoice(KeyValueItem):
    """An item whose fields have types and a constraint."""

    total: int = Field(gt=0)
    lines: list[str] = Field(default_factory=list)
    address: Address | None = None


def _invoice(sk: str = "invoice#1", total: int = 5) -> Invoice:
    return Invoice(pk=PK, sk=sk, total=total, lines=["book"])


def _built(model_class: type[BaseModel], **values: Any) -> Any:
    """``model_construct()``: no validation, so any field may be missing or wrong."""
    return model_class.model_construct(**values)


def _wrong_type() -> Invoice:
    invoice = _invoice()
    invoice.total = PAYLOAD  # type: ignore[assignment]
    return invoice


def _broken_constraint() -> Invoice:
    invoice = _invoice()
    invoice.total = -1
    return invoice


def _list_set_to_str() -> Invoice:
    invoice = _invoice()
    invoice.lines = PAYLOAD  # type: ignore[assignment]
    return invoice


def _nested_built_without_a_field() -> Invoice:
    invoice = _invoice()
    invoice.address = _built(Address, city="Oslo")
    return invoice


UNREADABLE = {
    "wrong_type": (_wrong_type, "total"),
    "broken_constraint": (_broken_constraint, "total"),
    "list_set_to_str": (_list_set_to_str, "lines"),
    "nested_model_construct": (_nested_built_without_a_field, "address"),
    "model_construct_missing_field": (
        lambda: _built(Invoice, pk=PK, sk="invoice#1", lines=[]),
        "total",
    ),
}


def _assert_partition_reads(store: KeyValueStore, *expected: Invoice) -> None:
    assert store.query_by_pk(PK, Invoice) == list(expected)
    assert store.get_one(PK, "invoice#1", Invoice) == next(
        (item for item in expected if item.sk == "invoice#1"), None
    )


@pytest.mark.parametrize("case", UNREADABLE)
def test_create_of_an_unreadable_item_is_refused_and_stores_nothing(
    store: KeyValueStore, case: str
) -> None:
    make, field = UNREADABLE[case]
    neighbour = _invoice(sk="invoice#0")
    store.create(neighbour)

    with pytest.raises(InvalidItemError) as caught:
        store.create(make())

    assert field in caught.value.reason
    assert PAYLOAD not in str(caught.value)
    _assert_partition_reads(store, neighbour)


@pytest.mark.parametrize("case", UNREADABLE)
def test_update_with_an_unreadable_item_is_refused_and_changes_nothing(
    store: KeyValueStore, case: str
) -> None:
    make, field = UNREADABLE[case]
    stored = _invoice()
    store.create(stored)

    with pytest.raises(InvalidItemError) as caught:
        store.update(make())

    assert field in caught.value.reason
    assert PAYLOAD not in str(caught.value)
    _assert_partition_reads(store, stored)


@pytest.mark.parametrize("case", UNREADABLE)
def test_put_many_with_one_unreadable_item_is_refused_and_writes_none(
    store: KeyValueStore, case: str
) -> None:
    make, field = UNREADABLE[case]

    with pytest.raises(InvalidItemError) as caught:
        store.put_many([_invoice(sk="invoice#0"), make(), _invoice(sk="invoice#2")])

    assert field in caught.value.reason
    assert PAYLOAD not in str(caught.value)
    _assert_partition_reads(store)


@pytest.mark.transactions
@pytest.mark.parametrize("case", UNREADABLE)
def test_transaction_with_an_unreadable_create_is_refused_and_writes_none(
    store: KeyValueStore, case: str
) -> None:
    make, field = UNREADABLE[case]

    def block() -> None:
        with store.transaction() as tx:
            tx.create(_invoice(sk="invoice#0"))
            tx.create(make())

    with pytest.raises(InvalidItemError) as caught:
        block()

    assert field in caught.value.reason
    assert PAYLOAD not in str(caught.value)
    _assert_partition_reads(store)


@pytest.mark.transactions
@pytest.mark.parametrize("case", UNREADABLE)
def test_transaction_with_an_unreadable_update_is_refused_and_writes_none(
    store: KeyValueStore, case: str
) -> None:
    make, field = UNREADABLE[case]
    stored = _invoice()
    store.create(stored)

    def block() -> None:
        with store.transaction() as tx:
            tx.create(_invoice(sk="invoice#0"))
            tx.update(make())

    with pytest.raises(InvalidItemError) as caught:
        block()

    assert field in caught.value.reason
    assert PAYLOAD not in str(caught.value)
    _assert_partition_reads(store, stored)


@pytest.mark.parametrize("key", ["pk", "sk"])
def test_create_of_a_model_construct_without_its_key_is_invalid_item(
    store: KeyValueStore, key: str
) -> None:
    values = {"pk": PK, "sk": "invoice#1", "total": 5}
    del values[key]

    with pytest.raises(InvalidItemError) as caught:
        store.create(_built(Invoice, **values))

    assert key in caught.value.reason
    _assert_partition_reads(store)


def test_item_refused_then_corrected_is_written_and_reads_back_equal(
    store: KeyValueStore,
) -> None:
    invoice = _invoice()
    invoice.total = -1
    with pytest.raises(InvalidItemError):
        store.create(invoice)

    invoice.total = 7
    store.create(invoice)

    assert store.get_one(PK, "invoice#1", Invoice) == invoice
