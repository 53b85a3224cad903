"""Write operations as values, and the one rule for when each one's condition fails.

Both adapters turn create, update, delete and a transaction's require into these
values, check them with `condition_error` (the in-memory store against what it holds,
the DynamoDB adapter against the old item a failed condition returns), and settle
a VersionedItem's version after success: the rules live here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from ._attributes import Tag, decode_item, encode_changes, encode_item
from ._entities import (
    DEFAULT_ENTITY_ATTRIBUTE,
    EntityError,
    entity_name,
    is_abstract,
    view_of,
)
from ._errors import (
    ConditionFailedError,
    InvalidItemError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    VersionConflictError,
)
from ._item import KeyValueItem, VersionedItem
from ._limits import Item, ItemView, key_problem
from ._where import Condition

if TYPE_CHECKING:
    from pydantic import BaseModel

VERSION = "version"
MAX_EXPRESSION_BYTES = 4096
"""DynamoDB's longest expression string (UpdateExpression, ConditionExpression...)."""


@dataclass(frozen=True, slots=True)
class Create:
    """Write `item` at a free key; `version` is what a VersionedItem stores, else None."""

    pk: str
    sk: str
    item: Item
    version: int | None = None
    condition: Condition[Any] | None = None
    """What must also hold of the item at the key (of no item: not_exists and != hold)."""
    model: type[BaseModel] | None = None
    """The class an item the condition met is decoded as, for the error."""


@dataclass(frozen=True, slots=True)
class Update:
    """Set and remove attributes of an existing item, at `expected_version` if not None."""

    pk: str
    sk: str
    to_set: Item
    to_remove: tuple[str, ...]
    expected_version: int | None = None
    tag: Tag | None = None
    """The entity attribute and name, stored only where the item has none."""
    condition: Condition[Any] | None = None
    """What must also hold of the stored item."""
    model: type[BaseModel] | None = None
    """The class an item the condition met is decoded as, for the error."""


@dataclass(frozen=True, slots=True)
class Delete:
    """Remove an existing item."""

    pk: str
    sk: str
    condition: Condition[Any] | None = None
    """What must also hold of the stored item."""
    model: type[BaseModel] | None = None
    """The class an item the condition met is decoded as, for the error."""


@dataclass(frozen=True, slots=True)
class Require:
    """Write nothing; the item must exist (a transaction's condition)."""

    pk: str
    sk: str


@dataclass(frozen=True, slots=True)
class Check:
    """Write nothing; `condition` must hold of the item at the key (a transaction's check)."""

    pk: str
    sk: str
    condition: Condition[Any]
    model: type[BaseModel] | None = None
    """The class an item the condition met is decoded as, for the error."""


Write: TypeAlias = Create | Update | Delete | Require | Check


def plan_create(
    operation: str,
    item: KeyValueItem,
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
    condition: object = None,
) -> Create:
    """The Create for `item`, its entity name stored; a VersionedItem is stored at version 1.

    Raises:
        InvalidItemError: If the item breaks a limit, has no wire form, would not read
            back as its own class, or its class's entity name is another class's.
    """
    tag = new_item_tag(operation, item, entity_attribute)
    if not isinstance(item, VersionedItem):
        encoded = encode_item(operation, item, tag=tag)  # first: it refuses a keyless item
        checked = check_condition(operation, item.pk, item.sk, condition, type(item))
        return Create(item.pk, item.sk, encoded, condition=checked, model=type(item))
    _check_version(operation, item)
    encoded = encode_item(operation, item, {VERSION: 1}, tag=tag)
    checked = check_condition(operation, item.pk, item.sk, condition, type(item))
    return Create(item.pk, item.sk, encoded, version=1, condition=checked, model=type(item))


def plan_update(
    operation: str,
    item: KeyValueItem,
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
    condition: object = None,
) -> Update:
    """The Update for `item`; a VersionedItem expects its version and stores the next.

    The item keeps the entity name it has; one stored before entity names gets its
    class's (so an update through a narrower model never changes an item's type).

    Raises:
        InvalidItemError: If the item breaks a limit, has no wire form or would not read
            back as its own class, or the update needs an expression longer than
            DynamoDB's 4 KB.
    """
    tag = item_tag(operation, item, entity_attribute)
    expected = None
    if isinstance(item, VersionedItem):
        _check_version(operation, item)
        expected = item.version
        to_set, to_remove = encode_changes(operation, item, {VERSION: expected + 1}, tag=tag)
    else:
        to_set, to_remove = encode_changes(operation, item, tag=tag)
    expression = update_expression(len(to_set), len(to_remove), tagged=tag is not None)
    if len(expression) > MAX_EXPRESSION_BYTES:
        reason = (
            f"the update changes {len(to_set) + len(to_remove)} attributes, so its expression "
            f"is {len(expression)} bytes; DynamoDB's limit is {MAX_EXPRESSION_BYTES}"
        )
        raise InvalidItemError(operation, item.pk, item.sk, reason)
    checked = check_condition(operation, item.pk, item.sk, condition, type(item))
    return Update(
        item.pk, item.sk, to_set, tuple(to_remove), expected_version=expected, tag=tag,
        condition=checked, model=type(item),
    )  # fmt: skip


def new_item_tag(operation: str, item: object, entity_attribute: str) -> Tag | None:
    """As `item_tag`, for a write that stores a whole new item (create, put_many).

    Raises:
        InvalidItemError: As `item_tag`, and if the item's class is a view: a view holds
            some of its entity's fields, so the item it would store is incomplete.
    """
    entity = view_of(type(item)) if isinstance(item, KeyValueItem) else None
    if entity is not None:
        reason = (
            f"{type(item).__name__} is a view of {entity.__name__}: it can read and update "
            f"such items, but a whole item is written as {entity.__name__}"
        )
        pk, sk = getattr(item, "pk", "?"), getattr(item, "sk", "?")
        raise InvalidItemError(operation, str(pk), str(sk), reason)
    return item_tag(operation, item, entity_attribute)


def item_tag(operation: str, item: object, entity_attribute: str) -> Tag | None:
    """Where `item`'s entity name is stored, and the name; None for no entity.

    KeyValueItem and VersionedItem themselves name no entity; nor does what is not a
    KeyValueItem at all (encoding refuses it, saying what it is).

    Raises:
        InvalidItemError: If the item's class cannot claim its entity name.
    """
    if not isinstance(item, KeyValueItem) or is_abstract(type(item)):
        return None
    try:
        return (entity_attribute, entity_name(type(item)))
    except EntityError as exc:
        pk, sk = getattr(item, "pk", "?"), getattr(item, "sk", "?")
        raise InvalidItemError(operation, str(pk), str(sk), str(exc)) from None


def update_expression(set_count: int, remove_count: int, *, tagged: bool = False) -> str:
    """The UpdateExpression of an update: ``SET #s0 = :s0, ... REMOVE #r0, ...``.

    With `tagged`, the SET clause also stores the entity name where the item has none:
    ``#e = if_not_exists(#e, :e)``. Both adapters need it: DynamoDB's adapter sends it,
    and both refuse an update whose expression is longer than DynamoDB allows.
    """
    clauses = []
    assignments = [f"#s{i} = :s{i}" for i in range(set_count)]
    if tagged:
        assignments.append("#e = if_not_exists(#e, :e)")
    if assignments:
        clauses.append("SET " + ", ".join(assignments))
    if remove_count:
        clauses.append("REMOVE " + ", ".join(f"#r{i}" for i in range(remove_count)))
    return " ".join(clauses)


def plan_delete(operation: str, pk: str, sk: str, condition: object = None) -> Delete:
    """The Delete of (pk, sk), under `condition` if given.

    Raises:
        InvalidItemError: If the key breaks the key limits, or `condition` is not a
            Condition.
    """
    _check_key(operation, pk, sk)
    checked = check_condition(operation, pk, sk, condition)
    return Delete(pk, sk, condition=checked, model=None if checked is None else checked.model)


def plan_check(operation: str, pk: str, sk: str, condition: object) -> Check:
    """The Check of `condition` at (pk, sk).

    Raises:
        InvalidItemError: If the key breaks the key limits, or `condition` is not a
            Condition.
    """
    _check_key(operation, pk, sk)
    checked = check_condition(operation, pk, sk, condition)
    if checked is None:
        raise InvalidItemError(operation, pk, sk, "check takes a condition (built with where)")
    return Check(pk, sk, checked, model=checked.model)


def check_condition(
    operation: str, pk: str, sk: str, condition: object, model: type[BaseModel] | None = None
) -> Condition[Any] | None:
    """`condition` if it is one (or None), checked against DynamoDB's expression limit.

    Args:
        operation: The port's operation, for the error.
        pk: The key's partition key, for the error.
        sk: The key's sort key, for the error.
        condition: What the caller gave.
        model: The class the write is of (None for a delete or a check): a condition
            written for another model reads fields the item does not have.

    Raises:
        InvalidItemError: If it is not a Condition built with `where`, it was written
            for a model other than `model` (one of another entity that `model` does not
            extend), or its expression is longer than DynamoDB's 4 KB.
    """
    if condition is None:
        return None
    if not isinstance(condition, Condition):
        reason = f"condition must be built with where(...), not a {type(condition).__name__}"
        raise InvalidItemError(operation, pk, sk, reason)
    if model is not None and not _reads_model(condition.model, model):
        written = condition.model.__name__
        reason = (
            f"the condition is written for {written} (where({written}, ...)) but the write is "
            f"of {model.__name__}: build it with where({model.__name__}, ...)"
        )
        raise InvalidItemError(operation, pk, sk, reason)
    length = len(condition.compiled.expression.encode("utf-8"))
    if length > MAX_EXPRESSION_BYTES:
        reason = (
            f"the condition's expression is {length} bytes; DynamoDB's limit is "
            f"{MAX_EXPRESSION_BYTES}"
        )
        raise InvalidItemError(operation, pk, sk, reason)
    return condition


def _reads_model(written_for: type[BaseModel], model: type[BaseModel]) -> bool:
    """Whether a condition written for `written_for` reads items written as `model`."""
    if issubclass(model, written_for):
        return True
    return (
        issubclass(written_for, KeyValueItem)
        and issubclass(model, KeyValueItem)
        and entity_name(written_for) == entity_name(model)
    )


def plan_require(operation: str, pk: str, sk: str) -> Require:
    """The Require of (pk, sk).

    Raises:
        InvalidItemError: If the key breaks the key limits.
    """
    _check_key(operation, pk, sk)
    return Require(pk, sk)


def _check_version(operation: str, item: VersionedItem) -> None:
    # pydantic does not validate assignment: `item.version = None` reaches here. It runs
    # before the item is encoded, whose key may be missing (model_construct()).
    version = getattr(item, VERSION, None)
    if isinstance(version, bool) or not isinstance(version, int):
        reason = f"version must be a whole number, not {type(version).__name__}"
        pk, sk = getattr(item, "pk", "?"), getattr(item, "sk", "?")
        raise InvalidItemError(operation, str(pk), str(sk), reason)


def _check_key(operation: str, pk: str, sk: str) -> None:
    problem = key_problem(pk, sk)
    if problem is not None:
        raise InvalidItemError(operation, str(pk), str(sk), problem)


def condition_error(  # noqa: PLR0911 - one outcome per kind of write and failure
    operation: str,
    write: Write,
    stored: ItemView | None,
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
) -> KeyValueStoreError | None:
    """The error `write` meets when the item at its key is `stored` (None: no item).

    The error carries the stored item, decoded as the write's model class.
    """
    if isinstance(write, Check):
        if write.condition.holds(stored):
            return None
        met = met_item(operation, stored, write.model, entity_attribute)
        return ConditionFailedError(operation, write.pk, write.sk, item=met)
    if isinstance(write, Create):
        if stored is not None:
            met = met_item(operation, stored, write.model, entity_attribute)
            return ItemAlreadyExistsError(operation, write.pk, write.sk, item=met)
        if write.condition is not None and not write.condition.holds(None):
            return ConditionFailedError(operation, write.pk, write.sk)
        return None
    if stored is None:
        return ItemNotFoundError(operation, write.pk, write.sk)
    if isinstance(write, Require):
        return None
    expected = write.expected_version if isinstance(write, Update) else None
    if expected is not None and stored_version(stored) != expected:
        met = met_item(operation, stored, write.model, entity_attribute)
        return VersionConflictError(operation, write.pk, write.sk, expected, item=met)
    if write.condition is not None and not write.condition.holds(stored):
        met = met_item(operation, stored, write.model, entity_attribute)
        return ConditionFailedError(operation, write.pk, write.sk, item=met)
    return None


def met_item(
    operation: str, stored: ItemView | None, model: type[BaseModel] | None, entity_attribute: str
) -> Any:
    """The item a failed condition met, as `model`; None if absent or not such an item."""
    if stored is None or model is None or not issubclass(model, KeyValueItem):
        return None
    try:
        return decode_item(operation, stored, model, entity_attribute)
    except InvalidItemError:
        return None


def stored_version(stored: ItemView) -> int | None:
    """The version attribute of a stored item, if it holds a whole number."""
    value = stored.get(VERSION, {}).get("N")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def settle(write: Write, item: KeyValueItem) -> None:
    """After `write` succeeded, give a VersionedItem the version now stored."""
    if not isinstance(item, VersionedItem):
        return
    if isinstance(write, Create) and write.version is not None:
        item.version = write.version
    elif isinstance(write, Update) and write.expected_version is not None:
        item.version = write.expected_version + 1
