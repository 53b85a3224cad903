"""Probe steps of docs/fidelity.md's rows on secondary indexes.

The in-memory store is a fresh one declaring the probe table's indexes
(``PROBE_INDEXES``, as IndexSpec); an engine is asked on the indexed probe table
(``create_indexed_table``), whose indexes are the same, created raw. Each probe
uses partitions of its own, in the table and in the indexes.

An item's attributes are shown by name (``[a, gpk, gsk, pk, sk]``), the entity
attribute aside: every write of the port stores it and every read consumes it, so
the port cannot show it, and the engines' answers are shown alike.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict

from differential._probes import boundary_label, port_label, sort_keys_label
from differential._raw import (
    ACCEPTED,
    GSI,
    GSI_HASH,
    GSI_INCLUDE,
    GSI_KEYS,
    LSI_INCLUDE,
    LSI_KEYS,
    PROBE_INDEXES,
    REFUSED,
    Wire,
    drop_table,
    key,
)
from differential._steps_reads import ORDERED
from lvrgd.common.services import IndexSpec, InMemoryKeyValueStore, LoggingService
from lvrgd.common.services.kvstore import DEFAULT_ENTITY_ATTRIBUTE, KeyValueItem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from differential._behaviour import Probes
    from differential._raw import RawTable
    from lvrgd.common.services.kvstore import KeyValueStore

UNKNOWN_INDEX = "by-nothing"
EACH_ONCE = "3 items, each once"


def index_specs() -> tuple[IndexSpec, ...]:
    """The probe table's indexes, as the in-memory store declares them."""
    return tuple(IndexSpec(**asdict(index)) for index in PROBE_INDEXES)


class Indexed(KeyValueItem, entity="differential._steps_indexes.Indexed"):
    """An item of the indexed probe table: every index key is a field (None: absent)."""

    gpk: str | None = None
    gsk: str | None = None
    hpk: str | None = None
    lsk: str | None = None
    a: str | None = None
    b: str | None = None


class NumberKeyed(KeyValueItem, entity="differential._steps_indexes.NumberKeyed"):
    """An item whose index keys are numbers, where the table declares strings."""

    gpk: int | None = None
    gsk: str | None = None
    lsk: int | None = None


class KeysView(KeyValueItem, entity=Indexed):
    """A view of Indexed reading only what a KEYS_ONLY global index holds; extras kept."""

    model_config = ConfigDict(extra="allow")

    gpk: str | None = None
    gsk: str | None = None


class IncludeView(KeysView, entity=Indexed):
    """A view of Indexed reading only what the INCLUDE (``a``) global index holds."""

    a: str | None = None


# -- labels ----------------------------------------------------------------------------


def names_label(names: Iterable[str]) -> str:
    """Attribute names as a cell shows them, sorted, the entity attribute aside."""
    return "[" + ", ".join(sorted(n for n in names if n != DEFAULT_ENTITY_ATTRIBUTE)) + "]"


def _model_names(found: KeyValueItem) -> list[str]:
    """The attributes a model read through the port holds (fields given, and extras)."""
    names = set(found.model_fields_set) | set(found.model_extra or {})
    return [name for name in names if getattr(found, name, None) is not None]


def _one_item_names(found: list[Any]) -> str:
    if len(found) != 1:
        return f"{len(found)} items"
    return names_label(_model_names(found[0]))


def _table_sort_keys(found: list[Any]) -> str:
    return sort_keys_label([item.sk for item in found])


# -- port helpers ----------------------------------------------------------------------


def _create_label(store: KeyValueStore, item: KeyValueItem) -> str:
    return port_label(lambda: store.create(item))


def _index_query_label(store: KeyValueStore, pk: str, index: str) -> str:
    """query_by_pk of `index` as Indexed: the one item's attributes, or the error's label."""
    return port_label(lambda: store.query_by_pk(pk, Indexed, index=index), ok=_one_item_names)


# -- engine helpers --------------------------------------------------------------------


def _raw_item(pk: str, sk: str, **attributes: str | Wire) -> Wire:
    return {
        **key(pk, sk),
        **{n: v if isinstance(v, dict) else {"S": v} for n, v in attributes.items()},
    }


def _raw_query(
    raw: RawTable, index: str, condition: str, values: dict[str, str], **request: Any
) -> dict[str, Any] | str:
    """One Query page of `index` under `condition`; its answer, or the error's label.

    Args:
        raw: The indexed probe table.
        index: The IndexName sent.
        condition: The KeyConditionExpression, e.g. ``gpk = :p``.
        values: Its operands (strings), by placeholder name without ``:``.
        **request: More of the Query's parameters (``Limit``, ``Select``...).
    """
    pages: list[dict[str, Any]] = []
    label = raw.attempt(
        lambda: pages.append(
            dict(
                raw.client.query(
                    TableName=raw.name,
                    IndexName=index,
                    KeyConditionExpression=condition,
                    ExpressionAttributeValues={f":{n}": {"S": v} for n, v in values.items()},
                    **request,
                )
            )
        )
    )
    return pages[0] if label == ACCEPTED else label


def _raw_items_label(
    answer: dict[str, Any] | str, show: Callable[[list[Wire]], str] | None = None
) -> str:
    if isinstance(answer, str):
        return answer
    items: list[Wire] = answer.get("Items", [])
    if show is not None:
        return show(items)
    return sort_keys_label([item["sk"]["S"] for item in items])


def _raw_one_item_names(items: list[Wire]) -> str:
    return names_label(items[0]) if len(items) == 1 else f"{len(items)} items"


# -- writes: index keys DynamoDB refuses -------------------------------------------------


def index_key_write(pk: str, **attributes: str) -> Probes:
    """Probes writing one item with these index key attributes (strings)."""

    def on_memory(store: KeyValueStore) -> str:
        return port_label(lambda: store.create(Indexed(pk=pk, sk="s", **attributes)))

    def on_engine(raw: RawTable) -> str:
        return raw.put(_raw_item(pk, "s", **attributes))

    return on_memory, on_engine


def index_key_pair(pk: str, first: dict[str, str], second: dict[str, str]) -> Probes:
    """Probes writing two items (sort keys ``1``, ``2``), each with its index keys."""

    def on_memory(store: KeyValueStore) -> str:
        return boundary_label(
            _create_label(store, Indexed(pk=pk, sk="1", **first)),
            _create_label(store, Indexed(pk=pk, sk="2", **second)),
        )

    def on_engine(raw: RawTable) -> str:
        return boundary_label(
            *(raw.put(_raw_item(pk, sk, **kw)) for sk, kw in (("1", first), ("2", second)))
        )

    return on_memory, on_engine


def number_keys_memory(store: KeyValueStore) -> str:
    pk = "probe#index-number"
    return boundary_label(
        port_label(lambda: store.create(NumberKeyed(pk=pk, sk="g", gpk=1, gsk="x"))),
        port_label(lambda: store.create(NumberKeyed(pk=pk, sk="l", lsk=1))),
    )


def number_keys_engine(raw: RawTable) -> str:
    pk = "probe#index-number"
    return boundary_label(
        raw.put(_raw_item(pk, "g", gpk={"N": "1"}, gsk="x")),
        raw.put(_raw_item(pk, "l", lsk={"N": "1"})),
    )


OTHER_WRITES_PK = "probe#gsi-pk-empty-writes"
OTHER_WRITES = ("UpdateItem", "BatchWriteItem", "TransactWriteItems")


def writes_label(*outcomes: str) -> str:
    """The outcomes of UpdateItem, BatchWriteItem and TransactWriteItems, as a cell."""
    return f"{', '.join(OTHER_WRITES)}: {', '.join(outcomes)}"


def empty_key_writes_memory(store: KeyValueStore) -> str:
    """update, put_many and a transaction's create, each with ``gpk=""``."""
    pk = OTHER_WRITES_PK
    store.create(Indexed(pk=pk, sk="u", gpk="x", gsk="g"))

    def in_transaction() -> None:
        with store.transaction() as tx:
            tx.create(Indexed(pk=pk, sk="t", gpk="", gsk="g"))

    return writes_label(
        port_label(lambda: store.update(Indexed(pk=pk, sk="u", gpk="", gsk="g"))),
        port_label(lambda: store.put_many([Indexed(pk=pk, sk="b", gpk="", gsk="g")])),
        port_label(in_transaction),
    )


def empty_key_writes_engine(raw: RawTable) -> str:
    """UpdateItem, BatchWriteItem and TransactWriteItems, each with ``gpk=""``."""
    pk = OTHER_WRITES_PK
    raw.put(_raw_item(pk, "u", gpk="x", gsk="g"))
    return writes_label(
        raw.update(
            key(pk, "u"),
            UpdateExpression="SET gpk = :e",
            ExpressionAttributeValues={":e": {"S": ""}},
        ),
        raw.attempt(
            lambda: raw.client.batch_write_item(
                RequestItems={
                    raw.name: [{"PutRequest": {"Item": _raw_item(pk, "b", gpk="", gsk="g")}}]
                }
            )
        ),
        raw.attempt(
            lambda: raw.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": raw.name,
                            "Item": _raw_item(pk, "t", gpk="", gsk="g"),
                        }
                    }
                ]
            )
        ),
    )


# -- declarations -----------------------------------------------------------------------

MAX_NON_KEY_ATTRIBUTES = 20
"""DynamoDB's most NonKeyAttributes in one INCLUDE projection."""


def include_limit_memory(store: KeyValueStore) -> str:
    """Stores declaring an INCLUDE of 19, then 20 names: 20, then 21 with ``_entity``."""
    del store  # a declaration: the probe builds stores of its own

    def declared(names: int) -> str:
        spec = IndexSpec(name="by-wide", pk="gpk", projection=tuple(f"n{i}" for i in range(names)))
        try:
            InMemoryKeyValueStore(LoggingService("fidelity"), indexes=(spec,)).close()
        except ValueError:
            return REFUSED
        return ACCEPTED

    return boundary_label(declared(MAX_NON_KEY_ATTRIBUTES - 1), declared(MAX_NON_KEY_ATTRIBUTES))


def include_limit_engine(raw: RawTable) -> str:
    """CreateTable of a GSI including 20, then 21 non-key attributes; dropped again."""

    def created(count: int) -> str:
        name = f"fidelity-include-{uuid.uuid4().hex[:12]}"
        outcome = raw.attempt(
            lambda: raw.client.create_table(
                TableName=name,
                AttributeDefinitions=[
                    {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gpk")
                ],
                KeySchema=[
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                GlobalSecondaryIndexes=[
                    {
                        "IndexName": "by-wide",
                        "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}],
                        "Projection": {
                            "ProjectionType": "INCLUDE",
                            "NonKeyAttributes": [f"n{i}" for i in range(count)],
                        },
                    }
                ],
                BillingMode="PAY_PER_REQUEST",
            )
        )
        if outcome == ACCEPTED:
            drop_table(raw.client, name)
        return outcome

    return boundary_label(created(MAX_NON_KEY_ATTRIBUTES), created(MAX_NON_KEY_ATTRIBUTES + 1))


# -- reads: consistency ----------------------------------------------------------------


def consistent_memory(index: str, pk: str) -> Callable[[KeyValueStore], str]:
    def probe(store: KeyValueStore) -> str:
        store.create(Indexed(pk=pk, sk="s", gpk=pk, gsk="g", lsk="l"))
        return port_label(
            lambda: store.query_by_pk(pk, Indexed, index=index, consistent=True),
            ok=_table_sort_keys,
        )

    return probe


def consistent_engine(index: str, pk: str) -> Callable[[RawTable], str]:
    def probe(raw: RawTable) -> str:
        raw.put(_raw_item(pk, "s", gpk=pk, gsk="g", lsk="l"))
        condition = "gpk = :p" if index == GSI else "pk = :p"
        return _raw_items_label(
            _raw_query(raw, index, condition, values={"p": pk}, ConsistentRead=True)
        )

    return probe


# -- reads: projections ----------------------------------------------------------------


def projected_memory(
    index: str, pk: str, view: type[KeyValueItem]
) -> Callable[[KeyValueStore], str]:
    """The attributes of the one item a query of `index` reads back as `view`."""

    def probe(store: KeyValueStore) -> str:
        store.create(Indexed(pk=pk, sk="s", gpk=pk, gsk="g", a="A", b="B"))
        return port_label(lambda: store.query_by_pk(pk, view, index=index), ok=_one_item_names)

    return probe


def projected_engine(index: str, pk: str) -> Callable[[RawTable], str]:
    """The attributes of the one item a Query of `index` answers (Select left out)."""

    def probe(raw: RawTable) -> str:
        raw.put(_raw_item(pk, "s", gpk=pk, gsk="g", a="A", b="B"))
        answer = _raw_query(raw, index, "gpk = :p", values={"p": pk})
        return _raw_items_label(answer, _raw_one_item_names)

    return probe


def _select_all_label(raw: RawTable, index: str, partition_key: str, pk: str) -> str:
    """A Query of `index` with ``Select=ALL_ATTRIBUTES``: the one item's attributes."""
    answer = _raw_query(
        raw, index, f"{partition_key} = :p", values={"p": pk}, Select="ALL_ATTRIBUTES"
    )
    return _raw_items_label(answer, _raw_one_item_names)


LSI_FETCH_PK = "probe#lsi-fetch"


def lsi_fetch_memory(store: KeyValueStore) -> str:
    store.create(Indexed(pk=LSI_FETCH_PK, sk="s", lsk="l", a="A", b="B"))
    return boundary_label(
        *(_index_query_label(store, LSI_FETCH_PK, index) for index in (LSI_KEYS, LSI_INCLUDE))
    )


def lsi_fetch_engine(raw: RawTable) -> str:
    raw.put(_raw_item(LSI_FETCH_PK, "s", lsk="l", a="A", b="B"))
    return boundary_label(
        *(_select_all_label(raw, index, "pk", LSI_FETCH_PK) for index in (LSI_KEYS, LSI_INCLUDE))
    )


GSI_ALL_PK = "probe#gsi-select-all"


def gsi_all_attributes_memory(store: KeyValueStore) -> str:
    store.create(Indexed(pk=GSI_ALL_PK, sk="s", gpk=GSI_ALL_PK, gsk="g", a="A", b="B"))
    return boundary_label(
        *(_index_query_label(store, GSI_ALL_PK, index) for index in (GSI_KEYS, GSI_INCLUDE))
    )


def gsi_all_attributes_engine(raw: RawTable) -> str:
    raw.put(_raw_item(GSI_ALL_PK, "s", gpk=GSI_ALL_PK, gsk="g", a="A", b="B"))
    return boundary_label(
        *(_select_all_label(raw, index, "gpk", GSI_ALL_PK) for index in (GSI_KEYS, GSI_INCLUDE))
    )


# -- reads: pages ----------------------------------------------------------------------

LEK_PK = "probe#gsi-lek"


def last_key_memory(store: KeyValueStore) -> str:
    for sk in ("s1", "s2"):
        store.create(Indexed(pk=LEK_PK, sk=sk, gpk=LEK_PK, gsk=sk))

    def pages() -> str:
        first = store.query_page(LEK_PK, Indexed, page_size=1, index=GSI)
        if first.cursor is None:
            return f"{len(first.items)} items, no cursor"
        second = store.query_page(LEK_PK, Indexed, page_size=1, index=GSI, cursor=first.cursor)
        return f"a cursor (opaque), resuming at {_table_sort_keys(second.items)}"

    return port_label(pages, ok=str)


def last_key_engine(raw: RawTable) -> str:
    for sk in ("s1", "s2"):
        raw.put(_raw_item(LEK_PK, sk, gpk=LEK_PK, gsk=sk))
    answer = _raw_query(raw, GSI, "gpk = :p", values={"p": LEK_PK}, Limit=1)
    if isinstance(answer, str):
        return answer
    last = answer.get("LastEvaluatedKey")
    return "no LastEvaluatedKey" if last is None else names_label(last)


EQUAL_PK = "probe#gsi-equal"
EQUAL_SORT_KEYS = ("c", "a", "b")


def _each_once(sort_keys: list[str]) -> str:
    if sorted(sort_keys) == sorted(EQUAL_SORT_KEYS):
        return EACH_ONCE
    return f"{len(sort_keys)} items: {sort_keys_label(sort_keys)}"


def equal_keys_memory(store: KeyValueStore) -> str:
    for sk in EQUAL_SORT_KEYS:
        store.create(Indexed(pk=EQUAL_PK, sk=sk, gpk=EQUAL_PK, gsk="same"))

    def walk() -> str:
        seen: list[str] = []
        cursor = None
        for _ in range(2 * len(EQUAL_SORT_KEYS)):
            page = store.query_page(EQUAL_PK, Indexed, page_size=1, index=GSI, cursor=cursor)
            seen += [item.sk for item in page.items]
            cursor = page.cursor
            if cursor is None:
                break
        return _each_once(seen)

    return port_label(walk, ok=str)


def equal_keys_engine(raw: RawTable) -> str:
    for sk in EQUAL_SORT_KEYS:
        raw.put(_raw_item(EQUAL_PK, sk, gpk=EQUAL_PK, gsk="same"))
    seen: list[str] = []
    start: Wire | None = None
    for _ in range(2 * len(EQUAL_SORT_KEYS)):
        extra: dict[str, Any] = {} if start is None else {"ExclusiveStartKey": start}
        answer = _raw_query(raw, GSI, "gpk = :p", values={"p": EQUAL_PK}, Limit=1, **extra)
        if isinstance(answer, str):
            return answer
        seen += [item["sk"]["S"] for item in answer.get("Items", [])]
        start = answer.get("LastEvaluatedKey")
        if start is None:
            break
    return _each_once(seen)


# -- reads: which items, in which order --------------------------------------------------

SPARSE_PK = "probe#gsi-sparse"


def sparse_memory(store: KeyValueStore) -> str:
    store.create(Indexed(pk=SPARSE_PK, sk="s1", gpk=SPARSE_PK, gsk="1"))
    store.create(Indexed(pk=SPARSE_PK, sk="s2", gpk=SPARSE_PK))
    store.create(Indexed(pk=SPARSE_PK, sk="s3", gsk="3"))
    store.create(Indexed(pk=SPARSE_PK, sk="s4", gpk=SPARSE_PK, gsk="4"))
    before = port_label(
        lambda: store.query_by_pk(SPARSE_PK, Indexed, index=GSI), ok=_table_sort_keys
    )
    store.update(Indexed(pk=SPARSE_PK, sk="s4", gpk=SPARSE_PK))
    after = port_label(
        lambda: store.query_by_pk(SPARSE_PK, Indexed, index=GSI), ok=_table_sort_keys
    )
    return f"{before}, then {after}"


def sparse_engine(raw: RawTable) -> str:
    raw.put(_raw_item(SPARSE_PK, "s1", gpk=SPARSE_PK, gsk="1"))
    raw.put(_raw_item(SPARSE_PK, "s2", gpk=SPARSE_PK))
    raw.put(_raw_item(SPARSE_PK, "s3", gsk="3"))
    raw.put(_raw_item(SPARSE_PK, "s4", gpk=SPARSE_PK, gsk="4"))
    before = _raw_items_label(_raw_query(raw, GSI, "gpk = :p", values={"p": SPARSE_PK}))
    raw.update(key(SPARSE_PK, "s4"), UpdateExpression="REMOVE gsk")
    after = _raw_items_label(_raw_query(raw, GSI, "gpk = :p", values={"p": SPARSE_PK}))
    return f"{before}, then {after}"


ORDER_PK = "probe#gsi-order"


def _order_items() -> list[tuple[str, str]]:
    """(table sort key, index sort key): the table's order is the index's reversed."""
    return [(f"{len(ORDERED) - i:02}", gsk) for i, gsk in enumerate(ORDERED)]


def order_memory(store: KeyValueStore) -> str:
    for sk, gsk in _order_items():
        store.create(Indexed(pk=ORDER_PK, sk=sk, gpk=ORDER_PK, gsk=gsk))
    return port_label(
        lambda: store.query_by_pk(ORDER_PK, Indexed, index=GSI),
        ok=lambda found: sort_keys_label([item.gsk for item in found]),
    )


def order_engine(raw: RawTable) -> str:
    for sk, gsk in _order_items():
        raw.put(_raw_item(ORDER_PK, sk, gpk=ORDER_PK, gsk=gsk))
    answer = _raw_query(raw, GSI, "gpk = :p", values={"p": ORDER_PK})
    return _raw_items_label(
        answer, lambda items: sort_keys_label([item["gsk"]["S"] for item in items])
    )


# -- queries DynamoDB refuses ------------------------------------------------------------


def no_sort_key_memory(store: KeyValueStore) -> str:
    return port_label(
        lambda: store.query_by_pk("probe#by-h", Indexed, index=GSI_HASH, equals="x"),
        ok=_table_sort_keys,
    )


def no_sort_key_engine(raw: RawTable) -> str:
    answer = _raw_query(
        raw, GSI_HASH, "hpk = :p AND gsk = :a", values={"p": "probe#by-h", "a": "x"}
    )
    return _raw_items_label(answer)


def unknown_index_memory(store: KeyValueStore) -> str:
    return port_label(
        lambda: store.query_by_pk("probe#unknown", Indexed, index=UNKNOWN_INDEX),
        ok=_table_sort_keys,
    )


def unknown_index_engine(raw: RawTable) -> str:
    return _raw_items_label(
        _raw_query(raw, UNKNOWN_INDEX, "gpk = :p", values={"p": "probe#unknown"})
    )


# -- reads: numbers an index projects ---------------------------------------------------


LONG_NUMBER_PK = "probe#index-long-number"
LONG_NUMBER = "1" + "0" * 40
"""10**40 written out: 41 digits, one of them significant (DynamoDB keeps 38)."""


class LongNumbered(KeyValueItem, entity="differential._steps_indexes.LongNumbered"):
    """An item of the indexed probe table holding a number of more than 38 digits."""

    gpk: str | None = None
    gsk: str | None = None
    n: int = 0


class LongNumberedKeys(KeyValueItem, entity=LongNumbered):
    """A view of LongNumbered reading only what a KEYS_ONLY global index holds."""

    model_config = ConfigDict(extra="allow")

    gpk: str | None = None
    gsk: str | None = None


def long_number_memory(store: KeyValueStore) -> str:
    store.create(LongNumbered(pk=LONG_NUMBER_PK, sk="s", gpk=LONG_NUMBER_PK, gsk="g", n=10**40))
    return port_label(
        lambda: store.query_by_pk(LONG_NUMBER_PK, LongNumberedKeys, index=GSI_KEYS),
        ok=_one_item_names,
    )


def long_number_engine(raw: RawTable) -> str:
    raw.put(_raw_item(LONG_NUMBER_PK, "s", gpk=LONG_NUMBER_PK, gsk="g", n={"N": LONG_NUMBER}))
    answer = _raw_query(raw, GSI_KEYS, "gpk = :p", values={"p": LONG_NUMBER_PK})
    return _raw_items_label(answer, _raw_one_item_names)
