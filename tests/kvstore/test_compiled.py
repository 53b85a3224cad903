"""Compiled codecs against the general codec, over generated models and values.

For each generated class and item: the wire item, its size, the plain form the
in-memory store keeps, the refusal (or none), and the decoded model are the same
whether the class's compiled codec or the general codec does the work; and what a
proven class's compiled encoder accepts validates as the class (why the write skips
the read-back validation there).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_serializer,
    field_validator,
)

from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem
from lvrgd.common.services.kvstore import _attributes as attributes
from lvrgd.common.services.kvstore._attributes import _EMPTY_SET as EMPTY_SET
from lvrgd.common.services.kvstore._attributes import decode_item, encode_changes, encode_item
from lvrgd.common.services.kvstore._compact import CompactItem, thaw
from lvrgd.common.services.kvstore._compiled import compiled_model, generated_reader
from lvrgd.common.services.kvstore._limits import SizedItem, item_size

# Each kind: its annotation and the values a field of it may hold (wrong types come
# from `_any_value`, as a mutation or model_construct() leaves them).
_TEXT = st.text(max_size=8) | st.sampled_from(["é", "\U0001f600", "a\ud800"])
_INTS = st.integers(-(10**40), 10**40) | st.integers(-5, 5)
_DECIMALS = st.decimals(places=None, allow_nan=True) | st.sampled_from(
    [Decimal("1.50"), Decimal(0), Decimal("-0.0"), Decimal("1E+200"), Decimal(3)]
)
_FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.1, 1e300, -2.0])
_SCALARS: dict[str, tuple[Any, st.SearchStrategy[Any]]] = {
    "str": (str, _TEXT),
    "int": (int, _INTS),
    "bool": (bool, st.booleans()),
    "decimal": (Decimal, _DECIMALS),
    "float": (float, _FLOATS),
}
_UNSUPPORTED: dict[str, tuple[Any, st.SearchStrategy[Any]]] = {
    "any": (Any, st.none() | st.integers() | st.lists(st.text(max_size=3), max_size=3)),
    "datetime": (dt.datetime, st.datetimes()),
    "union": (int | str, st.integers() | st.text(max_size=3)),
}


def _kinds(depth: int = 0) -> st.SearchStrategy[tuple[Any, st.SearchStrategy[Any]]]:
    scalars = st.sampled_from(list(_SCALARS.values()))
    if depth >= 2:
        return scalars
    inner = st.deferred(lambda: _kinds(depth + 1))
    return st.one_of(
        scalars,
        inner.map(lambda kind: (list.__class_getitem__(kind[0]), st.lists(kind[1], max_size=3))),
        inner.map(
            lambda kind: (
                dict.__class_getitem__((str, kind[0])),
                st.dictionaries(_TEXT, kind[1], max_size=3),
            )
        ),
        inner.map(lambda kind: (kind[0] | None, st.none() | kind[1])),
        st.sampled_from([(set[str], st.sets(_TEXT, max_size=3))]),
        st.sampled_from([(frozenset[int], st.frozensets(_INTS, max_size=3))]),
        st.sampled_from([(set[Decimal], st.sets(_DECIMALS.filter(Decimal.is_finite), max_size=3))]),
    )


_any_value = st.one_of(
    st.integers(), st.text(max_size=3), st.none(), st.lists(st.integers(), max_size=2),
    st.sets(st.integers(), max_size=2), st.decimals(allow_nan=False), st.booleans(),
)  # fmt: skip


@st.composite
def _items(draw: st.DrawFn) -> tuple[type[KeyValueItem], KeyValueItem]:
    """A generated model class and an item of it (some values maybe of the wrong type)."""
    count = draw(st.integers(0, 5))
    kinds = [draw(_kinds()) for _ in range(count)]
    if draw(st.booleans()):
        kinds.append(draw(st.sampled_from(list(_UNSUPPORTED.values()))))
    definitions: dict[str, Any] = {f"f{i}": (kind[0], ...) for i, kind in enumerate(kinds)}
    model: type[KeyValueItem] = create_model("Generated", __base__=KeyValueItem, **definitions)
    values = {f"f{i}": draw(kind[1]) for i, kind in enumerate(kinds)}
    values["pk"] = draw(_TEXT | st.just("p"))
    values["sk"] = draw(_TEXT | st.just("s"))
    item: KeyValueItem
    try:
        item = model.model_validate(values)
    except ValidationError:
        item = model.model_construct(**values)  # unvalidated: a write must refuse or keep it
    for name in draw(st.lists(st.sampled_from(list(values)), max_size=2)):
        setattr(item, name, draw(_any_value))  # assignment is not validated
    return model, item


def _outcome(encode: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return encode(*args, **kwargs)
    except InvalidItemError as exc:
        return ("refused", str(exc))


def _general(encode: Any, *args: Any, **kwargs: Any) -> Any:
    with mock.patch.object(attributes, "_compiled", return_value=None):
        return _outcome(encode, *args, **kwargs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_items(), st.sampled_from([None, ("_entity", "Generated")]))
def test_compiled_encode_item_is_the_general_codecs_byte_for_byte(
    generated: tuple[type[KeyValueItem], KeyValueItem], tag: tuple[str, str] | None
) -> None:
    _, item = generated
    compiled = _outcome(encode_item, "create", item, tag=tag)
    general = _general(encode_item, "create", item, tag=tag)
    assert compiled == general
    if isinstance(compiled, dict):
        assert list(compiled) == list(general)  # the same order too
        if isinstance(compiled, SizedItem):
            assert compiled.size == item_size(general)
            read = CompactItem.from_wire(general).kept  # a set's members in any order
            assert [thaw(value) for value in compiled.kept] == [thaw(value) for value in read]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_items())
def test_compiled_encode_changes_is_the_general_codecs(
    generated: tuple[type[KeyValueItem], KeyValueItem],
) -> None:
    _, item = generated
    compiled = _outcome(encode_changes, "update", item, tag=("_entity", "Generated"))
    general = _general(encode_changes, "update", item, tag=("_entity", "Generated"))
    assert compiled == general


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_items())
def test_compiled_decoders_and_the_plain_form_read_as_the_general_codec_does(
    generated: tuple[type[KeyValueItem], KeyValueItem],
) -> None:
    model, item = generated
    wire = _general(encode_item, "create", item)
    if not isinstance(wire, dict):
        return
    plan = attributes._read_plan(model)
    everything_general = generated_reader((), plan.computed, plan.absent_values, EMPTY_SET)
    general_plan = plan._replace(reader=everything_general)  # no field decoder: all general
    with mock.patch.object(attributes, "_read_plan", return_value=general_plan):
        general = _outcome(decode_item, "get_one", wire, model)
    assert _outcome(decode_item, "get_one", wire, model) == general
    assert _outcome(decode_item, "get_one", CompactItem.from_wire(wire), model) == general


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_items())
def test_what_a_proven_classs_compiled_encoder_accepts_validates(
    generated: tuple[type[KeyValueItem], KeyValueItem],
) -> None:
    model, item = generated
    compiled = compiled_model(model)
    encoded = compiled.encode(item, None)
    if not compiled.proven or encoded is None or encoded.nulls:
        return
    plan = attributes._read_plan(model)
    model.model_validate(attributes._read_fields(encoded.attributes, plan), by_name=True)


class _Plain(KeyValueItem):
    name: str
    count: int = 0
    tags: set[str] = Field(default_factory=set)
    note: str | None = None


class _Validated(_Plain):
    @field_validator("count")
    @classmethod
    def _small(cls, value: int) -> int:
        if value > 10:
            msg = "too large"
            raise ValueError(msg)
        return value


class _Strict(_Plain):
    model_config = ConfigDict(strict=True)


class _Serialized(_Plain):
    @field_serializer("name")
    def _upper(self, value: str) -> str:
        return value.upper()


@pytest.mark.parametrize(
    ("model", "expected"),
    [(_Plain, (True, True)), (_Validated, (False, False)), (_Strict, (True, False)),
     (_Serialized, (False, False))],
)  # fmt: skip
def test_compiled_model_proves_only_plain_lax_classes(
    model: type[BaseModel], expected: tuple[bool, bool]
) -> None:
    codec = compiled_model(model)
    assert (codec.encoder is not None, codec.proven) == expected


def test_encode_item_of_a_validated_class_still_refuses_what_does_not_read_back() -> None:
    item = _Validated(pk="p", sk="s", name="n")
    item.count = 11  # not validated on assignment; a read would refuse it
    with pytest.raises(InvalidItemError, match="could not be read back"):
        encode_item("create", item)


def test_encode_item_of_a_proven_class_refuses_a_wrong_type_through_the_general_path() -> None:
    item = _Plain(pk="p", sk="s", name="n")
    item.count = "eleven"  # type: ignore[assignment]  # the mutation under test
    with pytest.raises(InvalidItemError, match="could not be read back"):
        encode_item("create", item)


def test_encode_item_of_a_proven_class_refuses_none_where_it_reads_back_as_a_default() -> None:
    item = _Plain(pk="p", sk="s", name="n")
    item.count = None  # type: ignore[assignment]  # the mutation under test
    with pytest.raises(InvalidItemError):
        encode_item("create", item)


def test_encode_item_of_a_proven_class_carries_size_and_plain_form() -> None:
    item = _Plain(pk="p", sk="s", name="n", tags={"b", "a"})
    encoded = encode_item("create", item, tag=("_entity", "_Plain"))
    assert isinstance(encoded, SizedItem)
    assert encoded.size == item_size(encoded)
    assert encoded.kept == ["p", "s", "n", 0, ("a", "b"), "_Plain"]
