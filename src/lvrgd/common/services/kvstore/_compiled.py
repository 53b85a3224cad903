"""Codecs compiled once per model class from its fields: no type dispatch per value.

`encode_value` and `decode_value` (``_values``) are the definition of the wire form;
they look at each value's type to choose its form. A model's fields declare those
types, so for each field whose pydantic core schema is made of plain kinds (str, int,
bool, Decimal, float, and lists, sets, ``dict[str, ...]`` and optionals of them) this
module builds, once per class, a function that encodes exactly that kind, and one that
decodes it. Each encoder checks its value's exact type (``type(v) is str``) as it goes
and gives up on anything else; each decoder reads exactly the wire key its kind is
stored under and gives up on anything else. Giving up means the general codec does the
whole item (or value) instead, so the output is the general codec's, byte for byte.

Where a class has a field of any other kind (``Any``, unions, nested models, datetime...),
or serializes its fields itself (serializers, computed fields, extra fields, excluded
fields), its items are encoded by the general codec; its supported fields still decode
through their compiled decoders.

The write-time round-trip check, cheaply: `encode_item` refuses an item that would not
read back as its own class by decoding and validating what it is about to store. An
item encoded by a compiled encoder needs no such validation when its class is *proven*:

1. its core schema holds only the plain kinds above, with no constraint, validator,
   custom ``__init__``, ``model_post_init``, strict mode or string transformation
   (anything else in the schema, at any depth, and the class is not proven);
2. every value passed its kind's exact-type check (else the general path runs, and
   validates);
3. so each stored attribute decodes to a value of the declared kind: an S to that str,
   an N written from an int to that int and from a Decimal or float to an int or a
   Decimal (which a lax ``decimal`` or ``float`` schema accepts), BOOL to that bool,
   L / SS / NS / M to a list / set / dict of such values, NULL to None where the kind is
   optional; and pydantic's lax schemas of those kinds accept exactly such values;
4. a None field is stored as no attribute: the only case left is a field whose absence
   reads back as something else than None, which `_attributes._check_nulls` still checks by name.

So validation would pass, and is skipped. `tests/kvstore/test_compiled.py` checks the
argument by property: for generated classes and values, compiled and general codecs
give the same wire items and the same decoded models, and what a proven class's
compiled encoder accepts validates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, get_origin

from ._kinds import (
    SMALL,
    Decoder,
    Encoder,
    _decimal_forms,
    _decode_bool,
    _decode_number,
    _decode_str,
    _encode_bool,
    _encode_decimal,
    _encode_int,
    _encode_str,
    _kind,
    _number_size,
    _only,
    _text_size,
    number_value,
)
from ._limits import MAX_ITEM_BYTES, MAX_NAME_BYTES, MAX_NESTING_DEPTH, SizedItem
from ._values import _RefusedError, decode_value

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

_SET_ORIGINS = (set, frozenset, AbstractSet)
_HARMLESS_CONFIG = frozenset({
    "title", "extra_fields_behavior", "validate_by_name", "validate_by_alias",
    "populate_by_name", "loc_by_alias", "from_attributes", "revalidate_instances",
    "hide_input_in_errors", "validation_error_cause", "ser_json_timedelta",
    "ser_json_temporal", "ser_json_bytes", "ser_json_inf_nan", "val_json_bytes",
    "cache_strings", "serialize_by_alias", "arbitrary_types_allowed",
})  # fmt: skip
"""Model configuration that changes nothing a lax validation of plain kinds accepts."""


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a compiled class."""

    name: str
    stored: str
    name_size: int
    encode: Encoder
    drop_empty: bool
    """An empty set is stored as no attribute (a field typed ``set[...]``)."""
    decode: Decoder


@dataclass(frozen=True, slots=True)
class Encoded:
    """What a compiled encoder made of an item: everything `encode_item` needs."""

    attributes: SizedItem
    """Every attribute stored, keys included, sized."""
    nulls: list[str]
    """Stored names of the fields holding None (stored as no attribute)."""
    removed: list[str]
    """Stored names of the fields stored as no attribute (None or an empty set), in order."""


@dataclass(frozen=True, slots=True)
class CompiledModel:
    """A model class's compiled codec."""

    encoder: Callable[[dict[str, Any]], Encoded | None] | None
    """The generated encoder of the model's ``__dict__``; None where the class is
    encoded by the general codec."""
    count: int
    """The number of fields."""
    field_of: dict[str, str]
    """Stored name to field name."""
    names: frozenset[str]
    """Every stored name of the class's fields."""
    proven: bool
    """What a compiled encoder accepts validates as the class: no read-back is needed."""
    decoders: dict[str, Decoder]
    """Stored name to decoder, for each field of a supported kind."""
    readable: tuple[Field, ...]
    """The fields of a supported kind, which `generated_reader` decodes by their kind."""
    takes_compact: frozenset[str]
    """Stored names whose validation accepts tuples for lists and sets, and copies them."""

    def encode(self, item: BaseModel, overrides: Mapping[str, Any] | None) -> Encoded | None:
        """The item's attributes, or None where the general codec must encode it.

        None when the class is not compiled, a value is not of its field's kind, the
        model lacks a field (``model_construct()``), an override names no field, a value
        has no wire form, or the item is above the size limit: the general codec then
        does it all, and raises what it raises.
        """
        encoder = self.encoder
        values = item.__dict__
        if encoder is None or len(values) != self.count:
            return None
        if overrides:
            values = dict(values)
            for stored, value in overrides.items():
                if stored not in self.field_of:
                    return None
                values[self.field_of[stored]] = value
        try:
            encoded = encoder(values)
        except (KeyError, _RefusedError):
            return None
        if encoded is None or encoded.attributes.size > MAX_ITEM_BYTES:
            return None
        return encoded


_PROLOGUE = """\
def encode(values):
    attributes = SizedItem()
    nulls = []
    removed = []
    kept = []
    size = 0
"""
_FAST: dict[Encoder, tuple[str, str]] = {
    _encode_str: (
        "type(value) is str and value.isascii()",
        ("attributes[{stored}] = {{'S': value}}\nsize += {size} + len(value)\nkept.append(value)"),
    ),
    _encode_int: (
        "type(value) is int and -SMALL < value < SMALL",
        (
            "text = str(value)\n"
            "attributes[{stored}] = {{'N': text}}\n"
            "size += {size} + number_size(text)\n"
            "kept.append(value)"
        ),
    ),
    _encode_bool: (
        "type(value) is bool",
        "attributes[{stored}] = {{'BOOL': value}}\nsize += {size} + 1\nkept.append(value)",
    ),
    _encode_decimal: (
        "type(value) is Decimal and value.is_finite()",
        (
            "text, value_size, number = decimal_forms(value)\n"
            "attributes[{stored}] = {{'N': text}}\n"
            "size += {size} + value_size\n"
            "kept.append(number)"
        ),
    ),
}
"""Kinds whose common case is written out in the generated encoder (the same output)."""
_GENERAL = """\
elif value is None:
    nulls.append({stored})
    removed.append({stored})
{empty}else:
    triple = encoders[{index}](value)
    if triple is None:
        return None
    attributes[{stored}] = triple[0]
    size += {size} + triple[1]
    kept.append(triple[2])
"""
_EMPTY = """\
elif not value and type(value) in EMPTY_SETS:
    removed.append({stored})
"""


def _generated(fields: list[Field]) -> Callable[[dict[str, Any]], Encoded | None]:
    """One function encoding the fields in order, their common cases written out.

    It does what a loop over the fields calling each one's encoder does, with no loop,
    no unpacking and no test of which kind a field is: those are decided here, once.
    """
    lines = [_PROLOGUE]
    for index, field in enumerate(fields):
        stored, size = repr(field.stored), field.name_size
        test, fast = _FAST.get(field.encode, ("False", "pass"))
        body = fast.format(stored=stored, size=size).replace("\n", "\n        ")
        empty = _EMPTY.format(stored=stored) if field.drop_empty else ""
        general = _GENERAL.format(stored=stored, size=size, index=index, empty=empty)
        lines += [
            f"    value = values[{field.name!r}]",
            f"    if {test}:",
            f"        {body}",
            *("    " + line for line in general.splitlines()),
        ]
    lines += [
        "    attributes.size = size",
        "    attributes.kept = kept",
        "    return Encoded(attributes, nulls, removed)",
    ]
    namespace: dict[str, Any] = {
        "SizedItem": SizedItem, "Encoded": Encoded, "SMALL": SMALL,
        "number_size": _number_size, "EMPTY_SETS": (set, frozenset),
        "Decimal": Decimal, "decimal_forms": _decimal_forms,
        "encoders": [field.encode for field in fields],
    }  # fmt: skip
    exec(compile("\n".join(lines), "<compiled encoder>", "exec"), namespace)  # noqa: S102 - our own source, from field names through repr()
    encode: Callable[[dict[str, Any]], Encoded | None] = namespace["encode"]
    return encode


_READ_FAST: dict[Decoder, tuple[str, str]] = {
    _decode_str: ("S", "body"),
    _decode_number: ("N", "decode_number(body)"),
    _decode_bool: ("BOOL", "body"),
}
"""Kinds whose wire key and value the generated reader writes out (the same output)."""


Reader = Callable[[Mapping[str, Any], Mapping[str, str], "str | None"], dict[str, Any]]
"""A wire item, stored-to-field names, the entity attribute: the fields a read validates."""


def generated_reader(
    fields: Sequence[Field], computed: frozenset[str], absent: Mapping[str, Any], empty_set: object
) -> Reader:
    """One function reading a wire item into the fields a read validates, field by field.

    It gives what a loop over the item's attributes gives (each field's decoder, falling
    back to the general codec on a value stored as another type; the general codec for
    any other attribute, under its field's name), then drops the entity attribute and
    the `computed` attributes and fills each field of `absent` that no attribute gave
    (`empty_set` standing for a new empty set): `_attributes._read_fields`'s work, with
    no lookup of a decoder per attribute, and the loop only for attributes of no field.
    """
    lines = [
        "def read(item, names, skip):",
        "    fields = {}",
        "    found = 0",
        "    get = item.get",
    ]
    for index, field in enumerate(fields):
        stored, name = repr(field.stored), repr(field.name)
        lines += [f"    value = get({stored})", "    if value is not None:", "        found += 1"]
        fast = _READ_FAST.get(field.decode)
        if fast is not None:
            key, body = fast
            lines += [
                f"        body = value.get({key!r})",
                f"        fields[{name}] = {body} if body is not None else general(value)",
            ]
        else:
            lines += [
                "        try:",
                f"            fields[{name}] = decoders[{index}](value)",
                "        except (KeyError, TypeError):",
                f"            fields[{name}] = general(value)",
            ]
    lines += [
        "    others = len(item) - found",
        "    if others == 1 and skip is not None and skip not in known and skip in item:",
        "        others = 0  # the entity attribute alone, dropped below",
        "    if others:",
        "        for name, value in item.items():",
        "            if name not in known:",
        "                body = value['S'] if 'S' in value else general(value)",
        "                fields[names.get(name, name)] = body",
        "    if skip is not None:",
        "        fields.pop(skip, None)",
        *(f"    fields.pop({name!r}, None)" for name in sorted(computed)),
    ]
    for index, name in enumerate(absent):
        value = "set()" if absent[name] is empty_set else f"absent[{index}]"
        lines += [f"    if {name!r} not in fields:", f"        fields[{name!r}] = {value}"]
    lines.append("    return fields")
    namespace: dict[str, Any] = {
        "general": decode_value, "decode_number": number_value,
        "decoders": [field.decode for field in fields],
        "known": frozenset(field.stored for field in fields),
        "absent": list(absent.values()),
    }  # fmt: skip
    exec(compile("\n".join(lines), "<compiled reader>", "exec"), namespace)  # noqa: S102 - our own source, names through repr()
    read: Reader = namespace["read"]
    return read


def stored_name(name: str, field: FieldInfo) -> str:
    """The attribute a field is stored under: its serialization alias, alias, or name."""
    return field.serialization_alias or field.alias or name


@lru_cache(maxsize=1024)
def rebuildable_set_fields(model_class: type[BaseModel]) -> frozenset[str]:
    """Attribute names whose annotation is a plain set, so an empty one is stored as absent."""
    return frozenset(
        stored_name(name, field)
        for name, field in model_class.model_fields.items()
        if (get_origin(field.annotation) or field.annotation) in _SET_ORIGINS
    )


@lru_cache(maxsize=1024)
def compiled_model(model_class: type[BaseModel]) -> CompiledModel:
    """The class's compiled codec (built once per class)."""
    schema: Mapping[str, Any] = model_class.__pydantic_core_schema__
    fields_schema = schema.get("schema", {}) if schema.get("type") == "model" else {}
    field_schemas: Mapping[str, Any] = fields_schema.get("fields", {})
    rebuildable = rebuildable_set_fields(model_class)
    decoders: dict[str, Decoder] = {}
    encoders: list[Field] = []
    complete = fields_schema.get("type") == "model-fields" and set(field_schemas) == set(
        model_class.model_fields
    )
    for name, info in model_class.model_fields.items():
        stored = stored_name(name, info)
        field_schema = field_schemas.get(name, {})
        kind = _kind(field_schema.get("schema", {}))
        if kind is None or kind.depth >= MAX_NESTING_DEPTH - 1:
            complete = False
            continue
        decoders[stored] = kind.decode
        if not _only(field_schema, "schema", "validation_alias", "serialization_alias", "frozen"):
            complete = False
        encoders.append(
            Field(name, stored, _text_size(stored), kind.encode, stored in rebuildable, kind.decode)
        )
    stored_names = {
        name: stored_name(name, info) for name, info in model_class.model_fields.items()
    }
    names = frozenset(stored_names.values())
    config: Mapping[str, Any] = schema.get("config", {})
    lax = not config.get("strict") and not fields_schema.get("strict")
    compiled = (
        complete
        and _serializes_plainly(model_class, schema, fields_schema)
        and _names_are_plain(stored_names)
    )
    proven = (
        compiled
        and lax
        and set(config) <= _HARMLESS_CONFIG
        and not schema.get("custom_init")
        and not schema.get("post_init")
    )
    return CompiledModel(
        encoder=_generated(encoders) if compiled else None,
        count=len(model_class.model_fields),
        field_of={stored: name for name, stored in stored_names.items()},
        names=names,
        proven=proven,
        decoders=decoders,
        readable=tuple(encoders),
        takes_compact=frozenset(decoders) if lax else frozenset(),
    )


def _serializes_plainly(
    model_class: type[BaseModel], schema: Mapping[str, Any], fields_schema: Mapping[str, Any]
) -> bool:
    """Whether ``model_dump`` gives each field's own value: nothing serializes it otherwise."""
    decorators = model_class.__pydantic_decorators__
    return (
        not decorators.field_serializers
        and not decorators.model_serializers
        and not decorators.computed_fields
        and not fields_schema.get("computed_fields")
        and "serialization" not in schema
        and "serialization" not in fields_schema
        and fields_schema.get("extra_behavior") != "allow"
        and model_class.model_config.get("extra") != "allow"
        and not schema.get("root_model")
        and all(not info.exclude for info in model_class.model_fields.values())
    )


def _names_are_plain(stored_names: dict[str, str]) -> bool:
    """Pk and sk are stored as themselves, no two fields share a name, DynamoDB takes each."""
    names = set(stored_names.values())
    return (
        stored_names.get("pk") == "pk"
        and stored_names.get("sk") == "sk"
        and len(names) == len(stored_names)
        and all(
            name and len(name.encode("utf-8", "surrogatepass")) < MAX_NAME_BYTES for name in names
        )
    )
