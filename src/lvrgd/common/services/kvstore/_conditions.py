"""Sort-key conditions and query arguments, validated once for every adapter.

The port's keywords (``equals=``, ``begins_with=``, ...) become one typed value here;
nothing downstream handles condition names as strings. Sort keys compare by their
UTF-8 bytes, which is the order of their code points, so Python's ``str`` order is
DynamoDB's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from ._errors import InvalidQueryError
from ._indexes import Position, index_position
from ._limits import partition_key_problem, sort_key_problem

if TYPE_CHECKING:
    from ._indexes import IndexQuery
    from ._limits import ItemView


@dataclass(frozen=True, slots=True)
class Equals:
    """The sort key equals `value`."""

    value: str

    def matches(self, sk: str) -> bool:
        """Whether `sk` meets the condition."""
        return sk == self.value


@dataclass(frozen=True, slots=True)
class BeginsWith:
    """The sort key starts with `prefix`."""

    prefix: str

    def matches(self, sk: str) -> bool:
        """Whether `sk` meets the condition."""
        return sk.startswith(self.prefix)


@dataclass(frozen=True, slots=True)
class Between:
    """The sort key lies between `low` and `high`, both included."""

    low: str
    high: str

    def matches(self, sk: str) -> bool:
        """Whether `sk` meets the condition."""
        return self.low <= sk <= self.high


@dataclass(frozen=True, slots=True)
class LessThan:
    """The sort key is below `value`."""

    value: str

    def matches(self, sk: str) -> bool:
        """Whether `sk` meets the condition."""
        return sk < self.value


@dataclass(frozen=True, slots=True)
class LessOrEqual:
    """The sort key is at most `value`."""

    value: str

    def matches(self, sk: str) -> bool:
        """Whether `sk` meets the condition."""
        return sk <= self.value


@dataclass(frozen=True, slots=True)
class GreaterThan:
    """The sort key is above `value`."""

    value: str

    def matches(self, sk: str) -> bool:
        """Whether `sk` meets the condition."""
        return sk > self.value


@dataclass(frozen=True, slots=True)
class GreaterOrEqual:
    """The sort key is at least `value`."""

    value: str

    def matches(self, sk: str) -> bool:
        """Whether `sk` meets the condition."""
        return sk >= self.value


SortKeyCondition: TypeAlias = (
    Equals | BeginsWith | Between | LessThan | LessOrEqual | GreaterThan | GreaterOrEqual
)


@dataclass(frozen=True, slots=True)
class KeyQuery:
    """A validated query of one partition, of the table or of an index.

    Attributes:
        pk: The partition: the table's partition key, or the index's.
        condition: On the table's sort key, or on the index's.
        limit: At most this many items returned; None for all.
        descending: From the highest sort key down.
        index: The index read, None for the table.
        consistent: Strongly consistent (True), eventually (False), or the store's
            setting (None; eventually on a global index).
    """

    pk: str
    condition: SortKeyCondition | None
    limit: int | None
    descending: bool
    index: IndexQuery | None = None
    consistent: bool | None = None

    def position(self, item: ItemView) -> Position:
        """Where `item` stands in this query's order, to resume after it."""
        return index_position(None if self.index is None else self.index.spec, item)


def key_query(  # noqa: PLR0913 - mirrors the port's keywords one to one
    operation: str,
    pk: str,
    *,
    equals: str | None = None,
    begins_with: str | None = None,
    between: tuple[str, str] | None = None,
    lt: str | None = None,
    lte: str | None = None,
    gt: str | None = None,
    gte: str | None = None,
    limit: int | None = None,
    descending: bool = False,
) -> KeyQuery:
    """Validate the port's query arguments into a `KeyQuery`.

    Raises:
        InvalidQueryError: If the partition key breaks the key limits, more than one
            sort-key condition is given, a bound is not a valid sort key, `between`'s low
            bound is above its high bound, or `limit` is not an integer of at least 1.
    """
    problem = partition_key_problem(pk)
    if problem is not None:
        raise InvalidQueryError(operation, _text(pk), problem)
    given = {
        name: value
        for name, value in (
            ("equals", equals),
            ("begins_with", begins_with),
            ("between", between),
            ("lt", lt),
            ("lte", lte),
            ("gt", gt),
            ("gte", gte),
        )
        if value is not None
    }
    if len(given) > 1:
        names = ", ".join(sorted(given))
        raise InvalidQueryError(operation, pk, f"at most one sort-key condition, got {names}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidQueryError(operation, pk, f"limit must be an integer >= 1, got {limit!r}")
    if not isinstance(descending, bool):
        raise InvalidQueryError(operation, pk, f"descending must be a bool, got {descending!r}")
    condition = None
    if given:
        ((name, value),) = given.items()
        condition = _condition(operation, pk, name, value)
    return KeyQuery(pk=pk, condition=condition, limit=limit, descending=descending)


def _condition(operation: str, pk: str, name: str, value: object) -> SortKeyCondition:
    if name == "between":
        if not isinstance(value, tuple) or len(value) != 2:  # noqa: PLR2004 - a pair
            raise InvalidQueryError(operation, pk, "between must be a (low, high) tuple")
        low, high = (_bound(operation, pk, name, bound) for bound in value)
        if low > high:
            raise InvalidQueryError(
                operation, pk, f"between's low bound {low!r} is above its high bound {high!r}"
            )
        return Between(low, high)
    bound = _bound(operation, pk, name, value)
    kinds: dict[
        str, type[Equals | BeginsWith | LessThan | LessOrEqual | GreaterThan | GreaterOrEqual]
    ] = {
        "equals": Equals,
        "begins_with": BeginsWith,
        "lt": LessThan,
        "lte": LessOrEqual,
        "gt": GreaterThan,
        "gte": GreaterOrEqual,
    }
    return kinds[name](bound)


def _bound(operation: str, pk: str, name: str, value: object) -> str:
    problem = sort_key_problem(value, name)
    if problem is not None or not isinstance(value, str):
        raise InvalidQueryError(operation, pk, problem or f"{name} must be a str")
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else repr(value)
