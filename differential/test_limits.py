"""DynamoDB's exact limits: the codec's rules against what the engines enforce.

The state machine cannot see a codec that refuses too much: both adapters refuse
before sending. These properties send raw items to the engine, right at the limits
the codec computes, and require the engine to agree: an item the codec sizes at
409,600 bytes is accepted and one byte more is refused; a number the codec refuses
is refused, one it accepts comes back as the codec's own text; a key the codec
refuses is refused. Each compares with the engines that apply the documented rule;
where an engine is known not to, the test says so and skips it (docs/fidelity.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from differential._profiles import active_profile
from differential._raw import ACCEPTED, REFUSED, Wire, key, raw_table
from differential._sizes import item_bytes
from differential._stats import STATS
from differential._strategies import KEY_CHARS, decimals, near_limit_text
from lvrgd.common.services.kvstore import (
    MAX_ITEM_BYTES,
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
)
from lvrgd.common.services.kvstore._attributes import encode_value
from lvrgd.common.services.kvstore._limits import item_size, key_problem, normalized_number

if TYPE_CHECKING:
    from collections.abc import Iterator
    from decimal import Decimal

    from differential._engine import EngineUnderTest
    from differential._raw import RawTable

FIDELITY = "docs/fidelity.md"
ASCII = tuple(c for c in KEY_CHARS if c.isascii() and c.isprintable())


def _skip_if(engine: EngineUnderTest, faulty: dict[str, str]) -> None:
    if engine.name in faulty:
        pytest.skip(f"{engine.name}: {faulty[engine.name]} ({FIDELITY})")


@pytest.fixture
def raw(engine: EngineUnderTest) -> Iterator[RawTable]:
    """A new table of the engine, reached raw."""
    store = engine.new_store()
    yield raw_table(store)
    store.close()


def _texts(*, ascii_only: bool) -> st.SearchStrategy[str]:
    chars = ASCII if ascii_only else KEY_CHARS
    return st.text(st.sampled_from(chars), max_size=8)


def _values(*, ascii_only: bool) -> st.SearchStrategy[Any]:
    text = _texts(ascii_only=ascii_only)
    leaves = st.one_of(
        text,
        st.binary(max_size=8),
        st.booleans(),
        st.none(),
        decimals(),
        st.integers(-(10**40), 10**40),
        st.sets(text, min_size=1, max_size=3),
        st.sets(st.binary(max_size=3), min_size=1, max_size=3),
        st.sets(st.integers(-999, 999), min_size=1, max_size=3),
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=10,
    )


@st.composite
def _attributes(draw: st.DrawFn, *, ascii_only: bool) -> Wire:
    """A few attributes in wire form, as the codec encodes them; only encodable ones."""
    names = st.text(st.sampled_from(ASCII if ascii_only else KEY_CHARS), min_size=1, max_size=6)
    values = draw(st.dictionaries(names, _values(ascii_only=ascii_only), max_size=5))
    encoded: Wire = {}
    for name, value in values.items():
        if name in ("pk", "sk"):
            continue
        try:
            encoded[name] = encode_value(value)
        except ValueError:  # the codec's refusal; this property is about sizes
            continue
    return encoded


def _padded(attributes: Wire, sk: str, target: int, unit: str) -> Wire:
    """The attributes under key ("limits", sk), padded by the codec's count to `target`."""
    base = {**key("limits", sk), **attributes, "pad": {"S": ""}}
    room = target - item_size(base)
    width = len(unit.encode("utf-8"))
    count = max(0, room) // width
    return {**base, "pad": {"S": unit * count + "x" * (room - count * width)}}


def test_codec_item_size_is_the_documented_size() -> None:
    """The codec counts as the documentation does (``_sizes.py``), item by item."""

    @active_profile().limits
    @given(_attributes(ascii_only=False))
    def check(attributes: Wire) -> None:
        item = {**key("limits", "s"), **attributes}
        assert item_size(item) == item_bytes(item)

    check()


def test_engine_accepts_409600_bytes_and_refuses_one_more(
    engine: EngineUnderTest, raw: RawTable
) -> None:
    """Items the codec sizes at exactly 409,600 bytes pass; at 409,601, the engine refuses."""
    _skip_if(engine, {"moto": "refuses items above 405,000 bytes (#size-409600-put)"})
    # dynalite counts UTF-16 units, so multi-byte text passes its limit (#size-utf8-strings).
    ascii_only = engine.steering.ascii_near_limit

    @active_profile().limits
    @given(
        _attributes(ascii_only=ascii_only),
        st.sampled_from(ASCII if ascii_only else ("x", "é", "€", "😀")),
    )
    def check(attributes: Wire, unit: str) -> None:
        STATS.example(engine.name, "limits:item-size")
        at, past = (
            _padded(attributes, "at", MAX_ITEM_BYTES, unit),
            _padded(attributes, "past", MAX_ITEM_BYTES + 1, unit),
        )
        if item_size(at) != MAX_ITEM_BYTES or item_size(past) != MAX_ITEM_BYTES + 1:
            return  # a multi-byte pad cannot always land on the byte; the next one will
        assert (raw.put(at), raw.put(past)) == (ACCEPTED, REFUSED)

    check()


def test_engine_stores_numbers_as_the_codec_normalises_them(
    engine: EngineUnderTest, raw: RawTable
) -> None:
    """A number the codec refuses, the engine refuses; one it accepts reads back as its text."""
    _skip_if(
        engine,
        {"moto": "stores numbers verbatim and checks only underflow (#number-trailing-zeros)"},
    )

    @active_profile().limits
    @given(decimals(), st.integers(0, 10**6))
    def check(number: Decimal, serial: int) -> None:
        STATS.example(engine.name, "limits:numbers")
        try:
            expected = normalized_number(number)
        except ValueError:
            expected = REFUSED
        sk = f"n{serial}"
        sent = raw.put({**key("numbers", sk), "n": {"N": str(number)}})
        if sent != ACCEPTED:
            assert (sent, expected) == (REFUSED, REFUSED)
            return
        stored = raw.get(key("numbers", sk))
        assert stored is not None
        assert stored["n"]["N"] == expected

    check()


def _chain(levels: int, kinds: list[bool]) -> Any:
    value: Any = "leaf"
    for is_map in kinds[:levels]:
        value = {"k": value} if is_map else [value]
    return value


def test_engine_nesting_limit_is_the_codecs(engine: EngineUnderTest, raw: RawTable) -> None:
    """Containers nested around a scalar: the codec and the engine refuse the same depths."""
    _skip_if(
        engine,
        {
            "moto": "enforces no nesting limit (#nesting-32-maps)",
            "dynalite": "enforces no nesting limit (#nesting-32-maps)",
        },
    )

    # An empty innermost container is left out: whether it is a level is undocumented,
    # and ministack and the codec differ on it (#nesting-32-maps-empty).
    @active_profile().limits
    @given(st.integers(28, 34), st.lists(st.booleans(), min_size=34, max_size=34))
    def check(levels: int, kinds: list[bool]) -> None:
        STATS.example(engine.name, "limits:nesting")
        value = _chain(levels, kinds)
        try:
            encoded = encode_value(value)
        except ValueError:
            codec = REFUSED
        else:
            codec = ACCEPTED
        sent = raw.put(
            {
                **key("nesting", f"{levels}{kinds}"),
                "x": encoded if codec == ACCEPTED else _wire(value),
            }
        )
        assert sent == codec

    check()


def _wire(value: Any) -> Wire:
    if isinstance(value, dict):
        return {"M": {k: _wire(v) for k, v in value.items()}}
    if isinstance(value, list):
        return {"L": [_wire(v) for v in value]}
    return {"S": value}


def test_engine_key_limits_are_the_codecs(engine: EngineUnderTest, raw: RawTable) -> None:
    """Keys near their byte limits: the codec and the engine refuse the same ones."""
    # dynalite counts UTF-16 units, so multi-byte keys pass its limits (#key-pk-2049-bytes).
    chars = ASCII if engine.steering.ascii_near_limit else tuple(KEY_CHARS)

    @active_profile().limits
    @given(
        st.one_of(
            near_limit_text(MAX_PARTITION_KEY_BYTES, chars),
            st.text(st.sampled_from(chars), min_size=1, max_size=3),
        ),
        st.one_of(
            near_limit_text(MAX_SORT_KEY_BYTES, chars),
            st.text(st.sampled_from(chars), min_size=1, max_size=3),
        ),
    )
    def check(pk: str, sk: str) -> None:
        STATS.example(engine.name, "limits:keys")
        codec = ACCEPTED if key_problem(pk, sk) is None else REFUSED
        assert raw.put(key(pk, sk)) == codec

    check()
