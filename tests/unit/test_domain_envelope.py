"""domain.envelope: DSSE v1 PAE, keyids, strict envelope parsing and signature checks."""

from __future__ import annotations

import base64
import copy
import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.envelope import (
    STATEMENT_PAYLOAD_TYPE,
    Envelope,
    Signature,
    keyid_for,
    pae,
    parse_envelope,
    raw_public_key,
    sign_envelope,
    signature_verifies,
)
from domain.leaf import envelope_bytes
from domain.rejections import Rejection, RejectionKind

# RFC 8032 §7.1, TEST 1.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")

KEY = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)
OTHER = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"other").digest())
PAYLOAD = b'{"hello":"world"}'


def _signed(*keys: Ed25519PrivateKey) -> Envelope:
    return sign_envelope(STATEMENT_PAYLOAD_TYPE, PAYLOAD, list(keys))


def _document(*keys: Ed25519PrivateKey) -> dict[str, Any]:
    return _signed(*(keys or (KEY,))).to_json()


# --- PAE and keyids --------------------------------------------------------------------


def test_pae_matches_the_dsse_spec_example() -> None:
    assert (
        pae("http://example.com/HelloWorld", b"hello world")
        == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_of_empty_type_and_body() -> None:
    assert pae("", b"") == b"DSSEv1 0  0 "


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t\u00e9", b"\x00\xff") == b"DSSEv1 3 t\xc3\xa9 2 \x00\xff"


def test_raw_public_key_is_the_rfc8032_32_bytes() -> None:
    assert raw_public_key(KEY.public_key()) == RFC8032_PUBLIC


def test_keyid_is_lowercase_sha256_of_the_raw_public_key() -> None:
    assert keyid_for(KEY.public_key()) == hashlib.sha256(RFC8032_PUBLIC).hexdigest()


def test_distinct_keys_have_distinct_keyids() -> None:
    assert keyid_for(KEY.public_key()) != keyid_for(OTHER.public_key())


# --- signing and verifying -------------------------------------------------------------


def test_sign_envelope_signs_pae_in_key_order() -> None:
    envelope = _signed(KEY, OTHER)
    assert [s.keyid for s in envelope.signatures] == [
        keyid_for(KEY.public_key()),
        keyid_for(OTHER.public_key()),
    ]
    assert envelope.author == keyid_for(KEY.public_key())
    message = pae(STATEMENT_PAYLOAD_TYPE, PAYLOAD)
    KEY.public_key().verify(envelope.signatures[0].sig, message)
    OTHER.public_key().verify(envelope.signatures[1].sig, message)


def test_event_id_is_sha256_of_the_payload_bytes() -> None:
    assert _signed(KEY).event_id == hashlib.sha256(PAYLOAD).hexdigest()


def test_signature_verifies_with_the_signing_key() -> None:
    envelope = _signed(KEY)
    assert signature_verifies(KEY.public_key(), envelope, envelope.signatures[0].sig)


def test_signature_does_not_verify_with_another_key() -> None:
    envelope = _signed(KEY)
    assert not signature_verifies(OTHER.public_key(), envelope, envelope.signatures[0].sig)


def test_signature_does_not_verify_over_a_changed_payload() -> None:
    envelope = _signed(KEY)
    changed = Envelope(envelope.payload_type, PAYLOAD + b" ", envelope.signatures)
    assert not signature_verifies(KEY.public_key(), changed, envelope.signatures[0].sig)


def test_signature_does_not_verify_under_a_changed_payload_type() -> None:
    envelope = _signed(KEY)
    changed = Envelope("application/json", envelope.payload, envelope.signatures)
    assert not signature_verifies(KEY.public_key(), changed, envelope.signatures[0].sig)


def test_signature_over_the_bare_payload_does_not_verify() -> None:
    envelope = _signed(KEY)
    assert not signature_verifies(KEY.public_key(), envelope, KEY.sign(PAYLOAD))


def test_garbage_signature_does_not_verify() -> None:
    envelope = _signed(KEY)
    assert not signature_verifies(KEY.public_key(), envelope, bytes(64))
    assert not signature_verifies(KEY.public_key(), envelope, b"")


# --- round trip ------------------------------------------------------------------------


def test_to_json_has_the_wire_shape() -> None:
    envelope = _signed(KEY)
    assert envelope.to_json() == {
        "payloadType": STATEMENT_PAYLOAD_TYPE,
        "payload": "eyJoZWxsbyI6IndvcmxkIn0=",
        "signatures": [
            {
                "keyid": keyid_for(KEY.public_key()),
                "sig": base64.b64encode(envelope.signatures[0].sig).decode(),
            }
        ],
    }


def test_envelope_round_trips_through_json() -> None:
    envelope = _signed(KEY, OTHER)
    parsed = parse_envelope(envelope.to_json())
    assert parsed == envelope
    assert parsed.to_json() == envelope.to_json()


def test_parsed_envelope_keeps_every_signature_in_order() -> None:
    parsed = parse_envelope(_document(OTHER, KEY))
    assert parsed.signatures == _signed(OTHER, KEY).signatures
    assert isinstance(parsed.signatures[0], Signature)


def test_parse_does_not_require_the_statement_payload_type() -> None:
    document = _document()
    document["payloadType"] = "application/json"
    assert parse_envelope(document).payload_type == "application/json"


# --- every wrong shape is invalid-envelope ---------------------------------------------


def _without(field: str) -> dict[str, Any]:
    document = _document()
    del document[field]
    return document


def _with(field: str, value: Any) -> dict[str, Any]:
    document = _document()
    document[field] = value
    return document


def _with_signature(field: str, value: Any, *, remove: bool = False) -> dict[str, Any]:
    document = _document()
    if remove:
        del document["signatures"][0][field]
    else:
        document["signatures"][0][field] = value
    return document


def _duplicate_keyids() -> dict[str, Any]:
    document = _document()
    document["signatures"].append(copy.deepcopy(document["signatures"][0]))
    return document


def _duplicate_keyids_distinct_sigs() -> dict[str, Any]:
    document = _document()
    second = dict(document["signatures"][0], sig=_document(OTHER)["signatures"][0]["sig"])
    document["signatures"].append(second)
    return document


KEYID = keyid_for(KEY.public_key())
SIG = _document()["signatures"][0]["sig"]

BAD_ENVELOPES: dict[str, Any] = {
    "a list": [_document()],
    "a string": "envelope",
    "null": None,
    "a number": 1,
    "missing payloadType": _without("payloadType"),
    "missing payload": _without("payload"),
    "missing signatures": _without("signatures"),
    "an empty object": {},
    "an extra field": _with("payloadEncoding", "base64"),
    "payloadType a number": _with("payloadType", 1),
    "payloadType null": _with("payloadType", None),
    "payloadType empty": _with("payloadType", ""),
    "payload a number": _with("payload", 7),
    "payload null": _with("payload", None),
    "payload a list": _with("payload", ["eyJ9"]),
    "payload non-canonical padding bits": _with("payload", "eyJoZWxsbyI6IndvcmxkIn1="),
    "payload unpadded": _with("payload", "eyJoZWxsbyI6IndvcmxkIn0"),
    "payload URL-safe alphabet": _with("payload", "-_8="),
    "payload with a newline": _with("payload", "eyJoZWxsbyI6\nIndvcmxkIn0="),
    "payload with a trailing space": _with("payload", "eyJoZWxsbyI6IndvcmxkIn0= "),
    "signatures an object": _with("signatures", {"keyid": KEYID, "sig": SIG}),
    "signatures a string": _with("signatures", SIG),
    "signatures empty": _with("signatures", []),
    "signature a string": _with("signatures", [SIG]),
    "signature null": _with("signatures", [None]),
    "signature missing keyid": _with_signature("keyid", None, remove=True),
    "signature missing sig": _with_signature("sig", None, remove=True),
    "signature extra field": _with("signatures", [{"keyid": KEYID, "sig": SIG, "cert": ""}]),
    "keyid uppercase": _with_signature("keyid", KEYID.upper()),
    "keyid short": _with_signature("keyid", KEYID[:-2]),
    "keyid long": _with_signature("keyid", KEYID + "00"),
    "keyid not hex": _with_signature("keyid", "z" * 64),
    "keyid empty": _with_signature("keyid", ""),
    "keyid a number": _with_signature("keyid", 12),
    "keyid null": _with_signature("keyid", None),
    "sig a number": _with_signature("sig", 3),
    "sig null": _with_signature("sig", None),
    "sig unpadded": _with_signature("sig", SIG.rstrip("=")),
    "sig URL-safe": _with_signature("sig", SIG[:-4] + "-A=="),
    "sig with whitespace": _with_signature("sig", " " + SIG),
    "duplicate keyids": _duplicate_keyids(),
    "duplicate keyids with different sigs": _duplicate_keyids_distinct_sigs(),
    "second signature malformed": _with(
        "signatures", [{"keyid": KEYID, "sig": SIG}, {"keyid": "nope", "sig": SIG}]
    ),
}


@pytest.mark.parametrize("case", BAD_ENVELOPES)
def test_wrong_shapes_are_invalid_envelopes(case: str) -> None:
    with pytest.raises(Rejection) as raised:
        parse_envelope(BAD_ENVELOPES[case])
    assert raised.value.kind is RejectionKind.INVALID_ENVELOPE


def test_keyid_with_trailing_newline_is_an_invalid_envelope() -> None:
    with pytest.raises(Rejection) as raised:
        parse_envelope(_with_signature("keyid", KEYID + "\n"))
    assert raised.value.kind is RejectionKind.INVALID_ENVELOPE


# --- an accepted document is its envelope's JSON value --------------------------------------

_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


@settings(max_examples=300)
@given(
    payload_type=st.text(min_size=1, max_size=20),
    payload=st.binary(max_size=64),
    signatures=st.lists(st.binary(min_size=64, max_size=64), min_size=1, max_size=3),
    spelling=st.one_of(st.none(), st.text(alphabet=_B64_ALPHABET, max_size=12)),
)
def test_an_accepted_document_has_the_rfc8785_bytes_of_its_parsed_envelope(
    payload_type: str, payload: bytes, signatures: list[bytes], spelling: str | None
) -> None:
    """What lets an audit hash a page's envelope object as served, without encoding the
    payload again: whatever ``parse_envelope`` accepts is exactly ``to_json()`` of what it
    parsed (a payload spelled any other way is refused)."""
    document = {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode() if spelling is None else spelling,
        "signatures": [
            {"keyid": hashlib.sha256(bytes([i])).hexdigest(), "sig": base64.b64encode(s).decode()}
            for i, s in enumerate(signatures)
        ],
    }
    try:
        parsed = parse_envelope(document)
    except Rejection:
        return
    assert document == parsed.to_json()
    assert envelope_bytes(document) == envelope_bytes(parsed.to_json())
