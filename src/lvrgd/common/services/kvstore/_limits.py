"""DynamoDB's limits, as named constants and pure checks both adapters apply.

Sizes follow DynamoDB's documented rules
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
an attribute costs the UTF-8 bytes of its name plus its value; strings cost their UTF-8
bytes, binaries their raw bytes, numbers one byte per base-100 digit pair plus one,
booleans and nulls one byte, sets the sum of their elements, and lists and maps three bytes
plus, per element, one byte and the element (a map element also its key).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Callable
    from decimal import Decimal

MAX_PARTITION_KEY_BYTES: Final = 2048
MAX_SORT_KEY_BYTES: Final = 1024
MAX_ITEM_BYTES: Final = 409_600
MAX_NUMBER_DIGITS: Final = 38
MAX_NUMBER_EXPONENT: Final = 125
"""The largest magnitude is 9.99...9 (38 digits) x 10^125."""
MIN_NUMBER_EXPONENT: Final = -130
"""The smallest non-zero magnitude is 1 x 10^-130."""
MAX_NAME_BYTES: Final = 65_536
"""Attribute names are shorter than 64 KB (DynamoDB's naming rules)."""
MAX_NESTING_DEPTH: Final = 32
"""Levels of nesting, the item itself counting as the first."""
CONTAINER_OVERHEAD_BYTES: Final = 3
ELEMENT_OVERHEAD_BYTES: Final = 1
SCALAR_FLAG_BYTES: Final = 1
"""What a BOOL or a NULL costs, and the fixed byte of every number."""

AttributeValue = dict[str, Any]
"""One value in DynamoDB's wire form, e.g. ``{"S": "abc"}`` or ``{"L": [...]}``."""
Item = dict[str, Any]
"""An item in DynamoDB's wire form: attribute name to value."""
ItemView = Mapping[str, Any]
"""An item as an adapter reads it back: its wire form, or a Mapping onto it (`CompactItem`)."""


class SizedItem(dict[str, Any]):
    """An item in wire form that carries its size, and its plain form, from the codec.

    The codec computed both while encoding the item; a store that keeps them (the
    in-memory one) takes them from here instead of computing them again from the wire
    form. To everything else it is the dict it is.
    """

    __slots__ = ("kept", "size")
    size: int
    kept: list[Any]
    """Each attribute's plain form, in the dict's order (`CompactItem`'s kept values)."""


def key_problem(pk: object, sk: object) -> str | None:
    """Say what is wrong with a key, or None when DynamoDB would accept it."""
    return partition_key_problem(pk) or sort_key_problem(sk)


def partition_key_problem(pk: object) -> str | None:
    """Say what is wrong with a partition key, or None when it is acceptable."""
    return _key_part_problem("pk", pk, MAX_PARTITION_KEY_BYTES)


def sort_key_problem(sk: object, name: str = "sk") -> str | None:
    """Say what is wrong with a sort key (or a sort-key bound called `name`), or None."""
    return _key_part_problem(name, sk, MAX_SORT_KEY_BYTES)


def _key_part_problem(name: str, value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return f"{name} must be a str, not {type(value).__name__}"
    if value.isascii():  # the common case: one byte a character, nothing to encode
        size = len(value)
    else:
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:
            return f"{name} is not valid Unicode (it holds a lone surrogate)"
    if size == 0:
        return f"{name} must not be empty"
    if size > limit:
        return f"{name} is {size} bytes of UTF-8; the limit is {limit}"
    return None


def normalized_number(value: Decimal) -> str:
    """DynamoDB's canonical text of a number: plain notation, no redundant zeros.

    Raises:
        ValueError: If the number is not finite, has more than 38 significant digits,
            or lies outside DynamoDB's range.
    """
    if not value.is_finite():
        msg = f"{value} is not a finite number"
        raise ValueError(msg)
    sign, digits, exponent = value.as_tuple()
    exponent = int(exponent)  # an int for every finite Decimal
    significant = "".join(map(str, digits)).lstrip("0")
    if not significant:
        return "0"
    exponent += len(significant) - len(significant.rstrip("0"))
    significant = significant.rstrip("0")
    if len(significant) > MAX_NUMBER_DIGITS:
        msg = f"a number has {len(significant)} significant digits; the limit is 38"
        raise ValueError(msg)
    magnitude = exponent + len(significant) - 1
    if magnitude > MAX_NUMBER_EXPONENT:
        msg = "a number is too large (the largest magnitude is below 1E+126)"
        raise ValueError(msg)
    if magnitude < MIN_NUMBER_EXPONENT:
        msg = "a number is too small (the smallest non-zero magnitude is 1E-130)"
        raise ValueError(msg)
    return _plain(sign, significant, exponent)


def _plain(sign: int, significant: str, exponent: int) -> str:
    if exponent >= 0:
        text = significant + "0" * exponent
    elif -exponent >= len(significant):
        text = "0." + "0" * (-exponent - len(significant)) + significant
    else:
        text = f"{significant[:exponent]}.{significant[exponent:]}"
    return f"-{text}" if sign else text


def number_size(text: str) -> int:
    """Bytes a normalized number costs.

    DynamoDB stores a number as base-100 digit pairs aligned on the decimal point
    (leading and trailing zero pairs dropped), plus one byte, plus one when negative;
    zero costs one byte. The docs' "one byte per two significant digits, plus one"
    is this rule for numbers whose digits happen to align.
    """
    negative = text[:1] == "-"
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = whole.lstrip("0")
    fraction = fraction.rstrip("0")
    if not whole and not fraction:
        return SCALAR_FLAG_BYTES
    if len(whole) % 2:
        whole = "0" + whole
    if len(fraction) % 2:
        fraction += "0"
    digits = whole + fraction
    start, end = 0, len(digits)
    while digits.startswith("00", start):
        start += 2
    while end > start and digits.endswith("00", start, end):
        end -= 2
    return SCALAR_FLAG_BYTES + (end - start) // 2 + (1 if negative else 0)


def item_size(item: Item) -> int:
    """Bytes an item in wire form costs, by DynamoDB's rules."""
    return sum(_text_size(name) + value_size(value) for name, value in item.items())


def value_size(value: AttributeValue) -> int:
    """Bytes one wire value costs, by DynamoDB's rules."""
    for kind, body in value.items():
        if kind == "S":
            return len(body) if body.isascii() else len(body.encode("utf-8"))
        return _SIZERS[kind](body)
    return 0


def _text_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _binary_size(body: bytes | str) -> int:
    # Raw bytes; DynamoDB's JSON holds them as base64 text (4 characters per 3 bytes).
    if isinstance(body, str):
        return len(body) * 3 // 4 - body.count("=", -2)
    return len(body)


def _list_size(elements: list[AttributeValue]) -> int:
    return CONTAINER_OVERHEAD_BYTES + sum(
        ELEMENT_OVERHEAD_BYTES + value_size(element) for element in elements
    )


def _map_size(entries: dict[str, AttributeValue]) -> int:
    return CONTAINER_OVERHEAD_BYTES + sum(
        ELEMENT_OVERHEAD_BYTES + _text_size(key) + value_size(element)
        for key, element in entries.items()
    )


_SIZERS: dict[str, Callable[[Any], int]] = {
    "N": number_size,
    "B": _binary_size,
    "BOOL": lambda _: SCALAR_FLAG_BYTES,
    "NULL": lambda _: SCALAR_FLAG_BYTES,
    "SS": lambda body: sum(_text_size(text) for text in body),
    "NS": lambda body: sum(number_size(number) for number in body),
    "BS": lambda body: sum(_binary_size(element) for element in body),
    "L": _list_size,
    "M": _map_size,
}
