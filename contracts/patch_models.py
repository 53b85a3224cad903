"""The models and helpers the patch and condition contract cases share.

`Gadget` holds one optional field of each type a patch acts on, so that a case sets,
removes, adds to or appends to exactly one; `Probe` holds one field of each DynamoDB
type a condition reads, and `mixed` and `anything`, which may hold another type than
their neighbours (a number where a string is usual), for comparisons across types.

Address (street, city, an optional postcode) is the nested model of `models`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, computed_field

from lvrgd.common.services.kvstore import KeyValueItem, VersionedItem

from .models import ABSENT, Address


class Gadget(KeyValueItem, entity="contracts.patch_models.Gadget"):
    """One field of each type a patch changes; only `name` is required."""

    name: str
    text: str | None = None
    count: int | None = None
    price: Decimal | None = None
    flag: bool | None = None
    blob: bytes | None = None
    lines: list[str] | None = None
    tags: set[str] = Field(default_factory=set)
    numbers: set[int] = Field(default_factory=set)
    blobs: set[bytes] = Field(default_factory=set)
    attributes: dict[str, str] | None = None
    address: Address | None = None
    addresses: list[Address] | None = None


class GadgetStored(KeyValueItem, entity=Gadget):
    """A view of Gadget reading each attribute as stored: ABSENT where there is none."""

    name: Any = ABSENT
    text: Any = ABSENT
    count: Any = ABSENT
    price: Any = ABSENT
    flag: Any = ABSENT
    blob: Any = ABSENT
    lines: Any = ABSENT
    tags: Any = ABSENT
    numbers: Any = ABSENT
    blobs: Any = ABSENT
    attributes: Any = ABSENT
    address: Any = ABSENT
    addresses: Any = ABSENT


class GadgetCount(KeyValueItem, entity=Gadget):
    """A view of Gadget: its counter only."""

    count: int | None = None


class Located(KeyValueItem, entity="contracts.patch_models.Located"):
    """An item that requires a nested model, whose `city` is required in turn."""

    label: str
    address: Address


class Stock(KeyValueItem, entity="contracts.patch_models.Stock"):
    """A counted item, for counters and conditional decrements."""

    name: str
    stock: int = 0


class Note(VersionedItem, entity="contracts.patch_models.Note"):
    """A versioned item: a patch bumps its version."""

    title: str
    views: int = 0


class Probe(KeyValueItem, entity="contracts.patch_models.Probe"):
    """One field of each DynamoDB type a condition reads, every one optional.

    `mixed` holds a number or a string, `anything` any value: what other code may have
    stored where a neighbour holds another type.
    """

    number: int | None = None
    other: int | None = None
    decimal: Decimal | None = None
    text: str | None = None
    blob: bytes | None = None
    flag: bool | None = None
    tags: set[str] | None = None
    numbers: set[int] | None = None
    blobs: set[bytes] | None = None
    lines: list[str] | None = None
    maybe: list[int | None] | None = None
    mapping: dict[str, int] | None = None
    address: Address | None = None
    mixed: str | int | None = None
    anything: Any = None


class Shipment(KeyValueItem, entity="contracts.patch_models.Shipment"):
    """A shipment whose index sort key `status_key` is computed from `status` and `placed_at`.

    It is keyed like `index_models.Purchase` (``shop``, ``status_key``), so that it is
    in the ``by_shop_status`` index of `index_models.INDEXES`.
    """

    shop: str
    placed_at: str
    total: Decimal
    status: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status_key(self) -> str | None:
        """``<status>#<placed_at>``: a shop's shipments of one status, by date."""
        return None if self.status is None else f"{self.status}#{self.placed_at}"
