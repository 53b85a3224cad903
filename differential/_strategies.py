"""What the state machine generates: the inputs that break stores.

Keys in multi-byte UTF-8 and beyond the BMP, at and past their byte limits, with
characters that share leading UTF-8 bytes (so a prefix can stop inside another
character's bytes) and characters whose UTF-8 and UTF-16 orders differ; numbers at
38 digits and at the ends of DynamoDB's range, negative zero, trailing zeros, floats;
empty strings, empty and mixed sets, maps nested near 32 levels, items near 400 KB.

And item collections: several entity types (and a view) written into the same few
partitions, some items stored as before entity names (none stored), and reads that
name one class, a union or a tuple of classes, with ``on_other`` skipping or raising,
under ``limit`` or in pages.

And index keys: the small models' index key fields are drawn from small alphabets
(few partitions, few sort keys, so that items share them), None a third of the time
(the item leaves or stays out of the index), and now and then one both stores refuse
before sending (empty, past its byte limit, a number as Payload's band). The index
reads are drawn in `differential._index_strategies`.
"""

from __future__ import annotations

import functools
import operator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from hypothesis import strategies as st

from differential._models import (
    BIG_MODELS,
    COLLECTION_READERS,
    READERS,
    WIDE_FIELDS,
    BigBinary,
    BigText,
    Measure,
    Note,
    NoteView,
    Payload,
    Wide,
)
from differential._reads import PageCall, QueryCall, ReadAs
from lvrgd.common.services.kvstore import (
    DEFAULT_ENTITY_ATTRIBUTE,
    MAX_ITEM_BYTES,
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
    InvalidItemError,
    KeyValueItem,
    entity_name,
)
from lvrgd.common.services.kvstore._attributes import encode_item
from lvrgd.common.services.kvstore._limits import item_size

if TYPE_CHECKING:
    from collections.abc import Callable

    from differential._steering import Steering
    from lvrgd.common.services.kvstore import KeyValueStore
    from lvrgd.common.services.kvstore._base import KeyValueStoreBase

SearchStrategy = st.SearchStrategy
T = TypeVar("T")

KEY_CHARS = (
    "a", "b", "z", "0", "#", "\x00", "\x01", "\x7f",
    "\x80", "é", "ê", "ÿ", "Ā",  # 2 bytes; é (C3 A9) and ê (C3 AA) share their first byte
    "€", "₭", "\ud7ff", "\ue000", "\uffff",  # 3 bytes; € (E2 82 AC) and ₭ (E2 82 AD) share two
    "\U00010000", "😀", "😁", "\U0010ffff",  # 4 bytes; UTF-16 puts these before \ue000
)  # fmt: skip
"""Characters of keys: UTF-8 byte order differs from UTF-16 order across \\ue000-\\U00010000."""
MULTI_BYTE = tuple(c for c in KEY_CHARS if len(c.encode("utf-8")) > 1)
LONE_SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff")
"""Not valid Unicode: no UTF-8 form, so no store may hold them."""
PARTITIONS = ("p", "q", "é", "😀", "\x00")
"""Few partitions, so that models share them."""
BIG_PARTITIONS = ("big#1", "big#é")

DECIMAL_EDGES = tuple(
    Decimal(text)
    for text in (
        "0", "-0", "0E-10", "-0.000", "1.50", "100", "1E+2", "1.000", "0.1", "-1.5E-7",
        "9.9999999999999999999999999999999999999E+125",
        "-9.9999999999999999999999999999999999999E+125",
        "1E+125", "1E+126", "-1E+126", "1E-130", "-1E-130", "1E-131", "9.99E-131",
        "12345678901234567890123456789012345678",
        "123456789012345678901234567890123456789",
        "1234567890123456789012345678901234567.80",
        "0.1000000000000000055511151231257827021181583404541015625",
    )
)  # fmt: skip
INT_EDGES = (0, -1, 10**38 - 1, -(10**38 - 1), 10**38, 10**39 - 1, 10**125, 10**126, 2**63)
FLOAT_EDGES = (
    -0.0, 0.1, 1e-130, 1e-131, 5e-324, 1e125, 9.999999999999999e125, 1e126,
    1.7976931348623157e308, float("nan"), float("inf"), float("-inf"),
)  # fmt: skip


def utf8_len(text: str) -> int:
    """Bytes of `text` in UTF-8 (surrogates count as 3, as they would if allowed)."""
    return len(text.encode("utf-8", errors="surrogatepass"))


@st.composite
def near_limit_text(draw: st.DrawFn, limit: int, chars: tuple[str, ...] = KEY_CHARS) -> str:
    """Text of `limit` - 3 to `limit` + 2 UTF-8 bytes, ending in a character that may straddle."""
    target = draw(st.integers(limit - 3, limit + 2))
    unit, tail = draw(st.sampled_from(chars)), draw(st.sampled_from(chars))
    room = target - utf8_len(tail)
    count = room // utf8_len(unit)
    return unit * count + "a" * (room - count * utf8_len(unit)) + tail


def _mostly(
    usual: SearchStrategy[T], *rare: SearchStrategy[T], weight: int = 6
) -> SearchStrategy[T]:
    """`usual` about `weight` times as often as each of `rare`.

    ``st.one_of`` drops repeated branches, so the weight is a choice among copies.
    """
    return st.sampled_from([usual] * weight + list(rare)).flatmap(lambda chosen: chosen)


def sort_keys() -> SearchStrategy[str]:
    """Sort keys: mostly short ones of `KEY_CHARS`, some at the byte limit, some invalid."""
    short = st.text(st.sampled_from(KEY_CHARS), min_size=1, max_size=4)
    invalid = st.sampled_from(("", *LONE_SURROGATES, "a" + LONE_SURROGATES[0]))
    return _mostly(short, near_limit_text(MAX_SORT_KEY_BYTES), invalid, weight=8)


def partition_keys(steering: Steering | None = None) -> SearchStrategy[str]:
    """Partition keys: a few shared ones, some at the byte limit, some invalid.

    Where `steering` keeps partition keys within an index sort key's limit (the
    inverted index sorts by `pk`), a near-limit one has at most 1,024 bytes, or is past
    2,048 (refused alike as a table key).
    """
    shared = st.sampled_from(PARTITIONS)
    near = near_limit_text(MAX_PARTITION_KEY_BYTES)
    if steering is not None and steering.pk_within_index_sort_key:
        near = st.one_of(
            near_limit_text(MAX_SORT_KEY_BYTES).filter(
                lambda pk: utf8_len(pk) <= MAX_SORT_KEY_BYTES
            ),
            near.filter(lambda pk: utf8_len(pk) > MAX_PARTITION_KEY_BYTES),
        )
    return _mostly(shared, near, st.sampled_from(("", LONE_SURROGATES[1])), weight=12)


def keys(steering: Steering | None = None) -> SearchStrategy[tuple[str, str]]:
    """(pk, sk) pairs for the machine's key bundle."""
    return st.tuples(partition_keys(steering), sort_keys())


def texts() -> SearchStrategy[str]:
    """Attribute text: empty, multi-byte, beyond the BMP, now and then invalid."""
    chars = st.one_of(st.sampled_from(KEY_CHARS), st.characters())
    invalid = st.text(st.sampled_from(KEY_CHARS + LONE_SURROGATES), min_size=1, max_size=3)
    return _mostly(st.text(chars, max_size=6), st.just(""), invalid, weight=12)


def decimals() -> SearchStrategy[Decimal]:
    """Decimals: the edges of DynamoDB's range and precision, and random ones near them."""

    def built(digits: int, exponents: tuple[int, int]) -> SearchStrategy[Decimal]:
        return st.builds(
            lambda sign, figures, exponent: Decimal((sign, tuple(figures), exponent)),
            st.integers(0, 1),
            st.lists(st.integers(0, 9), min_size=1, max_size=digits),
            st.integers(*exponents),
        )

    usual = st.one_of(built(20, (-60, 40)), st.decimals(-(10**9), 10**9, places=4))
    return _mostly(usual, st.sampled_from(DECIMAL_EDGES), built(40, (-172, 128)), weight=8)


def integers() -> SearchStrategy[int]:
    """Integers, small and at the edges of 38 digits and of the range."""
    return _mostly(st.integers(-(10**15), 10**15), st.integers(), st.sampled_from(INT_EDGES))


def floats() -> SearchStrategy[float]:
    """Floats, including negative zero, subnormals, the range's ends, NaN and infinities."""
    usual = st.floats(-1e100, 1e100).filter(lambda f: f == 0 or abs(f) > 1e-100)  # noqa: PLR2004
    return _mostly(usual, st.floats(), st.sampled_from(FLOAT_EDGES), weight=8)


def _leaf() -> SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        texts(),
        st.integers(-(10**6), 10**6),
        decimals(),
        st.binary(max_size=6),
        st.sets(texts(), max_size=2),
        st.frozensets(st.integers(-3, 3), max_size=2),
        st.sets(st.one_of(st.integers(0, 2), st.just("x")), min_size=2, max_size=2),  # may mix
    )


def map_keys(steering: Steering) -> SearchStrategy[str]:
    """Keys of maps: any text, the empty one included where the engine copes with it."""
    return texts() if steering.empty_map_keys else texts().filter(bool)


def documents(steering: Steering) -> SearchStrategy[Any]:
    """JSON-like documents: maps with empty strings, lists, sets, and deep chains."""
    keys_of_maps = map_keys(steering)
    shallow = st.recursive(
        _leaf(),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(keys_of_maps, children, max_size=3)
        ),
        max_leaves=8,
    )
    return _mostly(shallow, deep_chains(), weight=8)


_INNERMOST: tuple[Callable[[], Any], ...] = (
    lambda: "leaf",
    lambda: "",
    lambda: None,
    lambda: 0,
    dict,
    list,
)


@st.composite
def deep_chains(draw: st.DrawFn) -> Any:
    """A chain of 26 to 32 maps and lists nested in one another, in a ``{"top": ...}`` map.

    The item is level 1 and the attribute holding the document (a map or a list) level
    2, so the wrapper is level 3 and a chain of 29 containers reaches DynamoDB's 32
    levels; 30 go past it. The innermost value is a scalar or an empty container.
    """
    value: Any = draw(st.sampled_from(_INNERMOST))()
    for _ in range(draw(st.integers(26, 32)) - 1):
        value = {"k": value} if draw(st.booleans()) else [value]
    return {"top": value}


GPK_VALUES = ("g1", "g2", "é")
"""Partition keys of ``by_g``: few, so that items of several partitions share them."""
IPK_VALUES = ("i1", "i2")
"""Partition keys of ``by_inc``."""
BANDS = ("band#0", "band#1", "band#2")
"""Partition keys of ``by_band``: Measure computes its band from `size`; Payload's is set."""
INDEX_SORT_KEYS = ("a", "a#1", "b", "é", "😀")
"""Index sort keys (``gsk``, ``lsk``): few, so that items share them; shared prefixes, and
UTF-8 orders beyond the BMP (short keys of `KEY_CHARS` now and then add others)."""


@functools.cache
def index_keys(
    values: tuple[str, ...], limit: int, *, valid: bool = False
) -> SearchStrategy[str | None]:
    """An index key: None a third of the time (out of the index), mostly one of `values`.

    Now and then another short key; unless `valid`, rarely one DynamoDB refuses (the
    empty string) or one at or just past the byte `limit`, which both stores refuse
    alike, before sending, when it is past.
    """
    short = st.text(st.sampled_from(KEY_CHARS), min_size=1, max_size=3)
    present = _mostly(st.sampled_from(values), short, weight=8)
    usual = _mostly(present, st.none(), weight=2)
    if valid:
        return usual
    return _mostly(usual, st.just("") | near_limit_text(limit), weight=40)


@functools.cache
def note_index_keys(*, valid: bool = False) -> dict[str, SearchStrategy[Any]]:
    """A Note's index keys: ``by_g`` (gpk, gsk), ``by_inc`` (ipk, gsk), ``by_l`` (lsk)."""
    return {
        "gpk": index_keys(GPK_VALUES, MAX_PARTITION_KEY_BYTES, valid=valid),
        "gsk": index_keys(INDEX_SORT_KEYS, MAX_SORT_KEY_BYTES, valid=valid),
        "ipk": index_keys(IPK_VALUES, MAX_PARTITION_KEY_BYTES, valid=valid),
        "lsk": index_keys(INDEX_SORT_KEYS, MAX_SORT_KEY_BYTES, valid=valid),
    }


@functools.cache
def measure_index_keys(*, valid: bool = False) -> dict[str, SearchStrategy[Any]]:
    """A Measure's index keys: ``by_g`` and ``by_inc`` (its band is computed from `size`)."""
    return {
        name: strategy
        for name, strategy in note_index_keys(valid=valid).items()
        if name in ("gpk", "gsk", "ipk")
    }


@functools.cache
def payload_index_keys(*, valid: bool = False) -> dict[str, SearchStrategy[Any]]:
    """A Payload's index keys: ``by_band`` (now and then a number: refused) and ``by_l``."""
    band: SearchStrategy[str | int | None] = index_keys(BANDS, MAX_PARTITION_KEY_BYTES, valid=valid)
    if not valid:
        band = _mostly(band, st.integers(0, 2), weight=40)
    return {"band": band, "lsk": index_keys(INDEX_SORT_KEYS, MAX_SORT_KEY_BYTES, valid=valid)}


def small_items(pk: str, sk: str, steering: Steering) -> SearchStrategy[KeyValueItem]:
    """An item of one of the small models, at (pk, sk), with index keys (or None)."""
    key = {"pk": st.just(pk), "sk": st.just(sk)}
    text = st.none() | texts()
    return st.one_of(
        st.builds(
            Note,
            **key,
            title=text,
            data=text,
            status=text,
            dotted=text,
            hashed=text,
            coloned=text,
            tags=st.sets(texts(), max_size=3),
            **note_index_keys(),
        ),
        st.builds(NoteView, **key, title=text, status=text),
        st.builds(
            Measure,
            **key,
            title=st.none() | integers(),
            count=st.none() | integers(),
            amount=st.none() | decimals(),
            ratio=st.none() | floats(),
            flag=st.none() | st.booleans(),
            size=st.none() | st.integers(-5, 5),
            numbers=st.frozensets(decimals(), max_size=3),
            **measure_index_keys(),
        ),
        st.builds(
            Payload,
            **key,
            raw=st.none() | st.binary(max_size=8),
            blobs=st.sets(st.binary(max_size=4), max_size=3),
            data=st.none() | st.dictionaries(map_keys(steering), documents(steering), max_size=3),
            items=st.none() | st.lists(documents(steering), max_size=3),
            mixed=_mostly(
                st.sets(st.integers(-2, 2), max_size=3)
                | st.sets(st.sampled_from("aé"), max_size=2),
                st.sets(st.one_of(st.integers(-2, 2), st.sampled_from("aé")), max_size=3),
            ),
            **payload_index_keys(),
        ),
    )


def plain_items(pk: str, sk: str) -> SearchStrategy[KeyValueItem]:
    """An item of a small model (or the view) with plain values every store accepts.

    An item collection is about the mix of types; values near the limits (which a
    store may refuse) are left to `small_items`, so that most of a collection is stored.
    Its index keys are valid ones, or None.
    """
    key = {"pk": st.just(pk), "sk": st.just(sk)}
    text = st.none() | st.text(st.sampled_from(KEY_CHARS), max_size=4)
    number = st.none() | st.integers(-(10**6), 10**6)
    typed = st.one_of(
        st.builds(Note, **key, title=text, data=text, status=text, **note_index_keys(valid=True)),
        st.builds(NoteView, **key, title=text, status=text),
        st.builds(
            Measure,
            **key,
            title=number,
            count=number,
            flag=st.none() | st.booleans(),
            size=st.none() | st.integers(-5, 5),
            **measure_index_keys(valid=True),
        ),
        st.builds(
            Payload,
            **key,
            raw=st.none() | st.binary(max_size=4),
            items=st.none(),
            **payload_index_keys(valid=True),
        ),
    )
    return _mostly(typed, bare_items(pk, sk), weight=8)


def mixed_writes(pk: str, sk: str, steering: Steering) -> SearchStrategy[KeyValueItem]:
    """An item of a collection: mostly plain values, now and then any the machine writes."""
    return _mostly(plain_items(pk, sk), writes(pk, sk, steering, for_update=False), weight=3)


def bare_items(pk: str, sk: str) -> SearchStrategy[KeyValueItem]:
    """An item with no attribute but its key."""
    return st.builds(KeyValueItem, pk=st.just(pk), sk=st.just(sk))


@st.composite
def big_items(draw: st.DrawFn, steering: Steering, *, for_update: bool) -> KeyValueItem:
    """An item of a big model whose size is near, at or just past 409,600 bytes.

    The size is DynamoDB's (the codec's `item_size`); a near-limit item is sized to the
    byte, so that ministack, the engine that applies the documented rules, settles
    whether the codec counts as DynamoDB does.
    """
    ascii_only = steering.ascii_near_limit
    pk = draw(st.sampled_from(BIG_PARTITIONS[:1] if ascii_only else BIG_PARTITIONS))
    sk = draw(st.sampled_from(("1", "2")))
    chars = tuple(c for c in KEY_CHARS if c.isascii() and c.isprintable()) if ascii_only else None
    note_text = st.text(st.sampled_from(chars), max_size=6) if chars else texts()
    note = draw(st.none() | note_text)
    model = draw(st.sampled_from(BIG_MODELS))
    if model is BigText:
        base: KeyValueItem = BigText(
            pk=pk, sk=sk, note=note, n=draw(st.none() | integers()), text=""
        )
    else:
        tags = draw(st.sets(note_text, max_size=2))
        base = BigBinary(pk=pk, sk=sk, note=note, tags=tags, blob=b"")
    try:
        base_size = item_size(encode_item("create", base, tag=entity_tag(base)))
    except InvalidItemError:
        return base  # an invalid small part: both stores refuse it whatever the payload
    target = draw(
        st.one_of(
            st.sampled_from(
                (MAX_ITEM_BYTES - 1, MAX_ITEM_BYTES, MAX_ITEM_BYTES + 1, MAX_ITEM_BYTES + 2)
            ),
            st.integers(MAX_ITEM_BYTES - 64, MAX_ITEM_BYTES + 8),
            st.integers(100_000, MAX_ITEM_BYTES),
        )
    )
    cap = steering.max_update_payload_bytes if for_update else steering.max_payload_bytes
    room = max(0, min(target - base_size, cap))
    if isinstance(base, BigText):
        unit = draw(st.sampled_from(("a", *(() if ascii_only else MULTI_BYTE))))
        count = room // utf8_len(unit)
        return base.model_copy(
            update={"text": unit * count + "x" * (room - count * utf8_len(unit))}
        )
    return base.model_copy(update={"blob": bytes([draw(st.integers(0, 255))]) * room})


def entity_tag(item: KeyValueItem) -> tuple[str, str]:
    """The entity attribute a create of `item` stores, and its name: it counts in the size."""
    return DEFAULT_ENTITY_ATTRIBUTE, entity_name(type(item))


ON_OTHER = ("skip", "raise")


def read_as() -> SearchStrategy[ReadAs]:
    """A class, or a union (``A | B``) or tuple of two or three, and maybe ``on_other``.

    Mostly classes of what the shared partitions hold, so that a read of a mixed
    partition decodes several entities, skips others, or raises; now and then any
    reader (KeyValueItem, which reads every entity, a big model), or an ``on_other``
    the port refuses.
    """
    one = _mostly(st.sampled_from(COLLECTION_READERS), st.sampled_from(READERS), weight=3)
    several = st.lists(one, min_size=2, max_size=3)
    union = several.map(lambda classes: functools.reduce(operator.or_, classes))
    model_class: SearchStrategy[object] = st.one_of(one, union, several.map(tuple))
    on_other = _mostly(st.sampled_from((None, *ON_OTHER)), st.just("ignore"), weight=20)
    return st.builds(ReadAs, model_class, on_other)


CONDITIONS = ("equals", "begins_with", "between", "lt", "lte", "gt", "gte")


@st.composite
def bounds(draw: st.DrawFn, near: str) -> str:
    """A sort-key bound: `near` itself, a prefix, an extension, another key, or invalid."""
    choice = draw(
        _mostly(st.sampled_from(("same", "prefix", "extended", "other")), st.just("invalid"))
    )
    if choice == "same":
        return near
    if choice == "prefix":
        return near[: draw(st.integers(0, max(0, len(near) - 1)))] or near[:1]
    if choice == "extended":
        return near + draw(st.sampled_from(KEY_CHARS))
    if choice == "other":
        return draw(sort_keys())
    return draw(st.sampled_from(("", LONE_SURROGATES[0], "é" * 513)))


BELOW_SURROGATES = "\ud7ff"
"""The last character before the surrogates: above it, UTF-8 and UTF-16 orders differ."""


def _below_surrogates(text: str) -> str:
    """`text`, each character above U+DFFF replaced by U+D7FF (lone surrogates are kept).

    Such a bound compares with any sort key alike by UTF-8 bytes and by UTF-16 units.
    """
    return "".join(BELOW_SURROGATES if ord(c) > 0xDFFF else c for c in text)  # noqa: PLR2004


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be", errors="surrogatepass")


@st.composite
def key_conditions(draw: st.DrawFn, near: tuple[str, str], steering: Steering) -> dict[str, Any]:
    """A sort-key condition (or none, or two), its bounds near `near`, and maybe descending."""

    def bound(sort_key: str) -> str:
        drawn = draw(bounds(sort_key))
        if steering.bounds_below_surrogates:  # docs/fidelity.md#query-start-key-past-bmp
            return _below_surrogates(drawn)
        return drawn

    arguments: dict[str, Any] = {}
    conditions = st.sampled_from((None, None, None, *CONDITIONS))  # a third: none, all items
    condition = draw(_mostly(conditions, st.just("two"), weight=20))
    if condition == "between":
        low, high = bound(near[0]), bound(near[1])
        if draw(st.booleans()):
            low, high = sorted((low, high))
        if steering.utf16_ordered_between and (low <= high) != (_utf16(low) <= _utf16(high)):
            high = low  # docs/fidelity.md#condition-between-across-surrogates
        arguments["between"] = (low, high)
    elif condition == "two":
        arguments["gt"], arguments["lt"] = bound(near[0]), bound(near[1])
    elif condition is not None:
        arguments[condition] = bound(near[0])
    if draw(st.booleans()):
        arguments["descending"] = True
    return arguments


@st.composite
def query_calls(draw: st.DrawFn, pk: str, near: tuple[str, str], steering: Steering) -> QueryCall:
    """A query of partition `pk`, its bounds drawn near the sort keys in `near`."""
    arguments = draw(key_conditions(near, steering))
    limit = draw(_mostly(st.none() | st.integers(1, 4), st.sampled_from((0, -1)), weight=20))
    if limit is not None:
        arguments["limit"] = limit
    return QueryCall(pk, draw(read_as()), tuple(arguments.items()))


@st.composite
def page_calls(draw: st.DrawFn, pk: str, near: tuple[str, str], steering: Steering) -> PageCall:
    """Pages of partition `pk`, a few items each, its bounds drawn near `near`."""
    arguments = draw(key_conditions(near, steering))
    page_size = draw(_mostly(st.integers(1, 4), st.sampled_from((0, -1)), weight=20))
    return PageCall(pk, draw(read_as()), tuple(arguments.items()), page_size)


COLLECTION_SORT_KEYS = ("#profile", "a", "a#1", "a#2", "a#2#x", "b", "b#é", "b#😀", "c")
"""Sort keys of an item collection: a profile first, then groups sharing prefixes."""

HOW_WRITTEN = ("create", "untagged")


@st.composite
def collections(draw: st.DrawFn, steering: Steering) -> tuple[list[KeyValueItem], list[str] | None]:
    """Three to eight items of mixed entity types in one of the shared partitions.

    With them, how each is written: ``create`` (five in six), or ``untagged`` (stored
    as before entity names); or None (one collection in four): all in one put_many.
    """
    pk = draw(st.sampled_from(PARTITIONS))
    short = st.text(st.sampled_from(KEY_CHARS), min_size=1, max_size=3)
    sort_keys_drawn = draw(
        st.lists(st.sampled_from(COLLECTION_SORT_KEYS) | short, min_size=3, max_size=8, unique=True)
    )
    items = [draw(mixed_writes(pk, sk, steering)) for sk in sort_keys_drawn]
    if draw(st.integers(0, 3)) == 0:
        return items, None
    how = st.sampled_from(HOW_WRITTEN[:1] * 5 + HOW_WRITTEN[1:])
    return items, [draw(how) for _ in items]


def untagged(item: KeyValueItem) -> Callable[[KeyValueStore], None]:
    """Store `item` as a store did before entity names: its wire form, no entity name stored.

    Written on both stores by the adapters' own batch primitive, under the port's
    boundary (refusals and engine errors as the port's errors), overwriting as
    put_many does: the same request an earlier version of the store sent, its index
    keys checked as put_many checks them.
    """

    def call(store: KeyValueStore) -> None:
        adapter = cast("KeyValueStoreBase", store)
        with adapter._operation("put_many", item.pk, item.sk):  # noqa: SLF001
            encoded = encode_item("put_many", item)  # no tag: no entity name stored
            # Index keys are checked as put_many checks them: DynamoDB refuses an
            # empty one whatever wrote it (docs/fidelity.md#index-gsi-pk-empty).
            adapter._indexes.check_item("put_many", item.pk, item.sk, encoded)  # noqa: SLF001
            adapter._drive(adapter._store_many({(item.pk, item.sk): encoded}))  # noqa: SLF001

    return call


@st.composite
def wide_items(draw: st.DrawFn, pk: str, sk: str, most: int) -> KeyValueItem:
    """A `Wide` item setting its first fields (up to `most`), the others None."""
    count = draw(st.one_of(st.integers(0, most), st.sampled_from((most, max(0, most - 1)))))
    values = draw(st.lists(st.integers(-(10**6), 10**6), min_size=count, max_size=count))
    return Wide(pk=pk, sk=sk, **{f"f{index:03}": value for index, value in enumerate(values)})


def writes(
    pk: str, sk: str, steering: Steering, *, for_update: bool
) -> SearchStrategy[KeyValueItem]:
    """An item to create or update at (pk, sk): now and then a bare key, or a wide item."""
    rare = [bare_items(pk, sk)]
    if steering.wide_updates or not for_update:
        rare.append(wide_items(pk, sk, min(steering.max_wide_fields, WIDE_FIELDS)))
    return _mostly(small_items(pk, sk, steering), *rare, weight=6)
