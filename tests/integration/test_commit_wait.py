"""What a writer does while PostgreSQL writes its commit, rather than on the way to the answer.

A chunked commit (``infra.streamed_insert``) leaves the writer waiting for the database once
every row is sent. It then frees what the requests it answered before left behind
(``services.write.leftovers``) and writes the checkpoint it is committing beside the state
file (``CheckpointFile.prepare``), so that publishing it once stored only renames it.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.admission import Verify
from domain.checkpoint import read_unverified_checkpoint
from domain.envelope import Envelope, parse_envelope
from infra.event_log import CHUNKED_APPEND
from infra.persistence import persistence_env
from infra.streamed_insert import StreamedInsert
from services.ledger_services import LedgerServices, open_ledger
from services.write.leftovers import Leftovers
from services.write.stateless_checks import Checks
from tests.backends import ORIGIN
from tests.builders import Cast, artefact

pytestmark = pytest.mark.postgres

SIZE = CHUNKED_APPEND + 50


class _Verify:
    """A request's signature checks as an object that can be referred to weakly (to see
    when what the request left behind is freed)."""

    def __init__(self, verify: Verify) -> None:
        self._verify = verify

    def __call__(self, *args: Any) -> bool:
        return self._verify(*args)


@pytest.fixture
def cast() -> Cast:
    return Cast()


@pytest.fixture
def ledger(postgres_url: str, tmp_path: Path, cast: Cast) -> Iterator[LedgerServices]:
    services = open_ledger(
        persistence_env(postgres_url),
        [cast.operator.public_key()],
        ORIGIN,
        Ed25519PrivateKey.generate(),
        state_dir=tmp_path,
    )
    services.submission.submit([parse_envelope(d) for d in cast.small_model()])
    yield services
    services.close()


@pytest.fixture
def committing(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """``[True]`` while a chunked commit is being written, ``[False]`` otherwise."""
    state = [False]
    commit = StreamedInsert.commit

    def flagged(self: StreamedInsert, *args: Any) -> list[int] | None:
        state[0] = True
        try:
            return commit(self, *args)
        finally:
            state[0] = False

    monkeypatch.setattr(StreamedInsert, "commit", flagged)
    return state


def _batch(cast: Cast, name: str) -> list[Envelope]:
    return [
        parse_envelope(artefact(cast.acme, f"acme/{name}/{i}", "code", "training-code"))
        for i in range(SIZE)
    ]


def test_what_a_batch_leaves_behind_is_freed_while_the_next_commit_is_written(
    ledger: LedgerServices, cast: Cast, committing: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _batch(cast, "a")
    started = ledger.checks.start(ledger.view.signer, first)
    checks = Checks(_Verify(started.verify), started.checked, started.names)
    left = weakref.ref(checks.verify)
    recorded = ledger.submission.submit(first, checks)
    del checks, started
    assert len(recorded) == SIZE
    assert left() is not None  # not freed on the way to the answer
    freed: list[tuple[bool, bool]] = []  # (while a commit was written, the first batch's gone)
    free = Leftovers.free

    def watched(self: Leftovers) -> None:
        free(self)
        freed.append((committing[0], left() is None))

    monkeypatch.setattr(Leftovers, "free", watched)
    ledger.submission.submit(_batch(cast, "b"))
    assert freed == [(True, True)]


def test_a_commits_checkpoint_is_written_while_the_commit_is_and_renamed_once_stored(
    ledger: LedgerServices,
    cast: Cast,
    committing: list[bool],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    synced: list[bool] = []  # for each fsync: whether a commit was being written
    fsync = os.fsync

    def counted(fd: int) -> None:
        synced.append(committing[0])
        fsync(fd)

    monkeypatch.setattr(os, "fsync", counted)
    recorded = ledger.submission.submit(_batch(cast, "a"))
    assert synced == [True]  # the prepared note, while the commit was written
    note, proofs = ledger.log.proofs_to_current([r.leaf.leaf_index for r in recorded])
    assert synced == [True, False]  # publishing it: the directory, after the rename
    published = read_unverified_checkpoint(
        next(tmp_path.glob("*.checkpoint")).read_text(encoding="utf-8")
    )
    assert published == read_unverified_checkpoint(note)
    assert published.size == recorded[-1].leaf.leaf_index + 1 == ledger.view.size
    assert len(proofs) == SIZE
    assert list(tmp_path.glob("*.tmp")) == []
