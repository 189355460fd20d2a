"""A large append sent a chunk at a time writes what the usual append writes, or nothing.

On PostgreSQL, :meth:`EventLog.append` sends an append of ``CHUNKED_APPEND`` leaves or more a
chunk at a time in one transaction (``infra.streamed_insert``). These tests hold it to the usual
append on a real PostgreSQL: the same rows and answers, and where a chunk fails (another writer
got there first, the store fails, rows only the mapper may write) nothing of it is left and the
usual append decides the outcome.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

import infra.event_log
from domain.checkpoint import read_unverified_checkpoint
from domain.envelope import parse_envelope
from domain.merkle import MerkleTree, verify_inclusion
from domain.rejections import Rejection
from domain.tiled_tree import TreeGrowth
from infra.event_log import (
    APPENDED_TOPIC,
    CHUNKED_APPEND,
    Closing,
    CommittedCheckpoint,
    CommittedLeaf,
    EventLog,
    LogMoved,
    NewLeaf,
    SignedTree,
)
from infra.persistence import persistence_env
from infra.streamed_insert import StreamedInsert
from services.ledger_view import LedgerView
from services.write import submission
from services.write.submission import BatchRejected
from tests.backends import ORIGIN, Backend, fresh_postgres_database, libpq_url
from tests.builders import Cast, artefact, envelope

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
T1 = datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC)
SIZE = CHUNKED_APPEND + 50


def _leaf(i: int, payload: object = None) -> NewLeaf:
    envelope = {
        "payloadType": "application/vnd.in-toto+json",
        "payload": f"cGF5bG9hZA{i}" if payload is None else payload,
        "signatures": [{"keyid": f"{i:064x}", "sig": "c2ln"}],
    }
    return NewLeaf(f"{i:064x}", envelope, hashlib.sha256(str(i).encode()).digest(), f"s/{i}")


def _tree(size: int, **rows: Any) -> Closing:
    """The closing rows of an append making a tree of ``size`` leaves (``rows``: its tiles and
    state rows)."""
    return Closing(SignedTree(size, bytes(32), f"note for {size}\n"), **rows)


def _open(url: str) -> EventLog:
    return EventLog(persistence_env(url), ORIGIN)


def _tables(log: EventLog, url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The ledger's rows as stored (positions left out: sequences are per database)."""
    events: str = log._app.recorder.events_table_name  # type: ignore[attr-defined]
    bare = events.removesuffix("events")
    queries = {
        "events": ("originator_version, topic, state", events, "originator_version"),
        "leaves": ("leaf_index, event_id, recorded_at, subject", f"{bare}leaves", "leaf_index"),
        "state": ("key, value", f"{bare}state", "key"),
        "tiles": ("level, idx, hashes", f"{bare}tiles", "level, idx"),
    }
    with psycopg.connect(libpq_url(url)) as conn:
        found = {
            name: conn.execute(
                SQL("SELECT {} FROM {} ORDER BY {}").format(
                    SQL(columns), Identifier(table), SQL(order)
                )
            ).fetchall()
            for name, (columns, table, order) in queries.items()
        }
    # the leaves' events (the others hold the times their aggregates were made at)
    found["events"] = [row for row in found["events"] if row[1] == APPENDED_TOPIC]
    return found


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """What each chunked commit answered: its positions' count, or None (abandoned)."""
    answered: list[int | None] = []
    commit = StreamedInsert.commit

    def counted(self: StreamedInsert, *args: Any) -> list[int] | None:
        positions = commit(self, *args)
        answered.append(None if positions is None else len(positions))
        return positions

    monkeypatch.setattr(StreamedInsert, "commit", counted)
    return answered


@pytest.fixture
def two_urls() -> Iterator[tuple[str, str]]:
    for first in fresh_postgres_database():
        for second in fresh_postgres_database():
            yield first, second


def test_a_chunked_append_writes_the_rows_and_answers_of_the_usual_append(
    two_urls: tuple[str, str], commits: list[int | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    usual_url, chunked_url = two_urls
    usual, chunked = _open(usual_url), _open(chunked_url)
    try:
        start, rest = [_leaf(i) for i in range(3)], [_leaf(i) for i in range(3, 3 + SIZE)]
        state, tiles = {"k:a": "1", "k:b": "2"}, {(0, 0): bytes(64)}
        changed, new = {"k:a": "3"}, {"s:c": "4"}  # a stored key changed, a new one

        def append(log: EventLog) -> tuple[list[CommittedLeaf], CommittedCheckpoint]:
            return log.append(
                rest, 3, _tree(3 + SIZE, state=changed, tiles=tiles, new_state=new), T1
            )

        for log in (usual, chunked):
            log.append(start, 0, _tree(3, state=state), T0)
        written, checkpoint = append(chunked)
        assert commits == [SIZE + 1]  # its leaves and its checkpoint, in one commit
        monkeypatch.setattr(infra.event_log, "CHUNKED_APPEND", 10**9)
        expected, _ = append(usual)
        assert commits == [SIZE + 1]
        assert checkpoint.tree_size == 3 + SIZE
        assert [(leaf.leaf_index, leaf.event_id, leaf.recorded_at) for leaf in written] == [
            (leaf.leaf_index, leaf.event_id, leaf.recorded_at) for leaf in expected
        ]
        positions = [leaf.position for leaf in written]
        assert positions == sorted(positions)
        assert len(set(positions)) == len(positions)
        assert _tables(chunked, chunked_url) == _tables(usual, usual_url)
        assert chunked.leaves(3, 2 + SIZE) == written  # read back as the answers say
        more, _ = chunked.append([_leaf(9999)], 3 + SIZE, _tree(4 + SIZE), T1)  # appends on
        assert more[0].leaf_index == 3 + SIZE
    finally:
        usual.close()
        chunked.close()


def test_a_chunked_append_behind_another_writer_writes_nothing_and_says_the_log_moved(
    postgres_url: str, commits: list[int | None]
) -> None:
    log, other = _open(postgres_url), _open(postgres_url)
    try:
        log.append([_leaf(i) for i in range(3)], 0, _tree(3), T0)
        other.append([_leaf(3)], 3, _tree(4), T0)  # the other writer's head: 4 leaves
        log.append([_leaf(4)], 4, _tree(5), T0)  # this one reads the heads, appends the 5th
        before = _tables(log, postgres_url)
        leaves = [_leaf(i) for i in range(100, 100 + SIZE)]
        with pytest.raises(LogMoved):  # it still believes the log holds 4
            other.append(leaves, 4, _tree(4 + SIZE), T1)
        assert commits == [None]  # a chunk conflicted: rolled back, then the usual append
        assert _tables(log, postgres_url) == before
        other.append([_leaf(5)], 5, _tree(6), T1)  # having read the heads again
        assert other.stored_size() == 6
    finally:
        log.close()
        other.close()


@pytest.mark.parametrize("size", [3, SIZE])
def test_a_new_state_key_stored_already_fails_the_commit_as_a_conflict(
    event_log: EventLog, postgres_url: str, size: int
) -> None:
    """A key written as new that another writer stored meanwhile: nothing of the commit is
    written (chunked or not) and the writer hears that the log moved."""
    event_log.append([_leaf(i) for i in range(3)], 0, _tree(3, new_state={"s:c": "1"}), T0)
    before = _tables(event_log, postgres_url)
    leaves = [_leaf(i) for i in range(3, 3 + size)]
    with pytest.raises(LogMoved):
        event_log.append(leaves, 3, _tree(3 + size, new_state={"s:d": "2", "s:c": "3"}), T1)
    assert _tables(event_log, postgres_url) == before
    written, _ = event_log.append(leaves, 3, _tree(3 + size, state={"s:c": "3"}), T1)
    assert [leaf.leaf_index for leaf in written] == list(range(3, 3 + size))


def test_a_store_failing_mid_append_leaves_the_commit_to_the_usual_append(
    postgres_url: str, commits: list[int | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _open(postgres_url)
    try:
        log.append([_leaf(0)], 0, _tree(1), T0)
        recorder: Any = log._app.recorder
        send, calls = recorder._send, []

        def failing_second(*args: Any) -> None:
            calls.append(len(args[1]))
            if len(calls) == 2:
                raise psycopg.OperationalError("the connection went away")
            send(*args)

        monkeypatch.setattr(recorder, "_send", failing_second)
        leaves = [_leaf(i) for i in range(1, 1 + SIZE)]
        written, _ = log.append(leaves, 1, _tree(1 + SIZE), T1)
        assert len(calls) == 2  # abandoned at the second chunk
        assert commits == [None]
        assert [leaf.leaf_index for leaf in written] == list(range(1, 1 + SIZE))
        assert log.leaves(1, SIZE) == written
        assert log.stored_size() == 1 + SIZE
    finally:
        log.close()


def test_rows_only_the_mapper_may_write_send_the_append_the_usual_way(
    postgres_url: str, commits: list[int | None]
) -> None:
    log = _open(postgres_url)
    try:
        log.append([_leaf(0)], 0, _tree(1), T0)
        leaves = [_leaf(i) for i in range(1, 1 + SIZE)]
        leaves[-1] = _leaf(SIZE, payload=7)  # a number: the aggregate and the mapper write it
        written, _ = log.append(leaves, 1, _tree(1 + SIZE), T1)
        assert commits == []  # rolled back before its commit
        assert log.leaves(1, SIZE) == written
        assert written[-1].envelope["payload"] == 7
    finally:
        log.close()


def test_the_write_path_commits_a_large_batch_in_chunks_and_answers_as_before(
    backend: Backend, commits: list[int | None]
) -> None:
    cast = Cast()
    ledger = backend.open([cast.operator.public_key()])
    ledger.submission.submit([parse_envelope(d) for d in cast.small_model()])
    size = ledger.view.size
    batch = [artefact(cast.acme, f"acme/s/{i}", "code", "training-code") for i in range(SIZE)]
    refused = [*batch[:260], artefact(cast.stranger, "acme/s/x", "code", None), *batch[260:]]
    with pytest.raises(BatchRejected) as rejected:
        ledger.submission.submit([parse_envelope(d) for d in refused])
    assert [error.index for error in rejected.value.errors] == [260]
    recorded = ledger.submission.submit([parse_envelope(d) for d in batch])
    assert commits == [SIZE + 1]
    assert [r.leaf.leaf_index for r in recorded] == list(range(size, size + SIZE))
    assert all(r.created for r in recorded)
    reopened = backend.open([cast.operator.public_key()])
    assert [reopened.view.leaf(i) for i in range(size, size + SIZE)] == [r.leaf for r in recorded]
    again = ledger.submission.submit([parse_envelope(d) for d in batch])  # repeats
    assert [r.leaf for r in again] == [r.leaf for r in recorded]
    assert not any(r.created for r in again)


def test_receipts_of_a_chunked_commit_are_proven_while_it_is_written(
    backend: Backend, commits: list[int | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer works out its new leaves' proofs while PostgreSQL writes the commit; the
    receipts then look them up (the tree computes no proof for them) and each verifies."""
    cast = Cast()
    ledger = backend.open([cast.operator.public_key()])
    ledger.submission.submit([parse_envelope(d) for d in cast.small_model()])
    ahead: list[int] = []
    prove_ahead = LedgerView.prove_ahead

    def counted(self: LedgerView, growth: TreeGrowth, first: int) -> list[list[str]] | None:
        proofs = prove_ahead(self, growth, first)
        ahead.append(-1 if proofs is None else len(proofs))
        return proofs

    monkeypatch.setattr(LedgerView, "prove_ahead", counted)
    batch = [artefact(cast.acme, f"acme/p/{i}", "code", "training-code") for i in range(SIZE)]
    recorded = ledger.submission.submit([parse_envelope(d) for d in batch])
    assert commits == [SIZE + 1]
    assert ahead == [SIZE]
    computed: list[int] = []
    proofs = MerkleTree.encoded_inclusion_proofs

    def counting(self: MerkleTree, indices: Any, *args: Any) -> Any:
        computed.append(len(indices))
        return proofs(self, indices, *args)

    monkeypatch.setattr(MerkleTree, "encoded_inclusion_proofs", counting)
    indices = [r.leaf.leaf_index for r in recorded]
    receipts = ledger.log.receipts(indices)
    assert computed == []  # looked up
    checkpoint = read_unverified_checkpoint(receipts[0].checkpoint)
    assert checkpoint.size == indices[-1] + 1
    for receipt in receipts:
        proof = [bytes.fromhex(h) for h in receipt.inclusion_proof]
        leaf = ledger.view.leaf_hash(receipt.leaf_index)
        verify_inclusion(leaf, receipt.leaf_index, checkpoint.size, proof, checkpoint.root)
    older = ledger.log.receipts([0, indices[0]])  # not all of the commit's: computed
    assert computed == [2]
    assert older[1].inclusion_proof == receipts[0].inclusion_proof


def test_a_chunked_append_works_its_closing_out_once_its_leaves_are_sent(
    event_log: EventLog, commits: list[int | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer works the tree, its checkpoint and the state rows out while the database
    inserts the leaves: once every chunk of leaves is sent, before the last call."""
    sent: list[int] = []
    send = StreamedInsert.send

    def counted(self: StreamedInsert, *args: Any) -> None:
        sent.append(len(args[0]))
        send(self, *args)

    monkeypatch.setattr(StreamedInsert, "send", counted)
    event_log.append([_leaf(i) for i in range(3)], 0, _tree(3), T0)
    leaves = [_leaf(i) for i in range(3, 3 + SIZE)]
    seen: list[list[int]] = []

    def close() -> Closing:
        seen.append(list(sent))
        return _tree(3 + SIZE, state={"s:c": "1"})

    written, checkpoint = event_log.append(leaves, 3, close, T1)
    chunk = infra.event_log._CHUNK
    assert seen == [[len(leaves[i : i + chunk]) for i in range(0, SIZE, chunk)]]
    assert sum(seen[0]) == SIZE  # every leaf sent before, nothing else
    assert commits == [SIZE + 1]
    assert checkpoint.tree_size == 3 + SIZE
    assert event_log.leaves(3, 2 + SIZE) == written


def test_a_closing_that_fails_leaves_nothing_of_a_chunked_append(
    event_log: EventLog, postgres_url: str, commits: list[int | None]
) -> None:
    """What working the closing out raises (the view moved, say) is raised, and the leaves
    already sent are rolled back."""
    event_log.append([_leaf(i) for i in range(3)], 0, _tree(3), T0)
    before = _tables(event_log, postgres_url)
    leaves = [_leaf(i) for i in range(3, 3 + SIZE)]
    calls: list[int] = []

    def moved() -> Closing:
        calls.append(1)
        raise LogMoved("the view moved on")

    with pytest.raises(LogMoved):
        event_log.append(leaves, 3, moved, T1)
    assert calls == [1]
    assert commits == []
    assert _tables(event_log, postgres_url) == before
    written, _ = event_log.append(leaves, 3, _tree(3 + SIZE), T1)
    assert [leaf.leaf_index for leaf in written] == list(range(3, 3 + SIZE))


def test_work_failing_while_a_commit_is_written_leaves_the_commit_as_it_is(
    event_log: EventLog, commits: list[int | None]
) -> None:
    def failing() -> None:
        raise RuntimeError("this fails")

    event_log.append([_leaf(i) for i in range(3)], 0, _tree(3), T0)
    leaves = [_leaf(i) for i in range(3, 3 + SIZE)]
    written, checkpoint = event_log.append(leaves, 3, _tree(3 + SIZE), T1, meanwhile=failing)
    assert commits == [SIZE + 1]
    assert checkpoint.tree_size == 3 + SIZE
    assert event_log.leaves(3, 2 + SIZE) == written


def test_a_group_with_a_refused_request_commits_the_others_in_chunks(
    backend: Backend, commits: list[int | None]
) -> None:
    """A group whose middle request is refused commits the other two, densely, in one chunked
    commit (the later request's leaves move up)."""
    cast = Cast()
    ledger = backend.open([cast.operator.public_key()])
    ledger.submission.submit([parse_envelope(d) for d in cast.small_model()])
    size = ledger.view.size

    def request(documents: list[dict[str, Any]]) -> submission._Request:
        envelopes = [parse_envelope(d) for d in documents]
        checks = ledger.submission._checks.start(ledger.view.signer, envelopes)
        return submission._Request(envelopes, checks)

    first = request(
        [artefact(cast.acme, f"acme/g/{i}", "code", "training-code") for i in range(200)]
    )
    refused = request(
        [
            *[artefact(cast.acme, f"acme/r/{i}", "code", "training-code") for i in range(100)],
            artefact(cast.stranger, "acme/r/x", "code", "training-code"),
        ]
    )
    last = request([artefact(cast.acme, f"acme/l/{i}", "code", "training-code") for i in range(60)])
    ledger.submission._record([first, refused, last])
    assert isinstance(refused.error, BatchRejected)
    assert [error.index for error in refused.error.errors] == [100]
    assert first.result is not None
    assert last.result is not None
    assert [r.leaf.leaf_index for r in [*first.result, *last.result]] == list(
        range(size, size + 260)
    )
    assert commits == [261]
    reopened = backend.open([cast.operator.public_key()])
    assert reopened.view.size == size + 260
    assert reopened.reads.subject("acme/l/59").kind == "artefact"
    with pytest.raises(Rejection):
        reopened.reads.subject("acme/r/0")


def test_a_repeat_in_a_large_batch_answers_its_record(
    backend: Backend, commits: list[int | None]
) -> None:
    """Unprobed, a repeat admission takes for new reaches the database in a chunk; its id
    refuses the commit, and the batch admitted again, probed, answers it as a repeat."""
    cast = Cast()
    ledger = backend.open([cast.operator.public_key()])
    ledger.submission.submit([parse_envelope(d) for d in cast.small_model()])
    grant = envelope(cast.acme, "LicenceGranted", "acme/x/code", {"licence": "MIT"})
    (granted,) = ledger.submission.submit([parse_envelope(grant)])
    size = ledger.view.size
    batch = [artefact(cast.acme, f"acme/d/{i}", "code", "training-code") for i in range(SIZE)]
    batch.insert(10, grant)
    recorded = ledger.submission.submit([parse_envelope(d) for d in batch])
    assert recorded[10].leaf == granted.leaf
    assert not recorded[10].created
    new = [r for r in recorded if r.created]
    assert [r.leaf.leaf_index for r in new] == list(range(size, size + SIZE))
    assert commits[-1] == SIZE + 1
    grants = ledger.reads.subject("acme/x/code").state["licences"]
    assert [g["licence"] for g in grants] == ["MIT"]
