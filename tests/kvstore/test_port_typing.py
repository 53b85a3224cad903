"""mypy --strict flags a condition naming a wrong field, comparing with a wrong type, or
written for another model than the write's, as docs/updates.md promises; and types
what patch returns by `return_item`.

A user's file is checked by mypy (its API, the project's settings): each line marked
``# wrong`` must get an error, and no other line may.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._mypy import flagged_lines

if TYPE_CHECKING:
    from pathlib import Path

USER_CODE = """
from decimal import Decimal

from lvrgd.common.services import InMemoryKeyValueStore, KeyValueItem, LoggingService
from lvrgd.common.services.conditions import begins_with, size, where


class Product(KeyValueItem, entity="typing.Product"):
    name: str
    stock: int


class Order(KeyValueItem, entity="typing.Order"):
    total: Decimal


store = InMemoryKeyValueStore(LoggingService("typing"))
pen = Product(pk="product#pen", sk="#", name="Pen", stock=3)
in_stock = where(Product, lambda p: (p.stock >= 1) & begins_with(p.name, "P"))
store.create(pen, condition=in_stock)
store.update(pen, condition=in_stock)
after: Product = store.patch("product#pen", "#", Product, add={"stock": -1}, condition=in_stock)
store.patch("product#pen", "#", Product, add={"stock": 1}, return_item=False)
with store.transaction() as tx:
    tx.update(pen, condition=in_stock)

where(Product, lambda p: p.colour == "red")  # wrong
where(Product, lambda p: p.stock >= "1")  # wrong
where(Product, lambda p: size(p.name) >= "x")  # wrong
where(Product, lambda p: begins_with(p.stock, "1"))  # wrong
where(Product, lambda p: p.stock == "many")  # wrong
placed = where(Order, lambda o: o.total >= Decimal(1))
store.create(pen, condition=placed)  # wrong
store.update(pen, condition=placed)  # wrong
store.patch("product#pen", "#", Product, add={"stock": 1}, condition=placed)  # wrong
with store.transaction() as tx:
    tx.create(pen, condition=placed)  # wrong
empty: Product = store.patch("p", "#", Product, add={"stock": 1}, return_item=False)  # wrong
"""


def test_mypy_flags_exactly_the_wrong_lines(tmp_path: Path) -> None:
    flagged, wrong, report = flagged_lines(USER_CODE, tmp_path)
    assert flagged == wrong, report
