"""The models, indexes and helpers the secondary-index contract cases share.

Every index case runs on a store declaring the same ``INDEXES`` (the engine backends
lease one table of them). A global index is eventually consistent on DynamoDB, so a
case never reads its own write through one directly: it reads through
``kvstore_eventually(check)``, which releases the twin's waiting index changes, or
retries on a real endpoint. Local indexes and get_one are current at once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import computed_field

from lvrgd.common.services.kvstore import IndexSpec, KeyValueItem, KeyValueStore, Page

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

_T = TypeVar("_T")
_Item = TypeVar("_Item", bound=KeyValueItem)

QUEUE = "queue#1"
"""The index partition most cases read (of the global indexes keyed by ``queue``)."""
NEIGHBOUR_QUEUES = ("queue#10", "queue#", "Queue#1")
"""Index partitions named like QUEUE: never part of its results."""
BOARD = "board#1"
"""The table partition the local-index cases fill."""
SHOP = "shop#1"
"""The shop whose purchases (by_shop_status) and customers and orders (inverted) cases read."""
MAX_PAGES = 1_000
"""More pages than any case here has: a chain this long never ends."""


class Ticket(KeyValueItem, entity="contracts.index_models.Ticket"):
    """A support ticket: its queue and due date key several indexes, its owner another."""

    title: str
    body: str = ""
    queue: str | None = None
    due: str | None = None
    owner: str | None = None


class TicketKeys(KeyValueItem, entity=Ticket):
    """What a KEYS_ONLY index of ``queue`` and ``due`` holds of a Ticket."""

    queue: str
    due: str


class TicketTitle(KeyValueItem, entity=Ticket):
    """What the INCLUDE index projecting ``title`` holds of a Ticket."""

    queue: str
    due: str
    title: str


class NumberedTicket(KeyValueItem, entity="contracts.index_models.NumberedTicket"):
    """A ticket whose ``queue`` and ``due``, index keys, are numbers: DynamoDB refuses them."""

    title: str
    queue: int | None = None
    due: int | None = None


class Purchase(KeyValueItem, entity="contracts.index_models.Purchase"):
    """A purchase: its index sort key ``status_key`` is computed from status and date.

    A purchase without a status is in no status index (``status_key`` is None).
    """

    shop: str
    placed_at: str
    total: Decimal
    status: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status_key(self) -> str | None:
        """``<status>#<placed_at>``: a shop's purchases of one status, by date."""
        return None if self.status is None else f"{self.status}#{self.placed_at}"


INDEXES = (
    IndexSpec(name="by_queue", pk="queue", sk="due"),
    IndexSpec(name="keys_by_queue", pk="queue", sk="due", projection="keys_only"),
    IndexSpec(name="titles_by_queue", pk="queue", sk="due", projection=("title",)),
    IndexSpec(name="by_owner", pk="owner"),
    IndexSpec(name="by_shop_status", pk="shop", sk="status_key"),
    IndexSpec(name="inverted", pk="sk", sk="pk"),
    IndexSpec(name="local_due", pk="pk", sk="due", local=True),
    IndexSpec(name="local_due_keys", pk="pk", sk="due", local=True, projection="keys_only"),
)
"""The indexes every index case's store declares."""

GLOBAL_QUEUE_INDEXES = ("by_queue", "keys_by_queue", "titles_by_queue")
"""The global indexes keyed by (queue, due), each with another projection."""


def indexes_keyed_by(attribute: str) -> set[str]:
    """The names of the INDEXES one of whose keys `attribute` holds."""
    return {index.name for index in INDEXES if attribute in (index.pk, index.sk)}


class Eventually(Protocol):
    """The ``kvstore_eventually`` fixture: ``check()``'s value once it stops failing."""

    def __call__(self, check: Callable[[], _T]) -> _T:
        """Run `check` until it raises no AssertionError (as the backend allows)."""
        ...


class StoreFactory(Protocol):
    """The ``kvstore_factory`` fixture, as the index cases call it."""

    def __call__(
        self,
        logger: Any = None,
        *,
        indexes: Sequence[IndexSpec] = (),
        table_indexes: Sequence[IndexSpec] | None = None,
    ) -> KeyValueStore:
        """An empty store declaring `indexes` (on a table of `table_indexes`, if given)."""
        ...


def ticket(  # noqa: PLR0913 - a test value's every field, by keyword
    n: int,
    *,
    queue: str | None = QUEUE,
    due: str | None = None,
    pk: str | None = None,
    sk: str = "ticket",
    title: str | None = None,
    owner: str | None = None,
) -> Ticket:
    """Ticket number `n`: by default in QUEUE, due ``due#<n>``, alone in its table partition."""
    return Ticket(
        pk=pk if pk is not None else f"ticket#{n:02d}",
        sk=sk,
        title=title if title is not None else f"Ticket {n}",
        body=f"The body of ticket {n}",
        queue=queue,
        due=due if due is not None else f"due#{n:02d}",
        owner=owner,
    )


def scrambled(values: Sequence[_T]) -> list[_T]:
    """`values` out of order (odd positions reversed, then even ones): writes in this order."""
    return [*reversed(values[1::2]), *values[::2]]


def create_all(store: KeyValueStore, items: Iterable[KeyValueItem]) -> None:
    """Create each of `items`, out of order, so that no case reads writing order back."""
    for item in scrambled(list(items)):
        store.create(item)


def keys_of(items: Iterable[_Item]) -> list[tuple[str, str]]:
    """The table keys of `items`, in their order."""
    return [(item.pk, item.sk) for item in items]


def chain(
    store: KeyValueStore,
    pk: str,
    model_class: type[_Item],
    *,
    page_size: int,
    **query: Any,
) -> list[Page[_Item]]:
    """Every page of an index query, following cursors until one is None."""
    pages = [store.query_page(pk, model_class, page_size=page_size, **query)]
    while pages[-1].cursor is not None:
        assert len(pages) < MAX_PAGES, "the cursors never end"
        cursor = pages[-1].cursor
        pages.append(store.query_page(pk, model_class, page_size=page_size, cursor=cursor, **query))
    return pages


def items_of(pages: Sequence[Page[_Item]]) -> list[_Item]:
    """The items of `pages`, in order."""
    return [item for page in pages for item in page.items]
