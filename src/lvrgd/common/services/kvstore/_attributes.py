"""The attribute-value codec: models to DynamoDB's wire form and back.

Both adapters store and send exactly what this module produces, so the in-memory
store holds what DynamoDB would hold. The rules (see the docs' type table):

- str S, bool BOOL, int/float/Decimal N (normalized as DynamoDB does), bytes B,
  list/tuple L, dict and nested models M, sets SS/NS/BS, None NULL inside containers;
- other types (datetime, UUID, Enum, ...) take pydantic's JSON form;
- a top-level None is no attribute; so is an empty set in a field typed ``set[...]`` or
  ``frozenset[...]``, rebuilt from the annotation on read (DynamoDB has no empty set);
  an empty set anywhere else is stored as an empty list, which validates back to a set.

A write is encoded only if it reads back: `encode_item` and `encode_changes` decode what
they are about to store and validate it as the item's own class, exactly as a read
would, and refuse the item (InvalidItemError naming the fields) if it does not
validate. A model mutated to a wrong type or built with ``model_construct()`` is refused
there, before anything is sent, instead of making its partition unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ._compact import CompactItem, thaw_if_frozen
from ._compiled import (
    _SET_ORIGINS,
    Encoded,
    compiled_model,
    generated_reader,
    rebuildable_set_fields,
    stored_name,
)
from ._errors import InvalidItemError
from ._item import KeyValueItem
from ._limits import MAX_ITEM_BYTES, MAX_NAME_BYTES, Item, item_size, key_problem
from ._values import (
    _RefusedError,
    decode_number,
    decode_value,
    encode_value,
    wire_bytes,
)

if TYPE_CHECKING:
    from ._compiled import Reader

T = TypeVar("T", bound=KeyValueItem)

KEY_ATTRIBUTES = ("pk", "sk")
Tag = tuple[str, str]
"""Where an item's entity name is stored, and the name: ``("_entity", "Order")``."""

__all__ = [
    "KEY_ATTRIBUTES",
    "MAX_NAME_BYTES",
    "Tag",
    "_RefusedError",
    "check_item_size",
    "check_size",
    "computed_attributes",
    "decode_item",
    "decode_number",
    "decode_value",
    "encode_changes",
    "encode_item",
    "encode_key",
    "encode_value",
    "rebuildable_set_fields",
    "stored_attributes",
    "wire_bytes",
]


def encode_item(
    operation: str,
    item: KeyValueItem,
    overrides: Mapping[str, Any] | None = None,
    *,
    tag: Tag | None = None,
) -> Item:
    """Encode a whole item for a create, checking every limit and that it reads back.

    Args:
        operation: The operation's name, for errors.
        item: The item to store.
        overrides: Values stored in place of the item's own, by attribute name (the
            version a VersionedItem's write stores).
        tag: The attribute and entity name stored with the item, if any; it counts
            toward the item's size like any attribute.

    Raises:
        InvalidItemError: If the item is not a KeyValueItem, or breaks a key limit, the size
            limit, the nesting limit or the number rules, or holds a value with no wire form,
            or what would be stored does not validate as the item's class.
    """
    fast = _compiled(item, overrides, tag)
    if fast is not None:
        sized = fast.attributes
        if tag is not None:
            sized[tag[0]] = {"S": tag[1]}
            sized.size += _tag_size(tag)
            sized.kept.append(tag[1])
        check_size(operation, item.pk, item.sk, sized.size)
        _check_nulls(operation, type(item), sized, fast.nulls)
        return sized
    pk, sk, fields = _dumped(operation, item, overrides)
    rebuildable = rebuildable_set_fields(type(item))
    computed = computed_attributes(type(item))
    encoded: Item = {}
    nulls: list[str] = []
    try:
        for name, value in fields.items():
            if value is None:
                if name not in computed:
                    nulls.append(name)
            elif not (name in rebuildable and isinstance(value, AbstractSet) and not value):
                encoded[name] = encode_value(value)
    except _RefusedError as exc:
        raise InvalidItemError(operation, pk, sk, f"{name}: {exc}") from None
    if tag is not None:
        _check_tag_is_free(operation, pk, sk, fields, tag)
        encoded[tag[0]] = {"S": tag[1]}
    check_item_size(operation, pk, sk, encoded)
    _check_reads_back(operation, type(item), encoded, nulls, None if tag is None else tag[0])
    return encoded


def encode_changes(
    operation: str,
    item: KeyValueItem,
    overrides: Mapping[str, Any] | None = None,
    *,
    tag: Tag | None = None,
) -> tuple[Item, list[str]]:
    """Split an item into the attributes an update sets and the names it removes.

    The key attributes are in neither: an update never changes them. What the update
    stores (the key and the attributes it sets) must validate as the item's class.

    Args:
        operation: The operation's name, for errors.
        item: The item whose fields the update stores.
        overrides: As `encode_item` takes them.
        tag: The attribute and entity name the update stores where the item has none;
            counted in the size check, and in neither of the results.

    Raises:
        InvalidItemError: As `encode_item` does, the size limit checked on what is set.
    """
    fast = _compiled(item, overrides, tag)
    if fast is not None:
        size = fast.attributes.size + (0 if tag is None else _tag_size(tag))
        check_size(operation, item.pk, item.sk, size)
        _check_nulls(operation, type(item), fast.attributes, fast.nulls)
        changed = {k: v for k, v in fast.attributes.items() if k not in KEY_ATTRIBUTES}
        return changed, fast.removed
    pk, sk, fields = _dumped(operation, item, overrides)
    rebuildable = rebuildable_set_fields(type(item))
    computed = computed_attributes(type(item))
    to_set: Item = {}
    to_remove: list[str] = []
    nulls: list[str] = []
    try:
        for name, value in fields.items():
            if name in KEY_ATTRIBUTES:
                continue
            if value is None:
                if name not in computed:
                    nulls.append(name)
                to_remove.append(name)
            elif name in rebuildable and isinstance(value, AbstractSet) and not value:
                to_remove.append(name)
            else:
                to_set[name] = encode_value(value)
    except _RefusedError as exc:
        raise InvalidItemError(operation, pk, sk, f"{name}: {exc}") from None
    stored = {**encode_key(pk, sk), **to_set}
    if tag is not None:
        _check_tag_is_free(operation, pk, sk, fields, tag)
        check_item_size(operation, pk, sk, {**stored, tag[0]: {"S": tag[1]}})
    else:
        check_item_size(operation, pk, sk, stored)
    _check_reads_back(operation, type(item), stored, nulls)
    return to_set, to_remove


def _compiled(item: object, overrides: Mapping[str, Any] | None, tag: Tag | None) -> Encoded | None:
    """The item as its class's compiled encoder stores it; None where the general codec must."""
    if not isinstance(item, KeyValueItem):
        return None
    model = compiled_model(type(item))
    if tag is not None and tag[0] in model.names:
        return None  # the general codec refuses it
    encoded = model.encode(item, overrides)
    if encoded is None:
        return None
    if key_problem(item.pk, item.sk) is not None:
        return None  # the general codec refuses it, saying why
    return encoded


def _tag_size(tag: Tag) -> int:
    return sum(len(text) if text.isascii() else len(text.encode("utf-8")) for text in tag)


def _check_tag_is_free(
    operation: str, pk: str, sk: str, fields: Mapping[str, Any], tag: Tag
) -> None:
    if tag[0] in fields:
        reason = f"a field is stored as {tag[0]!r}, where the store keeps the entity name"
        raise InvalidItemError(operation, pk, sk, reason)


def _check_reads_back(
    operation: str,
    model_class: type[KeyValueItem],
    stored: Item,
    nulls: list[str],
    skip: str | None = None,
) -> None:
    """Refuse to store `stored` unless a read would validate it as `model_class`.

    It runs a read's own decoding and validation on `stored`, the attributes a write is
    about to store, after `_check_nulls`.

    Raises:
        InvalidItemError: If `stored` does not validate (the message names the fields and
            pydantic's error types, never a value).
    """
    _check_nulls(operation, model_class, stored, nulls)
    plan = _read_plan(model_class)
    fields = _read_fields(stored, plan, skip)
    try:
        model_class.model_validate(fields, by_name=True)
    except ValidationError as exc:
        name = model_class.__name__
        reason = f"it is not a valid {name}, so it could not be read back ({_problems(exc)})"
    except Exception as exc:  # noqa: BLE001 - a validator of the model's own; a read meets it too
        reason = (
            f"validating it as {model_class.__name__} raises {type(exc).__name__}, "
            "so it could not be read back"
        )
    else:
        return
    raise InvalidItemError(operation, _key_text(stored, "pk"), _key_text(stored, "sk"), reason)


def _check_nulls(
    operation: str, model_class: type[KeyValueItem], stored: Item, nulls: list[str]
) -> None:
    """Refuse to store None where it would not read back as None.

    `nulls` are the attributes the model holds None in, which are stored as absent:
    where absence would not read back as None (a field with another default), the
    write is refused, since the item would read back with that default instead. This
    is all a compiled encoder's write needs checking (`_compiled`'s argument).

    Raises:
        InvalidItemError: If a field in `nulls` has a default other than None.
    """
    if not nulls:
        return
    plan = _read_plan(model_class)
    defaulted = sorted(name for name in nulls if name not in plan.absent_reads_none)
    if defaulted:
        reason = (
            f"{', '.join(defaulted)} hold(s) None, which is stored as no attribute and would "
            "read back as the field's default; give the field a default of None, or store a value"
        )
        raise InvalidItemError(operation, _key_text(stored, "pk"), _key_text(stored, "sk"), reason)


def encode_key(pk: str, sk: str) -> Item:
    """The wire form of a key."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def check_item_size(operation: str, pk: str, sk: str, item: Item) -> None:
    """Refuse an item above DynamoDB's 400 KB.

    Raises:
        InvalidItemError: If the item costs more than 409,600 bytes.
    """
    check_size(operation, pk, sk, item_size(item))


def check_size(operation: str, pk: str, sk: str, size: int) -> None:
    """Refuse an item of `size` bytes above DynamoDB's 400 KB.

    Raises:
        InvalidItemError: If `size` is more than 409,600 bytes.
    """
    if size > MAX_ITEM_BYTES:
        reason = f"the item is {size} bytes; the limit is {MAX_ITEM_BYTES}"
        raise InvalidItemError(operation, pk, sk, reason)


def decode_item(
    operation: str, item: Mapping[str, Any], model_class: type[T], skip: str | None = None
) -> T:
    """Build `model_class` from a stored item.

    Attributes are matched to fields by the names `encode_item` wrote them under;
    a field stored as absent (None, or an empty set) is given back its value. The
    attribute `skip` (where the entity name is kept) is not a field.

    Raises:
        InvalidItemError: If the stored item does not validate as `model_class` (the message
            names the fields and the errors, never the stored values).
    """
    plan = _read_plan(model_class)
    try:
        if type(item) is CompactItem:
            fields = _compact_fields(item, plan, skip)
        else:
            fields = _read_fields(item, plan, skip)
    except (AttributeError, TypeError, ValueError, KeyError):  # not DynamoDB's wire form
        reason = "the engine returned an item that is not in DynamoDB's wire form"
        raise InvalidItemError(
            operation, _key_text(item, "pk"), _key_text(item, "sk"), reason
        ) from None
    try:
        return model_class.model_validate(fields, by_name=True)
    except ValidationError as exc:
        pk, sk = fields.get("pk"), fields.get("sk")
        reason = f"the stored item is not a valid {model_class.__name__} ({_problems(exc)})"
        raise InvalidItemError(operation, str(pk), str(sk), reason) from None


def _read_fields(
    item: Mapping[str, Any], plan: _ReadPlan, skip: str | None = None
) -> dict[str, Any]:
    """What a read validates: each attribute decoded under its field's name, absences filled."""
    return plan.reader(item, plan.field_names, skip)  # generated: `_compiled.generated_reader`


def _compact_fields(item: CompactItem, plan: _ReadPlan, skip: str | None) -> dict[str, Any]:
    """What a read validates, from an item kept in plain form: no wire form on the way."""
    names = item.names
    recipe = names.recipes.get((plan.model, skip))
    if recipe is None:
        recipe = _layout_recipe(names, plan, skip)
        if len(names.recipes) < _MAX_RECIPES:
            names.recipes[plan.model, skip] = recipe
    loose, dropped, filled = recipe
    fields = dict(zip(names, item.kept))  # noqa: B905 - one length by construction
    for name in loose:
        fields[name] = thaw_if_frozen(fields[name])
    for name in dropped:
        del fields[name]
    if plan.field_names:
        fields = {plan.field_names.get(name, name): value for name, value in fields.items()}
    for name, value in filled:
        fields[name] = set() if value is _EMPTY_SET else value
    return fields


def _layout_recipe(names: tuple[str, ...], plan: _ReadPlan, skip: str | None) -> _Recipe:
    """How items of these attribute names read as the plan's class."""
    dropped = tuple(name for name in names if name == skip or name in plan.computed)
    present = {plan.field_names.get(name, name) for name in names if name not in dropped}
    return (
        tuple(name for name in names if name not in plan.compact and name not in dropped),
        dropped,
        tuple((name, value) for name, value in plan.absent_values.items() if name not in present),
    )


def _problems(exc: ValidationError) -> str:
    # Only the top-level field: deeper locations may be map keys, which are data.
    return "; ".join(
        sorted(
            {
                f"{error['loc'][0] if error['loc'] else '?'}: {error['type']}"
                for error in exc.errors()
            }
        )
    )


def _key_text(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    return str(value.get("S")) if isinstance(value, dict) else "?"


_Recipe = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, Any], ...]]
"""The attributes to thaw, those to drop (entity, computed), and absent fields to fill."""
_MAX_RECIPES = 64
"""Classes (and entity attributes) whose reads a layout of names remembers."""
_EMPTY_SET = object()
"""Stands for a new empty set in a read plan (a set itself would be shared)."""


class _ReadPlan(NamedTuple):
    field_names: dict[str, str]
    """Stored attribute name to field name, where they differ (aliases)."""
    absent_values: dict[str, Any]
    """Field name to the value an absent attribute stands for, where one is needed."""
    absent_reads_none: frozenset[str]
    """Stored names of the fields an absent attribute reads back as None for."""
    computed: frozenset[str]
    """Stored names of computed fields: written by every write, dropped before validation."""
    reader: Reader
    """The class's generated reader of wire items."""
    compact: frozenset[str]
    """Stored names whose validation takes a frozen (plain-form) value and copies it."""
    model: type[BaseModel]
    """The class read."""


@lru_cache(maxsize=1024)
def _read_plan(model_class: type[BaseModel]) -> _ReadPlan:
    field_names: dict[str, str] = {}
    absent_values: dict[str, Any] = {}
    absent_reads_none: set[str] = set()
    for name, field in model_class.model_fields.items():
        stored = stored_name(name, field)
        if stored != name:
            field_names[stored] = name
        if (get_origin(field.annotation) or field.annotation) in _SET_ORIGINS:
            absent_values[name] = _EMPTY_SET
        elif field.is_required() and _admits_none(field.annotation):
            absent_values[name] = None  # a required `X | None` holding None is stored absent
            absent_reads_none.add(stored)
        elif not field.is_required() and field.default_factory is None and field.default is None:
            absent_reads_none.add(stored)
    computed = computed_attributes(model_class)
    compiled = compiled_model(model_class)
    return _ReadPlan(
        field_names, absent_values, frozenset(absent_reads_none), computed,
        generated_reader(compiled.readable, computed, absent_values, _EMPTY_SET),
        compiled.takes_compact, model_class,
    )  # fmt: skip


@lru_cache(maxsize=1024)
def computed_attributes(model_class: type[BaseModel]) -> frozenset[str]:
    """The stored names of the model's computed fields (index keys derived from fields).

    Every write stores them like fields (None: no attribute); reads drop them before
    validating, since a computed field is not an input of the model.
    """
    return frozenset(info.alias or name for name, info in model_class.model_computed_fields.items())


@lru_cache(maxsize=1024)
def stored_attributes(model_class: type[BaseModel]) -> tuple[str, ...]:
    """The names the model's fields are stored under, computed fields included."""
    fields = tuple(stored_name(name, field) for name, field in model_class.model_fields.items())
    return fields + tuple(sorted(computed_attributes(model_class)))


def _admits_none(annotation: object) -> bool:
    return annotation is None or annotation is Any or type(None) in get_args(annotation)


def _dumped(
    operation: str, item: object, overrides: Mapping[str, Any] | None
) -> tuple[str, str, dict[str, Any]]:
    if not isinstance(item, KeyValueItem):
        reason = f"expected a KeyValueItem, got {type(item).__name__}"
        raise InvalidItemError(operation, "?", "?", reason)
    # getattr: a model built with model_construct() may lack its key fields.
    pk: Any = getattr(item, "pk", None)
    sk: Any = getattr(item, "sk", None)
    problem = key_problem(pk, sk)
    if problem is not None:
        raise InvalidItemError(operation, str(pk), str(sk), problem)
    try:
        # No serializer warnings: they quote the value, and what they warn of is refused
        # by the read-back check anyway.
        fields = item.model_dump(mode="python", by_alias=True, warnings=False)
    except Exception:  # noqa: BLE001 - a custom serializer may raise anything
        reason = f"{_unserializable(item)} cannot be serialized"
        raise InvalidItemError(operation, pk, sk, reason) from None
    if overrides:
        fields.update(overrides)
    for name in fields:
        if not name:
            raise InvalidItemError(operation, pk, sk, "an attribute name is empty")
        if len(name.encode("utf-8", "surrogatepass")) >= MAX_NAME_BYTES:
            raise InvalidItemError(operation, pk, sk, "an attribute name is 64 KB or more")
    if fields.get("pk") != pk or fields.get("sk") != sk:
        reason = "the model stores pk and sk under other names, or other fields under theirs"
        raise InvalidItemError(operation, pk, sk, reason)
    return pk, sk, fields


def _unserializable(item: KeyValueItem) -> str:
    """The fields that fail to serialize alone, for a message (the error may quote values)."""
    failing = []
    for name in type(item).model_fields:
        try:
            item.model_dump(mode="python", include={name}, warnings=False)
        except Exception:  # noqa: BLE001, PERF203 - only after a failed dump
            failing.append(name)
    return ", ".join(failing) if failing else "the item"
