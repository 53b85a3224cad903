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

import base64
import math
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError, to_jsonable_python

from ._errors import InvalidItemError
from ._item import KeyValueItem
from ._limits import (
    MAX_ITEM_BYTES,
    MAX_NESTING_DEPTH,
    MAX_NUMBER_DIGITS,
    AttributeValue,
    Item,
    item_size,
    key_problem,
    normalized_number,
)

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

T = TypeVar("T", bound=KeyValueItem)

KEY_ATTRIBUTES = ("pk", "sk")
Tag = tuple[str, str]
"""Where an item's entity name is stored, and the name: ``("_entity", "Order")``."""
MAX_NAME_BYTES = 65_536
"""Attribute names are shorter than 64 KB (DynamoDB's naming rules)."""
_WHOLE_NUMBER_LIMIT = 10**MAX_NUMBER_DIGITS
_NUMBER_TYPES = frozenset({int, float, Decimal})
_SET_ORIGINS = (set, frozenset, AbstractSet)


class _RefusedError(ValueError):
    """A value DynamoDB cannot hold; the caller adds the operation and key."""


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
    about to store. `nulls` are the attributes the model holds None in, which are stored
    as absent: where absence would not read back as None (a field with another default),
    the write is refused, since the item would read back with that default instead.

    Raises:
        InvalidItemError: If `stored` does not validate (the message names the fields and
            pydantic's error types, never a value).
    """
    plan = _read_plan(model_class)
    defaulted = sorted(name for name in nulls if name not in plan.absent_reads_none)
    if defaulted:
        reason = (
            f"{', '.join(defaulted)} hold(s) None, which is stored as no attribute and would "
            "read back as the field's default; give the field a default of None, or store a value"
        )
        raise InvalidItemError(operation, _key_text(stored, "pk"), _key_text(stored, "sk"), reason)
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


def encode_key(pk: str, sk: str) -> Item:
    """The wire form of a key."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def check_item_size(operation: str, pk: str, sk: str, item: Item) -> None:
    """Refuse an item above DynamoDB's 400 KB.

    Raises:
        InvalidItemError: If the item costs more than 409,600 bytes.
    """
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        reason = f"the item is {size} bytes; the limit is {MAX_ITEM_BYTES}"
        raise InvalidItemError(operation, pk, sk, reason)


def decode_item(operation: str, item: Item, model_class: type[T], skip: str | None = None) -> T:
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


def _read_fields(item: Item, plan: _ReadPlan, skip: str | None = None) -> dict[str, Any]:
    """What a read validates: each attribute decoded under its field's name, absences filled."""
    # Written for speed (every read and every write runs it): a string is its own value,
    # and the name map is skipped when no field has an alias.
    names = plan.field_names
    if names:
        fields = {
            names.get(name, name): value["S"] if "S" in value else decode_value(value)
            for name, value in item.items()
        }
    else:
        fields = {
            name: value["S"] if "S" in value else decode_value(value)
            for name, value in item.items()
        }
    if skip is not None:
        fields.pop(skip, None)
    for name in plan.computed:
        fields.pop(name, None)
    for name, value in plan.absent_values.items():
        if name not in fields:
            fields[name] = set() if value is _EMPTY_SET else value
    return fields


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


def _key_text(item: Item, name: str) -> str:
    value = item.get(name)
    return str(value.get("S")) if isinstance(value, dict) else "?"


def encode_value(value: Any, depth: int = 2) -> AttributeValue:  # noqa: PLR0911 - by exact type
    """The wire form of one value; `depth` is the nesting level it sits at.

    Raises:
        _RefusedError: If DynamoDB cannot hold the value.
    """
    kind = type(value)  # exact types first: the common cases skip the isinstance chain
    if kind is str:
        return {"S": value if value.isascii() else _checked_text(value)}
    if kind is int and -_WHOLE_NUMBER_LIMIT < value < _WHOLE_NUMBER_LIMIT:
        return {"N": str(value)}  # at most 38 digits: already DynamoDB's canonical text
    if kind is bool:
        return {"BOOL": value}
    if kind is Decimal or kind is float:
        return {"N": _number(value)}
    if depth <= MAX_NESTING_DEPTH:  # a deeper container is refused by _encode_other
        if kind is list:
            return {"L": [encode_value(element, depth + 1) for element in value]}
        if kind is dict:
            return {"M": {_map_key(k): encode_value(v, depth + 1) for k, v in value.items()}}
        if kind is set:
            return _encode_set(value)
    return _encode_other(value, depth)


def _encode_other(value: Any, depth: int) -> AttributeValue:  # noqa: C901, PLR0911
    if isinstance(value, Enum):
        return encode_value(_json_form(value), depth)
    if isinstance(value, str):
        return {"S": _checked_text(str.__str__(value))}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": _number(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"B": bytes(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, Mapping | list | tuple | AbstractSet) and depth > MAX_NESTING_DEPTH:
        msg = f"it nests deeper than DynamoDB's {MAX_NESTING_DEPTH} levels"
        raise _RefusedError(msg)
    if isinstance(value, Mapping):
        return {"M": {_map_key(k): encode_value(v, depth + 1) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [encode_value(element, depth + 1) for element in value]}
    if isinstance(value, AbstractSet):
        return _encode_set(value)
    if isinstance(value, BaseModel):
        return encode_value(value.model_dump(mode="python", by_alias=True), depth)
    return encode_value(_json_form(value), depth)


def decode_value(value: AttributeValue) -> Any:
    """The Python value of one wire value (numbers as int or Decimal)."""
    for kind, body in value.items():
        decoder = _DECODERS.get(kind)
        return body if decoder is None else decoder(body)  # S and BOOL are themselves
    msg = "an attribute value with no type"
    raise ValueError(msg)


def decode_number(text: str) -> int | Decimal:
    """An integral number as int, any other as an exact Decimal."""
    if text.isdigit() or (text[:1] == "-" and text[1:].isdigit()):
        return int(text)
    number = Decimal(text)
    if number == number.to_integral_value():
        return int(number)
    return number


def wire_bytes(body: bytes | bytearray | str) -> bytes:
    """A binary value as bytes, from bytes or from the base64 text DynamoDB's JSON holds."""
    return base64.b64decode(body) if isinstance(body, str) else bytes(body)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "N": decode_number,
    "M": lambda body: {
        key: element["S"] if "S" in element else decode_value(element)
        for key, element in body.items()
    },
    "L": lambda body: [
        element["S"] if "S" in element else decode_value(element) for element in body
    ],
    "B": wire_bytes,
    "NULL": lambda _: None,
    "SS": set,
    "NS": lambda body: {decode_number(number) for number in body},
    "BS": lambda body: {wire_bytes(element) for element in body},
}


@lru_cache(maxsize=1024)
def rebuildable_set_fields(model_class: type[BaseModel]) -> frozenset[str]:
    """Attribute names whose annotation is a plain set, so an empty one is stored as absent."""
    return frozenset(
        _stored_name(name, field)
        for name, field in model_class.model_fields.items()
        if (get_origin(field.annotation) or field.annotation) in _SET_ORIGINS
    )


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


@lru_cache(maxsize=1024)
def _read_plan(model_class: type[BaseModel]) -> _ReadPlan:
    field_names: dict[str, str] = {}
    absent_values: dict[str, Any] = {}
    absent_reads_none: set[str] = set()
    for name, field in model_class.model_fields.items():
        stored = _stored_name(name, field)
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
    return _ReadPlan(field_names, absent_values, frozenset(absent_reads_none), computed)


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
    fields = tuple(_stored_name(name, field) for name, field in model_class.model_fields.items())
    return fields + tuple(sorted(computed_attributes(model_class)))


def _stored_name(name: str, field: FieldInfo) -> str:
    return field.serialization_alias or field.alias or name


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


def _checked_text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        msg = "a string is not valid Unicode (it holds a lone surrogate)"
        raise _RefusedError(msg) from None
    return value


def _number(value: float | Decimal) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            msg = f"{value} is not a finite number"
            raise _RefusedError(msg)
        value = Decimal(repr(value))
    elif isinstance(value, int):
        value = Decimal(value)
    try:
        return normalized_number(value)
    except ValueError as exc:
        raise _RefusedError(str(exc)) from None


def _map_key(key: object) -> str:
    if isinstance(key, str):
        return _checked_text(key)
    form = _json_form(key)
    return _checked_text(form if isinstance(form, str) else str(form))


def _encode_set(values: AbstractSet[Any]) -> AttributeValue:
    if not values:
        return {"L": []}
    kinds = {type(value) for value in values}
    if kinds == {str}:
        return {"SS": sorted(v if v.isascii() else _checked_text(v) for v in values)}
    if kinds <= _NUMBER_TYPES:
        return {"NS": sorted({_number(value) for value in values})}
    if kinds == {bytes}:
        return {"BS": sorted(values)}
    if bytes in kinds:  # bytes beside anything else: no set type holds both
        msg = "a set must hold only strings, only numbers or only bytes"
        raise _RefusedError(msg)
    return _encode_set_of_json_forms([_json_form(value) for value in values])


def _encode_set_of_json_forms(forms: list[Any]) -> AttributeValue:
    # Enums, UUIDs, str subclasses...: their JSON form decides the set's type.
    if all(isinstance(form, str) for form in forms):
        return {"SS": sorted({_checked_text(str.__str__(form)) for form in forms})}
    if all(isinstance(form, int | float) and not isinstance(form, bool) for form in forms):
        return {"NS": sorted({_number(form) for form in forms})}
    msg = "a set must hold only strings, only numbers or only bytes"
    raise _RefusedError(msg)


def _json_form(value: object) -> Any:
    try:
        return to_jsonable_python(value)
    except (PydanticSerializationError, ValueError):  # UnicodeDecodeError: bytes not UTF-8
        msg = f"a {type(value).__name__} value has no DynamoDB form"
        raise _RefusedError(msg) from None
