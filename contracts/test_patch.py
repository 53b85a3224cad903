"""patch: each action on each field type, nested paths and list elements, read back whole.

``set`` replaces a value, ``remove`` removes it, ``add`` adds to a number (absent counts
as 0) or adds members to a set (absent counts as empty), ``append`` appends to a list
(absent counts as empty), ``set_if_absent`` sets only an absent attribute. A path may
be a nested model's field (``address.city``), a map's key (``attributes.colour``) or a
list element (``lines[0]``): set past a list's end appends, a removal shifts the rest.
The item patch returns is the item stored afterwards, as the model class.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lvrgd.common.services.kvstore import InvalidItemError, KeyValueStore

from .models import ABSENT, Address
from .patch_models import Gadget, GadgetStored

PK = "gadget#1"
SK = "gadget"
OSLO = Address(street="1 Main", city="Oslo", postcode="0150")
ROME = Address(street="2 High", city="Rome")

VALUES: dict[str, tuple[Any, Any]] = {
    "text": ("old", "new"),
    "count": (5, 7),
    "price": (Decimal("1.10"), Decimal("2.25")),
    "flag": (False, True),
    "blob": (b"\x00\x01", b"\xff"),
    "lines": (["a", "b"], ["c"]),
    "tags": ({"a", "b"}, {"c"}),
    "numbers": ({1, 2}, {3}),
    "blobs": ({b"\x01"}, {b"\x02", b"\x03"}),
    "attributes": ({"colour": "red"}, {"size": "L"}),
    "address": (OSLO, ROME),
}
"""Per field of Gadget: a value stored first, and another a patch gives it."""
FIELDS = list(VALUES)
ABSENT_READS: dict[str, Any] = {"tags": set(), "numbers": set(), "blobs": set()}
"""What Gadget reads for an absent attribute, where it is not None."""


def _stored(store: KeyValueStore, **fields: Any) -> Gadget:
    gadget = Gadget(pk=PK, sk=SK, name="Widget", **fields)
    store.create(gadget)
    return gadget


def _patched(store: KeyValueStore, **changes: Any) -> Gadget:
    """Patch the gadget; what patch returns must be what a read gives afterwards."""
    after: Gadget | None = store.patch(PK, SK, Gadget, **changes)
    assert after is not None
    assert store.get_one(PK, SK, Gadget) == after
    return after


def _absent(field: str) -> Any:
    return ABSENT_READS.get(field)


def _raw(store: KeyValueStore) -> GadgetStored:
    raw = store.get_one(PK, SK, GadgetStored)
    assert raw is not None
    return raw


# --- set ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
def test_patch_set_replaces_a_stored_value_of_each_type(store: KeyValueStore, field: str) -> None:
    before, after = VALUES[field]
    gadget = _stored(store, **{field: before})

    patched = _patched(store, set={field: after})

    assert patched == gadget.model_copy(update={field: after})


@pytest.mark.parametrize("field", FIELDS)
def test_patch_set_stores_an_absent_attribute_of_each_type(
    store: KeyValueStore, field: str
) -> None:
    gadget = _stored(store)

    patched = _patched(store, set={field: VALUES[field][1]})

    assert patched == gadget.model_copy(update={field: VALUES[field][1]})


def test_patch_set_leaves_every_other_attribute_as_stored(store: KeyValueStore) -> None:
    gadget = _stored(store, **{field: before for field, (before, _) in VALUES.items()})

    patched = _patched(store, set={"text": "new"})

    assert patched == gadget.model_copy(update={"text": "new"})


def test_patch_several_actions_apply_together(store: KeyValueStore) -> None:
    gadget = _stored(store, text="old", count=1, lines=["a"], tags={"a"}, flag=True)

    patched = _patched(
        store,
        set={"text": "new"},
        remove=["flag"],
        add={"count": 2, "tags": {"b"}},
        append={"lines": ["b"]},
        set_if_absent={"price": Decimal(3)},
    )

    assert patched == gadget.model_copy(
        update={
            "text": "new",
            "flag": None,
            "count": 3,
            "tags": {"a", "b"},
            "lines": ["a", "b"],
            "price": Decimal(3),
        }
    )


def test_patch_set_of_an_empty_set_stores_it_as_any_write_does(store: KeyValueStore) -> None:
    gadget = _stored(store, tags={"a"})

    emptied = _patched(store, set={"tags": set()})
    refilled = _patched(store, add={"tags": {"b"}})

    assert (emptied, refilled) == (
        gadget.model_copy(update={"tags": set()}),
        gadget.model_copy(update={"tags": {"b"}}),
    )


# --- remove ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
def test_patch_remove_removes_the_attribute_of_each_type(store: KeyValueStore, field: str) -> None:
    gadget = _stored(store, **{field: VALUES[field][0]})

    patched = _patched(store, remove=[field])

    assert patched == gadget.model_copy(update={field: _absent(field)})
    assert getattr(_raw(store), field) == ABSENT


def test_patch_remove_of_an_absent_attribute_changes_nothing_stored(store: KeyValueStore) -> None:
    gadget = _stored(store, text="kept")

    patched = _patched(store, remove=["count"])

    assert patched == gadget


# --- add ------------------------------------------------------------------------------------

ADDS: dict[str, tuple[str, Any, Any, Any]] = {
    "int-up": ("count", 5, 2, 7),
    "int-down-below-zero": ("count", 5, -8, -3),
    "int-absent-counts-from-zero": ("count", None, 3, 3),
    "decimal": ("price", Decimal("1.10"), Decimal("0.15"), Decimal("1.25")),
    "decimal-absent-counts-from-zero": ("price", None, Decimal("-0.5"), Decimal("-0.5")),
    "str-set": ("tags", {"a", "b"}, {"b", "c"}, {"a", "b", "c"}),
    "str-set-absent": ("tags", None, {"x"}, {"x"}),
    "int-set": ("numbers", {1, 2}, {2, 3}, {1, 2, 3}),
    "int-set-absent": ("numbers", None, {7}, {7}),
    "bytes-set": ("blobs", {b"\x01"}, {b"\x02"}, {b"\x01", b"\x02"}),
}
"""Per case: the field, the value stored first (None: none), the value added, the result."""


@pytest.mark.parametrize("case", ADDS.values(), ids=ADDS)
def test_patch_add_adds_to_a_number_or_a_set(
    store: KeyValueStore, case: tuple[str, Any, Any, Any]
) -> None:
    field, before, added, expected = case
    gadget = _stored(store, **({} if before is None else {field: before}))

    patched = _patched(store, add={field: added})

    assert patched == gadget.model_copy(update={field: expected})


def test_patch_add_of_a_fraction_to_a_whole_number_field_is_refused_and_writes_nothing(
    store: KeyValueStore,
) -> None:
    gadget = _stored(store, count=1)

    with pytest.raises(InvalidItemError):
        store.patch(PK, SK, Gadget, add={"count": Decimal("0.5")})

    assert store.get_one(PK, SK, Gadget) == gadget


# --- append ---------------------------------------------------------------------------------


def test_patch_append_appends_to_a_stored_list_in_order(store: KeyValueStore) -> None:
    gadget = _stored(store, lines=["a", "b"])

    patched = _patched(store, append={"lines": ["c", "a"]})

    assert patched == gadget.model_copy(update={"lines": ["a", "b", "c", "a"]})


def test_patch_append_to_an_absent_list_starts_it(store: KeyValueStore) -> None:
    gadget = _stored(store)

    patched = _patched(store, append={"lines": ["c"]})

    assert patched == gadget.model_copy(update={"lines": ["c"]})


def test_patch_append_to_a_list_of_models(store: KeyValueStore) -> None:
    gadget = _stored(store, addresses=[OSLO])

    patched = _patched(store, append={"addresses": [ROME]})

    assert patched == gadget.model_copy(update={"addresses": [OSLO, ROME]})


# --- set_if_absent --------------------------------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
def test_patch_set_if_absent_sets_an_absent_attribute_of_each_type(
    store: KeyValueStore, field: str
) -> None:
    gadget = _stored(store)

    patched = _patched(store, set_if_absent={field: VALUES[field][1]})

    assert patched == gadget.model_copy(update={field: VALUES[field][1]})


@pytest.mark.parametrize("field", FIELDS)
def test_patch_set_if_absent_keeps_a_stored_value_of_each_type(
    store: KeyValueStore, field: str
) -> None:
    before, after = VALUES[field]
    gadget = _stored(store, **{field: before})

    patched = _patched(store, set_if_absent={field: after})

    assert patched == gadget


# --- nested paths ---------------------------------------------------------------------------


def test_patch_set_of_a_nested_field_changes_it_alone(store: KeyValueStore) -> None:
    gadget = _stored(store, address=OSLO)

    patched = _patched(store, set={"address.city": "Bergen"})

    assert patched == gadget.model_copy(
        update={"address": OSLO.model_copy(update={"city": "Bergen"})}
    )


def test_patch_remove_of_an_optional_nested_field(store: KeyValueStore) -> None:
    gadget = _stored(store, address=OSLO)

    patched = _patched(store, remove=["address.postcode"])

    assert patched == gadget.model_copy(
        update={"address": OSLO.model_copy(update={"postcode": None})}
    )


def test_patch_set_if_absent_of_a_nested_field_keeps_a_stored_value(store: KeyValueStore) -> None:
    gadget = _stored(store, address=OSLO)

    patched = _patched(store, set_if_absent={"address.postcode": "9999"})

    assert patched == gadget


def test_patch_set_if_absent_of_a_removed_nested_field_sets_it(store: KeyValueStore) -> None:
    gadget = _stored(store, address=OSLO)
    store.patch(PK, SK, Gadget, remove=["address.postcode"])

    patched = _patched(store, set_if_absent={"address.postcode": "9999"})

    assert patched == gadget.model_copy(
        update={"address": OSLO.model_copy(update={"postcode": "9999"})}
    )


def test_patch_set_of_a_map_key_adds_it_beside_the_others(store: KeyValueStore) -> None:
    gadget = _stored(store, attributes={"colour": "red"})

    patched = _patched(store, set={"attributes.size": "L"})

    assert patched == gadget.model_copy(update={"attributes": {"colour": "red", "size": "L"}})


def test_patch_remove_of_a_map_key_leaves_the_others(store: KeyValueStore) -> None:
    gadget = _stored(store, attributes={"colour": "red", "size": "L"})

    patched = _patched(store, remove=["attributes.colour"])

    assert patched == gadget.model_copy(update={"attributes": {"size": "L"}})


def test_patch_set_of_a_field_of_a_model_in_a_list(store: KeyValueStore) -> None:
    gadget = _stored(store, addresses=[OSLO, ROME])

    patched = _patched(store, set={"addresses[1].city": "Milan"})

    milan = ROME.model_copy(update={"city": "Milan"})
    assert patched == gadget.model_copy(update={"addresses": [OSLO, milan]})


def test_patch_nested_changes_of_two_fields_of_one_model(store: KeyValueStore) -> None:
    gadget = _stored(store, address=OSLO)

    patched = _patched(store, set={"address.city": "Bergen", "address.street": "3 Low"})

    bergen = Address(street="3 Low", city="Bergen", postcode="0150")
    assert patched == gadget.model_copy(update={"address": bergen})


# --- list elements --------------------------------------------------------------------------


LIST_CHANGES: dict[str, Any] = {
    "set-first": (["a", "b", "c"], {"set": {"lines[0]": "z"}}, ["z", "b", "c"]),
    "set-last": (["a", "b", "c"], {"set": {"lines[2]": "z"}}, ["a", "b", "z"]),
    "set-just-past-the-end-appends": (["a", "b"], {"set": {"lines[2]": "z"}}, ["a", "b", "z"]),
    "set-far-past-the-end-appends": (["a", "b"], {"set": {"lines[9]": "z"}}, ["a", "b", "z"]),
    "remove-first-shifts-the-rest": (["a", "b", "c"], {"remove": ["lines[0]"]}, ["b", "c"]),
    "remove-middle-shifts-the-rest": (["a", "b", "c"], {"remove": ["lines[1]"]}, ["a", "c"]),
    "remove-past-the-end-changes-nothing": (["a", "b"], {"remove": ["lines[5]"]}, ["a", "b"]),
    "remove-two-by-their-indexes-before-the-patch": pytest.param(
        (["a", "b", "c", "d"], {"remove": ["lines[0]", "lines[2]"]}, ["b", "d"]),
        marks=pytest.mark.list_index_updates,
    ),
    "set-two-elements": (
        ["a", "b", "c"],
        {"set": {"lines[0]": "x", "lines[2]": "y"}},
        ["x", "b", "y"],
    ),
    "set-two-past-the-end-appends-them-by-index": pytest.param(
        (["a", "b"], {"set": {"lines[9]": "x", "lines[5]": "y"}}, ["a", "b", "y", "x"]),
        marks=pytest.mark.list_index_updates,
    ),
}
"""Per case: the list stored first, the patch, the list after it."""


@pytest.mark.parametrize("case", LIST_CHANGES.values(), ids=LIST_CHANGES)
def test_patch_list_elements_by_index(
    store: KeyValueStore, case: tuple[list[str], dict[str, Any], list[str]]
) -> None:
    before, changes, expected = case
    gadget = _stored(store, lines=before)

    patched = _patched(store, **changes)

    assert patched == gadget.model_copy(update={"lines": expected})


# --- a nested path whose parent is missing --------------------------------------------------

MISSING_PARENTS: dict[str, dict[str, Any]] = {
    "model-field": {"set": {"address.city": "Oslo"}},
    "map-key": {"set": {"attributes.colour": "red"}},
    "list-element": {"set": {"lines[0]": "a"}},
    "field-of-a-list-element": {"set": {"addresses[0].city": "Oslo"}},
    "set-if-absent-of-a-model-field": {"set_if_absent": {"address.postcode": "0150"}},
}


@pytest.mark.parametrize("changes", MISSING_PARENTS.values(), ids=MISSING_PARENTS)
def test_patch_of_a_nested_path_whose_parent_is_absent_is_refused_and_writes_nothing(
    store: KeyValueStore, changes: dict[str, Any]
) -> None:
    gadget = _stored(store, text="kept")

    with pytest.raises(InvalidItemError):
        store.patch(PK, SK, Gadget, **changes, add={"count": 1})

    assert store.get_one(PK, SK, Gadget) == gadget


def test_patch_of_an_element_of_a_list_of_models_past_its_end_is_refused(
    store: KeyValueStore,
) -> None:
    gadget = _stored(store, addresses=[OSLO])

    with pytest.raises(InvalidItemError):
        store.patch(PK, SK, Gadget, set={"addresses[3].city": "Rome"})

    assert store.get_one(PK, SK, Gadget) == gadget
