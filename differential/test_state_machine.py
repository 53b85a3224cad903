"""The in-memory store and DynamoDBService on an engine, driven by one random sequence.

Each step runs the same call on both stores and requires the same outcome: the same
models (compared strictly, types and exact text included), or the same port error
class. A non-port error escaping either store fails the step. Where an engine is
known to break DynamoDB's documentation, generation steers away from it for that
engine only (``differential/_steering.py``, docs/fidelity.md).

The partitions are item collections: models of several entity types, and a view,
write into the same few partitions (one at a time, several in one put_many, or as a
collection of three to eight items), some items stored without an entity name as
before entity names; reads name one class, a union or a tuple, skip or raise on the
other entities, under ``limit`` or page by page, and get_many reads mixed keys.

Both stores declare the same secondary indexes (`differential._models.INDEXES`: a
sparse global index with a sort key, a KEYS_ONLY one without, an INCLUDE one, the
inverted index and a KEYS_ONLY local one; the engine's table is created with them).
Writes set index keys from small alphabets, or None (out of the index), now and then
one both stores must refuse; index reads take every condition, limits, pages,
``hydrate``, projection models and unions, and the port's refusals. Items sharing an
index key come back in an order DynamoDB does not fix, so index reads are compared
block by block (`differential._index_reads`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)

from differential._condition_faults import condition_faults, patch_faults
from differential._conditions import FIELDS, DrawnCondition, conditions
from differential._index_reads import Ran, compare_index_read, index_of, projects_long_number
from differential._index_strategies import (
    Seen,
    index_page_calls,
    index_query_calls,
    seen_keys,
    whole_index_reads,
)
from differential._models import INDEXES, Measure, Note, NoteView, Payload
from differential._outcomes import Outcome, classify, outcome_of
from differential._patches import PatchCall, patch_calls
from differential._profiles import active_profile
from differential._reads import (
    GetManyCall,
    GetOneCall,
    PageCall,
    QueryCall,
    ReadAs,
    ReadCall,
    coverage,
    whole_partition_read,
)
from differential._stats import STATS
from differential._strategies import (
    big_items,
    collections,
    keys,
    mixed_writes,
    page_calls,
    query_calls,
    read_as,
    untagged,
    writes,
)
from lvrgd.common.services import InMemoryKeyValueStore, LoggingService
from lvrgd.common.services.kvstore import (
    DEFAULT_ENTITY_ATTRIBUTE,
    KeyValueItem,
    KeyValueStoreError,
    entity_name,
)
from lvrgd.common.services.kvstore._limits import partition_key_problem
from lvrgd.common.services.kvstore._patch import plan_patch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from differential._engine import EngineUnderTest
    from lvrgd.common.services.kvstore import KeyValueStore
    from lvrgd.common.services.kvstore._limits import Item

Key = tuple[str, str]
CONDITION_MODELS: tuple[type[KeyValueItem], ...] = tuple(FIELDS)
BY_ENTITY: dict[str, tuple[type[KeyValueItem], ...]] = {
    entity_name(Note): (Note, Note, NoteView),
    entity_name(Measure): (Measure,),
    entity_name(Payload): (Payload,),
}
"""The classes a patch or a condition names for an item of each entity (mostly its own)."""


class DifferentialMachine(RuleBasedStateMachine):
    """Memory on one side, an engine on the other; every call compared."""

    under_test: ClassVar[EngineUnderTest]
    engine_store: ClassVar[KeyValueStore]
    pool = Bundle("keys")

    def __init__(self) -> None:
        """A fresh in-memory store; the engine's table is emptied after each example."""
        super().__init__()
        self.memory = InMemoryKeyValueStore(LoggingService("differential"), indexes=INDEXES)
        self.engine = type(self).engine_store
        self.steering = self.under_test.steering
        self.touched: set[str] = set()
        self.collections: dict[str, set[str]] = {}
        """The partitions item collections were written to, and their sort keys."""
        self.index_keys: dict[str, tuple[set[str], set[str]]] = {}
        """By index, the partition and sort keys writes gave it (some refused)."""
        STATS.example(self.under_test.name, "state_machine")

    @initialize(target=pool, data=st.data())
    def first_key(self, data: st.DataObject) -> Key:
        """Every run starts with one key to work on."""
        return data.draw(keys(self.steering))

    @rule(target=pool, data=st.data())
    def another_key(self, data: st.DataObject) -> Key:
        """Add a key to the pool the other rules draw from."""
        return data.draw(keys(self.steering))

    @rule(target=pool, key=pool, data=st.data())
    def create(self, key: Key, data: st.DataObject) -> Key:
        """Create an item on both stores; its key goes back to the pool, to be used more."""
        item = data.draw(writes(*key, self.steering, for_update=False))
        if self._compare("create", f"create({item!r})", lambda s: s.create(item), key[:1]):
            seen_keys([item], self.index_keys)
        return key

    @rule(key=pool, data=st.data())
    def create_untagged(self, key: Key, data: st.DataObject) -> None:
        """Store an item as before entity names, with none stored, on both stores."""
        item = data.draw(writes(*key, self.steering, for_update=False))
        if self._compare("untagged", f"untagged({item!r})", untagged(item), key[:1]):
            seen_keys([item], self.index_keys)

    @rule(key=pool, data=st.data())
    def update(self, key: Key, data: st.DataObject) -> None:
        """Update an item on both stores (maybe of another entity: it keeps its own)."""
        item = data.draw(writes(*key, self.steering, for_update=True))
        if self._compare("update", f"update({item!r})", lambda s: s.update(item), key[:1]):
            seen_keys([item], self.index_keys)

    @rule(key=pool)
    def delete(self, key: Key) -> None:
        """Delete a key on both stores."""
        self._compare("delete", f"delete{key!r}", lambda s: s.delete(*key), key[:1])

    @rule(chosen=st.lists(pool, min_size=1, max_size=5), data=st.data())
    def put_many(self, chosen: list[Key], data: st.DataObject) -> None:
        """Write items of mixed entity types at pool keys in one put_many."""
        items = [data.draw(mixed_writes(*key, self.steering)) for key in chosen]
        written = [key[0] for key in chosen]
        if self._compare("put_many", f"put_many({items!r})", lambda s: s.put_many(items), written):
            seen_keys(items, self.index_keys)

    @initialize(target=pool, data=st.data())
    def first_collection(self, data: st.DataObject) -> MultipleResults[Key]:
        """Every run starts with an item collection too, for its reads to meet."""
        return self.collection(data)

    @rule(target=pool, data=st.data())
    def collection(self, data: st.DataObject) -> MultipleResults[Key]:
        """Write an item collection: three to eight items of mixed types in one partition."""
        items, how = data.draw(collections(self.steering))
        self.collections.setdefault(items[0].pk, set()).update(item.sk for item in items)
        if how is None:
            shown = f"put_many({items!r})"
            if self._compare("put_many", shown, lambda s: s.put_many(items), [items[0].pk]):
                seen_keys(items, self.index_keys)
        else:
            for item, way in zip(items, how, strict=True):
                if way == "untagged":
                    shown = f"untagged({item!r})"
                    written = self._compare("untagged", shown, untagged(item), [item.pk])
                else:
                    call = _created(item)
                    written = self._compare("create", f"create({item!r})", call, [item.pk])
                if written:
                    seen_keys([item], self.index_keys)
        return multiple(*((item.pk, item.sk) for item in items))

    @rule(key=pool, read=read_as())
    def get_one(self, key: Key, read: ReadAs) -> None:
        """Read a key on both stores, as one class or a union."""
        self._compare_read("get_one", GetOneCall(key, read))

    @rule(chosen=st.lists(pool, max_size=6), read=read_as())
    def get_many(self, chosen: list[Key], read: ReadAs) -> None:
        """Read keys of mixed partitions and entities (some twice, some missing) on both."""
        self._compare_read("get_many", GetManyCall(tuple(chosen), read))

    @rule(key=pool, near=pool, data=st.data())
    def query(self, key: Key, near: Key, data: st.DataObject) -> None:
        """query_by_pk with a condition (or none, or two), a limit, an order, classes."""
        pk, bounds_near = self._partition(key, near, data)
        self._compare_read("query_by_pk", data.draw(query_calls(pk, bounds_near, self.steering)))

    @rule(key=pool, near=pool, data=st.data())
    def query_pages(self, key: Key, near: Key, data: st.DataObject) -> None:
        """query_page from the first page to the last, with a condition, an order, classes."""
        pk, bounds_near = self._partition(key, near, data)
        self._compare_read("query_page", data.draw(page_calls(pk, bounds_near, self.steering)))

    @rule(key=pool, near=pool, data=st.data())
    def index_query(self, key: Key, near: Key, data: st.DataObject) -> None:
        """query_by_pk of an index: its kind, condition, limit, order, classes, hydrate."""
        call = data.draw(index_query_calls(key, near, self.steering, self._seen()))
        self._compare_index_read("query_by_pk[index]", call)

    @rule(key=pool, near=pool, data=st.data())
    def index_pages(self, key: Key, near: Key, data: st.DataObject) -> None:
        """query_page of an index, from the first page to the last, each by its cursor."""
        call = data.draw(index_page_calls(key, near, self.steering, self._seen()))
        self._compare_index_read("query_page[index]", call)

    @rule(key=pool, data=st.data())
    def patch(self, key: Key, data: st.DataObject) -> None:
        """Patch an item on both stores: random changes, a condition, upsert, return_item."""
        model, near = self._meeting(key, data)
        call = data.draw(patch_calls(key, model, near, self.steering))
        if self._steered_patch(call):
            return
        if self._compare("patch", str(call), call.run, key[:1]):
            self._seen_stored(key)

    @rule(key=pool, data=st.data())
    def conditional_write(self, key: Key, data: st.DataObject) -> None:
        """create, update or delete with a random condition, on both stores.

        A create's or update's condition is written for the item's class (another
        entity's is refused alike, before sending); a delete's for the class of the
        item it meets, mostly.
        """
        way = data.draw(st.sampled_from(("create", "update", "delete")))
        if way == "delete":
            model, near = self._meeting(key, data)
            drawn = data.draw(conditions(model, near, self.steering))
            if not self._steered(way, drawn, key):
                shown = f"delete({key!r}, condition={drawn!r})"
                self._compare(
                    "delete", shown, lambda s: s.delete(*key, condition=drawn.condition())
                )
            return
        item = data.draw(writes(*key, self.steering, for_update=way == "update"))
        if type(item) in FIELDS:
            model, near = type(item), self._values(key, type(item))
        else:
            model, near = self._meeting(key, data)
        drawn = data.draw(conditions(model, near, self.steering))
        if self._steered(way, drawn, key):
            return
        shown = f"{way}({item!r}, condition={drawn!r})"

        def call(store: KeyValueStore) -> None:
            write = store.create if way == "create" else store.update
            write(item, condition=drawn.condition())

        if self._compare(way, shown, call, key[:1]):
            seen_keys([item], self.index_keys)

    def _stored(self, key: Key) -> Item | None:
        """The wire item the in-memory store holds at `key`, or None."""
        try:
            found = self.memory._drive(self.memory._fetch(*key))  # noqa: SLF001 - the twin's own item
        except KeyValueStoreError:
            return None
        return None if found is None else dict(found.items())  # its wire form

    def _meeting(self, key: Key, data: st.DataObject) -> tuple[type[KeyValueItem], dict[str, Any]]:
        """The class a patch or condition names at `key`, and the item's values in it.

        Mostly the class of the item's entity (a view of it now and then), else any.
        """
        stored = self._stored(key) or {}
        entity = stored.get(DEFAULT_ENTITY_ATTRIBUTE, {}).get("S")
        own = BY_ENTITY.get(entity, ()) if isinstance(entity, str) else ()
        choices = st.sampled_from(CONDITION_MODELS)
        mostly_own = bool(own) and data.draw(st.integers(0, 5)) > 0
        model = data.draw(st.sampled_from(own) if mostly_own else choices)
        return model, self._values(key, model)

    def _values(self, key: Key, model: type[KeyValueItem]) -> dict[str, Any]:
        """The in-memory store's item at `key` read as `model`: its fields' values, or {}."""
        try:
            found = self.memory.get_one(*key, model)
        except KeyValueStoreError:
            found = None
        return {} if found is None else {name: getattr(found, name) for name in FIELDS[model]}

    def _steered(self, operation: str, drawn: DrawnCondition | None, key: Key) -> bool:
        """Whether the condition meets a fault of this engine on the stored item."""
        if drawn is None:
            return False
        try:
            node = drawn.condition().node
        except KeyValueStoreError:
            return False  # refused when built: on both stores alike
        faults = condition_faults(node, self._stored(key), self.steering)
        if faults:
            STATS.steered(self.under_test.name, operation, faults)
        return bool(faults)

    def _steered_patch(self, call: PatchCall) -> bool:
        """Whether the patch (its condition or its changes) meets a fault of this engine."""
        if self._steered("patch", call.condition, (call.pk, call.sk)):
            return True
        if not self.steering.patches_unreadable_items:
            try:
                self.memory.get_one(call.pk, call.sk, call.model)
            except KeyValueStoreError:  # _steering.KNOWN_BUGS["patch-of-an-unreadable-item"]
                STATS.steered(self.under_test.name, "patch", ["patch-of-an-unreadable-item"])
                return True
        try:
            planned = plan_patch(
                "patch", call.pk, call.sk, call.model,
                set_=call.changes.get("set"), remove=call.changes.get("remove", ()),
                add=call.changes.get("add"), append=call.changes.get("append"),
                set_if_absent=call.changes.get("set_if_absent"), condition=None,
                upsert=call.upsert, return_item=call.return_item,
                entity_attribute=DEFAULT_ENTITY_ATTRIBUTE,
            )  # fmt: skip
        except KeyValueStoreError:
            return False  # refused before sending, on both stores alike
        faults = patch_faults(planned, self._stored((call.pk, call.sk)), self.steering)
        if faults:
            STATS.steered(self.under_test.name, "patch", faults)
        return bool(faults)

    def _seen_stored(self, key: Key) -> None:
        """Add the index keys the in-memory store's item at `key` holds to those seen."""
        stored = self._stored(key) or {}
        for spec in INDEXES:
            pk = stored.get(spec.pk, {}).get("S")
            sk = stored.get(spec.sk, {}).get("S", "") if spec.sk is not None else ""
            if isinstance(pk, str) and pk:
                pks, sks = self.index_keys.setdefault(spec.name, (set(), set()))
                pks.add(pk)
                if sk:
                    sks.add(sk)

    def _seen(self) -> Seen:
        return {
            name: (tuple(sorted(pks)), tuple(sorted(sks)))
            for name, (pks, sks) in self.index_keys.items()
        }

    def _partition(self, key: Key, near: Key, data: st.DataObject) -> tuple[str, Key]:
        """A partition to query, and two sort keys to draw its bounds near.

        `key`'s partition, bounds near `key` and `near`; or as often one an item
        collection was written to, bounds near two of its sort keys; or any partition
        written to.
        """
        choice = data.draw(st.sampled_from(("own", "collection", "written")))
        if choice == "collection" and self.collections:
            pk = data.draw(st.sampled_from(sorted(self.collections)))
            in_it = st.sampled_from(sorted(self.collections[pk]))
            return pk, (data.draw(in_it), data.draw(in_it))
        if choice == "written" and self.touched:
            return data.draw(st.sampled_from(sorted(self.touched))), (key[1], near[1])
        return key[0], (key[1], near[1])

    @rule(data=st.data())
    def create_big(self, data: st.DataObject) -> None:
        """Create an item near, at or just past 400 KB."""
        item = data.draw(big_items(self.steering, for_update=False))
        shown = f"create({_sized(item)})"
        self._compare("create_big", shown, lambda s: s.create(item), [item.pk])

    @rule(data=st.data())
    def update_big(self, data: st.DataObject) -> None:
        """Update an item with a payload near 400 KB, over what another model stored."""
        item = data.draw(big_items(self.steering, for_update=True))
        shown = f"update({_sized(item)})"
        self._compare("update_big", shown, lambda s: s.update(item), [item.pk])

    @rule()
    def whole_partitions(self) -> None:
        """Every partition written so far, read whole, is the same in both stores.

        Each item is read with all it stores, as its entity's ``*Whole`` view (or, with
        no entity name stored, as Everything); an entity never written raises.
        """
        for pk in sorted(self.touched):
            self._compare("whole_partition", str(whole_partition_read(pk)), _whole_partition(pk))

    @rule()
    def whole_indexes(self) -> None:
        """Each index's partitions the writes filled, read whole, agree block by block."""
        for call in whole_index_reads(self._seen()):
            self._compare_index_read("whole_index", call, whole=True)

    def teardown(self) -> None:
        """Empty what this example wrote on the engine; a new table if that fails."""
        try:
            for pk in self.touched:
                for item in self.engine.query_by_pk(pk, KeyValueItem):
                    self.engine.delete(item.pk, item.sk)
        except Exception:  # noqa: BLE001 - whatever broke, the next example needs an empty table
            self.engine.close()
            type(self).engine_store = self.under_test.new_store(INDEXES)
        self.memory.close()

    def _compare_read(self, operation: str, call: ReadCall) -> None:
        """Compare a read; then count what it met in item collections (memory only)."""
        self._compare(operation, str(call), call.run)
        STATS.covered(self.under_test.name, operation, coverage(self.memory, call))

    def _compare_index_read(
        self, operation: str, call: QueryCall | PageCall, *, whole: bool = False
    ) -> None:
        """Compare an index read block by block; count what it met (memory only)."""
        name = self.under_test.name
        index = f"{index_of(call)}{' (whole)' if whole else ''}"
        if not self.steering.index_projects_long_numbers and projects_long_number(
            self.memory, call
        ):  # docs/fidelity.md#index-projection-long-number
            STATS.indexed(name, index, ["steered away"])
            return
        on_memory, on_engine = _ran(call, self.memory), _ran(call, self.engine)
        engine = on_engine.outcome
        STATS.step(name, operation, engine.kind, str(engine.value) if engine.kind != "ok" else "")
        problem, labels = compare_index_read(self.memory, call, on_memory, on_engine)
        if problem is not None:
            report = _report(name, str(call), on_memory.outcome, engine)
            message = f"{report}\n  ({problem})"
            raise AssertionError(message)
        arguments = dict(call.arguments)
        if arguments.get("hydrate"):
            labels.append("hydrate")
        if engine.kind == "ok":
            labels.append("items" if call.found(on_engine.value) else "empty")
        if engine.kind == "error":
            labels.append(f"{engine.value}")
        STATS.indexed(name, index, labels)
        STATS.covered(name, operation, coverage(self.memory, call))

    def _compare(
        self,
        operation: str,
        shown: str,
        call: Callable[[KeyValueStore], object],
        written: Iterable[str] = (),
    ) -> bool:
        """Run the call on both stores and require the same outcome; True if it succeeded."""
        self.touched.update(pk for pk in written if partition_key_problem(pk) is None)
        memory = outcome_of(lambda: call(self.memory))
        engine = outcome_of(lambda: call(self.engine))
        STATS.step(
            self.under_test.name,
            operation,
            engine.kind,
            str(engine.value) if engine.kind != "ok" else "",
        )
        if memory.same_as(engine) and "leak" not in (memory.kind, engine.kind):
            return memory.kind == "ok"
        raise AssertionError(_report(self.under_test.name, shown, memory, engine))


def _ran(call: QueryCall | PageCall, store: KeyValueStore) -> Ran:
    """The call's outcome on `store`, and what it returned."""
    returned: list[object] = []

    def run() -> object:
        returned.append(call.run(store))
        return returned[-1]

    outcome = outcome_of(run)
    return Ran(outcome, returned[-1] if returned else None)


def _whole_partition(pk: str) -> Callable[[KeyValueStore], object]:
    return whole_partition_read(pk).run


def _created(item: KeyValueItem) -> Callable[[KeyValueStore], None]:
    return lambda store: store.create(item)


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
        engine_store = engine.new_store(INDEXES)

    try:
        run_state_machine_as_test(Machine, settings=active_profile().machine)
    finally:
        Machine.engine_store.close()
