"""Typed conditions: built from a model's fields, compiled for DynamoDB, evaluated by the twin.

A condition is written as a function of the model, so that mypy checks every field
name and every value's type::

    in_stock = where(Product, lambda p: (p.stock >= 1) & ~exists(p.discontinued_at))

At runtime the function is called once, on a recorder standing in for the model: each
field it touches becomes a path, each comparison a node. The result is compiled once
into DynamoDB's expression syntax, every name and value a placeholder, and evaluated
by the in-memory store with DynamoDB's rules: a comparison of two types, or with an
attribute that is absent, is false, not an error; numbers compare as numbers, strings
and binaries by their bytes.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from ._attributes import _RefusedError, decode_number, encode_value, wire_bytes
from ._errors import InvalidQueryError
from ._placeholders import Placeholders

if typing.TYPE_CHECKING:
    from ._limits import AttributeValue, ItemView

M = TypeVar("M", bound=BaseModel)
V = TypeVar("V")

TypeCode = Literal["S", "N", "B", "SS", "NS", "BS", "BOOL", "NULL", "L", "M"]
TYPE_CODES: frozenset[str] = frozenset(typing.get_args(TypeCode))
MAX_IN_VALUES = 100
"""DynamoDB's most values on the right of IN."""
OPERATION = "where"
_EXACT_TYPES = frozenset({str, int, float, Decimal, bool, bytes})

Segment = str | int
"""A map key (a field's stored name) or a list index."""


# --- what a condition is made of -----------------------------------------------------------


class Node:
    """A condition, or part of one: combine with ``&``, ``|`` and ``~``."""

    def __and__(self, other: object) -> Node:
        """Both hold."""
        return And(self, _node(other, "&"))

    def __rand__(self, other: object) -> Node:
        """Both hold (a comparison on the left)."""
        return And(_node(other, "&"), self)

    def __or__(self, other: object) -> Node:
        """Either holds."""
        return Or(self, _node(other, "|"))

    def __ror__(self, other: object) -> Node:
        """Either holds (a comparison on the left)."""
        return Or(_node(other, "|"), self)

    def __invert__(self) -> Node:
        """It does not hold."""
        return Not(self)

    def __bool__(self) -> bool:
        """Refused: Python's ``and``, ``or``, ``not`` and chained comparisons cannot be recorded.

        Raises:
            InvalidQueryError: Always.
        """
        reason = (
            "a condition has no truth value while it is being built: combine conditions "
            "with & | ~ (not and/or/not), and write a <= x <= b as between(x, a, b)"
        )
        raise InvalidQueryError(OPERATION, "", reason)


@dataclass(frozen=True, eq=False, slots=True)
class Ref:
    """An attribute of the item, by path."""

    segments: tuple[Segment, ...]


@dataclass(frozen=True, eq=False, slots=True)
class SizeOf:
    """``size(path)``: a string's or binary's bytes, a set's, list's or map's elements."""

    segments: tuple[Segment, ...]


@dataclass(frozen=True, eq=False, slots=True)
class Value:
    """A value, in wire form."""

    wire: AttributeValue


Operand = Ref | SizeOf | Value


@dataclass(frozen=True, eq=False, slots=True)
class Compare(Node):
    """``left <op> right``."""

    op: Literal["=", "<>", "<", "<=", ">", ">="]
    left: Operand
    right: Operand


@dataclass(frozen=True, eq=False, slots=True)
class Between(Node):
    """``left BETWEEN low AND high``, both bounds included."""

    left: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, eq=False, slots=True)
class In(Node):
    """``left IN (values)``."""

    left: Operand
    values: tuple[Operand, ...]


@dataclass(frozen=True, eq=False, slots=True)
class Function(Node):
    """One of DynamoDB's condition functions on a path."""

    name: Literal[
        "attribute_exists", "attribute_not_exists", "begins_with", "contains", "attribute_type"
    ]
    path: Ref
    operand: Operand | None = None


@dataclass(frozen=True, eq=False, slots=True)
class And(Node):
    """Both hold."""

    left: Node
    right: Node


@dataclass(frozen=True, eq=False, slots=True)
class Or(Node):
    """Either holds."""

    left: Node
    right: Node


@dataclass(frozen=True, eq=False, slots=True)
class Not(Node):
    """It does not hold."""

    inner: Node


def _node(other: object, operator: str) -> Node:
    if isinstance(other, Node):
        return other
    if isinstance(other, Condition):
        return other.node
    reason = f"{operator} combines conditions, not a {type(other).__name__}"
    raise InvalidQueryError(OPERATION, "", reason)


# --- the recorder ---------------------------------------------------------------------------


class Path:
    """What a field of the model is while a condition is written: a path, with its type.

    Attribute access follows fields of nested models, ``[i]`` list elements and
    ``["key"]`` map entries; comparisons and the functions below turn it into a
    condition.
    """

    __slots__ = ("_annotation", "_segments", "_shown")
    _annotation: Any
    _segments: tuple[Segment, ...]
    _shown: str

    def __init__(self, annotation: Any, segments: tuple[Segment, ...], shown: str) -> None:
        """A path of the given type (a model class for the root)."""
        object.__setattr__(self, "_annotation", annotation)
        object.__setattr__(self, "_segments", segments)
        object.__setattr__(self, "_shown", shown)

    def __getattr__(self, name: str) -> Path:
        """The field `name` of the model at this path."""
        if name.startswith("_"):  # Python's own probes (copy, pickle...): no field is private
            raise AttributeError(name)
        step = _field_step(self._annotation, name)
        if isinstance(step, str):
            raise InvalidQueryError(OPERATION, "", step.format(shown=self._shown))
        stored, annotation = step
        return Path(annotation, (*self._segments, stored), f"{self._shown}.{name}")

    def __getitem__(self, key: int | str) -> Path:
        """A list's element (an int) or a map's entry (a str)."""
        origin = get_origin(_plain(self._annotation)) or _plain(self._annotation)
        arguments = get_args(_plain(self._annotation))
        if isinstance(key, int) and not isinstance(key, bool) and origin in (list, tuple, Sequence):
            if key < 0:
                raise InvalidQueryError(OPERATION, "", f"{self._shown}[{key}]: no negative index")
            element = arguments[0] if arguments else Any
            return Path(element, (*self._segments, key), f"{self._shown}[{key}]")
        if isinstance(key, str) and origin in (dict, Mapping):
            element = arguments[1] if len(arguments) == 2 else Any  # noqa: PLR2004 - key, value
            return Path(element, (*self._segments, key), f"{self._shown}[{key!r}]")
        reason = f"{self._shown} cannot be indexed with {key!r}"
        raise InvalidQueryError(OPERATION, "", reason)

    def __setattr__(self, name: str, value: object) -> None:
        """Refused: a condition reads the model, never changes it."""
        reason = f"a condition cannot assign {self._shown}.{name}"
        raise InvalidQueryError(OPERATION, "", reason)

    def __eq__(self, other: object) -> Compare:  # type: ignore[override]
        """Equal (same type and value)."""
        return self._compare("=", other)

    def __ne__(self, other: object) -> Compare:  # type: ignore[override]
        """Not equal; false when the attribute is absent."""
        return self._compare("<>", other)

    def __lt__(self, other: object) -> Compare:
        """Less than (numbers as numbers, strings and binaries by bytes)."""
        return self._compare("<", other)

    def __le__(self, other: object) -> Compare:
        """Less than or equal."""
        return self._compare("<=", other)

    def __gt__(self, other: object) -> Compare:
        """Greater than."""
        return self._compare(">", other)

    def __ge__(self, other: object) -> Compare:
        """Greater than or equal."""
        return self._compare(">=", other)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        """Refused, as a condition's truth value is.

        Raises:
            InvalidQueryError: Always.
        """
        reason = f"{self._shown} has no truth value in a condition: use exists({self._shown})"
        raise InvalidQueryError(OPERATION, "", reason)

    def _compare(self, op: Literal["=", "<>", "<", "<=", ">", ">="], other: object) -> Compare:
        operand = _operand(self, other)
        if op not in ("=", "<>"):
            _refuse_unordered(self._shown, op, operand)
        return Compare(op, Ref(self._segments), operand)


class _Size:
    """``size(path)`` while a condition is written: compares with whole numbers."""

    __slots__ = ("segments", "shown")

    def __init__(self, path: Path) -> None:
        self.segments: tuple[Segment, ...] = path._segments  # noqa: SLF001 - a recorder's own
        self.shown = f"size({path._shown})"  # noqa: SLF001

    def _compare(self, op: Literal["=", "<>", "<", "<=", ">", ">="], other: object) -> Compare:
        if isinstance(other, bool) or not isinstance(other, int):
            reason = f"{self.shown} compares with a whole number, not {type(other).__name__}"
            raise InvalidQueryError(OPERATION, "", reason)
        return Compare(op, SizeOf(self.segments), Value({"N": str(other)}))

    def __eq__(self, other: object) -> Compare:  # type: ignore[override]
        return self._compare("=", other)

    def __ne__(self, other: object) -> Compare:  # type: ignore[override]
        return self._compare("<>", other)

    def __lt__(self, other: object) -> Compare:
        return self._compare("<", other)

    def __le__(self, other: object) -> Compare:
        return self._compare("<=", other)

    def __gt__(self, other: object) -> Compare:
        return self._compare(">", other)

    def __ge__(self, other: object) -> Compare:
        return self._compare(">=", other)

    __hash__ = None  # type: ignore[assignment]


@lru_cache(maxsize=4096)
def _field_step(annotation: Any, name: str) -> tuple[str, Any] | str:
    """The stored name and type of field `name` of the model `annotation`, or why not.

    Cached: a condition built per call reads the same fields again and again.
    """
    model = _model_of(annotation)
    if model is None:
        return f"{{shown}} is not a model: it has no field {name!r}"
    field = model.model_fields.get(name)
    if field is not None:
        return field.serialization_alias or field.alias or name, field.annotation
    computed = model.model_computed_fields.get(name)
    if computed is not None:
        return computed.alias or name, computed.return_type
    return f"{model.__name__} has no field {name!r}"


def _refuse_unordered(shown: str, op: str, operand: Operand) -> None:
    """DynamoDB orders numbers, strings and binaries only; it refuses other values."""
    if isinstance(operand, Value) and next(iter(operand.wire)) not in ("N", "S", "B"):
        reason = (
            f"{shown} {op} ...: DynamoDB orders numbers, strings and binaries only, not a "
            f"{next(iter(operand.wire))} value"
        )
        raise InvalidQueryError(OPERATION, "", reason)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    plain = _plain(annotation)
    return plain if isinstance(plain, type) and issubclass(plain, BaseModel) else None


def _plain(annotation: Any) -> Any:
    """`annotation` without ``| None`` (an optional nested model is still a model)."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _operand(path: Path, other: object) -> Operand:
    if isinstance(other, Path):
        if other._segments == path._segments:  # noqa: SLF001 - a recorder's own
            # DynamoDB refuses it: "The first operand must be distinct from the
            # remaining operands for this operator or function".
            reason = f"{path._shown} is compared with itself; compare it with a value"  # noqa: SLF001
            raise InvalidQueryError(OPERATION, "", reason)
        return Ref(other._segments)  # noqa: SLF001 - a recorder's own
    return Value(_encoded(path, other))


def _encoded(path: Path, value: object) -> AttributeValue:
    """`value` validated as the field's type and encoded by the store's codec."""
    shown = path._shown  # noqa: SLF001 - a recorder's own
    if value is None:
        reason = f"{shown} is compared with None, which is stored as no attribute: use not_exists"
        raise InvalidQueryError(OPERATION, "", reason)
    annotation = path._annotation  # noqa: SLF001
    kind = type(value)
    if kind in _EXACT_TYPES and (kind is annotation or kind is _plain(annotation)):
        try:  # a value of exactly the field's simple type: nothing to validate
            return encode_value(value)
        except _RefusedError as exc:
            raise InvalidQueryError(OPERATION, "", f"{shown}: {exc}") from None
    try:
        validated = _adapter(annotation).validate_python(value) if annotation is not Any else value
        return encode_value(validated)
    except ValidationError:
        reason = f"{value!r} is not a valid value of {shown} ({_type_name(annotation)})"
    except (_RefusedError, TypeError) as exc:
        reason = f"{shown}: {exc}"
    raise InvalidQueryError(OPERATION, "", reason) from None


@lru_cache(maxsize=512)
def _cached_adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    try:
        return _cached_adapter(annotation)
    except TypeError:  # an unhashable annotation
        return TypeAdapter(annotation)


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation)


def _path(argument: object, function: str) -> Path:
    if not isinstance(argument, Path):
        reason = f"{function}'s first argument is a field of the model, not {argument!r}"
        raise InvalidQueryError(OPERATION, "", reason)
    return argument


# --- the functions a condition is written with -------------------------------------------


def exists(path: object) -> Node:
    """The attribute is there (``attribute_exists``)."""
    return Function("attribute_exists", Ref(_path(path, "exists")._segments))  # noqa: SLF001


def not_exists(path: object) -> Node:
    """The attribute is not there (``attribute_not_exists``); true of an absent item."""
    return Function("attribute_not_exists", Ref(_path(path, "not_exists")._segments))  # noqa: SLF001


def begins_with(path: str | bytes | None, prefix: str | bytes) -> Node:
    """The string (or binary) starts with `prefix`; false for any other type."""
    recorded = _path(path, "begins_with")
    if not isinstance(prefix, str | bytes) or not prefix:
        reason = "begins_with takes a non-empty str or bytes prefix"
        raise InvalidQueryError(OPERATION, "", reason)
    operand = Value({"S": prefix} if isinstance(prefix, str) else {"B": bytes(prefix)})
    return Function("begins_with", Ref(recorded._segments), operand)  # noqa: SLF001


def contains(path: object, operand: object) -> Node:
    """A string holds the substring, a set the member, a list the element."""
    recorded = _path(path, "contains")
    if operand is None:
        raise InvalidQueryError(OPERATION, "", "contains takes a value, not None")
    element = _element_type(recorded._annotation)  # noqa: SLF001
    element_path = Path(element, recorded._segments, recorded._shown)  # noqa: SLF001
    return Function("contains", Ref(recorded._segments), Value(_encoded(element_path, operand)))  # noqa: SLF001


def _element_type(annotation: Any) -> Any:
    plain = _plain(annotation)
    origin = get_origin(plain) or plain
    if plain is str or plain is bytes:
        return plain
    if origin in (list, tuple, set, frozenset, Sequence, AbstractSet):
        arguments = get_args(plain)
        return arguments[0] if arguments else Any
    return Any


def between(path: V, low: V, high: V) -> Node:
    """``low <= path <= high``, both of the path's type; false for any other type.

    The bounds must be of one type (two numbers, two strings or two binaries) and in
    order, as DynamoDB requires of the expression; anything else is refused here.
    """
    recorded = _path(path, "between")
    low_value, high_value = _encoded(recorded, low), _encoded(recorded, high)
    for bound in (low_value, high_value):
        _refuse_unordered(recorded._shown, "BETWEEN", Value(bound))  # noqa: SLF001
    low_key, high_key = _order_key(low_value), _order_key(high_value)
    if low_key is not None and high_key is not None:
        if low_key[0] != high_key[0]:
            reason = (
                f"between's bounds {low!r} and {high!r} are of two types ({low_key[0]} and "
                f"{high_key[0]}); DynamoDB requires the same type for both"
            )
            raise InvalidQueryError(OPERATION, "", reason)
        if low_key[1] > high_key[1]:
            reason = f"between's low bound {low!r} is above its high bound {high!r}"
            raise InvalidQueryError(OPERATION, "", reason)
    return Between(Ref(recorded._segments), Value(low_value), Value(high_value))  # noqa: SLF001


def in_(path: V, values: Iterable[V]) -> Node:
    """The attribute equals one of `values` (1 to 100 of them)."""
    recorded = _path(path, "in_")
    given = list(values)
    if not 1 <= len(given) <= MAX_IN_VALUES:
        reason = f"in_ takes 1 to {MAX_IN_VALUES} values, got {len(given)}"
        raise InvalidQueryError(OPERATION, "", reason)
    encoded = tuple(Value(_encoded(recorded, value)) for value in given)
    return In(Ref(recorded._segments), encoded)  # noqa: SLF001


def size(path: object) -> int:
    """The size of the attribute, to compare with a whole number: ``size(p.tags) > 2``."""
    return _Size(_path(path, "size"))  # type: ignore[return-value]


def attribute_type(path: object, type_code: TypeCode) -> Node:
    """The attribute is stored as DynamoDB type `type_code` (``"S"``, ``"N"``, ``"SS"``...)."""
    recorded = _path(path, "attribute_type")
    if type_code not in TYPE_CODES:
        reason = f"attribute_type takes one of {', '.join(sorted(TYPE_CODES))}, got {type_code!r}"
        raise InvalidQueryError(OPERATION, "", reason)
    return Function("attribute_type", Ref(recorded._segments), Value({"S": type_code}))  # noqa: SLF001


# --- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Condition(Generic[M]):
    """A condition on items of `model`, compiled once; combine with ``&``, ``|``, ``~``.

    Build one with `where`. A store evaluates it on the item at the operation's key
    (an absent item has no attributes: ``not_exists`` and ``!=`` hold of it).

    Attributes:
        model: The model whose fields it reads.
        node: What it says.
        compiled: DynamoDB's ConditionExpression, with its names and values.
    """

    model: type[M]
    node: Node

    def __and__(self, other: Condition[Any]) -> Condition[M]:
        """Both hold."""
        return Condition(self.model, And(self.node, _node(other, "&")))

    def __or__(self, other: Condition[Any]) -> Condition[M]:
        """Either holds."""
        return Condition(self.model, Or(self.node, _node(other, "|")))

    def __invert__(self) -> Condition[M]:
        """It does not hold."""
        return Condition(self.model, Not(self.node))

    @property
    def compiled(self) -> Compiled:
        """The expression DynamoDB evaluates (computed once, kept on the condition)."""
        cached: Compiled | None = self.__dict__.get("_compiled")
        if cached is None:
            cached = self.__dict__["_compiled"] = _compiled_by_shape(self.node)
        return cached

    def holds(self, item: ItemView | None) -> bool:
        """Whether the condition holds of the wire item `item` (None: no item)."""
        return evaluate(self.node, item or {})


def where(model: type[M], condition: Callable[[M], int | Node]) -> Condition[M]:
    """A condition on `model`'s items, written as a function of the model.

    Example::

        where(Order, lambda o: (o.stock >= 1) & (o.status == Status.OPEN))
        where(Order, lambda o: not_exists(o.shipped_at) | begins_with(o.sku, "A-"))

    The function is called once, with a recorder in place of an Order: mypy checks the
    field names and the values' types (``--strict`` includes the check of ``==``).
    Comparisons, the functions of this module, and ``&``, ``|``, ``~`` build it.

    Raises:
        InvalidQueryError: If the function names a field the model lacks, compares a
            field with a value its type refuses (or with None), or uses Python's
            ``and``/``or``/``not`` instead of ``&``/``|``/``~``.
    """
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise InvalidQueryError(OPERATION, "", f"where takes a model class, got {model!r}")
    built: object = condition(Path(model, (), model.__name__))  # type: ignore[arg-type]
    if isinstance(built, _Size) or not isinstance(built, Node):
        reason = f"the condition gives {type(built).__name__}, not a condition"
        raise InvalidQueryError(OPERATION, "", reason)
    return Condition(model, built)


# --- compiling to DynamoDB's syntax ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Compiled:
    """A ConditionExpression with its placeholders (prefixed ``#c`` and ``:c``)."""

    expression: str
    names: dict[str, str]
    values: dict[str, AttributeValue]


_SHAPES: dict[tuple[object, ...], tuple[str, dict[str, str]]] = {}
_MAX_SHAPES = 1024


def _compiled_by_shape(node: Node) -> Compiled:
    """`compile_node`'s result, its expression reused for conditions of the same shape.

    A condition built per call (``where(P, lambda p: p.stock >= n)``) differs from the
    last only in its values: its expression and names are looked up by its shape, and
    only the values are filled in, in the order `compile_node` numbers them.
    """
    shape: list[object] = []
    values: list[AttributeValue] = []
    _flatten(node, shape, values)
    key = tuple(shape)
    known = _SHAPES.get(key)
    if known is None:
        compiled = compile_node(node)
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[key] = (compiled.expression, compiled.names)
        return compiled
    expression, names = known
    return Compiled(expression, names, {f":c{i}": value for i, value in enumerate(values)})


def _flatten(node: Node, shape: list[object], values: list[AttributeValue]) -> None:
    """The node's structure into `shape`, its values into `values`, in rendering order."""
    shape.append(type(node))
    if isinstance(node, And | Or):
        _flatten(node.left, shape, values)
        _flatten(node.right, shape, values)
    elif isinstance(node, Not):
        _flatten(node.inner, shape, values)
    elif isinstance(node, Compare):
        shape.append(node.op)
        _flatten_operand(node.left, shape, values)
        _flatten_operand(node.right, shape, values)
    elif isinstance(node, Between):
        for operand in (node.left, node.low, node.high):
            _flatten_operand(operand, shape, values)
    elif isinstance(node, In):
        shape.append(len(node.values))
        for operand in (node.left, *node.values):
            _flatten_operand(operand, shape, values)
    elif isinstance(node, Function):
        shape += [node.name, node.path.segments]
        if node.operand is not None:
            _flatten_operand(node.operand, shape, values)


def _flatten_operand(operand: Operand, shape: list[object], values: list[AttributeValue]) -> None:
    if isinstance(operand, Value):
        shape.append(Value)
        values.append(operand.wire)
    else:
        shape += [type(operand), operand.segments]


def compile_node(node: Node) -> Compiled:  # noqa: C901 - one small renderer per kind
    """`node` as a ConditionExpression with its names and values."""
    placeholders = Placeholders("c")
    path = placeholders.path

    def operand(value: Operand) -> str:
        if isinstance(value, Ref):
            return path(value.segments)
        if isinstance(value, SizeOf):
            return f"size({path(value.segments)})"
        return placeholders.value(value.wire)

    def render(part: Node) -> str:  # noqa: PLR0911 - one form per kind of node
        if isinstance(part, Compare):
            return f"{operand(part.left)} {part.op} {operand(part.right)}"
        if isinstance(part, Between):
            return f"{operand(part.left)} BETWEEN {operand(part.low)} AND {operand(part.high)}"
        if isinstance(part, In):
            listed = ", ".join(operand(value) for value in part.values)
            return f"{operand(part.left)} IN ({listed})"
        if isinstance(part, Function):
            arguments = [path(part.path.segments)]
            if part.operand is not None:
                arguments.append(operand(part.operand))
            return f"{part.name}({', '.join(arguments)})"
        if isinstance(part, And):
            return f"({render(part.left)}) AND ({render(part.right)})"
        if isinstance(part, Or):
            return f"({render(part.left)}) OR ({render(part.right)})"
        assert isinstance(part, Not)  # noqa: S101 - the last kind of node
        return f"NOT ({render(part.inner)})"

    expression = render(node)
    return Compiled(expression, placeholders.names, placeholders.values)


# --- evaluating as DynamoDB does -------------------------------------------------------------


def evaluate(node: Node, item: ItemView) -> bool:  # noqa: C901, PLR0911 - one branch per kind
    """Whether `node` holds of the wire item `item` (empty: no item), by DynamoDB's rules."""
    if isinstance(node, And):
        return evaluate(node.left, item) and evaluate(node.right, item)
    if isinstance(node, Or):
        return evaluate(node.left, item) or evaluate(node.right, item)
    if isinstance(node, Not):
        return not evaluate(node.inner, item)
    if isinstance(node, Compare):
        return _compare(node.op, _value(node.left, item), _value(node.right, item))
    if isinstance(node, Between):
        value = _value(node.left, item)
        low, high = _value(node.low, item), _value(node.high, item)
        return _compare(">=", value, low) and _compare("<=", value, high)
    if isinstance(node, In):
        value = _value(node.left, item)
        return any(_compare("=", value, _value(each, item)) for each in node.values)
    assert isinstance(node, Function)  # noqa: S101 - the last kind of node
    found = resolve(item, node.path.segments)
    if node.name == "attribute_exists":
        return found is not None
    if node.name == "attribute_not_exists":
        return found is None
    operand = None if node.operand is None else _value(node.operand, item)
    if found is None or operand is None:
        return False
    if node.name == "attribute_type":
        return next(iter(found)) == operand.get("S")
    if node.name == "begins_with":
        return _begins_with(found, operand)
    return _contains(found, operand)


def resolve(item: ItemView, segments: tuple[Segment, ...]) -> AttributeValue | None:
    """The value at `segments` in `item`, or None where the path leads nowhere."""
    current: AttributeValue | None = None
    for index, segment in enumerate(segments):
        if index == 0:
            current = item.get(segment) if isinstance(segment, str) else None
        elif isinstance(segment, int):
            elements = current.get("L") if current is not None else None
            current = (
                elements[segment] if elements is not None and segment < len(elements) else None
            )
        else:
            entries = current.get("M") if current is not None else None
            current = entries.get(segment) if entries is not None else None
        if current is None:
            return None
    return current


def _value(operand: Operand, item: ItemView) -> AttributeValue | None:
    if isinstance(operand, Value):
        return operand.wire
    found = resolve(item, operand.segments)
    if isinstance(operand, Ref) or found is None:
        return found
    return _size(found)


def _size(value: AttributeValue) -> AttributeValue | None:
    ((kind, body),) = value.items()
    if kind == "S":  # DynamoDB counts UTF-16 code units: é is 1, 😀 is 2
        return {"N": str(len(body.encode("utf-16-le")) // 2)}
    if kind == "B":
        return {"N": str(len(wire_bytes(body)))}
    if kind in ("SS", "NS", "BS", "L", "M"):
        return {"N": str(len(body))}
    return None  # size() of a number, a boolean or a null: no size


def _order_key(value: AttributeValue | None) -> tuple[str, Any] | None:
    """The kind and comparable form of a scalar DynamoDB orders (N, S, B); else None."""
    if value is None or len(value) != 1:
        return None
    ((kind, body),) = value.items()
    if kind == "N":
        return kind, Decimal(str(decode_number(body)))
    if kind == "S":
        return kind, body.encode("utf-8")
    if kind == "B":
        return kind, wire_bytes(body)
    return None


def _compare(op: str, left: AttributeValue | None, right: AttributeValue | None) -> bool:
    if left is None or right is None:
        return op == "<>"  # DynamoDB: an absent attribute is unequal to anything
    if op in ("=", "<>"):
        equal = _canonical(left) == _canonical(right)
        return equal if op == "=" else not equal
    left_key, right_key = _order_key(left), _order_key(right)
    if left_key is None or right_key is None or left_key[0] != right_key[0]:
        return False
    a, b = left_key[1], right_key[1]
    answers: dict[str, bool] = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}
    return answers[op]


def _canonical(value: AttributeValue) -> Any:  # noqa: PLR0911 - one form per kind
    ((kind, body),) = value.items()
    if kind == "N":
        return kind, Decimal(str(decode_number(body)))
    if kind == "B":
        return kind, wire_bytes(body)
    if kind == "SS":
        return kind, frozenset(body)
    if kind == "NS":
        return kind, frozenset(Decimal(str(decode_number(number))) for number in body)
    if kind == "BS":
        return kind, frozenset(wire_bytes(element) for element in body)
    if kind == "L":
        return kind, tuple(_canonical(element) for element in body)
    if kind == "M":
        return kind, frozenset((key, _canonical(element)) for key, element in body.items())
    return kind, body


def _begins_with(found: AttributeValue, prefix: AttributeValue) -> bool:
    if "S" in found and "S" in prefix:
        text: str = found["S"]
        return text.startswith(prefix["S"])
    if "B" in found and "B" in prefix:
        return wire_bytes(found["B"]).startswith(wire_bytes(prefix["B"]))
    return False


def _contains(found: AttributeValue, operand: AttributeValue) -> bool:
    ((kind, body),) = found.items()
    if kind == "S":
        return "S" in operand and operand["S"] in body
    if kind == "B":
        return "B" in operand and wire_bytes(operand["B"]) in wire_bytes(body)
    member_kind = {"SS": "S", "NS": "N", "BS": "B"}.get(kind)
    if member_kind is not None:
        if member_kind not in operand:
            return False
        return any(_canonical({member_kind: member}) == _canonical(operand) for member in body)
    if kind == "L":
        return any(_canonical(element) == _canonical(operand) for element in body)
    return False
