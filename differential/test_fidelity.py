"""Each documented behaviour, probed on the in-memory store and on each engine.

The outcomes must be the ones recorded in ``_behaviours.py``, from which docs/fidelity.md's
table is rendered: an engine that changes, or a store that regresses, fails here
first, and the page cannot drift from what the probes see.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from differential._behaviours import BEHAVIOURS
from differential._fidelity import PAGE, render
from differential._raw import RawTable, create_indexed_table, raw_table
from differential._stats import STATS
from differential._steps_indexes import index_specs
from lvrgd.common.services import InMemoryKeyValueStore, LoggingService

if TYPE_CHECKING:
    from collections.abc import Iterator

    from differential._behaviour import Behaviour
    from differential._engine import EngineUnderTest
    from lvrgd.common.services.kvstore import KeyValueStore

ROOT = Path(__file__).resolve().parent.parent


class _Tables:
    """The probe tables of each engine, made on first use, closed at the session's end.

    An engine has two: the store's own (pk, sk) table, and the indexed table
    (``_raw.PROBE_INDEXES``), created raw through the same client, deleted at the end.
    """

    def __init__(self) -> None:
        self._stores: dict[str, KeyValueStore] = {}
        self._indexed: dict[str, RawTable] = {}

    def of(self, engine: EngineUnderTest) -> RawTable:
        if engine.name not in self._stores:
            self._stores[engine.name] = engine.new_store()
        return raw_table(self._stores[engine.name])

    def indexed(self, engine: EngineUnderTest) -> RawTable:
        if engine.name not in self._indexed:
            self._indexed[engine.name] = create_indexed_table(self.of(engine).client)
        return self._indexed[engine.name]

    def for_behaviour(self, engine: EngineUnderTest, behaviour: Behaviour) -> RawTable:
        return self.indexed(engine) if behaviour.indexed else self.of(engine)

    def close(self) -> None:
        try:
            for table in self._indexed.values():
                table.client.delete_table(TableName=table.name)
        finally:
            for store in self._stores.values():
                store.close()


@pytest.fixture(scope="session")
def probe_tables() -> Iterator[_Tables]:
    """The probes' tables, shared by every probe of an engine (each uses its own keys)."""
    tables = _Tables()
    yield tables
    tables.close()


def _anchor(behaviour: Behaviour) -> str:
    return behaviour.anchor


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=_anchor)
def test_engine_does_what_is_recorded(
    behaviour: Behaviour, engine: EngineUnderTest, probe_tables: _Tables
) -> None:
    STATS.example(engine.name, "fidelity")
    observed = behaviour.on_engine(probe_tables.for_behaviour(engine, behaviour))
    recorded = behaviour.recorded.get(engine.name, behaviour.expected)
    if recorded is None:
        pytest.skip(f"{engine.name}: nothing recorded or documented; it gave {observed!r}")
    assert observed == recorded, f"{engine.name} now gives {observed!r} for {behaviour.anchor}"


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=_anchor)
def test_memory_does_what_is_recorded(behaviour: Behaviour) -> None:
    indexes = index_specs() if behaviour.indexed else ()
    with InMemoryKeyValueStore(LoggingService("fidelity"), indexes=indexes) as store:
        observed = behaviour.on_memory(store)
    assert observed == behaviour.recorded["memory"]


def test_memory_shows_the_documented_outcome_or_says_why() -> None:
    unexplained = [b.anchor for b in BEHAVIOURS if b.deviates("memory") and not b.why]
    assert unexplained == []


def test_table_has_at_least_forty_behaviours_with_unique_anchors() -> None:
    anchors = [b.anchor for b in BEHAVIOURS]
    assert len(anchors) >= 40
    assert len(set(anchors)) == len(anchors)


def test_fidelity_page_shows_the_recorded_outcomes() -> None:
    page = (ROOT / PAGE).read_text(encoding="utf-8")
    assert render() in page, f"run `python -m differential.render_fidelity` to update {PAGE}"
