"""Probe steps of docs/fidelity.md's rows on keys, order, conditions and numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from differential._probes import (
    Anything,
    boundary_label,
    item,
    mem_create,
    mem_get_label,
    mem_query_label,
    mem_read,
    model,
    number_text,
    port_label,
    raw_create,
    raw_get_label,
    raw_query_label,
    raw_read,
    sort_keys_label,
    sort_keys_of,
    wire,
)
from differential._raw import ACCEPTED, key

if TYPE_CHECKING:
    from collections.abc import Callable

    from differential._behaviour import Probes
    from differential._raw import RawTable
    from lvrgd.common.services.kvstore import KeyValueStore

# -- keys ----------------------------------------------------------------------------


def write_key(pk: str, sk: str) -> Probes:
    values = item(pk, sk)
    return (lambda store: mem_create(store, values)), (lambda raw: raw_create(raw, values))


def read_key(pk: str, sk: str) -> Probes:
    return (lambda store: mem_get_label(store, pk, sk)), (lambda raw: raw_get_label(raw, pk, sk))


def empty_keys_memory(store: KeyValueStore) -> str:
    return f"{mem_create(store, item('', 's'))} / {mem_create(store, item('p', ''))}"


def empty_keys_engine(raw: RawTable) -> str:
    return f"{raw_create(raw, item('', 's'))} / {raw_create(raw, item('p', ''))}"


# -- sort order and conditions ---------------------------------------------------------

ORDERED = ("a", "z", "é", "€", "\ue000", "\uffff", "\U00010000", "😀")
"""In UTF-8 byte order; UTF-16 order would put the last two before \\ue000."""
CONTROLS = ("\x00", "\x01", "a", "a\x00", "\x7f", "\x80")
PREFIXED = ("e", "é", "éa", "ê")
"""é (C3 A9) and ê (C3 AA) share their first UTF-8 byte."""


def seeded_memory(
    pk: str, sort_keys: tuple[str, ...], **condition: Any
) -> Callable[[KeyValueStore], str]:
    def probe(store: KeyValueStore) -> str:
        for sk in sort_keys:
            store.create(Anything(pk=pk, sk=sk))
        return mem_query_label(store, pk, **condition)

    return probe


def seeded_engine(
    pk: str, sort_keys: tuple[str, ...], condition: str = "", **values: str
) -> Callable[[RawTable], str]:
    def probe(raw: RawTable) -> str:
        for sk in sort_keys:
            raw.put(wire(item(pk, sk)))
        return raw_query_label(raw, pk, condition, **values)

    return probe


def descending_engine(pk: str) -> Callable[[RawTable], str]:
    def probe(raw: RawTable) -> str:
        for sk in ORDERED:
            raw.put(wire(item(pk, sk)))
        page = raw.client.query(
            TableName=raw.name,
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": "pk"},
            ExpressionAttributeValues={":pk": {"S": pk}},
            ScanIndexForward=False,
            ConsistentRead=True,
        )
        return sort_keys_label([found["sk"]["S"] for found in page["Items"]])

    return probe


def resumed_memory(pk: str, page_size: int, **condition: Any) -> Callable[[KeyValueStore], str]:
    """The second page of a query_page of ORDERED under `condition`: it resumes past page 1."""

    def probe(store: KeyValueStore) -> str:
        for sk in ORDERED:
            store.create(Anything(pk=pk, sk=sk))

        def second_page() -> list[Anything]:
            first = store.query_page(pk, Anything, page_size=page_size, **condition)
            return store.query_page(
                pk, Anything, page_size=page_size, cursor=first.cursor, **condition
            ).items

        return port_label(second_page, ok=sort_keys_of)

    return probe


def resumed_engine(
    pk: str, condition: str, start_sk: str, **values: str
) -> Callable[[RawTable], str]:
    """A Query of ORDERED under `condition`, resumed past `start_sk` (ExclusiveStartKey)."""

    def probe(raw: RawTable) -> str:
        for sk in ORDERED:
            raw.put(wire(item(pk, sk)))
        pages: list[Any] = []
        label = raw.attempt(
            lambda: pages.append(
                raw.client.query(
                    TableName=raw.name,
                    KeyConditionExpression=f"#pk = :pk AND {condition}",
                    ExpressionAttributeNames={"#pk": "pk", "#sk": "sk"},
                    ExpressionAttributeValues={
                        ":pk": {"S": pk},
                        **{f":{name}": {"S": value} for name, value in values.items()},
                    },
                    ExclusiveStartKey=key(pk, start_sk),
                    ConsistentRead=True,
                )
            )
        )
        if label != ACCEPTED:
            return label
        return sort_keys_label([found["sk"]["S"] for found in pages[0]["Items"]])

    return probe


def limit_engine(raw: RawTable) -> str:
    pk = "probe#limit"
    for sk in ("a", "b", "c"):
        raw.put(wire(item(pk, sk)))
    page = raw.client.query(
        TableName=raw.name,
        KeyConditionExpression="#pk = :pk",
        ExpressionAttributeNames={"#pk": "pk"},
        ExpressionAttributeValues={":pk": {"S": pk}},
        Limit=3,
        ConsistentRead=True,
    )
    more = "LastEvaluatedKey" in page
    return f"{len(page['Items'])} items, {'a' if more else 'no'} LastEvaluatedKey"


def limit_memory(store: KeyValueStore) -> str:
    for sk in ("a", "b", "c"):
        store.create(Anything(pk="probe#limit", sk=sk))
    return (
        f"{len(store.query_by_pk('probe#limit', Anything, limit=3))} items (the port has no pages)"
    )


PAGE_ITEM_PAD = 100_000


def pages_engine(raw: RawTable) -> str:
    pk = "probe#pages"
    for index in range(12):
        raw.put({**key(pk, f"{index:02}"), "pad": {"S": "x" * PAGE_ITEM_PAD}})
    sizes, start = [], None
    while True:
        request: dict[str, Any] = {
            "TableName": raw.name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": "pk"},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ConsistentRead": True,
        }
        if start is not None:
            request["ExclusiveStartKey"] = start
        page = raw.client.query(**request)
        sizes.append(len(page["Items"]))
        start = page.get("LastEvaluatedKey")
        if start is None:
            return "pages of " + " + ".join(map(str, sizes)) + " items"


def pages_memory(store: KeyValueStore) -> str:
    for index in range(12):
        store.create(Anything(pk="probe#pages", sk=f"{index:02}", pad="x" * PAGE_ITEM_PAD))
    found = len(store.query_by_pk("probe#pages", Anything))
    return f"{found} items in one call (the port follows pages)"


# -- numbers ---------------------------------------------------------------------------


def number_read(text: str) -> Probes:
    pk = f"probe#number#{text}"

    def on_memory(store: KeyValueStore) -> str:
        store.create(model(item(pk, "s", n=Decimal(text))))
        read = mem_read(store, pk, "s")
        return "missing" if read is None else number_text(read["n"])

    def on_engine(raw: RawTable) -> str:
        label = raw.put({**key(pk, "s"), "n": {"N": text}})
        if label != ACCEPTED:
            return label
        read = raw_read(raw, pk, "s")
        return "missing" if read is None else str(read["n"]["N"])

    return on_memory, on_engine


def number_pair(inside: str, outside: str) -> Probes:
    def on_memory(store: KeyValueStore) -> str:
        results = [
            mem_create(store, item(f"probe#n#{t}", "s", n=Decimal(t))) for t in (inside, outside)
        ]
        return boundary_label(*results)

    def on_engine(raw: RawTable) -> str:
        results = [raw.put({**key(f"probe#n#{t}", "s"), "n": {"N": t}}) for t in (inside, outside)]
        return boundary_label(*results)

    return on_memory, on_engine


def nan_memory(store: KeyValueStore) -> str:
    return mem_create(store, item("probe#nan", "s", n=float("nan")))


def nan_engine(raw: RawTable) -> str:
    return raw.put({**key("probe#nan", "s"), "n": {"N": "NaN"}})
