"""patch and the item it meets: returned or not, created by an upsert, versioned, counted.

The item must exist (ItemNotFoundError, nothing written) unless ``upsert=True``, which
creates it (the patch then sets every field the model requires). It must be of the
model's entity: an item of another class is refused (InvalidItemError), a view of its
class may patch it. A VersionedItem's version goes up by one. With
``return_item=False`` patch returns None and writes all the same. ``add`` is atomic:
concurrent increments of one counter all count, and a decrement conditional on the
stock never takes it below zero.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from lvrgd.common.services.conditions import not_exists, where
from lvrgd.common.services.kvstore import (
    ConditionFailedError,
    InvalidItemError,
    ItemNotFoundError,
    KeyValueStore,
    VersionConflictError,
)

from .models import Customer
from .patch_models import Gadget, GadgetCount, Note, Stock

PK = "gadget#1"
SK = "gadget"


def _gadget(**fields: object) -> Gadget:
    return Gadget.model_validate({"pk": PK, "sk": SK, "name": "Widget", **fields})


# --- what patch returns ---------------------------------------------------------------------


def test_patch_returns_the_item_after_the_change_as_the_model(store: KeyValueStore) -> None:
    store.create(_gadget(count=1))

    patched = store.patch(PK, SK, Gadget, add={"count": 1})

    assert patched == _gadget(count=2)
    assert isinstance(patched, Gadget)


def test_patch_without_return_item_returns_none_and_writes(store: KeyValueStore) -> None:
    store.create(_gadget(count=1))

    patched = store.patch(PK, SK, Gadget, add={"count": 1}, return_item=False)

    assert patched is None
    assert store.get_one(PK, SK, Gadget) == _gadget(count=2)


def test_patch_leaves_other_items_of_the_partition_unchanged(store: KeyValueStore) -> None:
    store.create(_gadget(count=1))
    neighbour = Gadget(pk=PK, sk="gadget#2", name="Other", count=1)
    store.create(neighbour)

    store.patch(PK, SK, Gadget, add={"count": 1})

    assert store.get_one(PK, "gadget#2", Gadget) == neighbour


def test_patch_through_a_view_changes_its_fields_and_keeps_the_rest(store: KeyValueStore) -> None:
    store.create(_gadget(count=1, text="kept"))

    patched = store.patch(PK, SK, GadgetCount, add={"count": 4})

    assert patched == GadgetCount(pk=PK, sk=SK, count=5)
    assert store.get_one(PK, SK, Gadget) == _gadget(count=5, text="kept")


# --- the item must exist, unless upsert ------------------------------------------------------


@pytest.mark.parametrize("return_item", [True, False])
def test_patch_of_a_missing_item_raises_item_not_found_and_creates_nothing(
    store: KeyValueStore, *, return_item: bool
) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.patch(PK, SK, Gadget, set={"name": "Widget"}, return_item=return_item)

    assert (caught.value.pk, caught.value.sk, caught.value.item) == (PK, SK, None)
    assert store.get_one(PK, SK, Gadget) is None


def test_patch_upsert_creates_a_missing_item_of_the_model(store: KeyValueStore) -> None:
    created = store.patch(PK, SK, Gadget, set={"name": "Widget", "text": "new"}, upsert=True)

    assert created == _gadget(text="new")
    assert store.get_one(PK, SK, Gadget) == created
    assert store.get_one(PK, SK, Customer) is None  # stored with Gadget's entity name


def test_patch_upsert_without_return_item_creates_the_item(store: KeyValueStore) -> None:
    assert (
        store.patch(PK, SK, Gadget, set={"name": "Widget"}, upsert=True, return_item=False) is None
    )

    assert store.get_one(PK, SK, Gadget) == _gadget()


def test_patch_upsert_of_a_counter_starts_it_from_zero(store: KeyValueStore) -> None:
    created = store.patch(PK, SK, Gadget, set={"name": "Widget"}, add={"count": 3}, upsert=True)

    assert created == _gadget(count=3)


def test_patch_upsert_of_an_existing_item_patches_it(store: KeyValueStore) -> None:
    store.create(_gadget(count=1, text="kept"))

    patched = store.patch(PK, SK, Gadget, set={"name": "Renamed"}, add={"count": 1}, upsert=True)

    assert patched == _gadget(name="Renamed", count=2, text="kept")


def test_patch_upsert_with_set_if_absent_names_once_and_counts_every_time(
    store: KeyValueStore,
) -> None:
    for name in ("First", "Second", "Third"):
        store.patch(PK, SK, Gadget, set_if_absent={"name": name}, add={"count": 1}, upsert=True)

    assert store.get_one(PK, SK, Gadget) == _gadget(name="First", count=3)


def test_patch_upsert_of_an_item_of_another_entity_is_refused_and_writes_nothing(
    store: KeyValueStore,
) -> None:
    customer = Customer(pk=PK, sk=SK, name="Ada")
    store.create(customer)

    with pytest.raises(InvalidItemError):
        store.patch(PK, SK, Gadget, set={"name": "Widget"}, upsert=True)

    assert store.get_one(PK, SK, Customer) == customer


# --- the item must be of the model's entity --------------------------------------------------


@pytest.mark.parametrize("model", [Gadget, GadgetCount])
def test_patch_of_an_item_of_another_entity_is_refused_and_writes_nothing(
    store: KeyValueStore, model: type[Gadget | GadgetCount]
) -> None:
    customer = Customer(pk=PK, sk=SK, name="Ada", email="ada@example.com")
    store.create(customer)

    with pytest.raises(InvalidItemError):
        store.patch(PK, SK, model, set={"count": 1})

    assert store.get_one(PK, SK, Customer) == customer
    assert store.get_one(PK, SK, Gadget) is None


# --- a VersionedItem ------------------------------------------------------------------------


def test_patch_of_a_versioned_item_bumps_its_version(store: KeyValueStore) -> None:
    store.create(Note(pk=PK, sk=SK, title="draft"))

    patched = store.patch(PK, SK, Note, add={"views": 1})

    assert patched == Note(pk=PK, sk=SK, title="draft", views=1, version=2)
    assert store.get_one(PK, SK, Note) == patched


def test_patch_of_a_versioned_item_makes_an_older_copy_stale(store: KeyValueStore) -> None:
    note = Note(pk=PK, sk=SK, title="draft")
    store.create(note)
    store.patch(PK, SK, Note, set={"title": "patched"})

    with pytest.raises(VersionConflictError) as caught:
        store.update(note.model_copy(update={"title": "stale"}))

    assert caught.value.item == Note(pk=PK, sk=SK, title="patched", version=2)


def test_patch_of_a_versioned_item_under_a_version_condition(store: KeyValueStore) -> None:
    store.create(Note(pk=PK, sk=SK, title="draft"))
    at_version_1 = where(Note, lambda n: n.version == 1)
    store.patch(PK, SK, Note, set={"title": "first"}, condition=at_version_1)

    with pytest.raises(ConditionFailedError) as caught:
        store.patch(PK, SK, Note, set={"title": "second"}, condition=at_version_1)

    expected = Note(pk=PK, sk=SK, title="first", version=2)
    assert caught.value.item == expected
    assert store.get_one(PK, SK, Note) == expected


def test_patch_upsert_of_a_versioned_item_creates_it_at_version_1(store: KeyValueStore) -> None:
    created = store.patch(PK, SK, Note, set={"title": "new"}, upsert=True)

    assert created == Note(pk=PK, sk=SK, title="new", version=1)


# --- patch under a condition ----------------------------------------------------------------


def test_patch_under_a_condition_that_holds_writes(store: KeyValueStore) -> None:
    store.create(Stock(pk=PK, sk=SK, name="Pen", stock=2))

    patched = store.patch(
        PK, SK, Stock, add={"stock": -1}, condition=where(Stock, lambda s: s.stock >= 1)
    )

    assert patched == Stock(pk=PK, sk=SK, name="Pen", stock=1)


def test_patch_under_a_condition_that_fails_writes_nothing_and_carries_the_item(
    store: KeyValueStore,
) -> None:
    stored = Stock(pk=PK, sk=SK, name="Pen", stock=0)
    store.create(stored)

    with pytest.raises(ConditionFailedError) as caught:
        store.patch(
            PK, SK, Stock, add={"stock": -1}, condition=where(Stock, lambda s: s.stock >= 1)
        )

    assert type(caught.value) is ConditionFailedError
    assert caught.value.item == stored
    assert store.get_one(PK, SK, Stock) == stored


def test_patch_of_a_missing_item_under_a_condition_raises_item_not_found(
    store: KeyValueStore,
) -> None:
    with pytest.raises(ItemNotFoundError):
        store.patch(PK, SK, Stock, add={"stock": 1}, condition=where(Stock, lambda s: s.stock >= 0))

    assert store.get_one(PK, SK, Stock) is None


def test_patch_upsert_under_a_not_exists_condition_creates_once(store: KeyValueStore) -> None:
    unnamed = where(Stock, lambda s: not_exists(s.name))
    created = Stock(pk=PK, sk=SK, name="Pen", stock=1)

    store.patch(
        PK, SK, Stock, set={"name": "Pen"}, add={"stock": 1}, upsert=True, condition=unnamed
    )
    with pytest.raises(ConditionFailedError) as caught:
        store.patch(PK, SK, Stock, set={"name": "Ink"}, upsert=True, condition=unnamed)

    assert caught.value.item == created
    assert store.get_one(PK, SK, Stock) == created


# --- counters under threads -----------------------------------------------------------------

THREADS = 16
INCREMENTS = 50


@pytest.mark.serial_updates
def test_patch_add_from_16_threads_counts_every_increment(store: KeyValueStore) -> None:
    store.create(Stock(pk=PK, sk=SK, name="Counter"))
    start = threading.Barrier(THREADS)

    def increment() -> None:
        start.wait()
        for _ in range(INCREMENTS):
            store.patch(PK, SK, Stock, add={"stock": 1}, return_item=False)

    with ThreadPoolExecutor(THREADS) as pool:
        for done in [pool.submit(increment) for _ in range(THREADS)]:
            done.result()

    counted = store.get_one(PK, SK, Stock)
    assert counted is not None
    assert counted.stock == THREADS * INCREMENTS == 800


@pytest.mark.serial_updates  # the condition holds only if updates of one item apply in turn
def test_patch_conditional_decrement_from_8_threads_never_goes_below_zero(
    store: KeyValueStore,
) -> None:
    initial, threads, attempts = 20, 8, 5
    store.create(Stock(pk=PK, sk=SK, name="Pen", stock=initial))
    in_stock = where(Stock, lambda s: s.stock >= 1)
    start = threading.Barrier(threads)

    def take_one(taken: list[int], refusals: list[object]) -> None:
        try:
            after = store.patch(PK, SK, Stock, add={"stock": -1}, condition=in_stock)
        except ConditionFailedError as exc:
            refusals.append(exc.item)
        else:
            assert after is not None
            taken.append(after.stock)

    def take() -> tuple[list[int], list[object]]:
        taken: list[int] = []
        refusals: list[object] = []
        start.wait()
        for _ in range(attempts):
            take_one(taken, refusals)
        return taken, refusals

    with ThreadPoolExecutor(threads) as pool:
        outcomes = [done.result() for done in [pool.submit(take) for _ in range(threads)]]

    left = [stock for taken, _ in outcomes for stock in taken]
    refused = [item for _, refusals in outcomes for item in refusals]
    assert sorted(left) == list(range(initial))  # each unit taken once: 19 left ... 0 left
    assert refused == [Stock(pk=PK, sk=SK, name="Pen", stock=0)] * (threads * attempts - initial)
    assert store.get_one(PK, SK, Stock) == Stock(pk=PK, sk=SK, name="Pen", stock=0)


def test_patch_add_of_decimals_is_exact(store: KeyValueStore) -> None:
    store.create(_gadget(price=Decimal("0.1")))

    for _ in range(9):
        store.patch(PK, SK, Gadget, add={"price": Decimal("0.1")})

    assert store.get_one(PK, SK, Gadget) == _gadget(price=Decimal(1))
