"""VersionedItem: optimistic locking on create, update and in transactions.

create stores version 1 and sets it on the item. update succeeds only while the stored
version equals the item's, then stores the next and sets it on the item; otherwise
VersionConflictError and nothing is written. The same checks hold in a transaction,
whose items get their new versions only once it has committed.
"""

import pytest

from lvrgd.common.services.kvstore import (
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStore,
    KeyValueStoreError,
    TransactionCanceledError,
    VersionConflictError,
    VersionedItem,
)

from .models import Customer

PK = "customer#1"
SK = "doc#1"


class Document(VersionedItem, entity="contracts.test_versioned.Document"):
    """A document two writers may edit."""

    title: str
    body: str | None = None


class BlockError(Exception):
    """Raised by a test inside a transaction block."""


def _document(title: str = "draft", version: int = 0, sk: str = SK) -> Document:
    return Document(pk=PK, sk=sk, title=title, version=version)


def _created(store: KeyValueStore, title: str = "draft", sk: str = SK) -> Document:
    document = _document(title, sk=sk)
    store.create(document)
    return document


def _read(store: KeyValueStore, sk: str = SK) -> Document | None:
    return store.get_one(PK, sk, Document)


# --- create -------------------------------------------------------------------------------


def test_create_versioned_item_stores_version_1_and_sets_it_on_the_item(
    store: KeyValueStore,
) -> None:
    document = _document()

    store.create(document)

    assert document.version == 1
    assert _read(store) == _document(version=1)


@pytest.mark.parametrize("version", [1, 7, -3])
def test_create_versioned_item_of_any_version_stores_version_1(
    store: KeyValueStore, version: int
) -> None:
    document = _document(version=version)

    store.create(document)

    assert (document.version, _read(store)) == (1, _document(version=1))


def test_create_existing_versioned_item_raises_and_changes_neither_item_nor_store(
    store: KeyValueStore,
) -> None:
    _created(store, "first")
    second = _document("second")

    with pytest.raises(ItemAlreadyExistsError):
        store.create(second)

    assert second.version == 0
    assert _read(store) == _document("first", version=1)


# --- update -------------------------------------------------------------------------------


def test_update_at_the_stored_version_stores_the_next_and_sets_it_on_the_item(
    store: KeyValueStore,
) -> None:
    document = _created(store)
    document.title = "final"

    store.update(document)

    assert document.version == 2
    assert _read(store) == _document("final", version=2)


def test_update_same_item_again_and_again_moves_its_version_on(store: KeyValueStore) -> None:
    document = _created(store)

    for title in ("second", "third", "fourth"):
        document.title = title
        store.update(document)

    assert (document.version, _read(store)) == (4, _document("fourth", version=4))


def test_update_read_back_item_succeeds(store: KeyValueStore) -> None:
    _created(store)
    read = _read(store)
    assert read is not None
    read.body = "text"

    store.update(read)

    assert _read(store) == Document(pk=PK, sk=SK, title="draft", body="text", version=2)


@pytest.mark.parametrize("version", [0, 1, 3, -1], ids=["older", "previous", "newer", "negative"])
def test_update_at_another_version_raises_version_conflict_and_writes_nothing(
    store: KeyValueStore, version: int
) -> None:
    document = _created(store)
    document.title = "second"
    store.update(document)
    stale = _document("overwrite", version=version)

    with pytest.raises(VersionConflictError) as caught:
        store.update(stale)

    assert (caught.value.pk, caught.value.sk, caught.value.expected) == (PK, SK, version)
    assert stale.version == version
    assert _read(store) == _document("second", version=2)


def test_update_two_copies_of_one_version_only_the_first_wins(store: KeyValueStore) -> None:
    _created(store)
    mine, theirs = _read(store), _read(store)
    assert mine is not None
    assert theirs is not None
    mine.title, theirs.title = "mine", "theirs"

    store.update(mine)
    with pytest.raises(VersionConflictError):
        store.update(theirs)

    assert (mine.version, theirs.version) == (2, 1)
    assert _read(store) == _document("mine", version=2)


def test_update_version_conflict_is_a_key_value_store_error(store: KeyValueStore) -> None:
    _created(store)

    with pytest.raises(KeyValueStoreError):
        store.update(_document(version=5))


def test_update_missing_versioned_item_raises_item_not_found_and_creates_nothing(
    store: KeyValueStore,
) -> None:
    document = _document(version=1)

    with pytest.raises(ItemNotFoundError) as caught:
        store.update(document)

    assert (caught.value.pk, caught.value.sk) == (PK, SK)
    assert document.version == 1
    assert _read(store) is None


def test_update_versioned_item_over_an_unversioned_one_raises_version_conflict(
    store: KeyValueStore,
) -> None:
    store.create(Customer(pk=PK, sk=SK, name="no version"))

    with pytest.raises(VersionConflictError):
        store.update(_document(version=0))

    assert store.get_one(PK, SK, Customer) == Customer(pk=PK, sk=SK, name="no version")


def test_update_versioned_item_after_delete_and_create_starts_again_at_1(
    store: KeyValueStore,
) -> None:
    old = _created(store)
    store.update(old)
    store.delete(PK, SK)
    new = _created(store, "reborn")

    with pytest.raises(VersionConflictError):
        store.update(old)

    assert (old.version, new.version) == (2, 1)
    assert _read(store) == _document("reborn", version=1)


# --- in a transaction ---------------------------------------------------------------------


@pytest.mark.transactions
def test_transaction_versioned_create_and_update_set_versions_after_the_commit(
    store: KeyValueStore,
) -> None:
    existing = _created(store, sk="doc#2")
    existing.title = "edited"
    new = _document("new")

    with store.transaction() as tx:
        tx.create(new)
        tx.update(existing)
        versions_inside = (new.version, existing.version)

    assert versions_inside == (0, 1)
    assert (new.version, existing.version) == (1, 2)
    assert (_read(store), _read(store, "doc#2")) == (
        _document("new", version=1),
        _document("edited", version=2, sk="doc#2"),
    )


@pytest.mark.transactions
def test_transaction_stale_version_cancels_everything_and_settles_no_version(
    store: KeyValueStore,
) -> None:
    current = _created(store, "current")
    store.update(current)
    other = _created(store, "other", sk="doc#2")
    stale = _document("stale", version=1)
    new = _document("new", sk="doc#3")

    def with_stale_version() -> None:
        with store.transaction() as tx:
            tx.create(new)
            tx.update(other)
            tx.update(stale)

    with pytest.raises(TransactionCanceledError) as caught:
        with_stale_version()

    _, _, reason = caught.value.reasons
    assert isinstance(reason, VersionConflictError)
    assert (reason.pk, reason.sk) == (PK, SK)
    assert caught.value.reasons[:2] == [None, None]
    assert (new.version, other.version, stale.version) == (0, 1, 1)
    assert [_read(store, sk) for sk in (SK, "doc#2", "doc#3")] == [
        _document("current", version=2),
        _document("other", version=1, sk="doc#2"),
        None,
    ]


@pytest.mark.transactions
def test_transaction_update_of_missing_versioned_item_is_item_not_found(
    store: KeyValueStore,
) -> None:
    with pytest.raises(TransactionCanceledError) as caught, store.transaction() as tx:
        tx.update(_document(version=1))

    (reason,) = caught.value.reasons
    assert type(reason) is ItemNotFoundError


@pytest.mark.transactions
def test_transaction_versioned_create_of_existing_item_is_item_already_exists(
    store: KeyValueStore,
) -> None:
    _created(store)
    again = _document("again")

    with pytest.raises(TransactionCanceledError) as caught, store.transaction() as tx:
        tx.create(again)

    (reason,) = caught.value.reasons
    assert type(reason) is ItemAlreadyExistsError
    assert again.version == 0


@pytest.mark.transactions
def test_transaction_block_raising_settles_no_version(store: KeyValueStore) -> None:
    existing = _created(store)
    new = _document("new", sk="doc#2")

    def raising_block() -> None:
        with store.transaction() as tx:
            tx.update(existing)
            tx.create(new)
            raise BlockError

    with pytest.raises(BlockError):
        raising_block()

    assert (existing.version, new.version) == (1, 0)
    assert (_read(store), _read(store, "doc#2")) == (_document(version=1), None)
