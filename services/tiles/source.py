"""Where tiles come from: the :class:`TileSource` protocol and its in-memory implementation.

The read API asks a source for one tile at a time, so the source can be today's in-memory
Merkle tree (:class:`ViewTiles`, which computes each tile from the stored subtree hashes) or,
later, tiles stored beside the leaves (DESIGN.md §12) without the API changing.
"""

from __future__ import annotations

from typing import Protocol

from domain.leaf import envelope_bytes
from domain.merkle import leaf_hash
from domain.tlog_tiles import EntryBundle, HashTile, entry_bundle_bytes, hash_tile_bytes
from services.ledger_view import LedgerView
from services.read.reads import LedgerReads


class TileSource(Protocol):
    """Read access to a log's tiles.

    ``tree_size`` is the number of leaves the source holds now (it only grows). ``hash_tile``
    and ``entry_bundle`` are only asked for tiles within it (``tile.leaves_needed <=
    tree_size()``) and return the tile's body (c2sp.org/tlog-tiles)."""

    def tree_size(self) -> int: ...

    def hash_tile(self, tile: HashTile) -> bytes: ...

    def entry_bundle(self, bundle: EntryBundle) -> bytes: ...


class StoredEntryMismatch(RuntimeError):
    """A stored envelope's bytes do not hash to its stored leaf hash (a damaged store)."""


class ViewTiles:
    """Tiles computed from the process's :class:`LedgerView`: hash tiles are the stored
    complete-subtree hashes at height ``8 * level`` (no hashing needed), entry bundles the
    RFC 8785 bytes of the stored envelopes, each checked against its stored leaf hash."""

    def __init__(self, view: LedgerView, reads: LedgerReads) -> None:
        self._view = view
        self._reads = reads

    def tree_size(self) -> int:
        self._view.catch_up()
        return self._view.size

    def hash_tile(self, tile: HashTile) -> bytes:
        first = tile.first_node
        return hash_tile_bytes(self._view.subtree_hashes(tile.height, first, first + tile.width))

    def entry_bundle(self, bundle: EntryBundle) -> bytes:
        first = bundle.first_leaf
        leaves = list(self._reads.committed(range(first, first + bundle.width)))
        entries = []
        for expected, leaf in enumerate(leaves, start=first):
            entry = envelope_bytes(leaf.envelope)
            if leaf.leaf_index != expected or leaf_hash(entry).hex() != leaf.leaf_hash:
                raise StoredEntryMismatch(
                    f"stored leaf {expected} does not hash to its stored leaf hash: "
                    "run `provenance audit`"
                )
            entries.append(entry)
        if len(entries) != bundle.width:
            raise StoredEntryMismatch(
                f"the store returned {len(entries)} of the {bundle.width} leaves from {first}"
            )
        return entry_bundle_bytes(entries)
