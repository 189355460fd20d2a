"""Why the ledger refuses an input: one stable kind per failure.

The kinds are part of the external contract: the API turns each into an RFC 9457 problem
``type`` URI and status (``services/api/problems.py``), and README.md lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class RejectionKind(StrEnum):
    MALFORMED_JSON = "malformed-json"
    INVALID_ENVELOPE = "invalid-envelope"
    INVALID_BATCH = "invalid-batch"
    ENVELOPE_TOO_LARGE = "envelope-too-large"
    BODY_TOO_LARGE = "body-too-large"
    BATCH_TOO_LARGE = "batch-too-large"
    BAD_SIGNATURE = "bad-signature"
    UNKNOWN_KEY = "unknown-key"
    REVOKED_KEY = "revoked-key"
    MISSING_ROLE = "missing-role"
    NOT_OWNER = "not-owner"
    CONFIGURED_KEY = "configured-key"
    NOT_FOUND = "not-found"
    SUBJECT_EXISTS = "subject-exists"
    CONFLICT = "conflict"
    UNSUPPORTED_PAYLOAD_TYPE = "unsupported-payload-type"
    NON_CANONICAL_PAYLOAD = "non-canonical-payload"
    UNKNOWN_TYPE = "unknown-type"
    INVALID_STATEMENT = "invalid-statement"
    DANGLING_REFERENCE = "dangling-reference"
    WRONG_SUBJECT_KIND = "wrong-subject-kind"
    MALFORMED_LICENCE = "malformed-licence-expression"
    INVALID_QUERY = "invalid-query"


class Rejection(Exception):
    """An input the ledger refuses; nothing it carried is written. ``extensions`` are extra
    members of the problem document (RFC 9457 §3.2), e.g. ``suggestions`` or ``matches``."""

    def __init__(
        self, kind: RejectionKind, detail: str, extensions: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.extensions: dict[str, Any] = dict(extensions or {})
