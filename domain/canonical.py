"""RFC 8785 (JCS) canonical JSON, with a fast path for the values the ledger mostly carries.

``rfc8785`` is the reference implementation and handles every JSON value. It is pure Python
and costs ~40 µs per statement, which capped batch ingest. For values with no floats, only
integers within ±(2^53−1) and only ASCII object keys, JCS and ``json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False)`` produce the same bytes: both escape exactly
``"``, ``\\``, ``\\b \\f \\n \\r \\t`` and other controls as lowercase ``\\u00xx`` and emit
everything else as UTF-8, and code-point order equals UTF-16 order for ASCII keys. Anything
else (floats, big integers, non-ASCII keys, lone surrogates) goes to ``rfc8785``. A property
test holds the two paths to the same bytes (``tests/unit/test_canonical_json.py``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import rfc8785

_MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalFormError(ValueError):
    """The value has no RFC 8785 form (e.g. an integer beyond ±(2^53−1), NaN)."""


def canonical_json(value: Any, plain: bool | None = None) -> bytes:
    """The RFC 8785 bytes of a JSON value (dicts, lists, str, int, float, bool, None).

    ``plain`` is whether the value has no floats, no integers beyond ±(2^53−1) and only ASCII
    object keys, when the caller already knows it (:func:`parse_json`); else it is found out.
    A value that is not plain is written part by part: its plain parts by the stdlib (a large
    assessment holds a float or two among thousands of plain values), the rest by
    ``rfc8785``; anything unusual (a lone surrogate, a key that is not a string, nesting too
    deep) goes to ``rfc8785`` whole."""
    mixed: str | None = None
    if not plain:
        try:
            mixed = _mixed(value)
        except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError):
            return _reference(value)
    try:
        text = mixed if mixed is not None else _plain_text(value)
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: let the reference decide
        return _reference(value)


def _reference(value: Any) -> bytes:
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError) as error:
        raise CanonicalFormError(str(error) or type(error).__name__) from error


def _plain_text(value: Any) -> str:
    """The RFC 8785 text of a plain value (see the module docstring)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _mixed(value: Any) -> str | None:
    """None when ``value`` is plain; else its RFC 8785 text, its plain parts written by
    :func:`_plain_text` and the others (floats, big integers) by ``rfc8785``, object members
    in UTF-16 code-unit order. Raises on what only ``rfc8785`` may judge."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return None
    if kind is int:
        return None if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER else _reference_text(value)
    if kind is dict:
        parts = {key: _mixed(item) for key, item in value.items()}
        if all(type(key) is str and key.isascii() for key in value) and all(
            part is None for part in parts.values()
        ):
            return None
        members = []
        for key in sorted(value, key=_utf16):
            part = parts[key]
            members.append(
                f"{_plain_text(key)}:{_plain_text(value[key]) if part is None else part}"
            )
        return "{" + ",".join(members) + "}"
    if kind is list:
        items = [_mixed(item) for item in value]
        if all(item is None for item in items):
            return None
        written = (
            _plain_text(item) if text is None else text
            for item, text in zip(value, items, strict=True)
        )
        return "[" + ",".join(written) + "]"
    return _reference_text(value)  # a float, or what rfc8785 refuses


def _reference_text(value: Any) -> str:
    return bytes(rfc8785.dumps(value)).decode("utf-8")


def _utf16(key: str) -> bytes:
    """RFC 8785 orders members by their names' UTF-16 code units (TypeError: not a string)."""
    if type(key) is not str:
        raise TypeError("an object key is not a string")
    return key.encode("utf-16-be")


def canonical_object(data: bytes) -> dict[str, Any] | None:
    """The JSON object ``data`` holds when ``data`` is certainly its RFC 8785 form; None when
    it is not, not certainly, or not an object (the caller then decides with :func:`parse_json` and
    :func:`canonical_json`, whose verdict this never contradicts).

    Written with orjson, which reads and writes several times faster than the stdlib: ``data``
    is accepted only when it is byte for byte orjson's sorted compact writing of a plain value,
    and for plain values that writing is the RFC 8785 form (held to ``canonical_json`` by a
    property test in ``tests/unit/test_canonical_json.py``). Everything else — floats, big
    integers, non-ASCII keys, duplicate keys, lone surrogates, deep nesting — answers None."""
    try:
        value = orjson.loads(data)
        if (
            type(value) is dict
            and _is_plain(value)
            and orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == data
        ):
            return value
    except (orjson.JSONDecodeError, RecursionError):
        pass
    return None


def parse_json(text: str) -> tuple[Any, bool]:
    """Parse JSON text (refusing NaN and infinities with ValueError) and tell whether the value
    is plain, as :func:`canonical_json` means it: found while parsing, which costs far less
    than walking the value afterwards."""
    plain = True

    def on_float(literal: str) -> float:
        nonlocal plain
        plain = False
        return float(literal)

    def on_int(literal: str) -> int:
        nonlocal plain
        value = int(literal)
        plain = plain and -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER
        return value

    def on_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal plain
        plain = plain and all(key.isascii() for key, _ in pairs)
        return dict(pairs)

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    value = json.loads(
        text,
        parse_float=on_float,
        parse_int=on_int,
        parse_constant=refuse,
        object_pairs_hook=on_object,
    )
    return value, plain


def _is_plain(value: Any) -> bool:
    # Loops, not all() over generators, and strings (most of a statement's leaves) decided
    # without a call: an artefact's statement is checked in 0.9 us instead of 1.5.
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return bool(-_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                return False
            if type(item) is not str and not _is_plain(item):
                return False
        return True
    if kind is list:
        for item in value:  # noqa: SIM110 - a loop, as said above
            if type(item) is not str and not _is_plain(item):
                return False
        return True
    return False
