"""The in-process view of the committed log: admission state, the Merkle tree and indices.

Every process keeps one :class:`LedgerView` and brings it up to date from the event log
(:meth:`LedgerView.catch_up`), so several server processes over one PostgreSQL database each
see every other's writes. Applying is idempotent by leaf index, so the writer's own commits
(:meth:`LedgerView.adopt_commit`) and a concurrent catch-up never apply a leaf twice.

The view is closed: its lock is its own and callers ask it questions (each answered under the
lock, so consistent). Admission, which must see one state throughout, runs inside
:meth:`LedgerView.admitting`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.encoding import b64decode_strict, format_utc_time
from domain.ledger_state import LedgerState, SignerRecord, SubjectRecord
from domain.licences.catalogue import definition_key
from domain.merkle import MerkleTree
from domain.statement import Statement, recorded_statement
from infra.event_log import CommittedCheckpoint, CommittedLeaf, DamagedRow, EventLog

ID_PREFIX_MIN = 12  # hex digits of an event id that name it when unique (DESIGN.md §4)


@dataclass(frozen=True, slots=True)
class LeafRecord:
    """Where and when one accepted envelope was recorded."""

    leaf_index: int
    position: int
    event_id: str
    recorded_at: str
    subject: str


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """A recorded model version as its release names it."""

    id: str
    name: str
    version: str
    owner: str | None


class LedgerView:
    def __init__(self, log: EventLog, operator_keys: Sequence[Ed25519PublicKey]) -> None:
        self.log = log
        self.operator_keys = tuple(operator_keys)
        self._lock = threading.RLock()
        self._state = LedgerState.with_operators(operator_keys)
        self._leaves: list[LeafRecord] = []
        self._tree = MerkleTree()  # RFC 9162 over the stored leaf hashes, grown as leaves arrive
        self._by_event_id: dict[str, int] = {}
        self._by_id_head: dict[str, list[str]] = {}  # first 12 hex digits -> event ids
        self._by_subject: dict[str, list[int]] = {}
        self._models: dict[str, tuple[str, str]] = {}  # model version -> (name, version)
        self._checkpoint: CommittedCheckpoint | None = None  # the newest stored one
        self._diverged: str | None = None  # why the stored tree contradicts a stored checkpoint
        self._position = 0  # the last position read from the log

    # --- bringing it up to date ------------------------------------------------------------

    def catch_up(self) -> None:
        """Apply everything committed after the last position this view has read."""
        with self._lock:
            while True:
                page = self.log.committed_after(self._position)
                for item in page.items:
                    if isinstance(item, CommittedLeaf):
                        self._apply_leaf(item, None)
                    elif isinstance(item, CommittedCheckpoint):
                        self._adopt_checkpoint(item)
                    elif isinstance(item, DamagedRow):
                        raise ValueError(f"position {item.position}: {item.error}")
                self._position = max(self._position, page.last)
                if not page.full:
                    break
            if self._checkpoint is not None and self._checkpoint.tree_size:
                self._check_stored(self._checkpoint)

    def adopt_commit(
        self,
        draft: LedgerState,
        committed: Sequence[tuple[CommittedLeaf, Statement]],
        checkpoint: CommittedCheckpoint,
    ) -> None:
        """Adopt a commit this process just made: the admission draft it was admitted on (a
        ``draft()`` of this view's state, so the statements' effects are not folded again),
        its leaves and its checkpoint. If a concurrent catch-up got there first, the leaves
        are applied one by one instead."""
        with self._lock:
            first = committed[0][0].leaf_index if committed else self.size
            if self.size == first:
                self._state.absorb(draft)
                for leaf, statement in committed:
                    self._index_leaf(leaf, statement)
            else:
                for leaf, statement in committed:
                    self._apply_leaf(leaf, statement)
            if self._checkpoint is None or checkpoint.tree_size > self._checkpoint.tree_size:
                self._checkpoint = checkpoint

    def _apply_leaf(self, leaf: CommittedLeaf, statement: Statement | None) -> None:
        if leaf.leaf_index != self.size:
            return  # already applied (or a gap, which the audit reports)
        if statement is None:
            statement = recorded_statement(b64decode_strict(leaf.envelope["payload"]))
        self._state.apply(statement, leaf.envelope["signatures"][0]["keyid"], leaf.event_id)
        self._index_leaf(leaf, statement)

    def _index_leaf(self, leaf: CommittedLeaf, statement: Statement) -> None:
        subject = statement.subject
        if statement.type == "ModelVersionReleased":
            self._models[subject] = (statement.data["name"], statement.data["version"])
        record = LeafRecord(
            leaf.leaf_index,
            leaf.position,
            leaf.event_id,
            format_utc_time(leaf.recorded_at),
            subject,
        )
        self._leaves.append(record)
        self._tree.append(bytes.fromhex(leaf.leaf_hash))
        self._by_event_id[leaf.event_id] = leaf.leaf_index
        self._by_id_head.setdefault(leaf.event_id[:ID_PREFIX_MIN], []).append(leaf.event_id)
        self._by_subject.setdefault(subject, []).append(leaf.leaf_index)
        self._position = max(self._position, leaf.position)

    def _adopt_checkpoint(self, checkpoint: CommittedCheckpoint) -> None:
        if self._checkpoint is None or checkpoint.tree_size >= self._checkpoint.tree_size:
            self._checkpoint = checkpoint
        self._check_stored(checkpoint)

    def _check_stored(self, checkpoint: CommittedCheckpoint) -> None:
        """The leaves read so far must hash to a stored checkpoint's root: a stored tree that
        does not is not safe to extend."""
        size = checkpoint.tree_size
        if size > self._tree.size:  # its leaves arrive with the next page
            return
        if self._tree.root(size).hex() != checkpoint.root and self._diverged is None:
            self._diverged = (
                f"the stored leaves do not hash to the stored signed checkpoint of size {size} "
                f"(root {checkpoint.root}): the database's log was altered"
            )

    # --- questions -------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self._leaves)

    @property
    def diverged(self) -> str | None:
        return self._diverged

    @contextmanager
    def admitting(self) -> Iterator[tuple[LedgerState, int]]:
        """The state and the tree size, held still while the caller admits against them."""
        with self._lock:
            yield self._state, self.size

    def signer(self, keyid: str) -> SignerRecord | None:
        with self._lock:
            return self._state.signers.get(keyid)

    def subject(self, subject_id: str) -> SubjectRecord | None:
        with self._lock:
            return self._state.subjects.get(subject_id)

    def leaf(self, leaf_index: int) -> LeafRecord:
        with self._lock:
            return self._leaves[leaf_index]

    def leaf_of(self, event_id: str) -> int | None:
        """The leaf index that recorded the event ``event_id`` (None if not recorded)."""
        with self._lock:
            return self._by_event_id.get(event_id)

    def event_ids_starting(self, prefix: str) -> list[str]:
        """The recorded event ids that start with ``prefix`` (lowercase hex, at least
        :data:`ID_PREFIX_MIN` digits; a shorter one matches nothing), sorted."""
        if len(prefix) < ID_PREFIX_MIN:
            return []
        with self._lock:
            candidates = self._by_id_head.get(prefix[:ID_PREFIX_MIN], ())
            return sorted(i for i in candidates if i.startswith(prefix))

    def head_position(self) -> int:
        """The position of the last leaf (0 for an empty log)."""
        with self._lock:
            return self._leaves[-1].position if self._leaves else 0

    def leaves_of(
        self, subjects: Iterable[str], visible: Callable[[LeafRecord], bool] = lambda leaf: True
    ) -> list[LeafRecord]:
        """The leaves of these subjects that pass ``visible``, in log order; a licence id
        stands for its definitions under every spelling."""
        with self._lock:
            spellings = self._state.licences
            names = {n for s in subjects for n in (s, *spellings.get(definition_key(s), ()))}
            found = sorted(i for name in names for i in self._by_subject.get(name, ()))
            return [leaf for i in found if visible(leaf := self._leaves[i])]

    def licence_spellings(self) -> set[str]:
        """Every subject a licence definition was recorded under."""
        with self._lock:
            return {s for names in self._state.licences.values() for s in names}

    def models(self) -> list[ModelSummary]:
        with self._lock:
            return [
                ModelSummary(model, name, version, self._owner(model))
                for model, (name, version) in sorted(self._models.items())
            ]

    def _owner(self, subject: str) -> str | None:
        record = self._state.subjects.get(subject)
        return record.owner if record is not None else None

    def checkpoint(self) -> CommittedCheckpoint | None:
        with self._lock:
            return self._checkpoint

    # --- the Merkle tree -------------------------------------------------------------------

    def root(self, size: int) -> bytes:
        with self._lock:
            return self._tree.root(size)

    def root_after(self, leaf_hashes: Sequence[bytes], at_size: int) -> bytes | None:
        """The root of the tree with ``leaf_hashes`` appended, if it holds ``at_size`` leaves
        (None when it moved on)."""
        with self._lock:
            return self._tree.root_after(leaf_hashes) if self.size == at_size else None

    def root_if_within(self, size: int) -> bytes | None:
        with self._lock:
            return self._tree.root(size) if size <= self._tree.size else None

    def leaf_hash(self, leaf_index: int) -> bytes:
        with self._lock:
            return self._tree.leaf(leaf_index)

    def inclusion_proof(self, leaf_index: int, size: int) -> list[bytes]:
        with self._lock:
            return self._tree.inclusion_proof(leaf_index, size)

    def inclusion_proofs(self, leaf_indices: Sequence[int], size: int) -> list[list[bytes]]:
        with self._lock:
            return self._tree.inclusion_proofs(leaf_indices, size)

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        with self._lock:
            return self._tree.consistency_proof(old, new)
