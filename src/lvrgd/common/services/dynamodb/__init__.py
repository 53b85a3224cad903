"""DynamoDBService, its config, the seed's DynamoDBBaseModel, and create_table."""

from ._table import create_table
from .dynamodb_models import DynamoDBBaseModel, DynamoDBConfig
from .dynamodb_service import DynamoDBService

__all__ = ["DynamoDBBaseModel", "DynamoDBConfig", "DynamoDBService", "create_table"]
