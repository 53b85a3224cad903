"""Random conditions for the state machine: `where` over the machine's models.

A condition is drawn as a small tree of DynamoDB's operators (comparisons, ``between``,
``in_``, ``exists``, ``not_exists``, ``begins_with``, ``contains``, ``size``,
``attribute_type``) combined with ``&``, ``|`` and ``~``, over the fields of one model:
text, numbers (int, Decimal, float), booleans, binaries, sets, and the entries of
Payload's documents (``data["k"]``, ``items[0]``), whose values may be of any type.

Operands are drawn near the item the condition will meet (its own values, their
prefixes, members and sizes), so that conditions hold about as often as they fail; or
from the field's type; now and then from another type, which `where` refuses or
pydantic converts alike for both stores. Two fields may be compared with each other,
and items written through another entity's class, or stored as before entity names,
hold values of another type at the same name (``Note.title`` is text where
``Measure.title`` is a number): the comparisons of two types DynamoDB evaluates false.

A drawn condition is a `DrawnCondition`: shown as Python source in a failure report,
and built with `where` inside the call (so that a refusal is each store's own error).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from differential._models import Measure, Note, NoteView, Payload
from differential._strategies import (
    _mostly,
    decimals,
    documents,
    floats,
    integers,
    texts,
)
from lvrgd.common.services.conditions import (
    Condition,
    attribute_type,
    begins_with,
    between,
    contains,
    exists,
    in_,
    not_exists,
    size,
    where,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from differential._steering import Steering
    from lvrgd.common.services.kvstore import KeyValueItem

SearchStrategy = st.SearchStrategy

TEXT, INT, DECIMAL, FLOAT, BOOL, BYTES = "text", "int", "decimal", "float", "bool", "bytes"
TEXT_SET, NUMBER_SET, BYTES_SET, MIXED_SET = "text_set", "number_set", "bytes_set", "mixed_set"
MAP, LIST, ANY, BAND = "map", "list", "any", "band"

FIELDS: dict[type[KeyValueItem], dict[str, str]] = {
    Note: {
        "title": TEXT, "data": TEXT, "status": TEXT, "dotted": TEXT, "hashed": TEXT,
        "coloned": TEXT, "tags": TEXT_SET, "gpk": TEXT, "gsk": TEXT, "ipk": TEXT, "lsk": TEXT,
    },
    NoteView: {"title": TEXT, "status": TEXT},
    Measure: {
        "title": INT, "count": INT, "amount": DECIMAL, "ratio": FLOAT, "flag": BOOL,
        "size": INT, "numbers": NUMBER_SET, "gpk": TEXT, "band": TEXT,
    },
    Payload: {
        "raw": BYTES, "blobs": BYTES_SET, "data": MAP, "items": LIST, "mixed": MIXED_SET,
        "band": BAND, "lsk": TEXT,
    },
}  # fmt: skip
"""The fields a condition (or a patch) names, by model, with the kind of their values."""

ORDERED_KINDS = (TEXT, INT, DECIMAL, FLOAT, BYTES, BAND, ANY)
SIZED_KINDS = (TEXT, BYTES, TEXT_SET, NUMBER_SET, BYTES_SET, MIXED_SET, MAP, LIST, ANY)
TYPE_CODES = ("S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M")
OPERATORS = ("==", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Target:
    """A path a condition reads: a field, maybe an entry of its map or list.

    Attributes:
        field: The model's field name.
        entry: A map key (``data["k"]``) or a list index (``items[0]``); None for the field.
        kind: The kind of the values at the path (``any`` for a document's entry).
    """

    field: str
    entry: str | int | None
    kind: str

    def of(self, model: Any) -> Any:
        """The path on a model's recorder (or on a model)."""
        value = getattr(model, self.field)
        return value if self.entry is None else value[self.entry]

    def __str__(self) -> str:
        """The path as Python source."""
        return f"m.{self.field}" + ("" if self.entry is None else f"[{self.entry!r}]")


@dataclass(frozen=True)
class DrawnCondition:
    """A condition of the machine: its model, its source, and how to build it.

    Attributes:
        model: The model `where` takes.
        source: The condition as Python source, for a failure report.
        build: Builds the condition's node on the model's recorder.
    """

    model: type[KeyValueItem]
    source: str
    build: Callable[[Any], Any]

    def condition(self) -> Condition[Any]:
        """The condition, built with `where` (its refusals are InvalidQueryError)."""
        return where(self.model, self.build)

    def __repr__(self) -> str:
        """``where(Model, lambda m: ...)``."""
        return f"where({self.model.__name__}, lambda m: {self.source})"


def values_of(kind: str, steering: Steering) -> SearchStrategy[Any]:
    """Values of a field of `kind`, as the model's type takes them."""
    if kind == MAP:
        return st.dictionaries(st.sampled_from(MAP_KEYS), documents(steering), max_size=3)
    if kind == LIST:
        return st.lists(documents(steering), max_size=3)
    if kind == ANY:
        return any_values(steering)
    return _SCALAR_VALUES[kind]()


_SCALAR_VALUES: dict[str, Callable[[], SearchStrategy[Any]]] = {
    TEXT: texts,
    INT: integers,
    DECIMAL: decimals,
    FLOAT: floats,
    BOOL: st.booleans,
    BYTES: lambda: st.binary(max_size=6),
    TEXT_SET: lambda: st.sets(texts(), max_size=3),
    NUMBER_SET: lambda: st.frozensets(decimals(), max_size=3),
    BYTES_SET: lambda: st.sets(st.binary(max_size=4), max_size=3),
    MIXED_SET: lambda: (
        st.sets(st.integers(-2, 2), max_size=3) | st.sets(st.sampled_from("aé"), max_size=2)
    ),
    BAND: lambda: st.sampled_from(("band#0", "band#1")) | st.integers(0, 2),
}


def any_values(steering: Steering) -> SearchStrategy[Any]:
    """A value of any type: what a document's entry (or a wrong operand) may be."""
    return st.one_of(
        st.booleans(),
        texts(),
        st.integers(-3, 3),
        decimals(),
        st.binary(min_size=1, max_size=4),
        st.sets(st.sampled_from("ab"), min_size=1, max_size=2),
        st.lists(st.integers(0, 2) | st.sampled_from("ab"), max_size=2),
        st.dictionaries(st.sampled_from("ab"), st.integers(0, 2), max_size=2),
        documents(steering),
    )


MAP_KEYS = ("a", "b", "k", "é", "😀", "#x", "a.b")
"""Keys of Payload's `data` a path names: some hold ``.`` or ``#`` (placeholders carry them)."""
LIST_INDEXES = (0, 1, 2, 5)


def targets(model: type[KeyValueItem]) -> SearchStrategy[Target]:
    """A path of `model`: a field, or an entry of a map or list field."""
    fields = FIELDS[model]
    whole = st.sampled_from([Target(name, None, kind) for name, kind in fields.items()])
    entries = [
        st.builds(Target, st.just(name), st.sampled_from(MAP_KEYS), st.just(ANY))
        if kind == MAP
        else st.builds(Target, st.just(name), st.sampled_from(LIST_INDEXES), st.just(ANY))
        for name, kind in fields.items()
        if kind in (MAP, LIST)
    ]
    if not entries:
        return whole
    return _mostly(whole, *entries, weight=4)


def _near(target: Target, near: dict[str, Any]) -> list[Any]:
    """The values the item holds at `target` (none if absent), to draw operands from."""
    value = near.get(target.field)
    if target.entry is not None:
        if isinstance(target.entry, str) and isinstance(value, dict):
            value = value.get(target.entry)
        elif isinstance(target.entry, int) and isinstance(value, list):
            value = value[target.entry] if target.entry < len(value) else None
        else:
            value = None
    return [] if value is None else [value]


@st.composite
def operands(draw: st.DrawFn, target: Target, near: dict[str, Any], steering: Steering) -> Any:
    """A value to compare `target` with: the item's own (or a piece of it), or a drawn one."""
    own = _near(target, near)
    choice = draw(_mostly(st.sampled_from(("own", "own", "kind")), st.just("other"), weight=24))
    if choice == "own" and own:
        value = own[0]
        if isinstance(value, str | bytes) and value and draw(st.booleans()):
            return value[: draw(st.integers(1, len(value)))]
        if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            return value + draw(st.sampled_from((0, 0, 1, -1)))
        return value
    if choice == "other":
        return draw(any_values(steering))
    return draw(values_of(target.kind, steering))


def _member(value: Any) -> Any | None:
    """An element of a set or list, a piece of a string or binary; None for others."""
    if isinstance(value, set | frozenset | list) and value:
        return min(value, key=repr)
    if isinstance(value, str | bytes) and value:
        return value[len(value) // 2 :]
    return None


@st.composite
def leaves(  # noqa: C901, PLR0911 - one branch per operator
    draw: st.DrawFn, model: type[KeyValueItem], near: dict[str, Any], steering: Steering
) -> tuple[str, Callable[[Any], Any]]:
    """One comparison or function on a path of `model`: its source and its builder."""
    target = draw(targets(model))
    shown = str(target)
    every = (*OPERATORS, "field", "exists", "not_exists", "begins_with", "contains",
             "between", "in", "size", "type")  # fmt: skip
    fitting = [
        operator
        for operator in every
        if target.kind in ORDERED_KINDS or operator not in (*OPERATORS[2:], "between")
    ]
    operator = draw(_mostly(st.sampled_from(fitting), st.sampled_from(every), weight=12))
    if operator == "exists":
        return f"exists({shown})", lambda m: exists(target.of(m))
    if operator == "not_exists":
        return f"not_exists({shown})", lambda m: not_exists(target.of(m))
    if operator == "type":
        code = draw(st.sampled_from(TYPE_CODES))
        return f"attribute_type({shown}, {code!r})", lambda m: attribute_type(target.of(m), code)  # type: ignore[arg-type]
    if operator == "size":
        op = draw(st.sampled_from(OPERATORS))
        own = _near(target, near)
        sizes = [len(own[0])] if own and hasattr(own[0], "__len__") else []
        number = (
            draw(st.sampled_from(sizes) | st.integers(0, 4)) if sizes else draw(st.integers(0, 4))
        )
        return f"size({shown}) {op} {number}", lambda m: _compared(size(target.of(m)), op, number)
    if operator == "field":
        other = draw(targets(model))
        op = draw(st.sampled_from(OPERATORS))
        return f"{shown} {op} {other}", lambda m: _compared(target.of(m), op, other.of(m))
    if operator == "begins_with":
        own = _near(target, near)
        pieces = (
            [own[0][: max(1, len(own[0]) // 2)]]
            if own and isinstance(own[0], str | bytes) and own[0]
            else []
        )
        prefix = draw(
            (st.sampled_from(pieces) if pieces else st.nothing())
            | st.text(st.sampled_from("aé😀\ue000"), min_size=1, max_size=2)
            | st.binary(min_size=1, max_size=2)
        )
        return f"begins_with({shown}, {prefix!r})", lambda m: begins_with(target.of(m), prefix)
    if operator == "contains":
        own = _near(target, near)
        member = _member(own[0]) if own else None
        element = draw(
            (st.just(member) if member is not None else st.nothing())
            | any_values(steering)
            | st.sampled_from(("a", "", "é"))
        )
        return f"contains({shown}, {element!r})", lambda m: contains(target.of(m), element)
    if operator == "between":
        low, high = draw(operands(target, near, steering)), draw(operands(target, near, steering))
        if draw(st.integers(0, 5)) and _orderable(low, high):
            low, high = sorted((low, high), key=_order)
        return (
            f"between({shown}, {low!r}, {high!r})",
            lambda m: between(target.of(m), low, high),
        )
    if operator == "in":
        values = draw(st.lists(operands(target, near, steering), min_size=1, max_size=3))
        return f"in_({shown}, {values!r})", lambda m: in_(target.of(m), values)
    value = draw(operands(target, near, steering))
    return f"{shown} {operator} {value!r}", lambda m: _compared(target.of(m), operator, value)


def _orderable(low: Any, high: Any) -> bool:
    pair = {type(low), type(high)}
    return pair <= {int, Decimal, float} or pair in ({str}, {bytes})


def _order(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", errors="surrogatepass")
    return value


def _compared(left: Any, op: str, right: Any) -> Any:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


@st.composite
def conditions(
    draw: st.DrawFn,
    model: type[KeyValueItem],
    near: dict[str, Any],
    steering: Steering,
    depth: int = 2,
) -> DrawnCondition:
    """A condition on `model`: a leaf, or ``&``, ``|``, ``~`` of smaller ones."""
    shape = draw(
        st.sampled_from(("leaf", "leaf", "leaf", "and", "or", "not")) if depth else st.just("leaf")
    )
    if shape == "leaf":
        source, build = draw(leaves(model, near, steering))
        return DrawnCondition(model, source, build)
    first = draw(conditions(model, near, steering, depth - 1))
    if shape == "not":
        return DrawnCondition(model, f"~({first.source})", lambda m: ~first.build(m))
    second = draw(conditions(model, near, steering, depth - 1))
    symbol = "&" if shape == "and" else "|"
    source = f"({first.source}) {symbol} ({second.source})"
    if shape == "and":
        return DrawnCondition(model, source, lambda m: first.build(m) & second.build(m))
    return DrawnCondition(model, source, lambda m: first.build(m) | second.build(m))
