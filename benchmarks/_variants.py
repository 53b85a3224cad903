"""The DynamoDB-side variants: five ways to store and read the same item.

Each variant turns a batch into a closure that the timer runs. Whatever a variant
needs before the call (its own item objects, a hand-written request) is built
outside the closure; what its library does on each call happens inside it. Every
closure checks what it got back (an item, the expected number of items), so that
a broken setup fails instead of measuring nothing.

(a) raw: boto3's low-level client with hand-written AttributeValue dicts, default
    configuration, no conversion of what comes back (the floor a boto3 user reaches);
(b) resource: boto3's Table resource, with the pydantic `Order` dumped and validated;
(c) pynamodb: a PynamoDB model of the same attributes;
(d) dyntastic: a dyntastic (pydantic) model of the same fields;
(e) service: DynamoDBService with `Order`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from decimal import Decimal  # noqa: TC003 - pydantic resolves DyntasticOrder's fields at run time
from typing import TYPE_CHECKING, Any, ClassVar

import boto3
from boto3.dynamodb.conditions import Key
from dyntastic import Attr, Dyntastic
from pydantic import SecretStr
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.models import Model

from lvrgd.common.services import DynamoDBConfig, DynamoDBService, LoggingService

from . import _canned
from ._items import (
    ACCESS_KEY,
    NON_KEY_ATTRIBUTES,
    REGION,
    SECRET_KEY,
    TABLE,
    Order,
    raw_item,
    raw_key,
    raw_values,
)
from ._plan import VARIANT_LABELS
from ._timing import expect

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


class Variant(ABC):
    """One way to run the benchmark's operations against a table."""

    name: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """A batch of conditional puts of new items."""

    @abstractmethod
    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """A batch of strongly consistent gets of one existing item."""

    @abstractmethod
    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """A batch of updates (every non-key attribute set) of an existing item."""

    @abstractmethod
    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """A batch of whole-partition queries, every page, items converted."""

    def close(self) -> None:  # noqa: B027 - most variants hold nothing to close
        """Release what the variant holds."""


def _check_count(got: int, expected: int) -> None:
    expect(got == expected, f"{expected} items, not {got}")


def _session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )


class RawClient(Variant):
    """boto3's low-level client, hand-written AttributeValue dicts, no conversion."""

    name = "raw"
    label = VARIANT_LABELS[name]

    def __init__(self, endpoint_url: str) -> None:
        """Build a client with boto3's default configuration."""
        self.client = _session().client("dynamodb", endpoint_url=endpoint_url)

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """PutItem with ``attribute_not_exists(pk)``."""
        requests: list[dict[str, Any]] = [
            {
                "TableName": TABLE,
                "Item": raw_item(item),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
            for item in items
        ]
        put = self.client.put_item

        def run() -> None:
            for request in requests:
                put(**request)

        return run

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """GetItem, ConsistentRead."""
        get = self.client.get_item
        key = raw_key(pk, sk)

        def run() -> None:
            for _ in range(times):
                expect("Item" in get(TableName=TABLE, Key=key, ConsistentRead=True), "an item")

        return run

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """UpdateItem: SET of every non-key attribute, ``attribute_exists(pk)``."""
        requests = [_raw_update(item) for item in items]
        update = self.client.update_item

        def run() -> None:
            for request in requests:
                update(**request)

        return run

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """Query every page; the items stay AttributeValue dicts."""
        query = self.client.query

        def run() -> None:
            for _ in range(times):
                request: dict[str, Any] = {
                    "TableName": TABLE,
                    "KeyConditionExpression": "pk = :pk",
                    "ExpressionAttributeValues": {":pk": {"S": pk}},
                    "ConsistentRead": True,
                }
                items: list[dict[str, Any]] = []
                while True:
                    page = query(**request)
                    items.extend(page["Items"])
                    if "LastEvaluatedKey" not in page:
                        break
                    request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
                _check_count(len(items), expected)

        return run

    def close(self) -> None:
        """Close the client."""
        self.client.close()


def _raw_update(item: Order) -> dict[str, Any]:
    values = raw_values(item)
    return {
        "TableName": TABLE,
        "Key": raw_key(item.pk, item.sk),
        "UpdateExpression": "SET " + ", ".join(f"#{name} = :{name}" for name in values),
        "ConditionExpression": "attribute_exists(pk)",
        "ExpressionAttributeNames": {f"#{name}": name for name in values},
        "ExpressionAttributeValues": {f":{name}": value for name, value in values.items()},
    }


class TableResource(Variant):
    """boto3's Table resource with the pydantic model dumped and validated."""

    name = "resource"
    label = VARIANT_LABELS[name]

    def __init__(self, endpoint_url: str) -> None:
        """Build the resource with boto3's default configuration."""
        self.table = _session().resource("dynamodb", endpoint_url=endpoint_url).Table(TABLE)

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """put_item of ``model_dump()`` with ``attribute_not_exists(pk)``."""
        put = self.table.put_item

        def run() -> None:
            for item in items:
                put(Item=item.model_dump(), ConditionExpression="attribute_not_exists(pk)")

        return run

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """get_item, then ``Order.model_validate``."""
        get = self.table.get_item

        def run() -> None:
            for _ in range(times):
                Order.model_validate(get(Key={"pk": pk, "sk": sk}, ConsistentRead=True)["Item"])

        return run

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """update_item with a SET expression built from ``model_dump()``."""
        update = self.table.update_item

        def run() -> None:
            for item in items:
                fields = item.model_dump(exclude={"pk", "sk"})
                names = {f"#a{i}": name for i, name in enumerate(fields)}
                values = {f":v{i}": value for i, value in enumerate(fields.values())}
                update(
                    Key={"pk": item.pk, "sk": item.sk},
                    UpdateExpression="SET "
                    + ", ".join(f"#a{i} = :v{i}" for i in range(len(fields))),
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                )

        return run

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """Query every page, each item through ``Order.model_validate``."""
        query = self.table.query

        def run() -> None:
            for _ in range(times):
                request: dict[str, Any] = {
                    "KeyConditionExpression": Key("pk").eq(pk),
                    "ConsistentRead": True,
                }
                items: list[Order] = []
                while True:
                    page = query(**request)
                    items.extend(Order.model_validate(item) for item in page["Items"])
                    if "LastEvaluatedKey" not in page:
                        break
                    request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
                _check_count(len(items), expected)

        return run

    def close(self) -> None:
        """Close the resource's client."""
        self.table.meta.client.close()


class PynamoOrder(Model):
    """The item as a PynamoDB model."""

    class Meta:
        """Where the table is; the host is set per engine by `_pynamodb_model`."""

        table_name = TABLE
        region = REGION

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    title = UnicodeAttribute()
    quantity = NumberAttribute()
    price = NumberAttribute()
    in_stock = BooleanAttribute()
    tags = ListAttribute(of=UnicodeAttribute)
    dimensions = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]
    labels = UnicodeSetAttribute()
    note = UnicodeAttribute()


def _pynamodb_model(endpoint_url: str) -> type[PynamoOrder]:
    class PynamoOrderAt(PynamoOrder):
        class Meta:
            table_name = TABLE
            region = REGION
            host = endpoint_url
            aws_access_key_id = ACCESS_KEY
            aws_secret_access_key = SECRET_KEY

    return PynamoOrderAt


class PynamoDB(Variant):
    """PynamoDB, its model built from the same values."""

    name = "pynamodb"
    label = VARIANT_LABELS[name]

    def __init__(self, endpoint_url: str) -> None:
        """Bind a model class to the engine."""
        self.model = _pynamodb_model(endpoint_url)

    def _model_of(self, item: Order) -> PynamoOrder:
        return self.model(
            item.pk,
            item.sk,
            title=item.title,
            quantity=item.quantity,
            price=float(item.price),
            in_stock=item.in_stock,
            tags=list(item.tags),
            dimensions=dict(item.dimensions),
            labels=set(item.labels),
            note=item.note,
        )

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """``save(condition=pk.does_not_exist())``."""
        models = [self._model_of(item) for item in items]
        condition = self.model.pk.does_not_exist()

        def run() -> None:
            for model in models:
                model.save(condition=condition)

        return run

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """``get(pk, sk, consistent_read=True)``."""
        get = self.model.get

        def run() -> None:
            for _ in range(times):
                get(pk, sk, consistent_read=True)

        return run

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """``update(actions=[attr.set(value) ...], condition=pk.exists())``."""
        models = [self._model_of(item) for item in items]
        condition = self.model.pk.exists()
        attributes = [getattr(self.model, name) for name in NON_KEY_ATTRIBUTES]

        def run() -> None:
            for model in models:
                actions = [attr.set(getattr(model, attr.attr_name)) for attr in attributes]
                model.update(actions=actions, condition=condition)

        return run

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """``list(query(pk, consistent_read=True))``."""
        query = self.model.query

        def run() -> None:
            for _ in range(times):
                _check_count(len(list(query(pk, consistent_read=True))), expected)

        return run


class DyntasticOrder(Dyntastic):
    """The item as a dyntastic model; the host is set per engine by `_dyntastic_model`."""

    __table_name__ = TABLE
    __table_region__ = REGION
    __hash_key__ = "pk"
    __range_key__ = "sk"

    pk: str
    sk: str
    title: str
    quantity: int
    price: Decimal
    in_stock: bool
    tags: list[str]
    dimensions: dict[str, int]
    labels: set[str]
    note: str


def _dyntastic_model(endpoint_url: str) -> type[DyntasticOrder]:
    class DyntasticOrderAt(DyntasticOrder):
        __table_host__ = endpoint_url

    return DyntasticOrderAt


class DyntasticVariant(Variant):
    """dyntastic: pydantic models over boto3's Table resource."""

    name = "dyntastic"
    label = VARIANT_LABELS[name]

    def __init__(self, endpoint_url: str) -> None:
        """Bind a model class to the engine (credentials come from the environment)."""
        self.model = _dyntastic_model(endpoint_url)

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """``save(condition=Attr("pk").not_exists())``."""
        models = [self.model(**item.model_dump()) for item in items]
        condition = Attr("pk").not_exists()  # type: ignore[no-untyped-call]

        def run() -> None:
            for model in models:
                model.save(condition=condition)

        return run

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """``get(pk, sk, consistent_read=True)``."""
        get = self.model.get

        def run() -> None:
            for _ in range(times):
                get(pk, sk, consistent_read=True)

        return run

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """``update(Attr(name).set(value) ..., condition=exists, refresh=False)``."""
        models = [self.model(**item.model_dump()) for item in items]
        attributes = [Attr(name) for name in NON_KEY_ATTRIBUTES]

        def run() -> None:
            for model in models:
                actions = [
                    attr.set(getattr(model, attr.name))  # type: ignore[no-untyped-call]
                    for attr in attributes
                ]
                model.update(
                    *actions,
                    condition=Attr("pk").exists(),  # type: ignore[no-untyped-call]
                    refresh=False,
                )

        return run

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """``list(query(pk, consistent_read=True))``."""
        query = self.model.query

        def run() -> None:
            for _ in range(times):
                _check_count(len(list(query(pk, consistent_read=True))), expected)

        return run


class Service(Variant):
    """DynamoDBService, this package's adapter."""

    name = "service"
    label = VARIANT_LABELS[name]

    def __init__(self, endpoint_url: str) -> None:
        """Build the service with its default configuration."""
        config = DynamoDBConfig(
            table_name=TABLE,
            region=REGION,
            endpoint_url=endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SecretStr(SECRET_KEY),
        )
        # On the canned engine the service's answers are replayed at its transport, as
        # the other variants' are inside botocore.
        transport = _canned.service_transport(config)
        self.service = DynamoDBService(LoggingService("benchmarks"), config, transport=transport)

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """``create(item)``."""
        create = self.service.create

        def run() -> None:
            for item in items:
                create(item)

        return run

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """``get_one(pk, sk, Order)``."""
        get_one = self.service.get_one

        def run() -> None:
            for _ in range(times):
                expect(get_one(pk, sk, Order) is not None, "an item")

        return run

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """``update(item)``."""
        update = self.service.update

        def run() -> None:
            for item in items:
                update(item)

        return run

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """``query_by_pk(pk, Order)``."""
        query = self.service.query_by_pk

        def run() -> None:
            for _ in range(times):
                _check_count(len(query(pk, Order)), expected)

        return run

    def close(self) -> None:
        """Close the service."""
        self.service.close()


VARIANTS: tuple[type[Variant], ...] = (
    RawClient,
    TableResource,
    PynamoDB,
    DyntasticVariant,
    Service,
)
"""Every variant; the first is the baseline."""
BASELINE = RawClient.name


def build(names: Sequence[str], endpoint_url: str) -> dict[str, Variant]:
    """The named variants, bound to the engine at `endpoint_url`."""
    classes: dict[str, Callable[[str], Variant]] = {cls.name: cls for cls in VARIANTS}
    return {name: classes[name](endpoint_url) for name in names}
