"""An RFC 9162 Merkle tree stored as C2SP tlog-tiles (DESIGN.md §12, issue 13).

The tree's hashes live in tiles of height 8: tile ``(L, N)`` holds, in 32-byte slots, the hashes
of the complete subtrees of 2**(8L) leaves numbered ``256N`` to ``256N + 255`` (level 0 = the
leaf hashes). Full tiles never change; the rightmost tile of each level may be partial and is
rewritten as leaves arrive. Every other node hash (levels 8L+1 … 8L+7) is computed from its tile
(at most 127 hashes), so the store holds about 1/255 more than the leaf hashes and nothing else.

A :class:`TiledTree` keeps only the right edge (the rightmost tile of every level) and a bounded
cache of full tiles in memory; it asks ``read_tiles`` for any other tile. Roots and proofs are the
ones :class:`~domain.merkle.MerkleTree` computes (the same algorithms, over ``_node``).

Growing is two steps so a writer can store the tiles in the transaction of the leaves they cover:
:meth:`TiledTree.grown` computes the new edge and every changed tile without changing the tree;
:meth:`TiledTree.adopt` takes it once it is stored.

Pure computation: hashlib only; tile reads go through the function the caller passes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from domain.merkle import EMPTY_ROOT, HASH_SIZE, MerkleTree, _require_hash, node_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
TileId = tuple[int, int]
"""``(level, index)`` of a tile."""

ReadTiles = Callable[[Sequence[TileId]], Mapping[TileId, bytes]]
"""Reads stored tiles (full or partial) by id; a missing one is left out of the answer."""


class MissingTile(LookupError):
    """A tile the tree needs is not stored: the store does not hold this tree."""


def edge_ids(size: int) -> list[TileId]:
    """The rightmost tile of every level of a tree of ``size`` leaves (bottom first)."""
    ids = []
    level, count = 0, size
    while count:
        ids.append((level, (count - 1) // TILE_WIDTH))
        level, count = level + 1, count // TILE_WIDTH
    return ids


def tile_width(tile: TileId, size: int) -> int:
    """How many hashes the tile holds in a tree of ``size`` leaves (256 when full)."""
    level, index = tile
    count = size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, count - index * TILE_WIDTH))


def _row_start(height: int) -> int:
    """Where height ``height`` (1..8) starts in a full tile's :func:`upper_rows`, in hashes:
    the heights below it hold 128 + 64 + … of them (256 - 2**(9 - height))."""
    return TILE_WIDTH - (TILE_WIDTH >> (height - 1))


def upper_rows(hashes: bytes) -> bytes:
    """The nodes above the bottom row of a complete subtree given its 2**k bottom hashes,
    concatenated: every row one after another, bottom first, its root last."""
    row = [hashes[i : i + HASH_SIZE] for i in range(0, len(hashes), HASH_SIZE)]
    upper = bytearray()
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
        upper += b"".join(row)
    return bytes(upper)


@dataclass(frozen=True, slots=True)
class TreeGrowth:
    """A tree grown by some leaves, not yet adopted: its size, root, right edge and every
    tile the growth changed or completed (what a writer stores)."""

    size: int
    root: bytes
    edge: dict[TileId, bytes]
    tiles: dict[TileId, bytes]
    tree: TiledTree | None = field(default=None, compare=False, repr=False)
    """The grown tree itself (None when grown without its root), reading the caches of the
    tree it grew from: proofs to it can be worked out before it is adopted, and
    :meth:`TiledTree.adopt` keeps what they computed."""


class TiledTree(MerkleTree):
    """A Merkle tree of ``size`` leaves whose right edge is ``edge`` (from :func:`edge_ids`)
    and whose other tiles ``read_tiles`` reads. Not thread-safe: callers serialise."""

    def __init__(
        self,
        size: int,
        edge: Mapping[TileId, bytes],
        read_tiles: ReadTiles,
        cached_tiles: int = 4096,
    ) -> None:
        self._size = size
        self._edge: dict[TileId, bytes] = {}
        for tile in edge_ids(size):
            # Tiles only grow: a longer one (stored by a later commit) starts with this one.
            width = tile_width(tile, size) * HASH_SIZE
            hashes = bytes(edge.get(tile, b""))[:width]
            if len(hashes) != width:
                raise MissingTile(f"tile {tile} holds {len(hashes) // HASH_SIZE} hashes")
            self._edge[tile] = hashes
        self._read = read_tiles
        self._cache: OrderedDict[TileId, bytes] = OrderedDict()
        self._cached_tiles = cached_tiles
        self._rows: OrderedDict[TileId, bytes] = OrderedDict()  # full tiles' upper rows
        # A partial tile's complete nodes above its bottom row, by height, for the width they
        # were computed at: receipts ask for the newest leaves, whose proofs run through it.
        self._partial_rows: dict[TileId, tuple[int, list[list[bytes]]]] = {}
        self._origin: TiledTree | None = None  # the tree this one was grown from

    @classmethod
    def empty(cls, read_tiles: ReadTiles) -> TiledTree:
        return cls(0, {}, read_tiles)

    @property
    def size(self) -> int:
        return self._size

    def edge(self) -> dict[TileId, bytes]:
        return dict(self._edge)

    def cold_tiles(self, limit: int) -> list[TileId]:
        """Up to ``limit`` full tiles, newest first, that are not cached while the cache has
        room for them (what a warmer reads ahead: recent entries are asked for most)."""
        room = min(limit, self._cached_tiles - len(self._cache))
        found: list[TileId] = []
        level, count = 0, self._size
        while count >= TILE_WIDTH and len(found) < room:
            for index in range(count // TILE_WIDTH - 1, -1, -1):
                if len(found) >= room:
                    break
                if (level, index) not in self._cache and (level, index) not in self._edge:
                    found.append((level, index))
            level, count = level + 1, count // TILE_WIDTH
        return found

    def warm(self, tiles: Mapping[TileId, bytes]) -> None:
        """Cache full tiles read ahead (never evicting: only while there is room)."""
        for tile, hashes in tiles.items():
            if len(self._cache) >= self._cached_tiles:
                return
            if len(hashes) == TILE_WIDTH * HASH_SIZE and tile not in self._cache:
                self._cache[tile] = hashes
                self._cache.move_to_end(tile, last=False)  # read ahead: first to go

    def tile(self, tile: TileId) -> bytes:
        """The hashes of a stored tile as of this tree (partial at the edge)."""
        return self._tile(tile)

    def subtree_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        """As :meth:`MerkleTree.subtree_hashes`, sliced from the tiles (:meth:`_nodes`): a run
        of one stored tile's hashes is what a tlog-tiles hash tile is."""
        if level < 0 or not 0 <= start <= end or (end << level) > self.size:
            raise ValueError(
                f"subtrees {start}..{end - 1} of 2**{level} leaves are not all complete "
                f"in a tree of {self.size}"
            )
        return self._nodes(level, start, end)

    # --- growing ---------------------------------------------------------------------------

    def append(self, leaf_hash: bytes) -> int:
        index = self._size
        self.adopt(self.grown([leaf_hash]))
        return index

    def grown(self, leaf_hashes: Sequence[bytes], *, root: bool = True) -> TreeGrowth:
        """This tree with ``leaf_hashes`` appended, leaving this tree unchanged (its root
        left empty unless ``root``: following another writer's leaves needs none)."""
        edge = {tile: bytearray(hashes) for tile, hashes in self._edge.items()}
        changed: set[TileId] = set()
        filled: dict[TileId, bytes] = {}  # the upper rows of the tiles it fills
        size = self._size
        for leaf in leaf_hashes:
            _require_hash(leaf, "leaf hash")
            level, value, count = 0, leaf, size
            while True:
                tile = (level, count // TILE_WIDTH)
                hashes = edge.setdefault(tile, bytearray())
                hashes += value
                changed.add(tile)
                if len(hashes) < TILE_WIDTH * HASH_SIZE:
                    break
                # A full tile: its root goes one level up (its rows serve the proofs to it).
                rows = filled[tile] = upper_rows(bytes(hashes))
                value = rows[-HASH_SIZE:]
                level, count = level + 1, count // TILE_WIDTH
            size += 1
        tiles = {tile: bytes(edge[tile]) for tile in changed}
        new_edge = {tile: bytes(edge[tile]) for tile in edge_ids(size)}
        if not root:
            return TreeGrowth(size, b"", new_edge, tiles)

        def read(ids: Sequence[TileId]) -> Mapping[TileId, bytes]:
            """The growth's tiles (those it completed among them), then this tree's."""
            found = {tile: tiles[tile] for tile in ids if tile in tiles}
            rest = [tile for tile in ids if tile not in found]
            return {**found, **self._lookup(rest)} if rest else found

        grown = TiledTree(size, new_edge, read, self._cached_tiles)
        # It caches in its own caches and reads this tree's too, never writing to them: it may
        # never be adopted (its commit can fail), and what it learns about the tiles it
        # completed holds only if it is (other leaves may complete them instead).
        grown._origin = self
        for tile, rows in filled.items():
            grown._keep_rows(tile, rows)
        return TreeGrowth(size, grown.root() if size else EMPTY_ROOT, new_edge, tiles, grown)

    def adopt(self, growth: TreeGrowth) -> None:
        """Take ``growth`` (from :meth:`grown` of this very tree) as this tree."""
        grown = growth.tree
        if grown is not None and grown._origin is self:
            # What proofs to the grown tree worked out meanwhile (a few tiles a batch).
            for tile, hashes in grown._cache.items():
                self._remember(tile, hashes)
            for tile, rows in grown._rows.items():
                self._keep_rows(tile, rows)
            self._partial_rows = dict(grown._partial_rows)
        for tile, hashes in growth.tiles.items():
            if len(hashes) == TILE_WIDTH * HASH_SIZE and tile not in growth.edge:
                self._remember(tile, hashes)
        self._size, self._edge = growth.size, dict(growth.edge)

    # --- reading ---------------------------------------------------------------------------

    def _lookup(self, tiles: Sequence[TileId]) -> Mapping[TileId, bytes]:
        """Tiles for a grown copy: this tree's, then the store's."""
        found = {tile: self._tile(tile) for tile in tiles if self._known(tile)}
        missing = [tile for tile in tiles if tile not in found]
        return {**found, **(self._read(missing) if missing else {})}

    def _known(self, tile: TileId) -> bool:
        return tile in self._edge or tile in self._cache

    def _node(self, level: int, index: int) -> bytes:
        """The hash of a complete subtree: sliced from its tile; above a tile's bottom row,
        from the tile's upper rows, computed once per full tile (255 hashes, kept beside it:
        a proof then costs lookups, not hashing) or, in a partial tile, from the tile."""
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height
        tile = (tile_level, first // TILE_WIDTH)
        hashes = self._tile(tile)
        if height == 0:
            offset = (first % TILE_WIDTH) * HASH_SIZE
            node = hashes[offset : offset + HASH_SIZE]
            if len(node) != HASH_SIZE:
                raise MissingTile(f"node {level}/{index} is not in a stored tile")
            return node
        if len(hashes) == TILE_WIDTH * HASH_SIZE:
            rows = self._upper_rows(tile, hashes)
            start = _row_start(height) + (first % TILE_WIDTH >> height)
            return rows[start * HASH_SIZE : (start + 1) * HASH_SIZE]
        row = self._partial_upper_rows(tile, hashes)[height - 1]
        position = (first % TILE_WIDTH) >> height
        if position >= len(row):
            raise MissingTile(f"node {level}/{index} is not in a stored tile")
        return row[position]

    def _nodes(self, level: int, start: int, end: int) -> list[bytes]:
        """As :meth:`_node` for the complete nodes ``start``…``end - 1`` of ``level``, sliced a
        tile at a time."""
        tile_level, height = divmod(level, TILE_HEIGHT)
        per_tile = TILE_WIDTH >> height  # nodes of this level in one tile
        nodes: list[bytes] = []
        index = start
        while index < end:
            number = index // per_tile
            tile = (tile_level, number)
            stop = min(end, (number + 1) * per_tile)
            at, count = index - number * per_tile, stop - index
            hashes = self._tile(tile)
            if height == 0 or len(hashes) == TILE_WIDTH * HASH_SIZE:
                if height:
                    hashes = self._upper_rows(tile, hashes)
                    at += _row_start(height)
                found = [
                    hashes[offset : offset + HASH_SIZE]
                    for offset in range(at * HASH_SIZE, (at + count) * HASH_SIZE, HASH_SIZE)
                ]
                if len(found[-1]) != HASH_SIZE:
                    raise MissingTile(f"node {level}/{stop - 1} is not in a stored tile")
            else:
                found = self._partial_upper_rows(tile, hashes)[height - 1][at : at + count]
                if len(found) != count:
                    raise MissingTile(f"node {level}/{stop - 1} is not in a stored tile")
            nodes += found
            index = stop
        return nodes

    def _partial_upper_rows(self, tile: TileId, hashes: bytes) -> list[list[bytes]]:
        """Heights 1..8 of a partial tile: at each, the nodes whose subtrees are complete
        (computed once per width; a complete node never changes as the tile grows)."""
        width = len(hashes) // HASH_SIZE
        cached = self._partial_rows.get(tile)
        if cached is not None and cached[0] == width:
            return cached[1]
        row = [hashes[i : i + HASH_SIZE] for i in range(0, len(hashes), HASH_SIZE)]
        rows: list[list[bytes]] = []
        for _ in range(TILE_HEIGHT):
            row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
            rows.append(row)
        self._partial_rows = {t: r for t, r in self._partial_rows.items() if t in self._edge}
        self._partial_rows[tile] = (width, rows)
        return rows

    def _upper_rows(self, tile: TileId, hashes: bytes) -> bytes:
        """Heights 1..8 of a full tile's subtree (128 + 64 + … + 1 hashes), cached."""
        rows = self._rows.get(tile)
        if rows is not None:
            self._rows.move_to_end(tile)
            return rows
        if self._origin is not None and (rows := self._origin._rows.get(tile)) is not None:
            return rows  # a tile full in the tree this one grew from is the same here
        rows = upper_rows(hashes)
        self._keep_rows(tile, rows)
        return rows

    def _keep_rows(self, tile: TileId, rows: bytes) -> None:
        self._rows[tile] = rows
        self._rows.move_to_end(tile)
        while len(self._rows) > self._cached_tiles:
            self._rows.popitem(last=False)

    def _tile(self, tile: TileId) -> bytes:
        if tile in self._edge:
            return self._edge[tile]
        if tile in self._cache:
            self._cache.move_to_end(tile)
            return self._cache[tile]
        found = self._read([tile]).get(tile)
        if found is None:
            raise MissingTile(f"tile {tile} is not stored")
        if len(found) == TILE_WIDTH * HASH_SIZE:
            self._remember(tile, found)
        return found

    def _remember(self, tile: TileId, hashes: bytes) -> None:
        self._cache[tile] = hashes
        self._cache.move_to_end(tile)
        while len(self._cache) > self._cached_tiles:
            self._cache.popitem(last=False)
