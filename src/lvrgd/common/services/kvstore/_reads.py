"""Reads of item collections: each stored item as the class its entity name names.

A read asks for one class or several (``Customer | Order``). Each item comes back as
the class whose entity name it stores; an item stored before entity names (none
stored) as the class asked for. An item of any other entity is skipped, or refused
with ``on_other="raise"``. No filter is sent to the engine: queries read on past what
they skip, so that ``limit`` and ``page_size`` count the items the caller receives.

Decoding is the long part of a long read (a thousand items take milliseconds), so it
goes in chunks of `DECODE_CHUNK` items with a `Checkpoint` between two chunks: the
async form lets other tasks run there, the sync form goes straight on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._attributes import decode_item
from ._compact import CompactItem
from ._errors import InvalidItemError
from ._steps import CHECKPOINT

if TYPE_CHECKING:
    from ._conditions import KeyQuery
    from ._entities import OnOther, ReadTypes
    from ._indexes import Position
    from ._limits import ItemView
    from ._steps import Plan

Select = Callable[["KeyQuery", "Position | None", "int | None"], "Plan[Sequence[ItemView]]"]
"""The plan of a selection: the items a query selects past a position, at most a number."""
Hydrate = Callable[["Sequence[ItemView]"], "Plan[list[ItemView | None]]"]
"""The plan that finds each index entry's whole item, in order; None where it is gone."""
DECODE_CHUNK = 16
"""Items decoded between two checkpoints: about a tenth of a millisecond for ten fields."""


@dataclass(frozen=True, slots=True)
class Reader:
    """Decodes stored items for one read."""

    operation: str
    types: ReadTypes
    on_other: OnOther
    attribute: str
    """Where items store their entity name."""

    def decode(self, item: ItemView) -> Any:
        """The item as the class its entity names, or None when it is to be skipped.

        Raises:
            InvalidItemError: If the item does not validate as that class, or names
                another entity and `on_other` is ``"raise"``.
        """
        entity = _entity(item, self.attribute)
        if entity is None:
            return self._decode_untagged(item)
        model_class = self.types.by_entity.get(entity) or self.types.any_entity
        if model_class is not None:
            return decode_item(self.operation, item, model_class, self.attribute)
        if self.on_other == "skip":
            return None
        reason = (
            f"the item's entity is {entity!r}, which this read did not ask for "
            f"({self.types.names}); read it as its own class, or pass on_other='skip' "
            "to leave such items out"
        )
        raise InvalidItemError(self.operation, _key(item, "pk"), _key(item, "sk"), reason)

    def _decode_untagged(self, item: ItemView) -> Any:
        """An item stored before entity names: the first class asked for that reads it."""
        *others, last = self.types.classes
        for model_class in others:
            try:
                return decode_item(self.operation, item, model_class, self.attribute)
            except InvalidItemError:  # noqa: PERF203 - items from before entity names only
                continue
        return decode_item(self.operation, item, last, self.attribute)


def read_up_to(
    select: Select,
    query: KeyQuery,
    reader: Reader,
    limit: int | None,
    hydrate: Hydrate | None = None,
) -> Plan[list[Any]]:
    """The query's items the reader keeps, in order, at most `limit` (all if None).

    With `hydrate`, each item the query selects is replaced by what `hydrate` finds
    for it (an index entry by its whole item), and one it finds gone is skipped.
    """
    kept: list[Any] = []
    after: Position | None = None
    while True:
        wanted = None if limit is None else limit - len(kept)
        found = yield from select(query, after, wanted)
        whole = found if hydrate is None else _present((yield from hydrate(found)))
        kept += yield from decode_all(reader, whole)
        if limit is None or wanted is None or len(found) < wanted or len(kept) >= limit:
            return kept  # without a limit, one selection holds the whole query
        after = query.position(found[-1])


def read_page(  # noqa: PLR0913 - each argument is a distinct part of the read
    select: Select,
    query: KeyQuery,
    reader: Reader,
    after: Position | None,
    page_size: int,
    *,
    hydrate: Hydrate | None = None,
) -> Plan[tuple[list[Any], Position | None]]:
    """One page of kept items past `after`, and where to resume, if more follow.

    The page is full unless it is the last: the read goes on past skipped items until
    it has `page_size` items and has seen that one more follows, or the query ends.
    """
    kept: list[Any] = []
    last: Position | None = None
    while True:
        wanted = page_size + 1 - len(kept)
        found = yield from select(query, after, wanted)
        whole = found if hydrate is None else (yield from hydrate(found))
        for index, (item, full) in enumerate(zip(found, whole, strict=True)):
            if index and not index % DECODE_CHUNK:
                yield CHECKPOINT
            decoded = None if full is None else reader.decode(full)
            if decoded is None:
                continue
            if len(kept) == page_size:
                return kept, last  # one more follows: the page ends at the last kept
            kept.append(decoded)
            last = query.position(item)
        if len(found) < wanted:
            return kept, None
        after = query.position(found[-1])


def _present(items: list[ItemView | None]) -> list[ItemView]:
    return [item for item in items if item is not None]


def decode_all(reader: Reader, items: Sequence[ItemView]) -> Plan[list[Any]]:
    """`reader.decode` of each item, in order, the skipped left out.

    A checkpoint follows every `DECODE_CHUNK` items but the last ones. Written out for
    speed (a query decodes every item it returns): an item of an asked entity goes
    straight to the codec, and only the rest take `decode`'s slower path.
    """
    operation, attribute, by_entity = reader.operation, reader.attribute, reader.types.by_entity
    kept: list[Any] = []
    for start in range(0, len(items), DECODE_CHUNK):
        if start:
            yield CHECKPOINT
        for item in items[start : start + DECODE_CHUNK]:
            entity = _entity(item, attribute)
            model_class = None if entity is None else by_entity.get(entity)
            if model_class is not None:
                kept.append(decode_item(operation, item, model_class, attribute))
            else:
                decoded = reader.decode(item)
                if decoded is not None:
                    kept.append(decoded)
    return kept


def _entity(item: ItemView, attribute: str) -> str | None:
    """The entity name the item stores, or None (none stored, or not a string)."""
    if type(item) is CompactItem:  # kept in plain form: no wire value to build
        entity = item.plain(attribute)
        return entity if type(entity) is str else None
    tag = item.get(attribute)
    return None if tag is None else tag.get("S")


def _key(item: ItemView, name: str) -> str:
    value = item.get(name, {})
    return str(value.get("S", "?"))
