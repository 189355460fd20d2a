"""The verifiable log (DESIGN.md §7): signed checkpoints, receipts and RFC 9162 proofs.

Checkpoints are C2SP signed notes over the tree the view holds, which is rebuilt from the
stored leaf hashes on start and grown as leaves commit. Each commit stores the checkpoint of the
tree it makes in the same transaction (``domain.checkpoint_log``), and a checkpoint is handed out
(receipt, ``/v1/log/checkpoint``, bundle) only once the state directory's file holds it or a
larger one (``infra.checkpoint_file``). On start, and whenever a stored checkpoint is read, the
stored tree must extend both: a database restored from an older backup, or a lagging replica,
makes the log *unsafe* — it then signs nothing and accepts no write (:class:`LogUnsafe`, 503)
until the newer database is back or a new log is started under a new origin. The log key in use
is recorded in the keyring aggregate with the tree size it starts at, so retired keys stay
listed with the sizes they signed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.bundle.attestation import sign_attestation
from domain.checkpoint import Checkpoint, key_id, sign_checkpoint, vkey
from domain.encoding import b64decode_strict, b64encode
from domain.envelope import keyid_for, raw_public_key
from domain.quick_init import quick_init
from domain.rejections import Rejection, RejectionKind
from infra.checkpoint_file import CheckpointDisagrees, CheckpointFile, CheckpointFileError
from infra.event_log import EventLog, LogMoved, SignedTree
from services.ledger_view import LedgerView

_log = logging.getLogger(__name__)


@quick_init
@dataclass(frozen=True, slots=True)
class Receipt:
    leaf_index: int
    checkpoint: str
    inclusion_proof: list[str]


class LogUnsafe(Exception):
    """The stored log may not be extended: nothing is signed and no write is accepted."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TransparencyLog:
    def __init__(
        self,
        view: LedgerView,
        origin: str,
        log_key: Ed25519PrivateKey,
        state: CheckpointFile | None = None,
    ) -> None:
        self._view = view
        self._events: EventLog = view.log
        self._origin = origin
        self._key = log_key
        self._state = state
        self._published = -1  # the largest tree size known to be in the state file
        self._halted: str | None = None
        self._lock = threading.Lock()

    @property
    def origin(self) -> str:
        return self._origin

    @property
    def halted(self) -> str | None:
        """Why the log may not be extended (None while it is safe)."""
        return self._halted or self._view.diverged

    def require_safe(self) -> None:
        if (reason := self.halted) is not None:
            raise LogUnsafe(reason)

    def open(self) -> None:
        """On start: record the log key, check that the stored tree extends the last signed
        checkpoint, and store a checkpoint of the current tree if none is stored for it."""
        self.activate_key()
        self.check_stored_tree()
        if self.halted is None:
            self._store_current()

    def check_stored_tree(self) -> None:
        """Halt unless the stored tree extends the checkpoint in the state file (after a
        restart, and again whenever the database comes back from an outage)."""
        self._view.catch_up()
        if self._state is None or self.halted is not None:
            return
        try:
            recorded = self._state.read()
        except CheckpointFileError as error:
            self._halt(f"{error}; fix or remove the file, then restart")
            return
        size = self._view.size
        if recorded is None:
            if size:
                _log.warning(
                    "no signed checkpoint at %s: accepting the database as it is (%d leaves)",
                    self._state.path,
                    size,
                )
            return
        if self._view.root_if_within(recorded.size) != recorded.root:
            self._halt(
                f"this log ({self._origin}) already signed a checkpoint of {recorded.size} "
                f"entries (root {recorded.root.hex()}, kept in {self._state.path}) that the "
                f"database's {size} entries do not extend: it was restored from an older "
                "backup or is a lagging replica. Bring back the newer database, or start a new "
                "log under a new origin (LEDGER_ORIGIN) and a new state directory"
            )
            return
        self._published = recorded.size

    def check_database_extends_view(self) -> None:
        """Halt if the database now holds fewer entries than this server has seen (it failed
        over to a lagging replica, or was restored under a running server). One query."""
        stored, seen = self._events.stored_size(), self._view.size
        if stored < seen:
            self._halt(
                f"the database now holds {stored} entries, fewer than the {seen} this "
                "server has seen and signed: it failed over to a lagging replica or was "
                "restored from a backup. Bring back the newer database and restart, or start "
                "a new log under a new origin"
            )

    def _halt(self, reason: str) -> None:
        if self._halted is None:
            _log.error("the log is unsafe to extend: %s", reason)
        self._halted = reason

    def _store_current(self) -> None:
        """Store a signed checkpoint of the current tree unless one is stored (a ledger
        written before checkpoints were stored, or an empty one)."""
        for _ in range(10):
            self._view.catch_up()
            size, stored = self._view.size, self._view.checkpoint()
            if stored is not None and stored.tree_size >= size:  # signed by now
                return
            root = self._view.root(size)
            try:
                self._events.record_checkpoint(SignedTree(size, root, self.sign_tree(size, root)))
            except LogMoved:  # another instance wrote meanwhile: look again
                continue
            self._view.catch_up()
            return
        raise RuntimeError("could not store a checkpoint of the current tree")

    def activate_key(self) -> None:
        """Record this server's log key in the keyring if it is not the active one."""
        public = b64encode(raw_public_key(self._key.public_key()))
        for _ in range(10):
            self._view.catch_up()
            try:
                self._events.activate_log_key(self._origin, public, self._view.size)
                return
            except LogMoved:  # another instance changed the keyring: look again
                continue
        raise RuntimeError("could not record the log key in the keyring")

    def sign_tree(self, size: int, root: bytes) -> str:
        """The signed checkpoint note of the tree (``size``, ``root``), for the caller to store
        before handing it out; :class:`LogUnsafe` while the log is halted."""
        self.require_safe()
        return sign_checkpoint(Checkpoint(self._origin, size, root), self._origin, self._key)

    def prepare_publishing(self, note: str) -> None:
        """Write ``note``, signed for a commit in progress, beside the state file while the
        database writes the commit (``CheckpointFile.prepare``): publishing it once it is
        stored (:meth:`checkpoint`) then renames it into place instead of writing it, on the
        way to the commit's answers. A note never stored is never published."""
        if self._state is not None and not self._halted:
            self._state.prepare(note)

    def checkpoint(self) -> str:
        """The newest stored checkpoint, once the state file holds it (or a larger one)."""
        self.require_safe()
        stored = self._view.checkpoint()
        if stored is None:
            raise LogUnsafe("no signed checkpoint is stored yet; the server is starting")
        self._publish(stored.note, stored.tree_size)
        return stored.note

    def _publish(self, note: str, size: int) -> None:
        if self._state is None or size <= self._published:
            return
        with self._lock:
            if size <= self._published:
                return
            try:
                self._state.advance(note, self._view.root_if_within)
            except CheckpointDisagrees as disagreement:
                recorded = disagreement.recorded
                self._halt(
                    f"the state file {self._state.path} holds a checkpoint of "
                    f"{recorded.size} entries (root {recorded.root.hex()}) that this database's "
                    "tree does not extend: another database is in use for this log. Bring back "
                    "the database that log was written to, or start a new log under a new origin"
                )
                raise LogUnsafe(self._halted or "") from None
            except CheckpointFileError as error:
                raise LogUnsafe(f"{error}; the checkpoint cannot be kept safe") from error
            self._published = max(self._published, size)

    def sign_attestation(self, statement: dict[str, Any]) -> dict[str, Any]:
        self.require_safe()
        return sign_attestation(statement, self._key)

    def proofs_to_current(self, leaf_indices: Sequence[int]) -> tuple[str, list[list[str]]]:
        """The current signed checkpoint (once the state file holds it) and each leaf's
        inclusion proof to it, in hex."""
        note = self.checkpoint()
        size = int(note.split("\n", 2)[1])
        return note, self._view.inclusion_proofs_hex(leaf_indices, size)

    def receipts(self, leaf_indices: Sequence[int]) -> list[Receipt]:
        """For each leaf: the current signed checkpoint and the inclusion proof to it."""
        note, proofs = self.proofs_to_current(leaf_indices)
        return [Receipt(i, note, proof) for i, proof in zip(leaf_indices, proofs, strict=True)]

    def inclusion(self, index: int, tree_size: int | None) -> dict[str, Any]:
        self._view.catch_up()
        current = self._view.size
        size = current if tree_size is None else tree_size
        _check_range(0 <= index < size <= current, f"need 0 <= index < tree_size <= {current}")
        return {
            "index": index,
            "tree_size": size,
            "leaf_hash": self._view.leaf_hash(index).hex(),
            "hashes": [h.hex() for h in self._view.inclusion_proof(index, size)],
            "root": self._view.root(size).hex(),
        }

    def consistency(self, old: int, new: int | None) -> dict[str, Any]:
        self._view.catch_up()
        current = self._view.size
        new = current if new is None else new
        _check_range(0 < old <= new <= current, f"need 1 <= from <= to <= {current}")
        return {
            "from": old,
            "to": new,
            "hashes": [h.hex() for h in self._view.consistency_proof(old, new)],
            "old_root": self._view.root(old).hex(),
            "new_root": self._view.root(new).hex(),
        }

    def public_keys(self) -> list[Ed25519PublicKey]:
        """Every log key this ledger has signed with, the current one last."""
        keys = [
            Ed25519PublicKey.from_public_bytes(b64decode_strict(use.public_key))
            for use in self._events.log_keys()
        ]
        return keys or [self._key.public_key()]

    def keys(self) -> dict[str, Any]:
        self._view.catch_up()
        uses = self._events.log_keys()
        size = self._view.size
        log_keys = []
        for number, use in enumerate(uses):
            public = Ed25519PublicKey.from_public_bytes(b64decode_strict(use.public_key))
            last = uses[number + 1].first_tree_size if number + 1 < len(uses) else size
            log_keys.append(
                {
                    "name": use.name,
                    "public_key": use.public_key,
                    "keyid": keyid_for(public),
                    "note_key_id": key_id(use.name, public).hex(),
                    "vkey": vkey(use.name, public),
                    "first_tree_size": use.first_tree_size,
                    "last_tree_size": last,
                }
            )
        operators = [
            {"keyid": keyid_for(key), "public_key": b64encode(raw_public_key(key))}
            for key in self._view.operator_keys
        ]
        return {"log_keys": log_keys, "operator_keys": operators}


def _check_range(ok: bool, detail: str) -> None:
    if not ok:
        raise Rejection(RejectionKind.INVALID_QUERY, detail)
