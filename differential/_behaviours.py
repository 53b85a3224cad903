"""Every row of docs/fidelity.md: what DynamoDB documents, and what each backend did.

The probes are in ``_steps_reads.py`` and ``_steps_writes.py``; ``_fidelity.py``
renders this table into the page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from differential._behaviour import (
    ATTRIBUTE_LIMITS,
    COMPARISONS,
    CONDITIONS,
    CONSISTENCY,
    DATA_TYPE_LIMITS,
    DELETE_ITEM,
    EXPRESSION_LIMITS,
    FUNCTIONS,
    GET_ITEM,
    GSI_SCENARIO,
    GSI_WRITES,
    IF_NOT_EXISTS,
    INDEX_KEY_VIOLATIONS,
    ITEM_LIMITS,
    KEY_CONDITIONS,
    KEY_LIMITS,
    LSI_QUERYING,
    LSI_WRITES,
    NAMES,
    NAMING,
    NUMBERS,
    PAGINATION,
    PROJECTION,
    PUT_ITEM,
    QUERY,
    QUERY_CONSISTENT,
    QUERY_ERRORS,
    QUERY_LAST_KEY,
    QUERY_SELECT,
    SETS,
    SIZES,
    SPARSE,
    UPDATE_ITEM,
    UPDATES,
    Behaviour,
    recorded_as,
)
from differential._probes import (
    CONDITION_FAILED,
    NO_ITEM,
    boundary_label,
    item,
    mem_query_label,
    raw_query_label,
    sort_keys_label,
    tagged,
)
from differential._raw import (
    ACCEPTED,
    GSI,
    GSI_INCLUDE,
    GSI_KEYS,
    LSI,
    REFUSED,
)
from differential._steps_conditions import (
    FALSE,
    HOLDS,
    condition,
    joined,
    patch,
    raw_update,
    refused_when_built,
)
from differential._steps_indexes import (
    EACH_ONCE,
    IncludeView,
    KeysView,
    consistent_engine,
    consistent_memory,
    empty_key_writes_engine,
    empty_key_writes_memory,
    equal_keys_engine,
    equal_keys_memory,
    gsi_all_attributes_engine,
    gsi_all_attributes_memory,
    include_limit_engine,
    include_limit_memory,
    index_key_pair,
    index_key_write,
    last_key_engine,
    last_key_memory,
    long_number_engine,
    long_number_memory,
    lsi_fetch_engine,
    lsi_fetch_memory,
    no_sort_key_engine,
    no_sort_key_memory,
    number_keys_engine,
    number_keys_memory,
    order_engine,
    order_memory,
    projected_engine,
    projected_memory,
    sparse_engine,
    sparse_memory,
    unknown_index_engine,
    unknown_index_memory,
    writes_label,
)
from differential._steps_reads import (
    CONTROLS,
    ORDERED,
    PREFIXED,
    descending_engine,
    empty_keys_engine,
    empty_keys_memory,
    limit_engine,
    limit_memory,
    nan_engine,
    nan_memory,
    number_pair,
    number_read,
    pages_engine,
    pages_memory,
    read_key,
    resumed_engine,
    resumed_memory,
    seeded_engine,
    seeded_memory,
    write_key,
)
from differential._steps_writes import (
    BINARY_EXTRA,
    CONTAINERS_EXTRA,
    LONG_NAME,
    NUMBERS_EXTRA,
    SETS_EXTRA,
    bare_update_engine,
    bare_update_memory,
    boundary,
    create_twice_engine,
    create_twice_memory,
    delete_missing_engine,
    delete_missing_memory,
    duplicates_engine,
    duplicates_memory,
    empty_map_key_engine,
    empty_set_engine,
    empty_set_memory,
    entity_label,
    if_not_exists,
    long_name,
    names_engine,
    names_memory,
    nesting,
    read_after_write_engine,
    read_after_write_memory,
    replace_engine,
    replace_memory,
    round_trip,
    sized,
    types_engine,
    types_memory,
    update_at_limit_engine,
    update_at_limit_memory,
    update_keeping_entity_at_limit,
    update_missing_engine,
    update_missing_memory,
    update_narrow_engine,
    update_narrow_memory,
    wide_update,
)
from lvrgd.common.services.conditions import (
    attribute_type,
    begins_with,
    between,
    contains,
    in_,
    size,
)

if TYPE_CHECKING:
    from differential._behaviour import Probes


def _b(probes: Probes, **rest: Any) -> Behaviour:
    return Behaviour(on_memory=probes[0], on_engine=probes[1], **rest)


def _i(probes: Probes, **rest: Any) -> Behaviour:
    """A behaviour of secondary indexes: its probes get the indexed store and table."""
    return Behaviour(on_memory=probes[0], on_engine=probes[1], indexed=True, **rest)


def _joined(*labels: str) -> str:
    """Several cases' outcomes, as a cell shows them."""
    return " / ".join(labels)


_BETWEEN_2_AND_B = {
    "ConditionExpression": "#x BETWEEN :low AND :high",
    "ExpressionAttributeNames": {"#x": "x"},
    "ExpressionAttributeValues": {":low": {"N": "2"}, ":high": {"S": "b"}},
}
"""What ``between(m.x, 2, "b")`` would compile to, were it built (`where` refuses it)."""
BOTH = boundary_label(ACCEPTED, REFUSED)
NONE_ACCEPTED = boundary_label(REFUSED, REFUSED)
BOTH_ACCEPTED = boundary_label(ACCEPTED, ACCEPTED)
BOTH_REFUSED = boundary_label(REFUSED, REFUSED)
EMPTY_KEY_WRITES = writes_label(REFUSED, REFUSED, REFUSED)
LSI_PROJECTED_ONLY = boundary_label("[lsk, pk, sk]", "[a, lsk, pk, sk]")
"""The projected attributes only: ALL_ATTRIBUTES fetched nothing from the table."""


BEHAVIOURS: tuple[Behaviour, ...] = (
    # -- keys --
    _b(
        write_key("é" * 1024, "s"),
        anchor="key-pk-2048-bytes",
        title="Partition key of 2,048 UTF-8 bytes (1,024 times é)",
        documented=f"[A partition key value is 1 to 2,048 bytes]({KEY_LIMITS}).",
        expected=ACCEPTED,
        recorded=recorded_as(ACCEPTED),
    ),
    _b(
        write_key("é" * 1024 + "a", "s"),
        anchor="key-pk-2049-bytes",
        title="Partition key of 2,049 UTF-8 bytes (1,025 characters)",
        documented=f"[At most 2,048 bytes]({KEY_LIMITS}); strings are [UTF-8]({SIZES}).",
        expected=REFUSED,
        recorded=recorded_as(REFUSED, dynalite=ACCEPTED),
    ),
    _b(
        write_key("p", "€" * 341 + "a"),
        anchor="key-sk-1024-bytes",
        title="Sort key of 1,024 UTF-8 bytes (342 characters)",
        documented=f"[A sort key value is 1 to 1,024 bytes]({KEY_LIMITS}).",
        expected=ACCEPTED,
        recorded=recorded_as(ACCEPTED),
    ),
    _b(
        write_key("p", "€" * 341 + "é"),
        anchor="key-sk-1025-bytes",
        title="Sort key of 1,025 UTF-8 bytes (342 characters)",
        documented=f"[At most 1,024 bytes]({KEY_LIMITS}); strings are [UTF-8]({SIZES}).",
        expected=REFUSED,
        recorded=recorded_as(REFUSED, dynalite=ACCEPTED),
    ),
    Behaviour(
        anchor="key-empty",
        title="Empty partition key / empty sort key",
        documented=(
            f"[Key attributes of type String must have a length greater than zero]({PUT_ITEM})."
        ),
        expected=boundary_label(REFUSED, REFUSED),
        on_memory=empty_keys_memory,
        on_engine=empty_keys_engine,
        recorded=recorded_as(boundary_label(REFUSED, REFUSED)),
    ),
    _b(
        read_key("a" * 2049, "s"),
        anchor="key-get-oversized",
        title="GetItem with a 2,049-byte partition key",
        documented=(
            f"[The key limits]({KEY_LIMITS}); what a read with a longer key gives is not "
            "documented."
        ),
        expected=None,
        recorded=recorded_as(REFUSED, moto=NO_ITEM),
    ),
    Behaviour(
        anchor="key-query-oversized",
        title="Query of a 2,049-byte partition key",
        documented=f"[The key limits]({KEY_LIMITS}); not documented for a Query's key condition.",
        expected=None,
        on_memory=lambda store: mem_query_label(store, "a" * 2049),
        on_engine=lambda raw: raw_query_label(raw, "a" * 2049),
        recorded=recorded_as("[]", memory=REFUSED),
    ),
    Behaviour(
        anchor="key-query-empty-bound",
        title='Query with `begins_with(sk, "")`',
        documented=(
            f"[Key attributes cannot be empty]({PUT_ITEM}); not documented for a key condition's "
            "operand."
        ),
        expected=None,
        on_memory=lambda store: mem_query_label(store, "probe#bound", begins_with=""),
        on_engine=lambda raw: raw_query_label(raw, "probe#bound", "begins_with(#sk, :a)", a=""),
        recorded=recorded_as(REFUSED, dynalite="[]"),
    ),
    # -- order and conditions --
    Behaviour(
        anchor="order-utf8-ascending",
        title="Query order, ascending, across the BMP's end",
        documented=f"[Results are returned in order of UTF-8 bytes]({KEY_CONDITIONS}).",
        expected=sort_keys_label(list(ORDERED)),
        on_memory=seeded_memory("probe#order", ORDERED),
        on_engine=seeded_engine("probe#order", ORDERED),
        recorded=recorded_as(sort_keys_label(list(ORDERED))),
    ),
    Behaviour(
        anchor="order-utf8-descending",
        title="Query order, descending (`ScanIndexForward=false`)",
        documented=f"[ScanIndexForward false reverses the order]({KEY_CONDITIONS}).",
        expected=sort_keys_label(list(reversed(ORDERED))),
        on_memory=seeded_memory("probe#order-desc", ORDERED, descending=True),
        on_engine=descending_engine("probe#order-desc"),
        recorded=recorded_as(sort_keys_label(list(reversed(ORDERED)))),
    ),
    Behaviour(
        anchor="order-control-characters",
        title="Query order with NUL and control characters",
        documented=f"[Order of UTF-8 bytes]({KEY_CONDITIONS}).",
        expected=sort_keys_label(list(CONTROLS)),
        on_memory=seeded_memory("probe#controls", CONTROLS),
        on_engine=seeded_engine("probe#controls", CONTROLS),
        recorded=recorded_as(sort_keys_label(list(CONTROLS))),
    ),
    Behaviour(
        anchor="condition-begins-with-shared-byte",
        title="`begins_with` on a prefix sharing a UTF-8 byte with another character",
        documented=f"[begins_with(a, substr) is true if a begins with substr]({KEY_CONDITIONS}).",
        expected=sort_keys_label(["é", "éa"]),
        on_memory=seeded_memory("probe#prefix", PREFIXED, begins_with="é"),
        on_engine=seeded_engine("probe#prefix", PREFIXED, "begins_with(#sk, :a)", a="é"),
        recorded=recorded_as(sort_keys_label(["é", "éa"])),
    ),
    Behaviour(
        anchor="condition-between-inclusive",
        title="`BETWEEN` includes both bounds",
        documented=f"[a BETWEEN b AND c is true if a >= b and a <= c]({KEY_CONDITIONS}).",
        expected=sort_keys_label(list(ORDERED[2:])),
        on_memory=seeded_memory("probe#between", ORDERED, between=("é", "😀")),
        on_engine=seeded_engine("probe#between", ORDERED, "#sk BETWEEN :a AND :b", a="é", b="😀"),
        recorded=recorded_as(sort_keys_label(list(ORDERED[2:]))),
    ),
    Behaviour(
        anchor="condition-gt-past-bmp",
        title='`sk > "\\uffff"` finds characters beyond the BMP',
        documented=f"[Comparisons follow the order of UTF-8 bytes]({KEY_CONDITIONS}).",
        expected=sort_keys_label(list(ORDERED[-2:])),
        on_memory=seeded_memory("probe#gt", ORDERED, gt="\uffff"),
        on_engine=seeded_engine("probe#gt", ORDERED, "#sk > :a", a="\uffff"),
        recorded=recorded_as(sort_keys_label(list(ORDERED[-2:]))),
    ),
    Behaviour(
        anchor="condition-lte-non-bmp",
        title='`sk <= "\\U00010000"` stops before U+1F600',
        documented=f"[Comparisons follow the order of UTF-8 bytes]({KEY_CONDITIONS}).",
        expected=sort_keys_label(list(ORDERED[:-1])),
        on_memory=seeded_memory("probe#lte", ORDERED, lte="\U00010000"),
        on_engine=seeded_engine("probe#lte", ORDERED, "#sk <= :a", a="\U00010000"),
        recorded=recorded_as(sort_keys_label(list(ORDERED[:-1]))),
    ),
    Behaviour(
        anchor="condition-between-across-surrogates",
        title='`BETWEEN "\ue000" AND "😀"`: in order in UTF-8, not in UTF-16',
        documented=f"[Comparisons follow the order of UTF-8 bytes]({KEY_CONDITIONS}).",
        expected=sort_keys_label(list(ORDERED[4:])),
        on_memory=seeded_memory("probe#between-utf16", ORDERED, between=("\ue000", "😀")),
        on_engine=seeded_engine(
            "probe#between-utf16", ORDERED, "#sk BETWEEN :a AND :b", a="\ue000", b="😀"
        ),
        recorded=recorded_as(sort_keys_label(list(ORDERED[4:])), dynalite=REFUSED),
    ),
    Behaviour(
        anchor="condition-between-reversed",
        title="`BETWEEN` with the low bound above the high bound",
        documented=(
            f"[BETWEEN is defined for b <= c]({KEY_CONDITIONS}); the error for b > c is not "
            "documented."
        ),
        expected=None,
        on_memory=seeded_memory("probe#reversed", ORDERED, between=("z", "a")),
        on_engine=seeded_engine("probe#reversed", ORDERED, "#sk BETWEEN :a AND :b", a="z", b="a"),
        recorded=recorded_as(REFUSED, moto="[]"),
    ),
    Behaviour(
        anchor="query-empty-partition",
        title="Query of a partition with no item",
        documented=f"[If no matching items are found, the result set is empty]({KEY_CONDITIONS}).",
        expected="[]",
        on_memory=lambda store: mem_query_label(store, "probe#nothing"),
        on_engine=lambda raw: raw_query_label(raw, "probe#nothing"),
        recorded=recorded_as("[]"),
    ),
    Behaviour(
        anchor="query-limit-last-evaluated-key",
        title="Query whose `Limit` equals the items left",
        documented=(
            "[When the Limit is reached, the operation stops and returns a "
            f"LastEvaluatedKey]({QUERY}); "
            f"[paginate until it is absent]({PAGINATION})."
        ),
        expected="3 items, a LastEvaluatedKey",
        on_memory=limit_memory,
        on_engine=limit_engine,
        recorded=recorded_as(
            "3 items, a LastEvaluatedKey",
            memory="3 items (the port has no pages)",
            moto="3 items, no LastEvaluatedKey",
        ),
        why=(
            "query_by_pk follows LastEvaluatedKey itself and returns items only; no page reaches "
            "the caller"
        ),
    ),
    Behaviour(
        anchor="query-page-1mb",
        title="Query pages of twelve 100 KB items",
        documented=(
            f"[A Query reads at most 1 MB of data per call]({QUERY}); where the page ends exactly "
            "is not documented."
        ),
        expected=None,
        on_memory=pages_memory,
        on_engine=pages_engine,
        recorded={
            "memory": "12 items in one call (the port follows pages)",
            "moto": "pages of 9 + 3 items",
            "dynalite": "pages of 11 + 1 items",
            "ministack": "pages of 10 + 2 items",
        },
    ),
    # -- numbers --
    _b(
        number_read("1.50"),
        anchor="number-trailing-zeros",
        title="Number `1.50` read back",
        documented=f"[Leading and trailing zeroes are trimmed]({NUMBERS}).",
        expected="1.5",
        recorded=recorded_as("1.5", moto="1.50"),
    ),
    _b(
        number_read("00012.3400"),
        anchor="number-leading-zeros",
        title="Number `00012.3400` read back",
        documented=f"[Leading and trailing zeroes are trimmed]({NUMBERS}).",
        expected="12.34",
        recorded=recorded_as("12.34", moto="00012.3400"),
    ),
    _b(
        number_read("-0"),
        anchor="number-negative-zero",
        title="Number `-0` read back",
        documented=f"[Numbers are exact decimals]({NUMBERS}); the text of zero is not documented.",
        expected=None,
        recorded=recorded_as("0", moto="-0"),
    ),
    _b(
        number_read("1E+5"),
        anchor="number-exponent",
        title="Number `1E+5` read back",
        documented=(
            f"[Numbers are sent and returned as strings]({NUMBERS}); the returned form is not "
            "documented."
        ),
        expected=None,
        recorded=recorded_as("100000", moto="1E+5"),
    ),
    _b(
        number_pair(
            "12345678901234567890123456789012345678", "123456789012345678901234567890123456789"
        ),
        anchor="number-38-digits",
        title="38 significant digits / 39",
        documented=f"[A number has up to 38 digits of precision]({DATA_TYPE_LIMITS}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=BOTH_ACCEPTED),
    ),
    _b(
        number_pair("9.9999999999999999999999999999999999999E+125", "1E+126"),
        anchor="number-largest",
        title="9.99…9E+125 / 1E+126",
        documented=(
            "[Positive range 1E-130 to "
            f"9.9999999999999999999999999999999999999E+125]({DATA_TYPE_LIMITS})."
        ),
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=BOTH_ACCEPTED),
    ),
    _b(
        number_pair("1E-130", "1E-131"),
        anchor="number-smallest",
        title="1E-130 / 1E-131",
        documented=f"[Positive range 1E-130 to 9.99…E+125]({DATA_TYPE_LIMITS}).",
        expected=BOTH,
        recorded=recorded_as(BOTH),
    ),
    _b(
        number_pair("-9.9999999999999999999999999999999999999E+125", "-1E+126"),
        anchor="number-negative-range",
        title="-9.99…9E+125 / -1E+126",
        documented=f"[Negative range -9.99…E+125 to -1E-130]({DATA_TYPE_LIMITS}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=BOTH_ACCEPTED),
    ),
    Behaviour(
        anchor="number-nan",
        title="NaN as a number",
        documented=f"[Numbers are finite decimals within the range]({DATA_TYPE_LIMITS}).",
        expected=REFUSED,
        on_memory=nan_memory,
        on_engine=nan_engine,
        recorded=recorded_as(REFUSED),
    ),
    # -- sizes --
    _b(
        boundary(sized("probe#size", {})),
        anchor="size-409600-put",
        title="Item of 409,600 bytes / 409,601 (ASCII)",
        documented=(
            f"[The maximum item size is 400 KB]({ITEM_LIMITS}), [1 KB = 1,024 "
            f"bytes]({ITEM_LIMITS})."
        ),
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED),
    ),
    _b(
        boundary(sized("probe#size-utf8", {}, unit="é")),
        anchor="size-utf8-strings",
        title="Item of 409,600 / 409,601 bytes, its bulk in 2-byte characters",
        documented=f"[A string's size is its number of UTF-8 bytes]({SIZES}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED, dynalite=BOTH_ACCEPTED),
    ),
    _b(
        boundary(sized("probe#size-name", {}, pad_name="é" * 200)),
        anchor="size-utf8-names",
        title="Item of 409,600 / 409,601 bytes with a 400-byte attribute name",
        documented=f"[Attribute names count in UTF-8 bytes]({SIZES}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED, dynalite=BOTH_ACCEPTED),
    ),
    _b(
        boundary(sized("probe#size-numbers", NUMBERS_EXTRA)),
        anchor="size-numbers",
        title="Item of 409,600 / 409,601 bytes holding numbers",
        documented=f"[A number is about 1 byte per two significant digits, plus 1]({SIZES}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED),
    ),
    _b(
        boundary(sized("probe#size-containers", CONTAINERS_EXTRA)),
        anchor="size-lists-and-maps",
        title="Item of 409,600 / 409,601 bytes holding lists and maps",
        documented=f"[A list or map is 3 bytes plus its elements, each 1 byte more]({SIZES}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED),
    ),
    _b(
        boundary(sized("probe#size-sets", SETS_EXTRA)),
        anchor="size-sets",
        title="Item of 409,600 / 409,601 bytes holding SS, NS and BS",
        documented=f"[A set is the sum of its elements]({SIZES}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED),
    ),
    _b(
        boundary(sized("probe#size-binary", BINARY_EXTRA)),
        anchor="size-binary",
        title="Item of 409,600 / 409,601 bytes holding binary",
        documented=f"[A binary counts its raw bytes, not its base64 form]({SIZES}).",
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED),
    ),
    Behaviour(
        anchor="size-update-at-limit",
        title="UpdateItem SET leaving an item of 409,600 / 409,601 bytes (key `u`/`a`)",
        documented=(
            f"[The 400 KB limit applies to the item]({ITEM_LIMITS}); [UpdateItem edits an "
            f"item]({UPDATE_ITEM})."
        ),
        expected=BOTH,
        on_memory=update_at_limit_memory,
        on_engine=update_at_limit_engine,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED, ministack=NONE_ACCEPTED),
    ),
    Behaviour(
        anchor="size-update-replaces-value",
        title="UpdateItem replacing a 300,000-byte value by another",
        documented=(
            f"[The limit applies to the item after the update]({ITEM_LIMITS}): here 300,014 bytes."
        ),
        expected=ACCEPTED,
        on_memory=replace_memory,
        on_engine=replace_engine,
        recorded=recorded_as(ACCEPTED, moto=REFUSED),
    ),
    # -- nesting --
    _b(
        nesting(31, "v"),
        anchor="nesting-31-maps",
        title="31 maps nested in an attribute, around a string",
        documented=f"[Nested attributes up to 32 levels deep]({ATTRIBUTE_LIMITS}).",
        expected=ACCEPTED,
        recorded=recorded_as(ACCEPTED),
    ),
    _b(
        nesting(32, "v"),
        anchor="nesting-32-maps",
        title="32 maps nested in an attribute, around a string",
        documented=f"[Up to 32 levels]({ATTRIBUTE_LIMITS}); the string sits at level 33.",
        expected=REFUSED,
        recorded=recorded_as(REFUSED, moto=ACCEPTED, dynalite=ACCEPTED),
    ),
    _b(
        nesting(32, "v", kind="list"),
        anchor="nesting-32-lists",
        title="32 lists nested in an attribute, around a string",
        documented=f"[Up to 32 levels]({ATTRIBUTE_LIMITS}).",
        expected=REFUSED,
        recorded=recorded_as(REFUSED, moto=ACCEPTED, dynalite=ACCEPTED),
    ),
    _b(
        nesting(31, {}),
        anchor="nesting-32-maps-empty",
        title="32 maps nested in an attribute, the innermost empty",
        documented=(
            f"[Up to 32 levels]({ATTRIBUTE_LIMITS}); whether an empty map is a level is not "
            "documented."
        ),
        expected=None,
        recorded=recorded_as(ACCEPTED, memory=REFUSED),
    ),
    # -- sets --
    Behaviour(
        anchor="set-empty",
        title="Empty string set",
        documented=f"[DynamoDB does not support empty sets]({SETS}).",
        expected=REFUSED,
        on_memory=empty_set_memory,
        on_engine=empty_set_engine("SS"),
        recorded=recorded_as(REFUSED, memory="no attribute stored, read back as set()"),
        why=(
            "the port must round-trip an empty set field ([contract](contract.md#field-types)), "
            "so it never sends one: "
            "it stores no attribute and rebuilds the empty set from the annotation"
        ),
    ),
    Behaviour(
        anchor="set-empty-binary",
        title="Empty binary set",
        documented=f"[DynamoDB does not support empty sets]({SETS}).",
        expected=REFUSED,
        on_memory=empty_set_memory,
        on_engine=empty_set_engine("BS"),
        recorded=recorded_as(
            REFUSED, memory="no attribute stored, read back as set()", moto=ACCEPTED
        ),
        why="as for an empty string set: the port never sends an empty set",
    ),
    Behaviour(
        anchor="set-duplicates",
        title="A set with a repeated element",
        documented=f"[Each value within a set must be unique]({SETS}).",
        expected="SS, NS, BS: refused, refused, refused",
        on_memory=duplicates_memory,
        on_engine=duplicates_engine,
        recorded=recorded_as(
            "SS, NS, BS: refused, refused, refused",
            memory="one element stored (1)",
            moto="SS, NS, BS: accepted, accepted, accepted",
        ),
        why=(
            "a Python set cannot hold a value twice ({1, Decimal('1.0')} is one element), so the "
            "port cannot send one"
        ),
    ),
    _b(
        round_trip(item("probe#set-empty-string", "s", ss={"", "a"}, bs={b"", b"a"})),
        anchor="set-empty-member",
        title="Empty string and empty binary inside sets",
        documented=f"[Empty String and Binary values are allowed within a set]({SETS}).",
        expected="read back as sent",
        recorded=recorded_as("read back as sent"),
    ),
    # -- empty values, names --
    _b(
        round_trip(item("probe#empty-values", "s", s="", b=b"")),
        anchor="empty-string-and-binary",
        title="Empty string and empty binary attributes",
        documented=f"[Empty String and Binary attribute values are allowed]({PUT_ITEM}).",
        expected="read back as sent",
        recorded=recorded_as("read back as sent"),
    ),
    _b(
        round_trip(item("probe#empty-nested", "s", m={"k": "", "l": ["", b""]})),
        anchor="empty-strings-nested",
        title="Empty strings and binaries in maps and lists",
        documented=f"[Empty values are allowed in lists and maps]({PUT_ITEM}).",
        expected="read back as sent",
        recorded=recorded_as("read back as sent"),
    ),
    Behaviour(
        anchor="empty-map-key",
        title="A map with an empty key",
        documented=(
            f"[Attribute names are at least one character]({NAMING}); keys inside a map are not "
            "covered."
        ),
        expected=None,
        on_memory=round_trip(item("probe#empty-map-key", "s", m={"": "v"}))[0],
        on_engine=empty_map_key_engine,
        recorded=recorded_as(
            "read back as sent", moto="stored; read back malformed: `{'m': {'M': {'S': 'v'}}}`"
        ),
    ),
    Behaviour(
        anchor="names-reserved-and-special",
        title="Names that are reserved words or hold `.`, `#`, `:`, `é`",
        documented=(
            f"[Use expression attribute names for reserved words and special characters]({NAMES})."
        ),
        expected="set and read back",
        on_memory=names_memory,
        on_engine=names_engine,
        recorded=recorded_as("set and read back"),
    ),
    _b(
        long_name(LONG_NAME - 1),
        anchor="name-65535-bytes",
        title="Attribute name of 65,535 bytes",
        documented=f"[Attribute names are less than 64 KB]({NAMING}).",
        expected=ACCEPTED,
        recorded=recorded_as(ACCEPTED),
    ),
    _b(
        long_name(LONG_NAME),
        anchor="name-64kb",
        title="Attribute name of 65,536 bytes (64 KB)",
        documented=f"[Attribute names must be less than 64 KB in size]({NAMING}).",
        expected=REFUSED,
        recorded=recorded_as(ACCEPTED, memory=REFUSED),
    ),
    _b(
        long_name(0),
        anchor="name-empty",
        title="Empty attribute name",
        documented=f"[Attribute names must be at least one character long]({NAMING}).",
        expected=REFUSED,
        recorded=recorded_as(ACCEPTED, memory=REFUSED),
    ),
    # -- writes and reads --
    Behaviour(
        anchor="put-condition-existing",
        title="Conditional PutItem on an existing key",
        documented=(
            f"[A failed condition writes nothing: ConditionalCheckFailedException]({CONDITIONS})."
        ),
        expected=CONDITION_FAILED,
        on_memory=create_twice_memory,
        on_engine=create_twice_engine,
        recorded=recorded_as(CONDITION_FAILED),
    ),
    Behaviour(
        anchor="update-condition-missing",
        title="Conditional UpdateItem of a missing key",
        documented=(
            f"[UpdateItem creates a missing item]({UPDATE_ITEM}) unless "
            f"[a condition fails]({CONDITIONS})."
        ),
        expected=CONDITION_FAILED,
        on_memory=update_missing_memory,
        on_engine=update_missing_engine,
        recorded=recorded_as(CONDITION_FAILED),
    ),
    Behaviour(
        anchor="delete-condition-missing",
        title="Conditional DeleteItem of a missing key",
        documented=f"[A failed condition gives ConditionalCheckFailedException]({DELETE_ITEM}).",
        expected=CONDITION_FAILED,
        on_memory=delete_missing_memory,
        on_engine=delete_missing_engine,
        recorded=recorded_as(CONDITION_FAILED),
    ),
    Behaviour(
        anchor="update-keeps-other-attributes",
        title="UpdateItem SETs one attribute and REMOVEs an absent one",
        documented=(
            f"[SET changes the named attributes; REMOVE of an absent one is no error]({UPDATES})."
        ),
        expected="others kept, absent REMOVE ignored",
        on_memory=update_narrow_memory,
        on_engine=update_narrow_engine,
        recorded=recorded_as("others kept, absent REMOVE ignored"),
    ),
    Behaviour(
        anchor="update-without-expression",
        title="UpdateItem with a condition and no UpdateExpression",
        documented=f"[UpdateExpression is optional]({UPDATE_ITEM}).",
        expected=ACCEPTED,
        on_memory=bare_update_memory,
        on_engine=bare_update_engine,
        recorded=recorded_as(ACCEPTED, moto="error 500"),
    ),
    _b(
        wide_update(200),
        anchor="update-200-actions",
        title=(
            "The port's update of a 200-field model (200 SET actions and the entity name's, "
            "2.8 KB expression)"
        ),
        documented=f"[An expression string may be up to 4 KB]({EXPRESSION_LIMITS}).",
        expected=ACCEPTED,
        recorded=recorded_as(ACCEPTED, moto="error 500 (2,810-byte expression)"),
    ),
    _b(
        wide_update(300),
        anchor="update-expression-over-4kb",
        title="The port's update of a 300-field model (its UpdateExpression is 4,310 bytes)",
        documented=f"[The maximum length of any expression string is 4 KB]({EXPRESSION_LIMITS}).",
        expected=REFUSED,
        recorded=recorded_as(
            REFUSED,
            moto="error 500 (4,310-byte expression)",
            dynalite=ACCEPTED,
        ),
    ),
    _b(
        read_key("probe#never", "s"),
        anchor="get-missing",
        title="GetItem of a missing key",
        documented=f"[No item: the answer has no Item]({GET_ITEM}).",
        expected=NO_ITEM,
        recorded=recorded_as(NO_ITEM),
    ),
    Behaviour(
        anchor="read-after-write",
        title="Strongly consistent GetItem right after PutItem",
        documented=f"[A strongly consistent read returns the latest write]({CONSISTENCY}).",
        expected="item",
        on_memory=read_after_write_memory,
        on_engine=read_after_write_engine,
        recorded=recorded_as("item"),
    ),
    Behaviour(
        anchor="round-trip-all-types",
        title="S, N, B, BOOL, NULL (in a map), L, M, SS, NS, BS read back as written",
        documented=(
            f"[The data types]({NUMBERS}); a top-level None is no attribute in the port "
            "([contract](contract.md#field-types))."
        ),
        expected="read back as sent",
        on_memory=types_memory,
        on_engine=types_engine,
        recorded=recorded_as("read back as sent"),
    ),
    # -- item collections: a read that skips other entities resumes past them --
    Behaviour(
        anchor="query-start-key-past-bmp",
        title='Query `sk > "\ue000"` resumed past `"\U00010000"` (`ExclusiveStartKey`)',
        documented=(
            f"[ExclusiveStartKey is the key of the first item to evaluate]({QUERY}); "
            f"[comparisons follow the order of UTF-8 bytes]({KEY_CONDITIONS})."
        ),
        expected=sort_keys_label(list(ORDERED[-1:])),
        on_memory=resumed_memory("probe#resumed", 2, gt="\ue000"),
        on_engine=resumed_engine("probe#resumed", "#sk > :a", "\U00010000", a="\ue000"),
        recorded=recorded_as(sort_keys_label(list(ORDERED[-1:])), dynalite=REFUSED),
    ),
    # -- item collections: the entity attribute every write of the port stores --
    _b(
        boundary(sized("probe#size-entity", {}), on_engine_counted=tagged()),
        anchor="size-entity-attribute",
        title=(
            "Item of 409,600 / 409,601 bytes, its entity attribute "
            "(`_entity` = `differential._probes.Anything`) counted"
        ),
        documented=(
            f"[The maximum item size is 400 KB]({ITEM_LIMITS}), the sum of [every attribute's "
            f"name and value]({SIZES})."
        ),
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=NONE_ACCEPTED),
    ),
    _b(
        if_not_exists(stored_entity=None),
        anchor="update-if-not-exists-absent",
        title="The port's UpdateItem `SET ..., #e = if_not_exists(#e, :e)` on an item without `#e`",
        documented=(
            f"[if_not_exists(path, value) evaluates to value if the item has no attribute at "
            f"path]({IF_NOT_EXISTS})."
        ),
        expected=entity_label("probe.b"),
        recorded=recorded_as(entity_label("probe.b")),
    ),
    _b(
        if_not_exists(stored_entity="probe.a"),
        anchor="update-if-not-exists-present",
        title="The same UpdateItem on an item whose `#e` holds another entity name",
        documented=(
            f"[if_not_exists(path, value) evaluates to path if the item has an attribute "
            f"there]({IF_NOT_EXISTS})."
        ),
        expected=entity_label("probe.a"),
        recorded=recorded_as(entity_label("probe.a")),
    ),
    _b(
        update_keeping_entity_at_limit(),
        anchor="size-update-if-not-exists",
        title=(
            "The port's UpdateItem (2 bytes SET, `if_not_exists` on the `_entity` the item "
            "holds) leaving 409,600 / 409,601 bytes"
        ),
        documented=(
            f"[The 400 KB limit applies to the item]({ITEM_LIMITS}); [if_not_exists leaves an "
            f"existing attribute as it is]({IF_NOT_EXISTS})."
        ),
        expected=BOTH,
        recorded=recorded_as(BOTH, moto=boundary_label(*[f"{REFUSED} before the update"] * 2)),
    ),
    # -- secondary indexes: index keys on writes --
    _i(
        index_key_write("probe#gsi-pk-empty", gpk="", gsk="g"),
        anchor="index-gsi-pk-empty",
        title='PutItem with `""` as a GSI partition key',
        documented=(
            "[String attribute values must have a length greater than zero if the attribute is "
            f"used as a key attribute for a table or index]({PUT_ITEM})."
        ),
        expected=REFUSED,
        recorded=recorded_as(REFUSED, dynalite=ACCEPTED),
    ),
    Behaviour(
        anchor="index-gsi-pk-empty-other-writes",
        title=(
            '`""` as a GSI partition key through UpdateItem / BatchWriteItem / TransactWriteItems'
        ),
        documented=(
            "[A key attribute for a table or index must have a length greater than "
            f"zero]({PUT_ITEM}), whichever write stores it ([index keys]({GSI_WRITES}))."
        ),
        expected=EMPTY_KEY_WRITES,
        on_memory=empty_key_writes_memory,
        on_engine=empty_key_writes_engine,
        recorded=recorded_as(
            EMPTY_KEY_WRITES,
            dynalite=writes_label(ACCEPTED, ACCEPTED, "error UnknownOperationException"),
        ),
        indexed=True,
    ),
    _i(
        index_key_pair("probe#index-sk-empty", {"gpk": "probe#g", "gsk": ""}, {"lsk": ""}),
        anchor="index-sk-empty",
        title='PutItem with `""` as a GSI sort key / as an LSI sort key',
        documented=(
            "[A key attribute for a table or index must have a length greater than "
            f"zero]({PUT_ITEM})."
        ),
        expected=BOTH_REFUSED,
        recorded=recorded_as(BOTH_REFUSED, dynalite=BOTH_ACCEPTED),
    ),
    Behaviour(
        anchor="index-key-number",
        title="PutItem with a number as a GSI partition key / as an LSI sort key (declared `S`)",
        documented=(
            f"[An index key attribute's type must match the index key schema's: a mismatch is a "
            f"ValidationException]({GSI_WRITES}) ([LSI]({LSI_WRITES}))."
        ),
        expected=BOTH_REFUSED,
        on_memory=number_keys_memory,
        on_engine=number_keys_engine,
        recorded=recorded_as(BOTH_REFUSED, moto=BOTH_ACCEPTED),
        indexed=True,
    ),
    _i(
        index_key_pair(
            "probe#gsi-pk-2048",
            {"gpk": "é" * 1024, "gsk": "g"},
            {"gpk": "é" * 1024 + "a", "gsk": "g"},
        ),
        anchor="index-gsi-pk-2049-bytes",
        title="GSI partition key of 2,048 / 2,049 UTF-8 bytes",
        documented=(
            f"[The maximum length of a partition key is 2048 bytes]({INDEX_KEY_VIOLATIONS}), an "
            f"index's as a table's ([key limits]({KEY_LIMITS}))."
        ),
        expected=BOTH,
        recorded=recorded_as(BOTH, dynalite=BOTH_ACCEPTED, ministack=BOTH_ACCEPTED),
    ),
    _i(
        index_key_pair(
            "probe#gsi-sk-1024",
            {"gpk": "probe#g", "gsk": "€" * 341 + "a"},
            {"gpk": "probe#g", "gsk": "€" * 341 + "é"},
        ),
        anchor="index-gsi-sk-1025-bytes",
        title="GSI sort key of 1,024 / 1,025 UTF-8 bytes",
        documented=(
            f"[The maximum length of a sort key is 1024 bytes]({INDEX_KEY_VIOLATIONS}), an "
            f"index's as a table's ([key limits]({KEY_LIMITS}))."
        ),
        expected=BOTH,
        recorded=recorded_as(BOTH, dynalite=BOTH_ACCEPTED, ministack=BOTH_ACCEPTED),
    ),
    _i(
        index_key_pair("probe#lsi-sk-1024", {"lsk": "€" * 341 + "a"}, {"lsk": "€" * 341 + "é"}),
        anchor="index-lsi-sk-1025-bytes",
        title="LSI sort key of 1,024 / 1,025 UTF-8 bytes",
        documented=(
            f"[The maximum length of a sort key is 1024 bytes]({INDEX_KEY_VIOLATIONS}), an "
            f"index's as a table's ([key limits]({KEY_LIMITS}))."
        ),
        expected=BOTH,
        recorded=recorded_as(
            BOTH, moto=BOTH_ACCEPTED, dynalite=BOTH_ACCEPTED, ministack=BOTH_ACCEPTED
        ),
    ),
    Behaviour(
        anchor="index-include-21-attributes",
        title=(
            "An INCLUDE projection of 20 / 21 NonKeyAttributes (the port: 19 / 20 names, and "
            "`_entity`)"
        ),
        documented=f"[NonKeyAttributes: at most 20 items]({PROJECTION}).",
        expected=BOTH,
        on_memory=include_limit_memory,
        on_engine=include_limit_engine,
        recorded=recorded_as(
            BOTH, moto=BOTH_ACCEPTED, dynalite=BOTH_ACCEPTED, ministack=BOTH_ACCEPTED
        ),
    ),
    # -- secondary indexes: reads --
    _i(
        (
            consistent_memory(GSI, "probe#gsi-consistent"),
            consistent_engine(GSI, "probe#gsi-consistent"),
        ),
        anchor="index-gsi-consistent-read",
        title="Query of a GSI with `ConsistentRead=true`",
        documented=(
            "[Strongly consistent reads are not supported on global secondary indexes: a "
            f"ValidationException]({QUERY_CONSISTENT})."
        ),
        expected=REFUSED,
        recorded=recorded_as(REFUSED),
    ),
    _i(
        (
            consistent_memory(LSI, "probe#lsi-consistent"),
            consistent_engine(LSI, "probe#lsi-consistent"),
        ),
        anchor="index-lsi-consistent-read",
        title="Query of an LSI with `ConsistentRead=true`",
        documented=(
            "[A local secondary index can be queried with strongly consistent "
            f"reads]({LSI_QUERYING})."
        ),
        expected=sort_keys_label(["s"]),
        recorded=recorded_as(sort_keys_label(["s"])),
    ),
    _i(
        (
            projected_memory(GSI_KEYS, "probe#gsi-keys-only", KeysView),
            projected_engine(GSI_KEYS, "probe#gsi-keys-only"),
        ),
        anchor="index-keys-only",
        title="Query of a KEYS_ONLY GSI: the attributes of an item (`a`, `b` not projected)",
        documented=f"[KEYS_ONLY: only the index and primary keys are projected]({PROJECTION}).",
        expected="[gpk, gsk, pk, sk]",
        recorded=recorded_as("[gpk, gsk, pk, sk]"),
    ),
    _i(
        (
            projected_memory(GSI_INCLUDE, "probe#gsi-include", IncludeView),
            projected_engine(GSI_INCLUDE, "probe#gsi-include"),
        ),
        anchor="index-include",
        title="Query of an INCLUDE (`a`) GSI: the attributes of an item",
        documented=(f"[INCLUDE: the keys, and the non-key attributes listed]({PROJECTION})."),
        expected="[a, gpk, gsk, pk, sk]",
        recorded=recorded_as("[a, gpk, gsk, pk, sk]"),
    ),
    Behaviour(
        anchor="index-lsi-fetches-unprojected",
        title=(
            "Query of a KEYS_ONLY / an INCLUDE (`a`) LSI with `Select=ALL_ATTRIBUTES` (the port: a "
            "model with unprojected fields): the attributes of an item"
        ),
        documented=(
            "[ALL_ATTRIBUTES on a local secondary index: DynamoDB fetches the entire item from the "
            f"parent table]({QUERY_SELECT})."
        ),
        expected=boundary_label("[a, b, lsk, pk, sk]", "[a, b, lsk, pk, sk]"),
        on_memory=lsi_fetch_memory,
        on_engine=lsi_fetch_engine,
        recorded=recorded_as(
            boundary_label("[a, b, lsk, pk, sk]", "[a, b, lsk, pk, sk]"),
            moto=LSI_PROJECTED_ONLY,
            ministack=LSI_PROJECTED_ONLY,
        ),
        indexed=True,
    ),
    Behaviour(
        anchor="index-projection-long-number",
        title=(
            "Query of a KEYS_ONLY GSI over an item holding a number written in 41 digits "
            "(10^40: one significant digit)"
        ),
        documented=(
            f"[A number has up to 38 digits of precision; leading and trailing zeroes are "
            f"trimmed]({NUMBERS}); [KEYS_ONLY: only the index and primary keys are "
            f"projected]({PROJECTION})."
        ),
        expected="[gpk, gsk, pk, sk]",
        on_memory=long_number_memory,
        on_engine=long_number_engine,
        recorded=recorded_as("[gpk, gsk, pk, sk]", moto="error 500"),
        indexed=True,
    ),
    Behaviour(
        anchor="index-gsi-select-all-attributes",
        title=(
            "Query of a KEYS_ONLY / an INCLUDE GSI with `Select=ALL_ATTRIBUTES` (the port: a model "
            "with unprojected fields)"
        ),
        documented=(
            "[A global secondary index query can only request attributes projected into the index; "
            f"it cannot fetch from the parent table]({QUERY_SELECT})."
        ),
        expected=BOTH_REFUSED,
        on_memory=gsi_all_attributes_memory,
        on_engine=gsi_all_attributes_engine,
        recorded=recorded_as(
            BOTH_REFUSED,
            ministack=boundary_label("[gpk, gsk, pk, sk]", "[a, gpk, gsk, pk, sk]"),
        ),
        indexed=True,
    ),
    Behaviour(
        anchor="index-last-evaluated-key",
        title="GSI Query page (`Limit=1`): the attributes of its LastEvaluatedKey",
        documented=(
            f"[LastEvaluatedKey is the key of the item where the Query stopped]({QUERY_LAST_KEY}); "
            f"[index key values need not be unique]({GSI_SCENARIO}), so it needs the table's key "
            "beside the index's."
        ),
        expected="[gpk, gsk, pk, sk]",
        on_memory=last_key_memory,
        on_engine=last_key_engine,
        recorded=recorded_as("[gpk, gsk, pk, sk]", memory="a cursor (opaque), resuming at [s2]"),
        why=(
            "query_page hands out an opaque cursor, not the LastEvaluatedKey; it holds the "
            "index sort key and the table key, and pages over equal index keys "
            "([index-equal-keys-pages](#index-equal-keys-pages)) show it resumes right"
        ),
        indexed=True,
    ),
    Behaviour(
        anchor="index-equal-keys-pages",
        title="GSI Query pages (`Limit=1`) over three items of equal index keys",
        documented=(
            f"[Index key values need not be unique]({GSI_SCENARIO}); "
            f"[paginate until LastEvaluatedKey is absent]({PAGINATION})."
        ),
        expected=EACH_ONCE,
        on_memory=equal_keys_memory,
        on_engine=equal_keys_engine,
        recorded=recorded_as(EACH_ONCE),
        indexed=True,
    ),
    Behaviour(
        anchor="index-sparse",
        title=(
            "GSI Query of items with and without the index keys, then after an update "
            "removes `s4`'s index sort key"
        ),
        documented=(
            f"[An item is in an index only if it holds the index's keys]({SPARSE}); "
            f"[without them, DynamoDB writes nothing to the index]({GSI_WRITES})."
        ),
        expected="[s1, s4], then [s1]",
        on_memory=sparse_memory,
        on_engine=sparse_engine,
        recorded=recorded_as("[s1, s4], then [s1]"),
        indexed=True,
    ),
    Behaviour(
        anchor="index-order-utf8",
        title="GSI Query order: by index sort key in UTF-8 bytes (the table's order reversed)",
        documented=(
            f"[Results are returned in order of UTF-8 bytes]({KEY_CONDITIONS}) of the sort key, "
            "an index's as a table's."
        ),
        expected=sort_keys_label(list(ORDERED)),
        on_memory=order_memory,
        on_engine=order_engine,
        recorded=recorded_as(sort_keys_label(list(ORDERED))),
        indexed=True,
    ),
    Behaviour(
        anchor="index-no-sort-key-condition",
        title="Query of a GSI with no sort key (`hpk` alone), with a sort-key condition (`gsk`)",
        documented=(
            "[A key condition is the partition key's equality, and a second condition on the sort "
            f"key if there is one]({KEY_CONDITIONS})."
        ),
        expected=REFUSED,
        on_memory=no_sort_key_memory,
        on_engine=no_sort_key_engine,
        recorded=recorded_as(REFUSED),
        indexed=True,
    ),
    Behaviour(
        anchor="index-unknown",
        title="Query of an index the table does not have",
        documented=(
            f"[ResourceNotFoundException: a nonexistent table or index]({QUERY_ERRORS}); which "
            "error an unknown IndexName gives is not spelled out."
        ),
        expected=None,
        on_memory=unknown_index_memory,
        on_engine=unknown_index_engine,
        recorded=recorded_as(REFUSED, moto="error ResourceNotFoundException"),
        indexed=True,
    ),
    # -- conditions and patches (docs/engine-notes.md section k) --
    _b(
        condition(
            "probe#ne-absent",
            [({}, lambda m: m.x != "a"), (None, lambda m: m.x != "a")],
        ),
        anchor="condition-ne-absent",
        title='`x <> "a"` with x absent / of no item (PutItem)',
        documented=(
            f"[a <> b is true if a is not equal to b]({COMPARISONS}); an absent attribute "
            "equals nothing."
        ),
        expected=_joined(HOLDS, HOLDS),
        recorded=recorded_as(_joined(HOLDS, HOLDS)),
    ),
    _b(
        condition(
            "probe#absent-operands",
            [
                ({}, lambda m: m.x == m.y),
                ({}, lambda m: m.x != m.y),
                ({}, lambda m: m.x <= m.y),
            ],
        ),
        anchor="condition-absent-operands",
        title="`x = y` / `x <> y` / `x <= y` with x and y both absent",
        documented=(
            f"[a = b is true if a is equal to b]({COMPARISONS}); what two absent operands give "
            "is not documented."
        ),
        expected=None,
        recorded=recorded_as(
            _joined(FALSE, HOLDS, FALSE),
            moto=_joined(HOLDS, FALSE, FALSE),
            dynalite=_joined(HOLDS, FALSE, HOLDS),
            ministack=_joined(HOLDS, FALSE, FALSE),
        ),
    ),
    _b(
        condition(
            "probe#order-types",
            [
                ({"x": "10"}, lambda m: m.x > 9),  # noqa: PLR2004
                ({"x": 10}, lambda m: m.x < "9"),
                ({"x": "10", "y": 9}, lambda m: m.x > m.y),
            ],
        ),
        anchor="condition-order-types",
        title='`x > 9` with x `"10"` / `x < "9"` with x 10 / `x > y` with x `"10"`, y 9',
        documented=(
            f"[Comparisons of two types are false]({COMPARISONS}): numbers compare with "
            "numbers, strings with strings."
        ),
        expected=_joined(FALSE, FALSE, FALSE),
        recorded=recorded_as(_joined(FALSE, FALSE, FALSE), moto=_joined(*["error 500"] * 3)),
    ),
    _b(
        refused_when_built(
            "probe#between-bound-types",
            [
                ({"x": "a"}, lambda m: between(m.x, 2, "b"), _BETWEEN_2_AND_B),
                ({}, lambda m: between(m.x, 2, "b"), _BETWEEN_2_AND_B),
            ],
        ),
        anchor="condition-between-bound-types",
        title='`x BETWEEN 2 AND "b"` (bounds of two types) with x `"a"` / with x absent',
        documented=(
            f"[a BETWEEN b AND c is true if a >= b and a <= c]({COMPARISONS}); bounds of two types "
            "are not documented (dynalite answers DynamoDB's message: \"The BETWEEN operator "
            'requires same data type for lower and upper bounds").'
        ),
        expected=None,
        recorded=recorded_as(
            _joined(REFUSED, REFUSED),
            moto=_joined("error 500", FALSE),
            ministack=_joined(FALSE, FALSE),
        ),
    ),
    _b(
        condition(
            "probe#equal-types",
            [({"x": True}, lambda m: m.x == 1), ({"x": 1}, lambda m: m.x == True)],  # noqa: E712
        ),
        anchor="condition-equal-types",
        title="`x = 1` with x BOOL true / `x = true` with x 1",
        documented=f"[a = b is true if a is equal to b]({COMPARISONS}): of two types, false.",
        expected=_joined(FALSE, FALSE),
        recorded=recorded_as(_joined(FALSE, FALSE), moto=_joined(HOLDS, HOLDS)),
    ),
    _b(
        condition(
            "probe#size-absent",
            [({}, lambda m: size(m.x) >= 0), (None, lambda m: size(m.x) >= 0)],
        ),
        anchor="condition-size-absent",
        title="`size(x) >= 0` with x absent / of no item (PutItem)",
        documented=(
            f"[size(path) of an attribute that is not there]({FUNCTIONS}): nothing to compare."
        ),
        expected=_joined(FALSE, FALSE),
        recorded=recorded_as(_joined(FALSE, FALSE), moto=_joined("error 500", "error 500")),
    ),
    _b(
        condition(
            "probe#size-scalars",
            [
                ({"x": 10}, lambda m: size(m.x) >= 0),
                ({"x": True}, lambda m: size(m.x) >= 0),
                ({"m": {"k": None}}, lambda m: size(m.m["k"]) >= 0),
            ],
        ),
        anchor="condition-size-scalars",
        title="`size(x) >= 0` with x a number / BOOL true / NULL",
        documented=(
            f"[size(path) takes a string, binary, set, list or map]({FUNCTIONS}); a number, "
            "boolean or null has no size."
        ),
        expected=_joined(FALSE, FALSE, FALSE),
        recorded=recorded_as(
            _joined(FALSE, FALSE, FALSE),
            moto=_joined(*["error 500"] * 3),
            ministack=_joined(HOLDS, HOLDS, HOLDS),
        ),
    ),
    _b(
        condition(
            "probe#size-utf16",
            [
                ({"x": "é€😀"}, lambda m: size(m.x) == 4),  # noqa: PLR2004
                ({"x": "é€😀"}, lambda m: size(m.x) == 3),  # noqa: PLR2004
            ],
        ),
        anchor="condition-size-utf16",
        title='`size(x) = 4` / `size(x) = 3` with x `"é€😀"` (4 UTF-16 code units, 3 characters)',
        documented=(
            f"[size of a string is its length]({FUNCTIONS}); DynamoDB counts a string's "
            "length in UTF-16 code units (😀 is 2), as Java does."
        ),
        expected=_joined(HOLDS, FALSE),
        recorded=recorded_as(_joined(HOLDS, FALSE), moto=_joined(FALSE, HOLDS)),
    ),
    _b(
        condition(
            "probe#begins-with-types",
            [
                ({"x": 10}, lambda m: begins_with(m.x, "1")),
                ({"x": ["ab"]}, lambda m: begins_with(m.x, "a")),
                ({"x": "ab"}, lambda m: begins_with(m.x, b"a")),
            ],
        ),
        anchor="condition-begins-with-types",
        title=(
            '`begins_with(x, "1")` with x the number 10 / `begins_with(x, "a")` with x `["ab"]` / '
            '`begins_with(x, b"a")` (a binary prefix) with x `"ab"`'
        ),
        documented=f"[begins_with(path, substr) of a string]({FUNCTIONS}); of another type, false.",
        expected=_joined(FALSE, FALSE, FALSE),
        recorded=recorded_as(
            _joined(FALSE, FALSE, FALSE), ministack=_joined(REFUSED, REFUSED, REFUSED)
        ),
    ),
    _b(
        condition(
            "probe#binary-begins-with",
            [({"x": b"\x01\x02"}, lambda m: begins_with(m.x, b"\x01"))],
        ),
        anchor="condition-binary-begins-with",
        title="`begins_with(b, 01)` with b the binary `01 02`",
        documented=f"[begins_with takes a string or a binary]({FUNCTIONS}).",
        expected=HOLDS,
        recorded=recorded_as(HOLDS, moto=FALSE),
    ),
    _b(
        condition(
            "probe#binary-contains",
            [({"x": b"\x01\x02\x03"}, lambda m: contains(m.x, b"\x02\x03"))],
        ),
        anchor="condition-binary-contains",
        title="`contains(b, 02 03)` with b the binary `01 02 03`",
        documented=(
            f"[contains(path, operand): a string or binary holding the operand]({FUNCTIONS})."
        ),
        expected=HOLDS,
        recorded=recorded_as(HOLDS, moto=FALSE, ministack=FALSE),
    ),
    _b(
        condition(
            "probe#falsy",
            [
                ({"x": False}, lambda m: attribute_type(m.x, "BOOL")),
                ({"x": ""}, lambda m: attribute_type(m.x, "S")),
                ({"x": ""}, lambda m: in_(m.x, [""])),
                ({"x": ""}, lambda m: between(m.x, "", "a")),
                ({"x": False}, lambda m: in_(m.x, [False])),
            ],
        ),
        anchor="condition-falsy-values",
        title=(
            '`attribute_type(x, "BOOL")` with x false / `attribute_type(x, "S")` with x `""` / '
            '`x IN ("")` / `x BETWEEN "" AND "a"` with x `""` / `x IN (false)` with x false'
        ),
        documented=(
            f"[attribute_type, IN and BETWEEN]({FUNCTIONS}) of a value that is there: "
            "false and the empty string are values like any other."
        ),
        expected=_joined(*[HOLDS] * 5),
        recorded=recorded_as(_joined(*[HOLDS] * 5), dynalite=_joined(*[FALSE] * 5)),
    ),
    _b(
        condition(
            "probe#string-order",
            [
                ({"x": "\ue000"}, lambda m: m.x < "😀"),
                ({"x": "\ue000"}, lambda m: between(m.x, "a", "😀")),
            ],
        ),
        anchor="condition-string-order-utf8",
        title='`x < "😀"` / `x BETWEEN "a" AND "😀"` with x `"\ue000"` (U+E000)',
        documented=f"[Strings compare by their UTF-8 bytes]({COMPARISONS}).",
        expected=_joined(HOLDS, HOLDS),
        recorded=recorded_as(_joined(HOLDS, HOLDS), dynalite=_joined(FALSE, FALSE)),
    ),
    _b(
        condition(
            "probe#documents",
            [
                ({"x": ["a", "b"]}, lambda m: m.x == ["a", "b"]),
                ({"x": {"b": 2, "a": 1}}, lambda m: m.x == {"a": 1, "b": 2}),
                ({"x": [[1], [2]]}, lambda m: contains(m.x, [2])),
                ({"x": [True]}, lambda m: contains(m.x, True)),  # noqa: FBT003
            ],
        ),
        anchor="condition-document-equality",
        title=(
            "`x = [a, b]` with x `[a, b]` / `x = {a: 1, b: 2}` with x `{b: 2, a: 1}` / "
            "`contains(x, [2])` with x `[[1], [2]]` / `contains(x, true)` with x `[true]`"
        ),
        documented=(
            f"[a = b of lists and maps compares them whole]({COMPARISONS}); [contains finds an "
            f"element of a list]({FUNCTIONS})."
        ),
        expected=_joined(*[HOLDS] * 4),
        recorded=recorded_as(_joined(*[HOLDS] * 4), dynalite=_joined(*[FALSE] * 4)),
    ),
    _b(
        patch("probe#list-set", {"l": ["a", "b"]}, "l", set={"l[9]": "x", "l[5]": "y"}),
        anchor="update-list-index-set-past-end",
        title=(
            '`SET l[9] = x, l[5] = y` on l `[a, b]` (the port\'s `set={"l[9]": ..., "l[5]": ...}`)'
        ),
        documented=(
            f"[SET of an index past a list's end appends]({UPDATES}); the indexes of one "
            "UpdateItem name the list before it, so the appended elements follow their indexes."
        ),
        expected=f"{ACCEPTED}, l = [a, b, y, x]",
        recorded=recorded_as(
            f"{ACCEPTED}, l = [a, b, y, x]",
            moto=f"{ACCEPTED}, l = [a, b, x, y]",
            ministack=f"{ACCEPTED}, l = [a, b, x, y]",
        ),
    ),
    _b(
        patch("probe#list-remove", {"l": ["a", "b", "c", "d"]}, "l", remove=["l[0]", "l[2]"]),
        anchor="update-list-index-remove-two",
        title="`REMOVE l[0], l[2]` on l `[a, b, c, d]`",
        documented=(
            f"[REMOVE of list elements]({UPDATES}): the indexes name the elements before the "
            "update, so a and c go."
        ),
        expected=f"{ACCEPTED}, l = [b, d]",
        recorded=recorded_as(
            f"{ACCEPTED}, l = [b, d]",
            dynalite=f"{ACCEPTED}, l = [b, c]",
            ministack=f"{ACCEPTED}, l = [b, c]",
        ),
    ),
    _b(
        joined(
            patch("probe#remove-orphan-map", {}, "m", remove=["m.a"]),
            patch("probe#remove-orphan-list", {}, "l", remove=["l[0]"]),
        ),
        anchor="update-remove-parent-absent",
        title="`REMOVE m.a` with m absent / `REMOVE l[0]` with l absent",
        documented=(
            f"[A document path names an element of a map or list that is there]({UPDATES}); "
            "DynamoDB refuses a path through an absent attribute (ValidationException: The "
            "document path provided in the update expression is invalid for update)."
        ),
        expected=_joined(REFUSED, REFUSED),
        recorded=recorded_as(
            _joined(REFUSED, REFUSED),
            ministack=_joined(f"{ACCEPTED}, m = absent", f"{ACCEPTED}, l = absent"),
        ),
    ),
    _b(
        patch("probe#add-28", {"n": Decimal(9140268)}, "n", add={"n": Decimal("9E31")}),
        anchor="update-add-28-digits",
        title='The port\'s `add={"n": 9E31}` on n = 9140268: a sum of 32 digits',
        documented=f"[A number has up to 38 digits of precision]({DATA_TYPE_LIMITS}).",
        expected=f"{ACCEPTED}, n = {9 * 10**31 + 9140268}",
        recorded=recorded_as(
            f"{ACCEPTED}, n = {9 * 10**31 + 9140268}",
            ministack=f"{ACCEPTED}, n = {9 * 10**31 + 9140000}",
        ),
    ),
    _b(
        patch(
            "probe#add-digits",
            {"n": Decimal(10**37 + 1)},
            "n",
            add={"n": Decimal("9E37")},
        ),
        anchor="update-add-39-digits",
        title='The port\'s `add={"n": 9E37}` on n = 10^37 + 1 (38 digits): a sum of 39 digits',
        documented=f"[A number has up to 38 digits of precision]({DATA_TYPE_LIMITS}).",
        expected=REFUSED,
        recorded=recorded_as(
            REFUSED,
            moto=f"{ACCEPTED}, n = {10**38 + 1}",
            dynalite=f"{ACCEPTED}, n = {10**38 + 1}",
            ministack=f"{ACCEPTED}, n = {10**38}",
        ),
    ),
    Behaviour(
        anchor="update-set-empty-set",
        title='`SET tags = :e` with :e an empty string set (the port\'s `set={"tags": set()}`)',
        documented=f"[A set cannot be empty]({SETS}).",
        expected=REFUSED,
        on_memory=patch("probe#empty-set", {"tags": {"a"}}, "tags", set={"tags": set()})[0],
        on_engine=raw_update(
            "probe#empty-set", {"tags": {"a"}}, "tags", "SET tags = :e", {":e": {"SS": []}}
        ),
        recorded=recorded_as(
            REFUSED, memory=f"{ACCEPTED}, tags = absent", moto=f"{ACCEPTED}, tags = {{}}"
        ),
        why=(
            "the port stores an empty set as no attribute, as every write does "
            "([contract](contract.md#field-types)): it sends `REMOVE tags`"
        ),
    ),
)
