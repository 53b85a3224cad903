"""Item sizes by DynamoDB's documented rules, written from the documentation alone.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html:
an item is the sum of its attribute names (UTF-8 bytes) and values; a string is its
UTF-8 bytes, a binary its raw bytes, a boolean or null 1 byte; a list or map 3 bytes
plus, per element, 1 byte and the element (a map element also its key); a set the sum
of its elements. A number is "approximately 1 byte per two significant digits, plus
1"; the exact rule used here (digit pairs aligned on the decimal point, plus one byte,
plus one more when negative) is the one dynalite and ministack apply (engine notes).

The probes size their boundary items with this module, not with the codec, so that a
codec that miscounts shows up as a probe whose memory cell is wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

Wire = dict[str, Any]

CONTAINER_BYTES = 3
ELEMENT_BYTES = 1
SCALAR_BYTES = 1


def item_bytes(item: Wire) -> int:
    """Bytes of an item in wire form."""
    return sum(len(name.encode("utf-8")) + value_bytes(value) for name, value in item.items())


def value_bytes(value: Wire) -> int:  # noqa: PLR0911 - one branch per wire type
    """Bytes of one wire value."""
    ((kind, body),) = value.items()
    if kind == "S":
        return len(body.encode("utf-8"))
    if kind == "B":
        return len(body)
    if kind == "N":
        return number_bytes(body)
    if kind in ("BOOL", "NULL"):
        return SCALAR_BYTES
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in body)
    if kind == "NS":
        return sum(number_bytes(n) for n in body)
    if kind == "BS":
        return sum(len(b) for b in body)
    if kind == "L":
        return CONTAINER_BYTES + sum(ELEMENT_BYTES + value_bytes(v) for v in body)
    return CONTAINER_BYTES + sum(
        ELEMENT_BYTES + len(k.encode("utf-8")) + value_bytes(v) for k, v in body.items()
    )


def number_bytes(text: str) -> int:
    """Bytes of a number: its base-100 digit pairs, aligned on the point, plus 1 (2 if < 0)."""
    number = Decimal(text)
    if number.is_zero():
        return SCALAR_BYTES
    sign, digits, exponent = number.as_tuple()  # not normalize(): it rounds to 28 digits
    figures = "".join(map(str, digits)).lstrip("0")
    stripped = figures.rstrip("0")
    point = len(figures) + int(exponent)  # digits before the decimal point
    figures = stripped
    if point % 2:
        figures, point = "0" + figures, point + 1
    if len(figures) % 2:
        figures += "0"
    pairs = len(figures) // 2
    return SCALAR_BYTES + pairs + sign


def pad_to(item: Wire, target: int, name: str = "pad", unit: str = "x") -> Wire:
    """`item` with an S attribute `name` made of `unit` (then ASCII) to total `target` bytes.

    Raises:
        ValueError: If the item is already too big for `target`.
    """
    room = target - item_bytes(item) - len(name.encode("utf-8"))
    if room < 0:
        msg = f"the item is already {item_bytes(item)} bytes, above {target}"
        raise ValueError(msg)
    width = len(unit.encode("utf-8"))
    count = room // width
    return {**item, name: {"S": unit * count + "x" * (room - count * width)}}
