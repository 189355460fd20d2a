"""The fast path of ``canonical_json`` agrees byte for byte with the ``rfc8785`` reference."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.canonical import (
    CanonicalFormError,
    _is_plain,
    canonical_json,
    canonical_object,
    parse_json,
)
from domain.envelope import Envelope, Signature
from domain.leaf import _verbatim, entry_bytes, envelope_bytes

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
        {  # mostly plain, with floats and non-ASCII keys deep inside (an assessment's shape)
            "rows": [{"b": "x", "a": [1, 2.5, {"\u00e9": 1e-7, "z": None}]}] * 3,
            "\U0001f600": {"k": 2**40, "j": "ok"},
            "plain": {"y": [True, "\u2014"], "x": 1},
        },
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


_envelope_objects = st.builds(
    Envelope,
    st.text(max_size=40) | st.just("application/vnd.provenance-ledger.statement.v1+json"),
    st.binary(max_size=64),
    st.lists(
        st.builds(Signature, st.text(max_size=40) | st.just("ab" * 32), st.binary(max_size=64)),
        max_size=3,
    ).map(tuple),
)


@given(_envelope_objects)
@settings(max_examples=500)
def test_entry_bytes_are_those_of_the_stored_form(envelope: Envelope) -> None:
    """What the batch checks hash: the RFC 8785 bytes of the envelope's stored form, whatever
    its payload type and key ids hold (the fast path takes printable ASCII only)."""
    assert entry_bytes(envelope) == bytes(rfc8785.dumps(envelope.to_json()))


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


def test_the_fast_path_copies_printable_ascii_but_quote_and_backslash() -> None:
    """What the fast path copies, JCS writes unescaped; it takes printable ASCII but ``"`` and
    ``\\`` (DEL and anything beyond ASCII go to the generic writer)."""
    for code in [*range(0x80), 0xE9, 0x2028, 0x1D11E]:
        character = chr(code)
        verbatim = _verbatim(f"ab{character}cd")
        assert verbatim is (0x20 <= code < 0x7F and character not in '"\\'), hex(code)
        if verbatim:
            assert bytes(rfc8785.dumps(character)) == f'"{character}"'.encode()
    assert _verbatim("") is True
    assert _verbatim(b"abc") is False
    assert _verbatim("\ud800") is False


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


# --- the payload fast path (domain.canonical.canonical_object) -------------------------------


def _slow_verdict(data: bytes) -> Any | None:
    """What ``parse_json`` and ``canonical_json`` decide: the value if ``data`` is canonical."""
    try:
        value, plain = parse_json(data.decode("utf-8"))
        return value if canonical_json(value, plain) == data else None
    except (ValueError, CanonicalFormError, RecursionError):
        return None


@settings(max_examples=1500, deadline=None)
@given(json_values)
def test_the_fast_path_accepts_only_what_the_slow_path_accepts(value: Any) -> None:
    """Over the canonical form, and the stdlib's sorted and unsorted writings of any object:
    an acceptance is the slow path's, with the same object; canonical plain objects are
    accepted."""
    value = {"v": value}  # statements are objects
    writings = []
    with contextlib.suppress(CanonicalFormError):
        writings.append(canonical_json(value))
    for sort in (True, False):
        with contextlib.suppress(ValueError, UnicodeEncodeError):
            text = json.dumps(value, ensure_ascii=False, sort_keys=sort, separators=(",", ":"))
            writings.append(text.encode("utf-8"))
    for data in writings:
        fast = canonical_object(data)
        if fast is not None:
            assert _slow_verdict(data) == fast
        elif _is_plain(value) and data == writings[0]:
            pytest.fail(f"a canonical plain object took the slow path: {data!r}")


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1,"a":1}',  # duplicate keys
        b'{"n":1e16}',  # orjson writes 1e16, RFC 8785 10000000000000000
        b'{"n":1.5}',  # a float: left to the reference
        b'{"n":9007199254740992}',  # beyond 2^53 - 1: has no RFC 8785 form
        b'{"\xe2\x82\xac":1,"\xf0\x9f\x98\x80":2}',  # non-ASCII keys: UTF-16 order
        b'"\\ud800"',  # a lone surrogate
        b'{"b":1,"a":2}',  # unsorted
        b'{"a": 1}',  # whitespace
        b"\xef\xbb\xbf{}",  # a byte-order mark
        b'{"a":' * 2000 + b"1" + b"}" * 2000,  # deeper than either parser goes
        b"[]",  # not an object
    ],
)
def test_the_fast_path_leaves_every_doubt_to_the_slow_path(data: bytes) -> None:
    assert canonical_object(data) is None


def test_a_canonical_statement_takes_the_fast_path() -> None:
    statement = {"data": {"name": "Zürich — 😀", "n": 3}, "type": "T", "v": 1, "z": [None, True]}
    data = canonical_json(statement)
    assert canonical_object(data) == statement
