"""Where generation steers away from an engine's documented faults, engine by engine.

The state machine requires the in-memory store and DynamoDBService on an engine to
agree on every call. Where an engine is known to break DynamoDB's documentation,
agreement is impossible for reasons that are the engine's, not ours; the machine
then avoids that input *for that engine only*, and says so in the run's summary.
Nothing is hidden: every fault below is a row of docs/fidelity.md (the fault's name
is the row's anchor) with a probe in ``test_fidelity.py`` that fails the day the
engine changes, and ``DIFFERENTIAL_STEERING=off`` (or a comma-separated list of
fault names) lifts the steering so that the machine shows the fault again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from differential._models import WIDE_FIELDS
from lvrgd.common.services.kvstore import MAX_ITEM_BYTES

FIDELITY_DOC = "docs/fidelity.md"
STEERING_VARIABLE = "DIFFERENTIAL_STEERING"
"""``off`` lifts every steering; ``fault-a,fault-b`` lifts those; unset or ``on``, none."""


@dataclass(frozen=True)
class Steering:
    """What the machine may generate for one engine.

    Attributes:
        max_payload_bytes: Largest bulk payload of a near-400 KB item.
        max_update_payload_bytes: Largest bulk payload an update may carry.
        ascii_near_limit: Near-limit items hold only ASCII text (keys included).
        empty_map_keys: Maps may have an empty key.
        utf16_ordered_between: ``between`` bounds are in order in UTF-16 as well as UTF-8.
        bounds_below_surrogates: Sort-key condition bounds hold no character above
            U+D7FF, so that they compare with any sort key alike in UTF-8 and UTF-16.
        wide_updates: ``update`` may get a model of hundreds of fields.
        max_wide_fields: Most fields a wide model sets (the rest are None).
        index_projects_long_numbers: A KEYS_ONLY or INCLUDE index may be read while its
            partition holds an item with a number written in more than 38 digits;
            else such a read is not made.
        pk_within_index_sort_key: Near-limit partition keys have at most 1,024 bytes
            (or more than 2,048), as the inverted index sorts by them.
        lsi_fetches_unprojected: A read of the local index may name a model needing
            attributes the index does not project (read from the table); else such a
            read hydrates instead.
        orders_mixed_types: A condition may order (``<``, ``between``...) two values of
            different types, or of a type DynamoDB does not order.
        bool_is_not_number: A condition may compare a boolean with a number by ``=``.
        sizes_absent: ``size`` may meet an absent attribute.
        sizes_scalars: ``size`` may meet a number, a boolean or a null.
        utf16_size: ``size`` may meet a string with characters beyond the BMP.
        begins_with_any_type: ``begins_with`` may meet a value neither string nor binary.
        binary_begins_with: ``begins_with`` may meet a binary.
        binary_contains: ``contains`` may meet a binary.
        falsy_values: ``attribute_type``, ``in_`` and ``between`` may meet a false
            boolean, an empty string or an empty binary.
        utf8_string_order: A condition may order two strings whose UTF-8 and UTF-16
            orders differ.
        document_equality: A condition may compare two lists or maps by ``=``, or look
            for a list, map, boolean or null in a list with ``contains``.
        absent_operands: A condition may compare two operands that are both absent.
        list_sets_in_index_order: A patch may set two indexes past the end of one list.
        list_removals_before: A patch may remove two indexes of one list.
        patches_unreadable_items: A patch may meet a stored item its model cannot read
            (KNOWN_BUGS: the stores disagree there).
        sums_past_28_digits: A patch may ``add`` to a number a sum of more than 28
            significant digits (and at most 38).
        refuses_orphan_removals: A patch may remove a nested path whose parent is absent
            (or not a map or list), which DynamoDB refuses.
        exact_sums: A patch may ``add`` to a number a sum DynamoDB refuses (more than 38
            significant digits, or out of range).
        faults: The docs/fidelity.md anchors of the faults this steering avoids.
    """

    max_payload_bytes: int = MAX_ITEM_BYTES + 16
    max_update_payload_bytes: int = MAX_ITEM_BYTES + 16
    ascii_near_limit: bool = False
    empty_map_keys: bool = True
    utf16_ordered_between: bool = False
    bounds_below_surrogates: bool = False
    wide_updates: bool = True
    max_wide_fields: int = WIDE_FIELDS
    lsi_fetches_unprojected: bool = True
    index_projects_long_numbers: bool = True
    pk_within_index_sort_key: bool = False
    orders_mixed_types: bool = True
    bool_is_not_number: bool = True
    sizes_absent: bool = True
    sizes_scalars: bool = True
    utf16_size: bool = True
    begins_with_any_type: bool = True
    binary_begins_with: bool = True
    binary_contains: bool = True
    falsy_values: bool = True
    utf8_string_order: bool = True
    document_equality: bool = True
    absent_operands: bool = True
    list_sets_in_index_order: bool = True
    list_removals_before: bool = True
    exact_sums: bool = True
    refuses_orphan_removals: bool = True
    sums_past_28_digits: bool = True
    patches_unreadable_items: bool = True
    faults: tuple[str, ...] = ()


FAITHFUL = Steering()
"""No steering: DynamoDB itself, or an engine with no fault the machine can reach."""

MOTO_PAYLOAD_BYTES = 100_000
"""Two stored payloads plus an update's stay below moto's 405,000, counted its way."""
MINISTACK_UPDATE_PAYLOAD_BYTES = 400_000
"""Leaves room for ministack's per-action charge below 409,600."""

ADJUSTMENTS: dict[str, dict[str, Any]] = {
    # moto refuses items above 405,000 bytes, by its own formula, hard-coded.
    # See docs/fidelity.md#size-409600-put.
    "size-409600-put": {
        "max_payload_bytes": MOTO_PAYLOAD_BYTES,
        "max_update_payload_bytes": MOTO_PAYLOAD_BYTES,
    },
    # moto's UpdateItem counts the stored item plus the new values, so a replaced
    # value counts twice. See docs/fidelity.md#size-update-replaces-value.
    "size-update-replaces-value": {
        "max_payload_bytes": MOTO_PAYLOAD_BYTES,
        "max_update_payload_bytes": MOTO_PAYLOAD_BYTES,
    },
    # moto stores a map with an empty key, then answers GetItem and Query with that
    # map malformed ({"M": {"S": "v"}}): docs/fidelity.md#empty-map-key
    "empty-map-key": {"empty_map_keys": False},
    # moto answers an UpdateItem of some 200 actions or more with HTTP 500:
    # docs/fidelity.md#update-200-actions
    "update-200-actions": {"wide_updates": False},
    # dynalite counts strings, names and keys in UTF-16 code units, so an update taking
    # a multi-byte item past 409,600 bytes passes there: docs/fidelity.md#size-utf8-strings
    "size-utf8-strings": {"ascii_near_limit": True},
    # dynalite checks that BETWEEN's bounds are in order by UTF-16 code units, so it
    # refuses bounds such as "\ue000" and "\U0001f600", which are in order in UTF-8.
    # See docs/fidelity.md#condition-between-across-surrogates.
    "condition-between-across-surrogates": {"utf16_ordered_between": True},
    # dynalite checks that a Query's ExclusiveStartKey meets the key condition by UTF-16
    # code units, so it refuses to resume `sk > "\ue000"` past "\U00010000", which meets
    # it in UTF-8 (where it found that key). A read that skips other entities resumes
    # past the last item it read: docs/fidelity.md#query-start-key-past-bmp
    "query-start-key-past-bmp": {"bounds_below_surrogates": True},
    # ministack refuses an UpdateItem whose "request charge" (19 bytes, the name and the
    # value per SET) passes 409,600, whatever the item it leaves; with a short key, an
    # update to an item of exactly 409,600 bytes: docs/fidelity.md#size-update-at-limit
    "size-update-at-limit": {"max_update_payload_bytes": MINISTACK_UPDATE_PAYLOAD_BYTES},
    # moto and ministack answer a Query of a KEYS_ONLY or INCLUDE local index with
    # Select=ALL_ATTRIBUTES with the projected attributes only, where DynamoDB fetches
    # the rest from the table: docs/fidelity.md#index-lsi-fetches-unprojected
    "index-lsi-fetches-unprojected": {"lsi_fetches_unprojected": False},
    # moto answers a Query of a KEYS_ONLY or INCLUDE index (global or local) with HTTP
    # 500 (decimal.Rounded, from boto3's 38-digit context, in Item.project) when an item
    # it projects holds a number written in more than 38 digits, such as 1E+40 written
    # out (one significant digit: DynamoDB trims trailing zeros and accepts it). Found
    # by this machine: docs/fidelity.md#index-projection-long-number
    "index-projection-long-number": {"index_projects_long_numbers": False},
    # -- conditions and patches (docs/engine-notes.md section k): a condition or a patch
    # that would meet one of these on the stored item is not made on that engine
    # (differential/_condition_faults.py judges it on the in-memory store's item).
    # moto answers HTTP 500 to an order comparison of two types (S > N), or of a type
    # DynamoDB does not order: docs/fidelity.md#condition-order-types
    "condition-order-types": {"orders_mixed_types": False},
    # moto holds BOOL true = N 1 (Python's True == 1): docs/fidelity.md#condition-equal-types
    "condition-equal-types": {"bool_is_not_number": False},
    # moto answers HTTP 500 to size() of an absent attribute:
    # docs/fidelity.md#condition-size-absent
    "condition-size-absent": {"sizes_absent": False},
    # moto answers HTTP 500 to size() of a number, a boolean or a null; ministack holds
    # a comparison of it: docs/fidelity.md#condition-size-scalars
    "condition-size-scalars": {"sizes_scalars": False},
    # moto's size() of a string counts code points: docs/fidelity.md#condition-size-utf16
    "condition-size-utf16": {"utf16_size": False},
    # ministack refuses begins_with of a number or a list, and of a string with a binary
    # prefix (ValidationException); the last found by this machine (deep profile):
    # docs/fidelity.md#condition-begins-with-types
    "condition-begins-with-types": {"begins_with_any_type": False},
    # moto's begins_with of a binary is false: docs/fidelity.md#condition-binary-begins-with
    "condition-binary-begins-with": {"binary_begins_with": False},
    # moto's and ministack's contains of a binary is false:
    # docs/fidelity.md#condition-binary-contains
    "condition-binary-contains": {"binary_contains": False},
    # dynalite takes BOOL false, "" and an empty binary for absent in attribute_type, IN
    # and BETWEEN: docs/fidelity.md#condition-falsy-values
    "condition-falsy-values": {"falsy_values": False},
    # dynalite orders strings by UTF-16 code units: docs/fidelity.md#condition-string-order-utf8
    "condition-string-order-utf8": {"utf8_string_order": False},
    # dynalite compares lists and maps by identity (never equal), and its contains finds
    # only strings, numbers and binaries in a list: docs/fidelity.md#condition-document-equality
    "condition-document-equality": {"document_equality": False},
    # Every engine holds `x = y` (and `x <= y`, not `x <> y`) of two absent attributes,
    # where the in-memory store, for which an absent attribute is unequal to anything,
    # does the opposite; DynamoDB's documentation is silent, so the row takes no side:
    # docs/fidelity.md#condition-absent-operands
    "condition-absent-operands": {"absent_operands": False},
    # moto and ministack append SETs past a list's end in the expression's order:
    # docs/fidelity.md#update-list-index-set-past-end
    "update-list-index-set-past-end": {"list_sets_in_index_order": False},
    # dynalite and ministack remove list indexes one after the other:
    # docs/fidelity.md#update-list-index-remove-two
    "update-list-index-remove-two": {"list_removals_before": False},
    # ministack accepts (as doing nothing) a REMOVE of a nested path whose parent is absent,
    # where DynamoDB refuses the document path. Found by this machine (deep profile):
    # docs/fidelity.md#update-remove-parent-absent
    "update-remove-parent-absent": {"refuses_orphan_removals": False},
    # ministack rounds a sum to 28 significant digits (Python's default decimal context),
    # where DynamoDB keeps 38. Found by this machine (deep profile):
    # docs/fidelity.md#update-add-28-digits
    "update-add-28-digits": {"sums_past_28_digits": False},
    # moto and dynalite store a sum of 39 digits, ministack rounds it to 38:
    # docs/fidelity.md#update-add-39-digits
    "update-add-39-digits": {"exact_sums": False},
}

ENGINE_FAULTS: dict[str, tuple[str, ...]] = {
    "moto": (
        "size-409600-put",
        "size-update-replaces-value",
        "empty-map-key",
        "update-200-actions",
        "index-lsi-fetches-unprojected",
        "index-projection-long-number",
        "condition-order-types",
        "condition-equal-types",
        "condition-size-absent",
        "condition-size-scalars",
        "condition-size-utf16",
        "condition-binary-begins-with",
        "condition-binary-contains",
        "update-list-index-set-past-end",
        "update-add-39-digits",
        "condition-absent-operands",
    ),
    "dynalite": (
        "size-utf8-strings",
        "condition-between-across-surrogates",
        "query-start-key-past-bmp",
        "condition-falsy-values",
        "condition-string-order-utf8",
        "condition-document-equality",
        "update-list-index-remove-two",
        "update-add-39-digits",
        "condition-absent-operands",
    ),
    "ministack": (
        "size-update-at-limit",
        "index-lsi-fetches-unprojected",
        "condition-size-scalars",
        "condition-begins-with-types",
        "condition-binary-contains",
        "update-list-index-set-past-end",
        "update-list-index-remove-two",
        "update-add-39-digits",
        "condition-absent-operands",
        "update-remove-parent-absent",
        "update-add-28-digits",
    ),
}
"""The faults of each engine that the machine would otherwise reach."""


KNOWN_BUGS: dict[str, dict[str, Any]] = {
    # Open bugs of src/, kept out of the machine on every engine while they are open so
    # that the machine stays able to show new disagreements. Each entry names its
    # failing case in differential/test_regressions.py; delete the entry with the fix.
    #
    # A patch of an item the model cannot read (an untagged item whose text `title`
    # a Measure reads as an int): the in-memory store refuses it, DynamoDBService
    # applies it. test_patch_of_an_item_that_does_not_read_as_the_model_is_the_same_on_
    # both_stores. No patch is made where the stored item does not read as the model.
    "patch-of-an-unreadable-item": {"patches_unreadable_items": False},
}
"""Open bugs of src/, each with its failing regression case (or a note on where it is
owed); lifted like the faults."""


def lifted_faults() -> frozenset[str] | None:
    """The faults ``DIFFERENTIAL_STEERING`` lifts; None for all of them."""
    value = os.environ.get(STEERING_VARIABLE, "on").strip()
    if value == "off":
        return None
    if value in ("", "on"):
        return frozenset()
    return frozenset(name.strip() for name in value.split(","))


def steering_for(engine: str) -> Steering:
    """The steering of `engine`: none for DynamoDB itself or an unknown engine."""
    lifted = lifted_faults()
    steering = FAITHFUL
    adjustments = [(fault, ADJUSTMENTS[fault]) for fault in ENGINE_FAULTS.get(engine, ())]
    for name, changes in [*adjustments, *KNOWN_BUGS.items()]:
        if lifted is None or name in lifted:
            continue
        steering = replace(
            steering, **_tightened(steering, changes), faults=(*steering.faults, name)
        )
    return steering


def _tightened(steering: Steering, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes, a numeric cap never loosening one already applied."""
    return {
        name: min(value, getattr(steering, name))
        if isinstance(value, int) and not isinstance(value, bool)
        else value
        for name, value in changes.items()
    }
