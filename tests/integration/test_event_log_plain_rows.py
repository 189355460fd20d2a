"""Leaves written with orjson are the rows the library's aggregate and mapper write.

:meth:`EventLog.append` writes a batch's ``StatementAppended`` rows itself where they are
provably the mapper's (the inverse of the leaf reads of ``test_event_log_leaf_reads``). These
tests hold the rows to the mapper's byte for byte, check that the log reads back what it wrote
and goes on appending from its own rows, and that envelopes the shortcut cannot vouch for go
the aggregate's way, with the same result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent

from domain.ledger import LEDGER_ID, Ledger
from infra.event_log import Closing, EventLog, LogMoved, NewLeaf, SignedTree, _draft
from infra.persistence import persistence_env
from tests.backends import ORIGIN

T0 = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)

STRINGS = [
    "plain",
    'quote " backslash \\ slash /',
    "controls \x00\x01\x1f\b\f\n\r\t",
    "non-ASCII é ß 漢字 🙂 \x7f \u2028 \u2029 \ufeff",
    "",
]


def _envelope(i: int, text: str = "plain") -> dict[str, Any]:
    return {
        "payloadType": "application/vnd.in-toto+json",
        "payload": f"cGF5bG9hZA{i}",
        "signatures": [{"keyid": f"{i:064x}", "sig": text}, {"keyid": text, "sig": "c2ln"}],
    }


def _leaf(i: int, envelope: dict[str, Any]) -> NewLeaf:
    digest = hashlib.sha256(str(i).encode()).digest()
    return NewLeaf(f"{i:064x}", envelope, digest, f"acme/x/{i}")


def _hashes(leaves: list[NewLeaf]) -> list[str]:
    return [leaf.leaf_hash.hex() for leaf in leaves]


def _tree(size: int, **rows: Any) -> Closing:
    """The closing rows of an append making a tree of ``size`` leaves (``rows``: its tiles and
    state rows)."""
    return Closing(SignedTree(size, bytes(32), f"note for {size}\n"), **rows)


@pytest.fixture
def log(database_url: str) -> Iterator[EventLog]:
    opened = EventLog(persistence_env(database_url), ORIGIN)
    yield opened
    opened.close()


def _mapper_rows(log: EventLog, version: int, leaves: list[NewLeaf]) -> list[StoredEvent]:
    """What the library writes for ``leaves``: the aggregate's events through the mapper."""
    ledger = Ledger(ORIGIN)
    ledger.collect_events()
    ledger.version, ledger.size = version, version - 1
    for leaf in leaves:
        ledger.append_statement(leaf.event_id, leaf.envelope, leaf.leaf_hash.hex(), T0)
    return [log._app.mapper.to_stored_event(e) for e in ledger.collect_events()]


def test_rows_written_by_the_log_are_the_mappers_byte_for_byte(log: EventLog) -> None:
    leaves = [_leaf(i, _envelope(i, text)) for i, text in enumerate(STRINGS * 3)]
    rows = log._plain_rows(7, 6, leaves, _hashes(leaves), T0)
    assert rows is not None
    assert rows == _mapper_rows(log, 7, leaves)


@pytest.mark.parametrize(
    "envelope",
    [
        {**_envelope(0), "payload": 7},  # a number: the stdlib and orjson may differ
        {**_envelope(0), "signatures": [{"keyid": "k", "sig": None}]},
        _envelope(0, "lone surrogate \ud800"),  # orjson cannot write it
    ],
)
def test_envelopes_the_shortcut_cannot_vouch_for_go_the_aggregates_way(
    log: EventLog, envelope: dict[str, Any]
) -> None:
    leaves = [_leaf(0, _envelope(1)), _leaf(1, envelope)]
    assert log._plain_rows(1, 0, leaves, _hashes(leaves), T0) is None


def test_the_log_reads_back_what_it_wrote_and_appends_on_from_its_own_rows(
    log: EventLog,
) -> None:
    first = [_leaf(i, _envelope(i, STRINGS[i % len(STRINGS)])) for i in range(40)]
    written, checkpoint = log.append(first, 0, _tree(40), T0)
    assert [leaf.leaf_index for leaf in written] == list(range(40))
    assert checkpoint.tree_size == 40
    second = [_leaf(i, _envelope(i)) for i in range(40, 45)]
    # a clock that went back: the leaves keep the last recorded time
    more, _ = log.append(second, 40, _tree(45), T0 - timedelta(seconds=5))
    assert {leaf.recorded_at for leaf in more} == {T0}
    hostile = [_leaf(45, {**_envelope(45), "payload": 7})]  # through the aggregate
    last, _ = log.append(hostile, 45, _tree(46), T0 + timedelta(seconds=1))
    assert log.leaves(0, 45) == [*written, *more, *last]
    assert log.stored_size() == 46
    assert [c.tree_size for c in log.checkpoints()] == [40, 45, 46]
    events = [
        log._app.mapper.to_domain_event(stored)
        for stored in log._app.recorder.select_events(LEDGER_ID)
    ]
    replayed = _draft(events[0].mutate(None))  # type: ignore[attr-defined]
    for event in events[1:]:
        event.mutate(replayed)  # type: ignore[attr-defined]
    assert (replayed.size, replayed.version) == (46, 47)
    assert replayed.last_recorded_at == T0 + timedelta(seconds=1)
    assert [e.envelope for e in events[1:]] == [  # type: ignore[attr-defined]
        leaf.envelope for leaf in [*first, *second, *hostile]
    ]


def test_a_writer_outrun_by_another_process_is_told_the_log_moved(
    log: EventLog, database_url: str
) -> None:
    other = EventLog(persistence_env(database_url), ORIGIN)  # another server process
    try:
        log.append([_leaf(0, _envelope(0))], 0, _tree(1), T0)
        with pytest.raises(LogMoved):
            other.append([_leaf(9, _envelope(9))], 0, _tree(1), T0)
        other.append([_leaf(1, _envelope(1))], 1, _tree(2), T0)
        with pytest.raises(LogMoved):  # its head, advanced from its own rows, is behind
            log.append([_leaf(9, _envelope(9))], 1, _tree(2), T0)
        log.append([_leaf(2, _envelope(2))], 2, _tree(3), T0)
        assert [leaf.event_id for leaf in other.leaves(0, 2)] == [f"{i:064x}" for i in range(3)]
    finally:
        other.close()
