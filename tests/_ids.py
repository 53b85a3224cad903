"""Test ids that are the same in every process (pytest-xdist compares them)."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def stable_id(value: object) -> str:
    """A repr without memory addresses, and with set elements in sorted order."""
    if isinstance(value, AbstractSet):
        return "{" + ", ".join(sorted(stable_id(element) for element in value)) + "}"
    return _ADDRESS.sub("", repr(value))
