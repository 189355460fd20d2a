"""``services.fast_json`` gives exactly the stdlib's results where the write path uses it."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from services.fast_json import dumps, loads_strings

_TEXT = st.text(st.characters(exclude_categories=["Cs"]))  # any code point but surrogates
_INT64 = st.integers(-(2**63), 2**63 - 1)
_VALUES = st.recursive(
    st.none() | st.booleans() | _INT64 | _TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=30,
)
_STRINGS_ONLY = st.recursive(
    _TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=30,
)


def stdlib(value: Any) -> bytes:
    """What Starlette's ``JSONResponse`` renders."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


@given(_VALUES)
def test_dumps_writes_the_stdlibs_bytes(value: Any) -> None:
    assert dumps(value) == stdlib(value)


def test_dumps_falls_back_to_the_stdlib_beyond_64_bit_integers() -> None:
    value = {"n": 2**70, "s": "\u2014"}
    assert dumps(value) == stdlib(value)


@given(_STRINGS_ONLY, st.booleans())
def test_strings_lists_and_objects_read_as_the_stdlib_reads_them(value: Any, ascii: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii)
    assert loads_strings(text.encode()) == json.loads(text)


def test_what_orjson_refuses_is_read_by_the_stdlib() -> None:
    assert math.isnan(loads_strings(b'{"x": NaN}')["x"])
    assert loads_strings(b'"\\ud800"') == "\ud800"  # a lone surrogate
    assert loads_strings(b"1e400") == math.inf
