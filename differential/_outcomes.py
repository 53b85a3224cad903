"""What one call did, in a form two stores' answers can be compared in.

Equality is strict where Python's is loose: ``Decimal("1.50") == Decimal("1.5")``,
``True == 1`` and ``0.0 == -0.0`` all hold, yet a user can tell each pair apart, so
the canonical form keeps the type and the exact text of every value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

from lvrgd.common.services.kvstore import ConditionFailedError, KeyValueStoreError

Canonical = tuple[object, ...]
Kind = Literal["ok", "error", "leak"]


def canonical(value: object) -> Canonical:  # noqa: PLR0911 - one branch per kind of value
    """A hashable, strictly comparable form of `value` that keeps types and exact text."""
    if isinstance(value, BaseModel):
        return (type(value).__qualname__, canonical(value.model_dump(mode="python")))
    if isinstance(value, bool | int | str | bytes) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, float):
        return ("float", value.hex() if math.isfinite(value) else repr(value))
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, Mapping):
        return ("dict", tuple(sorted(((repr(k), canonical(v)) for k, v in value.items()))))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(canonical(element) for element in value))
    if isinstance(value, AbstractSet):
        return (type(value).__name__, tuple(sorted((canonical(e) for e in value), key=repr)))
    return (type(value).__qualname__, repr(value))


@dataclass(frozen=True)
class Outcome:
    """A call's result: a canonical value, a port error, or a leaked non-port error.

    Attributes:
        kind: ``ok``, ``error`` (a KeyValueStoreError) or ``leak`` (anything else).
        value: The canonical result, or the error's class name.
        detail: The error's message, for reports; not compared.
        met: Of a failed condition (ConditionFailedError and its kinds), the item it
            met (``.item``), canonical; compared.
    """

    kind: Kind
    value: object
    detail: str = ""
    met: object = None

    def same_as(self, other: Outcome) -> bool:
        """Whether two outcomes are the same: same kind, value and item met."""
        return (self.kind, self.value, self.met) == (other.kind, other.value, other.met)

    def __str__(self) -> str:
        """A short description for a report."""
        if self.kind == "ok":
            return f"ok {_clip(repr(self.value))}"
        met = "" if self.met is None else f" (item met: {_clip(repr(self.met))})"
        return f"{self.kind} {self.value}: {_clip(self.detail)}{met}"


def outcome_of(call: Callable[[], object]) -> Outcome:
    """Run `call` and say what it did; never raises (but for BaseException)."""
    try:
        result = call()
    except ConditionFailedError as error:
        met = None if error.item is None else canonical(error.item)
        return Outcome("error", type(error).__name__, str(error), met)
    except KeyValueStoreError as error:
        return Outcome("error", type(error).__name__, str(error))
    except Exception as error:  # noqa: BLE001 - a leaked error is the finding, so catch it all
        name = f"{type(error).__module__}.{type(error).__qualname__}"
        return Outcome("leak", name, str(error))
    return Outcome("ok", canonical(result))


def classify(memory: Outcome, engine: Outcome) -> str:
    """A first classification of a disagreement, for the failure message."""
    if engine.kind == "leak":
        return "adapter bug: DynamoDBService let a non-port error escape"
    if memory.kind == "leak":
        return "in-memory bug: InMemoryKeyValueStore let a non-port error escape"
    return (
        "disagreement: an in-memory bug if DynamoDB's documentation sides with the engine, "
        "else an engine fault to record in docs/fidelity.md and steer away from"
    )


_CLIP = 600


def _clip(text: str) -> str:
    return text if len(text) <= _CLIP else f"{text[:_CLIP]}... ({len(text)} chars)"
