"""Probe steps of docs/fidelity.md's rows on conditions and patches (engine-notes section k).

A condition row stores an item, then deletes it under the condition: ``holds`` (the
item is deleted), ``false`` (ConditionalCheckFailedException; through the port,
ConditionFailedError), ``refused`` (ValidationException; InvalidQueryError or
InvalidItemError) or the error. The in-memory store is asked through the port, the
condition written with `where` on `Loose`, whose fields take values of any type; an
engine is sent the very ConditionExpression `where` compiles (the one DynamoDBService
sends), with its names and values, on a raw DeleteItem of an item put raw. A row on
"no item" writes under the condition instead (PutItem; the port's ``create``).

A patch row creates an item and patches it through the port; an engine is sent the
very UpdateItem the port builds for the patch (``plan_patch``, ``patch_request``) on
an item put raw, then read back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from differential._probes import tagged, wire
from differential._raw import ACCEPTED, REFUSED, key
from lvrgd.common.services.conditions import where
from lvrgd.common.services.kvstore import (
    DEFAULT_ENTITY_ATTRIBUTE,
    ConditionFailedError,
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
    KeyValueStoreError,
)
from lvrgd.common.services.kvstore._patch import patch_request, plan_patch

if TYPE_CHECKING:
    from collections.abc import Callable

    from differential._behaviour import Probes
    from differential._raw import RawTable, Wire
    from lvrgd.common.services.kvstore import KeyValueStore

HOLDS = "holds"
FALSE = "false"
CONDITIONAL_CHECK_FAILED = "error ConditionalCheckFailedException"


class Loose(KeyValueItem, entity="differential._steps_conditions.Loose"):
    """An item whose fields take values of any type: a condition may compare any two."""

    model_config = ConfigDict(extra="allow")

    x: Any = None
    y: Any = None
    m: dict[str, Any] | None = None


class Listed(KeyValueItem, entity="differential._steps_conditions.Listed"):
    """An item with a list, a number and a set, for the patch rows."""

    l: list[str] | None = None  # noqa: E741 - the name engine-notes uses
    n: Decimal | None = None
    tags: set[str] = Field(default_factory=set)
    m: dict[str, Any] | None = None


def _label(call: Callable[[], object]) -> str:
    """What a conditional write through the port did: holds, false, refused, the error."""
    try:
        call()
    except ConditionFailedError:
        return FALSE
    except (InvalidQueryError, InvalidItemError):
        return REFUSED
    except KeyValueStoreError as error:
        return f"error {type(error).__name__}"
    return HOLDS


def _raw_label(label: str) -> str:
    """A raw write's label (``_raw.RawTable.attempt``) as a condition's outcome."""
    if label == ACCEPTED:
        return HOLDS
    return FALSE if label == CONDITIONAL_CHECK_FAILED else label


Case = tuple[dict[str, Any] | None, "Callable[[Any], Any]"]
"""A condition row's case: the item's attributes (None: no item), and the condition."""
RawCase = tuple[dict[str, Any] | None, "Callable[[Any], Any]", dict[str, Any]]
"""A case of a condition `where` refuses: as `Case`, with the request's expression
parameters (``ConditionExpression`` and its names and values) an engine gets."""


def condition(pk: str, cases: list[Case]) -> Probes:
    """Each case's outcome, joined with `` / ``.

    With an item, the item is deleted under the condition; with none, an item is
    written under it (the port's ``create``, a raw PutItem).
    """

    def on_memory(store: KeyValueStore) -> str:
        return " / ".join(
            _memory_case(store, pk, f"s{index}", stored, build)
            for index, (stored, build) in enumerate(cases)
        )

    def on_engine(raw: RawTable) -> str:
        return " / ".join(
            _engine_case(raw, pk, f"s{index}", stored, build)
            for index, (stored, build) in enumerate(cases)
        )

    return on_memory, on_engine


def _memory_case(
    store: KeyValueStore,
    pk: str,
    sk: str,
    stored: dict[str, Any] | None,
    build: Callable[[Any], Any],
) -> str:
    if stored is None:
        return _label(lambda: store.create(Loose(pk=pk, sk=sk), condition=where(Loose, build)))
    store.create(Loose(pk=pk, sk=sk, **stored))
    return _label(lambda: store.delete(pk, sk, condition=where(Loose, build)))


def refused_when_built(pk: str, cases: list[RawCase]) -> Probes:
    """Each case's outcome, joined with `` / ``, for conditions `where` refuses to build.

    The in-memory store is probed through the port as `condition` does (so it answers
    refused); an engine gets the expression the condition would have compiled to,
    written out by hand, so the row shows what the engines do with it.
    """

    def on_memory(store: KeyValueStore) -> str:
        return " / ".join(
            _memory_case(store, pk, f"s{index}", stored, build)
            for index, (stored, build, _) in enumerate(cases)
        )

    def on_engine(raw: RawTable) -> str:
        return " / ".join(
            _expression_case(raw, pk, f"s{index}", stored, expression)
            for index, (stored, _, expression) in enumerate(cases)
        )

    return on_memory, on_engine


def _engine_case(
    raw: RawTable, pk: str, sk: str, stored: dict[str, Any] | None, build: Callable[[Any], Any]
) -> str:
    compiled = where(Loose, build).compiled
    expression: dict[str, Any] = {"ConditionExpression": compiled.expression}
    if compiled.names:
        expression["ExpressionAttributeNames"] = compiled.names
    if compiled.values:
        expression["ExpressionAttributeValues"] = compiled.values
    return _expression_case(raw, pk, sk, stored, expression)


def _expression_case(
    raw: RawTable, pk: str, sk: str, stored: dict[str, Any] | None, expression: dict[str, Any]
) -> str:
    if stored is None:
        item = {**key(pk, sk), **tagged(Loose)}
        return _raw_label(
            raw.attempt(lambda: raw.client.put_item(TableName=raw.name, Item=item, **expression))
        )
    raw.put({**wire({"pk": pk, "sk": sk, **stored}), **tagged(Loose)})
    return _raw_label(
        raw.attempt(
            lambda: raw.client.delete_item(TableName=raw.name, Key=key(pk, sk), **expression)
        )
    )


def _shown(value: Any) -> str:
    """A stored value as a table cell shows it."""
    if isinstance(value, list):
        return "[" + ", ".join(_shown(element) for element in value) + "]"
    return str(value)


def _raw_shown(value: Wire | None) -> str:
    if value is None:
        return "absent"
    ((kind, body),) = value.items()
    if kind == "L":
        return "[" + ", ".join(_raw_shown(element) for element in body) + "]"
    if kind == "SS":
        return "{" + ", ".join(sorted(body)) + "}"
    return str(body)


def patch(pk: str, stored: dict[str, Any], attribute: str, **changes: Any) -> Probes:
    """A patch of a `Listed` item holding `stored`: its outcome, and `attribute` after it."""

    def on_memory(store: KeyValueStore) -> str:
        store.create(Listed(pk=pk, sk="s", **stored))
        try:
            store.patch(pk, "s", Listed, **changes)
        except (InvalidItemError, InvalidQueryError):
            return REFUSED
        except KeyValueStoreError as error:
            return f"error {type(error).__name__}"
        found = store.get_one(pk, "s", Listed)
        value = None if found is None else getattr(found, attribute)
        return f"{ACCEPTED}, {attribute} = {_shown(value) if value else 'absent'}"

    def on_engine(raw: RawTable) -> str:
        raw.put({**wire({"pk": pk, "sk": "s", **stored}), **tagged(Listed)})
        planned = plan_patch(
            "patch", pk, "s", Listed,
            set_=changes.get("set"), remove=changes.get("remove", ()), add=changes.get("add"),
            append=None, set_if_absent=None, condition=None, upsert=False, return_item=False,
            entity_attribute=DEFAULT_ENTITY_ATTRIBUTE,
        )  # fmt: skip
        request = patch_request(planned)
        label = raw.update(
            key(pk, "s"),
            UpdateExpression=request.update,
            ConditionExpression=request.condition,
            ExpressionAttributeNames=request.names,
            ExpressionAttributeValues=request.values,
        )
        if label != ACCEPTED:
            return label
        found = raw.get(key(pk, "s")) or {}
        return f"{ACCEPTED}, {attribute} = {_raw_shown(found.get(attribute))}"

    return on_memory, on_engine


def raw_update(
    pk: str, stored: dict[str, Any], attribute: str, expression: str, values: Wire
) -> Callable[[RawTable], str]:
    """An UpdateItem sent raw (what the port never sends): its outcome, `attribute` after it."""

    def on_engine(raw: RawTable) -> str:
        raw.put({**wire({"pk": pk, "sk": "s", **stored}), **tagged(Listed)})
        label = raw.update(
            key(pk, "s"), UpdateExpression=expression, ExpressionAttributeValues=values
        )
        if label != ACCEPTED:
            return label
        found = raw.get(key(pk, "s")) or {}
        return f"{ACCEPTED}, {attribute} = {_raw_shown(found.get(attribute))}"

    return on_engine


def joined(*probes: Probes) -> Probes:
    """Several probes as one: their outcomes joined with `` / ``."""

    def on_memory(store: KeyValueStore) -> str:
        return " / ".join(probe[0](store) for probe in probes)

    def on_engine(raw: RawTable) -> str:
        return " / ".join(probe[1](raw) for probe in probes)

    return on_memory, on_engine
