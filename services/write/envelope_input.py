"""Reading one decoded JSON value as an envelope, within the 64 KiB limit of DESIGN.md §2.

Pure of the web layer: the API reads bodies with it, and the write path's worker processes
read a batch's envelopes with it (``services.write.stateless_checks``)."""

from __future__ import annotations

import json
from typing import Any

from domain.envelope import STATEMENT_PAYLOAD_TYPE, Envelope, parse_envelope
from domain.rejections import Rejection, RejectionKind

MAX_ENVELOPE_BYTES = 64 * 1024


def envelope_from(document: Any) -> Envelope:
    """One envelope, refused with 413 if its JSON form exceeds 64 KiB (before any other
    refusal of its content)."""
    try:
        envelope = parse_envelope(document)
    except Rejection:
        _check_size(len(json.dumps(document, separators=(",", ":"), ensure_ascii=False)))
        raise
    _check_size(_compact_length(document))
    return envelope


def _check_size(length: int) -> None:
    if length > MAX_ENVELOPE_BYTES:
        raise Rejection(
            RejectionKind.ENVELOPE_TOO_LARGE,
            f"an envelope may be at most {MAX_ENVELOPE_BYTES} bytes",
        )


_ENVELOPE_FRAME = len('{"payloadType":,"payload":"","signatures":[]}')
_SIGNATURE_FRAME = len('{"keyid":"","sig":""}')
_STATEMENT_TYPE_LENGTH = len(json.dumps(STATEMENT_PAYLOAD_TYPE, ensure_ascii=False))


def _compact_length(document: dict[str, Any]) -> int:
    """The length of ``json.dumps(document, separators=(",", ":"), ensure_ascii=False)`` for
    a document :func:`parse_envelope` accepted, without serialising it: its exact keys are
    known, and the payload, key ids and signatures are strict base64 or hex, which JSON
    writes as they are (serialising every envelope again cost 9% of a batch's time)."""
    signatures = document["signatures"]
    return (
        _ENVELOPE_FRAME
        + _written_length(document["payloadType"])
        + len(document["payload"])
        + sum(_SIGNATURE_FRAME + len(s["keyid"]) + len(s["sig"]) for s in signatures)
        + len(signatures)
        - 1
    )


def _written_length(text: str) -> int:
    """The length of a payload type as JSON writes it; the statements' own is known (writing
    it again was a stdlib call an envelope). Any other is written: it may be long, and is
    refused later anyway."""
    if text == STATEMENT_PAYLOAD_TYPE:
        return _STATEMENT_TYPE_LENGTH
    return len(json.dumps(text, ensure_ascii=False))
