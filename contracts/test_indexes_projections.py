"""Index projections: what a KEYS_ONLY or INCLUDE index holds, and reading past it.

A KEYS_ONLY index holds the table's keys and its own; an INCLUDE index also the
attributes it names (and the entity attribute). A model of what the index holds
reads from it. On a global index, a model needing a field the index does not
project is refused before anything is sent (InvalidQueryError naming the field),
unless ``hydrate=True``: the index gives the keys, in its order, and the whole items
are read from the table, skipping items deleted since. On a local index, such a
model's fields are read from the table, as DynamoDB does (``Select=ALL_ATTRIBUTES``).

A global index is eventually consistent: every read of one after a write goes
through ``kvstore_eventually``; local indexes are read directly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
    KeyValueStore,
)

from .index_models import (
    BOARD,
    GLOBAL_QUEUE_INDEXES,
    INDEXES,
    QUEUE,
    Eventually,
    Purchase,
    StoreFactory,
    Ticket,
    TicketKeys,
    TicketTitle,
    chain,
    create_all,
    items_of,
    keys_of,
    ticket,
)
from .models import Customer

if TYPE_CHECKING:
    from collections.abc import Sequence


@pytest.fixture
def indexed(kvstore_factory: StoreFactory) -> KeyValueStore:
    """An empty store declaring INDEXES."""
    return kvstore_factory(indexes=INDEXES)


def _fill_queue(store: KeyValueStore, count: int = 6) -> list[Ticket]:
    """`count` tickets of QUEUE, their due dates in another order than their table keys."""
    tickets = [ticket(n, due=f"due#{count - n:02d}", owner="ada") for n in range(count)]
    create_all(store, [*tickets, ticket(50, queue="queue#2")])
    return sorted(tickets, key=lambda item: item.due or "")


class QueuedNote(KeyValueItem, entity="contracts.test_indexes_projections.QueuedNote"):
    """Another entity keyed like a Ticket, with a title: the projection indexes hold it too."""

    queue: str
    due: str
    title: str


def _keys(item: Ticket) -> TicketKeys:
    assert item.queue is not None
    assert item.due is not None
    return TicketKeys(pk=item.pk, sk=item.sk, queue=item.queue, due=item.due)


def _title(item: Ticket) -> TicketTitle:
    assert item.queue is not None
    assert item.due is not None
    return TicketTitle(pk=item.pk, sk=item.sk, queue=item.queue, due=item.due, title=item.title)


def _names(message: str, name: str) -> bool:
    """Whether `message` names the field `name` (as a word)."""
    return re.search(rf"\b{re.escape(name)}\b", message) is not None


# --- reading what an index projects --------------------------------------------------------


def test_keys_only_index_reads_a_model_of_the_keys_in_index_order(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed)

    def check() -> None:
        got = indexed.query_by_pk(QUEUE, TicketKeys, index="keys_by_queue")
        assert got == [_keys(item) for item in tickets]
        assert indexed.query_by_pk(QUEUE, KeyValueItem, index="keys_by_queue") == [
            KeyValueItem(pk=item.pk, sk=item.sk) for item in tickets
        ]

    kvstore_eventually(check)


def test_keys_only_index_pages_and_conditions_read_like_the_whole_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed)
    selected = [_keys(item) for item in tickets if (item.due or "") >= "due#03"]

    def check() -> None:
        pages = chain(indexed, QUEUE, TicketKeys, page_size=2, index="keys_by_queue", gte="due#03")
        assert items_of(pages) == selected
        got = indexed.query_by_pk(
            QUEUE, TicketKeys, index="keys_by_queue", gte="due#03", descending=True, limit=2
        )
        assert got == selected[::-1][:2]

    kvstore_eventually(check)


def test_include_index_reads_a_model_of_the_keys_and_included_attributes(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed)

    def check() -> None:
        got = indexed.query_by_pk(QUEUE, TicketTitle, index="titles_by_queue")
        assert got == [_title(item) for item in tickets]
        keys = indexed.query_by_pk(QUEUE, TicketKeys, index="titles_by_queue", descending=True)
        assert keys == [_keys(item) for item in reversed(tickets)]

    kvstore_eventually(check)


def test_include_index_reads_each_item_as_its_entitys_class(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed, count=2)
    note = QueuedNote(pk="note#1", sk="note", queue=QUEUE, due="due#015", title="A note")
    indexed.create(note)

    def check() -> None:
        assert indexed.query_by_pk(QUEUE, TicketTitle, index="titles_by_queue") == [
            _title(item) for item in tickets
        ]
        got = indexed.query_by_pk(QUEUE, TicketTitle | QueuedNote, index="titles_by_queue")
        assert got == [_title(tickets[0]), note, _title(tickets[1])]

    kvstore_eventually(check)


@pytest.mark.parametrize(
    ("index", "model_class", "named", "not_named"),
    [
        ("keys_by_queue", Ticket, ["title", "body", "owner"], []),
        ("keys_by_queue", TicketTitle, ["title"], ["queue", "due"]),
        ("titles_by_queue", Ticket, ["body", "owner"], ["title"]),
        ("keys_by_queue", TicketKeys | Customer, ["name", "email"], ["queue", "due"]),
        ("titles_by_queue", TicketTitle | Purchase, ["shop", "total"], ["status_key"]),
    ],
    ids=[
        "keys-only-whole-model",
        "keys-only-included-field",
        "include-whole-model",
        "keys-only-union",
        "include-union-computed-field-aside",
    ],
)
def test_global_index_refuses_a_model_needing_an_unprojected_field(
    indexed: KeyValueStore,
    index: str,
    model_class: Any,
    named: Sequence[str],
    not_named: Sequence[str],
) -> None:
    indexed.create(ticket(1))

    with pytest.raises(InvalidQueryError) as by_pk:
        indexed.query_by_pk(QUEUE, model_class, index=index)
    with pytest.raises(InvalidQueryError) as by_page:
        indexed.query_page(QUEUE, model_class, index=index, page_size=5)

    for caught in (by_pk, by_page):
        message = caught.value.reason
        assert index in message
        fields = message.replace(index, "<index>")
        assert [name for name in named if not _names(fields, name)] == [], message
        assert [name for name in not_named if _names(fields, name)] == [], message


def _fill_board(store: KeyValueStore) -> list[Ticket]:
    """Tickets of one table partition, in the order of the local indexes (by due date)."""
    dues = ["due#05", "due#01", "due#09", "due#03"]
    board = [ticket(n, pk=BOARD, sk=f"card#{n}", due=due, queue=None) for n, due in enumerate(dues)]
    create_all(store, board)
    return sorted(board, key=lambda item: item.due or "")


def test_local_keys_only_index_reads_a_model_of_the_keys(indexed: KeyValueStore) -> None:
    in_order = _fill_board(indexed)

    got = indexed.query_by_pk(BOARD, KeyValueItem, index="local_due_keys")

    assert got == [KeyValueItem(pk=item.pk, sk=item.sk) for item in in_order]


@pytest.mark.local_index_fetch
def test_local_index_reads_unprojected_fields_from_the_table(indexed: KeyValueStore) -> None:
    in_order = _fill_board(indexed)

    assert indexed.query_by_pk(BOARD, Ticket, index="local_due_keys") == in_order
    assert indexed.query_by_pk(BOARD, Ticket, index="local_due_keys", consistent=True) == in_order
    assert indexed.query_by_pk(BOARD, Ticket, index="local_due_keys", lt="due#05") == in_order[:2]
    page = indexed.query_page(BOARD, Ticket, index="local_due_keys", page_size=3, descending=True)
    assert page.items == in_order[::-1][:3]


# --- hydrate -------------------------------------------------------------------------------


@pytest.mark.parametrize("index", GLOBAL_QUEUE_INDEXES)
def test_hydrate_reads_whole_items_in_index_order(
    indexed: KeyValueStore, kvstore_eventually: Eventually, index: str
) -> None:
    tickets = _fill_queue(indexed)

    def check() -> None:
        got = indexed.query_by_pk(QUEUE, Ticket, index=index, hydrate=True)
        assert got == tickets
        backwards = indexed.query_by_pk(
            QUEUE, Ticket, index=index, hydrate=True, descending=True, lt="due#05"
        )
        assert backwards == [item for item in reversed(tickets) if (item.due or "") < "due#05"]

    kvstore_eventually(check)


def test_hydrate_pages_chain_to_the_whole_items_in_index_order(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed, count=7)

    def check() -> None:
        pages = chain(indexed, QUEUE, Ticket, page_size=3, index="keys_by_queue", hydrate=True)
        assert items_of(pages) == tickets
        assert [len(page.items) for page in pages] == [3, 3, 1]

    kvstore_eventually(check)


def test_hydrate_skips_items_deleted_and_reads_items_changed_since_the_index_was_written(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed)

    def indexed_all() -> None:
        assert indexed.query_by_pk(QUEUE, TicketKeys, index="keys_by_queue") == [
            _keys(item) for item in tickets
        ]

    kvstore_eventually(indexed_all)
    gone = (tickets[1], tickets[4])
    for item in gone:
        indexed.delete(item.pk, item.sk)
    renamed = tickets[2].model_copy(update={"title": "Renamed", "body": "Rewritten"})
    indexed.update(renamed)

    # Read at once: whether the index has caught up or not, the items are those in the table.
    got = indexed.query_by_pk(QUEUE, Ticket, index="keys_by_queue", hydrate=True)

    assert got == [tickets[0], renamed, tickets[3], tickets[5]]


@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_hydrate_pages_stay_full_across_items_deleted_since_the_index_was_written(
    indexed: KeyValueStore, kvstore_eventually: Eventually, page_size: int
) -> None:
    tickets = _fill_queue(indexed, count=8)

    def indexed_all() -> None:
        got = indexed.query_by_pk(QUEUE, TicketKeys, index="keys_by_queue")
        assert len(got) == len(tickets)

    kvstore_eventually(indexed_all)
    for item in tickets[1:4]:
        indexed.delete(item.pk, item.sk)
    left = [tickets[0], *tickets[4:]]

    # Read at once: whether the index has caught up or not, the items are those in the table.
    pages = chain(indexed, QUEUE, Ticket, page_size=page_size, index="keys_by_queue", hydrate=True)
    limited = indexed.query_by_pk(QUEUE, Ticket, index="keys_by_queue", hydrate=True, limit=2)

    assert items_of(pages) == left
    assert all(len(page.items) == page_size for page in pages[:-1])
    assert 1 <= len(pages[-1].items) <= page_size
    assert limited == left[:2]


def test_hydrate_skips_or_refuses_items_of_other_entities(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed, count=3)
    note = QueuedNote(pk="note#1", sk="note", queue=QUEUE, due="due#015", title="A note")
    indexed.create(note)

    def check() -> None:
        got = indexed.query_by_pk(QUEUE, Ticket, index="keys_by_queue", hydrate=True)
        assert got == tickets
        both = indexed.query_by_pk(QUEUE, Ticket | QueuedNote, index="keys_by_queue", hydrate=True)
        assert both == [tickets[0], note, tickets[1], tickets[2]]

    kvstore_eventually(check)
    with pytest.raises(InvalidItemError, match="QueuedNote"):
        indexed.query_by_pk(QUEUE, Ticket, index="keys_by_queue", hydrate=True, on_other="raise")


def test_hydrate_reads_a_union_each_item_as_its_class(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed, count=3)

    def check() -> None:
        got = indexed.query_by_pk(QUEUE, Ticket | Purchase, index="keys_by_queue", hydrate=True)
        assert got == tickets
        assert keys_of(got) == keys_of(tickets)

    kvstore_eventually(check)


def test_hydrate_on_a_local_index_reads_whole_items_in_its_order(indexed: KeyValueStore) -> None:
    in_order = _fill_board(indexed)

    got = indexed.query_by_pk(BOARD, Ticket, index="local_due_keys", hydrate=True)

    assert got == in_order
