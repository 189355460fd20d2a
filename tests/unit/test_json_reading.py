"""``domain.json_reading.stdlib_reading`` reads exactly what ``json.loads`` reads."""

from __future__ import annotations

import base64
import contextlib
import json
import math
from typing import Any
from unittest import mock

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.json_reading import stdlib_reading
from domain.statement import recorded_statement
from tests.builders import Cast, artefact

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # lone surrogates and controls included
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


def same(a: Any, b: Any) -> bool:
    """Equal, type for type: ``-0.0`` is not ``0.0`` and NaN is NaN, objects keep their order."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def writings(value: Any) -> list[bytes]:
    """The value written as the ledger and other writers write JSON."""
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    texts = [
        compact.encode("utf-8", "surrogatepass"),  # a lone surrogate makes it invalid UTF-8
        json.dumps(value).encode(),
        json.dumps(value, sort_keys=True, indent=1).encode(),
    ]
    with contextlib.suppress(orjson.JSONEncodeError):  # a lone surrogate, a big integer
        texts.append(orjson.dumps(value))
    return texts


def agrees(data: bytes) -> bool:
    """``stdlib_reading`` answers or refuses exactly as ``json.loads`` does."""
    try:
        expected = json.loads(data)
    except ValueError as error:
        with pytest.raises(type(error)):
            stdlib_reading(data)
        return True
    return same(stdlib_reading(data), expected)


@given(_VALUES)
def test_every_writing_of_a_value_reads_as_the_stdlib_reads_it(value: Any) -> None:
    for data in writings(value):
        assert agrees(data)


@given(st.binary(max_size=64))
def test_any_bytes_read_or_fail_as_with_the_stdlib(data: bytes) -> None:
    assert agrees(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1,"a":2}',  # repeated keys: the stdlib keeps the last
        b"18446744073709551616",  # 2^64: orjson reads a float
        b"[1e400,-0.0,0.1,1e-7,1e+21,5e-324]",
        b'"\\u00e9\\/\\ud83d\\ude00"',  # escapes orjson writes otherwise
        b'"\\ud800"',  # a lone surrogate
        b"\xef\xbb\xbf{}",  # a byte-order mark
        b"[NaN,Infinity]",
        b"[" * 300 + b"]" * 300,  # deeper than orjson writes
        b'{"x":"\\n\\t\\u0001"}',  # escapes orjson writes the same way
    ],
)
def test_the_edges_read_as_the_stdlib_reads_them(data: bytes) -> None:
    assert agrees(data)


def test_a_statement_is_read_by_orjson_alone() -> None:
    """The point of it: an admitted payload never reaches the stdlib's reader."""
    payload = _payload(artefact(Cast().acme, "acme/model", "weights", "model-parameters"))
    with mock.patch("domain.json_reading.json.loads", side_effect=AssertionError):
        statement = recorded_statement(payload)
    assert statement.subject == "acme/model"
    assert statement.to_json() == json.loads(payload)


def _payload(document: dict[str, Any]) -> bytes:
    return base64.b64decode(document["payload"])
