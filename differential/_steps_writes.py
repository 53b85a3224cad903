"""Probe steps of docs/fidelity.md's rows on sizes, nesting, sets, names and writes.

The in-memory store is probed through the port, whose writes store the class's entity
name: an item sized for it counts that attribute in (`tagged`), so that the item it
stores is the size the row names.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from differential._behaviour import LIMIT
from differential._probes import (
    CONDITION_FAILED,
    NO_ITEM,
    Anything,
    boundary_label,
    item,
    mem_create,
    mem_get_label,
    mem_read,
    mem_update,
    model,
    port_label,
    raw_create,
    raw_get_label,
    raw_read,
    tagged,
    wire,
    without_entity,
)
from differential._raw import ACCEPTED, REFUSED, key
from differential._sizes import pad_to
from lvrgd.common.services.dynamodb._requests import update_request
from lvrgd.common.services.kvstore import (
    DEFAULT_ENTITY_ATTRIBUTE,
    InvalidItemError,
    KeyValueItem,
    entity_name,
)
from lvrgd.common.services.kvstore._attributes import encode_changes

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias

    from differential._behaviour import Probes
    from differential._raw import RawTable, Wire
    from lvrgd.common.services.kvstore import KeyValueStore

    Make: TypeAlias = Callable[[str, int, Wire], Wire]
    """An item of a given size: (sort key, target bytes, attributes counted in the target)."""

ENTITY = DEFAULT_ENTITY_ATTRIBUTE

# -- sizes -----------------------------------------------------------------------------


def sized(pk: str, extra: Wire, unit: str = "x", pad_name: str = "pad") -> Make:
    def make(sk: str, target: int, counted: Wire) -> Wire:
        return pad_to({**key(pk, sk), **extra, **counted}, target, pad_name, unit)

    return make


def boundary(make: Make, *, on_engine_counted: Wire | None = None) -> Probes:
    """Items of 409,600 and 409,601 bytes: created through the port, or put raw.

    The port's item counts its entity attribute in, and hands the rest to the port,
    which adds it; the raw item counts `on_engine_counted` in, and holds it.
    """
    counted = on_engine_counted or {}

    def on_memory(store: KeyValueStore) -> str:
        return boundary_label(
            *(
                _mem_create_wire(store, without_entity(make(sk, LIMIT + i, tagged())))
                for i, sk in enumerate("ab")
            )
        )

    def on_engine(raw: RawTable) -> str:
        return boundary_label(*(raw.put(make(sk, LIMIT + i, counted)) for i, sk in enumerate("ab")))

    return on_memory, on_engine


def _mem_create_wire(store: KeyValueStore, item_wire: Wire) -> str:
    return mem_create(store, {name: _python(value) for name, value in item_wire.items()})


def _python(value: Wire) -> Any:  # noqa: PLR0911 - one branch per wire type
    ((kind, body),) = value.items()
    if kind in ("S", "B", "BOOL"):
        return body
    if kind == "N":
        return Decimal(body)
    if kind == "NULL":
        return None
    if kind == "SS":
        return set(body)
    if kind == "NS":
        return {Decimal(n) for n in body}
    if kind == "BS":
        return set(body)
    if kind == "L":
        return [_python(element) for element in body]
    return {k: _python(v) for k, v in body.items()}


NUMBERS_EXTRA: Wire = {
    "n1": {"N": "12345"},
    "n2": {"N": "-0.05"},
    "n3": {"N": "12345678901234567890123456789012345678"},
    "n4": {"N": "1E+100"},
}
CONTAINERS_EXTRA: Wire = {
    "m": {"M": {"k": {"S": "v"}, "l": {"L": [{"N": "1"}, {"BOOL": True}, {"NULL": True}]}}},
    "e": {"M": {}},
    "l": {"L": [{"L": []}, {"M": {"kk": {"S": ""}}}]},
}
SETS_EXTRA: Wire = {
    "ss": {"SS": ["a", "bb", "c"]},
    "ns": {"NS": ["1", "22", "-0.5"]},
    "bs": {"BS": [b"\x00", b"xy"]},
}
BINARY_EXTRA: Wire = {"b": {"B": b"\x00\xff" * 100}}


def update_at_limit_memory(store: KeyValueStore) -> str:
    results = []
    for sk, target in (("a", LIMIT), ("b", LIMIT + 1)):
        store.create(Anything(pk="u", sk=sk))
        padded = without_entity(pad_to({**key("u", sk), **tagged()}, target))
        results.append(mem_update(store, {n: _python(v) for n, v in padded.items()}))
    return boundary_label(*results)


def update_at_limit_engine(raw: RawTable) -> str:
    results = []
    for sk, target in (("a", LIMIT), ("b", LIMIT + 1)):
        raw.put(key("u", sk))
        pad = pad_to(key("u", sk), target)["pad"]
        results.append(
            raw.update(
                key("u", sk),
                UpdateExpression="SET #p = :p",
                ExpressionAttributeNames={"#p": "pad"},
                ExpressionAttributeValues={":p": pad},
            )
        )
    return boundary_label(*results)


REPLACED = 300_000


def replace_memory(store: KeyValueStore) -> str:
    store.create(Anything(pk="probe#replace", sk="s", s="x" * REPLACED))
    return mem_update(store, item("probe#replace", "s", s="y" * REPLACED))


def replace_engine(raw: RawTable) -> str:
    raw.put({**key("probe#replace", "s"), "s": {"S": "x" * REPLACED}})
    return raw.update(
        key("probe#replace", "s"),
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "s"},
        ExpressionAttributeValues={":s": {"S": "y" * REPLACED}},
    )


# -- nesting ---------------------------------------------------------------------------


def _nested(levels: int, innermost: Any, kind: str = "map") -> Any:
    value = innermost
    for _ in range(levels):
        value = {"k": value} if kind == "map" else [value]
    return value


def nesting(levels: int, innermost: Any, kind: str = "map") -> Probes:
    values = item(
        f"probe#nest#{levels}#{kind}#{innermost!r}", "s", x=_nested(levels, innermost, kind)
    )
    return (lambda store: mem_create(store, values)), (lambda raw: raw_create(raw, values))


# -- sets ------------------------------------------------------------------------------


class Tagged(KeyValueItem, entity="differential._steps_writes.Tagged"):
    """A set field: an empty set is stored as no attribute, and read back empty."""

    tags: set[str] = Field(default_factory=set)


class TaggedWhole(KeyValueItem, entity=Tagged):
    """A view of Tagged that keeps every stored attribute: what the set field stored."""

    model_config = ConfigDict(extra="allow")


class Numbered(KeyValueItem, entity="differential._steps_writes.Numbered"):
    """A number-set field."""

    numbers: set[Decimal] = Field(default_factory=set)


def empty_set_memory(store: KeyValueStore) -> str:
    store.create(Tagged(pk="probe#empty-set", sk="s"))
    read = mem_read(store, "probe#empty-set", "s", TaggedWhole)
    stored = "no attribute stored" if read is not None and "tags" not in read else "stored"
    back = store.get_one("probe#empty-set", "s", Tagged)
    return f"{stored}, read back as {back.tags if back is not None else None!r}"


def empty_set_engine(kind: str) -> Callable[[RawTable], str]:
    return lambda raw: raw.put({**key(f"probe#empty-{kind}", "s"), "x": {kind: []}})


def duplicates_memory(store: KeyValueStore) -> str:
    store.create(Numbered(pk="probe#dupes", sk="s", numbers={Decimal(1), Decimal("1.0")}))
    back = store.get_one("probe#dupes", "s", Numbered)
    return f"one element stored ({len(back.numbers) if back else 0})"


def duplicates_engine(raw: RawTable) -> str:
    results = [
        raw.put({**key("probe#dupes", kind), "x": {kind: values}})
        for kind, values in (("SS", ["a", "a"]), ("NS", ["1", "1.0"]), ("BS", [b"a", b"a"]))
    ]
    return "SS, NS, BS: " + ", ".join(results)


# -- empty values and names ------------------------------------------------------------


def round_trip(
    values: dict[str, Any],
) -> Probes:
    pk, sk = values["pk"], values["sk"]
    sent = {n: v for n, v in values.items() if n not in ("pk", "sk")}

    def on_memory(store: KeyValueStore) -> str:
        label = mem_create(store, values)
        if label != ACCEPTED:
            return label
        return "read back as sent" if mem_read(store, pk, sk) == sent else "read back changed"

    def on_engine(raw: RawTable) -> str:
        label = raw_create(raw, values)
        if label != ACCEPTED:
            return label
        read: list[Wire | None] = []
        fetched = raw.attempt(lambda: read.append(raw_read(raw, pk, sk)))
        if fetched != ACCEPTED:
            return f"stored; GetItem {fetched}"
        return "read back as sent" if read[0] == wire(sent) else "read back changed"

    return on_memory, on_engine


def empty_map_key_engine(raw: RawTable) -> str:
    """Report a malformed answer as it came (botocore's parser may fail on it first)."""
    values = item("probe#empty-map-key", "s", m={"": "v"})
    label = raw_create(raw, values)
    if label != ACCEPTED:
        return label
    try:
        read = raw_read(raw, "probe#empty-map-key", "s")
    except (AttributeError, TypeError, ValueError) as error:
        return f"stored; GetItem answer unparseable ({type(error).__name__})"
    if read == wire({"m": {"": "v"}}):
        return "read back as sent"
    return f"stored; read back malformed: `{read!r}`"


SPECIAL_NAMES = ("status", "data", "name", "size", "a.b", "#h", ":c", "é")


def names_memory(store: KeyValueStore) -> str:
    pk = "probe#names"
    store.create(model(item(pk, "s", **dict.fromkeys(SPECIAL_NAMES, "first"))))
    store.update(model(item(pk, "s", **dict.fromkeys(SPECIAL_NAMES, "second"))))
    read = mem_read(store, pk, "s")
    return "set and read back" if read == dict.fromkeys(SPECIAL_NAMES, "second") else f"read {read}"


def names_engine(raw: RawTable) -> str:
    pk = "probe#names"
    raw.put(wire(item(pk, "s", **dict.fromkeys(SPECIAL_NAMES, "first"))))
    label = raw.update(
        key(pk, "s"),
        UpdateExpression="SET " + ", ".join(f"#n{i} = :v" for i in range(len(SPECIAL_NAMES))),
        ExpressionAttributeNames={f"#n{i}": n for i, n in enumerate(SPECIAL_NAMES)},
        ExpressionAttributeValues={":v": {"S": "second"}},
    )
    if label != ACCEPTED:
        return label
    read = raw_read(raw, pk, "s")
    return (
        "set and read back"
        if read == wire(dict.fromkeys(SPECIAL_NAMES, "second"))
        else f"read {read}"
    )


LONG_NAME = 65_536


def long_name(length: int) -> Probes:
    values = item(f"probe#name#{length}", "s", **{"n" * length: "v"})
    return (lambda store: mem_create(store, values)), (lambda raw: raw_create(raw, values))


# -- conditional writes, updates, reads ------------------------------------------------


def create_twice_memory(store: KeyValueStore) -> str:
    store.create(Anything(pk="probe#twice", sk="s", v="first"))
    label = mem_create(store, item("probe#twice", "s", v="second"))
    kept = (mem_read(store, "probe#twice", "s") or {}).get("v") == "first"
    return label if kept else f"{label}, but overwritten"


def create_twice_engine(raw: RawTable) -> str:
    raw.attempt(
        lambda: raw.client.put_item(
            TableName=raw.name, Item=wire(item("probe#twice", "s", v="first"))
        )
    )
    label = raw.attempt(
        lambda: raw.client.put_item(
            TableName=raw.name,
            Item=wire(item("probe#twice", "s", v="second")),
            ConditionExpression="attribute_not_exists(#pk)",
            ExpressionAttributeNames={"#pk": "pk"},
        )
    )
    kept = (raw_read(raw, "probe#twice", "s") or {}).get("v") == {"S": "first"}
    return _condition(label, nothing_written=kept)


def _condition(label: str, *, nothing_written: bool) -> str:
    if label == "error ConditionalCheckFailedException" and nothing_written:
        return CONDITION_FAILED
    return f"{label} ({'nothing' if nothing_written else 'something'} written)"


def update_missing_memory(store: KeyValueStore) -> str:
    label = mem_update(store, item("probe#update-missing", "s", v="x"))
    return label if mem_read(store, "probe#update-missing", "s") is None else f"{label}, created"


def update_missing_engine(raw: RawTable) -> str:
    label = raw.update(
        key("probe#update-missing", "s"),
        UpdateExpression="SET #v = :v",
        ConditionExpression="attribute_exists(#pk)",
        ExpressionAttributeNames={"#v": "v", "#pk": "pk"},
        ExpressionAttributeValues={":v": {"S": "x"}},
    )
    return _condition(label, nothing_written=raw_read(raw, "probe#update-missing", "s") is None)


def delete_missing_memory(store: KeyValueStore) -> str:
    try:
        store.delete("probe#delete-missing", "s")
    except KeyError:  # pragma: no cover - the port raises its own errors
        return "KeyError"
    except Exception as error:  # noqa: BLE001 - the label names whatever came out
        return (
            CONDITION_FAILED
            if type(error).__name__ == "ItemNotFoundError"
            else type(error).__name__
        )
    return ACCEPTED


def delete_missing_engine(raw: RawTable) -> str:
    label = raw.attempt(
        lambda: raw.client.delete_item(
            TableName=raw.name,
            Key=key("probe#delete-missing", "s"),
            ConditionExpression="attribute_exists(#pk)",
            ExpressionAttributeNames={"#pk": "pk"},
        )
    )
    return _condition(label, nothing_written=True)


class Narrow(KeyValueItem, entity="differential._steps_writes.Narrow"):
    """Sees `a` and `gone` only."""

    a: int
    gone: str | None = None


def update_narrow_memory(store: KeyValueStore) -> str:
    store.create(Anything(pk="probe#narrow", sk="s", a=1, b=2))
    store.update(Narrow(pk="probe#narrow", sk="s", a=3))
    read = mem_read(store, "probe#narrow", "s")
    return "others kept, absent REMOVE ignored" if read == {"a": 3, "b": 2} else f"read {read}"


def update_narrow_engine(raw: RawTable) -> str:
    raw.put(wire(item("probe#narrow", "s", a=1, b=2)))
    label = raw.update(
        key("probe#narrow", "s"),
        UpdateExpression="SET #a = :a REMOVE #g",
        ExpressionAttributeNames={"#a": "a", "#g": "gone"},
        ExpressionAttributeValues={":a": {"N": "3"}},
    )
    if label != ACCEPTED:
        return label
    read = raw_read(raw, "probe#narrow", "s")
    return (
        "others kept, absent REMOVE ignored" if read == wire({"a": 3, "b": 2}) else f"read {read}"
    )


def bare_update_memory(store: KeyValueStore) -> str:
    store.create(Anything(pk="probe#bare", sk="s", v="kept"))
    return mem_update(store, item("probe#bare", "s"))


def bare_update_engine(raw: RawTable) -> str:
    raw.put(wire(item("probe#bare", "s", v="kept")))
    return raw.update(
        key("probe#bare", "s"),
        ConditionExpression="attribute_exists(#pk)",
        ExpressionAttributeNames={"#pk": "pk"},
    )


def read_after_write_memory(store: KeyValueStore) -> str:
    store.create(Anything(pk="probe#raw", sk="s", v="x"))
    return mem_get_label(store, "probe#raw", "s")


def read_after_write_engine(raw: RawTable) -> str:
    raw.put(wire(item("probe#raw", "s", v="x")))
    return raw_get_label(raw, "probe#raw", "s")


ALL_TYPES = item(
    "probe#types",
    "s",
    s="é😀",
    n=Decimal("-12.5"),
    b=b"\x00\xff",
    t=True,
    l=["a", Decimal(1), [b"x"], {"k": False, "z": None}],
    m={"a": {"b": ["c"]}, "": ""},
    ss={"a", "b"},
    ns={Decimal(1), Decimal("2.5")},
    bs={b"a", b"b"},
)


def types_engine(raw: RawTable) -> str:
    values = {n: v for n, v in ALL_TYPES.items() if n != "m"} | {"m": {"a": {"b": ["c"]}, "e": ""}}
    return round_trip(values)[1](raw)


def types_memory(store: KeyValueStore) -> str:
    values = {n: v for n, v in ALL_TYPES.items() if n != "m"} | {"m": {"a": {"b": ["c"]}, "e": ""}}
    return round_trip(values)[0](store)


def wide_update(fields: int) -> Probes:
    """An update of a model of `fields` set fields: the port's, and the request it sends."""
    pk = f"probe#wide#{fields}"
    values = {f"f{index:03}": index for index in range(fields)}

    def on_memory(store: KeyValueStore) -> str:
        store.create(Anything(pk=pk, sk="s"))
        return mem_update(store, item(pk, "s", **values))

    def on_engine(raw: RawTable) -> str:
        raw.put({**key(pk, "s"), **tagged()})
        # Built below the port, whose plan_update now refuses it before sending; with
        # the entity name stored where the item has none, as the port's update is.
        tag = (ENTITY, entity_name(Anything))
        to_set, to_remove = encode_changes("update", model(item(pk, "s", **values)), tag=tag)
        request = update_request(raw.name, pk, "s", to_set, to_remove, tag=tag)
        expression = request["UpdateExpression"]
        label = raw.attempt(lambda: raw.client.update_item(**request))
        if label in (ACCEPTED, REFUSED):
            return label
        return f"{label} ({len(expression.encode('utf-8')):,}-byte expression)"

    return on_memory, on_engine


# -- entity names (item collections) ---------------------------------------------------


NO_ENTITY = "no entity"


class EntityA(KeyValueItem, entity="probe.a"):
    """An entity of the probes; keeps every attribute, so any item of it validates."""

    model_config = ConfigDict(extra="allow")


class EntityB(KeyValueItem, entity="probe.b"):
    """Another entity of the probes; keeps every attribute."""

    model_config = ConfigDict(extra="allow")


def entity_label(name: str | None) -> str:
    """The entity name an item stores, as a table cell shows it."""
    return NO_ENTITY if name is None else f"{ENTITY} = {name!r}"


def _entity_read(store: KeyValueStore, pk: str, sk: str) -> str:
    """The stored entity name, as the port shows it: which entity's class reads the item.

    With ``on_other="raise"``, a class reads only an item of its entity, or one with no
    entity name (which both read).
    """
    readable = []
    for model_class in (EntityA, EntityB):
        try:
            if store.get_one(pk, sk, model_class, on_other="raise") is None:
                return NO_ITEM
        except InvalidItemError:
            continue
        readable.append(model_class)
    if len(readable) == 1:
        return entity_label(entity_name(readable[0]))
    return NO_ENTITY if readable else "neither entity reads it"


def _raw_entity_read(raw: RawTable, pk: str, sk: str) -> str:
    found = raw.get(key(pk, sk))
    if found is None:
        return NO_ITEM
    stored = found.get(ENTITY)
    return entity_label(None if stored is None else str(stored.get("S")))


def _port_update(raw: RawTable, pk: str, sk: str, to_set: Wire, entity: str) -> str:
    """The UpdateItem the port sends for an item of `entity` setting `to_set`."""
    request = update_request(raw.name, pk, sk, to_set, [], tag=(ENTITY, entity))
    return raw.attempt(lambda: raw.client.update_item(**request))


def if_not_exists(*, stored_entity: str | None) -> Probes:
    """The port's update of an EntityB item over an item of `stored_entity` (or none).

    The update stores its entity name only where the item has none:
    ``SET ..., #e = if_not_exists(#e, :e)``.
    """
    pk = f"probe#if-not-exists#{stored_entity}"
    first: type[KeyValueItem] = KeyValueItem if stored_entity is None else EntityA

    def on_memory(store: KeyValueStore) -> str:
        store.create(first(pk=pk, sk="s"))
        label = port_label(lambda: store.update(EntityB(pk=pk, sk="s", v="x")))
        return label if label != ACCEPTED else _entity_read(store, pk, "s")

    def on_engine(raw: RawTable) -> str:
        stored = key(pk, "s") if stored_entity is None else {**key(pk, "s"), **tagged(EntityA)}
        raw.put(stored)
        label = _port_update(raw, pk, "s", {"v": {"S": "x"}}, entity_name(EntityB))
        return label if label != ACCEPTED else _raw_entity_read(raw, pk, "s")

    return on_memory, on_engine


UPDATE_SETS: Wire = {"v": {"S": "x"}}
"""What the update of `update_keeping_entity_at_limit` sets: 2 bytes."""


def update_keeping_entity_at_limit() -> Probes:
    """The port's update of an EntityA item, leaving it at 409,600 / 409,601 bytes.

    The item holds its entity name, so ``if_not_exists`` leaves it as it is: only the
    2 bytes the update sets are added to the item. An item the backend refuses to store
    (2 bytes below the target) is reported as such: the update then has nothing to do.
    """
    pk = "probe#update-entity-size"
    added = 2

    def stored(sk: str, target: int) -> Wire:
        return pad_to({**key(pk, sk), **tagged(EntityA)}, target - added)

    def on_memory(store: KeyValueStore) -> str:
        results = []
        for sk, target in (("a", LIMIT), ("b", LIMIT + 1)):
            values = {n: _python(v) for n, v in without_entity(stored(sk, target)).items()}
            created = port_label(partial(store.create, EntityA.model_validate(values)))
            if created != ACCEPTED:
                results.append(f"{created} before the update")
                continue
            results.append(port_label(partial(store.update, EntityA(pk=pk, sk=sk, v="x"))))
        return boundary_label(*results)

    def on_engine(raw: RawTable) -> str:
        results = []
        for sk, target in (("a", LIMIT), ("b", LIMIT + 1)):
            put = raw.put(stored(sk, target))
            if put != ACCEPTED:
                results.append(f"{put} before the update")
                continue
            results.append(_port_update(raw, pk, sk, UPDATE_SETS, entity_name(EntityA)))
        return boundary_label(*results)

    return on_memory, on_engine
