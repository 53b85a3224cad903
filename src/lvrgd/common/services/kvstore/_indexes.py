"""Secondary indexes: their declarations, and the rules both adapters apply to them.

An index is declared once (`IndexSpec`) and handed to a store; this module checks
the declarations with DynamoDB's numbers, finds each item's index keys, refuses a
write whose index key DynamoDB would refuse, says which attributes an index
projects, and checks an index query's arguments. The adapters only carry it out:
the DynamoDB adapter sends the query to the index, the in-memory store keeps the
index beside its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ._attributes import computed_attributes, stored_attributes
from ._errors import InvalidItemError, InvalidQueryError
from ._limits import MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ._limits import Item, ItemView

Position = str | tuple[str, str, str]
"""Where an item stands in a query: its sort key, or (index sort key, pk, sk) in an index."""
Projection = Literal["all", "keys_only"] | tuple[str, ...]
"""What an index holds of each item: everything, its keys, or its keys and these attributes."""

MAX_GLOBAL_INDEXES = 20
"""DynamoDB's default quota of global secondary indexes per table."""
MAX_LOCAL_INDEXES = 5
"""DynamoDB's most local secondary indexes per table."""
MAX_INCLUDED_PER_INDEX = 20
"""DynamoDB's most non-key attributes of one INCLUDE projection (the entity attribute counts)."""
MAX_INCLUDED_TOTAL = 100
"""DynamoDB's most INCLUDE attributes over all of a table's indexes (a repeat counts again)."""
MAX_KEY_NAME_BYTES = 255
"""DynamoDB's longest name of a key attribute."""
TABLE_KEYS = ("pk", "sk")
_INDEX_NAME = re.compile(r"[A-Za-z0-9_.\-]{3,255}")


class IndexSpec(BaseModel):
    """A secondary index of the table, as the store is told of it.

    Index keys are strings, like the table's. An item is in the index while it holds
    the index's partition key (and its sort key, when the index has one): an attribute
    a write stores from a model field or a pydantic ``computed_field`` of that name.

    Attributes:
        name: 3 to 255 characters of ``[A-Za-z0-9_.-]``.
        pk: The attribute holding the index's partition key.
        sk: The attribute holding the index's sort key; None for none.
        local: A local secondary index: it shares the table's partition key (``pk``
            must be ``"pk"``), takes a sort key other than the table's, and is created
            with the table. A global one otherwise.
        projection: What the index holds of each item: ``"all"`` attributes,
            ``"keys_only"`` (the table's and the index's keys), or a tuple of attribute
            names held beside the keys (DynamoDB's INCLUDE; the store adds the attribute
            that holds the entity name, so that reads know each item's class).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    pk: str
    sk: str | None = None
    local: bool = False
    projection: Projection = "all"

    @field_validator("name")
    @classmethod
    def _name_is_valid(cls, value: str) -> str:
        if not _INDEX_NAME.fullmatch(value):
            msg = "an index name is 3 to 255 characters of letters, digits, '_', '.' and '-'"
            raise ValueError(msg)
        return value

    @field_validator("pk", "sk")
    @classmethod
    def _key_name_is_valid(cls, value: str | None) -> str | None:
        if value is not None and not 1 <= len(value.encode("utf-8")) <= MAX_KEY_NAME_BYTES:
            msg = f"a key attribute's name is 1 to {MAX_KEY_NAME_BYTES} bytes"
            raise ValueError(msg)
        return value

    @field_validator("projection")
    @classmethod
    def _projection_is_valid(cls, value: Projection) -> Projection:
        if isinstance(value, tuple):
            if not 1 <= len(value) <= MAX_INCLUDED_PER_INDEX:
                msg = f"an INCLUDE projection names 1 to {MAX_INCLUDED_PER_INDEX} attributes"
                raise ValueError(msg)
            if any(not name for name in value) or len(set(value)) != len(value):
                msg = "an INCLUDE projection names distinct, non-empty attributes"
                raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _keys_fit_the_kind(self) -> IndexSpec:
        if self.local:
            if self.pk != "pk":
                msg = (
                    f"local index {self.name!r}: its partition key must be the table's, "
                    f"'pk', not {self.pk!r}"
                )
                raise ValueError(msg)
            if self.sk is None or self.sk == "sk":
                msg = f"local index {self.name!r}: its sort key is an attribute other than 'sk'"
                raise ValueError(msg)
        if self.sk is not None and self.sk == self.pk:
            msg = f"index {self.name!r}: its partition and sort keys are one attribute"
            raise ValueError(msg)
        return self

    @property
    def key_attributes(self) -> tuple[str, ...]:
        """The index's key attributes: its partition key, then its sort key if any."""
        return (self.pk,) if self.sk is None else (self.pk, self.sk)


def check_indexes(indexes: Iterable[IndexSpec], entity_attribute: str) -> tuple[IndexSpec, ...]:
    """The declarations as a tuple, checked together with DynamoDB's numbers.

    Raises:
        ValueError: If two share a name, there are more than 20 global or 5 local ones,
            an INCLUDE index would hold more than 20 non-key attributes (its list and the
            entity attribute), their INCLUDE lists name more than 100 attributes in all,
            or one is not an IndexSpec.
    """
    if isinstance(indexes, IndexSpec | str | bytes):
        msg = "indexes is a tuple of IndexSpec"
        raise ValueError(msg)  # noqa: TRY004 - a configuration error, reported as such
    checked = tuple(indexes)
    for index in checked:
        if not isinstance(index, IndexSpec):
            msg = f"indexes holds a {type(index).__name__}; each must be an IndexSpec"
            raise ValueError(msg)  # noqa: TRY004
    names = [index.name for index in checked]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        msg = f"index names must be unique: {', '.join(repeated)}"
        raise ValueError(msg)
    local = sum(index.local for index in checked)
    if local > MAX_LOCAL_INDEXES:
        msg = f"{local} local indexes; DynamoDB allows {MAX_LOCAL_INDEXES}"
        raise ValueError(msg)
    if len(checked) - local > MAX_GLOBAL_INDEXES:
        msg = f"{len(checked) - local} global indexes; DynamoDB's quota is {MAX_GLOBAL_INDEXES}"
        raise ValueError(msg)
    for index in checked:
        held = included_attributes(index, entity_attribute)
        if len(held) > MAX_INCLUDED_PER_INDEX:
            msg = (
                f"index {index.name!r} would project {len(held)} non-key attributes, its list "
                f"and {entity_attribute!r} (where items keep their entity name); DynamoDB "
                f"allows {MAX_INCLUDED_PER_INDEX}: name at most {MAX_INCLUDED_PER_INDEX - 1}"
            )
            raise ValueError(msg)
    included = sum(len(included_attributes(index, entity_attribute)) for index in checked)
    if included > MAX_INCLUDED_TOTAL:
        msg = (
            f"the INCLUDE projections name {included} attributes in all (the entity "
            f"attribute counted once per INCLUDE index); DynamoDB allows {MAX_INCLUDED_TOTAL}"
        )
        raise ValueError(msg)
    return checked


def included_attributes(index: IndexSpec, entity_attribute: str) -> tuple[str, ...]:
    """The non-key attributes an INCLUDE index holds: its list and the entity attribute.

    Empty for the other projections. Key attributes named in the list are left out, as
    DynamoDB projects them anyway.
    """
    if not isinstance(index.projection, tuple):
        return ()
    keys = {*TABLE_KEYS, *index.key_attributes}
    names = [name for name in index.projection if name not in keys]
    if entity_attribute not in names:
        names.append(entity_attribute)
    return tuple(names)


@dataclass(frozen=True, slots=True)
class IndexQuery:
    """How a query reads an index.

    Attributes:
        spec: The index.
        fetch_unprojected: A local index whose projection lacks attributes the model
            needs: DynamoDB reads them from the table (``Select=ALL_ATTRIBUTES``).
        hydrate: Read the index's keys, then the whole items through ``get_many``.
    """

    spec: IndexSpec
    fetch_unprojected: bool = False
    hydrate: bool = False


class Indexes:
    """A store's indexes, and the checks of writes and queries that involve them.

    Args:
        indexes: The declarations.
        entity_attribute: Where items store their entity name.

    Raises:
        ValueError: As `check_indexes`.
    """

    def __init__(self, indexes: Iterable[IndexSpec], entity_attribute: str) -> None:
        """Check the declarations together."""
        self.specs = check_indexes(indexes, entity_attribute)
        self.by_name: Mapping[str, IndexSpec] = {index.name: index for index in self.specs}
        self.entity_attribute = entity_attribute
        # Each index key attribute other than the table's, with the index it belongs to
        # and the most bytes it may hold there: what every write checks.
        self._keys: tuple[tuple[str, str, int], ...] = tuple(
            (attribute, index.name, limit)
            for index in self.specs
            for attribute, limit in zip(
                index.key_attributes, (MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES), strict=False
            )
            # The table's keys are checked by the key limits, but a pk (up to 2,048
            # bytes) that is an index's sort key must fit the sort key's 1,024.
            if attribute not in TABLE_KEYS or (attribute == "pk" and attribute == index.sk)
        )

    def __bool__(self) -> bool:
        """Whether the store has any index."""
        return bool(self.specs)

    def check_item(self, operation: str, pk: str, sk: str, attributes: Item) -> None:
        """Refuse attributes a write would store whose index key DynamoDB would refuse.

        Args:
            operation: The operation, for the error.
            pk: The item's partition key, for the error.
            sk: The item's sort key, for the error.
            attributes: What the write stores (a whole item, or an update's SET part).

        Raises:
            InvalidItemError: If an index key is not a string, is empty, or is longer
                than DynamoDB allows (2,048 bytes for a partition key, 1,024 for a sort
                key); the message names the index and the attribute.
        """
        for attribute, index, limit in self._keys:
            value = attributes.get(attribute)
            if value is None:
                continue
            problem = _index_key_problem(value, limit)
            if problem is not None:
                reason = f"index {index!r}: its key attribute {attribute!r} {problem}"
                raise InvalidItemError(operation, pk, sk, reason)

    def query(  # noqa: PLR0913 - every argument of a query that concerns indexes
        self,
        operation: str,
        pk: str,
        name: object,
        *,
        has_condition: bool,
        consistent: object,
        hydrate: object,
        model_classes: tuple[type[BaseModel], ...],
    ) -> IndexQuery | None:
        """The index a query reads (None for the table), its arguments checked.

        Raises:
            InvalidQueryError: If the index is unknown, `consistent` or `hydrate` is not
                a bool (or None), a consistent read is asked of a global index, a sort-key
                condition of an index without a sort key, `hydrate` of the table, or a
                model needs attributes a global index does not project (without `hydrate`).
        """
        if consistent is not None and not isinstance(consistent, bool):
            raise InvalidQueryError(
                operation, pk, f"consistent must be a bool or None, got {consistent!r}"
            )
        if not isinstance(hydrate, bool):
            raise InvalidQueryError(operation, pk, f"hydrate must be a bool, got {hydrate!r}")
        if name is None:
            if hydrate:
                reason = "hydrate reads whole items after an index query; name the index"
                raise InvalidQueryError(operation, pk, reason)
            return None
        spec = self.by_name.get(name) if isinstance(name, str) else None
        if spec is None:
            known = ", ".join(sorted(self.by_name)) or "none declared"
            reason = f"no index {name!r} is declared for this store (known: {known})"
            raise InvalidQueryError(operation, pk, reason)
        if consistent and not spec.local:
            reason = (
                f"index {spec.name!r} is global, and DynamoDB reads global indexes "
                "eventually consistently only; leave consistent unset, or read the table"
            )
            raise InvalidQueryError(operation, pk, reason)
        if has_condition and spec.sk is None:
            reason = f"index {spec.name!r} has no sort key, so it takes no sort-key condition"
            raise InvalidQueryError(operation, pk, reason)
        missing = self.unprojected(spec, model_classes)
        if missing and not spec.local and not hydrate:
            reason = (
                f"index {spec.name!r} does not project {', '.join(missing)}, which "
                f"{' | '.join(c.__name__ for c in model_classes)} needs; read a model of "
                "the projected fields, or pass hydrate=True to fetch whole items"
            )
            raise InvalidQueryError(operation, pk, reason)
        return IndexQuery(spec, fetch_unprojected=bool(missing) and not hydrate, hydrate=hydrate)

    def unprojected(self, spec: IndexSpec, model_classes: tuple[type[BaseModel], ...]) -> list[str]:
        """The attributes the models store (computed ones aside) that `spec` does not hold."""
        if spec.projection == "all":
            return []
        held = projected_attributes(spec, self.entity_attribute)
        needed: dict[str, None] = {}
        for model_class in model_classes:
            needed.update(dict.fromkeys(_needed(model_class)))
        return [name for name in needed if name not in held]


def projected_attributes(spec: IndexSpec, entity_attribute: str) -> frozenset[str]:
    """The attributes a KEYS_ONLY or INCLUDE index holds (everything for ALL: not listed)."""
    return frozenset(
        {*TABLE_KEYS, *spec.key_attributes, *included_attributes(spec, entity_attribute)}
    )


@lru_cache(maxsize=1024)
def _needed(model_class: type[BaseModel]) -> tuple[str, ...]:
    computed = computed_attributes(model_class)
    return tuple(name for name in stored_attributes(model_class) if name not in computed)


def _index_key_problem(value: Mapping[str, object], limit: int) -> str | None:
    text = value.get("S")
    if not isinstance(text, str):
        kind = next(iter(value), "?")
        return f"holds a value of DynamoDB type {kind}; index keys are strings"
    if not text:
        return (
            "is an empty string, which DynamoDB refuses as an index key; store None to "
            "leave the item out of the index"
        )
    if len(text) * 4 <= limit:  # no character is over 4 bytes: within the limit
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        return f"is {size} bytes; the limit is {limit}"
    return None


def index_position(spec: IndexSpec | None, item: ItemView) -> Position:
    """Where `item` stands in a query's order.

    For the table, its sort key; for an index, its index sort key ("" for an index
    without one) and then its table key, the order the in-memory index keeps.
    """
    sk: str = item["sk"]["S"]
    if spec is None:
        return sk
    index_sk: str = "" if spec.sk is None else item[spec.sk]["S"]
    return (index_sk, item["pk"]["S"], sk)
