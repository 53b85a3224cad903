"""Index membership: every write keeps every index in step with the items' key attributes.

An item is in an index while it holds the index's partition key (and its sort key,
when the index has one); otherwise it is not (a sparse index). create, update,
delete, put_many and transactions all move items in, out of and within indexes.
An index key may be a pydantic ``computed_field`` (typed ``str | None``): every write
stores it, an update recomputes it, the model is built without it, and a read gives
back the model written. A local index (sort key other than ``sk``) orders a table
partition by its own sort key and is current at once, a consistent read included.

A global index is eventually consistent: every read of one after a write goes
through ``kvstore_eventually``; local indexes and get_one are read directly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from lvrgd.common.services.kvstore import (
    ItemAlreadyExistsError,
    KeyValueStore,
    TransactionCanceledError,
)

from .index_models import (
    BOARD,
    INDEXES,
    QUEUE,
    SHOP,
    Eventually,
    Purchase,
    StoreFactory,
    Ticket,
    TicketKeys,
    create_all,
    keys_of,
    ticket,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


@pytest.fixture
def indexed(kvstore_factory: StoreFactory) -> KeyValueStore:
    """An empty store declaring INDEXES."""
    return kvstore_factory(indexes=INDEXES)


def _in_queue(store: KeyValueStore, queue: str = QUEUE) -> list[Ticket]:
    return store.query_by_pk(queue, Ticket, index="by_queue")


def _expect_queue(
    store: KeyValueStore, eventually: Eventually, expected: Sequence[Ticket], queue: str = QUEUE
) -> None:
    """Wait until QUEUE's index partition holds exactly `expected`, in order."""

    def check() -> None:
        assert _in_queue(store, queue) == list(expected)

    eventually(check)


# --- sparse membership ---------------------------------------------------------------------


def test_sparse_item_without_its_index_key_is_not_in_the_index_until_an_update_sets_it(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    marker = ticket(1)
    unqueued = Ticket(pk="ticket#02", sk="ticket", title="Ticket 2", due="due#02")
    create_all(indexed, [marker, unqueued])

    _expect_queue(indexed, kvstore_eventually, [marker])
    assert indexed.get_one("ticket#02", "ticket", Ticket) == unqueued

    queued = unqueued.model_copy(update={"queue": QUEUE})
    indexed.update(queued)

    _expect_queue(indexed, kvstore_eventually, [marker, queued])


def test_sparse_update_removing_the_index_key_takes_the_item_out_of_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    kept, dropped = ticket(1), ticket(2)
    create_all(indexed, [kept, dropped])
    _expect_queue(indexed, kvstore_eventually, [kept, dropped])

    unqueued = dropped.model_copy(update={"queue": None})
    indexed.update(unqueued)

    _expect_queue(indexed, kvstore_eventually, [kept])
    assert indexed.get_one(dropped.pk, dropped.sk, Ticket) == unqueued


def test_sparse_update_removing_the_index_sort_key_takes_the_item_out_of_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    kept, dropped = ticket(1), ticket(2)
    create_all(indexed, [kept, dropped])
    _expect_queue(indexed, kvstore_eventually, [kept, dropped])

    indexed.update(dropped.model_copy(update={"due": None}))

    _expect_queue(indexed, kvstore_eventually, [kept])
    assert indexed.query_by_pk(dropped.pk, Ticket, index="local_due") == []


def test_sparse_deleted_item_leaves_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    kept, deleted = ticket(1), ticket(2)
    create_all(indexed, [kept, deleted])
    _expect_queue(indexed, kvstore_eventually, [kept, deleted])

    indexed.delete(deleted.pk, deleted.sk)

    _expect_queue(indexed, kvstore_eventually, [kept])
    assert indexed.get_one(deleted.pk, deleted.sk, Ticket) is None


def test_update_changing_index_keys_moves_the_item_within_and_between_index_partitions(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    first, second, third = ticket(1), ticket(2), ticket(3)
    create_all(indexed, [first, second, third])
    _expect_queue(indexed, kvstore_eventually, [first, second, third])

    later = first.model_copy(update={"due": "due#09", "title": "Later"})
    moved = second.model_copy(update={"queue": "queue#2"})
    indexed.update(later)
    indexed.update(moved)

    _expect_queue(indexed, kvstore_eventually, [third, later])
    _expect_queue(indexed, kvstore_eventually, [moved], queue="queue#2")


def test_update_of_a_non_key_attribute_shows_in_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    item = ticket(1)
    indexed.create(item)
    _expect_queue(indexed, kvstore_eventually, [item])

    renamed = item.model_copy(update={"title": "Renamed", "body": "Rewritten"})
    indexed.update(renamed)

    _expect_queue(indexed, kvstore_eventually, [renamed])


def test_update_through_a_view_moves_the_whole_item_in_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    item = ticket(1, owner="ada")
    indexed.create(item)
    _expect_queue(indexed, kvstore_eventually, [item])

    indexed.update(TicketKeys(pk=item.pk, sk=item.sk, queue="queue#2", due="due#07"))

    moved = item.model_copy(update={"queue": "queue#2", "due": "due#07"})
    _expect_queue(indexed, kvstore_eventually, [moved], queue="queue#2")
    _expect_queue(indexed, kvstore_eventually, [])

    def by_owner() -> None:
        assert indexed.query_by_pk("ada", Ticket, index="by_owner") == [moved]

    kvstore_eventually(by_owner)


def test_refused_create_of_an_existing_item_changes_no_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    item = ticket(1)
    indexed.create(item)
    _expect_queue(indexed, kvstore_eventually, [item])

    with pytest.raises(ItemAlreadyExistsError):
        indexed.create(item.model_copy(update={"queue": "queue#2", "title": "Other"}))

    _expect_queue(indexed, kvstore_eventually, [item])
    _expect_queue(indexed, kvstore_eventually, [], queue="queue#2")
    assert indexed.query_by_pk(item.pk, Ticket, index="local_due") == [item]


# --- computed index keys -------------------------------------------------------------------


def _purchase(n: int, status: str | None, placed_at: str, shop: str = SHOP) -> Purchase:
    return Purchase(
        pk=f"purchase#{n}",
        sk="purchase",
        shop=shop,
        placed_at=placed_at,
        total=Decimal(n),
        status=status,
    )


def _by_status(store: KeyValueStore, prefix: str) -> list[Purchase]:
    return store.query_by_pk(SHOP, Purchase, index="by_shop_status", begins_with=prefix)


def test_computed_index_key_is_built_from_its_fields_and_not_passed_in(
    indexed: KeyValueStore,
) -> None:
    purchase = Purchase(
        pk="purchase#1",
        sk="purchase",
        shop=SHOP,
        placed_at="2026-03-01",
        total=Decimal("9.99"),
        status="open",
    )

    indexed.create(purchase)

    assert purchase.status_key == "open#2026-03-01"
    assert indexed.get_one("purchase#1", "purchase", Purchase) == purchase


def test_computed_index_key_orders_the_index_partition(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    purchases = [
        _purchase(1, "open", "2026-03-02"),
        _purchase(2, "shipped", "2026-01-05"),
        _purchase(3, "open", "2026-01-09"),
        _purchase(4, "open", "2026-02-01", shop="shop#2"),
        _purchase(5, None, "2026-01-01"),
        _purchase(6, "shipped", "2026-04-01"),
    ]
    create_all(indexed, purchases)
    one, two, three, _, _, six = purchases

    def check() -> None:
        assert _by_status(indexed, "open#") == [three, one]
        assert _by_status(indexed, "shipped#") == [two, six]
        assert indexed.query_by_pk(SHOP, Purchase, index="by_shop_status") == [
            three,
            one,
            two,
            six,
        ]
        assert indexed.query_by_pk(
            SHOP, Purchase, index="by_shop_status", between=("open#2026-02", "shipped#2026-02")
        ) == [one, two]

    kvstore_eventually(check)


def test_computed_index_key_is_recomputed_by_update(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    first, second = _purchase(1, "open", "2026-03-02"), _purchase(2, "open", "2026-03-01")
    create_all(indexed, [first, second])

    def opened() -> None:
        assert _by_status(indexed, "open#") == [second, first]

    kvstore_eventually(opened)

    shipped = first.model_copy(update={"status": "shipped"})
    indexed.update(shipped)

    def moved() -> None:
        assert _by_status(indexed, "open#") == [second]
        assert _by_status(indexed, "shipped#") == [shipped]

    kvstore_eventually(moved)
    assert indexed.get_one(first.pk, first.sk, Purchase) == shipped


def test_computed_index_key_none_after_update_takes_the_item_out_of_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    kept, cleared = _purchase(1, "open", "2026-03-02"), _purchase(2, "open", "2026-03-01")
    create_all(indexed, [kept, cleared])

    def both() -> None:
        assert _by_status(indexed, "open#") == [cleared, kept]

    kvstore_eventually(both)

    no_status = cleared.model_copy(update={"status": None})
    indexed.update(no_status)

    def one() -> None:
        assert indexed.query_by_pk(SHOP, Purchase, index="by_shop_status") == [kept]

    kvstore_eventually(one)
    assert indexed.get_one(cleared.pk, cleared.sk, Purchase) == no_status


def test_computed_index_key_read_through_a_page_and_a_union_round_trips(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    purchase = _purchase(1, "open", "2026-03-02")
    indexed.create(purchase)

    def check() -> None:
        page = indexed.query_page(SHOP, Purchase | Ticket, index="by_shop_status", page_size=5)
        assert page.items == [purchase]
        assert page.items[0].status_key == "open#2026-03-02"  # type: ignore[union-attr]

    kvstore_eventually(check)
    assert indexed.query_by_pk(purchase.pk, Purchase) == [purchase]


# --- put_many and transactions -------------------------------------------------------------


def test_put_many_maintains_the_index_keys_of_new_and_replaced_items(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    first, second, third = ticket(1), ticket(2), ticket(3)
    indexed.create(first)
    indexed.create(second)
    _expect_queue(indexed, kvstore_eventually, [first, second])

    replaced = Ticket(pk=first.pk, sk=first.sk, title="Replaced", queue="queue#2", due="due#01")
    unqueued = Ticket(pk=second.pk, sk=second.sk, title="Unqueued")
    purchase = _purchase(4, "open", "2026-01-01")
    indexed.put_many([replaced, unqueued, third, purchase])

    _expect_queue(indexed, kvstore_eventually, [third])
    _expect_queue(indexed, kvstore_eventually, [replaced], queue="queue#2")

    def purchases() -> None:
        assert _by_status(indexed, "open#") == [purchase]

    kvstore_eventually(purchases)


def test_put_many_of_many_items_fills_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    tickets = [ticket(n, due=f"due#{n:03d}") for n in range(60)]

    indexed.put_many(tickets)

    _expect_queue(indexed, kvstore_eventually, tickets)


@pytest.mark.transactions
def test_transaction_create_update_and_delete_are_all_reflected_in_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    to_update, to_delete, to_unqueue, untouched = ticket(1), ticket(2), ticket(3), ticket(4)
    create_all(indexed, [to_update, to_delete, to_unqueue, untouched])
    _expect_queue(indexed, kvstore_eventually, [to_update, to_delete, to_unqueue, untouched])

    created = ticket(5, due="due#00")
    updated = to_update.model_copy(update={"due": "due#09", "title": "Updated"})
    unqueued = to_unqueue.model_copy(update={"queue": None})
    purchase = _purchase(6, "open", "2026-01-01")
    with indexed.transaction() as tx:
        tx.create(created)
        tx.update(updated)
        tx.delete(to_delete.pk, to_delete.sk)
        tx.update(unqueued)
        tx.create(purchase)

    _expect_queue(indexed, kvstore_eventually, [created, untouched, updated])

    def purchases() -> None:
        assert _by_status(indexed, "open#") == [purchase]

    kvstore_eventually(purchases)


@pytest.mark.transactions
def test_transaction_that_is_cancelled_changes_no_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    existing, blocker = ticket(1), ticket(3)
    create_all(indexed, [existing, blocker])
    _expect_queue(indexed, kvstore_eventually, [existing, blocker])

    def block() -> None:
        with indexed.transaction() as tx:
            tx.create(ticket(2))
            tx.update(existing.model_copy(update={"queue": "queue#2"}))
            tx.create(blocker)  # it exists: the transaction is cancelled

    with pytest.raises(TransactionCanceledError):
        block()

    _expect_queue(indexed, kvstore_eventually, [existing, blocker])
    _expect_queue(indexed, kvstore_eventually, [], queue="queue#2")
    assert indexed.get_one("ticket#02", "ticket", Ticket) is None


# --- local indexes -------------------------------------------------------------------------


def _board() -> list[Ticket]:
    """Tickets of the BOARD partition, in sort-key order (their due dates in another order)."""
    dues = ["due#05", "due#01", "due#09", "due#03", "due#07", "due#02"]
    return [ticket(n, pk=BOARD, sk=f"card#{n}", due=due, queue=None) for n, due in enumerate(dues)]


def _by_due(items: Sequence[Ticket]) -> list[Ticket]:
    return sorted(items, key=lambda item: item.due or "")


def test_local_index_orders_a_table_partition_by_its_own_sort_key(
    indexed: KeyValueStore,
) -> None:
    board = _board()
    other = ticket(9, pk="board#2", sk="card#0", due="due#00", queue=None)
    undue = Ticket(pk=BOARD, sk="card#x", title="No due date")
    create_all(indexed, [*board, other, undue])

    assert indexed.query_by_pk(BOARD, Ticket) == [*board, undue]
    assert indexed.query_by_pk(BOARD, Ticket, index="local_due") == _by_due(board)
    assert indexed.query_by_pk(BOARD, Ticket, index="local_due", descending=True) == list(
        reversed(_by_due(board))
    )


@pytest.mark.parametrize(
    ("condition", "dues"),
    [
        ({"equals": "due#03"}, ["due#03"]),
        ({"begins_with": "due#0"}, ["due#01", "due#02", "due#03", "due#05", "due#07", "due#09"]),
        ({"between": ("due#02", "due#05")}, ["due#02", "due#03", "due#05"]),
        ({"lt": "due#03"}, ["due#01", "due#02"]),
        ({"lte": "due#03"}, ["due#01", "due#02", "due#03"]),
        ({"gt": "due#07"}, ["due#09"]),
        ({"gte": "due#07"}, ["due#07", "due#09"]),
    ],
    ids=["equals", "begins_with", "between", "lt", "lte", "gt", "gte"],
)
def test_local_index_condition_applies_to_its_sort_key(
    indexed: KeyValueStore, condition: dict[str, str], dues: list[str]
) -> None:
    create_all(indexed, _board())

    got = indexed.query_by_pk(BOARD, Ticket, index="local_due", **condition)  # type: ignore[arg-type]

    assert [item.due for item in got] == dues


def test_local_index_is_current_at_once_after_create_update_and_delete(
    indexed: KeyValueStore,
) -> None:
    board = _board()
    create_all(indexed, board)
    first, second, *rest = _by_due(board)

    moved = first.model_copy(update={"due": "due#99"})
    indexed.update(moved)
    indexed.delete(second.pk, second.sk)

    assert indexed.query_by_pk(BOARD, Ticket, index="local_due") == [*rest, moved]
    assert indexed.query_by_pk(BOARD, Ticket, index="local_due", consistent=True) == [
        *rest,
        moved,
    ]


@pytest.mark.parametrize("consistent", [True, False, None], ids=["true", "false", "none"])
def test_local_index_takes_any_read_consistency(
    indexed: KeyValueStore, *, consistent: bool | None
) -> None:
    board = _board()
    create_all(indexed, board)

    got = indexed.query_by_pk(BOARD, Ticket, index="local_due", consistent=consistent)
    page = indexed.query_page(BOARD, Ticket, index="local_due", consistent=consistent, page_size=4)

    assert got == _by_due(board)
    assert page.items == _by_due(board)[:4]


def test_local_index_pages_chain_to_query_by_pk(indexed: KeyValueStore) -> None:
    board = _board()
    create_all(indexed, board)

    for descending in (False, True):
        expected = indexed.query_by_pk(BOARD, Ticket, index="local_due", descending=descending)
        got: list[Ticket] = []
        cursor: str | None = None
        while True:
            page = indexed.query_page(
                BOARD,
                Ticket,
                index="local_due",
                page_size=4,
                cursor=cursor,
                descending=descending,
                consistent=True,
            )
            got.extend(page.items)
            cursor = page.cursor
            if cursor is None:
                break
        assert got == expected
        assert keys_of(got) == keys_of(_by_due(board)[:: -1 if descending else 1])
