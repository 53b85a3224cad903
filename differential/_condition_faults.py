"""Which engine faults a condition or a patch would meet, judged on the item it meets.

The state machine draws conditions and patches freely; before running one, it asks
here whether, on the item the in-memory store holds at the key, the call reaches a
fault the engine under test is known to have (each a row of docs/fidelity.md, named
by its anchor). If it does, the call is not made on that engine, and the run's
summary counts it as steered away. The judgement walks the condition as `where`
compiled it (`lvrgd.common.services.kvstore._where`'s nodes), resolving each operand
on the stored wire item, so it sees what the engine will see, however the condition
was drawn.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from lvrgd.common.services.kvstore._limits import normalized_number
from lvrgd.common.services.kvstore._patch import _EXACT
from lvrgd.common.services.kvstore._where import (
    And,
    Between,
    Compare,
    Function,
    In,
    Not,
    Or,
    Ref,
    Value,
    resolve,
)

if TYPE_CHECKING:
    from differential._steering import Steering
    from lvrgd.common.services.kvstore._limits import AttributeValue, Item
    from lvrgd.common.services.kvstore._patch import Action, Patch
    from lvrgd.common.services.kvstore._where import Node, Operand

ORDER_TYPES = "condition-order-types"
EQUAL_TYPES = "condition-equal-types"
SIZE_ABSENT = "condition-size-absent"
SIZE_SCALARS = "condition-size-scalars"
SIZE_UTF16 = "condition-size-utf16"
BEGINS_WITH_TYPES = "condition-begins-with-types"
BINARY_BEGINS_WITH = "condition-binary-begins-with"
BINARY_CONTAINS = "condition-binary-contains"
FALSY_VALUES = "condition-falsy-values"
STRING_ORDER = "condition-string-order-utf8"
DOCUMENT_EQUALITY = "condition-document-equality"
ABSENT_OPERANDS = "condition-absent-operands"
LIST_SETS = "update-list-index-set-past-end"
LIST_REMOVALS = "update-list-index-remove-two"
SUM_DIGITS = "update-add-39-digits"
REMOVE_UNDER_ABSENT = "update-remove-parent-absent"
SUM_ROUNDED = "update-add-28-digits"
_PYTHON_DIGITS = 28

_ORDERED = ("N", "S", "B")
_SCALARS_WITHOUT_SIZE = ("N", "BOOL", "NULL")


def _kind(value: AttributeValue | None) -> str | None:
    return None if value is None else next(iter(value))


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be", errors="surrogatepass")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


def _orders_differ(left: AttributeValue, right: AttributeValue) -> bool:
    """Two strings whose order by UTF-8 bytes is not their order by UTF-16 code units."""
    a, b = left.get("S"), right.get("S")
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    by_utf8 = (_utf8(a) > _utf8(b)) - (_utf8(a) < _utf8(b))
    by_utf16 = (_utf16(a) > _utf16(b)) - (_utf16(a) < _utf16(b))
    return by_utf8 != by_utf16


def _falsy(value: AttributeValue | None) -> bool:
    """A value JavaScript's ``!`` takes for absent: BOOL false, an empty string or binary."""
    if value is None:
        return False
    ((kind, body),) = value.items()
    return (kind == "BOOL" and body is False) or (kind in ("S", "B") and len(body) == 0)


def _document(value: AttributeValue | None) -> bool:
    return _kind(value) in ("L", "M")


class _Judge:
    """Walks one condition over one stored item, collecting the faults it reaches."""

    def __init__(self, item: Item, steering: Steering) -> None:
        self.item = item
        self.steering = steering
        self.faults: list[str] = []

    def fault(self, name: str, present: bool) -> None:  # noqa: FBT001 - a plain predicate
        if present and name not in self.faults:
            self.faults.append(name)

    def value(self, operand: Operand) -> AttributeValue | None:
        if isinstance(operand, Value):
            return operand.wire
        found = resolve(self.item, operand.segments)
        if isinstance(operand, Ref):
            return found
        self.sized(found)
        return _size(found)

    def sized(self, found: AttributeValue | None) -> None:
        steering = self.steering
        self.fault(SIZE_ABSENT, not steering.sizes_absent and found is None)
        self.fault(
            SIZE_SCALARS, not steering.sizes_scalars and _kind(found) in _SCALARS_WITHOUT_SIZE
        )
        if found is not None and "S" in found:
            text: str = found["S"]
            self.fault(SIZE_UTF16, not steering.utf16_size and len(_utf16(text)) // 2 != len(text))

    def ordered(self, left: AttributeValue | None, right: AttributeValue | None) -> None:
        if left is None or right is None:
            return
        kinds = (_kind(left), _kind(right))
        mixed = kinds[0] != kinds[1] or kinds[0] not in _ORDERED
        self.fault(ORDER_TYPES, not self.steering.orders_mixed_types and mixed)
        self.fault(
            STRING_ORDER, not self.steering.utf8_string_order and _orders_differ(left, right)
        )

    def equality(self, left: AttributeValue | None, right: AttributeValue | None) -> None:
        kinds = {_kind(left), _kind(right)}
        self.fault(EQUAL_TYPES, not self.steering.bool_is_not_number and kinds == {"BOOL", "N"})
        self.fault(
            DOCUMENT_EQUALITY,
            not self.steering.document_equality and _document(left) and _document(right),
        )

    def walk(self, node: Node) -> None:
        steering = self.steering
        if isinstance(node, And | Or):
            self.walk(node.left)
            self.walk(node.right)
        elif isinstance(node, Not):
            self.walk(node.inner)
        elif isinstance(node, Compare):
            left, right = self.value(node.left), self.value(node.right)
            both_absent = left is None and right is None
            self.fault(ABSENT_OPERANDS, not steering.absent_operands and both_absent)
            if node.op in ("=", "<>"):
                self.equality(left, right)
            else:
                self.ordered(left, right)
        elif isinstance(node, Between):
            found = self.value(node.left)
            for bound in (node.low, node.high):
                self.ordered(found, self.value(bound))
            self.fault(FALSY_VALUES, not steering.falsy_values and _falsy(found))
        elif isinstance(node, In):
            found = self.value(node.left)
            for value in node.values:
                self.equality(found, self.value(value))
            self.fault(FALSY_VALUES, not steering.falsy_values and _falsy(found))
        elif isinstance(node, Function):
            self.function(node)

    def function(self, node: Function) -> None:
        steering = self.steering
        found = resolve(self.item, node.path.segments)
        operand = None if node.operand is None else self.value(node.operand)
        kind = _kind(found)
        if node.name == "attribute_type":
            self.fault(FALSY_VALUES, not steering.falsy_values and _falsy(found))
        elif node.name == "begins_with":
            self.fault(BINARY_BEGINS_WITH, not steering.binary_begins_with and kind == "B")
            mismatched = kind is not None and kind != _kind(operand)  # N, L; S with a B prefix
            self.fault(BEGINS_WITH_TYPES, not steering.begins_with_any_type and mismatched)
        elif node.name == "contains":
            self.fault(BINARY_CONTAINS, not steering.binary_contains and kind == "B")
            lists_documents = kind == "L" and _kind(operand) not in ("S", "N", "B")
            self.fault(DOCUMENT_EQUALITY, not steering.document_equality and lists_documents)


def _size(found: AttributeValue | None) -> AttributeValue | None:
    if found is None:
        return None
    ((kind, body),) = found.items()
    if kind == "S":
        return {"N": str(len(_utf16(body)) // 2)}
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return {"N": str(len(body))}
    return None


def condition_faults(node: Node | None, item: Item | None, steering: Steering) -> list[str]:
    """The faults (docs/fidelity.md anchors) `node` reaches on `item` (None: no item)."""
    if node is None:
        return []
    judge = _Judge(item or {}, steering)
    judge.walk(node)
    return judge.faults


def patch_faults(patch: Patch, item: Item | None, steering: Steering) -> list[str]:
    """The faults the patch's changes reach on `item`: list indexes, sums, orphan paths."""
    stored = item or {}
    faults = [
        fault for action in patch.actions for fault in _action_faults(action, stored, steering)
    ]
    sets_past_end: Counter[tuple[Any, ...]] = Counter()
    removals: Counter[tuple[Any, ...]] = Counter()
    for action in patch.actions:
        *parents, last = action.segments
        if not isinstance(last, int):
            continue
        listed = resolve(stored, tuple(parents))
        length = len(listed["L"]) if listed is not None and "L" in listed else 0
        if action.kind == "remove":
            removals[tuple(parents)] += 1
        elif last >= length:
            sets_past_end[tuple(parents)] += 1
    if not steering.list_sets_in_index_order and any(n > 1 for n in sets_past_end.values()):
        faults.append(LIST_SETS)
    if not steering.list_removals_before and any(n > 1 for n in removals.values()):
        faults.append(LIST_REMOVALS)
    return sorted(set(faults))


def _action_faults(action: Action, stored: Item, steering: Steering) -> list[str]:
    """The faults one change reaches: a sum DynamoDB refuses, a removal under no parent."""
    faults = []
    *parents, last = action.segments
    if action.kind == "remove" and parents and not steering.refuses_orphan_removals:
        parent = resolve(stored, tuple(parents))
        if parent is None or ("L" if isinstance(last, int) else "M") not in parent:
            faults.append(REMOVE_UNDER_ABSENT)
    if (
        action.kind == "add"
        and not steering.exact_sums
        and action.value is not None
        and "N" in action.value
    ):
        current = resolve(stored, action.segments)
        base = current.get("N") if current is not None else "0"
        if base is not None and _sum_out_of_range(base, action.value["N"]):
            faults.append(SUM_DIGITS)
    if (
        action.kind == "add"
        and not steering.sums_past_28_digits
        and action.value is not None
        and "N" in action.value
    ):
        current = resolve(stored, action.segments)
        base = current.get("N") if current is not None else "0"
        if base is not None and _digits(base, action.value["N"]) > _PYTHON_DIGITS:
            faults.append(SUM_ROUNDED)
    return faults


def _digits(base: str, addend: str) -> int:
    """Significant digits of the exact sum (0 for a sum DynamoDB cannot hold)."""
    try:
        text = normalized_number(_EXACT.add(Decimal(base), Decimal(addend)))
    except (ValueError, InvalidOperation):
        return 0
    return len(text.replace("-", "").replace(".", "").strip("0"))


def _sum_out_of_range(base: str, addend: str) -> bool:
    try:
        normalized_number(_EXACT.add(Decimal(base), Decimal(addend)))
    except (ValueError, InvalidOperation):
        return True
    return False
