"""DynamoDBService, its config, DynamoDBBaseModel (KeyValueItem's other name), the table.

create_table and delete_table make and remove the table, for local runs and tests.
"""

from ._table import create_table, delete_table
from .dynamodb_models import DynamoDBBaseModel, DynamoDBConfig
from .dynamodb_service import DynamoDBService

__all__ = [
    "DynamoDBBaseModel",
    "DynamoDBConfig",
    "DynamoDBService",
    "create_table",
    "delete_table",
]
