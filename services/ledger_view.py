"""The in-process view of the committed log: admission state, the Merkle tree and indices.

The view opens in constant time from the ledger index (``infra.ledger_index``): the number of
indexed leaves, the tree's right edge (a few tiles) and the newest stored checkpoint; it never
replays the log (a ledger written before the index is indexed once, then checked against its
last signed checkpoint). Everything else — leaves, tiles, admission state — is read on demand
through bounded caches, so memory does not grow with the log (DESIGN.md §12, issue 13).

Every process keeps one :class:`LedgerView` and brings it up to date from the event log
(:meth:`LedgerView.catch_up`), so several server processes over one PostgreSQL database each
see every other's writes: another process's leaves grow the tree's edge in memory and drop the
state values they changed from the caches. Applying is idempotent by leaf index, so the
writer's own commits (:meth:`LedgerView.adopt_commit`) and a concurrent catch-up never apply a
leaf twice.

The view is closed: its lock is its own and callers ask it questions (each answered under the
lock, so consistent). Admission, which must see one state throughout, runs inside
:meth:`LedgerView.admitting`.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.encoding import b64decode_strict, format_utc_time
from domain.ledger_state import LedgerState, SignerRecord, SubjectRecord
from domain.licences.catalogue import definition_key
from domain.quick_init import quick_init
from domain.statement import Statement, recorded_statement
from domain.tiled_tree import MissingTile, TiledTree, TileId, TreeGrowth, edge_ids
from infra.event_log import CommittedCheckpoint, CommittedLeaf, DamagedRow, EventLog
from infra.ledger_index import DuplicateLeaf, IndexChanges, IndexedLeaf
from services.stored_state import (
    MODELS,
    forget_changed_by,
    read_ahead,
    state_changes,
    stored_state,
)

CACHED_LEAVES = 100_000
WARM_BATCH = 256  # tiles a query when warming the tile cache (2 MiB)
INDEX_BATCH = 1000

ID_PREFIX_MIN = 12  # hex digits of an event id that name it when unique (DESIGN.md §4)


@quick_init
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
        self._index = log.index
        self._state = stored_state(self._index, self._state_operators())
        self._tree = TiledTree.empty(self._index.tiles)
        self._leaves: OrderedDict[int, LeafRecord] = OrderedDict()  # a bounded cache
        self._checkpoint: CommittedCheckpoint | None = None  # the newest stored one
        # The newest commit's new leaves' proofs to its tree, worked out while it was written:
        # (tree size, first leaf, proofs in hex), what its receipts ask for next.
        self._proven: tuple[int, int, list[list[str]]] | None = None
        self._diverged: str | None = None  # why the stored tree contradicts a stored checkpoint
        self._position = 0  # the last position read from the log
        self._opened = False
        self._followed_others = False  # another process's leaves arrived: are they indexed?

    # --- bringing it up to date ------------------------------------------------------------

    def _open(self) -> None:
        """Start from the index: its size, the tree's right edge and the newest checkpoint
        (indexing first whatever the log holds beyond the index)."""
        if self.log.stored_size() > self._index.indexed_size():
            self._index_log()
        size = self._index.indexed_size()
        self._tree = TiledTree(size, self._index.tiles(edge_ids(size)), self._index.tiles)
        if size:
            (last,) = self._index.leaves(size - 1, size - 1)
            self._position = last.position
        checkpoint = self.log.latest_checkpoint()
        if checkpoint is not None:
            if checkpoint.tree_size <= size:  # else its leaves come with the catch-up
                self._position = max(self._position, checkpoint.position)
            self._adopt_checkpoint(checkpoint)
        self._opened = True
        threading.Thread(target=self._warm_tiles, name="tile-warmer", daemon=True).start()

    def _warm_tiles(self) -> None:
        """Read the newest full tiles into the cache after start-up, a batch a query, while
        it has room: proofs of recent entries then need no read. Best effort."""
        try:
            while True:
                with self._lock:
                    wanted = self._tree.cold_tiles(WARM_BATCH)
                if not wanted:
                    return
                tiles = self._index.tiles(wanted)
                with self._lock:
                    self._tree.warm(tiles)
                if len(tiles) < len(wanted):
                    return
        except Exception:  # the database went away: proofs read their tiles as they go
            return

    def _index_log(self) -> None:
        """Index a log written before the index (or by a process that did not index): fold
        its leaves in batches, each written in one transaction; another process indexing
        meanwhile makes a batch fail, and this one starts again from where that one got."""
        while True:
            size = self._index.indexed_size()
            self._state = stored_state(self._index, self._state_operators())
            tree = TiledTree(size, self._index.tiles(edge_ids(size)), self._index.tiles)
            leaves = self.log.leaves(size, size + INDEX_BATCH - 1)
            if not leaves:
                return
            draft = self._state.draft()
            statements = []
            for leaf in leaves:
                statement = recorded_statement(b64decode_strict(leaf.envelope["payload"]))
                draft.apply(statement, leaf.envelope["signatures"][0]["keyid"], leaf.event_id)
                statements.append(statement)
            growth = tree.grown([bytes.fromhex(leaf.leaf_hash) for leaf in leaves])
            rows = [
                IndexedLeaf(
                    leaf.leaf_index,
                    leaf.position,
                    leaf.event_id,
                    format_utc_time(leaf.recorded_at),
                    statement.subject,
                )
                for leaf, statement in zip(leaves, statements, strict=True)
            ]
            try:
                self._index.write(
                    IndexChanges(rows, growth.tiles, state_changes(draft, statements))
                )
            except DuplicateLeaf:
                continue

    def _state_operators(self) -> dict[str, SignerRecord]:
        return dict(LedgerState.with_operators(self.operator_keys).signers)

    def catch_up(self) -> None:
        """Apply everything committed after the last position this view has read."""
        with self._lock:
            if not self._opened:
                self._open()
            while True:
                page = self.log.committed_after(self._position)
                leaves: list[CommittedLeaf] = []
                for item in page.items:
                    if isinstance(item, CommittedLeaf):
                        leaves.append(item)
                        continue
                    self._apply_leaves(leaves)
                    leaves = []
                    if isinstance(item, CommittedCheckpoint):
                        self._adopt_checkpoint(item)
                    elif isinstance(item, DamagedRow):
                        raise ValueError(f"position {item.position}: {item.error}")
                self._apply_leaves(leaves)
                self._position = max(self._position, page.last)
                if not page.full:
                    break
            if self._followed_others:
                self._followed_others = False
                if self._index.indexed_size() < self.size:  # written by an older version
                    self._index_log()

    def adopt_commit(
        self,
        draft: LedgerState,
        committed: Sequence[tuple[CommittedLeaf, Statement]],
        checkpoint: CommittedCheckpoint,
        growth: TreeGrowth,
        proven: list[list[str]] | None = None,
    ) -> list[LeafRecord] | None:
        """Adopt a commit this process just made: the admission draft it was admitted on (a
        ``draft()`` of this view's state), its leaves, its checkpoint, the tree's growth and
        the new leaves' proofs to it if worked out already (:meth:`prove_ahead`); the leaves'
        records. None if a concurrent catch-up got there first (nothing is left to do then,
        and :meth:`leaf` has the records)."""
        with self._lock:
            first = committed[0][0].leaf_index if committed else self.size
            records = None
            if self.size == first:
                self._state.absorb(draft)
                self._tree.adopt(growth)
                if proven is not None and len(proven) == growth.size - first:
                    self._proven = (growth.size, first, proven)
                records = [_record(leaf, statement.subject) for leaf, statement in committed]
                for record in records:
                    self._remember(record)
                # the checkpoint is stored after the leaves, in the same transaction
                self._position = max(
                    self._position, checkpoint.position, *(leaf.position for leaf, _ in committed)
                )
            if self._checkpoint is None or checkpoint.tree_size > self._checkpoint.tree_size:
                self._checkpoint = checkpoint
            return records

    def _apply_leaves(self, leaves: Sequence[CommittedLeaf]) -> None:
        """Leaves another process wrote (their index rows are stored with them), in order:
        those already applied are skipped, any the view has not seen before the first are read
        from the log first, and a gap within them ends what is applied (the audit reports it)."""
        leaves = [leaf for leaf in leaves if leaf.leaf_index >= self.size]
        if not leaves:
            return
        if leaves[0].leaf_index > self.size:  # read past unapplied leaves: read them too
            leaves = [*self.log.leaves(self.size, leaves[0].leaf_index - 1), *leaves]
        hashes = []
        for expected, leaf in enumerate(leaves, start=self.size):
            if leaf.leaf_index != expected:
                break
            statement = recorded_statement(b64decode_strict(leaf.envelope["payload"]))
            forget_changed_by(self._state, statement, leaf.event_id)
            self._followed_others = True
            self._remember(_record(leaf, statement.subject))
            self._position = max(self._position, leaf.position)
            hashes.append(bytes.fromhex(leaf.leaf_hash))
        self._tree.adopt(self._tree.grown(hashes, root=False))

    def _remember(self, leaf: LeafRecord) -> None:
        self._leaves[leaf.leaf_index] = leaf
        self._leaves.move_to_end(leaf.leaf_index)
        while len(self._leaves) > CACHED_LEAVES:
            self._leaves.popitem(last=False)

    def _adopt_checkpoint(self, checkpoint: CommittedCheckpoint) -> None:
        if self._checkpoint is None or checkpoint.tree_size >= self._checkpoint.tree_size:
            self._checkpoint = checkpoint
        self._check_stored(checkpoint)

    def _check_stored(self, checkpoint: CommittedCheckpoint) -> None:
        """The leaves read so far must hash to a stored checkpoint's root: a stored tree that
        does not is not safe to extend."""
        size = checkpoint.tree_size
        if not size or size > self._tree.size:  # its leaves arrive with the next page
            return
        if self._tree.root(size).hex() != checkpoint.root and self._diverged is None:
            self._diverged = (
                f"the stored leaves do not hash to the stored signed checkpoint of size {size} "
                f"(root {checkpoint.root}): the database's log was altered"
            )

    # --- questions -------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._tree.size

    @property
    def diverged(self) -> str | None:
        return self._diverged

    @contextmanager
    def admitting(self) -> Iterator[tuple[LedgerState, int]]:
        """The state and the tree size, held still while the caller admits against them."""
        with self._lock:
            yield self._state, self.size

    def read_ahead(
        self,
        event_ids: Sequence[str],
        subjects: Sequence[str],
        references: Sequence[str],
        keyids: Sequence[str],
        licences: Sequence[str],
    ) -> dict[str, LeafRecord]:
        """The leaves that recorded any of ``event_ids``; meanwhile, read into the caches the
        state that admitting statements about ``subjects`` naming ``references``, signed by
        ``keyids``, will ask for (``licences``: the subjects of those about a licence). One
        query."""
        wanted = read_ahead(self._state, subjects, references, keyids, licences)
        found, values = self._index.lookup(list(dict.fromkeys(event_ids)), wanted.keys)
        wanted.take(values)
        with self._lock:
            size = self.size
        return {leaf.event_id: _indexed(leaf) for leaf in found if leaf.leaf_index < size}

    def signer(self, keyid: str) -> SignerRecord | None:
        with self._lock:
            found: SignerRecord | None = self._state.signers.get(keyid)
            return found

    def subject(self, subject_id: str) -> SubjectRecord | None:
        with self._lock:
            found: SubjectRecord | None = self._state.subjects.get(subject_id)
            return found

    def leaf(self, leaf_index: int) -> LeafRecord:
        with self._lock:
            if not 0 <= leaf_index < self.size:
                raise IndexError(f"leaf {leaf_index} is outside 0..{self.size - 1}")
            cached = self._leaves.get(leaf_index)
            if cached is not None:
                return cached
        (found,) = self._index.leaves(leaf_index, leaf_index)
        record = _indexed(found)
        with self._lock:
            self._remember(record)
        return record

    def leaf_of(self, event_id: str) -> int | None:
        """The leaf index that recorded the event ``event_id`` (None if not recorded)."""
        found = self._index.leaves_by_event_id([event_id])
        with self._lock:
            return found[0].leaf_index if found and found[0].leaf_index < self.size else None

    def leaves_with_event_id_prefix(self, prefix: str, limit: int) -> list[LeafRecord]:
        """Leaves whose event id starts with ``prefix`` (at most ``limit``, by event id)."""
        found = self._index.leaves_by_event_id_prefix(prefix, limit)
        with self._lock:
            return [_indexed(leaf) for leaf in found if leaf.leaf_index < self.size]

    def event_ids_starting(self, prefix: str) -> list[str]:
        """The recorded event ids that start with ``prefix`` (lowercase hex, at least
        :data:`ID_PREFIX_MIN` digits; a shorter one matches nothing), sorted (at most 20:
        enough to say a prefix is ambiguous and show some of its matches)."""
        if len(prefix) < ID_PREFIX_MIN:
            return []
        return [leaf.event_id for leaf in self.leaves_with_event_id_prefix(prefix, 20)]

    @property
    def position(self) -> int:
        """The last log position this view has read or written."""
        with self._lock:
            return self._position

    def head_position(self) -> int:
        """The position of the last leaf (0 for an empty log)."""
        with self._lock:
            size = self.size
        return self.leaf(size - 1).position if size else 0

    def leaves_of(
        self, subjects: Iterable[str], visible: Callable[[LeafRecord], bool] = lambda leaf: True
    ) -> list[LeafRecord]:
        """The leaves of these subjects that pass ``visible``, in log order; a licence id
        stands for its definitions under every spelling."""
        subjects = list(subjects)
        with self._lock:
            spellings = self._state.licences
            names = {n for s in subjects for n in (s, *spellings.get(definition_key(s), ()))}
            size = self.size
        found = self._index.leaves_of(sorted(names))
        return [leaf for row in found if row.leaf_index < size and visible(leaf := _indexed(row))]

    def licence_spellings(self) -> set[str]:
        """Every subject a licence definition was recorded under."""
        with self._lock:
            return {s for names in self._state.licences.values() for s in names}

    def models(self) -> list[ModelSummary]:
        stored = self._index.state_with_prefix(MODELS)
        summaries = []
        for key, text in stored.items():
            model = key[len(MODELS) :]
            name, version = json.loads(text)
            summaries.append(ModelSummary(model, name, version, self._owner(model)))
        return summaries

    def _owner(self, subject: str) -> str | None:
        record = self.subject(subject)
        return record.owner if record is not None else None

    def checkpoint(self) -> CommittedCheckpoint | None:
        with self._lock:
            return self._checkpoint

    # --- the Merkle tree -------------------------------------------------------------------

    def root(self, size: int) -> bytes:
        with self._lock:
            return self._tree.root(size)

    def grow(self, leaf_hashes: Sequence[bytes], at_size: int) -> TreeGrowth | None:
        """The tree with ``leaf_hashes`` appended (its root and the tiles to store), if it
        holds ``at_size`` leaves (None when it moved on)."""
        with self._lock:
            return self._tree.grown(leaf_hashes) if self.size == at_size else None

    def root_if_within(self, size: int) -> bytes | None:
        with self._lock:
            return self._tree.root(size) if size <= self._tree.size else None

    def leaf_hash(self, leaf_index: int) -> bytes:
        with self._lock:
            return self._tree.leaf(leaf_index)

    def tile(self, tile: TileId) -> bytes:
        """A tile's hashes as of the current tree (partial at the right edge)."""
        with self._lock:
            return self._tree.tile(tile)

    def subtree_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        """The hashes of the complete subtrees of 2**level leaves ``start..end-1`` (tiles)."""
        with self._lock:
            return self._tree.subtree_hashes(level, start, end)

    def inclusion_proof(self, leaf_index: int, size: int) -> list[bytes]:
        with self._lock:
            return self._tree.inclusion_proof(leaf_index, size)

    def inclusion_proofs_hex(self, leaf_indices: Sequence[int], size: int) -> list[list[str]]:
        """Each leaf's inclusion proof to the tree ``size``, its hashes in hex (those of the
        newest commit's leaves to its tree as :meth:`prove_ahead` worked them out)."""
        with self._lock:
            proven = self._proven
            if proven is not None and size == proven[0]:
                _, first, proofs = proven
                if all(first <= index < size for index in leaf_indices):
                    return [list(proofs[index - first]) for index in leaf_indices]
            return self._tree.encoded_inclusion_proofs(leaf_indices, size, bytes.hex)

    def prove_ahead(self, growth: TreeGrowth, first: int) -> list[list[str]] | None:
        """The inclusion proofs, in hex, of leaves ``first``… of a growth of this view's tree
        to the grown tree, before it is adopted (for :meth:`adopt_commit`): a writer works
        them out while the database writes the commit, its receipts' proofs are then looked
        up. None if the growth holds no tree, or a tile the proofs need is not stored."""
        with self._lock:
            if growth.tree is None or not 0 <= first < growth.size:
                return None
            try:
                return growth.tree.encoded_inclusion_proofs(
                    range(first, growth.size), growth.size, bytes.hex
                )
            except MissingTile:
                return None

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        with self._lock:
            return self._tree.consistency_proof(old, new)


def _record(leaf: CommittedLeaf, subject: str) -> LeafRecord:
    return LeafRecord(
        leaf.leaf_index, leaf.position, leaf.event_id, format_utc_time(leaf.recorded_at), subject
    )


def _indexed(leaf: IndexedLeaf) -> LeafRecord:
    return LeafRecord(leaf.leaf_index, leaf.position, leaf.event_id, leaf.recorded_at, leaf.subject)
