"""ping checks the table's indexes against the store's declarations.

A deployment whose indexes drifted from the code (an index missing, or with other keys
or another projection) is caught when the service starts: ping is False, with a
warning naming the index. The in-memory store builds the indexes it declares, so only
stores on a table of their own can drift (the ``table_schema`` feature).
"""

from __future__ import annotations

import pytest

from lvrgd.common.services.kvstore import IndexSpec

from .index_models import INDEXES, StoreFactory

BY_QUEUE = INDEXES[0]


def test_ping_is_true_when_the_table_has_every_declared_index(
    kvstore_factory: StoreFactory,
) -> None:
    assert kvstore_factory(indexes=INDEXES).ping() is True


@pytest.mark.table_schema
@pytest.mark.parametrize(
    ("declared", "built"),
    [
        ((BY_QUEUE, IndexSpec(name="by_owner", pk="owner")), (BY_QUEUE,)),
        ((BY_QUEUE,), (BY_QUEUE.model_copy(update={"sk": None}),)),
        ((BY_QUEUE,), (BY_QUEUE.model_copy(update={"projection": "keys_only"}),)),
        ((BY_QUEUE,), ()),
    ],
    ids=["one-missing", "other-keys", "other-projection", "none-built"],
)
def test_ping_is_false_when_the_table_lacks_or_differs_from_a_declared_index(
    kvstore_factory: StoreFactory, declared: tuple[IndexSpec, ...], built: tuple[IndexSpec, ...]
) -> None:
    assert kvstore_factory(indexes=declared, table_indexes=built).ping() is False


@pytest.mark.table_schema
def test_ping_ignores_indexes_the_table_has_beyond_the_declared_ones(
    kvstore_factory: StoreFactory,
) -> None:
    assert kvstore_factory(indexes=(BY_QUEUE,), table_indexes=INDEXES[:2]).ping() is True
