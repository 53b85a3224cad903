"""Probe helpers: a behaviour asked of the in-memory store and of an engine, as a label.

The in-memory store is asked through the port; an engine raw, through its own client.

An engine is asked raw because the question is what the engine does; the adapter's
codec would normalise or refuse many of these inputs before sending them. Items are
written in Python values: for an engine, boto3's own TypeSerializer makes the wire
form (independently of our codec); for the in-memory store, the values go through
a model that keeps every attribute (``extra="allow"``), so attribute names can be
anything. That model stores its entity name, as every class does, so a probe that
sizes an item for the in-memory store counts the entity attribute in (``tagged``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeSerializer
from pydantic import ConfigDict

from differential._raw import ACCEPTED, REFUSED, Wire, key
from lvrgd.common.services.kvstore import (
    DEFAULT_ENTITY_ATTRIBUTE,
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStoreError,
    entity_name,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from differential._raw import RawTable
    from lvrgd.common.services.kvstore import KeyValueStore

NO_ITEM = "no item"
CONDITION_FAILED = "condition failed, nothing written"
_SERIALIZER = TypeSerializer()


class Anything(KeyValueItem, entity="differential._probes.Anything"):
    """Any item: attributes beyond the key are kept as they are, whatever their names."""

    model_config = ConfigDict(extra="allow")


def tagged(model_class: type[KeyValueItem] = Anything) -> Wire:
    """The entity attribute a write of `model_class` stores, in wire form."""
    return {DEFAULT_ENTITY_ATTRIBUTE: {"S": entity_name(model_class)}}


def without_entity(item: Wire) -> Wire:
    """`item` without its entity attribute: what is passed to the port, which adds it."""
    return {name: value for name, value in item.items() if name != DEFAULT_ENTITY_ATTRIBUTE}


def wire(values: dict[str, Any]) -> Wire:
    """The wire form of an item given as Python values, by boto3's TypeSerializer."""
    return {name: _SERIALIZER.serialize(value) for name, value in values.items()}


def item(pk: str, sk: str, **attributes: Any) -> dict[str, Any]:
    """An item as Python values."""
    return {"pk": pk, "sk": sk, **attributes}


def model(values: dict[str, Any]) -> Anything:
    """The same item as a model the in-memory store accepts."""
    return Anything.model_validate(values)


def mem_create(store: KeyValueStore, values: dict[str, Any]) -> str:
    """Create through the port: ``accepted``, ``refused`` or the error's class."""
    return port_label(lambda: store.create(model(values)))


def mem_update(store: KeyValueStore, values: dict[str, Any]) -> str:
    """Update through the port: ``accepted``, ``refused`` or the error's class."""
    return port_label(lambda: store.update(model(values)))


def mem_read(
    store: KeyValueStore, pk: str, sk: str, as_class: type[KeyValueItem] = Anything
) -> dict[str, Any] | None:
    """get_one through the port: the attributes beyond the key, or None.

    `as_class` keeps every attribute (``extra="allow"``) and is of the item's entity:
    Anything, or a view of the class that wrote it.
    """
    found = store.get_one(pk, sk, as_class)
    return None if found is None else dict(found.model_extra or {})


def mem_get_label(store: KeyValueStore, pk: str, sk: str) -> str:
    """get_one through the port: ``item``, ``no item``, ``refused`` or the error's class."""
    return port_label(lambda: store.get_one(pk, sk, Anything), ok=_found)


def mem_query_label(store: KeyValueStore, pk: str, **condition: Any) -> str:
    """query_by_pk through the port: the sort keys found, or the error's label."""
    return port_label(
        lambda: store.query_by_pk(pk, Anything, **condition),
        ok=sort_keys_of,
    )


def sort_keys_of(found: list[Anything]) -> str:
    """The sort keys of items found through the port, as a table cell shows them."""
    return sort_keys_label([item.sk for item in found])


def raw_create(raw: RawTable, values: dict[str, Any]) -> str:
    """PutItem of the values: ``accepted``, ``refused`` or the error's code."""
    return raw.put(wire(values))


def raw_read(raw: RawTable, pk: str, sk: str) -> Wire | None:
    """GetItem: the wire attributes beyond the key, or None."""
    found = raw.get(key(pk, sk))
    return None if found is None else {n: v for n, v in found.items() if n not in ("pk", "sk")}


def raw_get_label(raw: RawTable, pk: str, sk: str) -> str:
    """GetItem: ``item``, ``no item``, ``refused`` or the error's code."""
    outcome: list[Wire | None] = []
    label = raw.attempt(lambda: outcome.append(raw.get(key(pk, sk))))
    if label != ACCEPTED:
        return label
    return NO_ITEM if outcome[0] is None else "item"


def raw_query_label(raw: RawTable, pk: str, condition: str = "", **values: str) -> str:
    """One Query page: the sort keys found, or the error's label."""
    pages: list[dict[str, Any]] = []
    operands = {name: {"S": value} for name, value in values.items()}
    label = raw.attempt(lambda: pages.append(raw.query(pk, condition, **operands)))
    if label != ACCEPTED:
        return label
    return sort_keys_label([found["sk"]["S"] for found in pages[0]["Items"]])


def sort_keys_label(sort_keys: list[str]) -> str:
    """Sort keys as a table cell shows them; unprintable characters as ``[U+XXXX]``."""
    if not sort_keys:
        return "[]"
    return "[" + ", ".join(_shown(sk) for sk in sort_keys) + "]"


def boundary_label(at: str, past: str) -> str:
    """The outcome at a limit and one byte past it."""
    return f"{at} / {past}"


def number_text(value: object) -> str:
    """A number read back through the port, as text."""
    return str(value) if isinstance(value, int | Decimal) else repr(value)


def _shown(text: str) -> str:
    return "".join(c if c.isprintable() else f"[U+{ord(c):04X}]" for c in text)


def _found(found: object) -> str:
    return NO_ITEM if found is None else "item"


def port_label(call: Callable[[], object], ok: Callable[[Any], str] | None = None) -> str:
    """What a call through the port did: ``accepted``, ``refused``, a failed condition..."""
    try:
        result = call()
    except (InvalidItemError, InvalidQueryError):
        return REFUSED
    except (ItemAlreadyExistsError, ItemNotFoundError):
        return CONDITION_FAILED
    except KeyValueStoreError as error:
        return f"error {type(error).__name__}"
    return ACCEPTED if ok is None else ok(result)
