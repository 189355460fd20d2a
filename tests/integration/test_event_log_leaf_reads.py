"""Leaves read with orjson are the leaves the library's mapper reads, or the mapper reads them.

Audits and ``GET /v1/log/entries`` read every stored leaf; :meth:`EventLog._decode` reads
the stored ``StatementAppended`` rows itself where its result is provably the mapper's. These
tests hold it to that on stored rows as written, and on rows changed behind the ledger's back
in every way the shortcut must notice (it then leaves them to the mapper).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent

from domain.envelope import parse_envelope
from domain.ledger import LEDGER_ID
from infra.event_log import EventLog
from infra.persistence import persistence_env
from services.demo.examples import demo_envelopes, examples_directory, load_examples
from tests.backends import ORIGIN, Backend


@pytest.fixture
def stored(database_url: str) -> Iterator[tuple[EventLog, list[tuple[int, StoredEvent]]]]:
    """A reopened log of the demo ledger and its stored ``StatementAppended`` rows."""
    operator = Ed25519PrivateKey.generate()
    backend = Backend("db", database_url)
    ledger = backend.open([operator.public_key()])
    documents, _ = demo_envelopes(load_examples(examples_directory()), operator)
    ledger.submission.submit([parse_envelope(d) for d in documents])
    backend.close_all()
    log = EventLog(persistence_env(database_url), ORIGIN, existing=True)
    rows = log._app.recorder.select_rows(LEDGER_ID, 1, 2**62)  # type: ignore[attr-defined]
    yield log, list(rows)
    log.close()


def _by_mapper(log: EventLog, row: StoredEvent, position: int) -> Any:
    try:
        return log._committed(log._app.mapper.to_domain_event(row), position)
    except Exception as error:  # the same failure, whichever path reads the row
        return type(error)


def _read(log: EventLog, row: StoredEvent, position: int) -> Any:
    try:
        return log._decode(row, position)
    except Exception as error:
        return type(error)


def test_stored_leaves_are_read_without_the_mapper_and_equal_its_reading(
    stored: tuple[EventLog, list[tuple[int, StoredEvent]]],
) -> None:
    log, rows = stored
    assert len(rows) > 20
    for position, row in rows:
        plain = log._plain_leaf(row, position)
        assert plain is not None  # the shortcut was taken
        assert plain == _by_mapper(log, row, position)
        assert type(plain.recorded_at) is type(_by_mapper(log, row, position).recorded_at)
    assert log.leaves(0, len(rows) - 1) == [_by_mapper(log, r, p) for p, r in rows]


def _changed(row: StoredEvent, change: Any) -> StoredEvent:
    state = json.loads(row.state)
    change(state)
    return replace(row, state=json.dumps(state, separators=(",", ":")).encode())


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(state: Any) -> None:
        for key in path[:-1]:
            state = state[key]
        state[path[-1]] = value

    return change


CHANGES: dict[str, Any] = {
    "an escaped character": _set(("envelope", "payloadType"), "application/\u00e9"),
    "a number in the envelope": _set(("envelope", "payload"), 2**70),
    "a float leaf index": _set(("leaf_index",), 3.0),
    "a huge leaf index": _set(("leaf_index",), 2**70),
    "an extra field": _set(("class_version",), 1),
    "a transcoded value in the envelope": _set(
        ("envelope", "signatures", 0), {"_type_": "uuid_hex", "_data_": "0" * 32}
    ),
    "another transcoded type for the time": _set(("timestamp", "_type_"), "decimal_str"),
    "a time that is not ISO 8601": _set(("timestamp", "_data_"), "yesterday"),
    "a missing field": lambda state: state.pop("leaf_hash"),
    "a non-string signature field": _set(("envelope", "signatures", 0, "sig"), None),
    "an envelope that is a list": _set(("envelope",), ["payload"]),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_rows_changed_behind_the_ledgers_back_read_as_the_mapper_reads_them(
    stored: tuple[EventLog, list[tuple[int, StoredEvent]]], name: str
) -> None:
    log, rows = stored
    position, row = rows[3]
    changed = _changed(row, CHANGES[name])
    assert _read(log, changed, position) == _by_mapper(log, changed, position)


@pytest.mark.parametrize(
    "state",
    [b"not json", b'{"timestamp": NaN}', b"\xff\xfe", b'{"a":"\\ud800"}', b"[]"],
    ids=["not JSON", "NaN", "not UTF-8", "a lone surrogate", "a list"],
)
def test_rows_that_are_not_a_leaf_read_as_the_mapper_reads_them(
    stored: tuple[EventLog, list[tuple[int, StoredEvent]]], state: bytes
) -> None:
    log, rows = stored
    position, row = rows[3]
    changed = replace(row, state=state)
    assert _read(log, changed, position) == _by_mapper(log, changed, position)
