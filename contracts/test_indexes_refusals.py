"""Index refusals: writes and queries DynamoDB would refuse are refused before sending.

Index keys are strings. A write (create, update, put_many, a transaction's create or
update) storing an index key that is not a string, is empty, or is over 2,048 bytes
(an index partition key) or 1,024 bytes (an index sort key) is InvalidItemError
naming the index and the attribute, and writes nothing. At the limits, it is stored.

A query is InvalidQueryError before anything is sent for: an index the store does not
declare; a sort-key condition on an index without a sort key; a consistent read of a
global index; ``hydrate`` without an index; a cursor of another index, of the table,
or of another index partition.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
    KeyValueStore,
)

from .index_models import (
    INDEXES,
    QUEUE,
    SHOP,
    Eventually,
    NumberedTicket,
    Purchase,
    StoreFactory,
    Ticket,
    TicketKeys,
    indexes_keyed_by,
    ticket,
)
from .models import text_of_bytes

PK = "ticket#01"
SK = "ticket"


@pytest.fixture
def indexed(kvstore_factory: StoreFactory) -> KeyValueStore:
    """An empty store declaring INDEXES."""
    return kvstore_factory(indexes=INDEXES)


# --- index keys a write would store --------------------------------------------------------


def _ticket(**fields: Any) -> Ticket:
    return Ticket(pk=PK, sk=SK, title="Ticket 1", **{"queue": QUEUE, "due": "due#01", **fields})


def _purchase(status: str) -> Purchase:
    return Purchase(
        pk=PK, sk=SK, shop=SHOP, placed_at="2026-01-01", total=Decimal(1), status=status
    )


BadKey = tuple[Callable[[], KeyValueItem], Callable[[], KeyValueItem], str]

BAD_KEYS: dict[str, BadKey] = {
    "partition-key-not-a-string": (
        lambda: NumberedTicket(pk=PK, sk=SK, title="Ticket 1", queue=7),
        lambda: NumberedTicket(pk=PK, sk=SK, title="Ticket 1"),
        "queue",
    ),
    "sort-key-not-a-string": (
        lambda: NumberedTicket(pk=PK, sk=SK, title="Ticket 1", due=20260101),
        lambda: NumberedTicket(pk=PK, sk=SK, title="Ticket 1"),
        "due",
    ),
    "empty-partition-key": (lambda: _ticket(queue=""), _ticket, "queue"),
    "empty-sort-key": (lambda: _ticket(due=""), _ticket, "due"),
    "partition-key-over-2048-bytes": (
        lambda: _ticket(owner=text_of_bytes(2049, "é")),
        lambda: _ticket(owner="ada"),
        "owner",
    ),
    "sort-key-over-1024-bytes": (lambda: _ticket(due=text_of_bytes(1025, "é")), _ticket, "due"),
    "computed-sort-key-over-1024-bytes": (
        lambda: _purchase("s" * (1025 - len("#2026-01-01"))),
        lambda: _purchase("open"),
        "status_key",
    ),
}
"""Per case: the refused item, a valid item of its key and class, and the key attribute."""


def _create(store: KeyValueStore, bad: KeyValueItem) -> None:
    store.create(bad)


def _update(store: KeyValueStore, bad: KeyValueItem) -> None:
    store.update(bad)


def _put_many(store: KeyValueStore, bad: KeyValueItem) -> None:
    store.put_many([ticket(2), bad, ticket(3)])


def _transaction_create(store: KeyValueStore, bad: KeyValueItem) -> None:
    with store.transaction() as tx:
        tx.create(ticket(2))
        tx.create(bad)


def _transaction_update(store: KeyValueStore, bad: KeyValueItem) -> None:
    with store.transaction() as tx:
        tx.create(ticket(2))
        tx.update(bad)


WRITES = [
    pytest.param(_create, False, id="create"),
    pytest.param(_update, True, id="update"),
    pytest.param(_put_many, False, id="put_many"),
    pytest.param(
        _transaction_create, False, id="transaction-create", marks=pytest.mark.transactions
    ),
    pytest.param(
        _transaction_update, True, id="transaction-update", marks=pytest.mark.transactions
    ),
]
"""Each write that stores index keys, and whether the item exists before it."""


@pytest.mark.parametrize(("write", "exists"), WRITES)
@pytest.mark.parametrize("case", BAD_KEYS)
def test_write_of_an_index_key_dynamodb_refuses_is_refused_and_writes_nothing(
    indexed: KeyValueStore,
    case: str,
    write: Callable[[KeyValueStore, KeyValueItem], None],
    *,
    exists: bool,
) -> None:
    make_bad, make_valid, attribute = BAD_KEYS[case]
    bad, valid = make_bad(), make_valid()
    if exists:
        indexed.create(valid)

    with pytest.raises(InvalidItemError) as caught:
        write(indexed, bad)

    reason = caught.value.reason
    assert attribute in reason
    assert any(name in reason for name in indexes_keyed_by(attribute)), reason
    assert indexed.get_one(PK, SK, type(valid)) == (valid if exists else None)
    assert indexed.get_one("ticket#02", "ticket", Ticket) is None
    assert indexed.get_one("ticket#03", "ticket", Ticket) is None


def test_index_keys_at_their_byte_limits_are_stored_and_indexed(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    queue = text_of_bytes(2048, "é")
    due = text_of_bytes(1024, "é")
    owner = text_of_bytes(2048, "😀")
    longest = _ticket(queue=queue, due=due, owner=owner)
    purchase = _purchase("s" * (1024 - len("#2026-01-01"))).model_copy(update={"pk": "p#1"})

    indexed.create(longest)
    indexed.create(purchase)

    def check() -> None:
        assert indexed.query_by_pk(queue, Ticket, index="by_queue", equals=due) == [longest]
        assert indexed.query_by_pk(owner, Ticket, index="by_owner") == [longest]
        assert indexed.query_by_pk(SHOP, Purchase, index="by_shop_status") == [purchase]

    kvstore_eventually(check)
    assert indexed.query_by_pk(PK, Ticket, index="local_due") == [longest]


def test_key_attribute_of_no_index_may_be_empty_or_a_number(indexed: KeyValueStore) -> None:
    class Unindexed(KeyValueItem, entity="contracts.test_indexes_refusals.Unindexed"):
        """Attributes named like no index key: any value DynamoDB stores."""

        label: str
        rank: int

    item = Unindexed(pk=PK, sk=SK, label="", rank=7)

    indexed.create(item)

    assert indexed.get_one(PK, SK, Unindexed) == item


# --- queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["no_such_index", "BY_QUEUE", "by_queue ", ""])
def test_query_of_an_undeclared_index_is_refused(indexed: KeyValueStore, name: str) -> None:
    with pytest.raises(InvalidQueryError) as by_pk:
        indexed.query_by_pk(QUEUE, Ticket, index=name)
    with pytest.raises(InvalidQueryError):
        indexed.query_page(QUEUE, Ticket, index=name, page_size=3)

    assert repr(name) in by_pk.value.reason or name in by_pk.value.reason


def test_query_of_an_index_on_a_store_declaring_none_is_refused(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError, match="by_queue"):
        store.query_by_pk(QUEUE, Ticket, index="by_queue")


@pytest.mark.parametrize(
    "condition",
    [
        {"equals": "x"},
        {"begins_with": "x"},
        {"between": ("a", "b")},
        {"lt": "x"},
        {"lte": "x"},
        {"gt": "x"},
        {"gte": "x"},
    ],
    ids=["equals", "begins_with", "between", "lt", "lte", "gt", "gte"],
)
def test_sort_key_condition_on_an_index_without_sort_key_is_refused(
    indexed: KeyValueStore, condition: dict[str, Any]
) -> None:
    with pytest.raises(InvalidQueryError) as by_pk:
        indexed.query_by_pk("ada", Ticket, index="by_owner", **condition)
    with pytest.raises(InvalidQueryError):
        indexed.query_page("ada", Ticket, index="by_owner", page_size=3, **condition)

    assert "by_owner" in by_pk.value.reason


@pytest.mark.parametrize("index", ["by_queue", "keys_by_queue", "by_owner", "inverted"])
def test_consistent_read_of_a_global_index_is_refused(indexed: KeyValueStore, index: str) -> None:
    with pytest.raises(InvalidQueryError) as by_pk:
        indexed.query_by_pk(QUEUE, TicketKeys, index=index, consistent=True)
    with pytest.raises(InvalidQueryError):
        indexed.query_page(QUEUE, TicketKeys, index=index, consistent=True, page_size=3)

    assert index in by_pk.value.reason


def test_eventually_consistent_read_of_a_global_index_is_accepted(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    item = ticket(1)
    indexed.create(item)

    def check() -> None:
        assert indexed.query_by_pk(QUEUE, Ticket, index="by_queue", consistent=False) == [item]
        page = indexed.query_page(QUEUE, Ticket, index="by_queue", consistent=None, page_size=2)
        assert page.items == [item]

    kvstore_eventually(check)


def test_hydrate_without_an_index_is_refused(indexed: KeyValueStore) -> None:
    indexed.create(ticket(1, pk=QUEUE))

    with pytest.raises(InvalidQueryError, match="hydrate"):
        indexed.query_by_pk(QUEUE, Ticket, hydrate=True)
    with pytest.raises(InvalidQueryError, match="hydrate"):
        indexed.query_page(QUEUE, Ticket, index=None, hydrate=True, page_size=3)


def _fill_everywhere(store: KeyValueStore) -> None:
    """Four tickets in table partition QUEUE and in index partition QUEUE of every index."""
    for n in range(4):
        store.create(ticket(n, pk=QUEUE, sk=f"card#{n}", due=f"due#{3 - n}"))


def _first_cursor(store: KeyValueStore, eventually: Eventually, index: str | None) -> str:
    """The cursor after the first page of 2 of QUEUE, read from `index` (None: the table)."""

    def check() -> str:
        page = store.query_page(QUEUE, TicketKeys, index=index, page_size=2)
        assert len(page.items) == 2
        assert page.cursor is not None
        return page.cursor

    return eventually(check)


@pytest.mark.parametrize(
    ("issued_by", "used_on"),
    [
        ("by_queue", "keys_by_queue"),
        ("by_queue", "titles_by_queue"),
        ("keys_by_queue", "by_queue"),
        ("by_queue", None),
        (None, "by_queue"),
        ("local_due", "local_due_keys"),
        ("local_due", None),
        (None, "local_due"),
        ("by_queue", "local_due"),
        ("local_due", "by_queue"),
    ],
    ids=lambda name: name or "table",
)
def test_cursor_of_another_index_or_of_the_table_is_refused(
    indexed: KeyValueStore,
    kvstore_eventually: Eventually,
    issued_by: str | None,
    used_on: str | None,
) -> None:
    _fill_everywhere(indexed)
    cursor = _first_cursor(indexed, kvstore_eventually, issued_by)

    with pytest.raises(InvalidQueryError):
        indexed.query_page(QUEUE, TicketKeys, index=used_on, page_size=2, cursor=cursor)


def test_cursor_of_another_index_partition_or_condition_is_refused(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    _fill_everywhere(indexed)
    for n in range(4):
        indexed.create(ticket(10 + n, queue="queue#2"))
    cursor = _first_cursor(indexed, kvstore_eventually, "by_queue")

    with pytest.raises(InvalidQueryError):
        indexed.query_page("queue#2", TicketKeys, index="by_queue", page_size=2, cursor=cursor)
    with pytest.raises(InvalidQueryError):
        indexed.query_page(
            QUEUE, TicketKeys, index="by_queue", page_size=2, cursor=cursor, gte="due#0"
        )
    with pytest.raises(InvalidQueryError):
        indexed.query_page(
            QUEUE, TicketKeys, index="by_queue", page_size=2, cursor=cursor, descending=True
        )


def test_cursor_of_an_index_resumes_on_the_same_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    _fill_everywhere(indexed)

    def check() -> None:
        first = indexed.query_page(QUEUE, TicketKeys, index="keys_by_queue", page_size=2)
        second = indexed.query_page(
            QUEUE, TicketKeys, index="keys_by_queue", page_size=2, cursor=first.cursor
        )
        assert [item.due for item in (*first.items, *second.items)] == [
            "due#0",
            "due#1",
            "due#2",
            "due#3",
        ]
        assert second.cursor is None

    kvstore_eventually(check)
