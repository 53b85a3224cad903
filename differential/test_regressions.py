"""Bugs of src/ the differential suite found, each as a plain case that fails until fixed.

Each case names the disagreement, the DynamoDB documentation that settles it, and
how it was found. They are not fixed here (src/ belongs to others); when a fix lands,
the case passes, and the matching entry of ``_steering.KNOWN_BUGS`` (if any) and the
row of docs/fidelity.md are updated with it.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import pytest
from pydantic import ConfigDict, create_model

from lvrgd.common.services import IndexSpec, InMemoryKeyValueStore, LoggingService
from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem, KeyValueStoreError

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
