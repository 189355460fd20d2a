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
    object keys, when the caller already knows it (:func:`parse_json`); else it is found out."""
    try:
        plain = _is_plain(value) if plain is None else plain
    except RecursionError as error:
        raise CanonicalFormError("nested too deeply") from error
    if plain:
        try:
            return json.dumps(
                value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            ).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let the reference decide
            pass
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError) as error:
        raise CanonicalFormError(str(error) or type(error).__name__) from error


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
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return bool(-_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER)
    if kind is dict:
        return all(type(k) is str and k.isascii() and _is_plain(v) for k, v in value.items())
    if kind is list:
        return all(_is_plain(item) for item in value)
    return False
