"""The stdlib's reading of JSON bytes, done by orjson where the two provably agree.

Replaying the ledger reads every statement (and every stored event) back from JSON: the
projection worker, a server's start-up and catch-up, recomputed answers. orjson reads ~4x faster
than the stdlib's ``json``, but the two differ at the edges (orjson refuses NaN, infinities, lone
surrogates and integers beyond 64 bits, all of which the stdlib reads). :func:`stdlib_reading`
takes orjson's reading only when writing it back with orjson gives the input byte for byte:

- every string then reads the same: orjson writes each character raw except ``"``, ``\\`` and
  the controls, whose escapes both readers decode alike, so any other escape (``\\u00e9``,
  ``\\/``, a surrogate pair) fails the check, and so do invalid UTF-8 and a byte-order mark;
- every number then reads the same: an integer is written as its digits (beyond 64 bits orjson
  would not give them back), and a float as the shortest text that reads back as that float,
  so the input is that text, and the stdlib's correctly rounded ``float()`` reads the same float;
- objects then hold no repeated keys (the stdlib keeps the last, the writing shows only one),
  and nothing is nested deeper than orjson writes.

Everything else is read by the stdlib, so the result is always ``json.loads(data)``'s (a property
test holds the two to it: ``tests/unit/test_json_reading.py``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def stdlib_reading(data: bytes) -> Any:
    """``json.loads(data)``: orjson's reading where it writes ``data`` back byte for byte, else
    the stdlib's (whose errors, for what is not JSON, are raised as they are)."""
    value = orjson_reading(data)
    return json.loads(data) if value is UNPROVEN else value


UNPROVEN: Any = object()
"""What :func:`orjson_reading` answers when it cannot vouch for its reading."""


def orjson_reading(data: bytes) -> Any:
    """orjson's reading of ``data`` where it is provably the stdlib's (see the module's
    docstring), else :data:`UNPROVEN`."""
    try:
        value = orjson.loads(data)
        if orjson.dumps(value) == data:
            return value
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        pass
    return UNPROVEN
