"""domain.encoding: one canonical spelling per value (base64, sha256 hex, UTC times)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.encoding import (
    EncodingError,
    b64decode_strict,
    b64encode,
    format_utc_time,
    is_sha256_hex,
    parse_utc_time,
)

# --- strict base64 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("", b""),
        ("QQ==", b"A"),
        ("QUI=", b"AB"),
        ("QUJD", b"ABC"),
        ("+/8=", b"\xfb\xff"),
        (base64.b64encode(bytes(range(256))).decode(), bytes(range(256))),
    ],
)
def test_canonical_standard_base64_decodes(text: str, raw: bytes) -> None:
    assert b64decode_strict(text) == raw


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("QR==", id="non-zero padding bits (two pad chars)"),
        pytest.param("QUJ=", id="non-zero padding bits (one pad char)"),
        pytest.param("QB==", id="the lowest unused bit set (two pad chars)"),
        pytest.param("QUL=", id="both unused bits set (one pad char)"),
        pytest.param("QUJDQ/==", id="non-zero padding bits after a full quantum"),
        pytest.param("QQ", id="padding missing"),
        pytest.param("QQ=", id="padding short"),
        pytest.param("QQ===", id="padding too long"),
        pytest.param("QUJD====", id="padding on a full quantum"),
        pytest.param("=", id="padding only"),
        pytest.param("-_8=", id="URL-safe alphabet"),
        pytest.param("QUJD-w==", id="URL-safe dash"),
        pytest.param("QUJD_w==", id="URL-safe underscore"),
        pytest.param(" QQ==", id="leading space"),
        pytest.param("QQ== ", id="trailing space"),
        pytest.param("QQ==\n", id="trailing newline"),
        pytest.param("Q Q==", id="inner space"),
        pytest.param("QQ\n==", id="inner newline"),
        pytest.param("QQ\t==", id="inner tab"),
        pytest.param("QQ==QQ==", id="padding in the middle"),
        pytest.param("Q!==", id="illegal character"),
    ],
)
def test_non_canonical_base64_is_refused(text: str) -> None:
    with pytest.raises(EncodingError):
        b64decode_strict(text)


def test_encoding_error_is_a_value_error() -> None:
    assert issubclass(EncodingError, ValueError)


def test_b64encode_uses_standard_padded_alphabet() -> None:
    assert b64encode(b"\xfb\xff") == "+/8="
    assert b64encode(b"A") == "QQ=="
    assert b64encode(b"") == ""


@pytest.mark.parametrize("raw", [b"", b"\x00", b"\xff" * 31, bytes(range(64))])
def test_b64encode_round_trips_through_strict_decode(raw: bytes) -> None:
    assert b64decode_strict(b64encode(raw)) == raw


def _reference_strict(text: str) -> bytes | None:
    """The spec of strict base64, written the plain way: validate, decode, and accept only
    the spelling the standard encoder writes."""
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


@given(
    st.text(alphabet="ABQRUgwz9+/=\n -_\u00e9\x00", max_size=12)
    | st.binary(max_size=12).map(lambda raw: base64.b64encode(raw).decode("ascii"))
)
@settings(max_examples=4000)
def test_strict_decode_accepts_exactly_the_standard_spelling(text: str) -> None:
    expected = _reference_strict(text)
    if expected is None:
        with pytest.raises(EncodingError):
            b64decode_strict(text)
    else:
        assert b64decode_strict(text) == expected


def test_strict_decode_refuses_what_is_not_text() -> None:
    with pytest.raises(EncodingError):
        b64decode_strict(b"QQ==")  # type: ignore[arg-type]


# --- sha256 hex ------------------------------------------------------------------------

DIGEST = hashlib.sha256(b"x").hexdigest()


def test_lowercase_sha256_hex_is_accepted() -> None:
    assert is_sha256_hex(DIGEST)
    assert is_sha256_hex("0" * 64)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(DIGEST.upper(), id="uppercase"),
        pytest.param(DIGEST[:-1] + "A", id="one uppercase digit"),
        pytest.param(DIGEST[:-1], id="63 digits"),
        pytest.param(DIGEST + "0", id="65 digits"),
        pytest.param("g" * 64, id="non-hex letter"),
        pytest.param(" " + DIGEST[1:], id="leading space"),
        pytest.param("", id="empty"),
        pytest.param(DIGEST.encode(), id="bytes"),
        pytest.param(None, id="None"),
        pytest.param(int(DIGEST, 16), id="int"),
        pytest.param("\uff10" * 64, id="fullwidth digits"),
    ],
)
def test_anything_but_64_lowercase_hex_digits_is_refused(value: object) -> None:
    assert not is_sha256_hex(value)


def test_sha256_hex_with_trailing_newline_is_refused() -> None:
    assert not is_sha256_hex(DIGEST + "\n")


# --- UTC times -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2023-07-18T09:12:05Z", datetime(2023, 7, 18, 9, 12, 5, tzinfo=UTC)),
        ("2024-02-29T23:59:59Z", datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)),
        ("2024-01-01T00:00:00.5Z", datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        ("2024-01-01T00:00:00.000001Z", datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC)),
        ("2024-01-01T00:00:00.123456789Z", datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59.999999Z", datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_utc_times_parse_to_aware_utc_datetimes(text: str, expected: datetime) -> None:
    parsed = parse_utc_time(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2024-01-01T00:00:00+00:00", id="numeric offset zero"),
        pytest.param("2024-01-01T00:00:00-05:00", id="negative offset"),
        pytest.param("2024-01-01T00:00:00+0100", id="offset without colon"),
        pytest.param("2024-01-01T00:00:00Z+01:00", id="Z then offset"),
        pytest.param("2024-01-01T00:00:00", id="missing Z"),
        pytest.param("2024-01-01T00:00:00z", id="lowercase z"),
        pytest.param("2024-01-01t00:00:00Z", id="lowercase t"),
        pytest.param("2024-01-01 00:00:00Z", id="space separator"),
        pytest.param("2024-01-01", id="date only"),
        pytest.param("2024-01-01T00:00Z", id="no seconds"),
        pytest.param("2024-1-01T00:00:00Z", id="one-digit month"),
        pytest.param("24-01-01T00:00:00Z", id="two-digit year"),
        pytest.param("2024-01-01T00:00:00.Z", id="empty fraction"),
        pytest.param("2024-01-01T00:00:00,5Z", id="comma fraction"),
        pytest.param("2024-01-01T00:00:00.1234567890Z", id="ten fraction digits"),
        pytest.param("2024-02-30T00:00:00Z", id="February 30"),
        pytest.param("2023-02-29T00:00:00Z", id="February 29 in a common year"),
        pytest.param("2024-13-01T00:00:00Z", id="month 13"),
        pytest.param("2024-00-01T00:00:00Z", id="month 0"),
        pytest.param("2024-04-31T00:00:00Z", id="April 31"),
        pytest.param("2024-01-01T24:00:00Z", id="hour 24"),
        pytest.param("2024-01-01T00:60:00Z", id="minute 60"),
        pytest.param("2024-01-01T23:59:60Z", id="leap second"),
        pytest.param("0000-01-01T00:00:00Z", id="year 0"),
        pytest.param("\u0662\u0660\u0662\u0664-01-01T00:00:00Z", id="non-ASCII digits"),
        pytest.param(" 2024-01-01T00:00:00Z", id="leading space"),
        pytest.param("", id="empty"),
    ],
)
def test_other_time_spellings_are_refused(text: str) -> None:
    with pytest.raises(EncodingError):
        parse_utc_time(text)


def test_time_with_trailing_newline_is_refused() -> None:
    with pytest.raises(EncodingError):
        parse_utc_time("2024-01-01T00:00:00Z\n")


def test_format_utc_time_writes_microseconds_and_z() -> None:
    moment = datetime(2024, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    assert format_utc_time(moment) == "2024-03-04T05:06:07.000089Z"


def test_format_utc_time_converts_other_offsets_to_utc() -> None:
    moment = datetime(2024, 1, 1, 2, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    assert format_utc_time(moment) == "2024-01-01T00:00:00.000000Z"


def test_format_utc_time_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_utc_time(datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="naive"):  # every time: a refusal is not remembered
        format_utc_time(datetime(2024, 1, 1))


def test_one_instant_in_two_time_zones_is_written_alike_whichever_came_first() -> None:
    """Equal instants are one string, so remembering the last few written is safe."""
    east = datetime(2024, 6, 1, 14, 0, 0, 5, tzinfo=timezone(timedelta(hours=2)))
    utc = datetime(2024, 6, 1, 12, 0, 0, 5, tzinfo=UTC)
    assert east == utc
    assert format_utc_time(east) == format_utc_time(utc) == "2024-06-01T12:00:00.000005Z"


def test_formatted_time_parses_back_to_the_same_moment() -> None:
    moment = datetime(2031, 12, 31, 23, 59, 58, 123456, tzinfo=UTC)
    assert parse_utc_time(format_utc_time(moment)) == moment


@pytest.mark.parametrize("value", [["2024-01-01T00:00:00Z"], {"at": 1}, 20240101])
def test_parse_utc_time_refuses_what_is_not_a_string_as_the_regex_does(value: object) -> None:
    # Times are remembered by string; a list or dict must not fail on hashing instead.
    with pytest.raises(TypeError, match="expected string"):
        parse_utc_time(value)  # type: ignore[arg-type]


def test_parse_utc_time_answers_a_repeat_as_the_first_time() -> None:
    first = parse_utc_time("2024-05-06T07:08:09.123456789Z")
    assert parse_utc_time("2024-05-06T07:08:09.123456789Z") == first
    assert first == datetime(2024, 5, 6, 7, 8, 9, 123456, UTC)
