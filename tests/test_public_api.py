"""The public names of docs/contract.md's "Public API", each importable and documented."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from lvrgd.common import services

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "contract.md"

# The package's first public names (docs/contract.md's "Public API" lists them all).
PUBLIC_NAMES = frozenset(
    {
        "LoggingService",
        "KeyValueStore",
        "KeyValueItem",
        "KeyValueStoreError",
        "ItemAlreadyExistsError",
        "ItemNotFoundError",
        "InvalidItemError",
        "InvalidQueryError",
        "StoreClosedError",
        "InMemoryKeyValueStore",
        "DynamoDBService",
        "DynamoDBConfig",
        "DynamoDBBaseModel",
        "create_table",
    }
)

# The names added to the port after the first ones: pages, transactions, versions.
BEYOND_THE_SEED_NAMES = frozenset(
    {"Page", "Transaction", "TransactionCanceledError", "VersionConflictError", "VersionedItem"}
)

# The errors that tell the caller what to do (issue: sharp edges).
ERROR_TAXONOMY_NAMES = frozenset(
    {
        "StoreUnavailableError",
        "TableNotFoundError",
        "TransactionClosedError",
        "UnsupportedOperationError",
        "WriteOutcomeUnknownError",
    }
)

# The names of the testing kit's issue.
TESTING_NAMES = frozenset({"delete_table"})
INDEX_NAMES = frozenset({"IndexSpec"})
"""Secondary indexes: their declarations."""
CONDITION_NAMES = frozenset({"Condition", "ConditionFailedError", "where"})
"""Typed conditions on writes."""
ASYNC_NAMES = frozenset(
    {"AsyncKeyValueStore", "AsyncInMemoryKeyValueStore", "AsyncDynamoDBService"}
)
"""The port in async form, and its adapters."""

HOME_PACKAGE = {
    "AsyncKeyValueStore": "kvstore",
    "AsyncInMemoryKeyValueStore": "memory",
    "AsyncDynamoDBService": "dynamodb",
    "delete_table": "dynamodb",
    **dict.fromkeys(ERROR_TAXONOMY_NAMES, "kvstore"),
    "Page": "kvstore",
    "Transaction": "kvstore",
    "TransactionCanceledError": "kvstore",
    "VersionConflictError": "kvstore",
    "VersionedItem": "kvstore",
    "LoggingService": "logging",
    "KeyValueStore": "kvstore",
    "KeyValueItem": "kvstore",
    "KeyValueStoreError": "kvstore",
    "ItemAlreadyExistsError": "kvstore",
    "ItemNotFoundError": "kvstore",
    "InvalidItemError": "kvstore",
    "InvalidQueryError": "kvstore",
    "StoreClosedError": "kvstore",
    "InMemoryKeyValueStore": "memory",
    "IndexSpec": "kvstore",
    "Condition": "kvstore",
    "ConditionFailedError": "kvstore",
    "where": "kvstore",
    "DynamoDBService": "dynamodb",
    "DynamoDBConfig": "dynamodb",
    "DynamoDBBaseModel": "dynamodb",
    "create_table": "dynamodb",
}


def _design_names(text: str) -> frozenset[str]:
    """The names the ``from lvrgd.common.services import (...)`` under "Public API" imports."""
    section = text.split("## Public API", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert block is not None, "no python block under 'Public API'"
    (statement,) = ast.parse(block.group(1)).body
    assert isinstance(statement, ast.ImportFrom)
    assert statement.module == "lvrgd.common.services"
    return frozenset(alias.name for alias in statement.names)


def test_public_api_all_is_exactly_designs_list() -> None:
    assert (
        set(services.__all__)
        == PUBLIC_NAMES
        | BEYOND_THE_SEED_NAMES
        | ERROR_TAXONOMY_NAMES
        | TESTING_NAMES
        | INDEX_NAMES
        | CONDITION_NAMES
        | ASYNC_NAMES
    )
    assert services.__all__ == sorted(services.__all__)
    assert len(services.__all__) == len(set(services.__all__))


def test_public_api_all_is_exactly_the_contracts_import_block() -> None:
    assert _design_names(CONTRACT.read_text(encoding="utf-8")) == set(services.__all__)


def test_public_api_design_parser_reads_the_import_block() -> None:
    text = (
        "# x\n## Public API\n\n```python\nfrom lvrgd.common.services import (\n    A, B,\n)\n```\n"
    )
    assert _design_names(text) == {"A", "B"}


@pytest.mark.parametrize(
    "name",
    sorted(
        PUBLIC_NAMES
        | BEYOND_THE_SEED_NAMES
        | ERROR_TAXONOMY_NAMES
        | TESTING_NAMES
        | INDEX_NAMES
        | CONDITION_NAMES
        | ASYNC_NAMES
    ),
)
def test_public_api_name_is_importable_from_the_root(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from lvrgd.common.services import {name}", namespace)  # noqa: S102 - fixed names
    assert namespace[name] is getattr(services, name)


@pytest.mark.parametrize(
    "name",
    sorted(
        PUBLIC_NAMES
        | BEYOND_THE_SEED_NAMES
        | ERROR_TAXONOMY_NAMES
        | TESTING_NAMES
        | INDEX_NAMES
        | CONDITION_NAMES
        | ASYNC_NAMES
    ),
)
def test_public_api_name_is_the_same_object_in_its_own_package(name: str) -> None:
    package = importlib.import_module(f"lvrgd.common.services.{HOME_PACKAGE[name]}")
    assert name in package.__all__
    assert getattr(package, name) is getattr(services, name)


def test_public_api_dynamodb_base_model_is_key_value_item() -> None:
    assert services.DynamoDBBaseModel is services.KeyValueItem


@pytest.mark.parametrize(
    "name",
    sorted(
        PUBLIC_NAMES
        | BEYOND_THE_SEED_NAMES
        | ERROR_TAXONOMY_NAMES
        | TESTING_NAMES
        | INDEX_NAMES
        | CONDITION_NAMES
        | ASYNC_NAMES
    ),
)
def test_public_api_name_has_a_docstring(name: str) -> None:
    doc = inspect.getdoc(getattr(services, name))
    assert doc
    assert doc.strip()


def test_public_api_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        _ = services.NoSuchThing
