"""Statements: the signed facts inside envelopes (DESIGN.md §2).

A payload is accepted only as the RFC 8785 (JCS) canonical JSON of a statement object, so one
fact has exactly one byte string and one event id. :func:`parse_statement` checks the payload's
canonical form, the statement's shape and its ``data`` against the catalogue; it does not decide
who may sign it (``domain/admission.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.canonical import CanonicalFormError, canonical_object, parse_json
from domain.canonical import canonical_json as jcs
from domain.encoding import parse_utc_time
from domain.fields import Field, any_text, check_object, json_object, subject_id, utc_time
from domain.json_reading import stdlib_reading
from domain.quick_init import quick_init
from domain.rejections import Rejection, RejectionKind
from domain.statement_types import statement_type

STATEMENT_VERSION = 1


@quick_init
@dataclass(frozen=True, slots=True)
class Statement:
    type: str
    subject: str
    data: Mapping[str, Any]
    effective_at: str
    issued_at: str
    nonce: str | None = None

    @property
    def effective_time(self) -> datetime:
        return parse_utc_time(self.effective_at)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "v": STATEMENT_VERSION,
            "type": self.type,
            "subject": self.subject,
            "data": self.data,
            "effective_at": self.effective_at,
            "issued_at": self.issued_at,
        }
        if self.nonce is not None:
            document["nonce"] = self.nonce
        return document

    def canonical_bytes(self) -> bytes:
        """The RFC 8785 bytes a publisher signs for this statement."""
        return canonical_json(self.to_json())


def canonical_json(value: Any, plain: bool | None = None) -> bytes:
    """RFC 8785 canonical JSON; refuses values JCS cannot represent (e.g. huge integers)."""
    try:
        return jcs(value, plain)
    except CanonicalFormError as error:
        raise Rejection(
            RejectionKind.INVALID_STATEMENT, f"value has no RFC 8785 form: {error}"
        ) from error


_ENVELOPE_FIELDS = check_object(
    (
        Field("v", lambda value, path: None),
        Field("type", any_text),
        Field("subject", subject_id),
        Field("data", json_object),
        Field("effective_at", utc_time),
        Field("issued_at", utc_time),
        Field("nonce", any_text, required=False),
    )
)


def parse_statement(payload: bytes) -> Statement:
    """Decode, canonical-check and validate a payload; raise :class:`Rejection` otherwise."""
    document = canonical_object(payload)  # the fast path: canonical for certain, or None
    if document is None:
        document, plain = _decode_json(payload)
        if canonical_json(document, plain) != payload:
            raise Rejection(
                RejectionKind.NON_CANONICAL_PAYLOAD,
                "payload is not the RFC 8785 canonical JSON of its statement "
                "(sort keys, no whitespace, JCS number and string forms)",
            )
    if not isinstance(document, dict):
        raise Rejection(RejectionKind.INVALID_STATEMENT, "statement must be a JSON object")
    if isinstance(document.get("type"), str):
        statement_type(document["type"])  # an unknown type is refused before its shape
    _ENVELOPE_FIELDS(document, "statement")
    version = document["v"]
    if version != STATEMENT_VERSION or isinstance(version, bool):
        raise Rejection(RejectionKind.INVALID_STATEMENT, "statement.v: must be 1")
    statement_type(document["type"]).schema(document["data"], "data")
    return Statement(
        type=document["type"],
        subject=document["subject"],
        data=document["data"],
        effective_at=document["effective_at"],
        issued_at=document["issued_at"],
        nonce=document.get("nonce"),
    )


def recorded_statement(payload: bytes) -> Statement:
    """Rebuild a statement the ledger already admitted, without re-validating it.

    For replay of the ledger's own log only; anything from outside goes through
    :func:`parse_statement` (auditors re-validate with it too). The payload is read as the
    stdlib reads it, by orjson where that is provably the same (``domain/json_reading.py``).
    """
    document = stdlib_reading(payload)
    return Statement(
        type=shared(document["type"]),
        subject=document["subject"],
        data=document["data"],
        effective_at=document["effective_at"],
        issued_at=document["issued_at"],
        nonce=document.get("nonce"),
    )


def shared(value: Any) -> Any:
    """One copy of a string many replayed statements repeat, where a replay keeps them all (the
    projection worker's world): ``sys.intern``'s; anything but a string as it is. Only for
    strings of a bounded set (a statement's type, a signer's keyid): some Python versions keep
    an interned string for good."""
    return sys.intern(value) if type(value) is str else value


def _decode_json(payload: bytes) -> tuple[Any, bool]:
    """The payload's JSON value, and whether it is plain (see ``domain.canonical``)."""
    try:
        return parse_json(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Rejection(
            RejectionKind.INVALID_STATEMENT, f"payload is not UTF-8 JSON: {error}"
        ) from error
    except RecursionError as error:
        raise Rejection(RejectionKind.INVALID_STATEMENT, "payload is nested too deeply") from error
