"""The write path's round-trip guard: nothing is planned that a read could not validate.

Every write (create, update, put_many, a transaction's create and update) is planned by
`plan_create`, `plan_update` or `batch_items`, which encode the item and then run a
read's own decoding and validation on what would be stored. A model mutated to a wrong
type, built with ``model_construct()``, or otherwise holding what its class would not
validate is refused there with InvalidItemError naming the fields, never the values,
and never with a raw AttributeError or TypeError.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem, VersionedItem
from lvrgd.common.services.kvstore._attributes import decode_item, encode_changes, encode_item
from lvrgd.common.services.kvstore._batches import batch_items
from lvrgd.common.services.kvstore._transaction import Transaction
from lvrgd.common.services.kvstore._writes import plan_create, plan_update

if TYPE_CHECKING:
    from collections.abc import Callable

SECRET = "alice@example.com"  # noqa: S105 - a payload, not a password
"""A value that must never appear in a message."""


class Address(BaseModel):
    city: str
    zip: int


class Order(KeyValueItem, entity="tests.kvstore.test_round_trip_guard.Order"):
    total: int = Field(gt=0)
    lines: list[str] = Field(default_factory=list)
    address: Address | None = None
    note: str | None = None


class Document(VersionedItem, entity="tests.kvstore.test_round_trip_guard.Document"):
    body: str


def _order() -> Order:
    return Order(pk="customer#1", sk="order#1", total=1, lines=["book"])


def _mutated(**values: Any) -> Order:
    order = _order()
    for name, value in values.items():
        setattr(order, name, value)
    return order


def _built(model_class: type[BaseModel], **values: Any) -> Any:
    """``model_construct()``: no validation, so any field may be missing or wrong."""
    return model_class.model_construct(**values)


def _tx_create(item: KeyValueItem) -> None:
    Transaction().create(item)


def _tx_update(item: KeyValueItem) -> None:
    Transaction().update(item)


WRITES: dict[str, Callable[[KeyValueItem], object]] = {
    "create": lambda item: plan_create("create", item),
    "update": lambda item: plan_update("update", item),
    "put_many": lambda item: batch_items("put_many", [item]),
    "tx.create": _tx_create,
    "tx.update": _tx_update,
}


def _refusal(write: str, item: KeyValueItem) -> InvalidItemError:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pydantic's serializer warning quotes the value
        with pytest.raises(InvalidItemError) as caught:
            WRITES[write](item)
    return caught.value


# The items a read could not validate, and the field each message must name.
UNREADABLE: dict[str, tuple[Callable[[], KeyValueItem], str]] = {
    "wrong type assigned": (lambda: _mutated(total=SECRET), "total"),
    "constraint broken by assignment": (lambda: _mutated(total=-1), "total"),
    "list field set to a str": (lambda: _mutated(lines=SECRET), "lines"),
    "list field set to None": (lambda: _mutated(lines=None), "lines"),
    "wrong element appended": (lambda: _mutated(lines=["book", 7]), "lines"),
    "nested field mutated": (
        lambda: _mutated(address=_built(Address, city="Oslo", zip=SECRET)),
        "address",
    ),
    "nested model_construct missing a field": (
        lambda: _mutated(address=_built(Address, city="Oslo")),
        "address",
    ),
    "model_construct without a required field": (
        lambda: _built(Order, pk="customer#1", sk="order#1"),
        "total",
    ),
    "model_construct with a wrong type": (
        lambda: _built(Order, pk="customer#1", sk="order#1", total=SECRET),
        "total",
    ),
    "model_copy with an invalid update": (
        lambda: _order().model_copy(update={"total": 0}),
        "total",
    ),
    "model_construct without pk": (
        lambda: _built(Order, sk="order#1", total=1),
        "pk",
    ),
    "model_construct without sk": (
        lambda: _built(Order, pk="customer#1", total=1),
        "sk",
    ),
    "model_construct with nothing": (lambda: _built(Order), "pk"),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("case", UNREADABLE)
def test_write_of_an_item_that_would_not_read_back_is_refused_naming_the_field(
    case: str, write: str
) -> None:
    make, field = UNREADABLE[case]

    error = _refusal(write, make())

    assert field in error.reason
    assert SECRET not in str(error)
    assert "-1" not in error.reason


def test_refusal_names_the_model_the_field_and_the_error_type() -> None:
    error = _refusal("create", _mutated(total=-1))

    assert (error.operation, error.pk, error.sk) == ("create", "customer#1", "order#1")
    assert error.reason == (
        "it is not a valid Order, so it could not be read back (total: greater_than)"
    )


def test_refusal_names_every_field_at_fault() -> None:
    error = _refusal("update", _mutated(total="x", lines="y"))

    assert "(lines: list_type; total: int_parsing)" in error.reason


def test_value_with_no_stored_form_is_refused_naming_its_field() -> None:
    error = _refusal("create", _mutated(note=object()))

    assert error.reason == "note: a object value has no DynamoDB form"


# --- VersionedItem: the version is checked first, the stored version is validated --------


@pytest.mark.parametrize("write", ["create", "update", "tx.create", "tx.update"])
def test_versioned_item_built_without_its_key_is_refused(write: str) -> None:
    error = _refusal(write, _built(Document, body="b"))

    assert error.reason == "pk must be a str, not NoneType"


def test_put_many_refuses_a_versioned_item_built_without_its_key() -> None:
    error = _refusal("put_many", _built(Document, body="b"))

    assert (error.pk, error.sk) == ("?", "?")
    assert "a VersionedItem needs a version check" in error.reason


@pytest.mark.parametrize("write", ["create", "update", "tx.create", "tx.update"])
def test_versioned_item_version_of_a_wrong_type_is_refused_without_its_value(write: str) -> None:
    document = Document(pk="doc#1", sk="v", body="b")
    document.version = SECRET  # type: ignore[assignment]

    error = _refusal(write, document)

    assert error.reason == "version must be a whole number, not str"


class Capped(VersionedItem):
    """A version that may not pass 1: the version a write stores is what is validated."""

    version: int = Field(default=0, le=1)


def test_update_whose_next_version_would_not_validate_is_refused() -> None:
    plan_update("update", Capped(pk="doc#1", sk="v", version=0))  # stores version 1

    error = _refusal("update", Capped(pk="doc#1", sk="v", version=1))  # would store 2

    assert "(version: less_than_equal)" in error.reason


# --- what only the read path itself can tell ---------------------------------------------


class StrictStamp(KeyValueItem):
    """Strict: a datetime is stored as text, which strict validation does not accept."""

    model_config = ConfigDict(strict=True)

    at: datetime


def test_item_whose_stored_form_a_strict_model_refuses_is_refused() -> None:
    # The model itself is valid; its stored form is not (validating the model's own
    # values, rather than what a read decodes, would let it through).
    item = StrictStamp(pk="p", sk="s", at=datetime(2024, 1, 2, tzinfo=timezone.utc))

    error = _refusal("create", item)

    assert "(at: datetime_type)" in error.reason


class Transient(KeyValueItem):
    secret: str = Field(exclude=True)


def test_required_field_that_is_never_stored_is_refused() -> None:
    error = _refusal("create", Transient(pk="p", sk="s", secret=SECRET))

    assert "(secret: missing)" in error.reason
    assert SECRET not in str(error)


class Picky(KeyValueItem):
    n: int

    @model_validator(mode="after")
    def _reject_seven(self) -> Picky:
        if self.n == 7:
            raise TypeError(SECRET)
        return self


def test_validator_raising_a_type_error_is_refused_as_invalid_item() -> None:
    item = Picky(pk="p", sk="s", n=1)
    item.n = 7

    error = _refusal("create", item)

    assert error.reason == "validating it as Picky raises TypeError, so it could not be read back"
    assert SECRET not in str(error)


class Fussy(KeyValueItem):
    n: int = 0

    @field_serializer("n")
    def _serialize(self, value: int) -> int:
        if value < 0:
            raise ValueError(SECRET)
        return value


def test_serializer_that_raises_is_refused_naming_its_field_not_its_error() -> None:
    error = _refusal("create", Fussy(pk="p", sk="s", n=-1))

    assert error.reason == "n cannot be serialized"
    assert SECRET not in str(error)


# --- KeyValueItem keeps pydantic's plain assignment; the write refuses -------------------


def test_assignment_is_not_validated_and_the_write_refuses_it() -> None:
    # The write path's check is the guarantee (docs/choices.md): assignment stays as
    # pydantic makes it, and the refusal happens at the write.
    order = _order()

    order.total = SECRET  # type: ignore[assignment]

    assert not Order.model_config.get("validate_assignment")
    assert "(total: int_parsing)" in _refusal("create", order).reason


# --- None: refused only where absence would not read back as None ------------------------


class Sloppy(KeyValueItem):
    """A None default on a field typed without None: absent reads back as that None."""

    name: str = None  # type: ignore[assignment]
    lines: list[str] = Field(default_factory=list)


def _reads_back(item: KeyValueItem) -> bool:
    created = decode_item("get_one", encode_item("create", item), type(item))
    to_set, _ = encode_changes("update", item)
    stored = {**encode_item("create", item), **to_set}
    return created == item and decode_item("get_one", stored, type(item)) == item


def test_none_is_accepted_where_it_reads_back_and_refused_where_a_default_replaces_it() -> None:
    assert _reads_back(Sloppy(pk="p", sk="s"))  # the default None: no attribute, None again

    sloppy = Sloppy(pk="p", sk="s")
    sloppy.lines = None  # type: ignore[assignment]

    error = _refusal("create", sloppy)  # no attribute, which would read back as []

    assert error.reason.startswith("lines hold(s) None, which is stored as no attribute")


class NullableWithDefault(KeyValueItem):
    """A nullable field whose default is not None: None would read back as 5."""

    x: int | None = 5


def test_none_in_a_nullable_field_with_another_default_is_refused() -> None:
    assert _reads_back(NullableWithDefault(pk="p", sk="s"))
    assert _reads_back(NullableWithDefault(pk="p", sk="s", x=7))

    for operation in ("create", "update"):
        error = _refusal(operation, NullableWithDefault(pk="p", sk="s", x=None))
        assert "x hold(s) None" in error.reason
        assert "read back as the field's default" in error.reason


def test_model_construct_is_accepted_with_valid_values_and_refused_without() -> None:
    assert _reads_back(_built(Order, pk="p", sk="s", total=3, lines=["a"]))

    error = _refusal("create", _built(Order, pk="p", sk="s", total=0))

    assert "(total: greater_than)" in error.reason
