"""Random patches for the state machine, and the conditional writes it makes.

A patch names one to four paths of a model and a change for each: ``set``, ``remove``,
``add`` (a number, a top-level set), ``append`` (a list), ``set_if_absent``. Paths are
the models' fields, the keys of Payload's `data` map (``data.k``) and the indexes of
its `items` list (``items[0]``, ``items[5]`` past the end); values are drawn from the
field's type, from the item's own values (so that a sum reaches 38 digits, a set
grows by a member it has), and now and then from another type or as None, which the
patch refuses before sending on both stores. A Measure's `size` changes its computed
index key `band`, so a patch of `size` mostly sets or removes `band` too. Each patch
may carry a condition (`differential._conditions`), ``upsert`` and ``return_item``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from differential._conditions import (
    ANY,
    BAND,
    BOOL,
    BYTES_SET,
    DECIMAL,
    FIELDS,
    FLOAT,
    INT,
    LIST,
    LIST_INDEXES,
    MAP,
    MAP_KEYS,
    MIXED_SET,
    NUMBER_SET,
    TEXT_SET,
    DrawnCondition,
    any_values,
    conditions,
    values_of,
)
from differential._models import Measure
from differential._strategies import _mostly, decimals, documents, texts

if TYPE_CHECKING:
    from collections.abc import Callable

    from differential._steering import Steering
    from lvrgd.common.services.kvstore import KeyValueItem, KeyValueStore

SearchStrategy = st.SearchStrategy
KINDS = ("set", "remove", "add", "append", "set_if_absent")
NUMBER_KINDS = (INT, DECIMAL, FLOAT)
SET_KINDS = (TEXT_SET, NUMBER_SET, BYTES_SET, MIXED_SET)
PATCH_MAP_KEYS = tuple(key for key in MAP_KEYS if "." not in key)
"""A patch path splits at ``.``: a key holding one names a deeper path (refused alike)."""


@dataclass(frozen=True)
class PatchCall:
    """One patch: the port's keywords, the model, and the condition (built per store).

    Attributes:
        pk: The item's partition key.
        sk: The item's sort key.
        model: The model class the patch names (maybe not the item's entity).
        changes: The keywords ``set``, ``remove``, ``add``, ``append``, ``set_if_absent``.
        condition: The condition, or None.
        upsert: Whether the patch may create the item.
        return_item: Whether the item after the change is returned.
    """

    pk: str
    sk: str
    model: type[KeyValueItem]
    changes: dict[str, Any] = field(default_factory=dict)
    condition: DrawnCondition | None = None
    upsert: bool = False
    return_item: bool = True

    def run(self, store: KeyValueStore) -> object:
        """Run the patch on `store`; the condition is built here, so a refusal is the store's."""
        condition = None if self.condition is None else self.condition.condition()
        return store.patch(
            self.pk,
            self.sk,
            self.model,
            condition=condition,
            upsert=self.upsert,
            return_item=self.return_item,
            **self.changes,
        )

    def __str__(self) -> str:
        """The call as Python source."""
        changes = ", ".join(f"{kind}={value!r}" for kind, value in self.changes.items())
        return (
            f"patch({self.pk!r}, {self.sk!r}, {self.model.__name__}, {changes}, "
            f"condition={self.condition!r}, upsert={self.upsert}, return_item={self.return_item})"
        )


def _paths(model: type[KeyValueItem]) -> SearchStrategy[tuple[str, str]]:
    """A path of a patch of `model` (``data.k``, ``items[0]`` too), and its kind."""
    fields = FIELDS[model]
    whole = st.sampled_from(list(fields.items()))
    entries = []
    for name, kind in fields.items():
        if kind == MAP:
            entries.append(st.sampled_from([(f"{name}.{key}", ANY) for key in PATCH_MAP_KEYS]))
        elif kind == LIST:
            entries.append(st.sampled_from([(f"{name}[{i}]", ANY) for i in LIST_INDEXES]))
    return _mostly(whole, *entries, weight=3) if entries else whole


def _kinds_for(kind: str) -> tuple[str, ...]:
    """The changes that fit a path of `kind` (others are refused before sending)."""
    if kind in NUMBER_KINDS:
        return ("set", "remove", "add", "add", "set_if_absent")
    if kind in SET_KINDS:
        return ("set", "remove", "add", "add")
    if kind == LIST:
        return ("set", "remove", "append", "append", "set_if_absent")
    return ("set", "remove", "set_if_absent")


def _near_number(value: Any) -> SearchStrategy[Any]:
    """An addend that takes a stored number to 38 digits and past, or to zero."""
    if isinstance(value, bool) or not isinstance(value, int):
        return st.nothing()
    digits = len(str(abs(value))) or 1
    return st.sampled_from(
        (
            -value,
            10 ** max(0, 38 - digits) * 9,
            10**37 * 9,
            -(10**38) + 1,
            1,
        )
    )


_ADDED: dict[str, Callable[[], SearchStrategy[Any]]] = {
    TEXT_SET: lambda: st.sets(texts(), min_size=1, max_size=2),
    NUMBER_SET: lambda: st.frozensets(decimals(), min_size=1, max_size=2),
    BYTES_SET: lambda: st.sets(st.binary(max_size=4), min_size=1, max_size=2),
    MIXED_SET: lambda: (
        st.sets(st.integers(-2, 2), min_size=1, max_size=2)
        | st.sets(st.sampled_from("aé"), min_size=1, max_size=2)
    ),
}
"""Members an ``add`` adds to a set (at least one: an empty set is refused alike)."""


def _value(kind: str, change: str, near: Any, steering: Steering) -> SearchStrategy[Any]:
    """The value of one change: of the field's type, near the stored value; rarely refused."""
    refused = st.none() | any_values(steering)  # refused (or converted) alike
    return _mostly(_fitting(kind, change, near, steering), refused, weight=30)


def _fitting(kind: str, change: str, near: Any, steering: Steering) -> SearchStrategy[Any]:
    """A value that fits the change and the field's type (its limits aside)."""
    if change == "add" and kind in NUMBER_KINDS:
        own = _near_number(near) if kind == INT else st.nothing()
        return _mostly(values_of(kind, steering), own, weight=2)
    if change == "add" and kind in SET_KINDS:
        members = [min(near, key=repr)] if isinstance(near, set | frozenset) and near else []
        added = _ADDED[kind]()
        return st.builds(
            lambda new, old: set(new) | set(old), added, st.just(members) | st.just([])
        )
    if change == "append":
        return st.lists(documents(steering), min_size=1, max_size=2)
    if kind == BOOL:
        return st.booleans()
    if kind == BAND:
        return st.sampled_from(("band#0", "band#1", "band#2"))
    return values_of(kind, steering)


@st.composite
def patch_calls(
    draw: st.DrawFn,
    key: tuple[str, str],
    model: type[KeyValueItem],
    near: dict[str, Any],
    steering: Steering,
) -> PatchCall:
    """A patch of the item at `key` through `model`, `near` its current values (or empty)."""
    chosen = draw(st.lists(_paths(model), min_size=1, max_size=4, unique_by=lambda p: p[0]))
    if model is Measure and any(path == "size" for path, _ in chosen) and draw(st.integers(0, 5)):
        chosen = [(path, kind) for path, kind in chosen if path != "band"]
        chosen.append(("band", "band"))  # a computed index key: set with its source
    changes: dict[str, Any] = {}
    for path, kind in chosen:
        change = draw(_mostly(st.sampled_from(_kinds_for(kind)), st.sampled_from(KINDS), weight=30))
        stored = near.get(path)
        if change == "remove":
            changes.setdefault("remove", []).append(path)
            continue
        changes.setdefault(change, {})[path] = draw(_value(kind, change, stored, steering))
    condition = draw(st.none() | conditions(model, near, steering))
    return PatchCall(
        key[0],
        key[1],
        model,
        changes,
        condition,
        upsert=draw(st.booleans()),
        return_item=draw(st.integers(0, 2)) > 0,
    )
