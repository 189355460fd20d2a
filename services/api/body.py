"""Reading request bodies within the size limits of DESIGN.md §2, before any parsing."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from domain.envelope import Envelope
from domain.rejections import Rejection, RejectionKind
from services.fast_json import loads_strings
from services.write.envelope_input import envelope_from

MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_BATCH_ENVELOPES = 1000


async def read_json(request: Request) -> Any:
    """The body as JSON; 413 beyond 16 MiB (checked while reading), 400 if not JSON."""
    return parse_json(await read_body(request))


async def read_body(request: Request) -> bytes:
    """The body's bytes; 413 beyond 16 MiB (checked while reading)."""
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
    return b"".join(chunks)


def parse_json(body: bytes) -> Any:
    """``body`` read by the stdlib's ``json``, the reading every refusal is worded from; 400
    if it is not JSON."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise Rejection(RejectionKind.MALFORMED_JSON, f"body is not JSON: {error}") from error
    except RecursionError as error:
        raise Rejection(RejectionKind.MALFORMED_JSON, "body is nested too deeply") from error


def envelopes_in(body: bytes, batch: bool, items: list[Any] | None = None) -> list[Envelope]:
    """The envelopes of a body: one envelope, or a batch body (``batch``). Refusals are
    :class:`Rejection` for the body, :class:`EnvelopesRefused` for envelopes by index.

    The body is read with orjson first (:mod:`services.fast_json`), or ``items`` are a batch
    body's items as :func:`batch_items` read them already; if anything in it is refused, it is
    read again with the stdlib and refused from that reading, so every answer is the one the
    stdlib's reading gives."""
    try:
        if items is not None:
            return _read_items(items)
        return _envelopes(loads_strings(body), batch)
    except (Rejection, EnvelopesRefused, ValueError, RecursionError):
        return _envelopes(parse_json(body), batch)


def batch_items(body: bytes) -> list[Any] | None:
    """The ``envelopes`` items of a batch body as orjson reads them, unread as envelopes (the
    write path's worker processes read them); None if the body is refused as a batch:
    :func:`envelopes_in` then words the refusal from the stdlib's reading."""
    try:
        return batch_documents(loads_strings(body))
    except (Rejection, ValueError, RecursionError):
        return None


class EnvelopesRefused(Exception):
    """Envelopes of a body refused before admission: (index, refusal) for each."""

    def __init__(self, refusals: list[tuple[int, Rejection]]) -> None:
        super().__init__(f"{len(refusals)} envelope(s) refused")
        self.refusals = refusals


def _envelopes(document: Any, batch: bool) -> list[Envelope]:
    if not batch:
        return [envelope_from(document)]
    return _read_items(batch_documents(document))


def _read_items(items: list[Any]) -> list[Envelope]:
    """A batch body's items read as envelopes, every refusal collected by index."""
    envelopes, refusals = [], []
    for index, item in enumerate(items):
        try:
            envelopes.append(envelope_from(item))
        except Rejection as rejection:
            refusals.append((index, rejection))
    if refusals:
        raise EnvelopesRefused(refusals)
    return envelopes


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
