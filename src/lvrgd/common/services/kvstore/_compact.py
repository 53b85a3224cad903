"""Items kept in plain form: the in-memory store's stored form, read without the wire form.

An item is held as its attributes' decoded values (what `decode_value` gives: str,
int, Decimal, bool, bytes, None, lists, sets, dicts), frozen so that nothing a model
holds or is handed can reach them: a list becomes a tuple, a set a `FrozenSet`, a
dict a new dict of frozen values. The attribute names are one tuple shared by every
item with the same attributes, and the item's size (as DynamoDB counts it) is kept
beside them, so no limit needs the wire form to be computed again.

The wire form is a view: `CompactItem` is a Mapping from attribute name to
``{"S": ...}``-style value, built on access by the general codec. That codec gives
back exactly the wire form the item was stored from, since it is what encoded it in
the first place (decoding then encoding a decoded value is the identity; sets come
back sorted, as the codec writes them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._limits import AttributeValue, Item, item_size
from ._values import decode_value, encode_value


class FrozenSet(tuple[Any, ...]):
    """A stored set's members (a tuple, a third the size of a frozenset)."""

    __slots__ = ()


class Layout(tuple[str, ...]):  # noqa: SLOT001 - a dict per distinct layout: its recipes
    """The attribute names of stored items, in order: one shared tuple per set of names.

    It also keeps, for the reads of its items, what each read needs to know about
    these names (`recipes`, filled by the codec), so that is worked out once.
    """

    recipes: dict[Any, Any]


_FROZEN = (tuple, FrozenSet, dict)
_LAYOUTS: dict[tuple[str, ...], Layout] = {}
"""One shared tuple per set of attribute names in the same order."""
_MAX_LAYOUTS = 4096


def freeze(value: Any) -> Any:
    """A decoded value as the store keeps it: containers frozen, all the way down."""
    kind = type(value)
    if kind is list:
        return tuple(freeze(element) for element in value)
    if kind is dict:
        return {key: freeze(element) for key, element in value.items()}
    if kind is set:
        return FrozenSet(value)
    return value


def thaw(value: Any) -> Any:
    """A kept value as a decoded one: new containers, all the way down."""
    kind = type(value)
    if kind is tuple:
        return [thaw(element) for element in value]
    if kind is FrozenSet:
        return set(value)
    if kind is dict:
        return {key: thaw(element) for key, element in value.items()}
    return value


def thaw_if_frozen(value: Any) -> Any:
    """`thaw` for a container; anything else as it is."""
    return thaw(value) if type(value) in _FROZEN else value


def wire_value(value: Any) -> AttributeValue:
    """The wire form of a kept value."""
    if type(value) is str and value.isascii():
        return {"S": value}
    return encode_value(thaw(value))


def _layout(names: tuple[str, ...]) -> Layout:
    if type(names) is Layout:
        return names
    shared = _LAYOUTS.get(names)
    if shared is not None:
        return shared
    layout = Layout(names)
    layout.recipes = {}
    if len(_LAYOUTS) < _MAX_LAYOUTS:
        _LAYOUTS[names] = layout
    return layout


class CompactItem(Mapping[str, AttributeValue]):
    """One stored item in plain form, and its size; a Mapping to its wire form.

    Args:
        names: The attribute names, in order.
        kept: Each attribute's kept value (`freeze`'s form).
        size: The item's size as DynamoDB counts it.
    """

    __slots__ = ("kept", "names", "size")

    def __init__(self, names: tuple[str, ...], kept: tuple[Any, ...], size: int) -> None:
        """Hold the attributes (`names` shared with every item of the same names)."""
        self.names = _layout(names)
        self.kept = kept
        self.size = size

    @classmethod
    def from_wire(cls, item: Mapping[str, AttributeValue], size: int | None = None) -> CompactItem:
        """The plain form of a wire item; `size` is computed unless given."""
        values = tuple(
            value["S"] if "S" in value else freeze(decode_value(value)) for value in item.values()
        )
        if size is None:
            size = item_size(item if type(item) is dict else dict(item))
        return cls(tuple(item), values, size)

    def plain(self, name: str) -> Any:
        """The kept value of attribute `name`, or None if the item has no such attribute."""
        try:
            return self.kept[self.names.index(name)]
        except ValueError:
            return None

    def project(self, names: tuple[str, ...]) -> CompactItem:
        """The item holding only the attributes among `names` (an index's projection)."""
        kept = [(name, value) for name, value in zip(self.names, self.kept, strict=True)
                if name in names]  # fmt: skip
        return CompactItem(tuple(n for n, _ in kept), tuple(v for _, v in kept), self.size)

    def wire(self) -> Item:
        """The whole item in wire form (a new dict)."""
        return {name: wire_value(value) for name, value in zip(self.names, self.kept, strict=True)}

    def __getitem__(self, name: str) -> AttributeValue:
        """The wire form of attribute `name`."""
        try:
            index = self.names.index(name)
        except ValueError:
            raise KeyError(name) from None
        return wire_value(self.kept[index])

    def get(self, name: str, default: Any = None) -> Any:
        """The wire form of attribute `name`, or `default`."""
        try:
            index = self.names.index(name)
        except ValueError:
            return default
        return wire_value(self.kept[index])

    def __contains__(self, name: object) -> bool:
        """Whether the item has attribute `name`."""
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        """The attribute names."""
        return iter(self.names)

    def __len__(self) -> int:
        """The number of attributes."""
        return len(self.names)

    def __repr__(self) -> str:
        """The attribute names and the size, never the values."""
        return f"CompactItem({', '.join(self.names)}; {self.size} bytes)"
