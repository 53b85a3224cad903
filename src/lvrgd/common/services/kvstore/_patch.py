"""Partial updates: the changes a patch makes, checked against the model before anything is sent.

A patch names fields of a model class by path (``"stock"``, ``"address.city"``,
``"lines[0]"``) and says what to do with each: set a value, remove it, add to a number
or a set, append to a list, or set it only where it is absent. Every path and value is
checked against the model and encoded by the store's codec here, once, for both
adapters: the DynamoDB adapter sends it as one UpdateItem, the in-memory store applies
it with `apply_patch` under its lock.

What DynamoDB cannot check, the patch makes sure of in two ways. Before sending: a
value that does not validate as its field, a removed field the model requires, an
``add`` to what is neither a number nor a set, a change to a field from which a
computed index key derives without that key. At the engine: conditions the patch adds
(the item exists, is of the model's entity, and holds each required field the patch
does not set), so that the item after the change still reads as the model class.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ._attributes import _RefusedError, decode_item, encode_value
from ._entities import EntityError, entity_name, is_abstract
from ._errors import (
    ConditionFailedError,
    InvalidItemError,
    InvalidQueryError,
    ItemNotFoundError,
    KeyValueStoreError,
)
from ._item import KeyValueItem, VersionedItem
from ._limits import MAX_NUMBER_DIGITS, key_problem, normalized_number
from ._placeholders import Placeholders
from ._where import Condition, Path, Segment, _adapter, resolve

if TYPE_CHECKING:
    from ._indexes import Indexes
    from ._limits import AttributeValue, Item, ItemView

VERSION = "version"
_EXACT = Context(prec=300, Emax=999, Emin=-999)
"""Exact sums of DynamoDB numbers (the default context rounds to 28 digits)."""
Kind = Literal["set", "remove", "add", "append", "set_if_absent"]
_PATH = re.compile(r"[^.\[\]]+|\[\d+\]")


@dataclass(frozen=True, slots=True)
class Action:
    """One change: what to do at `segments`, with the wire value it takes (not for remove)."""

    kind: Kind
    segments: tuple[Segment, ...]
    value: AttributeValue | None = None


@dataclass(frozen=True, slots=True)
class Patch:
    """A validated patch of the item at (pk, sk), read back as `model`.

    Attributes:
        required: Top-level attributes `model` requires that the patch does not set:
            the stored item must hold them (a condition sent with the patch).
        entity: The attribute and the entity name the item must have (or none yet).
    """

    pk: str
    sk: str
    model: type[KeyValueItem]
    actions: tuple[Action, ...]
    required: tuple[str, ...]
    entity: tuple[str, str] | None
    condition: Condition[Any] | None = None
    upsert: bool = False
    versioned: bool = False
    return_item: bool = True


def plan_patch(  # noqa: PLR0913 - the port's keywords one to one
    operation: str,
    pk: str,
    sk: str,
    model: object,
    *,
    set_: Mapping[str, Any] | None,
    remove: Sequence[str],
    add: Mapping[str, Any] | None,
    append: Mapping[str, Any] | None,
    set_if_absent: Mapping[str, Any] | None,
    condition: object,
    upsert: object,
    return_item: object,
    entity_attribute: str,
    indexes: Indexes | None = None,
) -> Patch:
    """Check a patch's every argument against `model` and encode its values.

    Raises:
        InvalidItemError: If the key breaks the key limits; a path names no field of
            the model (or two paths overlap); a value does not validate as its field or
            has no wire form; a removed field is required; ``add`` names what is neither
            a number nor a set (or a set below the top level); ``append`` what is not a
            list; the patch changes nothing; an upsert leaves a required field unset;
            a field from which a computed index key derives changes without that key.
    """
    problem = key_problem(pk, sk)
    if problem is not None:
        raise InvalidItemError(operation, str(pk), str(sk), problem)
    refuse = _Refuser(operation, pk, sk)
    if not (isinstance(model, type) and issubclass(model, KeyValueItem)):
        refuse(f"model_class must be a KeyValueItem class, got {model!r}")
    if not isinstance(upsert, bool) or not isinstance(return_item, bool):
        refuse("upsert and return_item are bools")
    from ._writes import check_condition  # noqa: PLC0415 - _writes imports this module's peers

    checked = check_condition(operation, pk, sk, condition, model)
    actions = _actions(
        refuse, model, set_=set_, remove=remove, add=add, append=append,
        set_if_absent=set_if_absent,
    )  # fmt: skip
    top = {action.segments[0] for action in actions}
    top_set = {action.segments[0] for action in actions if action.kind != "remove"}
    required = tuple(name for name in _required(model) if name not in top_set)
    if upsert and required:
        refuse(
            f"an upsert may create the item, so it must set every required field: "
            f"{', '.join(required)} missing"
        )
    _refuse_stale_index_keys(refuse, model, actions, indexes)
    versioned = issubclass(model, VersionedItem)
    if versioned and VERSION in top:
        refuse("a VersionedItem's patch sets the version itself; leave version out")
    entity = None
    if not is_abstract(model):
        try:
            entity = (entity_attribute, entity_name(model))
        except EntityError as exc:
            refuse(str(exc))
    return Patch(
        pk, sk, model, tuple(actions), required, entity, condition=checked, upsert=upsert,
        versioned=versioned, return_item=return_item,
    )  # fmt: skip


def _actions(  # noqa: PLR0913 - the patch's five kinds of change
    refuse: _Refuser,
    model: type[KeyValueItem],
    *,
    set_: Mapping[str, Any] | None,
    remove: Sequence[str],
    add: Mapping[str, Any] | None,
    append: Mapping[str, Any] | None,
    set_if_absent: Mapping[str, Any] | None,
) -> list[Action]:
    actions: list[Action] = []
    kinds: tuple[tuple[Kind, Mapping[str, Any] | None], ...] = (
        ("set", set_), ("add", add), ("append", append), ("set_if_absent", set_if_absent),
    )  # fmt: skip
    for kind, given in kinds:
        if given is None:
            continue
        if not isinstance(given, Mapping):
            refuse(f"{kind} maps paths to values, got a {type(given).__name__}")
        actions += [_action(refuse, model, kind, path, value) for path, value in given.items()]
    # An empty set is stored as no attribute (DynamoDB has no empty set), as every write does.
    actions = [
        Action("remove", action.segments)
        if action.kind == "set" and action.value == {"L": []} and _is_set_field(model, action)
        else action
        for action in actions
    ]
    if isinstance(remove, str) or not isinstance(remove, Sequence):
        refuse("remove is a sequence of paths")
    actions += [_removal(refuse, model, path) for path in remove]
    if not actions:
        refuse("the patch changes nothing: give set, remove, add, append or set_if_absent")
    _refuse_overlaps(refuse, actions)
    return actions


class _Refuser:
    """Raises the patch's InvalidItemError, naming the operation and the key."""

    def __init__(self, operation: str, pk: str, sk: str) -> None:
        self.operation, self.pk, self.sk = operation, pk, sk

    def __call__(self, reason: str) -> NoReturn:
        raise InvalidItemError(self.operation, self.pk, self.sk, reason)


def _resolved(refuse: _Refuser, model: type[BaseModel], path: object) -> Path:
    """The recorder path for `path` (``a.b[0]``), its segments and annotation."""
    if not isinstance(path, str) or not path:
        refuse(f"a path is a non-empty string, got {path!r}")
    parts: list[str] = _PATH.findall(path)
    if "".join(parts) != path.replace(".", ""):
        refuse(f"{path!r} is not a path of fields (a.b), list indexes (a[0]) and map keys")
    current = Path(model, (), model.__name__.lower())
    try:
        for part in parts:
            current = current[int(part[1:-1])] if part.startswith("[") else _step(current, part)
    except InvalidQueryError as exc:
        refuse(f"{path!r}: {exc.reason}")
    if not current._segments or current._segments[0] in ("pk", "sk"):  # noqa: SLF001
        refuse(f"{path!r}: a patch never changes the key")
    return current


def _step(current: Path, name: str) -> Path:
    """A field of a model, or an entry of a map field (``tags.colour`` of a dict)."""
    plain = _plain(current._annotation)  # noqa: SLF001
    if (get_origin(plain) or plain) in (dict, Mapping):
        return current[name]
    return getattr(current, name)  # type: ignore[no-any-return]


def _plain(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _action(refuse: _Refuser, model: type[BaseModel], kind: Kind, path: str, value: Any) -> Action:
    resolved = _resolved(refuse, model, path)
    annotation = _plain(resolved._annotation)  # noqa: SLF001
    origin = get_origin(annotation) or annotation
    if value is None:
        refuse(f"{path}: None is stored as no attribute; use remove=[{path!r}]")
    if kind == "add":
        _check_add(refuse, path, resolved, annotation, value)
    if kind == "append":
        if origin not in (list, Sequence):
            refuse(f"{path}: append works on lists, not {_name(annotation)}")
        if not isinstance(value, list | tuple) or not value:
            refuse(f"{path}: append takes a non-empty list")
    return Action(kind, resolved._segments, _encoded(refuse, path, resolved._annotation, value))  # noqa: SLF001


def _check_add(refuse: _Refuser, path: str, resolved: Path, annotation: Any, value: Any) -> None:
    origin = get_origin(annotation) or annotation
    if origin in (set, frozenset, AbstractSet):
        if len(resolved._segments) > 1:  # noqa: SLF001
            refuse(f"{path}: DynamoDB adds to sets only at the top level of an item")
        if not isinstance(value, AbstractSet) or not value:
            refuse(f"{path}: add to a set takes a non-empty set")
    elif annotation in (int, float, Decimal):
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            refuse(f"{path}: add to a number takes a number, got {type(value).__name__}")
    else:
        refuse(f"{path}: add works on numbers and sets, not {_name(annotation)}")


def _is_set_field(model: type[BaseModel], action: Action) -> bool:
    if len(action.segments) != 1:
        return False
    for name, field in model.model_fields.items():
        if (field.serialization_alias or field.alias or name) == action.segments[0]:
            annotation = _plain(field.annotation)
            return (get_origin(annotation) or annotation) in (set, frozenset, AbstractSet)
    return False


def _removal(refuse: _Refuser, model: type[BaseModel], path: object) -> Action:
    resolved = _resolved(refuse, model, path)
    segments = resolved._segments  # noqa: SLF001
    if len(segments) == 1 and segments[0] in _required(model):
        refuse(f"{path}: {model.__name__} requires it, so it cannot be removed")
    if len(segments) > 1 and isinstance(segments[-1], str):
        parent = resolved_parent(model, segments)
        if parent is not None and _required_of(parent, segments[-1]):
            refuse(f"{path}: {parent.__name__} requires it, so it cannot be removed")
    return Action("remove", segments)


def resolved_parent(
    model: type[BaseModel], segments: tuple[Segment, ...]
) -> type[BaseModel] | None:
    """The nested model that holds the last segment, if the path's parent is a model."""
    current: Any = model
    for segment in segments[:-1]:
        plain = _plain(current)
        if isinstance(segment, int):
            arguments = get_args(plain)
            current = arguments[0] if arguments else Any
            continue
        if not (isinstance(plain, type) and issubclass(plain, BaseModel)):
            return None
        found = next(
            (
                f
                for n, f in plain.model_fields.items()
                if (f.serialization_alias or f.alias or n) == segment
            ),
            None,
        )
        current = Any if found is None else found.annotation
    plain = _plain(current)
    return plain if isinstance(plain, type) and issubclass(plain, BaseModel) else None


def _required_of(model: type[BaseModel], stored: str) -> bool:
    return stored in _required(model)


def _encoded(refuse: _Refuser, path: str, annotation: Any, value: Any) -> AttributeValue:
    try:
        validated = value if annotation is Any else _adapter(annotation).validate_python(value)
        return encode_value(validated)
    except ValidationError:
        refuse(f"{path}: the value is not a valid {_name(annotation)}")
    except (_RefusedError, TypeError) as exc:
        refuse(f"{path}: {exc}")
    raise AssertionError  # unreachable: refuse raises


def _name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation)


def _refuse_overlaps(refuse: _Refuser, actions: list[Action]) -> None:
    for index, action in enumerate(actions):
        for other in actions[index + 1 :]:
            shorter = min(len(action.segments), len(other.segments))
            if action.segments[:shorter] == other.segments[:shorter]:
                shown = _shown(action.segments)
                refuse(
                    f"two changes of {shown} and {_shown(other.segments)}: paths may not overlap"
                )


def _shown(segments: tuple[Segment, ...]) -> str:
    text = ""
    for segment in segments:
        text += f"[{segment}]" if isinstance(segment, int) else ("." if text else "") + segment
    return text


@lru_cache(maxsize=1024)
def _required(model: type[BaseModel]) -> tuple[str, ...]:
    """Stored names of the fields a model requires (no default), keys aside."""
    return tuple(
        field.serialization_alias or field.alias or name
        for name, field in model.model_fields.items()
        if field.is_required() and name not in ("pk", "sk")
    )


# --- index keys computed from fields ---------------------------------------------------------


def _refuse_stale_index_keys(
    refuse: _Refuser, model: type[BaseModel], actions: list[Action], indexes: Indexes | None
) -> None:
    if not indexes:
        return
    index_keys = {
        attribute: index.name for index in indexes.specs for attribute in index.key_attributes
    }
    changed = {action.segments[0] for action in actions}
    for computed, sources in computed_sources(model).items():
        if computed not in index_keys or computed in changed:
            continue
        touched = sorted(str(name) for name in changed & sources)
        if touched:
            refuse(
                f"the patch changes {', '.join(touched)}, from which {computed!r} (a key of index "
                f"{index_keys[computed]!r}) derives; set (or remove) {computed!r} in the same patch"
            )


@lru_cache(maxsize=1024)
def computed_sources(model: type[BaseModel]) -> dict[str, frozenset[str]]:
    """Each computed field's stored name, with the stored names of the fields it reads.

    The getter is run once on a stand-in that records what it reads; a getter that
    fails on the stand-in is taken to read every field.
    """
    stored = {
        name: field.serialization_alias or field.alias or name
        for name, field in model.model_fields.items()
    }
    sources: dict[str, frozenset[str]] = {}
    for name, info in model.model_computed_fields.items():
        read: set[str] = set()
        try:
            getter: Any = info.wrapped_property.fget
            getter(_Reader(read))
            sources[info.alias or name] = frozenset(stored[n] for n in read if n in stored)
        except Exception:  # noqa: BLE001 - any getter: then it reads every field
            sources[info.alias or name] = frozenset(stored.values())
    return sources


class _Reader:
    """Stands in for a model instance: records the fields a getter reads."""

    def __init__(self, read: set[str]) -> None:
        object.__setattr__(self, "_read", read)

    def __getattr__(self, name: str) -> Any:
        self._read.add(name)
        return _Anything()


class _Anything:
    """Any value: what a recorded field gives a getter, so that the getter runs through."""

    def __getattr__(self, name: str) -> _Anything:
        return self

    def __call__(self, *_: Any, **__: Any) -> _Anything:
        return self

    def __format__(self, spec: str) -> str:
        return ""

    def __str__(self) -> str:
        return ""

    def __iter__(self) -> Any:
        return iter(())

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, key: Any) -> _Anything:
        return self

    def __add__(self, other: Any) -> _Anything:
        return self

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __mod__ = __add__


def patched_keys(patch: Patch) -> Item:
    """The top-level attributes the patch sets to a value: what index keys are checked in.

    An upsert may create the item, so its table key counts too: an index may be keyed
    on ``pk`` or ``sk`` (the inverted index), with an index key's limits.
    """
    keys: Item = {"pk": {"S": patch.pk}, "sk": {"S": patch.sk}} if patch.upsert else {}
    keys.update(
        (action.segments[0], action.value)
        for action in patch.actions
        if action.kind in ("set", "set_if_absent")
        and len(action.segments) == 1
        and isinstance(action.segments[0], str)
        and action.value is not None
    )
    return keys


# --- DynamoDB's UpdateItem ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatchRequest:
    """UpdateItem's expressions for a patch, with their placeholders."""

    update: str
    condition: str
    names: dict[str, str]
    values: dict[str, AttributeValue]


def patch_request(patch: Patch) -> PatchRequest:  # noqa: C901, PLR0912 - one clause per kind
    """The UpdateExpression and ConditionExpression that carry out `patch`."""
    placeholders = Placeholders("p", None if patch.upsert else {"#pk": "pk"})
    name, path, value = placeholders.name, placeholders.path, placeholders.value

    sets: list[str] = []
    removes: list[str] = []
    adds: list[str] = []
    for action in patch.actions:
        target = path(action.segments)
        wire = action.value
        if action.kind == "remove":
            removes.append(target)
        elif action.kind == "set":
            sets.append(f"{target} = {value(wire)}")  # type: ignore[arg-type]
        elif action.kind == "set_if_absent":
            sets.append(f"{target} = if_not_exists({target}, {value(wire)})")  # type: ignore[arg-type]
        elif action.kind == "append":
            empty = value({"L": []})
            sets.append(f"{target} = list_append(if_not_exists({target}, {empty}), {value(wire)})")  # type: ignore[arg-type]
        elif "N" in wire:  # type: ignore[operator]
            zero = value({"N": "0"})
            sets.append(f"{target} = if_not_exists({target}, {zero}) + {value(wire)}")  # type: ignore[arg-type]
        else:
            adds.append(f"{target} {value(wire)}")  # type: ignore[arg-type]
    if patch.entity is not None:
        entity = name(patch.entity[0])
        sets.append(f"{entity} = if_not_exists({entity}, {value({'S': patch.entity[1]})})")
    if patch.versioned:
        version = name(VERSION)
        zero, one = value({"N": "0"}), value({"N": "1"})
        sets.append(f"{version} = if_not_exists({version}, {zero}) + {one}")
    clauses = []
    if sets:
        clauses.append("SET " + ", ".join(sets))
    if removes:
        clauses.append("REMOVE " + ", ".join(removes))
    if adds:
        clauses.append("ADD " + ", ".join(adds))
    conditions = [] if patch.upsert else ["attribute_exists(#pk)"]
    if patch.entity is not None:
        entity = name(patch.entity[0])
        conditions.append(
            f"(attribute_not_exists({entity}) OR {entity} = {value({'S': patch.entity[1]})})"
        )
    if not patch.upsert:
        conditions += [f"attribute_exists({name(required)})" for required in patch.required]
    if patch.condition is not None:
        compiled = patch.condition.compiled
        conditions.append(f"({compiled.expression})")
        placeholders.names.update(compiled.names)
        placeholders.values.update(compiled.values)
    return PatchRequest(
        " ".join(clauses), " AND ".join(conditions), placeholders.names, placeholders.values
    )


# --- what the in-memory store does, and what a failed patch means --------------------------


def patch_error(
    operation: str, patch: Patch, stored: ItemView | None, entity_attribute: str
) -> KeyValueStoreError | None:
    """The error `patch` meets when the item at its key is `stored`, or None.

    The same order the conditions are sent in: the item's existence, its entity, the
    required fields, then the caller's condition.
    """
    if stored is None:
        if not patch.upsert:
            return ItemNotFoundError(operation, patch.pk, patch.sk)
    else:
        if patch.entity is not None:
            found = stored.get(patch.entity[0], {}).get("S")
            if found is not None and found != patch.entity[1]:
                reason = (
                    f"the item is a {found!r}, not a {patch.entity[1]!r}: patch it through "
                    "its own class"
                )
                return InvalidItemError(operation, patch.pk, patch.sk, reason)
        missing = (
            [name for name in patch.required if name not in stored] if not patch.upsert else []
        )
        if missing:
            reason = (
                f"the stored item lacks {', '.join(missing)}, which {patch.model.__name__} "
                "requires: read it as its own class, or set the fields in the patch"
            )
            return InvalidItemError(operation, patch.pk, patch.sk, reason)
    if patch.condition is not None and not patch.condition.holds(stored):
        met = _decoded(operation, stored, patch.model, entity_attribute)
        return ConditionFailedError(operation, patch.pk, patch.sk, item=met)
    return None


def _decoded(
    operation: str, stored: ItemView | None, model: type[KeyValueItem], attribute: str
) -> Any:
    if stored is None:
        return None
    try:
        return decode_item(operation, stored, model, attribute)
    except InvalidItemError:
        return None


def apply_patch(operation: str, patch: Patch, stored: Item | None) -> Item:
    """The item after `patch`, as DynamoDB would leave it (`stored` None: a new item).

    Raises:
        InvalidItemError: If a path's parent is absent or of another type, a number
            leaves DynamoDB's range, or an ``add`` meets a value of another type.
    """
    item: Item = (
        dict(stored) if stored is not None else {"pk": {"S": patch.pk}, "sk": {"S": patch.sk}}
    )
    for action in _in_dynamodb_order(patch.actions):
        _apply(operation, patch, item, action)
    if patch.entity is not None and patch.entity[0] not in item:
        item[patch.entity[0]] = {"S": patch.entity[1]}
    if patch.versioned:
        current = item.get(VERSION, {}).get("N", "0")
        item[VERSION] = {"N": str(int(current) + 1)}
    return item


def _in_dynamodb_order(actions: tuple[Action, ...]) -> list[Action]:
    """The actions in an order that gives DynamoDB's result applied one by one.

    DynamoDB reads every list index against the list before the update: elements set
    (replaced, or appended past the end in order of their index) come first, then the
    removed ones, from the highest index down.
    """

    def order(action: Action) -> tuple[int, int]:
        last = action.segments[-1]
        if not isinstance(last, int):
            return (0, 0)
        return (2, -last) if action.kind == "remove" else (1, last)

    return sorted(actions, key=order)


def _apply(operation: str, patch: Patch, item: Item, action: Action) -> None:  # noqa: C901, PLR0912
    refuse = _Refuser(operation, patch.pk, patch.sk)
    *parents, last = action.segments
    container: Any = item
    if parents:
        parent_path = tuple(parents)
        parent = resolve(item, parent_path)
        kind = "L" if isinstance(last, int) else "M"
        if parent is None or kind not in parent:
            refuse(
                f"{_shown(action.segments)}: {_shown(parent_path)} is absent or not a "
                f"{'list' if kind == 'L' else 'map'}; set it whole first"
            )
        # Copy the containers on the way: the stored item is shared, never changed in place.
        _copy_path(item, parent_path)
        container = resolve(item, parent_path)[kind]  # type: ignore[index]
    current = _get(container, last)
    if action.kind == "remove":
        _delete(container, last)
        return
    wire = action.value
    assert wire is not None  # noqa: S101 - every other action has a value
    if action.kind == "set":
        _put(container, last, wire)
    elif action.kind == "set_if_absent":
        if current is None:
            _put(container, last, wire)
    elif action.kind == "append":
        base = current if current is not None else {"L": []}
        if "L" not in base:
            refuse(f"{_shown(action.segments)}: append meets a value that is not a list")
        _put(container, last, {"L": [*base["L"], *wire["L"]]})
    elif "N" in wire:
        base_number = Decimal(current["N"]) if current is not None and "N" in current else None
        if current is not None and base_number is None:
            refuse(f"{_shown(action.segments)}: add meets a value that is not a number")
        total = _EXACT.add(base_number or Decimal(0), Decimal(wire["N"]))
        try:
            _put(container, last, {"N": normalized_number(total)})
        except ValueError as exc:
            refuse(
                f"{_shown(action.segments)}: the sum leaves DynamoDB's numbers ({exc}; "
                f"at most {MAX_NUMBER_DIGITS} digits)"
            )
    else:
        ((kind, members),) = wire.items()
        if current is not None and kind not in current:
            refuse(f"{_shown(action.segments)}: add meets a value of another type")
        merged = set(current[kind]) if current is not None else set()
        merged.update(members)
        _put(container, last, {kind: sorted(merged)})


def _copy_path(item: Item, segments: tuple[Segment, ...]) -> None:
    container: Any = item
    for segment in segments:
        value = container[segment]
        copied = {"L": list(value["L"])} if "L" in value else {"M": dict(value["M"])}
        container[segment] = copied
        container = copied["L"] if "L" in copied else copied["M"]


def _get(container: Any, key: Segment) -> AttributeValue | None:
    if isinstance(key, int):
        return container[key] if key < len(container) else None
    return container.get(key)  # type: ignore[no-any-return]


def _put(container: Any, key: Segment, value: AttributeValue) -> None:
    if isinstance(key, int):
        if key < len(container):
            container[key] = value
        else:
            container.append(value)  # DynamoDB appends past the end
    else:
        container[key] = value


def _delete(container: Any, key: Segment) -> None:
    if isinstance(key, int):
        if key < len(container):
            del container[key]
    else:
        container.pop(key, None)


def validated(operation: str, patch: Patch, item: ItemView, entity_attribute: str) -> KeyValueItem:
    """The patched item as the model, or InvalidItemError (then nothing is written)."""
    try:
        return decode_item(operation, item, patch.model, entity_attribute)
    except InvalidItemError as exc:
        reason = f"after the patch the item would not read as {patch.model.__name__}: {exc.reason}"
        raise InvalidItemError(operation, patch.pk, patch.sk, reason) from None
