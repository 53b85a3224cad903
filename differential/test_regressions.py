"""Bugs of src/ the differential suite found, each as a plain case that fails until fixed.

Each case names the disagreement, the DynamoDB documentation that settles it, and
how it was found. They are not fixed here (src/ belongs to others); when a fix lands,
the case passes, and the matching entry of ``_steering.KNOWN_BUGS`` (if any) and the
row of docs/fidelity.md are updated with it.
"""

from __future__ import annotations

import contextlib
from functools import partial
from typing import TYPE_CHECKING

import pytest
from pydantic import ConfigDict, create_model

from differential._outcomes import canonical, outcome_of
from differential._strategies import untagged
from lvrgd.common.services import IndexSpec, InMemoryKeyValueStore, LoggingService
from lvrgd.common.services.conditions import between, where
from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
    KeyValueStoreError,
)

if TYPE_CHECKING:
    from differential._engine import EngineUnderTest

ATTRIBUTE_NAME_LIMIT = 65_536
"""https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.NamingRules:
attribute names must be at least one character long and less than 64 KB."""


class _Anything(KeyValueItem, entity="differential.test_regressions._Anything"):
    model_config = ConfigDict(extra="allow")


def _memory() -> InMemoryKeyValueStore:
    return InMemoryKeyValueStore(LoggingService("regressions"))


def test_create_refuses_an_attribute_name_of_64_kb() -> None:
    """In-memory bug (the shared codec): a 65,536-byte attribute name is accepted.

    DynamoDB documents names as less than 64 KB; the codec checks only that a name is
    not empty. No local engine enforces the limit either (docs/fidelity.md#name-64kb),
    so the state machine cannot see it; found by the fidelity probe.
    """
    item = _Anything.model_validate({"pk": "p", "sk": "s", "n" * ATTRIBUTE_NAME_LIMIT: "v"})
    with _memory() as store, pytest.raises(InvalidItemError):
        store.create(item)


WIDE = 300
_Wide = create_model(
    "_Wide",
    __base__=KeyValueItem,
    __cls_kwargs__={"entity": "differential.test_regressions._Wide"},
    **{f"f{index:03}": (int | None, None) for index in range(WIDE)},  # type: ignore[call-overload]
)


def test_update_refuses_an_update_dynamodb_refuses_for_its_expression_size() -> None:
    """In-memory bug: an update DynamoDB refuses is accepted by the in-memory store.

    The port's update of a model setting 300 fields makes DynamoDBService send an
    UpdateExpression of 4,282 bytes; DynamoDB documents 4 KB as the longest expression
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-expression-parameters),
    and ministack refuses it ("Expression size has exceeded the maximum allowed
    size"), so DynamoDBService raises InvalidItemError where the in-memory store
    succeeds. Found by the state machine on ministack (with the quarantine in
    ``_steering.KNOWN_BUGS`` lifted) and by docs/fidelity.md#update-expression-over-4kb.
    The limit is DynamoDB's, on the request the adapter builds, so it belongs in
    kvstore/ as a pure check both adapters apply.
    """
    with _memory() as store:
        store.create(KeyValueItem(pk="p", sk="s"))
        with pytest.raises(InvalidItemError):
            store.update(_Wide(pk="p", sk="s", **{f"f{index:03}": index for index in range(WIDE)}))


def test_reads_let_no_non_port_error_escape_whatever_the_engine_answers(
    engine: EngineUnderTest,
) -> None:
    """Adapter leak, exposed by an engine fault: get_one and query_by_pk raise AttributeError.

    moto stores a map with an empty key, then answers GetItem and Query with that map
    malformed: ``{"M": {"S": "v"}}`` for ``{"M": {"": {"S": "v"}}}``
    (docs/fidelity.md#empty-map-key). The answer reaches the codec (``decode_value``),
    which raises ``AttributeError``; DynamoDBService's boundary translates only
    ClientError and BotoCoreError, so it escapes, where docs/contract.md says any
    other backend failure is a KeyValueStoreError. Before the client stopped using
    botocore's parser, the same AttributeError came from the parser. Passes on
    dynalite and ministack; fails on moto. Found by the state machine
    (``query_by_pk`` leaked ``builtins.AttributeError``).
    """
    store = engine.new_store()
    try:
        store.create(_Anything.model_validate({"pk": "p", "sk": "s", "m": {"": "v"}}))
        # A port error is a fine answer to a malformed engine answer; nothing else is.
        with contextlib.suppress(KeyValueStoreError):
            store.get_one("p", "s", _Anything)
        with contextlib.suppress(KeyValueStoreError):
            store.query_by_pk("p", _Anything)
    finally:
        store.close()


class _Inverted(KeyValueItem, entity="differential.test_regressions._Inverted"):
    pass


def test_create_refuses_a_pk_over_1024_bytes_where_an_index_sorts_by_pk() -> None:
    """In-memory bug, fixed: a 1,025-byte `pk` was accepted where an index sorts by `pk`.

    An index whose sort key is the table's `pk` (the inverted index) limits `pk` to
    1,024 bytes, an index sort key's limit
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys);
    moto refuses the write ("Aggregated size of all range keys has exceeded the size
    limit of 1024 bytes"). The index-key checks skipped the table's key attributes,
    so the in-memory store took it. Found by the state machine on moto.
    """
    inverted = IndexSpec(name="inverted", pk="sk", sk="pk")
    with InMemoryKeyValueStore(LoggingService("regressions"), indexes=(inverted,)) as store:
        with pytest.raises(InvalidItemError, match="inverted"):
            store.create(_Inverted(pk="p" * 1_025, sk="s"))
        store.create(_Inverted(pk="p" * 1_024, sk="s"))
        assert [item.pk for item in store.query_by_pk("s", _Inverted, index="inverted")] == [
            "p" * 1_024
        ]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "open bug of src/ (_steering.KNOWN_BUGS['patch-of-an-unreadable-item']): the in-memory "
        "store refuses a patch DynamoDBService applies; strict, so the fix turns it red: "
        "then drop this mark and the KNOWN_BUGS entry"
    ),
)
def test_patch_of_an_item_that_does_not_read_as_the_model_is_the_same_on_both_stores(
    engine: EngineUnderTest,
) -> None:
    """Open disagreement of src/: a patch of an item its model cannot read, memory and DynamoDB.

    An item stored without an entity name (as before entity names) holds a text
    ``title``; ``patch(..., Measure, set={"flag": True}, return_item=False)`` names a
    field the item lacks, and Measure reads ``title`` as an int. The in-memory store
    validates the patched copy as Measure and refuses (InvalidItemError, nothing
    written); DynamoDBService sends the UpdateItem, whose conditions (the item exists,
    no other entity, no required field missing) hold, so the engine applies it and the
    call succeeds (with ``return_item=True`` it writes, then raises InvalidItemError on
    the item it reads back). docs/updates.md names the case as the one DynamoDB cannot
    catch; the two stores then hold different items. Found by the state machine (deep
    profile) on moto: ``patch('p', 'b', Measure, set_if_absent={'band': '1Ñ'},
    remove=['flag'], upsert=True, return_item=False)`` over such an item. Fails on every
    engine until the adapters agree (``_steering.KNOWN_BUGS``).
    """
    memory, store = _memory(), engine.new_store()
    try:
        outcomes = []
        for each in (memory, store):
            untagged(_Note(pk="p", sk="s", title="text"))(each)
            outcomes.append(
                outcome_of(
                    partial(each.patch, "p", "s", _Measure, set={"flag": True}, return_item=False)
                )
            )
        assert outcomes[0].same_as(outcomes[1]), outcomes
        stored = [each.get_one("p", "s", _Everything) for each in (memory, store)]
        assert canonical(stored[0]) == canonical(stored[1])
    finally:
        store.close()
        memory.close()


class _Note(KeyValueItem, entity="differential.test_regressions._Note"):
    title: str | None = None


class _Measure(KeyValueItem, entity="differential.test_regressions._Measure"):
    title: int | None = None
    flag: bool | None = None


class _Everything(KeyValueItem, entity="differential.test_regressions._Everything"):
    model_config = ConfigDict(extra="allow")


class _Banded(KeyValueItem, entity="differential.test_regressions._Banded"):
    band: str | int | None = None


def test_between_refuses_bounds_of_two_types() -> None:
    """Fixed bug of the shared core: `between` with a number and a string as bounds.

    ``where(M, lambda m: between(m.band, 2, "band#1"))`` on a field typed ``str | int``
    was built, and the in-memory store evaluated it (false). dynalite refuses the
    ConditionExpression with DynamoDB's own message, "Invalid ConditionExpression: The
    BETWEEN operator requires same data type for lower and upper bounds; lower bound
    operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {S:band#1}";
    moto answers HTTP 500 where the attribute is there, ministack evaluates it false
    (docs/fidelity.md#condition-between-bound-types). `between` already refuses bounds
    in the wrong order when built, as DynamoDB refuses them; bounds of two types
    belong with that check. Found by the state machine (CI profile) on dynalite:
    ``create(Payload(pk='p', sk='a#2#x', ...), condition=where(Payload, lambda m: ...
    | ~(between(m.band, 2, 'band#1'))))`` over an existing item.
    """
    with pytest.raises(InvalidQueryError, match="two types"):
        where(_Banded, lambda m: between(m.band, 2, "band#1"))
    with pytest.raises(InvalidQueryError, match="two types"):
        where(_Banded, lambda m: between(m.band, "a", 2))
    assert "BETWEEN" in where(_Banded, lambda m: between(m.band, 1, 2)).compiled.expression
    assert "BETWEEN" in where(_Banded, lambda m: between(m.band, "a", "b")).compiled.expression


def test_patch_upsert_refuses_a_pk_over_1024_bytes_where_an_index_sorts_by_pk() -> None:
    """Fixed in-memory bug: a patch with ``upsert=True`` created an item `create` refuses.

    An index whose sort key is the table's `pk` (the inverted index) limits `pk` to
    1,024 bytes; `create` refuses a longer one
    (test_create_refuses_a_pk_over_1024_bytes_where_an_index_sorts_by_pk), but
    ``patch(pk, sk, Model, set=..., upsert=True)`` of a missing item creates it: the
    patch checks the index keys it sets, not the table's key, and moto refuses the
    UpdateItem ("Aggregated size of all range keys has exceeded the size limit of 1024
    bytes"). Found by the state machine (deep profile) on moto:
    ``patch('a' * 2047, '0', Note, set={'title': '', 'tags': set()}, remove=['data',
    'gpk'], upsert=True, return_item=False)``.
    """
    inverted = IndexSpec(name="inverted", pk="sk", sk="pk")
    with InMemoryKeyValueStore(LoggingService("regressions"), indexes=(inverted,)) as store:
        with pytest.raises(InvalidItemError, match="inverted"):
            store.patch("p" * 1_025, "s", _Note, set={"title": "x"}, upsert=True)
        assert store.get_one("p" * 1_025, "s", _Note) is None
