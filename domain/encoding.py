"""Strict textual encodings used on the wire (DESIGN.md §2, §7).

One value has exactly one accepted spelling: standard padded base64, lowercase hex and UTC
timestamps written ``YYYY-MM-DDTHH:MM:SS[.fraction]Z``. Anything else is refused, so that
signatures and hashes over these strings cannot be malleated.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from functools import lru_cache

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_UTC_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$", re.ASCII
)


_SEXTETS = {
    character: value
    for value, character in enumerate(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    )
}
_UNUSED_BITS = (0, 0b1111, 0b11)  # by the number of bytes in the last, incomplete group


class EncodingError(ValueError):
    """A value is not in its one canonical spelling."""


def b64decode_strict(text: str) -> bytes:
    """Decode standard padded base64, refusing any other spelling of the same bytes."""
    # base64.b64decode(text, validate=True) is this strict-mode call behind a Python wrapper.
    # Strict mode refuses every character outside the alphabet and any padding but the exact
    # one, so what still tells the one canonical spelling (the standard encoder's, which a
    # property test holds this to) is its length and zeros in the bits of the last data
    # character that carry no data: checked in O(1), where re-encoding the bytes to compare
    # them took ~5,000 instructions a 600-character payload.
    if type(text) is not str:
        raise EncodingError("not standard padded base64")
    try:
        raw = binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError) as error:
        raise EncodingError("not standard padded base64") from error
    spare = len(raw) % 3  # 1: "xy==", the last 4 bits of y are unused; 2: "xyz=", the last 2 of z
    if len(text) != (len(raw) + 2) // 3 * 4 or (
        spare and _SEXTETS[text[spare - 4]] & _UNUSED_BITS[spare]
    ):
        raise EncodingError("not canonical standard padded base64")
    return raw


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def is_sha256_hex(text: object) -> bool:
    """True for exactly 64 lowercase hex digits."""
    return isinstance(text, str) and _HEX64.fullmatch(text) is not None


def parse_utc_time(text: str) -> datetime:
    """Parse ``YYYY-MM-DDTHH:MM:SS[.fraction]Z`` into an aware UTC datetime.

    Fractions beyond microseconds are truncated for comparison only; the original string
    stays the signed fact.
    """
    if type(text) is str:  # anything else is refused as before, without the cache
        return _parsed_utc_time(text)
    return _parse_utc_time(text)


def _parse_utc_time(text: str) -> datetime:
    match = _UTC_TIME.fullmatch(text)
    if match is None:
        raise EncodingError("not a UTC time written YYYY-MM-DDTHH:MM:SS[.fraction]Z")
    year, month, day, hour, minute, second, fraction = match.groups()
    micros = int((fraction or "0").ljust(6, "0")[:6])
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micros, UTC
        )
    except ValueError as error:
        raise EncodingError(f"not a real date and time: {error}") from error


# A batch's statements, and a log's, share few distinct times (datetimes are immutable).
_parsed_utc_time = lru_cache(maxsize=4096)(_parse_utc_time)


@lru_cache(maxsize=256)  # a commit's leaves share one time: it is written once, not per leaf
def format_utc_time(moment: datetime) -> str:
    """Write an aware datetime as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC (equal instants,
    whatever their time zone, are one string)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_utc_time_compact(moment: datetime) -> str:
    """Like :func:`format_utc_time`, without a fraction when it is zero."""
    text = format_utc_time(moment)
    return text.replace(".000000Z", "Z")
