"""The one item every variant stores, in each variant's own form.

Ten attributes of mixed types (str, int, Decimal, bool, list, map, string set),
about 190 bytes as DynamoDB counts them. `Order` is the pydantic model that
DynamoDBService, the Table resource and the in-memory store share; `raw_item`
is the hand-written AttributeValue form of the raw client.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrgd.common.services import KeyValueItem

TABLE = "bench"
REGION = "us-east-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"  # noqa: S105 - a dummy key for local engines
GET_PK = "bench#get"
UPDATE_PK = "bench#update"
CREATE_PK = "bench#create"
QUERY_PKS = {"query_100": "bench#q100", "query_1000": "bench#q1000"}
"""The partitions the query operations read, seeded with 100 and 1,000 items."""
ATTRIBUTES = (
    "pk",
    "sk",
    "title",
    "quantity",
    "price",
    "in_stock",
    "tags",
    "dimensions",
    "labels",
    "note",
)
NON_KEY_ATTRIBUTES = ATTRIBUTES[2:]


class Order(KeyValueItem):
    """The benchmark's item as a pydantic model (pk and sk come from KeyValueItem)."""

    title: str
    quantity: int
    price: Decimal
    in_stock: bool
    tags: list[str]
    dimensions: dict[str, int]
    labels: set[str]
    note: str


def order(pk: str, sk: str, version: int = 0) -> Order:
    """The benchmark item at (pk, sk); `version` changes the values an update sends."""
    return Order(
        pk=pk,
        sk=sk,
        title="Espresso machine, steel",
        quantity=3 + version,
        price=Decimal("249.99"),
        in_stock=version % 2 == 0,
        tags=["kitchen", "coffee"],
        dimensions={"width": 30, "height": 42},
        labels={"gift", "express"},
        note="Leave it at the door",
    )


def order_sort_key(index: int) -> str:
    """The sort key of the `index`-th item of a partition, in sort order."""
    return f"order#2026-01-05#{index:06d}"


def raw_item(item: Order) -> dict[str, Any]:
    """The item written out as AttributeValue dicts, as a boto3 user writes it by hand."""
    return {
        "pk": {"S": item.pk},
        "sk": {"S": item.sk},
        **raw_values(item),
    }


def raw_values(item: Order) -> dict[str, Any]:
    """The non-key attributes as AttributeValue dicts."""
    return {
        "title": {"S": item.title},
        "quantity": {"N": str(item.quantity)},
        "price": {"N": str(item.price)},
        "in_stock": {"BOOL": item.in_stock},
        "tags": {"L": [{"S": tag} for tag in item.tags]},
        "dimensions": {"M": {k: {"N": str(v)} for k, v in item.dimensions.items()}},
        "labels": {"SS": sorted(item.labels)},
        "note": {"S": item.note},
    }


def raw_key(pk: str, sk: str) -> dict[str, Any]:
    """A key as AttributeValue dicts."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def item_bytes() -> int:
    """The benchmark item's size as DynamoDB counts it."""
    from lvrgd.common.services.kvstore._limits import item_size  # noqa: PLC0415

    return item_size(raw_item(order("customer#000042", order_sort_key(1))))
