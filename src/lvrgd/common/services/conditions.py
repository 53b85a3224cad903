"""Conditions on writes, written with a model's own fields and checked by mypy.

::

    from lvrgd.common.services.conditions import exists, size, where

    in_stock = where(Product, lambda p: (p.stock >= 1) & ~exists(p.discontinued_at))
    store.update(product, condition=in_stock)

Comparisons (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``) and the functions below
build a condition; ``&``, ``|`` and ``~`` combine them. See docs/updates.md.
"""

from .kvstore._where import (
    Condition,
    attribute_type,
    begins_with,
    between,
    contains,
    exists,
    in_,
    not_exists,
    size,
    where,
)

__all__ = [
    "Condition",
    "attribute_type",
    "begins_with",
    "between",
    "contains",
    "exists",
    "in_",
    "not_exists",
    "size",
    "where",
]
