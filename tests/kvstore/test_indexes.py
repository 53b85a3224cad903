"""Index declarations, index-key checks and index-query checks, shared by both adapters."""

from __future__ import annotations

import pytest
from pydantic import ValidationError, computed_field

from lvrgd.common.services.kvstore import (
    IndexSpec,
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
)
from lvrgd.common.services.kvstore._attributes import decode_item, encode_item
from lvrgd.common.services.kvstore._indexes import (
    Indexes,
    check_indexes,
    included_attributes,
    index_position,
    projected_attributes,
)
from lvrgd.common.services.kvstore._pages import next_cursor, page_query

ENTITY = "_entity"


class Ticket(KeyValueItem, entity="tests.kvstore.test_indexes.Ticket"):
    """An item whose index key is computed from its fields."""

    status: str | None = None
    opened: str = "2026-01-01"
    body: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def by_status(self) -> str | None:
        """The open-tickets index's partition key; None once closed."""
        return None if self.status is None else f"status#{self.status}"


class TicketKeys(KeyValueItem, entity=Ticket):
    """What a KEYS_ONLY index on `by_status`/`opened` holds of a Ticket."""

    opened: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def by_status(self) -> str | None:
        """Not an input: dropped on reads."""
        return None


# --- declarations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "ab", "pk": "x"}, "3 to 255 characters"),
        ({"name": "a b c", "pk": "x"}, "3 to 255 characters"),
        ({"name": "abc", "pk": ""}, "1 to 255 bytes"),
        ({"name": "abc", "pk": "x" * 256}, "1 to 255 bytes"),
        ({"name": "abc", "pk": "x", "sk": "x"}, "one attribute"),
        ({"name": "abc", "pk": "gsi", "sk": "a", "local": True}, "'pk'"),
        ({"name": "abc", "pk": "pk", "local": True}, "other than 'sk'"),
        ({"name": "abc", "pk": "pk", "sk": "sk", "local": True}, "other than 'sk'"),
        ({"name": "abc", "pk": "x", "projection": ()}, "1 to 20"),
        ({"name": "abc", "pk": "x", "projection": tuple(f"a{i}" for i in range(21))}, "1 to 20"),
        ({"name": "abc", "pk": "x", "projection": ("a", "a")}, "distinct"),
        ({"name": "abc", "pk": "x", "projection": "everything"}, "projection"),
        ({"name": "abc", "pk": "x", "unknown": 1}, "unknown"),
    ],
)
def test_index_spec_refuses_what_dynamodb_would(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        IndexSpec.model_validate(fields)


def test_index_spec_is_frozen_and_hashable() -> None:
    spec = IndexSpec(name="by_status", pk="gsi1pk", sk="gsi1sk")
    with pytest.raises(ValidationError):
        spec.name = "other"  # type: ignore[misc]
    assert hash(spec) == hash(IndexSpec(name="by_status", pk="gsi1pk", sk="gsi1sk"))


def test_check_indexes_refuses_duplicate_names() -> None:
    twice = [IndexSpec(name="abc", pk="x"), IndexSpec(name="abc", pk="y")]
    with pytest.raises(ValueError, match="unique: abc"):
        check_indexes(twice, ENTITY)


def test_check_indexes_counts_global_and_local_indexes_apart() -> None:
    globals_ = [IndexSpec(name=f"g{i:02d}", pk=f"k{i}") for i in range(20)]
    locals_ = [IndexSpec(name=f"l{i:02d}", pk="pk", sk=f"s{i}", local=True) for i in range(5)]
    assert len(check_indexes(globals_ + locals_, ENTITY)) == 25
    with pytest.raises(ValueError, match="21 global indexes"):
        check_indexes([*globals_, IndexSpec(name="g20", pk="k")], ENTITY)
    with pytest.raises(ValueError, match="6 local indexes"):
        check_indexes([*locals_, IndexSpec(name="l05", pk="pk", sk="s", local=True)], ENTITY)


def test_check_indexes_counts_every_included_attribute_and_the_entity_attribute() -> None:
    def include(n: int, size: int) -> IndexSpec:
        return IndexSpec(name=f"i{n:02d}", pk="k", projection=tuple(f"a{j}" for j in range(size)))

    # 5 indexes of 19 names, each with the entity attribute: 100 in all.
    assert check_indexes([include(n, 19) for n in range(5)], ENTITY)
    with pytest.raises(ValueError, match="120 attributes"):
        check_indexes([include(n, 19) for n in range(6)], ENTITY)


def test_an_include_index_holds_at_most_twenty_attributes_the_entity_attribute_counted() -> None:
    names = tuple(f"a{j}" for j in range(20))
    with pytest.raises(ValueError, match=r"21 non-key attributes.*name at most 19"):
        check_indexes([IndexSpec(name="abc", pk="k", projection=names)], ENTITY)
    with_entity = (*names[:19], ENTITY)
    assert check_indexes([IndexSpec(name="abc", pk="k", projection=with_entity)], ENTITY)


def test_check_indexes_refuses_what_is_not_a_tuple_of_specs() -> None:
    with pytest.raises(ValueError, match="tuple of IndexSpec"):
        check_indexes(IndexSpec(name="abc", pk="x"), ENTITY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="holds a dict"):
        check_indexes([{"name": "abc"}], ENTITY)  # type: ignore[list-item]


def test_include_holds_the_entity_attribute_and_leaves_out_keys() -> None:
    spec = IndexSpec(name="abc", pk="g", sk="h", projection=("pk", "h", "total"))
    assert included_attributes(spec, ENTITY) == ("total", ENTITY)
    assert projected_attributes(spec, ENTITY) == {"pk", "sk", "g", "h", "total", ENTITY}
    keys_only = IndexSpec(name="abc", pk="g", projection="keys_only")
    assert included_attributes(keys_only, ENTITY) == ()
    assert projected_attributes(keys_only, ENTITY) == {"pk", "sk", "g"}


# --- index keys on writes ---------------------------------------------------------------

INDEXES = Indexes(
    [
        IndexSpec(name="open", pk="by_status", sk="opened"),
        IndexSpec(name="inverted", pk="sk", sk="pk"),
    ],
    ENTITY,
)


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"by_status": {"N": "1"}}, "DynamoDB type N; index keys are strings"),
        ({"by_status": {"S": ""}}, "empty string"),
        ({"opened": {"S": ""}}, "empty string"),
        ({"by_status": {"S": "x" * 2049}}, "2049 bytes; the limit is 2048"),
        ({"opened": {"S": "é" * 513}}, "1026 bytes; the limit is 1024"),
        ({"opened": {"BOOL": True}}, "DynamoDB type BOOL"),
    ],
)
def test_index_keys_refused_name_index_and_attribute(
    attributes: dict[str, dict[str, object]], problem: str
) -> None:
    with pytest.raises(InvalidItemError, match=problem) as caught:
        INDEXES.check_item("create", "p", "s", attributes)
    assert "index 'open'" in str(caught.value)
    assert caught.value.pk == "p"


def test_index_keys_at_the_limits_and_absent_keys_pass() -> None:
    INDEXES.check_item("create", "p", "s", {"by_status": {"S": "x" * 2048}})
    INDEXES.check_item("create", "p", "s", {"opened": {"S": "é" * 512}})
    INDEXES.check_item("update", "p", "s", {})


def test_a_pk_that_is_an_index_sort_key_must_fit_a_sort_key() -> None:
    # The inverted index sorts by pk: a pk of 1,025 to 2,048 bytes fits the table only.
    assert [(a, limit) for a, _, limit in INDEXES._keys if a in ("pk", "sk")] == [("pk", 1024)]
    INDEXES.check_item("create", "p", "s", {"pk": {"S": "p" * 1024}})
    with pytest.raises(InvalidItemError, match="index 'inverted': its key attribute 'pk'"):
        INDEXES.check_item("create", "p", "s", {"pk": {"S": "p" * 1025}})


# --- computed fields -------------------------------------------------------------------


def test_computed_fields_are_stored_and_dropped_on_read() -> None:
    ticket = Ticket(pk="t#1", sk="#", status="open")
    stored = encode_item("create", ticket, tag=(ENTITY, "x"))
    assert stored["by_status"] == {"S": "status#open"}
    assert decode_item("get_one", stored, Ticket, ENTITY) == ticket


def test_a_computed_field_holding_none_is_not_stored() -> None:
    stored = encode_item("create", Ticket(pk="t#1", sk="#"))
    assert "by_status" not in stored


# --- queries -----------------------------------------------------------------------------

QUERY_INDEXES = Indexes(
    [
        IndexSpec(name="open", pk="by_status", sk="opened", projection="keys_only"),
        IndexSpec(name="no_sort", pk="by_status"),
        IndexSpec(name="local", pk="pk", sk="opened", local=True, projection="keys_only"),
    ],
    ENTITY,
)


def _query(name: object, **arguments: object) -> object:
    defaults: dict[str, object] = {
        "has_condition": False,
        "consistent": None,
        "hydrate": False,
        "model_classes": (TicketKeys,),
    }
    return QUERY_INDEXES.query("query_by_pk", "p", name, **{**defaults, **arguments})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("nope", {}, "no index 'nope' is declared"),
        (3, {}, "no index 3"),
        ("open", {"consistent": True}, "global"),
        ("open", {"consistent": "yes"}, "consistent must be a bool"),
        ("open", {"hydrate": 1}, "hydrate must be a bool"),
        ("no_sort", {"has_condition": True}, "no sort key"),
        ("open", {"model_classes": (Ticket,)}, "does not project status, body"),
        (None, {"hydrate": True}, "name the index"),
    ],
)
def test_index_queries_refused(name: object, arguments: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidQueryError, match=message):
        _query(name, **arguments)


def test_a_table_query_reads_no_index() -> None:
    assert _query(None) is None


def test_a_projection_model_reads_a_keys_only_index_as_it_is() -> None:
    read = _query("open")
    assert read is not None
    assert not read.fetch_unprojected  # type: ignore[attr-defined]
    assert not read.hydrate  # type: ignore[attr-defined]


def test_hydrate_reads_a_global_index_for_a_whole_model() -> None:
    read = _query("open", model_classes=(Ticket,), hydrate=True)
    assert read.hydrate  # type: ignore[attr-defined]
    assert not read.fetch_unprojected  # type: ignore[attr-defined]


def test_a_local_index_reads_unprojected_fields_from_the_table() -> None:
    read = _query("local", model_classes=(Ticket,), consistent=True)
    assert read.fetch_unprojected  # type: ignore[attr-defined]


def test_positions_and_cursors_of_an_index_carry_its_keys_and_the_tables() -> None:
    spec = QUERY_INDEXES.by_name["open"]
    entry = {"pk": {"S": "t#1"}, "sk": {"S": "#"}, "by_status": {"S": "o"}, "opened": {"S": "d"}}
    assert index_position(spec, entry) == ("d", "t#1", "#")
    assert index_position(QUERY_INDEXES.by_name["no_sort"], entry) == ("", "t#1", "#")
    assert index_position(None, entry) == "#"
    read = _query("open")
    request = page_query("query_page", "o", index=read)  # type: ignore[arg-type]
    cursor = next_cursor(request.query, ("d", "t#1", "#"))
    resumed = page_query("query_page", "o", index=read, cursor=cursor)  # type: ignore[arg-type]
    assert resumed.after == ("d", "t#1", "#")
    with pytest.raises(InvalidQueryError, match="another index"):
        page_query("query_page", "o", cursor=cursor)
    other = _query("no_sort")
    with pytest.raises(InvalidQueryError, match="another index"):
        page_query("query_page", "o", index=other, cursor=cursor)  # type: ignore[arg-type]
