"""InMemoryKeyValueStore: the embedded store with DynamoDB's behaviour."""

from ._store import InMemoryKeyValueStore

__all__ = ["InMemoryKeyValueStore"]
