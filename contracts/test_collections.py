"""Item collections: several entity types in one partition, each read as its own class.

Every write stores its class's entity name. A read names one class or several
(``Member | Loan``): each item comes back as the class its entity names, in sort-key
order. An item of an entity not asked for is skipped, or refused with
``on_other="raise"``. ``limit`` and ``page_size`` count the items returned, and pages
stay full and resumable across skipped items.
"""

from datetime import date
from decimal import Decimal

import pytest
from typing_extensions import assert_type

from lvrgd.common.services.kvstore import (
    DEFAULT_ENTITY_ATTRIBUTE,
    MAX_ITEM_BYTES,
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
    KeyValueStore,
)

from .models import text_of_bytes, utf8_size

PK = "member#1"


class Member(KeyValueItem, entity="member"):
    """The profile of a library member: the partition's first item."""

    name: str


class Loan(KeyValueItem, entity="loan"):
    """A book a member borrowed."""

    title: str
    borrowed_at: date


class Fine(KeyValueItem, entity="fine"):
    """What a member owes for a late loan."""

    amount: Decimal


class LoanTitle(KeyValueItem, entity=Loan):
    """A view of Loan: only its title."""

    title: str


def _member() -> Member:
    return Member(pk=PK, sk="#profile", name="Ada")


def _loan(n: int) -> Loan:
    return Loan(pk=PK, sk=f"loan#{n:02d}", title=f"Book {n}", borrowed_at=date(2026, 1, n))


def _fine(n: int) -> Fine:
    return Fine(pk=PK, sk=f"loan#{n:02d}#fine", amount=Decimal(n))


def _mixed() -> list[KeyValueItem]:
    """A member, five loans, and a fine after every odd loan, in sort-key order."""
    items: list[KeyValueItem] = [_member()]
    for n in range(1, 6):
        items.append(_loan(n))
        if n % 2:
            items.append(_fine(n))
    return items


def _fill(store: KeyValueStore) -> list[KeyValueItem]:
    items = _mixed()
    for item in reversed(items):
        store.create(item)
    return items


def test_collection_union_reads_every_item_as_its_own_class_in_order(
    store: KeyValueStore,
) -> None:
    items = _fill(store)

    got = store.query_by_pk(PK, Member | Loan | Fine)

    assert got == items
    assert [type(item) for item in got] == [type(item) for item in items]


def test_collection_tuple_of_classes_reads_like_a_union(store: KeyValueStore) -> None:
    items = _fill(store)

    # A tuple serves code that builds its set of classes at run time; mypy types the
    # union form (Member | Loan | Fine), so a tuple is typed by hand.
    classes: tuple[type[KeyValueItem], ...] = (Member, Loan, Fine)
    assert store.query_by_pk(PK, classes) == items  # type: ignore[arg-type]


def test_collection_union_by_prefix_and_descending(store: KeyValueStore) -> None:
    items = _fill(store)
    loans_and_fines = [item for item in items if item.sk.startswith("loan#")]

    assert store.query_by_pk(PK, Loan | Fine, begins_with="loan#") == loans_and_fines
    assert store.query_by_pk(PK, Member | Loan | Fine, descending=True) == items[::-1]


def test_collection_one_class_skips_the_other_entities(store: KeyValueStore) -> None:
    items = _fill(store)

    assert store.query_by_pk(PK, Loan) == [i for i in items if isinstance(i, Loan)]
    assert store.query_by_pk(PK, Member) == [_member()]
    assert store.query_by_pk(PK, Fine, descending=True) == [_fine(5), _fine(3), _fine(1)]


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 6])
def test_collection_limit_counts_the_items_returned(store: KeyValueStore, limit: int) -> None:
    items = _fill(store)
    loans = [i for i in items if isinstance(i, Loan)]

    assert store.query_by_pk(PK, Loan, limit=limit) == loans[:limit]
    assert (
        store.query_by_pk(PK, Loan | Member, limit=limit)
        == [i for i in items if not isinstance(i, Fine)][:limit]
    )


def test_collection_one_class_with_raise_refuses_an_item_of_another_entity(
    store: KeyValueStore,
) -> None:
    _fill(store)

    with pytest.raises(InvalidItemError) as caught:
        store.query_by_pk(PK, Loan, on_other="raise")

    assert caught.value.operation == "query_by_pk"
    assert (caught.value.pk, caught.value.sk) == (PK, "#profile")
    assert "'member'" in caught.value.reason
    assert "Loan" in caught.value.reason


def test_collection_raise_accepts_a_partition_of_the_asked_entities(
    store: KeyValueStore,
) -> None:
    items = _fill(store)

    assert store.query_by_pk(PK, Member | Loan | Fine, on_other="raise") == items


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_collection_pages_are_full_until_the_last_and_chain_to_the_query(
    store: KeyValueStore, page_size: int, *, descending: bool
) -> None:
    _fill(store)
    expected = store.query_by_pk(PK, Loan, descending=descending)

    pages = []
    cursor: str | None = None
    while True:
        page = store.query_page(PK, Loan, page_size=page_size, cursor=cursor, descending=descending)
        pages.append(page.items)
        cursor = page.cursor
        if cursor is None:
            break

    assert [item for items in pages for item in items] == expected
    assert all(len(items) == page_size for items in pages[:-1])
    assert 1 <= len(pages[-1]) <= page_size


def test_collection_pages_of_a_union_chain_to_the_whole_partition(store: KeyValueStore) -> None:
    items = _fill(store)

    first = store.query_page(PK, Member | Fine, page_size=2)
    second = store.query_page(PK, Member | Fine, page_size=2, cursor=first.cursor)

    assert first.items == [_member(), _fine(1)]
    assert second.items == [_fine(3), _fine(5)]
    assert second.cursor is None
    assert len(items) == 9


def test_collection_page_of_an_entity_absent_from_the_partition_is_empty(
    store: KeyValueStore,
) -> None:
    _fill(store)

    class Hold(KeyValueItem, entity="hold"):
        """A hold on a book: none in this partition."""

        title: str

    page = store.query_page(PK, Hold, page_size=3)

    assert page.items == []
    assert page.cursor is None


def test_collection_get_one_of_another_entity_is_none_or_refused(store: KeyValueStore) -> None:
    _fill(store)

    assert store.get_one(PK, "#profile", Member) == _member()
    assert store.get_one(PK, "#profile", Loan) is None
    assert store.get_one(PK, "#profile", Loan | Member) == _member()
    with pytest.raises(InvalidItemError) as caught:
        store.get_one(PK, "#profile", Loan, on_other="raise")
    assert "'member'" in caught.value.reason


def test_collection_get_many_over_mixed_keys(store: KeyValueStore) -> None:
    _fill(store)
    keys = [(PK, "loan#02"), (PK, "#profile"), (PK, "loan#01#fine"), (PK, "absent")]

    assert store.get_many(keys, Member | Loan | Fine) == [_loan(2), _member(), _fine(1)]
    assert store.get_many(keys, Loan) == [_loan(2)]
    with pytest.raises(InvalidItemError):
        store.get_many(keys, Loan, on_other="raise")


def test_collection_view_reads_its_entitys_items(store: KeyValueStore) -> None:
    _fill(store)

    titles = store.query_by_pk(PK, LoanTitle)

    assert titles == [LoanTitle(pk=PK, sk=f"loan#{n:02d}", title=f"Book {n}") for n in range(1, 6)]


def test_collection_update_through_a_view_keeps_the_items_entity(store: KeyValueStore) -> None:
    _fill(store)

    store.update(LoanTitle(pk=PK, sk="loan#01", title="Renamed"))

    renamed = _loan(1).model_copy(update={"title": "Renamed"})
    assert store.get_one(PK, "loan#01", Loan) == renamed
    assert store.get_one(PK, "loan#01", Member) is None


def test_collection_update_through_another_class_keeps_the_items_entity(
    store: KeyValueStore,
) -> None:
    class Renamed(KeyValueItem, entity="renamed-loan"):
        """Another entity's class, holding a field a Loan has."""

        title: str

    store.create(_loan(1))

    store.update(Renamed(pk=PK, sk="loan#01", title="Other"))

    assert store.get_one(PK, "loan#01", Loan) == _loan(1).model_copy(update={"title": "Other"})
    assert store.get_one(PK, "loan#01", Renamed) is None


def test_collection_key_only_item_takes_the_entity_of_its_first_update(
    store: KeyValueStore,
) -> None:
    store.create(KeyValueItem(pk=PK, sk="#profile"))

    store.update(_member())

    assert store.query_by_pk(PK, Member | Loan) == [_member()]


def test_collection_key_item_class_reads_every_entity(store: KeyValueStore) -> None:
    items = _fill(store)

    keys = store.query_by_pk(PK, KeyValueItem)

    assert keys == [KeyValueItem(pk=item.pk, sk=item.sk) for item in items]


@pytest.mark.full_size_items
def test_collection_entity_name_counts_toward_the_item_size(store: KeyValueStore) -> None:
    class Long(KeyValueItem, entity="e" * 200):
        """An entity with a long name: it leaves less room for the payload."""

        payload: str

    fixed = sum(utf8_size(t) for t in ("pk", PK, "sk", "long", "payload"))
    fixed += utf8_size(DEFAULT_ENTITY_ATTRIBUTE) + 200
    fits = Long(pk=PK, sk="long", payload=text_of_bytes(MAX_ITEM_BYTES - fixed))
    too_big = Long(pk=PK, sk="long", payload=text_of_bytes(MAX_ITEM_BYTES - fixed + 1))

    with pytest.raises(InvalidItemError):
        store.create(too_big)
    store.create(fits)

    assert store.get_one(PK, "long", Long) == fits


@pytest.mark.transactions
def test_collection_transaction_writes_two_entities_read_back_as_each(
    store: KeyValueStore,
) -> None:
    with store.transaction() as tx:
        tx.create(_member())
        tx.create(_loan(1))

    assert store.query_by_pk(PK, Member | Loan) == [_member(), _loan(1)]


@pytest.mark.parametrize("bad", [str, int, [Loan], "Loan", None], ids=repr)
def test_collection_model_class_that_names_no_item_class_is_refused(
    store: KeyValueStore, bad: object
) -> None:
    with pytest.raises(InvalidQueryError, match="model_class"):
        store.query_by_pk(PK, bad)  # type: ignore[arg-type]


def test_collection_unknown_on_other_is_refused(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError, match="on_other"):
        store.query_by_pk(PK, Loan, on_other="ignore")  # type: ignore[arg-type]


def test_collection_union_result_is_typed_as_the_union(store: KeyValueStore) -> None:
    _fill(store)

    got = store.query_by_pk(PK, Member | Loan)
    one = store.get_one(PK, "#profile", Member | Loan)

    assert_type(got, list[Member | Loan])
    assert_type(one, Member | Loan | None)
    assert isinstance(one, Member)


def test_collection_create_or_put_many_through_a_view_is_refused(store: KeyValueStore) -> None:
    view = LoanTitle(pk=PK, sk="loan#09", title="Partial")

    with pytest.raises(InvalidItemError, match="view of Loan"):
        store.create(view)
    with pytest.raises(InvalidItemError, match="view of Loan"):
        store.put_many([view])

    assert store.query_by_pk(PK, KeyValueItem) == []
