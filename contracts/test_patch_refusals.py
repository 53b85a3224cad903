"""patch refusals: what a patch may not do is refused before anything is sent.

InvalidItemError, and nothing written, for: a path the model lacks, a key attribute, a
value its field refuses (None included: remove it instead), ``add`` on what is neither
a number nor a set, ``append`` on what is not a list, an empty set or list to add or
append, removing a field the model (or a nested model) requires, two paths that
overlap, a patch that changes nothing, an upsert that leaves a required field unset,
a VersionedItem's version, a condition not built with ``where``. Each is refused even
where no item exists, so the check is the store's, before the engine's.

Index keys stay true: a patch changing a field from which a computed index key
derives, without setting that key, is refused naming the index and the key; with the
key set it is written, and the index shows it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lvrgd.common.services.conditions import where
from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem, KeyValueStore

from .index_models import INDEXES, SHOP, Eventually, StoreFactory
from .models import Address
from .patch_models import Gadget, Located, Note, Shipment

PK = "gadget#1"
SK = "gadget"
ROME = Address(street="2 High", city="Rome")

REFUSALS: dict[str, tuple[type[KeyValueItem], dict[str, Any]]] = {
    "unknown-path": (Gadget, {"set": {"colour": "red"}}),
    "unknown-nested-path": (Gadget, {"set": {"address.country": "NO"}}),
    "path-into-a-string": (Gadget, {"set": {"text.first": "x"}}),
    "path-of-a-list-with-a-name": (Gadget, {"set": {"lines.first": "x"}}),
    "garbled-path": (Gadget, {"set": {"lines[x]": "a"}}),
    "negative-index": (Gadget, {"set": {"lines[-1]": "a"}}),
    "empty-path": (Gadget, {"set": {"": "a"}}),
    "partition-key": (Gadget, {"set": {"pk": "other"}}),
    "sort-key": (Gadget, {"remove": ["sk"]}),
    "wrong-type": (Gadget, {"set": {"count": "many"}}),
    "wrong-type-nested": (Gadget, {"set": {"address.city": 7}}),
    "wrong-type-of-a-list-element": (Gadget, {"set": {"lines[0]": 5}}),
    "wrong-type-whole-model": (Gadget, {"set": {"address": {"street": "1 Main"}}}),
    "none-instead-of-remove": (Gadget, {"set": {"text": None}}),
    "none-to-set-if-absent": (Gadget, {"set_if_absent": {"text": None}}),
    "add-to-a-string": (Gadget, {"add": {"text": "x"}}),
    "add-to-a-bool": (Gadget, {"add": {"flag": True}}),
    "add-to-bytes": (Gadget, {"add": {"blob": b"x"}}),
    "add-to-a-list": (Gadget, {"add": {"lines": ["x"]}}),
    "add-to-a-map": (Gadget, {"add": {"attributes": {"size": "L"}}}),
    "add-to-a-nested-model": (Gadget, {"add": {"address": ROME}}),
    "add-a-bool-to-a-number": (Gadget, {"add": {"count": True}}),
    "add-a-string-to-a-number": (Gadget, {"add": {"count": "1"}}),
    "add-a-number-to-a-set": (Gadget, {"add": {"numbers": 1}}),
    "add-an-empty-set": (Gadget, {"add": {"tags": set()}}),
    "add-a-wrong-member-to-a-set": (Gadget, {"add": {"numbers": {"x"}}}),
    "append-to-a-string": (Gadget, {"append": {"text": ["x"]}}),
    "append-to-a-set": (Gadget, {"append": {"tags": ["x"]}}),
    "append-to-a-map": (Gadget, {"append": {"attributes": ["x"]}}),
    "append-to-a-number": (Gadget, {"append": {"count": [1]}}),
    "append-an-empty-list": (Gadget, {"append": {"lines": []}}),
    "append-a-string": (Gadget, {"append": {"lines": "x"}}),
    "append-a-wrong-element": (Gadget, {"append": {"lines": [1]}}),
    "remove-a-required-field": (Gadget, {"remove": ["name"]}),
    "remove-a-required-nested-field": (Gadget, {"remove": ["address.city"]}),
    "remove-a-required-nested-model": (Located, {"remove": ["address"]}),
    "remove-a-required-field-of-a-list-element": (Gadget, {"remove": ["addresses[0].street"]}),
    "remove-not-a-list-of-paths": (Gadget, {"remove": "text"}),
    "overlap-model-and-its-field": (Gadget, {"set": {"address": ROME, "address.city": "Oslo"}}),
    "overlap-set-and-remove": (Gadget, {"set": {"address": ROME}, "remove": ["address.postcode"]}),
    "overlap-set-and-add": (Gadget, {"set": {"count": 1}, "add": {"count": 1}}),
    "overlap-list-and-element": (Gadget, {"set": {"lines": ["a"]}, "remove": ["lines[0]"]}),
    "overlap-remove-twice": (Gadget, {"remove": ["text", "text"]}),
    "changes-nothing": (Gadget, {}),
    "changes-nothing-with-empty-arguments": (Gadget, {"set": {}, "remove": [], "add": {}}),
    "changes-nothing-but-a-condition": (
        Gadget,
        {"condition": where(Gadget, lambda g: g.name == "Widget")},
    ),
    "upsert-missing-a-required-field": (Gadget, {"set": {"text": "x"}, "upsert": True}),
    "upsert-missing-a-required-model": (Located, {"set": {"label": "x"}, "upsert": True}),
    "upsert-removing-the-required-field": (Gadget, {"remove": ["text"], "upsert": True}),
    "upsert-not-a-bool": (Gadget, {"set": {"name": "x"}, "upsert": "yes"}),
    "versioned-version-set": (Note, {"set": {"version": 7}}),
    "versioned-version-added-to": (Note, {"add": {"version": 1}}),
    "condition-a-string": (Gadget, {"set": {"text": "x"}, "condition": "attribute_exists(pk)"}),
    "condition-a-function": (Gadget, {"set": {"text": "x"}, "condition": lambda g: g.count > 1}),
    "condition-a-node-without-where": (
        Gadget,
        {"set": {"text": "x"}, "condition": where(Gadget, lambda g: g.count == 1).node},
    ),
}
"""Per case: the model the patch names, and its arguments."""


def _stored(store: KeyValueStore) -> list[KeyValueItem]:
    items: list[KeyValueItem] = [
        Gadget(pk=PK, sk=SK, name="Widget", text="kept", lines=["a"], addresses=[ROME]),
        Located(pk=PK, sk="located", label="Home", address=ROME),
        Note(pk=PK, sk="note", title="draft"),
    ]
    for item in items:
        store.create(item)
    return items


def _sk(model: type[KeyValueItem]) -> str:
    return {Located: "located", Note: "note"}.get(model, SK)


def _everything(store: KeyValueStore) -> list[KeyValueItem]:
    found = [store.get_one(PK, _sk(model), model) for model in (Gadget, Located, Note)]
    return [item for item in found if item is not None]


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS)
def test_patch_refused_before_sending_writes_nothing(
    store: KeyValueStore, case: tuple[type[KeyValueItem], dict[str, Any]]
) -> None:
    model, changes = case
    stored = _stored(store)

    with pytest.raises(InvalidItemError) as caught:
        store.patch(PK, _sk(model), model, **changes)

    assert (caught.value.pk, caught.value.sk) == (PK, _sk(model))
    assert _everything(store) == stored


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS)
def test_patch_refusal_comes_before_the_item_is_looked_for(
    store: KeyValueStore, case: tuple[type[KeyValueItem], dict[str, Any]]
) -> None:
    model, changes = case

    with pytest.raises(InvalidItemError):
        store.patch("gadget#missing", SK, model, **changes)

    assert store.get_one("gadget#missing", SK, model) is None


def test_patch_refusal_names_the_operation_and_the_path(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError) as caught:
        store.patch(PK, SK, Gadget, set={"colour": "red"})

    assert caught.value.operation == "patch"
    assert "colour" in str(caught.value)


@pytest.mark.parametrize(
    ("pk", "sk"), [("", SK), (PK, ""), ("p" * 2049, SK)], ids=["empty-pk", "empty-sk", "long-pk"]
)
def test_patch_of_a_key_breaking_the_key_limits_is_refused(
    store: KeyValueStore, pk: str, sk: str
) -> None:
    with pytest.raises(InvalidItemError):
        store.patch(pk, sk, Gadget, set={"name": "Widget"}, upsert=True)


@pytest.mark.number_precision
def test_patch_whose_result_leaves_dynamodbs_numbers_is_refused_and_writes_nothing(
    store: KeyValueStore,
) -> None:
    stored = Gadget(pk=PK, sk=SK, name="Widget", count=10**37 + 1)  # 38 digits
    store.create(stored)

    with pytest.raises(InvalidItemError):
        store.patch(PK, SK, Gadget, add={"count": 9 * 10**37})  # the sum needs 39

    assert store.get_one(PK, SK, Gadget) == stored


# --- index keys computed from a field -------------------------------------------------------


@pytest.fixture
def indexed(kvstore_factory: StoreFactory) -> KeyValueStore:
    """An empty store declaring INDEXES (``by_shop_status`` is keyed by ``status_key``)."""
    return kvstore_factory(indexes=INDEXES)


def _shipment(status: str | None = "open", **fields: Any) -> Shipment:
    return Shipment.model_validate(
        {
            "pk": PK,
            "sk": SK,
            "shop": SHOP,
            "placed_at": "2026-01-01",
            "total": Decimal(10),
            "status": status,
            **fields,
        }
    )


def _by_status(store: KeyValueStore, prefix: str | None = None) -> list[Shipment]:
    return store.query_by_pk(SHOP, Shipment, index="by_shop_status", begins_with=prefix)


STALE_KEYS: dict[str, dict[str, Any]] = {
    "set-the-source": {"set": {"status": "shipped"}},
    "remove-the-source": {"remove": ["status"]},
    "set-the-other-source": {"set": {"placed_at": "2026-02-02"}},
    "set-if-absent-of-the-source": {"set_if_absent": {"status": "shipped"}},
}


@pytest.mark.parametrize("changes", STALE_KEYS.values(), ids=STALE_KEYS)
def test_patch_changing_the_source_of_a_computed_index_key_without_it_is_refused(
    indexed: KeyValueStore, kvstore_eventually: Eventually, changes: dict[str, Any]
) -> None:
    indexed.create(_shipment())

    with pytest.raises(InvalidItemError) as caught:
        indexed.patch(PK, SK, Shipment, **changes)

    assert "by_shop_status" in str(caught.value)
    assert "status_key" in str(caught.value)
    assert indexed.get_one(PK, SK, Shipment) == _shipment()

    def check() -> None:
        assert _by_status(indexed, "open#") == [_shipment()]

    kvstore_eventually(check)


def test_patch_setting_the_source_and_the_computed_key_moves_the_item_in_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    indexed.create(_shipment())

    patched = indexed.patch(
        PK, SK, Shipment, set={"status": "shipped", "status_key": "shipped#2026-01-01"}
    )

    assert patched == _shipment("shipped")
    assert indexed.get_one(PK, SK, Shipment) == _shipment("shipped")

    def check() -> None:
        assert (_by_status(indexed, "open#"), _by_status(indexed, "shipped#")) == (
            [],
            [_shipment("shipped")],
        )

    kvstore_eventually(check)


def test_patch_removing_the_source_and_the_computed_key_takes_the_item_out_of_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    indexed.create(_shipment())

    patched = indexed.patch(PK, SK, Shipment, remove=["status", "status_key"])

    assert patched == _shipment(None)

    def check() -> None:
        assert _by_status(indexed) == []

    kvstore_eventually(check)


def test_patch_of_a_field_no_index_key_derives_from_needs_no_key(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    indexed.create(_shipment())

    patched = indexed.patch(PK, SK, Shipment, add={"total": Decimal(5)})

    assert patched == _shipment(total=Decimal(15))

    def check() -> None:
        assert _by_status(indexed, "open#") == [_shipment(total=Decimal(15))]

    kvstore_eventually(check)


def test_patch_upsert_setting_the_source_and_the_key_puts_a_new_item_in_the_index(
    indexed: KeyValueStore, kvstore_eventually: Eventually
) -> None:
    fields = {"shop": SHOP, "placed_at": "2026-01-01", "total": Decimal(10), "status": "open"}

    created = indexed.patch(
        PK, SK, Shipment, set={**fields, "status_key": "open#2026-01-01"}, upsert=True
    )

    assert created == _shipment()

    def check() -> None:
        assert _by_status(indexed, "open#") == [_shipment()]

    kvstore_eventually(check)
