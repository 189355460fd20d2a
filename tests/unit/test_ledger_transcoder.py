"""``infra.ledger_transcoder.LedgerTranscoder`` reads and writes as the library's transcoder."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    UUIDAsHex,
)
from hypothesis import given
from hypothesis import strategies as st

from domain.ledger import LEDGER_ID, Ledger
from infra.event_log import LedgerApplication
from infra.ledger_transcoder import LedgerTranscoder
from tests.unit.test_json_reading import same


def _registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


LIBRARY, LEDGER = _registered(JSONTranscoder()), _registered(LedgerTranscoder())

_TRANSCODED = (
    st.datetimes(timezones=st.just(UTC)) | st.uuids() | st.decimals(allow_nan=False).map(Decimal)
)
_PLAIN = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_VALUES = st.recursive(
    _PLAIN | _TRANSCODED,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def decoded_alike(data: bytes) -> bool:
    """The ledger's transcoder answers, or fails, as the library's does."""
    try:
        expected = LIBRARY.decode(data)
    except Exception as error:
        with pytest.raises(type(error)):
            LEDGER.decode(data)
        return True
    return same_decoded(LEDGER.decode(data), expected)


def same_decoded(a: Any, b: Any) -> bool:
    if type(a) in (datetime, uuid.UUID, Decimal):
        return type(a) is type(b) and str(a) == str(b)
    if type(a) is list and type(b) is list:
        return len(a) == len(b) and all(same_decoded(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict and type(b) is dict:
        return list(a) == list(b) and all(same_decoded(a[k], b[k]) for k in a)
    return same(a, b)


@given(_VALUES)
def test_what_the_library_writes_reads_back_alike(value: Any) -> None:
    data = LIBRARY.encode(value)
    assert LEDGER.encode(value) == data
    assert decoded_alike(data)


@given(
    st.dictionaries(st.text(max_size=8), _VALUES, max_size=5), st.datetimes(timezones=st.just(UTC))
)
def test_events_with_their_time_read_back_alike(state: dict[str, Any], when: datetime) -> None:
    assert decoded_alike(LIBRARY.encode({"timestamp": when, **state}))


@pytest.mark.parametrize(
    "data",
    [
        b'{"_type_":"datetime_iso","_data_":"2024-01-01T00:00:00+00:00"}',  # the top level
        b'{"a":{"b":{"_type_":"uuid_hex","_data_":"' + b"0" * 32 + b'"}}}',  # deeper down
        b'{"a":"_type_","t":{"_type_":"uuid_hex","_data_":"' + b"0" * 32 + b'"}}',  # as a value
        b'{"t":{"_type_":"nothing","_data_":1}}',  # no such transcoding: the library raises
        b'{"t":{"_type_":"uuid_hex","_data_":"x","more":1}}',  # three members: left alone
        b'{"t":{"_type_":"uuid_hex"}}',  # no data: left alone
        b'[{"_type_":"decimal_str","_data_":"1.5"}]',
        b'{"t":{"_type_":"datetime_iso","_data_":"not a time"}}',
        b'{"t" : {"_type_":"decimal_str","_data_":"2"}}',  # not orjson's writing
    ],
)
def test_transcoded_objects_anywhere_read_alike(data: bytes) -> None:
    assert decoded_alike(data)


def test_the_ledger_reads_its_events_through_it_and_without_the_stdlib() -> None:
    app = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        assert type(app.mapper.transcoder) is LedgerTranscoder
        ledger = Ledger("origin")
        envelope = {"payloadType": "t", "payload": "e30=", "signatures": []}
        ledger.append_statement("ab" * 32, envelope, "cd" * 32, datetime.now(UTC))
        events = ledger.collect_events()
        stored = [app.mapper.to_stored_event(e) for e in events]
        with mock.patch.object(JSONTranscoder, "decode", side_effect=AssertionError):
            read = [app.mapper.to_domain_event(s) for s in stored]
        assert [vars(e) for e in read] == [vars(e) for e in events]
        assert all(e.originator_id == LEDGER_ID for e in read)
    finally:
        app.close()


def test_another_configured_transcoder_is_kept() -> None:
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.popo",
        "TRANSCODER_TOPIC": "tests.unit.test_ledger_transcoder:PlainTranscoder",
    }
    app = LedgerApplication(env=env)
    try:
        assert type(app.mapper.transcoder) is PlainTranscoder
    finally:
        app.close()


class PlainTranscoder(JSONTranscoder):
    """A transcoder a deployment might configure instead."""
