"""The in-memory side: InMemoryKeyValueStore against moto's mock_aws, and scaling.

moto's side is DynamoDBService on a mock_aws table: a boto3 client with the very
same model conversion (our codec), so the comparison is the store's cost alone.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

import psutil  # type: ignore[import-untyped]  # psutil ships no type information
from pydantic import SecretStr

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    InMemoryKeyValueStore,
    LoggingService,
    create_table,
)

from ._items import (
    ACCESS_KEY,
    CREATE_PK,
    GET_PK,
    QUERY_PKS,
    REGION,
    SECRET_KEY,
    TABLE,
    UPDATE_PK,
    Order,
    order,
    order_sort_key,
    raw_item,
)
from ._plan import MEMORY_OPERATIONS, MEMORY_VARIANTS, QUERY_SIZES, SCALING_WINDOW
from ._profile import profile_calls
from ._timing import Workload, expect, interleaved

if TYPE_CHECKING:
    from collections.abc import Callable

    from lvrgd.common.services import KeyValueStore

    from ._plan import Plan

SCALING_OPERATION = "query_window"
_LABELS = {
    "memory": "InMemoryKeyValueStore",
    "moto": "moto mock_aws + boto3 client (DynamoDBService, same codec)",
}


def _config() -> DynamoDBConfig:
    return DynamoDBConfig(
        table_name=TABLE,
        region=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SecretStr(SECRET_KEY),
    )


def _moto_service() -> tuple[DynamoDBService, Callable[[], None]]:
    """DynamoDBService on a fresh mock_aws table, and what stops the mock."""
    from moto import mock_aws  # noqa: PLC0415 - importing moto hooks every later botocore client

    mock = mock_aws()
    mock.start()
    create_table(_config())
    return DynamoDBService(LoggingService("benchmarks"), _config()), mock.stop


def run(plan: Plan) -> dict[str, Any]:
    """Time create, get_one, update and a 100-item query on both stores, interleaved."""
    service, stop = _moto_service()
    stores: dict[str, KeyValueStore] = {
        "memory": InMemoryKeyValueStore(LoggingService("benchmarks")),
        "moto": service,
    }
    try:
        for store in stores.values():
            store.create(order(GET_PK, order_sort_key(0)))
            store.create(order(UPDATE_PK, order_sort_key(0)))
            for i in range(QUERY_SIZES["query_100"]):
                store.create(order(QUERY_PKS["query_100"], order_sort_key(i)))

        def prepare(variant: str, operation: str, batch: int) -> Workload:
            return _workload(
                stores[variant], operation, plan.memory_counts[variant][operation], batch
            )

        samples = interleaved(
            MEMORY_VARIANTS,
            MEMORY_OPERATIONS,
            warmup=plan.warmup,
            repetitions=plan.repetitions,
            prepare=prepare,
            label="in-memory vs moto",
        )
        profiles = {
            operation: profile_calls(
                prepare("memory", operation, -1 - index).run,
                plan.memory_counts["memory"][operation],
            )
            for index, operation in enumerate(MEMORY_OPERATIONS)
            if operation != "update"
        }
    finally:
        for store in stores.values():
            store.close()
        stop()
    return {
        "variants": {name: _LABELS[name] for name in MEMORY_VARIANTS},
        "operations": list(MEMORY_OPERATIONS),
        "counts": plan.memory_counts,
        "samples": samples,
        "profile": profiles,
    }


def _workload(store: KeyValueStore, operation: str, count: int, batch: int) -> Workload:
    builders = {"create": _creates, "get_one": _gets, "update": _updates, "query_100": _queries}
    return Workload(builders[operation](store, count, batch), count)


def _creates(store: KeyValueStore, count: int, batch: int) -> Callable[[], None]:
    items = [order(CREATE_PK, f"{batch}#{i:06d}") for i in range(count)]

    def run() -> None:
        for item in items:
            store.create(item)

    return run


def _gets(store: KeyValueStore, count: int, _batch: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(count):
            expect(store.get_one(GET_PK, order_sort_key(0), Order) is not None, "an item")

    return run


def _updates(store: KeyValueStore, count: int, batch: int) -> Callable[[], None]:
    items = [order(UPDATE_PK, order_sort_key(0), batch + i) for i in range(count)]

    def run() -> None:
        for item in items:
            store.update(item)

    return run


def _queries(store: KeyValueStore, count: int, _batch: int) -> Callable[[], None]:
    pk, size = QUERY_PKS["query_100"], QUERY_SIZES["query_100"]

    def run() -> None:
        for _ in range(count):
            expect(len(store.query_by_pk(pk, Order)) == size, f"{size} items")

    return run


def _rss() -> int:
    gc.collect()
    rss: int = psutil.Process().memory_info().rss
    return rss


def _scaling_store(
    backend: str,
) -> tuple[KeyValueStore, Callable[[str, int], None], Callable[[], None]]:
    """The store, what adds the `index`-th item to partition `pk`, and what stops it all."""
    if backend == "memory":
        memory = InMemoryKeyValueStore(LoggingService("benchmarks"))

        def fill_memory(pk: str, index: int) -> None:
            memory.create(order(pk, order_sort_key(index)))

        return memory, fill_memory, lambda: None
    service, stop = _moto_service()
    from moto.core.models import DEFAULT_ACCOUNT_ID  # noqa: PLC0415
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415

    moto_backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]

    def fill_moto(pk: str, index: int) -> None:
        moto_backend.put_item(TABLE, raw_item(order(pk, order_sort_key(index))))

    return service, fill_moto, stop


def run_scaling(backend: str, plan: Plan) -> dict[str, Any]:
    """A 100-item query from partitions of each size, and memory per stored item.

    moto's partitions are filled through its backend's ``put_item`` with the items'
    wire form (what a PutItem through mock_aws stores, without the HTTP emulation
    that would take minutes for 111k items); queries go through the client.
    """
    store, fill, stop = _scaling_store(backend)
    try:
        sizes = plan.scaling_sizes
        for size in sizes[:-1]:
            for index in range(size):
                fill(f"scale#{size}", index)
        before = _rss()
        for index in range(sizes[-1]):
            fill(f"scale#{sizes[-1]}", index)
        bytes_per_item = (_rss() - before) / sizes[-1]

        def prepare(variant: str, _operation: str, _batch: int) -> Workload:
            size = int(variant)
            middle = size // 2 - SCALING_WINDOW // 2
            low, high = order_sort_key(middle), order_sort_key(middle + SCALING_WINDOW - 1)
            count = plan.scaling_queries[backend]

            def query() -> None:
                for _ in range(count):
                    found = store.query_by_pk(f"scale#{size}", Order, between=(low, high))
                    expect(len(found) == SCALING_WINDOW, f"{SCALING_WINDOW} items")

            return Workload(query, count)

        samples = interleaved(
            [str(size) for size in sizes],
            [SCALING_OPERATION],
            warmup=plan.warmup,
            repetitions=plan.repetitions,
            prepare=prepare,
            label=f"scaling {backend}",
        )
    finally:
        store.close()
        stop()
    return {
        "backend": backend,
        "label": _LABELS[backend],
        "sizes": list(sizes),
        "bytes_per_item": bytes_per_item,
        "samples": samples,
    }
