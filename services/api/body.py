"""Reading request bodies within the size limits of DESIGN.md §2, before any parsing."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from domain.envelope import Envelope, parse_envelope
from domain.rejections import Rejection, RejectionKind

MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_ENVELOPE_BYTES = 64 * 1024
MAX_BATCH_ENVELOPES = 1000


async def read_json(request: Request) -> Any:
    """The body as JSON; 413 beyond 16 MiB (checked while reading), 400 if not JSON."""
    declared = request.headers.get("content-length", "")
    if (
        declared.isascii()
        and declared.isdigit()
        and (len(declared) > 9 or int(declared) > MAX_BODY_BYTES)
    ):
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (UnicodeDecodeError, ValueError) as error:
        raise Rejection(RejectionKind.MALFORMED_JSON, f"body is not JSON: {error}") from error
    except RecursionError as error:
        raise Rejection(RejectionKind.MALFORMED_JSON, "body is nested too deeply") from error


def envelope_from(document: Any) -> Envelope:
    """One envelope, refused with 413 if its JSON form exceeds 64 KiB."""
    if len(json.dumps(document, separators=(",", ":"), ensure_ascii=False)) > MAX_ENVELOPE_BYTES:
        raise Rejection(
            RejectionKind.ENVELOPE_TOO_LARGE,
            f"an envelope may be at most {MAX_ENVELOPE_BYTES} bytes",
        )
    return parse_envelope(document)


def batch_documents(document: Any) -> list[Any]:
    """The ``envelopes`` list of a batch body: 1 to 1,000 items."""
    if not isinstance(document, dict) or set(document) != {"envelopes"}:
        raise Rejection(RejectionKind.INVALID_BATCH, 'a batch body is {"envelopes": [...]}')
    envelopes = document["envelopes"]
    if not isinstance(envelopes, list) or not envelopes:
        raise Rejection(RejectionKind.INVALID_BATCH, "envelopes must be a non-empty list")
    if len(envelopes) > MAX_BATCH_ENVELOPES:
        raise Rejection(
            RejectionKind.BATCH_TOO_LARGE,
            f"a batch holds at most {MAX_BATCH_ENVELOPES} envelopes, not {len(envelopes)}",
        )
    return envelopes


def _too_large() -> Rejection:
    return Rejection(
        RejectionKind.BODY_TOO_LARGE, f"a request body may be at most {MAX_BODY_BYTES} bytes"
    )
