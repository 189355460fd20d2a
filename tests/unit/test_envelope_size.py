"""The 64 KiB envelope limit is on the envelope's compact JSON form, counted without
serialising every accepted envelope again."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from domain.rejections import Rejection, RejectionKind
from services.write.envelope_input import MAX_ENVELOPE_BYTES, _compact_length, envelope_from


def _document(payload: bytes, payload_type: str, signatures: int) -> dict[str, Any]:
    return {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [
            {"keyid": f"{n:064x}", "sig": base64.b64encode(bytes([n]) * 64).decode()}
            for n in range(signatures)
        ],
    }


def _compact(document: dict[str, Any]) -> int:
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


@pytest.mark.parametrize(
    ("payload_type", "signatures"),
    [("application/vnd.in-toto+json", 1), ('odd "type"\n\u00e9\U0001f600', 3)],
)
def test_the_limit_falls_exactly_at_64_kib_of_compact_json(
    payload_type: str, signatures: int
) -> None:
    overhead = _compact(_document(b"", payload_type, signatures))
    fits = (MAX_ENVELOPE_BYTES - overhead) // 4 * 3  # base64: 4 characters per 3 bytes
    at_limit = _document(b"x" * fits, payload_type, signatures)
    assert _compact(at_limit) <= MAX_ENVELOPE_BYTES
    envelope_from(at_limit)
    over = _document(b"x" * (fits + 3), payload_type, signatures)
    assert _compact(over) > MAX_ENVELOPE_BYTES
    with pytest.raises(Rejection) as raised:
        envelope_from(over)
    assert raised.value.kind is RejectionKind.ENVELOPE_TOO_LARGE


def test_a_large_malformed_envelope_is_still_refused_for_its_size_first() -> None:
    document = {"payloadType": "t", "payload": "x" * MAX_ENVELOPE_BYTES, "signatures": []}
    with pytest.raises(Rejection) as raised:
        envelope_from(document)
    assert raised.value.kind is RejectionKind.ENVELOPE_TOO_LARGE


@pytest.mark.parametrize("signatures", [1, 2, 5])
@pytest.mark.parametrize("payload", [b"", b"{}", bytes(range(256)) * 3])
@pytest.mark.parametrize("payload_type", ["application/vnd.in-toto+json", '\\"\u2028\x00\u00e9'])
def test_the_counted_length_is_the_serialised_length(
    payload: bytes, payload_type: str, signatures: int
) -> None:
    document = _document(payload, payload_type, signatures)
    assert _compact_length(document) == _compact(document)
