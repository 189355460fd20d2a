"""The fast path of ``canonical_json`` agrees byte for byte with the ``rfc8785`` reference."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.canonical import CanonicalFormError, _is_plain, canonical_json, parse_json
from domain.leaf import envelope_bytes

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.text(alphabet=st.characters(max_codepoint=0x7F))
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(
        st.text(max_size=8) | st.text(alphabet="abcXYZ_-09 ", max_size=8), children, max_size=5
    ),
    max_leaves=30,
)


@settings(max_examples=1500, deadline=None)
@given(json_values)
def test_every_value_matches_the_reference(value: Any) -> None:
    try:
        expected = bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, ValueError):
        with pytest.raises(CanonicalFormError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [True, None, 'x\u0000\u001f"\\/\u007f\u2028é😀']},
        {"\u20ac": 1, "\U0001f600": 2, "\ufb33": 3},  # UTF-16 vs code-point key order
        {"n": 1e21, "m": 0.1, "k": -0.0, "big": 2**53},
        {"lone": "\ud800"},
    ],
)
def test_edge_values_match_the_reference(value: Any) -> None:
    try:
        expected = bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, ValueError):
        with pytest.raises(CanonicalFormError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


# --- the envelope fast path (domain.leaf.envelope_bytes) -----------------------------------

_text = st.text(max_size=40)
_signatures = st.lists(
    st.fixed_dictionaries({"keyid": _text, "sig": _text})
    | st.dictionaries(st.sampled_from(["keyid", "sig", "other"]), _text),
    max_size=3,
)
_envelopes = st.fixed_dictionaries(
    {"payloadType": _text, "payload": _text, "signatures": _signatures}
) | st.dictionaries(st.sampled_from(["payloadType", "payload", "signatures", "x"]), _text)


@given(_envelopes)
@settings(max_examples=500)
def test_envelope_bytes_match_the_reference(envelope: dict[str, Any]) -> None:
    assert envelope_bytes(envelope) == bytes(rfc8785.dumps(envelope))


def test_an_accepted_envelope_takes_the_fast_path() -> None:
    envelope: dict[str, Any] = {
        "payloadType": "application/vnd.provenance-ledger.statement.v1+json",
        "payload": "eyJ2IjoxfQ==",
        "signatures": [{"keyid": "ab" * 32, "sig": "c2ln"}],
    }
    assert envelope_bytes(envelope) == bytes(rfc8785.dumps(envelope))
    assert envelope_bytes({**envelope, "payloadType": 'a"b\\c\u00e9'}) == bytes(
        rfc8785.dumps({**envelope, "payloadType": 'a"b\\c\u00e9'})
    )


@settings(max_examples=800, deadline=None)
@given(json_values)
def test_parsing_tells_plainness_as_the_walk_does(value: Any) -> None:
    try:
        text = json.dumps(value, ensure_ascii=False)
        text.encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return  # NaN or a lone surrogate: not JSON text we could receive
    parsed, plain = parse_json(text)
    assert plain == _is_plain(parsed)
    try:
        expected = bytes(rfc8785.dumps(parsed))
    except (rfc8785.CanonicalizationError, ValueError):
        return
    assert canonical_json(parsed, plain) == expected


def test_parsing_refuses_what_json_does_not_have() -> None:
    for text in ("NaN", "[Infinity]", '{"a": -Infinity}'):
        with pytest.raises(ValueError, match="is not JSON"):
            parse_json(text)
