"""``as_of``: a log position or an RFC 3339 recorded time, limiting a query to what the ledger
had recorded then (transaction time, DESIGN.md §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.rejections import Rejection, RejectionKind
from services.ledger_view import LeafRecord

MAX_POSITION = 2**63 - 1  # positions and leaf indices are signed 64-bit in both stores
_POSITION = re.compile(r"[0-9]{1,19}", re.ASCII)


@dataclass(frozen=True, slots=True)
class AsOf:
    position: int | None = None
    recorded_at: datetime | None = None

    def includes(self, leaf: LeafRecord) -> bool:
        if self.position is not None:
            return leaf.position <= self.position
        assert self.recorded_at is not None
        return parse_rfc3339(leaf.recorded_at) <= self.recorded_at


_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 date-time with ``Z`` or a numeric offset (or a bare RFC 3339 full-date,
    meaning midnight UTC), as an aware UTC datetime."""
    if _DATE.fullmatch(text):
        text += "T00:00:00Z"
    if _RFC3339.fullmatch(text) is None:
        raise ValueError("not an RFC 3339 date-time with a time zone")
    head, _, fraction = text.upper().replace("Z", "+00:00").partition(".")
    if fraction:  # Python's parser takes at most microseconds
        digits = fraction[: len(fraction) - 6] if fraction[-6] in "+-" else fraction
        head += "." + digits[:6].ljust(6, "0") + fraction[len(digits) :]
    return datetime.fromisoformat(head).astimezone(UTC)


def parse_as_of(text: str | None) -> AsOf | None:
    """Read ``?as_of=``: digits are a position, anything else must be an RFC 3339 time."""
    if text is None:
        return None
    if _POSITION.fullmatch(text) and int(text) <= MAX_POSITION:
        return AsOf(position=int(text))
    if text.isascii() and text.isdigit():
        raise Rejection(
            RejectionKind.INVALID_QUERY, f"as_of: a log position is at most {MAX_POSITION}"
        )
    try:
        return AsOf(recorded_at=parse_rfc3339(text))
    except ValueError as error:
        raise Rejection(
            RejectionKind.INVALID_QUERY,
            f"as_of must be a log position (digits) or an RFC 3339 time, not '{text}'",
        ) from error
