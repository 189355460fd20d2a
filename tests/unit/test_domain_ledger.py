"""domain.ledger: the log head aggregate — dense leaf indices, monotonic time, replayable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.encoding import b64decode_strict
from domain.envelope import parse_envelope
from domain.ledger import LEDGER_ID, Ledger, recorded_at_text
from domain.merkle import leaf_hash
from domain.statement import canonical_json
from tests.builders import artefact

T0 = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()


def _envelope(n: int) -> dict[str, Any]:
    return artefact(KEY, f"acme/a{n}", "code", "training-code")


def _append(ledger: Ledger, n: int, at: datetime) -> int:
    document = _envelope(n)
    event_id = parse_envelope(document).event_id
    hashed = leaf_hash(canonical_json(document)).hex()
    return ledger.append_statement(event_id, document, hashed, at)


def _appended(ledger: Ledger) -> list[Ledger.StatementAppended]:
    return [e for e in ledger.collect_events() if isinstance(e, Ledger.StatementAppended)]


@pytest.fixture
def ledger() -> Ledger:
    return Ledger(origin="example.com/log")


def test_a_new_ledger_is_empty_with_a_fixed_id(ledger: Ledger) -> None:
    assert ledger.id == LEDGER_ID
    assert Ledger(origin="elsewhere").id == LEDGER_ID
    assert (ledger.origin, ledger.size, ledger.last_recorded_at) == ("example.com/log", 0, None)


def test_leaf_indices_are_dense_from_zero(ledger: Ledger) -> None:
    indices = [_append(ledger, n, T0 + timedelta(seconds=n)) for n in range(5)]
    assert indices == [0, 1, 2, 3, 4]
    assert ledger.size == 5
    assert [e.leaf_index for e in _appended(ledger)] == indices


def test_the_appended_event_carries_the_leaf(ledger: Ledger) -> None:
    document = _envelope(0)
    event_id = parse_envelope(document).event_id
    ledger.append_statement(event_id, document, "ab" * 32, T0)
    (appended,) = _appended(ledger)
    assert (appended.event_id, appended.envelope, appended.leaf_hash) == (
        event_id,
        document,
        "ab" * 32,
    )
    assert appended.timestamp == T0
    assert b64decode_strict(appended.envelope["payload"])


def test_recorded_time_follows_a_forward_clock(ledger: Ledger) -> None:
    _append(ledger, 0, T0)
    _append(ledger, 1, T0 + timedelta(minutes=1))
    assert ledger.last_recorded_at == T0 + timedelta(minutes=1)
    assert [e.timestamp for e in _appended(ledger)] == [T0, T0 + timedelta(minutes=1)]


def test_an_earlier_clock_reading_is_clamped_to_the_last_recorded_time(ledger: Ledger) -> None:
    _append(ledger, 0, T0)
    assert _append(ledger, 1, T0 - timedelta(hours=1)) == 1
    _append(ledger, 2, T0 - timedelta(microseconds=1))
    _append(ledger, 3, T0)
    assert [e.timestamp for e in _appended(ledger)] == [T0, T0, T0, T0]
    assert ledger.last_recorded_at == T0
    _append(ledger, 4, T0 + timedelta(seconds=1))
    assert ledger.last_recorded_at == T0 + timedelta(seconds=1)


def test_recorded_times_never_go_backwards(ledger: Ledger) -> None:
    offsets = [5, 3, 9, 1, 9, 12, 0]
    for n, offset in enumerate(offsets):
        _append(ledger, n, T0 + timedelta(seconds=offset))
    stamps = [e.timestamp for e in _appended(ledger)]
    assert stamps == sorted(stamps)
    assert stamps[-1] == T0 + timedelta(seconds=12)


def test_recorded_at_text_is_utc_with_microseconds(ledger: Ledger) -> None:
    _append(ledger, 0, T0 + timedelta(microseconds=7))
    (appended,) = _appended(ledger)
    assert recorded_at_text(appended) == "2024-01-01T12:00:00.000007Z"


def test_replaying_the_collected_events_rebuilds_the_ledger(ledger: Ledger) -> None:
    for n, offset in enumerate([0, 2, 1]):
        _append(ledger, n, T0 + timedelta(seconds=offset))
    events = ledger.collect_events()
    assert len(events) == 4
    replayed: Any = None
    for stored in events:
        replayed = stored.mutate(replayed)
    assert isinstance(replayed, Ledger)
    assert (replayed.id, replayed.origin, replayed.size) == (LEDGER_ID, ledger.origin, 3)
    assert replayed.last_recorded_at == ledger.last_recorded_at == T0 + timedelta(seconds=2)
    assert replayed.version == ledger.version


def test_a_replayed_ledger_continues_the_indices(ledger: Ledger) -> None:
    _append(ledger, 0, T0)
    _append(ledger, 1, T0 + timedelta(seconds=5))
    replayed: Any = None
    for stored in ledger.collect_events():
        replayed = stored.mutate(replayed)
    assert isinstance(replayed, Ledger)
    assert _append(replayed, 2, T0) == 2
    assert replayed.last_recorded_at == T0 + timedelta(seconds=5)
