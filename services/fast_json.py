"""orjson on the write path's hot spots, wherever its result is provably the stdlib's.

A batch of 1,000 envelopes is ~1.5 MB of JSON in and ~1.5 MB out, and the stdlib's ``json``
showed as ~20% of the batch profile (parsing the body, writing the answers, reading each
payload ahead of admission). orjson does the same work several times faster, but differs from
the stdlib at the edges: it refuses NaN, infinities, out-of-range numbers and lone surrogates,
which the stdlib reads, and reads integers beyond 64 bits as floats. So:

- :func:`loads_strings` is for callers that keep only strings, lists and objects of what they
  read (an envelope is nothing else) and read the body again with the stdlib whenever they
  refuse anything: the strings orjson reads are exactly the stdlib's, and whatever orjson
  refuses falls back to the stdlib here.
- :func:`dumps` writes what the stdlib's ``json.dumps(ensure_ascii=False, allow_nan=False,
  separators=(",", ":"))`` (Starlette's ``JSONResponse``) writes, byte for byte, for values
  made of strings, 64-bit integers, booleans, null, lists and objects with string keys; it
  falls back to the stdlib for anything else.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads_strings(data: bytes | str) -> Any:
    """The JSON value of ``data``; read by orjson, or by the stdlib where orjson refuses it.
    Numbers may differ from the stdlib's reading (see the module's docstring)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as Starlette's ``JSONResponse`` renders it."""
    try:
        return orjson.dumps(value)
    except TypeError:  # e.g. an integer beyond 64 bits: the stdlib writes it
        return json.dumps(
            value, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode()
