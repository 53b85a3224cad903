"""Entity types: the name each model class stores with its items, and reads by.

Every create and batch write stores the item's entity name in one attribute (``_entity``
unless the store is told otherwise), so that a partition holding several types reads
back each item as its own class; an update stores it only where it is missing. A name
belongs to one class per process: the first class to use it claims it, and another
class that claims it later is refused, naming both. A class that declares
``entity=OtherClass`` is a view of that entity: it shares its name without a conflict.
"""

from __future__ import annotations

import threading
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, TypeAlias

from ._item import KeyValueItem, VersionedItem

if TYPE_CHECKING:
    from ._limits import Item

DEFAULT_ENTITY_ATTRIBUTE = "_entity"
"""Where the entity name is stored: no pydantic field can have this name (a leading '_')."""

MAX_ENTITY_CHARS = 255

OnOther: TypeAlias = Literal["skip", "raise"]
"""What a read does with an item whose entity is none of the classes asked for."""

ON_OTHER_VALUES: tuple[OnOther, ...] = ("skip", "raise")


class EntityError(ValueError):
    """A model class cannot be used as an entity type; the caller adds operation and key."""


_LOCK = threading.Lock()
_CLAIMED: dict[str, type[KeyValueItem]] = {}
_NAMES: dict[type[KeyValueItem], str] = {}


def entity_name(model_class: type[KeyValueItem]) -> str:
    """The entity name `model_class` stores with its items, claiming it on first use.

    It is the name given as ``class Order(KeyValueItem, entity="order")``, the name of
    the class given as ``entity=Order`` (a view), or else the class's ``__name__``. A
    class defined again at the same module and qualified name (a reload, or a model
    built by ``create_model`` in a loop) takes its name over.

    Raises:
        EntityError: If another class has claimed the name in this process.
    """
    name = _NAMES.get(model_class)
    return name if name is not None else _claim(model_class)


def _claim(model_class: type[KeyValueItem]) -> str:
    declared = model_class.__dict__.get("__entity__")
    if isinstance(declared, type) and issubclass(declared, KeyValueItem):
        name = entity_name(declared)  # a view shares its entity's name
        with _LOCK:
            _NAMES[model_class] = name
        return name
    name = declared if isinstance(declared, str) else model_class.__name__
    with _LOCK:
        holder = _CLAIMED.get(name)
        if holder is not None and holder is not model_class:
            if not _same_place(holder, model_class):
                raise EntityError(_conflict(name, model_class, holder))
            _NAMES.pop(holder, None)
        _CLAIMED[name] = model_class
        _NAMES[model_class] = name
    return name


def view_of(model_class: type[KeyValueItem]) -> type[KeyValueItem] | None:
    """The class `model_class` is a view of (``entity=Order``), or None if it is not one."""
    declared = model_class.__dict__.get("__entity__")
    return declared if isinstance(declared, type) and issubclass(declared, KeyValueItem) else None


def check_declared_entity(model_class: type, entity: object) -> None:
    """Refuse, when a class is defined, an ``entity=`` that cannot name an entity.

    Raises:
        TypeError: If `entity` is neither a name nor a KeyValueItem class.
        ValueError: If the name is empty or longer than 255 characters.
    """
    if isinstance(entity, type) and issubclass(entity, KeyValueItem):
        return
    if not isinstance(entity, str):
        name = model_class.__name__
        msg = f"{name}: entity= takes a name or a KeyValueItem class, not {entity!r}"
        raise TypeError(msg)
    if not entity or len(entity) > MAX_ENTITY_CHARS:
        msg = f"{model_class.__name__}: an entity name is 1 to {MAX_ENTITY_CHARS} characters"
        raise ValueError(msg)


def _same_place(one: type, other: type) -> bool:
    return (one.__module__, one.__qualname__) == (other.__module__, other.__qualname__)


def _conflict(name: str, model_class: type, holder: type) -> str:
    return (
        f"{_where(model_class)} and {_where(holder)} both claim the entity name {name!r}; "
        f'give one another name (class {model_class.__name__}(..., entity="...")), or make '
        f"it a view of the other (entity={holder.__name__})"
    )


def _where(model_class: type) -> str:
    return f"{model_class.__module__}.{model_class.__qualname__}"


@dataclass(frozen=True, slots=True)
class ReadTypes:
    """The model classes a read asked for, by the entity name each stores."""

    classes: tuple[type[KeyValueItem], ...]
    """In the order given: an item stored without an entity tries them in this order."""
    by_entity: dict[str, type[KeyValueItem]]
    any_entity: type[KeyValueItem] | None = None
    """KeyValueItem or VersionedItem itself, if asked for: it reads items of any entity."""

    @property
    def names(self) -> str:
        """The classes' names, for messages: ``Customer | Order``."""
        return " | ".join(cls.__name__ for cls in self.classes)


def read_types(model_class: object) -> ReadTypes:
    """The classes a read's `model_class` names: a class, a union of classes, or a tuple.

    Raises:
        EntityError: If it names anything but KeyValueItem subclasses, or a class whose
            entity name another class has claimed.
    """
    try:
        return _read_types(model_class)
    except TypeError:  # unhashable: a list, a dict...
        raise EntityError(_not_a_model(model_class)) from None


@lru_cache(maxsize=1024)
def _read_types(model_class: object) -> ReadTypes:
    members = _members(model_class)
    if not members or not all(_is_model(member) for member in members):
        raise EntityError(_not_a_model(model_class))
    classes = tuple(dict.fromkeys(typing.cast("list[type[KeyValueItem]]", members)))
    by_entity: dict[str, type[KeyValueItem]] = {}
    for cls in classes:
        if not is_abstract(cls):
            by_entity.setdefault(entity_name(cls), cls)  # of two views, the first given reads
    any_entity = next((cls for cls in classes if is_abstract(cls)), None)
    return ReadTypes(classes, by_entity, any_entity)


def is_abstract(model_class: type[KeyValueItem]) -> bool:
    """Whether `model_class` is KeyValueItem or VersionedItem itself, which name no entity.

    Their items store no entity name (a key and, for VersionedItem, a version: a
    placeholder a later write of a real class completes), and a read as one of them
    reads an item of any entity.
    """
    return model_class in _ABSTRACT


_ABSTRACT: frozenset[type[KeyValueItem]] = frozenset({KeyValueItem, VersionedItem})


def _members(model_class: object) -> list[object]:
    if isinstance(model_class, tuple):
        return [member for part in model_class for member in _members(part)]
    if isinstance(model_class, types.UnionType) or typing.get_origin(model_class) is typing.Union:
        return [member for part in typing.get_args(model_class) for member in _members(part)]
    return [model_class]


def _is_model(member: object) -> bool:
    return isinstance(member, type) and issubclass(member, KeyValueItem)


def _not_a_model(model_class: object) -> str:
    return (
        "model_class must be a KeyValueItem subclass, a union of them (Customer | Order) "
        f"or a tuple of them, not {model_class!r}"
    )


def check_on_other(on_other: object) -> OnOther:
    """`on_other` if it is ``"skip"`` or ``"raise"``.

    Raises:
        EntityError: If it is neither.
    """
    if on_other not in ON_OTHER_VALUES:
        msg = f"on_other must be 'skip' or 'raise', not {on_other!r}"
        raise EntityError(msg)
    return on_other


def check_entity_attribute(attribute: object) -> str:
    """`attribute` if it can hold entity names: a name of 1 to 255 characters, not a key.

    Raises:
        ValueError: If it cannot.
    """
    if not isinstance(attribute, str) or not attribute or len(attribute) > MAX_ENTITY_CHARS:
        msg = f"entity_attribute is a name of 1 to {MAX_ENTITY_CHARS} characters, not {attribute!r}"
        raise ValueError(msg)
    if attribute in ("pk", "sk"):
        msg = "entity_attribute cannot be a key attribute (pk or sk)"
        raise ValueError(msg)
    return attribute


def stored_entity(item: Item, attribute: str) -> str | None:
    """The entity name stored in `item` under `attribute`, or None (an item from before)."""
    value = item.get(attribute)
    text = None if value is None else value.get("S")
    return text if isinstance(text, str) else None
