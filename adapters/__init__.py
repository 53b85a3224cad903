"""The backends the contract suite runs on, one module each, chosen by name.

A harness module is imported only when its backend is chosen, so a run on the
in-memory store needs none of the engines' packages.
"""

from __future__ import annotations

import importlib

from ._harness import Feature, Harness

BACKENDS: dict[str, str] = {
    "memory": "adapters.memory:MemoryHarness",
    "moto": "adapters.moto:MotoHarness",
    "dynalite": "adapters.dynalite:DynaliteHarness",
    "ministack": "adapters.ministack:MinistackHarness",
    "dynamodb-local": "adapters.dynamodb_local:DynamoDBLocalHarness",
    "endpoint": "adapters.endpoint:EndpointHarness",
}
"""Backend name to the harness class that brings it up, as ``module:Class``."""

ONLY_BY_NAME = frozenset({"endpoint"})
"""Backends that run only when named: they need the user's endpoint and credentials."""


def harness_for(name: str) -> Harness:
    """A new harness for the backend called `name`.

    Raises:
        KeyError: If no backend has that name.
    """
    module_name, class_name = BACKENDS[name].split(":")
    harness: Harness = getattr(importlib.import_module(module_name), class_name)()
    return harness


__all__ = ["BACKENDS", "ONLY_BY_NAME", "Feature", "Harness", "harness_for"]
