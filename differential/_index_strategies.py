"""What the state machine asks of the secondary indexes: reads of every kind of index.

Each read names one of the stores' indexes (`differential._models.INDEXES`), now and
then one they do not declare; its partition is one the writes fill (their index keys
come from small alphabets, so partitions collide and items share index keys); its
sort-key condition (any of the seven, none, or two), limit or page size and order are
drawn as for the table. Its classes are those of what the index holds: projection
models on KEYS_ONLY and INCLUDE indexes, whole models hydrated (``hydrate=True``), or
now and then not, which a global index refuses. ``consistent`` is mostly left out,
sometimes False, sometimes True, which a global index refuses. A condition on the
index without a sort key is rare, and refused.
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from differential._models import INDEX_READERS, INDEXES, WHOLE_PARTITION
from differential._reads import MAX_INDEX_PAGES, PageCall, QueryCall, ReadAs
from differential._strategies import (
    BANDS,
    COLLECTION_SORT_KEYS,
    CONDITIONS,
    GPK_VALUES,
    INDEX_SORT_KEYS,
    IPK_VALUES,
    ON_OTHER,
    PARTITIONS,
    _mostly,
    key_conditions,
)
from lvrgd.common.services.kvstore import DEFAULT_ENTITY_ATTRIBUTE
from lvrgd.common.services.kvstore._entities import EntityError, read_types
from lvrgd.common.services.kvstore._indexes import Indexes
from lvrgd.common.services.kvstore._limits import partition_key_problem

if TYPE_CHECKING:
    from differential._steering import Steering
    from lvrgd.common.services.kvstore import IndexSpec, KeyValueItem

SearchStrategy = st.SearchStrategy
Key = tuple[str, str]
Seen = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
"""By index: the partition keys and sort keys the machine's writes gave it, sorted."""

UNKNOWN_INDEX = "by_nothing"
"""An index no store declares: InvalidQueryError on both."""
BY_NAME: dict[str, IndexSpec] = {spec.name: spec for spec in INDEXES}
_CHECKS = Indexes(INDEXES, DEFAULT_ENTITY_ATTRIBUTE)
"""The port's own rules of the indexes, to know which classes an index projects."""


def unprojected(spec: IndexSpec, model_class: object) -> list[str]:
    """The fields the classes `model_class` names need that `spec` does not project."""
    try:
        classes = read_types(model_class).classes
    except EntityError:
        return []  # a read the port refuses anyway
    return _CHECKS.unprojected(spec, classes)


@functools.cache
def index_read_as(name: str) -> SearchStrategy[ReadAs]:
    """Classes to read index `name` as: mostly those it projects, alone or in a union."""
    readers = INDEX_READERS.get(name, INDEX_READERS["by_g"])
    spec = BY_NAME.get(name)
    fitting = [c for c in readers if spec is None or not unprojected(spec, c)] or list(readers)
    one = _mostly(st.sampled_from(fitting), st.sampled_from(readers), weight=3)
    several = st.lists(one, min_size=2, max_size=3)
    union = several.map(lambda classes: functools.reduce(operator.or_, classes))
    model_class: SearchStrategy[object] = st.one_of(one, union, several.map(tuple))
    on_other = _mostly(st.sampled_from((None, *ON_OTHER)), st.just("ignore"), weight=20)
    return st.builds(ReadAs, model_class, on_other)


def seen_keys(items: list[KeyValueItem], seen: dict[str, tuple[set[str], set[str]]]) -> None:
    """Add the index keys `items` give each index to `seen` (pks, sks by index name)."""
    for item in items:
        stored = item.model_dump(by_alias=True)
        for spec in INDEXES:
            pk = stored.get(spec.pk)
            sk = stored.get(spec.sk) if spec.sk is not None else ""
            if isinstance(pk, str) and pk and isinstance(sk, str):
                pks, sks = seen.setdefault(spec.name, (set(), set()))
                pks.add(pk)
                if sk:
                    sks.add(sk)


@st.composite
def _partition_and_near(
    draw: st.DrawFn, spec: IndexSpec | None, key: Key, near: Key, seen: Seen
) -> tuple[str, tuple[str, str]]:
    """An index partition to read, and two index sort keys to draw the bounds near.

    Mostly a partition the writes filled, bounds near sort keys they gave the index;
    else one of the index's alphabet (or of the pool's keys), maybe empty.
    """
    pks, sks = seen.get(spec.name if spec else "", ((), ()))
    sort_keys = st.sampled_from(sks or INDEX_SORT_KEYS)
    if spec is None or spec.name == "by_g":
        usual = st.sampled_from(GPK_VALUES)
    elif spec.name == "by_inc":
        usual = st.sampled_from(IPK_VALUES)
    elif spec.name == "by_band":
        usual = st.sampled_from(BANDS)
    elif spec.name == "inverted":  # a sort key, items of every partition sorted by theirs
        usual = st.sampled_from((key[1], near[1], *COLLECTION_SORT_KEYS[:3]))
        if not sks:
            sort_keys = st.sampled_from((key[0], near[0]))
    else:  # the local index: a table partition
        usual = st.sampled_from((key[0], *PARTITIONS))
    if pks:
        usual = _mostly(st.sampled_from(pks), usual, weight=3)
    pk = draw(_mostly(usual, st.sampled_from(("", "nowhere")), weight=30))
    return pk, (draw(sort_keys), draw(sort_keys))


@st.composite
def _index_arguments(
    draw: st.DrawFn, key: Key, near: Key, steering: Steering, seen: Seen
) -> tuple[str, ReadAs, dict[str, Any]]:
    """The partition, classes and keywords of an index read (its limit or page size aside)."""
    names = st.sampled_from([spec.name for spec in INDEXES])
    name = draw(_mostly(names, st.just(UNKNOWN_INDEX), weight=40))
    spec = BY_NAME.get(name)
    pk, near_sort_keys = draw(_partition_and_near(spec, key, near, seen))
    arguments = draw(key_conditions(near_sort_keys, steering))
    if spec is not None and spec.sk is None and draw(st.sampled_from([True] * 11 + [False])):
        arguments = {k: v for k, v in arguments.items() if k not in CONDITIONS}
    read = draw(index_read_as(name))
    arguments["index"] = name
    missing = [] if spec is None else unprojected(spec, read.model_class)
    if spec is not None and spec.local and missing and not steering.lsi_fetches_unprojected:
        hydrate = True  # docs/fidelity.md#index-lsi-fetches-unprojected
    elif missing and spec is not None and not spec.local:
        hydrate = draw(st.sampled_from([True] * 5 + [False]))  # else refused: not projected
    else:
        hydrate = draw(st.sampled_from([False] * 4 + [True]))
    if hydrate:
        arguments["hydrate"] = True
    consistent = draw(st.sampled_from((None,) * 16 + (False, False, True)))
    if consistent is not None:
        arguments["consistent"] = consistent
    return pk, read, arguments


@st.composite
def index_query_calls(
    draw: st.DrawFn, key: Key, near: Key, steering: Steering, seen: Seen
) -> QueryCall:
    """query_by_pk of an index, with a condition, a limit, an order, classes, hydrate."""
    pk, read, arguments = draw(_index_arguments(key, near, steering, seen))
    limit = draw(_mostly(st.none() | st.integers(1, 4), st.sampled_from((0, -1)), weight=20))
    if limit is not None:
        arguments["limit"] = limit
    return QueryCall(pk, read, tuple(arguments.items()))


@st.composite
def index_page_calls(
    draw: st.DrawFn, key: Key, near: Key, steering: Steering, seen: Seen
) -> PageCall:
    """query_page of an index, every page, a few items each, and each by its cursor."""
    pk, read, arguments = draw(_index_arguments(key, near, steering, seen))
    page_size = draw(_mostly(st.integers(1, 4), st.sampled_from((0, -1)), weight=20))
    return PageCall(pk, read, tuple(arguments.items()), page_size, MAX_INDEX_PAGES)


MAX_WHOLE_INDEX_PARTITIONS = 6
"""The most partitions of one index `whole_index_reads` reads."""


def whole_index_reads(seen: Seen) -> list[QueryCall]:
    """Each index's partitions the writes filled (a few), read whole, every item as it is.

    As for the table's whole partitions, each item is read as its entity's ``*Whole``
    view (an entity never written raises): on an ALL index what the index holds; on a
    KEYS_ONLY or INCLUDE one, the whole items (``hydrate=True``), whose keys the index
    gave. No limit: every block of equal index keys comes back whole.
    """
    calls = []
    for spec in INDEXES:
        pks = [pk for pk in seen.get(spec.name, ((), ()))[0] if partition_key_problem(pk) is None]
        arguments: tuple[tuple[str, Any], ...] = (("index", spec.name),)
        if spec.projection != "all":
            arguments = (*arguments, ("hydrate", True))
        read = ReadAs(WHOLE_PARTITION, "raise")
        calls += [QueryCall(pk, read, arguments) for pk in pks[:MAX_WHOLE_INDEX_PARTITIONS]]
    return calls
