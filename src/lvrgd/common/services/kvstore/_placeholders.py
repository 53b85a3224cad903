"""Placeholders for DynamoDB expressions: ``#x0`` for names, ``:x0`` for values.

Every attribute name and value an expression carries goes through a placeholder, so
that reserved words, dots and odd characters in names and every value are passed
as data, never spliced into the expression's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._limits import AttributeValue
    from ._where import Segment


class Placeholders:
    """The names and values one expression (or one UpdateItem's expressions) uses.

    Args:
        prefix: The letter after ``#`` and ``:``, e.g. ``c`` gives ``#c0`` and ``:c0``.
        names: Placeholders already taken (e.g. ``{"#pk": "pk"}``); numbering counts them.
    """

    __slots__ = ("_placeholder_of", "_prefix", "names", "values")

    def __init__(self, prefix: str, names: dict[str, str] | None = None) -> None:
        """Start with `names` taken and no values."""
        self._prefix = prefix
        self.names: dict[str, str] = dict(names or {})
        self.values: dict[str, AttributeValue] = {}
        self._placeholder_of = {attribute: key for key, attribute in self.names.items()}

    def name(self, attribute: str) -> str:
        """The placeholder of `attribute`: the same one each time it is named."""
        placeholder = self._placeholder_of.get(attribute)
        if placeholder is None:
            placeholder = f"#{self._prefix}{len(self.names)}"
            self.names[placeholder] = attribute
            self._placeholder_of[attribute] = placeholder
        return placeholder

    def path(self, segments: tuple[Segment, ...]) -> str:
        """A document path: ``#c0.#c1[2]`` for ``("a", "b", 2)``."""
        text = ""
        for segment in segments:
            if isinstance(segment, int):
                text += f"[{segment}]"
            else:
                text += ("." if text else "") + self.name(segment)
        return text

    def value(self, wire: AttributeValue) -> str:
        """A new placeholder for `wire` (values are never shared)."""
        placeholder = f":{self._prefix}{len(self.values)}"
        self.values[placeholder] = wire
        return placeholder
