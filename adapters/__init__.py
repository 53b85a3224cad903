"""The backends tests run on, one module each, chosen by name.

A harness module is imported only when its backend is chosen, so a run on the
in-memory store needs none of the engines' packages. The package ships in the
wheel as ``lvrgd.common.services.testing.adapters``, and is imported by that name
only, in the repository too (where this directory is its source).
"""

from __future__ import annotations

PACKAGE = "lvrgd.common.services.testing.adapters"
if __name__ != PACKAGE:  # a checkout's top-level name: refused before anything runs
    msg = f"import the backends as {PACKAGE}, not as {__name__}: one module, one name"
    raise ImportError(msg)

# The imports follow the check, so that nothing is imported under the refused name.
import importlib  # noqa: E402
import re  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from ._harness import (  # noqa: E402
    AsyncHarness,
    BackendOptions,
    FactoryBackend,
    Feature,
    Harness,
    StoreBackend,
)
from ._process import EngineUnavailableError  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

    from lvrgd.common.services.kvstore import KeyValueStore
    from lvrgd.common.services.logging import LoggingService

BACKENDS: dict[str, str] = {
    "memory": "memory:MemoryHarness",
    "memory-manual": "memory:MemoryHarness",
    "memory-random": "memory:MemoryHarness",
    "memory-async": "memory:MemoryHarness",
    "moto": "moto:MotoHarness",
    "dynalite": "dynalite:DynaliteHarness",
    "ministack": "ministack:MinistackHarness",
    "dynamodb-local": "dynamodb_local:DynamoDBLocalHarness",
    "endpoint": "endpoint:EndpointHarness",
    "moto-async": "moto:MotoHarness",
    "dynalite-async": "dynalite:DynaliteHarness",
    "ministack-async": "ministack:MinistackHarness",
    "dynamodb-local-async": "dynamodb_local:DynamoDBLocalHarness",
    "endpoint-async": "endpoint:EndpointHarness",
}
"""Backend name to the harness class that brings it up, as ``module:Class`` here.

A name ending in ``-async`` is the async form of the backend it names without the
suffix: the same harness, whose async stores the contract suite drives in sync form.
"""
ASYNC_SUFFIX = "-async"

ONLY_BY_NAME = frozenset({"endpoint", "endpoint-async"})
"""Backends that run only when named: they need the user's endpoint and credentials."""
_SEEDED_MEMORY = re.compile(r"memory-random-\d{1,9}")


def is_builtin(name: str) -> bool:
    """Whether `name` is a built-in backend: one of BACKENDS, or ``memory-random-SEED``."""
    return name in BACKENDS or _SEEDED_MEMORY.fullmatch(name) is not None


def harness_for(name: str, options: BackendOptions | None = None) -> Harness:
    """A new, unstarted harness for the built-in backend called `name`.

    Raises:
        KeyError: If no built-in backend has that name.
    """
    if not is_builtin(name):
        raise KeyError(name)
    if name.endswith(ASYNC_SUFFIX):
        from ._blocking import AsyncForm  # noqa: PLC0415 - anyio only when an async form is chosen

        inner: Any = harness_for(name.removesuffix(ASYNC_SUFFIX), options)
        return AsyncForm(inner, name)
    if name.startswith("memory"):
        from .memory import MemoryHarness  # noqa: PLC0415 - imported when chosen, as the others

        return MemoryHarness(options, name)
    module_name, class_name = BACKENDS[name].split(":")
    module = importlib.import_module(f".{module_name}", __name__)
    harness: Harness = getattr(module, class_name)(options)
    return harness


def load_harness(spec: str) -> Harness:
    """The backend a ``module:attribute`` spec names, not started.

    The attribute is a harness class (built with no arguments, e.g. a StoreBackend
    subclass), a harness, or a function that builds an empty store from a logger
    (its backend is named after the function and lacks nothing).

    Raises:
        ValueError: If the spec is not ``module:attribute`` or names no such thing.
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        msg = f"{spec!r}: a backend of your own is given as module:attribute"
        raise ValueError(msg)
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except ModuleNotFoundError as exc:
        hint = "install it, or run `python -m pytest` from the directory that holds it"
        msg = f"{spec!r}: {exc} ({hint})"
        raise ValueError(msg) from exc
    except (ImportError, AttributeError) as exc:
        msg = f"{spec!r}: {exc}"
        raise ValueError(msg) from exc
    if isinstance(target, type):
        target = target()
    if all(hasattr(target, member) for member in ("name", "lacks", "new_store", "release")):
        harness: Harness = target
        return harness
    if callable(target):
        factory: Callable[[LoggingService], KeyValueStore] = target
        return FactoryBackend(attribute, factory)
    msg = f"{spec!r} is neither a backend (see StoreBackend) nor a function making a store"
    raise ValueError(msg)


__all__ = [
    "ASYNC_SUFFIX",
    "BACKENDS",
    "ONLY_BY_NAME",
    "AsyncHarness",
    "BackendOptions",
    "EngineUnavailableError",
    "FactoryBackend",
    "Feature",
    "Harness",
    "StoreBackend",
    "harness_for",
    "is_builtin",
    "load_harness",
]
