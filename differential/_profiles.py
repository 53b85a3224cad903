"""Hypothesis profiles of the differential suite, chosen by ``HYPOTHESIS_PROFILE``.

``ci`` (the default) is bounded so that the whole suite runs in a few minutes on
three engines; ``deep`` is the on-demand search (``tox -e differential-deep``).
The profiles are applied to this suite's tests only, never loaded globally, so
they do not change the settings of other suites run in the same session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, settings

PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "ci"
EXAMPLES_VARIABLE = "DIFFERENTIAL_EXAMPLES"
"""A whole number: the state machine's examples per engine, in place of the profile's
(to fit a deep run into the time at hand); unset, the profile's."""

_SLOW_IS_EXPECTED = [
    HealthCheck.too_slow,  # every step is an HTTP call to an engine
    HealthCheck.data_too_large,  # state machines draw many values per example
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]


@dataclass(frozen=True)
class Profile:
    """How hard the suite searches.

    Attributes:
        name: The profile's name, as ``HYPOTHESIS_PROFILE`` spells it.
        machine: Settings of the state machine (examples and steps per example).
        limits: Settings of the boundary properties in ``test_limits.py``.
    """

    name: str
    machine: settings
    limits: settings


def _settings(max_examples: int, steps: int = 50) -> settings:
    return settings(
        max_examples=max_examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=_SLOW_IS_EXPECTED,
        print_blob=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )


PROFILES = {
    "ci": Profile("ci", machine=_settings(60, steps=40), limits=_settings(40)),
    "deep": Profile("deep", machine=_settings(1500, steps=80), limits=_settings(1000)),
}


def active_profile() -> Profile:
    """The profile ``HYPOTHESIS_PROFILE`` names; ``ci`` when unset or not one of ours.

    Another suite may name its own profiles in the same variable, so an unknown
    name is not an error here; the run's summary says which profile ran.
    ``DIFFERENTIAL_EXAMPLES`` sets the state machine's examples.
    """
    profile = PROFILES.get(os.environ.get(PROFILE_VARIABLE, DEFAULT_PROFILE), PROFILES["ci"])
    examples = os.environ.get(EXAMPLES_VARIABLE, "").strip()
    if examples.isdigit() and int(examples) > 0:
        machine = settings(profile.machine, max_examples=int(examples))
        return Profile(profile.name, machine=machine, limits=profile.limits)
    return profile
