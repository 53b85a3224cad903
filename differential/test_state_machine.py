"""The in-memory store and DynamoDBService on an engine, driven by one random sequence.

Each step runs the same call on both stores and requires the same outcome: the same
models (compared strictly, types and exact text included), or the same port error
class. A non-port error escaping either store fails the step. Where an engine is
known to break DynamoDB's documentation, generation steers away from it for that
engine only (``differential/_steering.py``, docs/fidelity.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from differential._models import Everything
from differential._outcomes import Outcome, classify, outcome_of
from differential._profiles import active_profile
from differential._stats import STATS
from differential._strategies import big_items, keys, query_calls, readers, writes
from lvrgd.common.services import InMemoryKeyValueStore, LoggingService
from lvrgd.common.services.kvstore import KeyValueItem
from lvrgd.common.services.kvstore._limits import partition_key_problem

if TYPE_CHECKING:
    from collections.abc import Callable

    from differential._engine import EngineUnderTest
    from lvrgd.common.services.kvstore import KeyValueStore

Key = tuple[str, str]


class DifferentialMachine(RuleBasedStateMachine):
    """Memory on one side, an engine on the other; every call compared."""

    under_test: ClassVar[EngineUnderTest]
    engine_store: ClassVar[KeyValueStore]
    pool = Bundle("keys")

    def __init__(self) -> None:
        """A fresh in-memory store; the engine's table is emptied after each example."""
        super().__init__()
        self.memory = InMemoryKeyValueStore(LoggingService("differential"))
        self.engine = type(self).engine_store
        self.steering = self.under_test.steering
        self.touched: set[str] = set()
        STATS.example(self.under_test.name, "state_machine")

    @initialize(target=pool, key=keys())
    def first_key(self, key: Key) -> Key:
        """Every run starts with one key to work on."""
        return key

    @rule(target=pool, key=keys())
    def another_key(self, key: Key) -> Key:
        """Add a key to the pool the other rules draw from."""
        return key

    @rule(target=pool, key=pool, data=st.data())
    def create(self, key: Key, data: st.DataObject) -> Key:
        """Create an item on both stores; its key goes back to the pool, to be used more."""
        item = data.draw(writes(*key, self.steering, for_update=False))
        self._compare("create", f"create({item!r})", lambda s: s.create(item), key[0])
        return key

    @rule(key=pool, data=st.data())
    def update(self, key: Key, data: st.DataObject) -> None:
        """Update an item on both stores."""
        item = data.draw(writes(*key, self.steering, for_update=True))
        self._compare("update", f"update({item!r})", lambda s: s.update(item), key[0])

    @rule(key=pool)
    def delete(self, key: Key) -> None:
        """Delete a key on both stores."""
        self._compare("delete", f"delete{key!r}", lambda s: s.delete(*key), key[0])

    @rule(key=pool, reader=readers())
    def get_one(self, key: Key, reader: type[KeyValueItem]) -> None:
        """Read a key on both stores, as one of the models."""
        shown = f"get_one({key[0]!r}, {key[1]!r}, {reader.__name__})"
        self._compare("get_one", shown, lambda s: s.get_one(*key, reader))

    @rule(key=pool, near=pool, data=st.data())
    def query(self, key: Key, near: Key, data: st.DataObject) -> None:
        """query_by_pk with a condition (or none, or two), a limit, an order."""
        call = data.draw(query_calls(key[0], (key[1], near[1]), self.steering))
        self._compare("query_by_pk", str(call), call.run)

    @rule(data=st.data())
    def create_big(self, data: st.DataObject) -> None:
        """Create an item near, at or just past 400 KB."""
        item = data.draw(big_items(self.steering, for_update=False))
        shown = f"create({_sized(item)})"
        self._compare("create_big", shown, lambda s: s.create(item), item.pk)

    @rule(data=st.data())
    def update_big(self, data: st.DataObject) -> None:
        """Update an item with a payload near 400 KB, over what another model stored."""
        item = data.draw(big_items(self.steering, for_update=True))
        shown = f"update({_sized(item)})"
        self._compare("update_big", shown, lambda s: s.update(item), item.pk)

    @rule()
    def whole_partitions(self) -> None:
        """Every partition written so far, read whole, is the same in both stores."""
        for pk in sorted(self.touched):
            shown = f"query_by_pk({pk[:40]!r}, Everything)"
            self._compare("whole_partition", shown, _whole_partition(pk))

    def teardown(self) -> None:
        """Empty what this example wrote on the engine; a new table if that fails."""
        try:
            for pk in self.touched:
                for item in self.engine.query_by_pk(pk, KeyValueItem):
                    self.engine.delete(item.pk, item.sk)
        except Exception:  # noqa: BLE001 - whatever broke, the next example needs an empty table
            self.engine.close()
            type(self).engine_store = self.under_test.new_store()
        self.memory.close()

    def _compare(
        self,
        operation: str,
        shown: str,
        call: Callable[[KeyValueStore], object],
        written_pk: str | None = None,
    ) -> None:
        if written_pk is not None and partition_key_problem(written_pk) is None:
            self.touched.add(written_pk)
        memory = outcome_of(lambda: call(self.memory))
        engine = outcome_of(lambda: call(self.engine))
        STATS.step(
            self.under_test.name,
            operation,
            engine.kind,
            str(engine.value) if engine.kind != "ok" else "",
        )
        if memory.same_as(engine) and "leak" not in (memory.kind, engine.kind):
            return
        raise AssertionError(_report(self.under_test.name, shown, memory, engine))


def _whole_partition(pk: str) -> Callable[[KeyValueStore], object]:
    return lambda store: store.query_by_pk(pk, Everything)


def _report(engine_name: str, shown: str, memory: Outcome, engine: Outcome) -> str:
    return (
        f"\n{shown}\n  memory:    {memory}\n  {engine_name + ':':<10} {engine}\n"
        f"  -> {classify(memory, engine)}"
    )


def _sized(item: KeyValueItem) -> str:
    fields = {
        name: (f"<{len(value)} {type(value).__name__}>" if len(value) > 64 else value)
        if isinstance(value, str | bytes)
        else value
        for name, value in item.model_dump().items()
    }
    return f"{type(item).__name__}({fields})"


def test_memory_and_engine_agree_on_every_call(engine: EngineUnderTest) -> None:
    """Random call sequences give the same answers on memory and on the engine."""

    class Machine(DifferentialMachine):
        under_test = engine
        engine_store = engine.new_store()

    try:
        run_state_machine_as_test(Machine, settings=active_profile().machine)
    finally:
        Machine.engine_store.close()
