"""Replaying the whole log as an independent auditor.

For every entry, in log order: the leaf indices must be dense from 0 and positions must rise;
the envelope must parse strictly and hash to its leaf; every signature and every rule it had to
meet when recorded is checked again, replaying from the pinned operator keys (``admit``); the
statement is folded into a world; a stored event id must be the SHA-256 of its payload, and no
payload may be recorded twice. Then the recomputed Merkle root must equal the signed
checkpoint's (a server's, or every one stored with the log in the database), the log must be
consistent with the checkpoint saved by the previous audit, and every model's assessment,
recomputed from the replayed events, must equal the stored answer. What an audit could not
check is reported as such, never passed over in silence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.admission import admit
from domain.assessment.policies import POLICIES
from domain.assessment.world import Recorded, World
from domain.bundle.entries import differences
from domain.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from domain.envelope import Envelope, keyid_for, signature_verifies
from domain.ledger_state import LedgerState
from domain.merkle import MerkleTree, ProofError, verify_consistency
from domain.rejections import Rejection
from infra.event_log import CommittedCheckpoint
from services.audit.answers import recomputed
from services.audit.checking import checked_pages, default_workers
from services.audit.page_checks import Checked, CheckedEntry
from services.audit.sources import PAGE, AuditSource, LogEntry
from services.collector import collector_held_off


@dataclass
class AuditReport:
    entries: int = 0
    models: int = 0
    checks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # what this audit could not check
    checkpoint: Checkpoint | None = None
    note: str | None = None
    size: int = 0  # leaves replayed
    root: bytes = b""  # their recomputed root
    replay_seconds: float = 0.0  # reading, parsing, hashing, re-admitting every entry
    answers_seconds: float = 0.0  # recomputing and comparing every model's answers

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class SavedState:
    """What the previous audit verified: the checkpoint it saw."""

    origin: str
    size: int
    root: bytes
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "size": self.size,
            "root": self.root.hex(),
            "checkpoint": self.note,
        }


class Auditor:
    def __init__(
        self,
        source: AuditSource,
        log_keys: Sequence[Ed25519PublicKey],
        operator_keys: Sequence[Ed25519PublicKey],
        progress: Callable[[int], None] = lambda done: None,
        workers: int | None = None,
    ) -> None:
        """``workers``: processes that check pages (signatures, envelopes, statements) beside
        the one replaying the rules; None picks one per core for a log of more than one
        page, 0 checks everything in this process."""
        self._source = source
        self._log_keys = log_keys
        self._state = LedgerState.with_operators(operator_keys)
        self._progress = progress
        self._workers = workers
        self._operators = {keyid_for(k): k.public_bytes_raw() for k in operator_keys}
        self._verified: Mapping[bytes, Checked] = {}  # the entry being replayed's signatures
        self._tree = MerkleTree()
        self._world = World()
        self._report = AuditReport()
        self._last_position = 0
        self._seen: dict[str, int] = {}  # event id -> the leaf that first recorded it

    def run(self, previous: SavedState | None) -> AuditReport:
        report = self._report
        note = self._source.checkpoint()
        checkpoint = self._open(note) if note is not None else None
        with collector_held_off():
            started = time.perf_counter()
            for page in checked_pages(self._source.pages(), self._operators, self._workers):
                self._replay(page)
                self._progress(report.entries)
            report.replay_seconds = time.perf_counter() - started
            self._check_root(checkpoint)
            self._check_stored_checkpoints()
            self._check_previous(previous, checkpoint)
            started = time.perf_counter()
            self._check_answers()
            report.answers_seconds = time.perf_counter() - started
        report.checkpoint, report.note = checkpoint, note
        report.size, report.root = self._tree.size, self._tree.root()
        return report

    def _open(self, note: str) -> Checkpoint | None:
        origin = note.split("\n", 1)[0]
        for key in self._log_keys:
            try:
                checkpoint = open_checkpoint(note, origin, key)
            except CheckpointError:
                continue
            self._report.checks.append(
                f"the checkpoint of {origin} (tree size {checkpoint.size}) "
                "is signed by a pinned log key"
            )
            return checkpoint
        self._report.failures.append("checkpoint: no pinned log key verifies its signature")
        return None

    def _verify(self, key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
        """The checkers' outcome if they used this very key, else checked here."""
        found = self._verified.get(sig)
        if found is not None and found[0] == key.public_bytes_raw():
            return found[1]
        return signature_verifies(key, envelope, sig)

    def _replay(self, page: list[CheckedEntry]) -> None:
        for item in page:
            entry, envelope = item.entry, item.envelope
            self._report.entries += 1
            if item.problem is not None:
                self._fail(item.problem)
            expected = self._tree.size
            if entry.leaf_index != expected:
                self._fail(
                    f"{entry.where()}: leaf index {entry.leaf_index} where {expected} was due: "
                    "an entry was deleted, inserted or moved"
                )
            stored = entry.stored_leaf_hash
            if envelope is not None and stored is not None and stored != item.leaf.hex():
                self._fail(
                    f"{entry.where()}: the stored leaf hash does not match the stored envelope"
                )
            self._tree.append(item.leaf)
            if envelope is None or not self._identified(entry, envelope):
                continue
            self._verified = item.verified
            try:
                statement = admit(self._state, envelope, self._verify, item.checked)
            except Rejection as rejection:
                self._fail(f"{entry.where()}: {rejection.kind}: {rejection.detail}")
                continue
            self._state.apply(statement, envelope.author, envelope.event_id)
            self._last_position = entry.position
            signers = tuple(s.keyid for s in envelope.signatures)
            self._world.add(
                Recorded(statement, envelope.event_id, signers, expected, entry.position)
            )

    def _identified(self, entry: LogEntry, envelope: Envelope) -> bool:
        """The stored event id is the payload's SHA-256 and no earlier leaf holds the same
        payload (False: a repeat, not replayed again)."""
        event_id = envelope.event_id
        if entry.stored_event_id is not None and entry.stored_event_id != event_id:
            self._fail(
                f"{entry.where()}: the stored event id {entry.stored_event_id} is not the "
                f"SHA-256 of its payload ({event_id})"
            )
        first = self._seen.setdefault(event_id, entry.leaf_index)
        if first != entry.leaf_index:
            self._fail(
                f"{entry.where()}: the payload of event {event_id} is recorded a second time "
                f"(first at leaf {first})"
            )
            return False
        return True

    def _check_root(self, checkpoint: Checkpoint | None) -> None:
        report = self._report
        if checkpoint is None:
            return
        if checkpoint.size > self._tree.size:
            self._fail(
                f"checkpoint: signed for {checkpoint.size} entries, the log has {self._tree.size}"
            )
            return
        root = self._tree.root(checkpoint.size)
        if root != checkpoint.root:
            self._fail(
                f"checkpoint: the entries hash to root {root.hex()} at size "
                f"{checkpoint.size}, the signed checkpoint says {checkpoint.root.hex()}"
            )
        else:
            report.checks.append(
                f"recomputed every leaf hash: the root at size {checkpoint.size} "
                "equals the signed checkpoint's"
            )

    def _check_stored_checkpoints(self) -> None:
        """Every signed checkpoint stored with the log must verify and agree with the replay."""
        stored = self._source.stored_checkpoints()
        if stored is None:
            return
        report = self._report
        if not stored:
            report.unchecked.append(
                "no signed checkpoint is stored in the database (a ledger written before "
                "they were): the replayed root was compared with no signed one"
            )
            return
        keys = list(self._log_keys)
        if not keys:
            keys = self._source.stored_log_keys()
            report.unchecked.append(
                "no --log-key was pinned: the stored checkpoints' signatures were checked with "
                "the log keys the database itself lists"
            )
        failed = len(report.failures)
        for number, found in enumerate(stored, start=1):
            self._check_stored_checkpoint(f"stored checkpoint #{number}", found, keys)
        newest = max(found.tree_size for found in stored)
        if newest < self._tree.size:
            self._fail(
                f"stored checkpoints: the last {self._tree.size - newest} entries (after "
                f"{newest}) are covered by no signed checkpoint: they were added behind the "
                "server's back"
            )
        if len(report.failures) == failed:
            report.checks.append(
                f"the replayed tree agrees with all {len(stored)} signed checkpoints stored "
                f"with the log (newest: {newest} entries)"
            )

    def _check_stored_checkpoint(
        self, where: str, found: CommittedCheckpoint, keys: Sequence[Ed25519PublicKey]
    ) -> None:
        signed = _open_with_any(found.note, keys)
        if signed is None:
            self._fail(f"{where} (tree size {found.tree_size}): no log key verifies its signature")
            return
        where = f"{where} (tree size {signed.size})"
        if (signed.size, signed.root.hex()) != (found.tree_size, found.root):
            self._fail(f"{where}: its stored size and root differ from its signed note")
        if signed.size > self._tree.size:
            self._fail(
                f"{where}: signed for {signed.size} entries, the database holds "
                f"{self._tree.size}: entries were deleted"
            )
        elif self._tree.root(signed.size) != signed.root:
            self._fail(
                f"{where}: the stored entries hash to root {self._tree.root(signed.size).hex()} "
                f"at that size, the signed checkpoint says {signed.root.hex()}: entries were "
                "changed, moved or deleted"
            )

    def _check_previous(self, previous: SavedState | None, checkpoint: Checkpoint | None) -> None:
        if previous is None:
            self._report.unchecked.append(
                "no --state from an earlier audit: a log cut back to an earlier state "
                "(signed checkpoints and all) looks like that state; keep --state between "
                "audits (or compare with the server's state directory) to catch it"
            )
            return
        if previous.size > self._tree.size:
            self._fail(
                f"consistency: the previous audit saw {previous.size} entries, the log "
                f"now has {self._tree.size} (the log shrank)"
            )
            return
        if previous.size and self._tree.root(previous.size) != previous.root:
            self._fail(
                f"consistency: the first {previous.size} entries no longer hash to the "
                "root the previous audit verified (history was rewritten)"
            )
            return
        if checkpoint is not None and 0 < previous.size <= checkpoint.size:
            proof = self._source.consistency(previous.size, checkpoint.size)
            if proof is not None:
                try:
                    verify_consistency(
                        previous.size,
                        checkpoint.size,
                        previous.root,
                        checkpoint.root,
                        [bytes.fromhex(h) for h in proof],
                    )
                except (ProofError, ValueError) as error:
                    self._fail(
                        f"consistency: the server's proof from size {previous.size} does "
                        f"not verify: {error}"
                    )
                    return
        self._report.checks.append(
            f"consistent with the checkpoint of the previous audit (size {previous.size})"
        )

    def _check_answers(self) -> None:
        world, report = self._world, self._report
        lag = self._source.answers_lag(self._last_position)
        if lag is not None:
            report.unchecked.append(
                f"the stored answers trail the log by {lag} positions (no "
                "server has projected the latest events): not compared; start "
                "a server or run provenance rebuild-projections, then audit again"
            )
            report.models = len(world.models)
            return
        mismatches = 0
        asked = [(model, policy) for model in sorted(world.models) for policy in POLICIES]
        report.models = len(world.models)
        for (model_id, policy), expected in zip(
            asked, recomputed(world, asked, self._answer_workers()), strict=True
        ):
            stored = self._source.answer(model_id, policy)
            if stored == expected:
                continue
            mismatches += 1
            if stored is None:
                self._fail(f"model {model_id} (policy {policy}): no stored answer")
                continue
            try:
                found = differences(json.loads(stored), json.loads(expected))
            except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
                found = ["the stored answer is not an assessment document"]
            self._fail(
                f"model {model_id} (policy {policy}): the answer differs from a "
                f"recomputation from the log: {'; '.join(found[:3])}"
            )
        if not mismatches:
            report.checks.append(
                f"recomputed the assessments of {report.models} model versions "
                f"under {len(POLICIES)} policies: every answer matches"
            )

    def _answer_workers(self) -> int:
        """Processes for the answers: as for the pages, but none for a log of one page."""
        if self._workers is not None:
            return self._workers
        return default_workers() if self._tree.size > PAGE else 0

    def _fail(self, failure: str) -> None:
        self._report.failures.append(failure)


def _open_with_any(note: str, keys: Sequence[Ed25519PublicKey]) -> Checkpoint | None:
    origin = note.split("\n", 1)[0]
    for key in keys:
        try:
            return open_checkpoint(note, origin, key)
        except CheckpointError:
            continue
    return None
