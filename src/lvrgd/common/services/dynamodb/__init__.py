"""DynamoDBService, its config, DynamoDBBaseModel (KeyValueItem's other name), the table.

create_table and delete_table make and remove the table, for local runs and tests.
AsyncDynamoDBService, the async form, needs ``lvrgd-common[async]`` and is imported on
first use.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._table import create_table, delete_table
from .dynamodb_models import DynamoDBBaseModel, DynamoDBConfig
from .dynamodb_service import DynamoDBService

if TYPE_CHECKING:
    from .async_dynamodb_service import AsyncDynamoDBService

__all__ = [
    "AsyncDynamoDBService",
    "DynamoDBBaseModel",
    "DynamoDBConfig",
    "DynamoDBService",
    "create_table",
    "delete_table",
]


def __getattr__(name: str) -> Any:
    """Import the async adapter (and anyio and httpx with it) the first time it is asked for.

    Raises:
        ImportError: Without the ``lvrgd-common[async]`` extra, naming it.
    """
    if name == "AsyncDynamoDBService":
        module = importlib.import_module(f"{__name__}.async_dynamodb_service")
        return module.AsyncDynamoDBService
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
