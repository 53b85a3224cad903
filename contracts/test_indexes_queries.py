"""Index queries: ``query_by_pk`` and ``query_page`` read a secondary index by its own keys.

With ``index=NAME``, ``pk`` is the index's partition key value and the sort-key
conditions (equals, begins_with, between, lt, lte, gt, gte: bounds as on the table)
apply to the index's sort key. Items come back in index sort-key order (descending
when asked), from every table partition holding that index key; items of equal index
keys all come back, in no fixed order. ``limit`` counts the items returned, and pages
chained to the end, either way, give ``query_by_pk``'s result. The inverted index
(``pk="sk", sk="pk"``) reads a relationship from its other side, one class per item.

A global index is eventually consistent: every read of one after a write goes
through ``kvstore_eventually``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from .index_models import (
    INDEXES,
    NEIGHBOUR_QUEUES,
    QUEUE,
    SHOP,
    Eventually,
    StoreFactory,
    Ticket,
    chain,
    create_all,
    items_of,
    keys_of,
    ticket,
)
from .models import Customer, Order

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lvrgd.common.services.kvstore import KeyValueStore, Page

COUNT = 13
"""Tickets in QUEUE: ``due#00`` to ``due#12``, so that ``begins_with="due#0"`` cuts them."""

CONDITIONS: dict[str, dict[str, Any]] = {
    "no-condition": {},
    "equals": {"equals": "due#03"},
    "equals-no-such-key": {"equals": "due#99"},
    "begins_with": {"begins_with": "due#0"},
    "begins_with-a-whole-key": {"begins_with": "due#03"},
    "between": {"between": ("due#02", "due#05")},
    "between-bounds-not-stored": {"between": ("due#01x", "due#04x")},
    "between-one-key": {"between": ("due#07", "due#07")},
    "lt": {"lt": "due#04"},
    "lte": {"lte": "due#04"},
    "gt": {"gt": "due#04"},
    "gte": {"gte": "due#04"},
    "lt-first-key": {"lt": "due#00"},
    "gt-last-key": {"gt": "due#12"},
}
"""Every sort-key condition on the index's sort key, each bound on and between stored keys."""


@pytest.fixture
def indexed(kvstore_factory: StoreFactory) -> KeyValueStore:
    """An empty store declaring INDEXES."""
    return kvstore_factory(indexes=INDEXES)


def _selects(condition: dict[str, Any], due: str) -> bool:  # noqa: PLR0911 - one per condition
    """Whether `condition` (one of CONDITIONS, ASCII bounds) selects the index sort key `due`."""
    if not condition:
        return True
    ((name, value),) = condition.items()
    if name == "equals":
        return bool(due == value)
    if name == "begins_with":
        return due.startswith(value)
    if name == "between":
        return bool(value[0] <= due <= value[1])
    if name == "lt":
        return bool(due < value)
    if name == "lte":
        return bool(due <= value)
    if name == "gt":
        return bool(due > value)
    return bool(due >= value)


def _due(item: Ticket) -> str:
    assert item.due is not None
    return item.due


def _fill_queue(store: KeyValueStore) -> list[Ticket]:
    """QUEUE's COUNT tickets, each in a table partition of its own, among neighbours.

    Returns:
        QUEUE's tickets, in index order.
    """
    tickets = [ticket(n) for n in range(COUNT)]
    neighbours = [
        ticket(20 + 5 * position + n, queue=queue, due=f"due#{n:02d}")
        for position, queue in enumerate(NEIGHBOUR_QUEUES)
        for n in range(0, COUNT, 4)
    ]
    without_due = Ticket(pk="ticket#99", sk="ticket", title="No due date", queue=QUEUE)
    create_all(store, [*tickets, *neighbours, without_due])
    return tickets


def _query(store: KeyValueStore, **arguments: Any) -> list[Ticket]:
    return store.query_by_pk(QUEUE, Ticket, index="by_queue", **arguments)


def _page_problems(pages: Sequence[Page[Ticket]], page_size: int) -> list[str]:
    """What is wrong with the shape of a chain of pages (nothing, for a good chain)."""
    problems = []
    whole_result_empty = not items_of(pages)
    for number, page in enumerate(pages):
        if len(page.items) > page_size:
            problems.append(f"page {number} holds {len(page.items)} items")
        if not page.items and not whole_result_empty:
            problems.append(f"page {number} is empty, the result is not")
    if pages[-1].cursor is not None:
        problems.append("the last page has a cursor")
    return problems


# --- sort-key conditions, order, limit ----------------------------------------------------


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("condition", CONDITIONS)
def test_index_condition_selects_by_the_index_sort_key_with_its_bounds(
    indexed: KeyValueStore, kvstore_eventually: Eventually, condition: str, *, descending: bool
) -> None:
    tickets = _fill_queue(indexed)
    query = CONDITIONS[condition]
    expected = sorted(
        (item for item in tickets if _selects(query, _due(item))), key=_due, reverse=descending
    )

    def check() -> None:
        assert _query(indexed, descending=descending, **query) == expected

    kvstore_eventually(check)


def test_index_query_reads_items_of_many_table_partitions_in_index_sort_key_order(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    dues = ["due#b", "due#a", "due#c", "due#a0", "due#B", "due#"]
    tickets = [ticket(n, pk=f"p#{9 - n}", sk=f"s#{n}", due=due) for n, due in enumerate(dues)]
    create_all(indexed, tickets)
    expected = sorted(tickets, key=_due)

    def check() -> None:
        assert _query(indexed) == expected
        assert _query(indexed, descending=True) == expected[::-1]

    kvstore_eventually(check)


@pytest.mark.utf8_key_conditions
def test_index_sort_key_order_and_conditions_compare_utf8_bytes(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    dues = ["a", "é", "€", "\uffff", "😀"]  # UTF-8 order; UTF-16 puts 😀 before \uffff
    tickets = [ticket(n, due=due) for n, due in enumerate(dues)]
    create_all(indexed, tickets)

    def check() -> None:
        assert _query(indexed) == tickets
        assert _query(indexed, descending=True) == tickets[::-1]
        assert _query(indexed, gt="\uffff") == tickets[4:]
        assert _query(indexed, between=("€", "\uffff")) == tickets[2:4]

    kvstore_eventually(check)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("limit", [1, 2, 9, 10, 50])
def test_index_limit_counts_the_items_returned_from_the_first_in_order(
    indexed: KeyValueStore, kvstore_eventually: Eventually, limit: int, *, descending: bool
) -> None:
    tickets = _fill_queue(indexed)
    selected = sorted((t for t in tickets if _due(t) >= "due#03"), key=_due, reverse=descending)

    def check() -> None:
        got = _query(indexed, gte="due#03", limit=limit, descending=descending)
        assert got == selected[:limit]

    kvstore_eventually(check)


def test_index_query_of_an_index_partition_no_item_holds_is_empty(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    _fill_queue(indexed)

    def check() -> None:
        assert _query(indexed) != []  # the index has caught up with the writes

    kvstore_eventually(check)
    assert indexed.query_by_pk("queue#nobody", Ticket, index="by_queue") == []
    page = indexed.query_page("queue#nobody", Ticket, index="by_queue", page_size=3)
    assert (page.items, page.cursor) == ([], None)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("page_size", [1, 3, 13, 100])
@pytest.mark.parametrize("condition", ["no-condition", "between", "gt"])
def test_index_pages_chained_to_the_end_equal_query_by_pk(
    indexed: KeyValueStore,
    kvstore_eventually: Eventually,
    condition: str,
    page_size: int,
    *,
    descending: bool,
) -> None:
    tickets = _fill_queue(indexed)
    query = CONDITIONS[condition]
    selected = sorted(
        (item for item in tickets if _selects(query, _due(item))), key=_due, reverse=descending
    )

    def check() -> list[Page[Ticket]]:
        expected = _query(indexed, descending=descending, **query)
        assert expected == selected
        pages = chain(
            indexed,
            QUEUE,
            Ticket,
            page_size=page_size,
            index="by_queue",
            descending=descending,
            **query,
        )
        assert items_of(pages) == expected
        return pages

    pages = kvstore_eventually(check)
    assert _page_problems(pages, page_size) == []


def test_index_page_then_next_page_with_another_page_size_resume_after_the_last_item(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = _fill_queue(indexed)

    def check() -> None:
        first = indexed.query_page(QUEUE, Ticket, index="by_queue", page_size=4)
        second = indexed.query_page(
            QUEUE, Ticket, index="by_queue", page_size=100, cursor=first.cursor
        )
        assert first.items == tickets[:4]
        assert second.items == tickets[4:]
        assert second.cursor is None

    kvstore_eventually(check)


# --- equal index keys ----------------------------------------------------------------------


def _same_key_tickets() -> list[Ticket]:
    """Five tickets of one queue and due date, in three table partitions."""
    return [
        ticket(1, pk="ticket#b", sk="s#1", due="due#05"),
        ticket(2, pk="ticket#a", sk="s#2", due="due#05"),
        ticket(3, pk="ticket#b", sk="s#0", due="due#05"),
        ticket(4, pk="ticket#c", sk="s#9", due="due#05"),
        ticket(5, pk="ticket#a", sk="s#1", due="due#05"),
    ]


def test_index_items_sharing_an_index_key_all_come_back(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    shared = _same_key_tickets()
    before, after = ticket(6, due="due#04"), ticket(7, due="due#06")
    create_all(indexed, [*shared, before, after])

    def check() -> None:
        got = _query(indexed)
        assert (got[0], got[-1]) == (before, after)
        assert sorted(keys_of(got[1:-1])) == sorted(keys_of(shared))
        assert sorted(got[1:-1], key=lambda t: (t.pk, t.sk)) == sorted(
            shared, key=lambda t: (t.pk, t.sk)
        )
        assert sorted(keys_of(_query(indexed, equals="due#05"))) == sorted(keys_of(shared))

    kvstore_eventually(check)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("page_size", [1, 2])
def test_index_pages_cut_between_items_sharing_an_index_key_lose_and_repeat_none(
    indexed: KeyValueStore, kvstore_eventually: Eventually, page_size: int, *, descending: bool
) -> None:
    shared = _same_key_tickets()
    create_all(indexed, shared)

    def check() -> None:
        pages = chain(
            indexed, QUEUE, Ticket, page_size=page_size, index="by_queue", descending=descending
        )
        got = keys_of(items_of(pages))
        assert sorted(got) == sorted(keys_of(shared))
        assert len(got) == len(set(got))
        assert _page_problems(pages, page_size) == []

    kvstore_eventually(check)


def test_index_without_sort_key_reads_every_item_of_its_partition_key(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    ada = [ticket(n, owner="ada", due=f"due#{9 - n}") for n in range(4)]
    others = [ticket(10, owner="grace"), ticket(11, owner="ada#"), ticket(12)]
    create_all(indexed, [*ada, *others])

    def check() -> None:
        got = indexed.query_by_pk("ada", Ticket, index="by_owner")
        assert sorted(got, key=lambda t: t.pk) == ada
        pages = chain(indexed, "ada", Ticket, page_size=3, index="by_owner")
        assert sorted(keys_of(items_of(pages))) == keys_of(ada)
        assert len(indexed.query_by_pk("ada", Ticket, index="by_owner", limit=3)) == 3

    kvstore_eventually(check)


# --- the inverted index --------------------------------------------------------------------


def _shop_relations() -> tuple[list[Customer | Order], list[Customer | Order]]:
    """Customers and orders of SHOP (sort key SHOP, in table pk order), and of other shops."""
    of_shop: list[Customer | Order] = [
        Customer(pk="customer#1", sk=SHOP, name="Ada"),
        Customer(pk="customer#2", sk=SHOP, name="Grace", email="grace@example.com"),
        Order(pk="order#7", sk=SHOP, total=Decimal("10.50"), lines=["tea"]),
        Order(pk="order#8", sk=SHOP, total=Decimal(3)),
    ]
    elsewhere: list[Customer | Order] = [
        Customer(pk="customer#1", sk="shop#2", name="Ada"),
        Customer(pk="customer#3", sk="shop#10", name="Edsger"),
        Order(pk="order#9", sk="shop#", total=Decimal(1)),
    ]
    return of_shop, elsewhere


def test_inverted_index_reads_a_relationship_from_its_other_side_each_item_as_its_class(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    of_shop, elsewhere = _shop_relations()
    create_all(indexed, [*of_shop, *elsewhere])

    def check() -> None:
        got = indexed.query_by_pk(SHOP, Customer | Order, index="inverted")
        assert got == of_shop
        assert [type(item).__name__ for item in got] == ["Customer", "Customer", "Order", "Order"]

    kvstore_eventually(check)
    assert indexed.query_by_pk("customer#1", Customer) == [of_shop[0], elsewhere[0]]


def test_inverted_index_conditions_apply_to_the_table_partition_key(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    of_shop, elsewhere = _shop_relations()
    create_all(indexed, [*of_shop, *elsewhere])

    def check() -> None:
        orders = indexed.query_by_pk(SHOP, Customer | Order, index="inverted", begins_with="order#")
        assert orders == of_shop[2:]
        assert indexed.query_by_pk(
            SHOP, Customer | Order, index="inverted", descending=True
        ) == list(reversed(of_shop))
        assert (
            indexed.query_by_pk(SHOP, Customer | Order, index="inverted", gt="customer#1")
            == of_shop[1:]
        )

    kvstore_eventually(check)


def test_inverted_index_of_one_class_skips_the_other_entities(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    of_shop, elsewhere = _shop_relations()
    create_all(indexed, [*of_shop, *elsewhere])

    def check() -> None:
        assert indexed.query_by_pk(SHOP, Customer, index="inverted") == of_shop[:2]
        assert indexed.query_by_pk(SHOP, Order, index="inverted", limit=1) == of_shop[2:3]
        pages = chain(indexed, SHOP, Order, page_size=1, index="inverted")
        assert items_of(pages) == of_shop[2:]

    kvstore_eventually(check)
