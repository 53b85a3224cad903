"""Patches: planning against the model, DynamoDB's expressions, and the twin's apply."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, Field, computed_field

from lvrgd.common.services.conditions import where
from lvrgd.common.services.kvstore import (
    IndexSpec,
    InvalidItemError,
    ItemNotFoundError,
    KeyValueItem,
    VersionedItem,
)
from lvrgd.common.services.kvstore._errors import ConditionFailedError
from lvrgd.common.services.kvstore._indexes import Indexes
from lvrgd.common.services.kvstore._patch import (
    Patch,
    apply_patch,
    computed_sources,
    patch_error,
    patch_request,
    plan_patch,
)

ENTITY = "_entity"


class Address(BaseModel):
    """A nested model."""

    city: str
    zip: str | None = None


class Stock(KeyValueItem, entity="tests.kvstore.test_patch.Stock"):
    """Fields of every kind a patch changes."""

    name: str
    count: int = 0
    price: Decimal = Decimal(0)
    tags: set[str] = Field(default_factory=set)
    lines: list[str] = Field(default_factory=list)
    address: Address | None = None
    status: str = "open"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def open_key(self) -> str | None:
        """An index key computed from status."""
        return None if self.status == "closed" else f"open#{self.status}"


class Doc(VersionedItem, entity="tests.kvstore.test_patch.Doc"):
    """A versioned item."""

    title: str


INDEXES = Indexes([IndexSpec(name="open", pk="open_key")], ENTITY)


def _plan(model: type[KeyValueItem] = Stock, **changes: Any) -> Patch:
    arguments: dict[str, Any] = {
        "set_": None, "remove": (), "add": None, "append": None, "set_if_absent": None,
        "condition": None, "upsert": False, "return_item": True,
    }  # fmt: skip
    arguments.update(changes)
    return plan_patch(
        "patch", "p", "s", model, entity_attribute=ENTITY, indexes=INDEXES, **arguments
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"set_": {"nmae": "x"}}, "has no field 'nmae'"),
        ({"set_": {"count": "many"}}, "not a valid int"),
        ({"set_": {"name": None}}, "use remove"),
        ({"set_": {"pk": "other"}}, "never changes the key"),
        ({"add": {"name": 1}}, "numbers and sets"),
        ({"add": {"count": "1"}}, "takes a number"),
        ({"add": {"tags": set()}}, "non-empty set"),
        ({"append": {"count": [1]}}, "works on lists"),
        ({"append": {"lines": []}}, "non-empty list"),
        ({"remove": ["name"]}, "requires it"),
        ({"remove": ["address.city"]}, "Address requires it"),
        ({"remove": "count"}, "sequence of paths"),
        ({"set_": {"address": {"city": "x"}}, "remove": ["address.zip"]}, "may not overlap"),
        ({}, "changes nothing"),
        ({"set_": {"count": 1}, "upsert": True}, "name missing"),
        ({"set_": {"status": "closed"}}, r"'open_key' \(a key of index 'open'\)"),
        ({"set_": {"lines[x]": "a"}}, "not a path"),
        ({"condition": "count > 1", "set_": {"count": 1}}, "built with where"),
    ],
)
def test_plan_refuses_before_anything_is_sent(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidItemError, match=message):
        _plan(**changes)


def test_a_versioned_patch_may_not_set_the_version() -> None:
    with pytest.raises(InvalidItemError, match="leave version out"):
        _plan(Doc, set_={"version": 3})


def test_computed_fields_know_what_they_read() -> None:
    assert computed_sources(Stock) == {"open_key": frozenset({"status"})}


def test_a_computed_key_set_with_its_source_passes() -> None:
    plan = _plan(set_={"status": "closed"}, remove=["open_key"])
    assert [action.kind for action in plan.actions] == ["set", "remove"]


def test_the_expressions_use_placeholders_and_add_conditions() -> None:
    plan = _plan(
        set_={"address.city": "Rome"}, add={"count": 2, "tags": {"a"}}, append={"lines": ["x"]},
        set_if_absent={"price": Decimal("1.5")},
        condition=where(Stock, lambda s: s.count >= 1),
    )  # fmt: skip
    request = patch_request(plan)
    assert request.update == (
        "SET #p1.#p2 = :p0, #p3 = if_not_exists(#p3, :p1) + :p2, "
        "#p5 = list_append(if_not_exists(#p5, :p4), :p5), #p6 = if_not_exists(#p6, :p6), "
        "#p7 = if_not_exists(#p7, :p7) ADD #p4 :p3"
    )
    assert request.condition == (
        "attribute_exists(#pk) AND (attribute_not_exists(#p7) OR #p7 = :p8) AND "
        "attribute_exists(#p8) AND (#c0 >= :c0)"
    )
    assert request.names["#p8"] == "name"  # required and not set: must be stored
    assert request.names["#c0"] == "count"


def test_an_upsert_sends_no_existence_condition() -> None:
    request = patch_request(_plan(set_={"name": "n"}, upsert=True))
    assert "attribute_exists(#pk)" not in request.condition
    assert "#pk" not in request.names


STOCK = "tests.kvstore.test_patch.Stock"


def _stored(**attributes: Any) -> dict[str, Any]:
    return {
        "pk": {"S": "p"},
        "sk": {"S": "s"},
        "name": {"S": "n"},
        ENTITY: {"S": STOCK},
        **attributes,
    }


def test_apply_sets_adds_appends_and_removes_without_touching_the_stored_item() -> None:
    stored = _stored(
        count={"N": "1"},
        lines={"L": [{"S": "a"}, {"S": "b"}]},
        address={"M": {"city": {"S": "Paris"}}},
    )
    plan = _plan(
        add={"count": 2, "tags": {"t"}}, append={"lines": ["c"]}, set_={"address.city": "Rome"},
    )  # fmt: skip
    after = apply_patch("patch", plan, stored)
    assert after["count"] == {"N": "3"}
    assert after["tags"] == {"SS": ["t"]}
    assert after["lines"] == {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}
    assert after["address"] == {"M": {"city": {"S": "Rome"}}}
    assert stored["address"] == {"M": {"city": {"S": "Paris"}}}  # a copy was changed


def test_a_list_index_past_the_end_appends_and_a_removal_shifts() -> None:
    stored = _stored(lines={"L": [{"S": "a"}, {"S": "b"}]})
    after = apply_patch("patch", _plan(set_={"lines[9]": "z"}), stored)
    assert after["lines"] == {"L": [{"S": "a"}, {"S": "b"}, {"S": "z"}]}
    after = apply_patch("patch", _plan(remove=["lines[0]"]), stored)
    assert after["lines"] == {"L": [{"S": "b"}]}


def test_apply_refuses_an_absent_parent_and_a_number_out_of_range() -> None:
    with pytest.raises(InvalidItemError, match="address is absent"):
        apply_patch("patch", _plan(set_={"address.city": "Rome"}), _stored())
    stored = _stored(count={"N": str(10**37 + 1)})  # 38 digits; the sum needs 39
    with pytest.raises(InvalidItemError, match="DynamoDB's numbers"):
        apply_patch("patch", _plan(add={"count": 9 * 10**37}), stored)


def test_a_versioned_patch_bumps_the_version() -> None:
    after = apply_patch("patch", _plan(Doc, set_={"title": "t"}), _stored(version={"N": "4"}))
    assert after["version"] == {"N": "5"}


def test_patch_errors_in_the_order_conditions_are_sent() -> None:
    plan = _plan(set_={"count": 1}, condition=where(Stock, lambda s: s.count > 5))
    assert isinstance(patch_error("patch", plan, None, ENTITY), ItemNotFoundError)
    other = {**_stored(), ENTITY: {"S": "someone.else"}}
    assert isinstance(patch_error("patch", plan, other, ENTITY), InvalidItemError)
    lacking = {key: value for key, value in _stored().items() if key != "name"}
    error = patch_error("patch", plan, lacking, ENTITY)
    assert isinstance(error, InvalidItemError)
    assert "lacks name" in str(error)
    stored = _stored(count={"N": "2"})
    failed = patch_error("patch", plan, stored, ENTITY)
    assert isinstance(failed, ConditionFailedError)
    assert isinstance(failed.item, Stock)
    assert failed.item.count == 2
