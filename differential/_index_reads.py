"""Index reads compared as DynamoDB defines them: equal index keys come in any order.

DynamoDB returns an index's items in the order of the index sort key, but items that
share an index key (the same index sort key, or any two items of an index without a
sort key) come back in an order it does not fix, and engines differ there: dynalite
orders them by a hash of the table key, moto by when they were written, the
in-memory store by the table key. So an index read is compared by its *blocks*, the
runs of items sharing an index sort key: the blocks in order, and each block's items
as a multiset.

Under a ``limit``, the order inside the block where the limit falls also decides which
of its items are returned, and whether an item the read refuses (``on_other="raise"``,
or an item that does not validate) is met before the limit. The comparison then asks
whether the engine's answer is one that *some* order of each block gives:
`index_entries` lists, from the in-memory store, every item the query selects in the
index (its block, its table key, and what the read makes of it: kept as a model,
skipped, or refused), and `admissible` checks an answer against them. The in-memory
store's own answer must pass the same check, so the checker cannot drift from it.

Pages are followed to the last (``MAX_INDEX_PAGES``), so every selected item is read
once and the page sizes and cursors' presence are fixed: compared exactly; the items
of all pages are compared as a whole read. The cursors' text is not compared, as it
names the last item of a page, which the order inside a block decides.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, cast

from differential._outcomes import canonical
from differential._reads import PageCall, QueryCall
from lvrgd.common.services.kvstore import InvalidItemError, KeyValueStoreError
from lvrgd.common.services.kvstore._conditions import KeyQuery, key_query
from lvrgd.common.services.kvstore._indexes import IndexQuery

if TYPE_CHECKING:
    from collections.abc import Sequence

    from differential._outcomes import Canonical, Outcome
    from differential._reads import Pages
    from lvrgd.common.services.kvstore import KeyValueItem
    from lvrgd.common.services.kvstore._base import KeyValueStoreBase
    from lvrgd.common.services.kvstore._limits import ItemView

Key = tuple[str, str]
Verdict = Literal["keep", "skip", "raise"]
CONDITION_NAMES = ("equals", "begins_with", "between", "lt", "lte", "gt", "gte")
INDEX_KEYWORDS = ("index", "hydrate", "consistent")
"""The keywords that make a query an index read (the first always given)."""


@dataclass(frozen=True)
class Entry:
    """An item a query selects in an index, as the in-memory store holds it.

    Attributes:
        block: Its index sort key ("" in an index without one): items of one block
            come back in any order.
        key: Its table key.
        verdict: What the read makes of it: ``keep`` (as `item`), ``skip`` (another
            entity, or gone before a hydrating read fetched it), ``raise``.
        item: The model kept, in canonical form.
    """

    block: str
    key: Key
    verdict: Verdict
    item: Canonical | None = None


def index_of(call: object) -> str | None:
    """The index a query or page call reads, None for the table."""
    if isinstance(call, QueryCall | PageCall):
        index = dict(call.arguments).get("index")
        return index if isinstance(index, str) else None
    return None


def index_entries(memory: KeyValueStoreBase, call: QueryCall | PageCall) -> list[Entry]:
    """Every item `call` selects in its index on `memory`, in memory's order, and its verdict.

    The read is rebuilt from the store's own parts (reader, index check, selection,
    hydration), without a limit, so that each item is judged alone.

    Raises:
        KeyValueStoreError: If the store refuses the call's arguments.
    """
    operation = "query_by_pk"
    arguments = dict(call.arguments)
    reader = memory._reader(  # noqa: SLF001 - the store's own reader, to judge items alike
        operation, call.pk, call.read.model_class, call.read.keywords().get("on_other", "skip")
    )
    conditions = {name: arguments[name] for name in CONDITION_NAMES if name in arguments}
    read = memory._index_query(  # noqa: SLF001
        operation,
        call.pk,
        arguments.get("index"),
        conditions=tuple(conditions.values()),
        consistent=arguments.get("consistent"),
        hydrate=arguments.get("hydrate", False),
        reader=reader,
    )
    query = key_query(
        operation, call.pk, descending=arguments.get("descending", False), **conditions
    )
    query = replace(query, index=read, consistent=arguments.get("consistent"))
    found: Sequence[ItemView] = memory._drive(memory._select(query, None, None))  # noqa: SLF001
    whole: list[ItemView | None] = list(found)
    if read is not None and read.hydrate:
        whole = memory._drive(memory._whole_items(found))  # noqa: SLF001
    entries = []
    for item, full in zip(found, whole, strict=True):
        position = query.position(item)
        block = position if isinstance(position, str) else position[0]
        key = (item["pk"]["S"], item["sk"]["S"])
        try:
            decoded = None if full is None else reader.decode(full)
        except InvalidItemError:
            entries.append(Entry(block, key, "raise"))
            continue
        if decoded is None:
            entries.append(Entry(block, key, "skip"))
        else:
            entries.append(Entry(block, key, "keep", canonical(decoded)))
    return entries


MAX_PROJECTED_DIGITS = 38
"""moto projects a KEYS_ONLY or INCLUDE index's items through a decimal context of 38
digits: a number written with more (``1`` and 40 zeros: one significant digit, which
DynamoDB accepts) fails the whole Query with HTTP 500."""


def projects_long_number(memory: KeyValueStoreBase, call: QueryCall | PageCall) -> bool:
    """Whether `call` reads a KEYS_ONLY or INCLUDE index partition holding such a number.

    The items of the partition are looked at whole, in the table (whatever the read's
    condition), since what an engine projects before applying it is its own affair.
    """
    name = index_of(call)
    spec = memory._indexes.by_name.get(name) if name is not None else None  # noqa: SLF001
    if spec is None or spec.projection == "all":
        return False
    query = KeyQuery(call.pk, None, None, descending=False, index=IndexQuery(spec))
    try:
        entries = memory._drive(memory._select(query, None, None))  # noqa: SLF001
    except KeyValueStoreError:
        return False
    for entry in entries:
        whole = memory._drive(memory._fetch(entry["pk"]["S"], entry["sk"]["S"]))  # noqa: SLF001
        if whole is not None and any(_long_number(value) for value in whole.values()):
            return True
    return False


def _long_number(value: object) -> bool:
    """Whether a wire value holds a number of more than MAX_PROJECTED_DIGITS digits."""
    if isinstance(value, dict):
        if "N" in value:
            return _digits(value["N"]) > MAX_PROJECTED_DIGITS
        if "NS" in value:
            return any(_digits(text) > MAX_PROJECTED_DIGITS for text in value["NS"])
        if "M" in value:
            return any(_long_number(inner) for inner in value["M"].values())
        if "L" in value:
            return any(_long_number(inner) for inner in value["L"])
    return False


def _digits(text: object) -> int:
    try:
        return len(Decimal(str(text)).as_tuple().digits)
    except InvalidOperation:
        return 0


def _blocks(entries: list[Entry]) -> list[list[Entry]]:
    blocks: list[list[Entry]] = []
    for entry in entries:
        if blocks and blocks[-1][0].block == entry.block:
            blocks[-1].append(entry)
        else:
            blocks.append([entry])
    return blocks


@dataclass(frozen=True)
class Expected:
    """What any order of each block lets a read with `limit` return.

    Attributes:
        whole: The blocks read whole, in order: block and kept items.
        cut: The block where the limit falls: block, kept items, how many are returned.
        may_raise: Some order meets a refused item before the limit.
        may_succeed: Some order reaches the limit (or the end) without meeting one.
    """

    whole: list[tuple[str, Counter[Canonical]]]
    cut: tuple[str, Counter[Canonical], int] | None
    may_raise: bool
    may_succeed: bool

    @property
    def size(self) -> int:
        """How many items a successful read returns."""
        return sum(sum(kept.values()) for _, kept in self.whole) + (self.cut[2] if self.cut else 0)


def expected(entries: list[Entry], limit: int | None) -> Expected:
    """The answers some order of each block gives a read of `entries` with `limit`.

    A block the read gets through before the limit is read whole in any order: all its
    kept items come back, and a refused item in it is always met. In the block where
    the limit falls, an order can put the kept items it needs first (and meet no
    refused item) or a refused item first.
    """
    wanted = math.inf if limit is None else limit
    taken = 0
    whole: list[tuple[str, Counter[Canonical]]] = []
    cut: tuple[str, Counter[Canonical], int] | None = None
    may_raise, may_succeed = False, True
    for block in _blocks(entries):
        if taken >= wanted:
            break
        kept = Counter(entry.item for entry in block if entry.item is not None)
        refuses = any(entry.verdict == "raise" for entry in block)
        may_raise = may_raise or refuses
        count = sum(kept.values())
        if taken + count < wanted:
            may_succeed = may_succeed and not refuses
            whole.append((block[0].block, kept))
            taken += count
        else:
            cut = (block[0].block, kept, int(wanted - taken))
            taken = int(wanted)
    return Expected(whole, cut, may_raise, may_succeed)


def admissible(
    entries: list[Entry], limit: int | None, items: list[KeyValueItem] | None, error: str | None
) -> str | None:
    """None if some order of each block answers the read so; else what no order explains.

    Args:
        entries: What the read selects (`index_entries`).
        limit: The read's limit; None for all.
        items: The items returned, in order; None if the read raised.
        error: The port error's class name, if the read raised.
    """
    shape = expected(entries, limit)
    if items is None:
        if error == "InvalidItemError" and shape.may_raise:
            return None
        return f"raised {error}, which no order of the index's equal keys explains"
    if not shape.may_succeed:
        return "returned items, where every order meets an item the read refuses"
    if len(items) != shape.size:
        return f"returned {len(items)} items, where any order returns {shape.size}"
    runs = _runs(entries, items)
    return runs if isinstance(runs, str) else _runs_problem(shape, runs)


def _runs_problem(shape: Expected, runs: list[tuple[str, Counter[Canonical]]]) -> str | None:
    """What the runs of a successful read's blocks hold that no order gives, if anything."""
    wanted = [(block, kept) for block, kept in shape.whole if kept]
    if shape.cut is not None and shape.cut[2] > 0:
        wanted.append((shape.cut[0], shape.cut[1]))
    if [block for block, _ in runs] != [block for block, _ in wanted]:
        return "its blocks of equal index keys are not those of the index, in order"
    cut_at = len(wanted) - 1 if shape.cut is not None and shape.cut[2] > 0 else None
    for at, ((block, got), (_, kept)) in enumerate(zip(runs, wanted, strict=True)):
        # The block a limit falls in returns some of its items (the sizes add up, so
        # as many as the limit leaves); any other block returns all of them.
        if (got - kept) if at == cut_at else (got != kept):
            return f"its items of index key {block!r} are not the index's: {_diff(got, kept)}"
    return None


def _runs(
    entries: list[Entry], items: list[KeyValueItem]
) -> list[tuple[str, Counter[Canonical]]] | str:
    """The items returned, as runs of one block each; or the item the index lacks."""
    block_of = {entry.key: entry.block for entry in entries}
    runs: list[tuple[str, Counter[Canonical]]] = []
    for item in items:
        block = block_of.get((item.pk, item.sk))
        if block is None:
            return f"returned {(item.pk, item.sk)!r}, which the index does not hold there"
        if not runs or runs[-1][0] != block:
            runs.append((block, Counter()))
        runs[-1][1][canonical(item)] += 1
    return runs


def _diff(got: Counter[Canonical], kept: Counter[Canonical]) -> str:
    extra = list((got - kept).elements())
    missing = list((kept - got).elements())
    return f"{len(extra)} not expected, {len(missing)} missing: {str(extra or missing)[:300]}"


@dataclass(frozen=True)
class Ran:
    """A call's outcome, with the raw value it returned (None if it raised)."""

    outcome: Outcome
    value: object = None


def compare_index_read(
    memory: KeyValueStoreBase, call: QueryCall | PageCall, on_memory: Ran, on_engine: Ran
) -> tuple[str | None, list[str]]:
    """Whether the two answers of an index read agree, up to the order of equal keys.

    Returns:
        What no order explains (None when they agree), and what the read met:
        ``equal keys`` (a block of two items or more returned), ``reordered`` (the
        answers differ in order only, or in the items of the block a limit cuts),
        ``cut`` (the limit falls inside a block holding more kept items than it needs).
    """
    memory_kind, engine_kind = on_memory.outcome.kind, on_engine.outcome.kind
    if on_memory.outcome.same_as(on_engine.outcome) and "leak" not in (memory_kind, engine_kind):
        return None, _labels(memory, call, on_memory)
    refused = {memory_kind, engine_kind} - {"ok"}
    errors = {ran.outcome.value for ran in (on_memory, on_engine) if ran.outcome.kind == "error"}
    if refused - {"error"} or errors - {"InvalidItemError"}:
        return "the answers differ", []
    try:
        entries = index_entries(memory, call)
    except KeyValueStoreError as error:
        return f"the read cannot be rebuilt on memory ({error})", []
    limit, problem = _limit_of(call, on_memory, on_engine)
    if problem is not None:
        return problem, []
    for side, ran in (("memory", on_memory), ("engine", on_engine)):
        raised = ran.outcome.value if ran.outcome.kind == "error" else None
        found = admissible(entries, limit, _items(call, ran), cast("str | None", raised))
        if found is not None:
            return f"{side} {found}", []
    return None, ["reordered", *_labels(memory, call, on_memory, entries, limit)]


def _limit_of(call: QueryCall | PageCall, *ran: Ran) -> tuple[int | None, str | None]:
    """The read's limit, and for pages, whether both sides paged alike."""
    if isinstance(call, QueryCall):
        return cast("int | None", dict(call.arguments).get("limit")), None
    shapes = []
    for side in ran:
        pages = cast("Pages | None", side.value)
        shapes.append(None if pages is None else [(len(i), c is not None) for i, c in pages])
    if None not in shapes and shapes[0] != shapes[1]:
        return None, f"the pages differ in size or cursors: {shapes[0]} / {shapes[1]}"
    pages = cast("Pages | None", ran[0].value)
    if pages is not None and pages[-1][1] is not None:  # stopped at MAX_INDEX_PAGES
        return sum(len(items) for items, _ in pages), None
    return None, None


def _items(call: QueryCall | PageCall, ran: Ran) -> list[KeyValueItem] | None:
    if ran.outcome.kind != "ok":
        return None
    return call.found(ran.value)


def _labels(
    memory: KeyValueStoreBase,
    call: QueryCall | PageCall,
    ran: Ran,
    entries: list[Entry] | None = None,
    limit: int | None = None,
) -> list[str]:
    """What a read that agreed met: a block of equal keys returned, a limit inside one."""
    items = _items(call, ran)
    if not items:
        return []
    if entries is None:
        try:
            entries = index_entries(memory, call)
        except KeyValueStoreError:
            return []
        limit = dict(call.arguments).get("limit") if isinstance(call, QueryCall) else None
    block_of = {entry.key: entry.block for entry in entries}
    blocks = Counter(block_of.get((item.pk, item.sk)) for item in items)
    labels = ["equal keys"] if max(blocks.values()) > 1 else []
    cut = expected(entries, cast("Any", limit)).cut
    if cut is not None and 0 < cut[2] < sum(cut[1].values()):
        labels.append("cut")
    return labels
