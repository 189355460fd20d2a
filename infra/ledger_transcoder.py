"""The library's JSON transcoder, reading stored events with orjson where that is its own reading.

Every event the library's mapper hands out (to the projection worker's subscription, above all:
a py-spy profile under batch ingest showed 14% of that process's busy samples in the
transcoder's stdlib decoding) is read by ``json.JSONDecoder`` with a pure-Python object hook.
:class:`LedgerTranscoder` writes exactly as :class:`JSONTranscoder` does and reads as it does,
but takes orjson's reading (``domain.json_reading.orjson_reading``: only where it is provably
the stdlib's) whenever the object hook would change no more than the top-level object's members:
the ledger's events carry one transcoded value each, their time, as such a member.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder

from domain.json_reading import UNPROVEN, orjson_reading

_TYPE_KEY = "_type_"  # the key the library's transcodings are written under
_TYPE_MARK = f'"{_TYPE_KEY}"'.encode()


class LedgerTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        """What :meth:`JSONTranscoder.decode` answers (errors included).

        The object hook transcodes an object only if it has a ``"_type_"`` member. When orjson's
        reading is the stdlib's, every such member is written as ``"_type_"`` literally, so
        counting that text bounds how many there are: none, and the hook changes nothing; as
        many as the top-level object's members that are objects with one, and the hook changes
        only those members (nothing inside them has one), each as if on its own. Any other
        count, or an unproven reading, goes to the library's own decoding."""
        value = orjson_reading(data)
        if value is UNPROVEN:
            return super().decode(data)
        marks = data.count(_TYPE_MARK)
        if not marks:
            return value
        if type(value) is not dict:
            return super().decode(data)
        typed = [k for k, member in value.items() if type(member) is dict and _TYPE_KEY in member]
        if len(typed) != marks:
            return super().decode(data)
        for key in typed:
            value[key] = self._decode_obj(value[key])
        return value
