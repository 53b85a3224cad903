"""Each plain kind a field's core schema can declare: its encoder and its decoder.

The kinds are str, int, bool, Decimal, float, and lists, sets, ``dict[str, ...]`` and
optionals of them. An encoder takes a value, checks its exact type as it goes, and
gives its wire form, its size and its plain form (`Triple`), or None for a value of
any other type; a decoder reads exactly the wire key its kind is stored under and
raises KeyError or TypeError on anything else. `_compiled` builds classes' codecs
from them, and says why their output is the general codec's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ._compact import FrozenSet
from ._limits import SCALAR_FLAG_BYTES, AttributeValue, number_size
from ._values import WHOLE_NUMBER_LIMIT, _checked_text, _number, decode_number

Triple = tuple[AttributeValue, int, Any]
"""A value's wire form, its size, and its plain form (what the in-memory store keeps)."""
Encoder = Callable[[Any], "Triple | None"]
"""A value of one kind to its `Triple`; None when the value is not of the kind."""
Decoder = Callable[[AttributeValue], Any]
"""A wire value of one kind to its Python value; raises KeyError or TypeError otherwise."""

SMALL = 2**62
"""Ints this small are their own canonical text (far below 38 digits)."""
_LIST_OVERHEAD = 3
_ELEMENT_OVERHEAD = 1


@dataclass(frozen=True, slots=True)
class _Kind:
    """One field's kind, as its core schema declares it."""

    encode: Encoder
    decode: Decoder
    depth: int
    """Levels of nesting the kind's values take (a scalar: 0)."""
    is_set: bool = False


_number_size = lru_cache(maxsize=4096)(number_size)
"""`number_size`, remembered: the same few numbers recur in most tables."""


def _text_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _encode_str(value: Any) -> Triple | None:
    if type(value) is not str:
        return None
    if value.isascii():
        return {"S": value}, len(value), value
    return {"S": _checked_text(value)}, len(value.encode("utf-8")), value


def _encode_int(value: Any) -> Triple | None:
    if type(value) is not int or not -WHOLE_NUMBER_LIMIT < value < WHOLE_NUMBER_LIMIT:
        return None
    text = str(value)
    return {"N": text}, _number_size(text), value


def _encode_bool(value: Any) -> Triple | None:
    if type(value) is not bool:
        return None
    return {"BOOL": value}, SCALAR_FLAG_BYTES, value


@lru_cache(maxsize=4096)
def _decimal_forms(value: Decimal) -> tuple[str, int, int | Decimal]:
    # Equal Decimals (1.5 and 1.50) share a cache entry, and share their canonical text,
    # its size and the value it reads back as (immutable: shared by the items that hold it).
    text = _number(value)
    return text, number_size(text), decode_number(text)


def _encode_decimal(value: Any) -> Triple | None:
    if type(value) is not Decimal or not value.is_finite():  # NaN: the general codec refuses it
        return None
    text, size, kept = _decimal_forms(value)
    return {"N": text}, size, kept


def _encode_float(value: Any) -> Triple | None:
    if type(value) is not float:
        return None
    text = _number(value)
    return {"N": text}, _number_size(text), decode_number(text)


def _decode_str(value: AttributeValue) -> Any:
    return value["S"]


number_value = lru_cache(maxsize=4096)(decode_number)
"""`decode_number`, remembered: its values are immutable, so items may share them."""


def _decode_number(value: AttributeValue) -> Any:
    return number_value(value["N"])


def _decode_bool(value: AttributeValue) -> Any:
    return value["BOOL"]


_SCALARS: dict[str, _Kind] = {
    "str": _Kind(_encode_str, _decode_str, 0),
    "int": _Kind(_encode_int, _decode_number, 0),
    "bool": _Kind(_encode_bool, _decode_bool, 0),
    "decimal": _Kind(_encode_decimal, _decode_number, 0),
    "float": _Kind(_encode_float, _decode_number, 0),
}
_SET_ELEMENTS = {"str": (str, "SS"), "int": (int, "NS"), "decimal": (Decimal, "NS")}
"""Set element kinds with one set type: the type every element must be, and the wire key."""


def _ascii_texts(value: Any) -> bool:
    for element in value:  # noqa: SIM110 - a generator in all() costs twice as much here
        if type(element) is not str or not element.isascii():
            return False
    return True


def _list_kind(items: _Kind) -> _Kind:
    encode_item, decode_item = items.encode, items.decode
    texts = encode_item is _encode_str

    def encode(value: Any) -> Triple | None:
        if type(value) is not list:
            return None
        if texts:  # `_encode_str` of each ASCII string, written out
            encoded = []
            size = _LIST_OVERHEAD
            for element in value:
                if type(element) is not str or not element.isascii():
                    break
                encoded.append({"S": element})
                size += _ELEMENT_OVERHEAD + len(element)
            else:
                return {"L": encoded}, size, tuple(value)
        encoded = []
        kept = []
        size = _LIST_OVERHEAD
        for element in value:
            triple = encode_item(element)
            if triple is None:
                return None
            encoded.append(triple[0])
            size += _ELEMENT_OVERHEAD + triple[1]
            kept.append(triple[2])
        return {"L": encoded}, size, tuple(kept)

    def decode(value: AttributeValue) -> Any:
        if texts:  # `_decode_str` of each, written out
            return [element["S"] for element in value["L"]]
        return [decode_item(element) for element in value["L"]]

    return _Kind(encode, decode, items.depth + 1)


def _small_int_map(value: dict[Any, Any]) -> Triple | None:
    """`_encode_int` of each small int under an ASCII key, written out; None otherwise."""
    encoded = {}
    size = _LIST_OVERHEAD
    for key, element in value.items():
        if type(key) is not str or not key.isascii() or type(element) is not int:
            return None
        if not -SMALL < element < SMALL:
            return None
        text = str(element)
        encoded[key] = {"N": text}
        size += _ELEMENT_OVERHEAD + len(key) + _number_size(text)
    return {"M": encoded}, size, dict(value)


def _map_kind(values: _Kind) -> _Kind:
    encode_item, decode_item = values.encode, values.decode
    numbers = encode_item is _encode_int

    def encode(value: Any) -> Triple | None:
        if type(value) is not dict:
            return None
        if numbers:
            triple = _small_int_map(value)
            if triple is not None:
                return triple
        encoded = {}
        kept = {}
        size = _LIST_OVERHEAD
        for key, element in value.items():
            if type(key) is not str:
                return None
            triple = encode_item(element)
            if triple is None:
                return None
            name = key if key.isascii() else _checked_text(key)
            encoded[name] = triple[0]
            kept[name] = triple[2]
            size += _ELEMENT_OVERHEAD + _text_size(key) + triple[1]
        return {"M": encoded}, size, kept

    def decode(value: AttributeValue) -> Any:
        if numbers:  # `_decode_number` of each, written out
            return {key: number_value(element["N"]) for key, element in value["M"].items()}
        return {key: decode_item(element) for key, element in value["M"].items()}

    return _Kind(encode, decode, values.depth + 1)


def _set_kind(element: str, container: type) -> _Kind:
    element_type, key = _SET_ELEMENTS[element]

    def encode(value: Any) -> Triple | None:
        if type(value) is not container:
            return None
        members: Any = value
        if not members:
            return {"L": []}, _LIST_OVERHEAD, ()
        for member in members:
            if type(member) is not element_type:
                return None
        if key == "SS":
            if _ascii_texts(members):
                texts = sorted(members)
                return {"SS": texts}, sum(map(len, texts)), FrozenSet(texts)
            texts = sorted(v if v.isascii() else _checked_text(v) for v in members)
            return {"SS": texts}, sum(_text_size(text) for text in texts), FrozenSet(texts)
        numbers = sorted({_number(member) for member in members})
        size = sum(_number_size(number) for number in numbers)
        return {"NS": numbers}, size, FrozenSet(decode_number(number) for number in numbers)

    def decode(value: AttributeValue) -> Any:
        if key == "SS":
            return set(value["SS"])
        return {decode_number(number) for number in value["NS"]}

    return _Kind(encode, decode, 1, is_set=True)


def _optional_kind(inner: _Kind) -> _Kind:
    encode_inner, decode_inner = inner.encode, inner.decode

    def encode(value: Any) -> Triple | None:
        if value is None:
            return {"NULL": True}, SCALAR_FLAG_BYTES, None
        return encode_inner(value)

    def decode(value: AttributeValue) -> Any:
        return None if "NULL" in value else decode_inner(value)

    return _Kind(encode, decode, inner.depth)


def _only(schema: Mapping[str, Any], *keys: str) -> bool:
    """Whether `schema` holds no key but its type, its metadata and `keys`."""
    return all(key in {"type", "metadata", *keys} for key in schema)


def _kind(schema: Mapping[str, Any]) -> _Kind | None:  # noqa: PLR0911 - by schema type
    """The kind a field's core schema declares; None for any other schema."""
    kind = schema.get("type")
    if kind in _SCALARS:
        return _SCALARS[kind] if _only(schema) else None
    if kind == "default" and _only(
        schema, "schema", "default", "default_factory", "default_factory_takes_data"
    ):
        return _kind(schema["schema"])
    if kind == "nullable" and _only(schema, "schema"):
        inner = _kind(schema["schema"])
        return None if inner is None else _optional_kind(inner)
    if kind == "list" and _only(schema, "items_schema") and "items_schema" in schema:
        items = _kind(schema["items_schema"])
        return None if items is None else _list_kind(items)
    if kind == "dict" and _only(schema, "keys_schema", "values_schema"):
        keys, values = schema.get("keys_schema"), schema.get("values_schema")
        if keys is None or values is None or keys != {"type": "str"}:
            return None
        inner = _kind(values)
        return None if inner is None else _map_kind(inner)
    if kind in {"set", "frozenset"} and _only(schema, "items_schema"):
        element = schema.get("items_schema", {})
        if _only(element) and element.get("type") in _SET_ELEMENTS:
            return _set_kind(element["type"], set if kind == "set" else frozenset)
    return None
