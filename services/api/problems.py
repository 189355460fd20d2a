"""RFC 9457 problem responses: one table from rejection kind to status and ``type`` URI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse

from domain.rejections import RejectionKind

PROBLEM_BASE = "https://provenance-ledger.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

STATUS: dict[RejectionKind, int] = {
    RejectionKind.MALFORMED_JSON: 400,
    RejectionKind.INVALID_ENVELOPE: 400,
    RejectionKind.INVALID_BATCH: 400,
    RejectionKind.BAD_SIGNATURE: 401,
    RejectionKind.UNKNOWN_KEY: 401,
    RejectionKind.REVOKED_KEY: 403,
    RejectionKind.MISSING_ROLE: 403,
    RejectionKind.NOT_OWNER: 403,
    RejectionKind.CONFIGURED_KEY: 403,
    RejectionKind.NOT_FOUND: 404,
    RejectionKind.SUBJECT_EXISTS: 409,
    RejectionKind.CONFLICT: 409,
    RejectionKind.ENVELOPE_TOO_LARGE: 413,
    RejectionKind.BODY_TOO_LARGE: 413,
    RejectionKind.BATCH_TOO_LARGE: 413,
    RejectionKind.UNSUPPORTED_PAYLOAD_TYPE: 422,
    RejectionKind.NON_CANONICAL_PAYLOAD: 422,
    RejectionKind.UNKNOWN_TYPE: 422,
    RejectionKind.INVALID_STATEMENT: 422,
    RejectionKind.DANGLING_REFERENCE: 422,
    RejectionKind.WRONG_SUBJECT_KIND: 422,
    RejectionKind.MALFORMED_LICENCE: 422,
    RejectionKind.INVALID_QUERY: 422,
}

TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Signature not accepted",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Invalid content",
    500: "Internal error",
    503: "Not ready",
}


def type_uri(kind: RejectionKind | str) -> str:
    return PROBLEM_BASE + str(kind)


def problem(
    kind: RejectionKind | str,
    detail: str,
    status: int | None = None,
    errors: Sequence[dict[str, Any]] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> JSONResponse:
    status = status or STATUS[RejectionKind(kind)]
    body: dict[str, Any] = {
        **(extensions or {}),
        "type": type_uri(kind),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": printable(detail),
    }
    if errors is not None:
        body["errors"] = [{**e, "detail": printable(str(e.get("detail", "")))} for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def printable(text: str) -> str:
    """``text`` as valid UTF-8: a detail may quote input, and input may hold lone surrogates
    (JSON's ``"\\ud800"``), which no UTF-8 response can carry; they are shown escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


RETRY_AFTER_SECONDS = 5


def unavailable(kind: str, detail: str, retry_after: int = RETRY_AFTER_SECONDS) -> JSONResponse:
    """A 503 problem with ``Retry-After``: nothing was written; try again later."""
    response = problem(kind, detail, 503)
    response.headers["Retry-After"] = str(retry_after)
    return response
