"""The base model of every stored item."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel


class KeyValueItem(BaseModel):
    """An item of a single-table design: a partition key, a sort key, and your fields.

    Subclass it and add fields; every field type in the docs round-trips exactly.

    Assignment is not validated (pydantic's default): ``order.total = "abc"`` is
    accepted here, and the write that would store it raises InvalidItemError. Every
    write validates what it stores as the item's class, exactly as a read will, so
    an item a read could not validate is never stored. Set ``validate_assignment=True``
    in your model's ``model_config`` to be told at the assignment instead.

    Every write stores the class's entity name with the item, so that a partition
    holding several types reads back each item as its own class. The name is the
    class's ``__name__`` unless the class says otherwise::

        class Order(KeyValueItem, entity="order"): ...  # a name of its own
        class OrderTotal(KeyValueItem, entity=Order): ...  # a view: reads Order's items

    Attributes:
        pk: The partition key (1 to 2048 bytes of UTF-8).
        sk: The sort key (1 to 1024 bytes of UTF-8).
    """

    __entity__: ClassVar[str | type[KeyValueItem] | None] = None

    pk: str
    sk: str

    def __init_subclass__(
        cls, *, entity: str | type[KeyValueItem] | None = None, **kwargs: Any
    ) -> None:
        """Record the entity name (or the entity, for a view) the class declares."""
        super().__init_subclass__(**kwargs)
        if entity is not None:
            from ._entities import check_declared_entity  # noqa: PLC0415 - it imports this

            check_declared_entity(cls, entity)
        cls.__entity__ = entity


class VersionedItem(KeyValueItem):
    """An item under optimistic locking.

    ``create`` stores version 1; ``update`` succeeds only while the stored version
    equals ``version``, and stores ``version + 1``. Both set ``version`` on the item
    passed in once the write has succeeded. A stale version is VersionConflictError.

    Attributes:
        version: The version this copy of the item was read at (0 before its create).
    """

    version: int = 0
