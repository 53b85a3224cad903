"""Hostile input: every public method, driven by hypothesis with arbitrary arguments.

A state machine calls create, update, delete, get_one, query_by_pk, query_page,
get_many, put_many, transactions (create, update, delete, require) and ping with
drawn models (hostile field names and aliases), values of any shape, keys and query
arguments of wrong types, and issued, forged or garbled cursors. Every failure must
be one of the port's errors; pydantic's ValidationError is allowed only while building
a model or an item, outside the store. Anything else (TypeError, KeyError,
AttributeError, a botocore error, ...) is recorded with the call that raised it, and
the run fails listing them. A call that hangs kills the run (faulthandler) with every
thread's stack.

Attribute names that are expression syntax (``pk = :x OR``, ``#a``, ``a.b``, ``:v``)
are proved inert separately: an item whose attributes carry those names is read back
exactly, and the create, update, version and delete conditions still behave.
"""

from __future__ import annotations

import contextlib
import faulthandler
import math
import os
import sys
import threading
import time
import traceback
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from pydantic import BaseModel, Field, ValidationError, create_model

from lvrgd.common.services import (
    DynamoDBService,
    InMemoryKeyValueStore,
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStore,
    KeyValueStoreError,
    VersionConflictError,
    VersionedItem,
)
from lvrgd.common.services.kvstore import DEFAULT_ENTITY_ATTRIBUTE

from . import _hostile as hostile
from ._figures import FIGURES
from .conftest import SilentLogger

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from typing_extensions import Self

    from lvrgd.common.services import DynamoDBConfig

    from ._profile import Profile

HANG_S = 120.0
"""A single call taking this long is a hang: the run is killed with every stack dumped."""
SHOWN_CHARS = 400


class _Abort(Exception):  # noqa: N818 - the user's own exception, raised inside a block
    """Raised by the caller inside a transaction block; it must come out unchanged."""


class PlainModel(BaseModel):
    """A pydantic model that is not a KeyValueItem."""

    y: int = 0


@dataclass
class Findings:
    """What a fuzz run did and what it met."""

    calls: int = 0
    succeeded: Counter[str] = field(default_factory=Counter)
    typed: Counter[str] = field(default_factory=Counter)
    untyped: dict[str, str] = field(default_factory=dict)
    """Where an untyped exception was raised -> the first call that raised it."""
    slowest_s: float = 0.0
    refused_models: int = 0
    invalid_items: int = 0


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "lvrgd" in f.filename] or frames
    last = ours[-1] if ours else None
    place = "?" if last is None else f"{last.filename.rsplit('src/', 1)[-1]}:{last.lineno}"
    return f"{type(exc).__name__} at {place}"


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a hostile value's repr may fail
        text = f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


class Watchdog:
    """Kills the run, dumping every thread's stack, when one call runs past `limit_s`.

    A hang must not block CI for hours; pytest has no timeout of its own here. Setting
    `started` costs a store of a float, so every call can be watched.
    """

    def __init__(self, limit_s: float) -> None:
        self.started: float | None = None
        self._limit_s = limit_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            started = self.started
            if started is not None and time.perf_counter() - started > self._limit_s:
                sys.stderr.write(f"a call ran past {self._limit_s}s: a hang; stacks follow\n")
                faulthandler.dump_traceback(all_threads=True)
                os._exit(70)


@dataclass(frozen=True)
class FuzzRun:
    """What every example of one fuzz run shares."""

    findings: Findings
    watchdog: Watchdog
    new_store: Callable[[], KeyValueStore]
    shared: bool
    """One store for every example (an engine's table), not a new one each."""


class HostileCalls(RuleBasedStateMachine):
    """Calls every public method of a store with drawn, mostly hostile, arguments."""

    run: ClassVar[FuzzRun]

    def __init__(self) -> None:
        super().__init__()
        self.findings = self.run.findings
        self.store = self.run.new_store()
        self.cursors: list[str] = []

    def teardown(self) -> None:
        if not self.run.shared:
            self.store.close()

    def _call(self, name: str, call: Callable[[], object], *shown: object) -> object:
        findings = self.findings
        findings.calls += 1
        started = time.perf_counter()
        self.run.watchdog.started = started
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pydantic warns about unvalidated values
                result = call()
        except KeyValueStoreError as exc:
            findings.typed[type(exc).__name__] += 1
            return None
        except _Abort:
            findings.typed["_Abort (the caller's own, unchanged)"] += 1
            return None
        except Exception as exc:  # noqa: BLE001 - recorded: the run fails listing them
            where = _where(exc)
            if where not in findings.untyped:
                arguments = ", ".join(_shown(argument) for argument in shown)
                findings.untyped[where] = f"{name}({arguments}): {type(exc).__name__}: {exc}"
            return None
        finally:
            self.run.watchdog.started = None
            findings.slowest_s = max(findings.slowest_s, time.perf_counter() - started)
        findings.succeeded[name] += 1
        return result

    def _item(self, data: st.DataObject) -> Any:
        """An item of a drawn model, validated when pydantic accepts it, else constructed."""
        roll = data.draw(st.integers(0, 39))
        if roll == 0:
            return data.draw(hostile.junk)
        model = data.draw(st.sampled_from(hostile.model_pool()))
        if roll == 1:  # now and then, a model nobody built before
            try:
                model = hostile.build_model(data.draw(hostile.model_specs()))
            except Exception:  # noqa: BLE001 - pydantic refusing a model is not the store's doing
                self.findings.refused_models += 1
        values: dict[str, Any] = {"pk": data.draw(hostile.keys), "sk": data.draw(hostile.keys)}
        for name, info in model.model_fields.items():
            kind = data.draw(st.integers(0, 9))
            if name in values or kind == 0:
                continue
            if kind == 1:
                rare = data.draw(st.integers(0, 30)) == 0
                values[name] = data.draw(hostile.deep_or_large if rare else hostile.values)
            else:
                values[name] = data.draw(hostile.FITTING.get(info.annotation, hostile.values))
        if "version" in model.model_fields:
            values["version"] = data.draw(
                hostile.mostly(st.integers(0, 3), hostile.junk, percent=90)
            )
        if data.draw(st.integers(0, 4)) > 0:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return model.model_validate(values, by_name=True)
            except ValidationError:
                self.findings.invalid_items += 1
        return model.model_construct(**values)

    def _model(self, data: st.DataObject) -> Any:
        choice = data.draw(st.integers(0, 40))
        if choice == 0:
            return data.draw(st.sampled_from([int, dict, str, None, object, PlainModel]))
        if choice < 5:
            return data.draw(st.sampled_from([KeyValueItem, VersionedItem]))
        return data.draw(st.sampled_from(hostile.model_pool()))

    @rule(data=st.data(), operation=st.sampled_from(["create", "update"]))
    def write(self, data: st.DataObject, operation: str) -> None:
        item = self._item(data)
        self._call(operation, lambda: getattr(self.store, operation)(item), item)

    @rule(pk=hostile.keys, sk=hostile.keys)
    def delete(self, pk: Any, sk: Any) -> None:
        self._call("delete", lambda: self.store.delete(pk, sk), pk, sk)

    @rule(data=st.data(), pk=hostile.keys, sk=hostile.keys)
    def get_one(self, data: st.DataObject, pk: Any, sk: Any) -> None:
        model = self._model(data)
        self._call("get_one", lambda: self.store.get_one(pk, sk, model), pk, sk, model)

    @rule(data=st.data(), pk=hostile.keys, arguments=hostile.query_arguments(paged=False))
    def query_by_pk(self, data: st.DataObject, pk: Any, arguments: dict[str, Any]) -> None:
        model = self._model(data)
        self._call(
            "query_by_pk",
            lambda: self.store.query_by_pk(pk, model, **arguments),
            pk,
            model,
            arguments,
        )

    @rule(data=st.data(), pk=hostile.keys, arguments=hostile.query_arguments(paged=True))
    def query_page(self, data: st.DataObject, pk: Any, arguments: dict[str, Any]) -> None:
        model = self._model(data)
        roll = data.draw(st.integers(0, 19))
        kind = (
            "none" if roll < 10 else "issued" if roll < 15 else "forged" if roll < 18 else "garbled"
        )
        if kind == "issued" and self.cursors:
            arguments["cursor"] = data.draw(st.sampled_from(self.cursors))
        elif kind == "garbled" and self.cursors:
            cursor = data.draw(st.sampled_from(self.cursors))
            at = data.draw(st.integers(0, len(cursor) - 1))
            arguments["cursor"] = cursor[:at] + data.draw(st.text(max_size=2)) + cursor[at + 1 :]
        elif kind != "none":
            arguments["cursor"] = data.draw(hostile.forged_cursors)
        page = self._call(
            "query_page",
            lambda: self.store.query_page(pk, model, **arguments),
            pk,
            model,
            arguments,
        )
        issued = getattr(page, "cursor", None)
        if isinstance(issued, str):
            self.cursors = [*self.cursors[-20:], issued]

    @rule(data=st.data())
    def get_many(self, data: st.DataObject) -> None:
        keys = data.draw(
            st.one_of(
                st.lists(st.tuples(hostile.keys, hostile.keys), max_size=5),
                st.lists(st.tuples(hostile.key_text, hostile.key_text), min_size=99, max_size=130),
                st.lists(hostile.junk, max_size=3),
                hostile.junk,
            )
        )
        model = self._model(data)
        self._call("get_many", lambda: self.store.get_many(keys, model), keys, model)

    @rule(data=st.data())
    def put_many(self, data: st.DataObject) -> None:
        if data.draw(st.integers(0, 10)) == 0:
            items: Any = data.draw(hostile.junk)
        else:
            items = [self._item(data) for _ in range(data.draw(st.integers(0, 4)))]
        self._call("put_many", lambda: self.store.put_many(items), items)

    @rule(data=st.data(), abort=st.booleans())
    def transaction(self, data: st.DataObject, *, abort: bool) -> None:
        operations: list[tuple[str, tuple[object, ...]]] = []
        for _ in range(data.draw(st.integers(0, 4))):
            kind = data.draw(st.sampled_from(["create", "update", "delete", "require"]))
            if kind in ("create", "update"):
                operations.append((kind, (self._item(data),)))
            else:
                operations.append((kind, (data.draw(hostile.keys), data.draw(hostile.keys))))
        if data.draw(st.integers(0, 30)) == 0:  # past the limit of operations
            operations += [("require", ("a", f"k{i}")) for i in range(101)]

        def run() -> None:
            with self.store.transaction() as tx:
                for kind, arguments in operations:
                    self.findings.calls += 1
                    getattr(tx, kind)(*arguments)
                if abort:
                    raise _Abort

        self._call("transaction", run, operations, abort)

    @rule(data=st.data())
    def ping(self, data: st.DataObject) -> None:
        if data.draw(st.integers(0, 9)) > 0:  # hypothesis favours this argument-less rule
            self.get_one(data, data.draw(hostile.keys), data.draw(hostile.keys))
        elif self._call("ping", self.store.ping) is not True:
            self.findings.untyped.setdefault("ping is not True on an open store", "ping()")


def _fuzz(
    new_store: Callable[[], KeyValueStore], calls: int, steps: int, *, shared: bool
) -> Findings:
    findings = Findings()
    watchdog = Watchdog(HANG_S)
    run = FuzzRun(findings, watchdog, new_store, shared=shared)
    machine = type("HostileCallsRun", (HostileCalls,), {"run": run})
    run_settings = settings(
        stateful_step_count=steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],  # nothing is raised, so nothing is shrunk: findings are listed
    )
    started = time.perf_counter()
    with watchdog:
        while findings.calls < calls:
            examples = max(1, math.ceil((calls - findings.calls) / steps))
            run_state_machine_as_test(
                machine, settings=settings(run_settings, max_examples=examples)
            )
    FIGURES.note(
        "fuzz.rate", f"{findings.calls / (time.perf_counter() - started):.0f} calls/s (last run)"
    )
    return findings


def _record(name: str, findings: Findings) -> None:
    FIGURES.add(f"fuzz.{name}.calls", findings.calls)
    FIGURES.add(f"fuzz.{name}.untyped_exceptions", len(findings.untyped))
    FIGURES.add(f"fuzz.{name}.port_errors", sum(findings.typed.values()))
    FIGURES.peak(f"fuzz.{name}.slowest_call_s", findings.slowest_s)
    FIGURES.add(f"fuzz.{name}.items_pydantic_refused", findings.invalid_items)
    for error, count in findings.typed.items():
        FIGURES.add(f"fuzz.{name}.errors.{error}", count)


def _report(findings: Findings) -> str:
    return "untyped exceptions:\n" + "\n".join(
        f"  {where}\n    first raised by {call}" for where, call in sorted(findings.untyped.items())
    )


@pytest.fixture(autouse=True)
def _deep_enough_recursion() -> Iterator[None]:
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, 5000))
    yield
    sys.setrecursionlimit(before)


def test_hostile_calls_on_the_memory_store_raise_only_the_port_errors(profile: Profile) -> None:
    findings = _fuzz(
        lambda: InMemoryKeyValueStore(SilentLogger()),
        profile.fuzz_memory_calls,
        profile.fuzz_steps,
        shared=False,
    )
    _record("memory", findings)
    assert findings.untyped == {}, _report(findings)


def test_hostile_calls_on_the_dynamodb_service_raise_only_the_port_errors(
    profile: Profile, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table(read_timeout=10.0, max_attempts=2, batch_retry_seconds=5.0)
    with DynamoDBService(SilentLogger(), config) as service:
        findings = _fuzz(
            lambda: service, profile.fuzz_engine_calls, profile.fuzz_steps, shared=True
        )
        assert service.ping() is True
    _record("dynamodb", findings)
    assert findings.untyped == {}, _report(findings)


# --- hostile attribute names cannot change an expression -----------------------------------

INERT_NAMES = hostile.EXPRESSION_NAMES
inert_names = st.lists(
    st.one_of(st.sampled_from(INERT_NAMES), st.text(min_size=1, max_size=8)).filter(
        lambda name: name not in ("pk", "sk", "version", DEFAULT_ENTITY_ATTRIBUTE)
    ),
    min_size=1,
    max_size=6,
    unique=True,
)
expression_text = st.one_of(st.sampled_from(INERT_NAMES), st.text(max_size=8))


def _named_model(names: list[str]) -> type[VersionedItem]:
    fields: dict[str, Any] = {
        f"f{index}": (str | None, Field(default=None, alias=name))
        for index, name in enumerate(names)
    }
    model: type[VersionedItem] = create_model("Named", __base__=VersionedItem, **fields)
    return model


def _check_inert(
    store: KeyValueStore,
    names: list[str],
    first: list[str],
    second: list[str],
    raw_names: Callable[[str, str], set[str] | None],
) -> None:
    """Round trips, conditions and removals of an item whose attributes bear `names`."""
    model = _named_model(names)
    pk, sk = f"inert#{uuid.uuid4().hex}", first[0] or ":pk"
    item = model.model_validate({"pk": pk, "sk": sk, **dict(zip(names, first, strict=True))})
    store.create(item)
    assert item.version == 1
    assert store.get_one(pk, sk, model) == item
    assert raw_names(pk, sk) in (None, {"pk", "sk", "version", DEFAULT_ENTITY_ATTRIBUTE, *names})
    with pytest.raises(ItemAlreadyExistsError):
        store.create(model.model_validate({"pk": pk, "sk": sk}))

    stale = item.model_copy()
    updated = item.model_copy(update={f"f{i}": value for i, value in enumerate(second)})
    updated.f0 = None  # type: ignore[attr-defined]
    store.update(updated)
    assert updated.version == 2
    with pytest.raises(VersionConflictError):
        store.update(stale)
    assert store.get_one(pk, sk, model) == updated
    assert raw_names(pk, sk) in (
        None,
        {"pk", "sk", "version", DEFAULT_ENTITY_ATTRIBUTE, *names[1:]},
    )
    assert store.query_by_pk(pk, model, begins_with=sk) == [updated]
    assert store.query_by_pk(pk, model, gt=sk) == []

    store.delete(pk, sk)
    assert store.get_one(pk, sk, model) is None
    with pytest.raises(ItemNotFoundError):
        store.delete(pk, sk)
    with pytest.raises(ItemNotFoundError):
        store.update(updated)
    assert store.query_by_pk(pk, model) == []


def _inert_property(profile: Profile) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=profile.hostile_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def test_hostile_attribute_names_are_inert_on_the_memory_store(profile: Profile) -> None:
    @_inert_property(profile)
    @given(names=inert_names, data=st.data())
    def check(names: list[str], data: st.DataObject) -> None:
        first = data.draw(st.lists(expression_text, min_size=len(names), max_size=len(names)))
        second = data.draw(st.lists(expression_text, min_size=len(names), max_size=len(names)))
        with InMemoryKeyValueStore(SilentLogger()) as memory:
            _check_inert(memory, names, [f or "x" for f in first], second, lambda pk, sk: None)
        FIGURES.add("hostile_names.memory.examples")

    check()


def test_hostile_attribute_names_are_inert_on_the_dynamodb_service(
    profile: Profile, new_table: Callable[..., DynamoDBConfig]
) -> None:
    config = new_table()
    with DynamoDBService(SilentLogger(), config) as service:

        def raw_names(pk: str, sk: str) -> set[str] | None:
            key = {"pk": {"S": pk}, "sk": {"S": sk}}
            found = service._client.get_item(
                TableName=config.table_name, Key=key, ConsistentRead=True
            )
            return set(found.get("Item", {}))

        @_inert_property(profile)
        @given(names=inert_names, data=st.data())
        def check(names: list[str], data: st.DataObject) -> None:
            first = data.draw(st.lists(expression_text, min_size=len(names), max_size=len(names)))
            second = data.draw(st.lists(expression_text, min_size=len(names), max_size=len(names)))
            _check_inert(service, names, [f or "x" for f in first], second, raw_names)
            FIGURES.add("hostile_names.dynamodb.examples")

        check()


# --- what the fuzzer found, pinned ---------------------------------------------------------


class SortKeyAliased(KeyValueItem):
    """A model with a field stored under the sort key's attribute name."""

    other: str = Field(serialization_alias="sk")


class PartitionKeyRenamed(KeyValueItem):
    """A model that stores its partition key under another attribute name."""

    pk: str = Field(alias="PK")


class BytesKeyed(KeyValueItem):
    """A map whose keys are bytes: DynamoDB's map keys are strings."""

    counts: dict[bytes, int]


@pytest.fixture(params=["memory", "dynamodb"])
def either_store(
    request: pytest.FixtureRequest, new_table: Callable[..., DynamoDBConfig]
) -> Iterator[KeyValueStore]:
    """Each adapter in turn (the DynamoDB one on the engine)."""
    opened: KeyValueStore = (
        InMemoryKeyValueStore(SilentLogger())
        if request.param == "memory"
        else DynamoDBService(SilentLogger(), new_table())
    )
    with opened:
        yield opened


def test_create_of_a_model_storing_a_field_under_the_sort_key_name_is_invalid_item(
    either_store: KeyValueStore,
) -> None:
    item = SortKeyAliased.model_construct(pk="p", sk="a", other="b")
    with pytest.raises(InvalidItemError):
        either_store.create(item)
    assert either_store.query_by_pk("p", KeyValueItem) == []


def test_create_of_a_model_renaming_the_partition_key_is_invalid_item(
    either_store: KeyValueStore,
) -> None:
    with pytest.raises(InvalidItemError):
        either_store.create(PartitionKeyRenamed.model_validate({"PK": "p", "sk": "a"}))
    assert either_store.query_by_pk("p", KeyValueItem) == []


def test_query_page_over_items_stored_with_a_non_string_sort_key_attribute_raises_no_key_error(
    either_store: KeyValueStore,
) -> None:
    numbered = create_model("Numbered", __base__=KeyValueItem, n=(int, Field(alias="sk")))
    for sk, n in (("a", 1), ("b", 2)):
        # Refusing the item is a right answer; crashing on it later is not.
        with contextlib.suppress(KeyValueStoreError):
            either_store.create(numbered.model_construct(pk="p", sk=sk, n=n))
    with contextlib.suppress(KeyValueStoreError):
        either_store.query_page("p", KeyValueItem, page_size=1)


def test_create_of_a_map_with_non_utf8_bytes_keys_is_invalid_item(
    either_store: KeyValueStore,
) -> None:
    with pytest.raises(InvalidItemError):
        either_store.create(BytesKeyed(pk="p", sk="a", counts={b"\xff": 1}))


@pytest.mark.parametrize("model_class", [int, dict, None], ids=["int", "dict", "None"])
def test_reads_with_a_model_class_that_is_not_a_model_are_invalid_query(
    either_store: KeyValueStore, model_class: Any
) -> None:
    either_store.create(KeyValueItem(pk="p", sk="a"))
    with pytest.raises(InvalidQueryError):
        either_store.get_one("p", "a", model_class)
    with pytest.raises(InvalidQueryError):
        either_store.query_by_pk("p", model_class)


class Ledger(VersionedItem):
    """An item under optimistic locking."""

    total: int = 0


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
@pytest.mark.parametrize("version", ["1", None], ids=["str", "None"])
def test_update_of_a_versioned_item_whose_version_is_not_a_whole_number_is_invalid_item(
    either_store: KeyValueStore, version: object
) -> None:
    ledger = Ledger(pk="p", sk="a")
    either_store.create(ledger)
    ledger.version = version  # type: ignore[assignment]  # assignment is not validated
    with pytest.raises(InvalidItemError):
        either_store.update(ledger)
    assert either_store.get_one("p", "a", Ledger) == Ledger(pk="p", sk="a", version=1)
