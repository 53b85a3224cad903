"""query_page: cursor pages that, chained until the cursor is None, give query_by_pk's result.

A page holds at most `page_size` items and is empty only when the whole result is; the
cursor is opaque and URL-safe, None on the last page. A later page starts strictly after
the last sort key returned, as DynamoDB's ExclusiveStartKey does. A garbled cursor, or
one from another partition, condition or direction, is InvalidQueryError.
"""

import base64
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from lvrgd.common.services.kvstore import (
    InvalidQueryError,
    KeyValueStore,
    Page,
    StoreClosedError,
)

from .models import Customer

PK = "customer#1"
NEIGHBOURS = ("customer#10", "customer#", "Customer#1")
PAGE_SIZES = (1, 2, 3, 7, 100)
PARTITION_SIZES = (0, 1, 7, 23)
URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
URL_SAFE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
MAX_PAGES = 30_000
"""More pages than any case here can have: a chain this long never ends."""

CONDITIONS: dict[str, dict[str, Any]] = {
    "no-condition": {},
    "equals": {"equals": "k#03"},
    "begins_with": {"begins_with": "k#0"},
    "between": {"between": ("k#02", "k#15")},
    "lt": {"lt": "k#04"},
    "lte": {"lte": "k#04"},
    "gt": {"gt": "k#04"},
    "gte": {"gte": "k#04"},
}
"""Every sort-key condition, with bounds that cut partitions of PARTITION_SIZES items."""

PUNCTUATED_KEYS = (
    "+",
    "/",
    "=",
    "a b",
    'quote"d',
    "back\\slash",
    "k#00",
    "k?x=1&y=2",
    "é",
    "é😀",
    "€",
    "\uffff",
    "😀",
)
"""Sort keys (in UTF-8 order) that base64, JSON or a URL would give a meaning."""


def _sort_key(index: int) -> str:
    return f"k#{index:02d}"


def _scrambled(values: Sequence[str]) -> list[str]:
    return [*reversed(values[1::2]), *values[::2]]


def _fill(store: KeyValueStore, pk: str, sort_keys: Sequence[str]) -> None:
    for sk in _scrambled(sort_keys):
        store.create(Customer(pk=pk, sk=sk, name=f"name of {sk}"))


def _fill_numbered(store: KeyValueStore, count: int) -> list[str]:
    """Store `count` items in PK, and some in partitions named like it; PK's sort keys."""
    sort_keys = [_sort_key(index) for index in range(count)]
    _fill(store, PK, sort_keys)
    for neighbour in NEIGHBOURS:
        _fill(store, neighbour, [_sort_key(index) for index in range(0, 23, 5)])
    return sort_keys


def _selects(condition: dict[str, Any], sk: str) -> bool:  # noqa: PLR0911 - one per condition
    """Whether `condition` (one of CONDITIONS, ASCII bounds) selects `sk`."""
    if not condition:
        return True
    ((name, value),) = condition.items()
    if name == "equals":
        return bool(sk == value)
    if name == "begins_with":
        return sk.startswith(value)
    if name == "between":
        return bool(value[0] <= sk <= value[1])
    if name == "lt":
        return bool(sk < value)
    if name == "lte":
        return bool(sk <= value)
    if name == "gt":
        return bool(sk > value)
    return bool(sk >= value)


def _chain(
    store: KeyValueStore, pk: str, *, page_size: int, cursor: str | None = None, **query: Any
) -> list[Page[Customer]]:
    """Every page of the query from `cursor` on, following cursors until one is None."""
    pages = [store.query_page(pk, Customer, page_size=page_size, cursor=cursor, **query)]
    while pages[-1].cursor is not None:
        assert len(pages) < MAX_PAGES, "the cursors never end"
        cursor = pages[-1].cursor
        pages.append(store.query_page(pk, Customer, page_size=page_size, cursor=cursor, **query))
    return pages


def _items(pages: Sequence[Page[Customer]]) -> list[Customer]:
    return [item for page in pages for item in page.items]


def _sks(items: Sequence[Customer]) -> list[str]:
    return [item.sk for item in items]


def _page_problems(pages: Sequence[Page[Customer]], page_size: int) -> list[str]:
    """What is wrong with the shape of a chain of pages (nothing, for a good chain)."""
    problems = []
    whole_result_empty = not _items(pages)
    for number, page in enumerate(pages):
        last = number == len(pages) - 1
        if len(page.items) > page_size:
            problems.append(f"page {number} holds {len(page.items)} items")
        if not page.items and not whole_result_empty:
            problems.append(f"page {number} is empty, the result is not")
        if last and page.cursor is not None:
            problems.append(f"the last page {number} has a cursor")
        if page.cursor is not None and not URL_SAFE.fullmatch(page.cursor):
            problems.append(f"page {number}'s cursor {page.cursor!r} is not URL-safe")
    return problems


def _first_cursor(store: KeyValueStore, **query: Any) -> str:
    """A valid cursor: the one after the first page of 3 over 10 items of PK."""
    _fill(store, PK, [_sort_key(index) for index in range(10)])
    cursor = store.query_page(PK, Customer, page_size=3, **query).cursor
    assert cursor is not None
    return cursor


def _flip_one_character(cursor: str, index: int) -> str:
    """`cursor` with the character at `index` changed (its top base64 bit flipped)."""
    position = URL_SAFE_ALPHABET.index(cursor[index])
    changed = URL_SAFE_ALPHABET[(position + 32) % len(URL_SAFE_ALPHABET)]
    return cursor[:index] + changed + cursor[index + 1 :]


def _refused(store: KeyValueStore, cursor: str) -> bool:
    try:
        store.query_page(PK, Customer, page_size=3, cursor=cursor)
    except InvalidQueryError:
        return True
    return False


# --- chained pages ------------------------------------------------------------------------


def _fill_partitions_of_every_size(store: KeyValueStore) -> dict[str, list[str]]:
    """A partition of each size of PARTITION_SIZES, among neighbours; their sort keys."""
    partitions = {
        f"customer#{size}": [_sort_key(n) for n in range(size)] for size in PARTITION_SIZES
    }
    for pk, sort_keys in partitions.items():
        _fill(store, pk, sort_keys)
    for neighbour in ("customer#", "customer#2", "customer#70", "Customer#1"):
        _fill(store, neighbour, [_sort_key(n) for n in range(0, 23, 5)])
    return partitions


def _every_chain(
    store: KeyValueStore, condition: str
) -> Iterator[tuple[str, list[str], bool, int, list[Page[Customer]]]]:
    """The chained pages of `condition`'s query over each partition, direction and page size.

    Yields:
        (pk, the partition's sort keys, descending, page size, the pages).
    """
    partitions = _fill_partitions_of_every_size(store)
    for pk, sort_keys in partitions.items():
        for descending in (False, True):
            for page_size in PAGE_SIZES:
                query = CONDITIONS[condition]
                pages = _chain(store, pk, page_size=page_size, descending=descending, **query)
                yield pk, sort_keys, descending, page_size, pages


@pytest.mark.parametrize("condition", CONDITIONS)
def test_query_page_chained_pages_equal_query_by_pk_for_every_size_and_direction(
    store: KeyValueStore, condition: str
) -> None:
    query = CONDITIONS[condition]
    for pk, sort_keys, descending, page_size, pages in _every_chain(store, condition):
        expected = store.query_by_pk(pk, Customer, descending=descending, **query)
        selected = sorted((sk for sk in sort_keys if _selects(query, sk)), reverse=descending)

        assert _sks(expected) == selected, (pk, descending)
        assert _items(pages) == expected, (pk, page_size, descending)


@pytest.mark.parametrize("condition", CONDITIONS)
def test_query_page_pages_are_bounded_non_empty_and_end_with_no_cursor(
    store: KeyValueStore, condition: str
) -> None:
    for pk, _, descending, page_size, pages in _every_chain(store, condition):
        assert _page_problems(pages, page_size) == [], (pk, page_size, descending)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize(("size", "page_size"), [(6, 3), (6, 1), (6, 6), (8, 4), (4, 2)])
def test_query_page_result_a_multiple_of_page_size_ends_with_a_full_page_and_no_cursor(
    store: KeyValueStore, size: int, page_size: int, *, descending: bool
) -> None:
    _fill_numbered(store, size)

    pages = _chain(store, PK, page_size=page_size, descending=descending)

    assert [len(page.items) for page in pages] == [page_size] * (size // page_size)
    assert [page.cursor is None for page in pages] == [False] * (len(pages) - 1) + [True]


def test_query_page_empty_partition_gives_one_empty_page_with_no_cursor(
    store: KeyValueStore,
) -> None:
    _fill(store, "customer#10", ["a", "b"])

    page = store.query_page(PK, Customer)

    assert (page.items, page.cursor) == ([], None)


def test_query_page_default_page_size_is_100(store: KeyValueStore) -> None:
    _fill(store, PK, [f"k#{index:03d}" for index in range(101)])

    first = store.query_page(PK, Customer)
    second = store.query_page(PK, Customer, cursor=first.cursor)

    assert (len(first.items), len(second.items)) == (100, 1)
    assert second.cursor is None


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_query_page_sort_keys_with_punctuation_and_non_ascii_chain_with_url_safe_cursors(
    store: KeyValueStore, page_size: int, *, descending: bool
) -> None:
    _fill(store, PK, PUNCTUATED_KEYS)

    pages = _chain(store, PK, page_size=page_size, descending=descending)

    assert _items(pages) == store.query_by_pk(PK, Customer, descending=descending)
    assert _page_problems(pages, page_size) == []


def test_query_page_longest_sort_key_resumes_from_its_cursor(store: KeyValueStore) -> None:
    longest = ("é" * 511 + "a", "é" * 511 + "b", "é" * 512)  # 1,023 and 1,024 bytes
    _fill(store, PK, longest)

    pages = _chain(store, PK, page_size=1)

    assert _sks(_items(pages)) == list(longest)
    assert _page_problems(pages, 1) == []


def test_query_page_next_page_may_use_another_page_size(store: KeyValueStore) -> None:
    sort_keys = _fill_numbered(store, 10)

    first = store.query_page(PK, Customer, page_size=2)
    second = store.query_page(PK, Customer, page_size=5, cursor=first.cursor)
    third = store.query_page(PK, Customer, page_size=50, cursor=second.cursor)

    assert [_sks(page.items) for page in (first, second, third)] == [
        sort_keys[:2],
        sort_keys[2:7],
        sort_keys[7:],
    ]
    assert third.cursor is None


def test_query_page_same_cursor_twice_returns_the_same_page(store: KeyValueStore) -> None:
    _fill_numbered(store, 10)
    cursor = store.query_page(PK, Customer, page_size=3).cursor

    again = store.query_page(PK, Customer, page_size=3, cursor=cursor)

    assert store.query_page(PK, Customer, page_size=3, cursor=cursor) == again


# --- writes between pages -----------------------------------------------------------------


def test_query_page_item_created_before_the_cursor_is_not_returned_after_it_is(
    store: KeyValueStore,
) -> None:
    _fill_numbered(store, 6)
    first = store.query_page(PK, Customer, page_size=3)
    for sk in ("k#01a", "k#02a", "k#04a", "a", "z"):
        store.create(Customer(pk=PK, sk=sk, name="late"))

    rest = _chain(store, PK, page_size=3, cursor=first.cursor)

    assert _sks(first.items) == ["k#00", "k#01", "k#02"]
    assert _sks(_items(rest)) == ["k#02a", "k#03", "k#04", "k#04a", "k#05", "z"]


def test_query_page_descending_item_created_before_the_cursor_is_not_returned_after_it_is(
    store: KeyValueStore,
) -> None:
    _fill_numbered(store, 6)
    first = store.query_page(PK, Customer, page_size=3, descending=True)
    for sk in ("k#04a", "k#02a", "k#01a", "a", "z"):
        store.create(Customer(pk=PK, sk=sk, name="late"))

    rest = _chain(store, PK, page_size=3, cursor=first.cursor, descending=True)

    assert _sks(first.items) == ["k#05", "k#04", "k#03"]
    assert _sks(_items(rest)) == ["k#02a", "k#02", "k#01a", "k#01", "k#00", "a"]


def test_query_page_last_returned_item_deleted_between_pages_resumes_after_it(
    store: KeyValueStore,
) -> None:
    _fill_numbered(store, 6)
    first = store.query_page(PK, Customer, page_size=3)
    store.delete(PK, "k#02")

    rest = _chain(store, PK, page_size=3, cursor=first.cursor)

    assert _sks(_items(rest)) == ["k#03", "k#04", "k#05"]


def test_query_page_item_deleted_or_changed_after_the_cursor_shows_on_the_next_page(
    store: KeyValueStore,
) -> None:
    _fill_numbered(store, 6)
    first = store.query_page(PK, Customer, page_size=3)
    store.delete(PK, "k#03")
    store.update(Customer(pk=PK, sk="k#04", name="renamed"))

    rest = _items(_chain(store, PK, page_size=3, cursor=first.cursor))

    assert [(item.sk, item.name) for item in rest] == [
        ("k#04", "renamed"),
        ("k#05", "name of k#05"),
    ]


def test_query_page_every_item_deleted_after_the_cursor_gives_an_empty_last_page(
    store: KeyValueStore,
) -> None:
    _fill_numbered(store, 4)
    first = store.query_page(PK, Customer, page_size=2)
    for sk in ("k#02", "k#03"):
        store.delete(PK, sk)

    page = store.query_page(PK, Customer, page_size=2, cursor=first.cursor)

    assert (page.items, page.cursor) == ([], None)


# --- refused cursors and sizes ------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "not a cursor",
        "",
        "AAAA",
        "e30",
        "bnVsbA",
        "eyJ2IjoxfQ",
        "x" * 4096,
        "é",
        "😀",
        "caf\u00e9",
    ],
    ids=[
        "text",
        "text-with-spaces",
        "empty",
        "zero-bytes",
        "base64-of-empty-object",
        "base64-of-null",
        "base64-of-partial-document",
        "long-text",
        "non-ascii",
        "emoji",
        "non-ascii-word",
    ],
)
def test_query_page_garbled_cursor_raises_invalid_query(store: KeyValueStore, cursor: str) -> None:
    _fill_numbered(store, 10)

    with pytest.raises(InvalidQueryError):
        store.query_page(PK, Customer, page_size=3, cursor=cursor)


GARBLINGS: dict[str, Callable[[str], str]] = {
    "truncated-by-one": lambda cursor: cursor[:-1],
    "truncated-by-two": lambda cursor: cursor[:-2],
    "truncated-by-half": lambda cursor: cursor[: len(cursor) // 2],
    "first-character-only": lambda cursor: cursor[:1],
    "character-appended": lambda cursor: cursor + "A",
    "two-characters-appended": lambda cursor: cursor + "AA",
    "cut-from-the-front": lambda cursor: cursor[4:],
    "non-ascii-inserted": lambda cursor: cursor[:5] + "é" + cursor[5:],
    "last-character-non-ascii": lambda cursor: cursor[:-1] + "é",
    "doubled": lambda cursor: cursor + cursor,
}


@pytest.mark.parametrize("garble", GARBLINGS.values(), ids=GARBLINGS.keys())
def test_query_page_garbled_valid_cursor_raises_invalid_query(
    store: KeyValueStore, garble: Callable[[str], str]
) -> None:
    cursor = _first_cursor(store)

    with pytest.raises(InvalidQueryError):
        store.query_page(PK, Customer, page_size=3, cursor=garble(cursor))


def test_query_page_valid_cursor_with_any_one_character_changed_raises_invalid_query(
    store: KeyValueStore,
) -> None:
    cursor = _first_cursor(store)

    accepted = [
        index
        for index in range(len(cursor))
        if not _refused(store, _flip_one_character(cursor, index))
    ]

    assert accepted == [], f"changed at these positions, {cursor!r} was still accepted"


def test_query_page_cursor_decoding_to_deeply_nested_json_raises_invalid_query(
    store: KeyValueStore,
) -> None:
    _fill_numbered(store, 4)
    hostile = base64.urlsafe_b64encode(b"[" * 100_000).decode("ascii").rstrip("=")

    with pytest.raises(InvalidQueryError):
        store.query_page(PK, Customer, page_size=3, cursor=hostile)


def test_query_page_cursor_of_another_partition_raises_invalid_query(store: KeyValueStore) -> None:
    cursor = _first_cursor(store)
    _fill(store, "customer#2", [_sort_key(index) for index in range(10)])

    with pytest.raises(InvalidQueryError):
        store.query_page("customer#2", Customer, page_size=3, cursor=cursor)


@pytest.mark.parametrize(
    ("issued_for", "used_for"),
    [
        ({}, {"gte": "k#00"}),
        ({"gte": "k#00"}, {}),
        ({"begins_with": "k#0"}, {"begins_with": "k#"}),
        ({"gt": "k#01"}, {"gte": "k#01"}),
        ({"gte": "k#01"}, {"gt": "k#01"}),
        ({"lt": "k#09"}, {"lte": "k#09"}),
        ({"between": ("k#00", "k#08")}, {"between": ("k#00", "k#09")}),
        ({"between": ("k#00", "k#08")}, {"gte": "k#00"}),
        ({"gte": "k#00"}, {"between": ("k#00", "k#08")}),
    ],
    ids=[
        "none-then-gte",
        "gte-then-none",
        "other-prefix",
        "gt-then-gte",
        "gte-then-gt",
        "lt-then-lte",
        "other-between-bound",
        "between-then-gte",
        "gte-then-between",
    ],
)
def test_query_page_cursor_of_another_condition_raises_invalid_query(
    store: KeyValueStore, issued_for: dict[str, Any], used_for: dict[str, Any]
) -> None:
    cursor = _first_cursor(store, **issued_for)

    with pytest.raises(InvalidQueryError):
        store.query_page(PK, Customer, page_size=3, cursor=cursor, **used_for)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_query_page_cursor_of_the_other_direction_raises_invalid_query(
    store: KeyValueStore, *, descending: bool
) -> None:
    cursor = _first_cursor(store, descending=descending)

    with pytest.raises(InvalidQueryError):
        store.query_page(PK, Customer, page_size=3, cursor=cursor, descending=not descending)


@pytest.mark.parametrize("page_size", [0, -1])
def test_query_page_page_size_below_1_raises_invalid_query(
    store: KeyValueStore, page_size: int
) -> None:
    _fill_numbered(store, 3)

    with pytest.raises(InvalidQueryError):
        store.query_page(PK, Customer, page_size=page_size)


@pytest.mark.parametrize(
    "arguments",
    [
        {"equals": "a", "begins_with": "a"},
        {"gt": "a", "lt": "b"},
        {"between": ("b", "a")},
    ],
    ids=["two-conditions", "range-as-two-conditions", "between-bounds-reversed"],
)
def test_query_page_query_arguments_query_by_pk_refuses_raise_invalid_query(
    store: KeyValueStore, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_page(PK, Customer, **arguments)


@pytest.mark.parametrize("pk", ["", "p" * 2049], ids=["empty", "2049-bytes"])
def test_query_page_partition_key_beyond_the_limits_raises_invalid_query(
    store: KeyValueStore, pk: str
) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_page(pk, Customer)


def test_query_page_after_close_raises_store_closed(store: KeyValueStore) -> None:
    store.close()

    with pytest.raises(StoreClosedError):
        store.query_page(PK, Customer)


# --- a large partition --------------------------------------------------------------------

LARGE = 10_000


def _fill_large(store: KeyValueStore) -> list[Customer]:
    customers = [Customer(pk=PK, sk=f"k#{index:05d}", name=f"n{index}") for index in range(LARGE)]
    store.put_many(customers)
    return customers


def test_query_page_10000_items_read_in_pages_of_1000(store: KeyValueStore) -> None:
    customers = _fill_large(store)

    pages = _chain(store, PK, page_size=1000)

    assert [len(page.items) for page in pages] == [1000] * 10
    assert _items(pages) == customers
