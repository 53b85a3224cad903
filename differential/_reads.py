"""The state machine's reads, as values run identically on both stores, and what they met.

A read names one class, a union or a tuple of classes, and maybe ``on_other``
(`ReadAs`). Each read is a call object: `run` is the call compared on both stores;
`coverage` says, from the in-memory store alone, what the read met in an item
collection (several entity types in what it reads, items skipped, a raise, pages),
so that the run's summary shows the machine reaching mixed partitions, not only
that no call disagreed.

A query or page read whose arguments name an ``index`` reads that index; what it
reaches is the index partition, read whole (hydrated). How such a read is compared is
`differential._index_reads`' business.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from differential._models import WHOLE_PARTITION, Everything
from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem, KeyValueStoreError

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore import KeyValueStore, Page

Key = tuple[str, str]
C = TypeVar("C", bound="ReadCall")


@dataclass(frozen=True)
class ReadAs:
    """What a read names: one class, a union or a tuple of classes; and its ``on_other``.

    Attributes:
        model_class: As the read's ``model_class`` argument.
        on_other: ``"skip"``, ``"raise"`` or (rarely) a value the port refuses; None
            leaves the argument out, for the default.
    """

    model_class: object
    on_other: str | None = None

    def keywords(self) -> dict[str, Any]:
        """The ``on_other`` keyword, if given."""
        return {} if self.on_other is None else {"on_other": self.on_other}

    def __str__(self) -> str:
        """The arguments as code."""
        shown = _class_text(self.model_class)
        return shown if self.on_other is None else f"{shown}, on_other={self.on_other!r}"


EVERY_ENTITY = ReadAs(KeyValueItem)
"""KeyValueItem itself reads an item of any entity (as a key only): what a read reaches."""


def _class_text(model_class: object) -> str:
    if isinstance(model_class, tuple):
        return "(" + ", ".join(_class_text(member) for member in model_class) + ",)"
    if isinstance(model_class, type):
        return model_class.__name__
    return " | ".join(_class_text(member) for member in getattr(model_class, "__args__", ()))


def _any(store: KeyValueStore) -> Any:
    """`store`, its reads' `model_class` typed as Any: a union built at run time is not a type."""
    return store


class ReadCall(Protocol):
    """A read the machine runs on both stores."""

    @property
    def read(self) -> ReadAs:
        """The classes the read names, and its ``on_other``."""
        ...

    def run(self, store: KeyValueStore) -> object:
        """The call, on `store`."""
        ...

    def found(self, result: Any) -> list[KeyValueItem]:
        """The items in what `run` returned, in order."""
        ...

    def reached(self, store: KeyValueStore) -> list[KeyValueItem]:
        """Every item the read could return, each read whole (its partitions or keys)."""
        ...


@dataclass(frozen=True)
class GetOneCall:
    """One get_one call."""

    key: Key
    read: ReadAs

    def run(self, store: KeyValueStore) -> KeyValueItem | None:
        """Call get_one on `store`."""
        found: KeyValueItem | None = _any(store).get_one(
            *self.key, self.read.model_class, **self.read.keywords()
        )
        return found

    def found(self, result: Any) -> list[KeyValueItem]:
        """The item, if any."""
        return [] if result is None else [result]

    def reached(self, store: KeyValueStore) -> list[KeyValueItem]:
        """The key's partition, whole: whether the item is one of several types there."""
        return _whole_partition(store, self.key[0])

    def __str__(self) -> str:
        """The call as code."""
        return f"get_one({_short(self.key[0])}, {_short(self.key[1])}, {self.read})"


@dataclass(frozen=True)
class GetManyCall:
    """One get_many call."""

    keys: tuple[Key, ...]
    read: ReadAs

    def run(self, store: KeyValueStore) -> list[KeyValueItem]:
        """Call get_many on `store`."""
        found: list[KeyValueItem] = _any(store).get_many(
            list(self.keys), self.read.model_class, **self.read.keywords()
        )
        return found

    def found(self, result: Any) -> list[KeyValueItem]:
        """The items."""
        return list(result)

    def reached(self, store: KeyValueStore) -> list[KeyValueItem]:
        """The items at the keys, whole."""
        return _whole_items(store, list(self.keys))

    def __str__(self) -> str:
        """The call as code."""
        return f"get_many({_short(list(self.keys))}, {self.read})"


@dataclass(frozen=True)
class QueryCall:
    """One query_by_pk call."""

    pk: str
    read: ReadAs
    arguments: tuple[tuple[str, Any], ...]

    def run(self, store: KeyValueStore) -> list[KeyValueItem]:
        """Call query_by_pk on `store`."""
        found: list[KeyValueItem] = _any(store).query_by_pk(
            self.pk, self.read.model_class, **dict(self.arguments), **self.read.keywords()
        )
        return list(found)

    def found(self, result: Any) -> list[KeyValueItem]:
        """The items."""
        return list(result)

    def reached(self, store: KeyValueStore) -> list[KeyValueItem]:
        """The partition (of the table, or of the index read), whole."""
        return _whole_partition(store, self.pk, self.arguments)

    def __str__(self) -> str:
        """The call as code."""
        shown = "".join(f", {name}={_short(value)}" for name, value in self.arguments)
        return f"query_by_pk({_short(self.pk)}, {self.read}{shown})"


MAX_PAGES = 40
"""More pages than any partition the machine writes can fill at one item a page."""
MAX_INDEX_PAGES = 400
"""More pages than any index partition the machine fills (one may gather many partitions)."""
Pages = list[tuple[list[KeyValueItem], str | None]]


@dataclass(frozen=True)
class PageCall:
    """query_page followed from the first page to the last.

    Each store follows its own cursors; the pages (items and cursor) are compared whole.
    """

    pk: str
    read: ReadAs
    arguments: tuple[tuple[str, Any], ...]
    page_size: int
    max_pages: int = MAX_PAGES

    def run(self, store: KeyValueStore) -> Pages:
        """Call query_page on `store` until a page has no cursor (or `max_pages` pages)."""
        pages: Pages = []
        cursor: str | None = None
        for _ in range(self.max_pages):
            page: Page[KeyValueItem] = _any(store).query_page(
                self.pk,
                self.read.model_class,
                page_size=self.page_size,
                cursor=cursor,
                **dict(self.arguments),
                **self.read.keywords(),
            )
            pages.append((list(page.items), page.cursor))
            cursor = page.cursor
            if cursor is None:
                break
        return pages

    def found(self, result: Any) -> list[KeyValueItem]:
        """The items of every page, in order."""
        return [item for items, _ in cast("Pages", result) for item in items]

    def reached(self, store: KeyValueStore) -> list[KeyValueItem]:
        """The partition (of the table, or of the index read), whole."""
        return _whole_partition(store, self.pk, self.arguments)

    def __str__(self) -> str:
        """The call as code."""
        shown = "".join(f", {name}={_short(value)}" for name, value in self.arguments)
        return (
            f"query_page({_short(self.pk)}, {self.read}{shown}, page_size={self.page_size}), "
            "every page"
        )


def whole_partition_read(pk: str) -> QueryCall:
    """A whole partition, every item with all it stores; an entity never written raises."""
    return QueryCall(pk, ReadAs(WHOLE_PARTITION, "raise"), ())


def _whole_partition(
    store: KeyValueStore, pk: str, arguments: tuple[tuple[str, Any], ...] = ()
) -> list[KeyValueItem]:
    """A partition read whole; of the index `arguments` name, if any, its items hydrated."""
    index = dict(arguments).get("index")
    read = whole_partition_read(pk)
    if index is not None:
        read = replace(read, arguments=(("index", index), ("hydrate", True)))
    try:
        return read.run(store)
    except KeyValueStoreError:
        return []


def _whole_items(store: KeyValueStore, keys: list[Key]) -> list[KeyValueItem]:
    try:
        found: list[KeyValueItem] = _any(store).get_many(keys, WHOLE_PARTITION, on_other="raise")
    except KeyValueStoreError:
        return []
    return found


def coverage(memory: KeyValueStore, call: ReadCall) -> list[str]:
    """What `call` met on the in-memory store, where it reads items of several entity types.

    Nothing, unless what it reaches holds two entity types or more (an item stored
    without an entity name counts as a type of its own); then ``mixed``, and:
    ``several classes`` (it returned items of two classes or more), ``skipped`` (it
    returned other keys than the same read as KeyValueItem, which skips nothing),
    ``raised`` (with ``on_other="raise"``, InvalidItemError where KeyValueItem reads),
    ``limit`` or ``pages`` (it skipped under a limit, or over several pages).
    """
    kinds = {type(item) for item in call.reached(memory)}
    if len(kinds) < 2:  # noqa: PLR2004 - two types make a mixed read
        return []
    labels = ["mixed", *(["no-entity items"] if Everything in kinds else [])]
    try:
        every = call.found(_reading(call, EVERY_ENTITY).run(memory))
        result = call.run(memory)
    except InvalidItemError:
        return [*labels, *(["raised"] if call.read.on_other == "raise" else [])]
    except KeyValueStoreError:
        return labels
    found = call.found(result)
    if len({type(item) for item in found}) > 1:
        labels.append("several classes")
    if [(i.pk, i.sk) for i in found] != [(i.pk, i.sk) for i in every]:
        labels += ["skipped", *_skipped_where(call, result)]
    return labels


def _skipped_where(call: ReadCall, result: object) -> list[str]:
    if isinstance(call, QueryCall) and dict(call.arguments).get("limit") is not None:
        return ["limit"]
    if isinstance(call, PageCall) and len(cast("Pages", result)) > 1:
        return ["pages"]
    return []


def _reading(call: C, read: ReadAs) -> C:
    return cast("C", replace(cast("Any", call), read=read))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}...({len(text)} chars)"  # noqa: PLR2004
