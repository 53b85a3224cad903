"""How hard the reliability suites push, chosen by ``RELIABILITY_PROFILE``.

``ci`` (the default) keeps every suite to a bounded run of a minute or two in all;
``full`` is the on-demand run whose figures docs/reliability.md reports.
The engine is ministack unless ``RELIABILITY_ENGINE`` names ``moto``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

PROFILE_VARIABLE = "RELIABILITY_PROFILE"
ENGINE_VARIABLE = "RELIABILITY_ENGINE"
FIGURES_VARIABLE = "RELIABILITY_FIGURES"
"""A path: when set, the measured figures are written there as JSON at the end of the run."""


@dataclass(frozen=True)
class Profile:
    """The sizes of one run.

    Attributes:
        name: As ``RELIABILITY_PROFILE`` spells it.
        ambiguous_cases: Cases per kind of write and kind of lost answer.
        race_ops_per_thread: Operations each of the 16 threads runs.
        fuzz_memory_calls: Public-method calls the fuzzer makes on the in-memory store.
        fuzz_engine_calls: Public-method calls the fuzzer makes on the engine.
        fuzz_steps: Calls per hypothesis example (a state machine's steps).
        hostile_examples: Examples of the hostile-name round-trip property per store.
    """

    name: str
    ambiguous_cases: int
    race_ops_per_thread: int
    fuzz_memory_calls: int
    fuzz_engine_calls: int
    fuzz_steps: int
    hostile_examples: int


PROFILES = {
    "ci": Profile(
        "ci",
        ambiguous_cases=2,
        race_ops_per_thread=40,
        fuzz_memory_calls=4_000,
        fuzz_engine_calls=400,
        fuzz_steps=25,
        hostile_examples=25,
    ),
    "full": Profile(
        "full",
        ambiguous_cases=25,
        race_ops_per_thread=400,
        fuzz_memory_calls=110_000,
        fuzz_engine_calls=5_000,
        fuzz_steps=50,
        hostile_examples=300,
    ),
}


def active_profile() -> Profile:
    """The profile ``RELIABILITY_PROFILE`` names, else ``ci``.

    Raises:
        ValueError: If it names a profile that does not exist.
    """
    name = os.environ.get(PROFILE_VARIABLE, "ci")
    if name not in PROFILES:
        msg = f"{PROFILE_VARIABLE}={name!r}; known profiles: {', '.join(PROFILES)}"
        raise ValueError(msg)
    return PROFILES[name]


def engine_name() -> str:
    """The engine the suites run on: ``ministack`` (default) or ``moto``.

    Raises:
        ValueError: If ``RELIABILITY_ENGINE`` names another engine.
    """
    name = os.environ.get(ENGINE_VARIABLE, "ministack")
    if name not in ("ministack", "moto"):
        msg = f"{ENGINE_VARIABLE}={name!r}; the reliability suites run on ministack or moto"
        raise ValueError(msg)
    return name
