"""The attribute-value codec of one value: Python values to DynamoDB's wire form and back.

The rules (see the docs' type table): str S, bool BOOL, int/float/Decimal N (normalized
as DynamoDB does), bytes B, list/tuple L, dict and nested models M, sets SS/NS/BS, None
NULL; other types (datetime, UUID, Enum, ...) take pydantic's JSON form. `encode_value`
and `decode_value` are the definition: the codecs compiled per model class
(`_compiled`) give exactly what they give, or defer to them.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, to_jsonable_python

from ._limits import MAX_NESTING_DEPTH, MAX_NUMBER_DIGITS, AttributeValue, normalized_number

WHOLE_NUMBER_LIMIT = 10**MAX_NUMBER_DIGITS
"""An int strictly between minus and plus this is its own canonical text (38 digits)."""
_NUMBER_TYPES = frozenset({int, float, Decimal})


class _RefusedError(ValueError):
    """A value DynamoDB cannot hold; the caller adds the operation and key."""


def encode_value(value: Any, depth: int = 2) -> AttributeValue:  # noqa: PLR0911 - by exact type
    """The wire form of one value; `depth` is the nesting level it sits at.

    Raises:
        _RefusedError: If DynamoDB cannot hold the value.
    """
    kind = type(value)  # exact types first: the common cases skip the isinstance chain
    if kind is str:
        return {"S": value if value.isascii() else _checked_text(value)}
    if kind is int and -WHOLE_NUMBER_LIMIT < value < WHOLE_NUMBER_LIMIT:
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
