"""The async port is the sync port in async form: same names, parameters, defaults and types.

The two Protocols are compared by introspection, overloads of patch included; then
mypy --strict checks that each adapter is its form's Protocol (and not the other's),
as a user's code would assign it.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import pytest
from typing_extensions import get_overloads

from lvrgd.common import services
from lvrgd.common.services import (
    AsyncKeyValueStore,
    InMemoryKeyValueStore,
    KeyValueStore,
    LoggingService,
    kvstore,
)
from lvrgd.common.services.memory import AsyncInMemoryKeyValueStore

from ._mypy import flagged_lines

if TYPE_CHECKING:
    from pathlib import Path

ASYNC_NAMES = {"close": "aclose", "__enter__": "__aenter__", "__exit__": "__aexit__"}
"""The sync port's names that the async port spells otherwise."""
RETURNS = {"AbstractContextManager[Transaction]": "AbstractAsyncContextManager[Transaction]"}
"""The one return type that differs: a transaction block is an async context manager."""
NOT_AWAITED = frozenset({"transaction"})
"""Methods of the async port that are not coroutines (they return what is awaited)."""


def _methods(protocol: type) -> dict[str, Any]:
    return {
        name: value
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and value.__qualname__.startswith(f"{protocol.__name__}.")
    }


def _shape(function: Any) -> tuple[list[tuple[str, object, object, object]], object]:
    signature = inspect.signature(function)
    parameters: list[tuple[str, object, object, object]] = [
        (parameter.name, parameter.kind, parameter.default, parameter.annotation)
        for parameter in signature.parameters.values()
    ]
    return parameters, signature.return_annotation


SYNC = _methods(KeyValueStore)
ASYNC = _methods(AsyncKeyValueStore)


def test_async_port_has_every_method_of_the_sync_port_and_no_other() -> None:
    assert {ASYNC_NAMES.get(name, name) for name in SYNC} == set(ASYNC)


@pytest.mark.parametrize("name", sorted(SYNC))
def test_async_method_takes_the_sync_method_s_parameters_defaults_and_types(name: str) -> None:
    sync_parameters, sync_returns = _shape(SYNC[name])
    async_parameters, async_returns = _shape(ASYNC[ASYNC_NAMES.get(name, name)])

    assert async_parameters == sync_parameters
    assert async_returns == RETURNS.get(str(sync_returns), sync_returns)


@pytest.mark.parametrize("name", sorted(SYNC))
def test_async_method_is_a_coroutine_but_the_transaction_block(name: str) -> None:
    method = ASYNC[ASYNC_NAMES.get(name, name)]

    assert inspect.iscoroutinefunction(method) is (name not in NOT_AWAITED)


def test_async_patch_has_the_sync_patch_s_overloads() -> None:
    sync = [_shape(overload) for overload in get_overloads(KeyValueStore.patch)]
    asynchronous = [_shape(overload) for overload in get_overloads(AsyncKeyValueStore.patch)]

    assert len(sync) == 3
    assert asynchronous == sync


def test_async_port_is_exported_from_the_package_and_kvstore() -> None:
    assert services.AsyncKeyValueStore is kvstore.AsyncKeyValueStore is AsyncKeyValueStore
    assert "AsyncKeyValueStore" in services.__all__
    assert "AsyncKeyValueStore" in kvstore.__all__


def test_each_adapter_is_its_own_form_s_protocol_and_not_the_other_s() -> None:
    logger = LoggingService("test")
    twin, async_twin = InMemoryKeyValueStore(logger), AsyncInMemoryKeyValueStore(logger)

    assert isinstance(twin, KeyValueStore)
    assert not isinstance(twin, AsyncKeyValueStore)
    assert isinstance(async_twin, AsyncKeyValueStore)
    assert not isinstance(async_twin, KeyValueStore)


USER_CODE = """
from lvrgd.common.services import (
    AsyncKeyValueStore, DynamoDBConfig, DynamoDBService, InMemoryKeyValueStore, KeyValueItem,
    KeyValueStore, LoggingService, Page,
)
from lvrgd.common.services.memory import AsyncInMemoryKeyValueStore


class Product(KeyValueItem, entity="typing.async.Product"):
    name: str
    stock: int = 0


logger = LoggingService("typing")
store: KeyValueStore = InMemoryKeyValueStore(logger)
service: KeyValueStore = DynamoDBService(logger, DynamoDBConfig(table_name="orders"))
twin: AsyncKeyValueStore = AsyncInMemoryKeyValueStore(logger)
async_as_sync: KeyValueStore = AsyncInMemoryKeyValueStore(logger)  # wrong
sync_as_async: AsyncKeyValueStore = InMemoryKeyValueStore(logger)  # wrong


async def use(store: AsyncKeyValueStore) -> None:
    pen = Product(pk="product#pen", sk="#", name="Pen")
    await store.create(pen)
    found: Product | None = await store.get_one("product#pen", "#", Product)
    after: Product = await store.patch("product#pen", "#", Product, add={"stock": 1})
    empty: Product = await store.patch("product#pen", "#", Product, return_item=False)  # wrong
    listed: list[Product] = await store.query_by_pk("product#pen", Product, limit=3)
    page: Page[Product] = await store.query_page("product#pen", Product, page_size=10)
    async with store.transaction() as tx:
        tx.update(pen)
    async with AsyncInMemoryKeyValueStore(logger) as opened:
        await opened.ping()
    store.create(pen)  # wrong
    with store.transaction() as tx:  # wrong
        tx.update(pen)
    unawaited: Product = store.patch("product#pen", "#", Product, add={"stock": 1})  # wrong
"""


def test_mypy_assigns_each_adapter_to_its_form_and_flags_exactly_the_wrong_lines(
    tmp_path: Path,
) -> None:
    flagged, wrong, report = flagged_lines(USER_CODE, tmp_path)
    assert flagged == wrong, report
