"""The tiled tree answers exactly what the in-memory tree answers, from tiles alone."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import domain.tiled_tree
from domain.merkle import MerkleTree, node_hash, verify_consistency, verify_inclusion
from domain.tiled_tree import TILE_WIDTH, MissingTile, TiledTree, TileId, edge_ids, tile_width


def _leaf(i: int) -> bytes:
    return hashlib.sha256(b"\x00" + i.to_bytes(8, "big")).digest()


class TileStore:
    """Tiles as a writer stores them: every tile a growth changed, overwritten in place."""

    def __init__(self) -> None:
        self.tiles: dict[TileId, bytes] = {}
        self.reads = 0

    def read(self, ids: Sequence[TileId]) -> Mapping[TileId, bytes]:
        self.reads += len(ids)
        return {tile: self.tiles[tile] for tile in ids if tile in self.tiles}


def _grow(tree: TiledTree, store: TileStore, hashes: list[bytes]) -> None:
    growth = tree.grown(hashes)
    store.tiles.update(growth.tiles)
    tree.adopt(growth)


@pytest.mark.parametrize("batch", [1, 7, 300])
def test_roots_and_proofs_equal_the_in_memory_tree(batch: int) -> None:
    store, reference = TileStore(), MerkleTree()
    tree = TiledTree.empty(store.read)
    # two tile levels and partial tiles (one leaf at a time over fewer, for time)
    total = TILE_WIDTH * TILE_WIDTH + 3 * TILE_WIDTH + 5 if batch > 1 else 3 * TILE_WIDTH + 5
    hashes = [_leaf(i) for i in range(total)]
    for start in range(0, total, batch):
        chunk = hashes[start : start + batch]
        growth = tree.grown(chunk)
        for leaf in chunk:
            reference.append(leaf)
        assert growth.root == reference.root()
        store.tiles.update(growth.tiles)
        tree.adopt(growth)
    for size in (s for s in (1, 2, 255, 256, 257, 65535, 65536, total) if s <= total):
        assert tree.root(size) == reference.root(size)
    for index, size in ((0, total), (255, 256), (256, total), (total - 1, total), (700, 701)):
        proof = tree.inclusion_proof(index, size)
        assert proof == reference.inclusion_proof(index, size)
        verify_inclusion(hashes[index], index, size, proof, reference.root(size))
    run = list(range(max(0, total - 1000), total))  # a batch's receipts
    for size in (total, total - 1):
        leaves = [i for i in run if i < size]
        assert tree.inclusion_proofs(leaves, size) == [
            reference.inclusion_proof(i, size) for i in leaves
        ]
        assert tree.encoded_inclusion_proofs(leaves, size, bytes.hex) == [
            [h.hex() for h in reference.inclusion_proof(i, size)] for i in leaves
        ]
    for old, new in ((1, total), (256, min(65536, total)), (300, total), (total // 2, total)):
        proof = tree.consistency_proof(old, new)
        assert proof == reference.consistency_proof(old, new)
        verify_consistency(old, new, reference.root(old), reference.root(new), proof)


def test_each_proof_of_a_run_is_a_list_of_its_own() -> None:
    """Proofs asked together share their hashes, never their lists: a caller may change one
    (a repeated index included) without changing another."""
    store = TileStore()
    tree = TiledTree.empty(store.read)
    _grow(tree, store, [_leaf(i) for i in range(1000)])
    indices = [990, 991, 991, 999, 999]
    proofs = tree.encoded_inclusion_proofs(indices, 1000, bytes.hex)
    expected = [[h.hex() for h in tree.inclusion_proof(i, 1000)] for i in indices]
    assert proofs == expected
    for changed in range(len(proofs)):
        proofs[changed].append("changed")
        assert [p for i, p in enumerate(proofs) if i != changed] == [
            e for i, e in enumerate(expected) if i != changed
        ]
        proofs[changed].pop()


def test_proofs_asked_while_the_edge_grows_follow_every_width() -> None:
    """Receipts ask for proofs of the newest leaves after every commit: the partial edge
    tile's nodes, computed once per width, must follow it as it grows (and fills up)."""
    store, reference = TileStore(), MerkleTree()
    tree = TiledTree.empty(store.read)
    hashes = [_leaf(i) for i in range(2 * TILE_WIDTH + 40)]
    for start in range(0, len(hashes), 7):
        chunk = hashes[start : start + 7]
        _grow(tree, store, chunk)
        for leaf in chunk:
            reference.append(leaf)
        size = tree.size
        for index in {size - 1, size - len(chunk), max(0, size - 130), size // 2}:
            assert tree.inclusion_proof(index, size) == reference.inclusion_proof(index, size)
            if size > 3:  # a smaller tree than the edge: complete nodes only
                older = size - 3
                assert tree.inclusion_proof(min(index, older - 1), older) == (
                    reference.inclusion_proof(min(index, older - 1), older)
                )


def test_a_tree_reopened_from_its_edge_reads_only_the_tiles_it_needs() -> None:
    store = TileStore()
    first = TiledTree.empty(store.read)
    total = TILE_WIDTH * 300 + 17
    hashes = [_leaf(i) for i in range(total)]
    _grow(first, store, hashes)
    store.reads = 0
    edge = {tile: store.tiles[tile] for tile in edge_ids(total)}
    reopened = TiledTree(total, edge, store.read)
    assert reopened.root() == first.root()
    assert store.reads == 0  # the root of the whole tree is on the right edge
    reopened.inclusion_proof(5, total)
    assert 0 < store.reads <= 2
    _grow(reopened, store, [_leaf(total)])
    assert reopened.root() == MerkleTree_root([*hashes, _leaf(total)])


def MerkleTree_root(hashes: list[bytes]) -> bytes:  # noqa: N802
    reference = MerkleTree()
    for leaf in hashes:
        reference.append(leaf)
    return reference.root()


def test_widths_and_missing_tiles() -> None:
    assert edge_ids(0) == []
    assert edge_ids(256) == [(0, 0), (1, 0)]
    assert edge_ids(257) == [(0, 1), (1, 0)]
    assert tile_width((0, 1), 300) == 44
    assert tile_width((1, 0), 300) == 1
    with pytest.raises(MissingTile):
        TiledTree(300, {(0, 1): b"\x00" * 32, (1, 0): b"\x00" * 32}, lambda ids: {})
    tree = TiledTree(300, {(0, 1): b"\x00" * 32 * 44, (1, 0): b"\x00" * 32}, lambda ids: {})
    with pytest.raises(MissingTile):
        tree.inclusion_proof(3, 300)


def test_subtree_hashes_are_the_tiles() -> None:
    store, reference = TileStore(), MerkleTree()
    tree = TiledTree.empty(store.read)
    hashes = [_leaf(i) for i in range(TILE_WIDTH * 3 + 9)]
    _grow(tree, store, hashes)
    for leaf in hashes:
        reference.append(leaf)
    for level, start, end in ((0, 0, 256), (0, 256, 300), (0, 768, 777), (8, 0, 3), (3, 5, 40)):
        assert tree.subtree_hashes(level, start, end) == reference.subtree_hashes(level, start, end)
    with pytest.raises(ValueError, match="not all complete"):
        tree.subtree_hashes(8, 0, 4)


def test_a_warmer_reads_the_newest_full_tiles_while_the_cache_has_room() -> None:
    store = TileStore()
    first = TiledTree.empty(store.read)
    total = TILE_WIDTH * 10 + 3
    _grow(first, store, [_leaf(i) for i in range(total)])
    tree = TiledTree(total, {t: store.tiles[t] for t in edge_ids(total)}, store.read, 4)
    wanted = tree.cold_tiles(3)
    assert wanted == [(0, 9), (0, 8), (0, 7)]  # newest first; the edge is held already
    tree.warm(store.read(wanted))
    assert tree.cold_tiles(10) == [(0, 6)]  # room for one more
    tree.warm(store.read([(0, 6)]))
    assert tree.cold_tiles(10) == []
    store.reads = 0
    tree.inclusion_proof(total - 300, total)  # in tile 8: cached
    assert store.reads == 0


@pytest.mark.parametrize("batch", [1, 200, 1000])
def test_proofs_to_a_grown_tree_before_it_is_adopted(batch: int) -> None:
    """A writer proves its new leaves while the database commits them: the grown tree answers
    what the adopted tree will (the new leaves' proofs, also where the growth completed tiles
    the store does not hold yet), and the adopted tree answers the same afterwards."""
    store, reference = TileStore(), MerkleTree()
    tree = TiledTree.empty(store.read)
    hashes = [_leaf(i) for i in range(TILE_WIDTH * 3 + 100 + 3 * batch)]
    for leaf in hashes[: TILE_WIDTH * 3 + 100]:
        reference.append(leaf)
    _grow(tree, store, hashes[: TILE_WIDTH * 3 + 100])
    start = tree.size
    for _ in range(3):
        chunk = hashes[start : start + batch]
        growth = tree.grown(chunk)
        assert growth.tree is not None
        for leaf in chunk:
            reference.append(leaf)
        new = list(range(start, start + len(chunk)))
        ahead = growth.tree.inclusion_proofs(new, growth.size)  # before the store has them
        assert ahead == [reference.inclusion_proof(i, growth.size) for i in new]
        store.tiles.update(growth.tiles)
        tree.adopt(growth)
        assert tree.inclusion_proofs(new, tree.size) == ahead
        assert tree.inclusion_proof(0, tree.size) == reference.inclusion_proof(0, tree.size)
        start += len(chunk)


def test_a_growth_never_adopted_leaves_the_tree_as_it_was() -> None:
    """A commit can fail after its proofs were worked out: what its grown tree learnt about the
    tiles it completed must not leak into the tree, which other leaves then complete."""
    store, reference = TileStore(), MerkleTree()
    tree = TiledTree.empty(store.read)
    first = [_leaf(i) for i in range(TILE_WIDTH - 10)]
    for leaf in first:
        reference.append(leaf)
    _grow(tree, store, first)
    abandoned = tree.grown([_leaf(10**6 + i) for i in range(300)])  # completes tile (0, 0)
    assert abandoned.tree is not None
    abandoned.tree.inclusion_proofs(list(range(tree.size, abandoned.size)), abandoned.size)
    others = [_leaf(i) for i in range(TILE_WIDTH - 10, TILE_WIDTH)]  # another writer's leaves
    later = [_leaf(i) for i in range(TILE_WIDTH, TILE_WIDTH + 300)]
    for hashes in (others, later):
        for leaf in hashes:
            reference.append(leaf)
        _grow(tree, store, hashes)
    assert tree.root() == reference.root()
    for index in (0, TILE_WIDTH - 11, TILE_WIDTH - 1, TILE_WIDTH + 299):
        assert tree.inclusion_proof(index, tree.size) == reference.inclusion_proof(index, tree.size)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=600), st.booleans(), st.integers(0, 10**6)),
        min_size=1,
        max_size=12,
    )
)
def test_growths_adopted_or_abandoned_leave_the_tree_equal_to_the_in_memory_one(
    steps: list[tuple[int, bool, int]],
) -> None:
    """Any run of growths, each proven ahead and then adopted or abandoned: the tree answers
    what an in-memory tree of the adopted leaves answers (abandoned leaves differ from those
    that take their places)."""
    store, reference = TileStore(), MerkleTree()
    tree = TiledTree.empty(store.read)
    for count, adopted, salt in steps:
        hashes = [_leaf(salt * 1000 + i) for i in range(count)]
        growth = tree.grown(hashes)
        assert growth.tree is not None
        growth.tree.inclusion_proofs(list(range(tree.size, growth.size)), growth.size)
        if not adopted:
            continue
        for leaf in hashes:
            reference.append(leaf)
        store.tiles.update(growth.tiles)
        tree.adopt(growth)
        assert tree.root() == reference.root()
    for index in {0, tree.size // 2, tree.size - 1} if tree.size else ():
        assert tree.inclusion_proof(index, tree.size) == reference.inclusion_proof(index, tree.size)


_RUN_TREE_SIZE = TILE_WIDTH * TILE_WIDTH + 3 * TILE_WIDTH + 77  # two tile levels, partial edges


@pytest.fixture(scope="module")
def run_trees() -> tuple[TiledTree, MerkleTree]:
    """A tiled tree grown a batch at a time, and the in-memory tree of the same leaves."""
    store, reference = TileStore(), MerkleTree()
    tree = TiledTree.empty(store.read)
    hashes = [_leaf(i) for i in range(_RUN_TREE_SIZE)]
    for start in range(0, len(hashes), 1000):
        _grow(tree, store, hashes[start : start + 1000])
    for leaf in hashes:
        reference.append(leaf)
    return tree, reference


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_proofs_of_any_run_to_any_size_are_each_leafs_proof(
    run_trees: tuple[TiledTree, MerkleTree], data: st.DataObject
) -> None:
    """A run of consecutive leaves (a batch's receipts) is proven a level row at a time:
    exactly the proofs one by one, in a tiled and an in-memory tree, whether asked as a list
    or a range, near tile borders and the right border of the tree asked about."""
    tree, reference = run_trees
    size = data.draw(
        st.one_of(
            st.integers(2, _RUN_TREE_SIZE),
            st.sampled_from([256, 257, 511, 512, 65536, 65537, _RUN_TREE_SIZE]),
        )
    )
    first = data.draw(st.integers(0, size - 2))
    end = data.draw(st.integers(first + 2, min(size, first + 1500)))
    expected = [reference.inclusion_proof(i, size) for i in range(first, end)]
    for proven in (tree, reference):
        assert proven.inclusion_proofs(list(range(first, end)), size) == expected
        assert proven.encoded_inclusion_proofs(range(first, end), size, bytes.hex) == [
            [h.hex() for h in proof] for proof in expected
        ]


@pytest.mark.parametrize(("first", "end", "named"), [(-1, 3, -1), (5, 11, 10), (12, 14, 12)])
def test_a_run_beyond_the_tree_asked_about_is_refused(first: int, end: int, named: int) -> None:
    store = TileStore()
    tree = TiledTree.empty(store.read)
    _grow(tree, store, [_leaf(i) for i in range(20)])
    with pytest.raises(ValueError, match=rf"leaf index {named} is outside 0\.\.9 for tree size 10"):
        tree.inclusion_proofs(list(range(first, end)), 10)


def test_a_batchs_proofs_to_its_growth_read_tiles_by_the_row_and_hash_no_filled_tile_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The receipts of a batch of 1,000: each level's siblings come from a tile or two (not a
    tile read per sibling), and the tiles the growth filled are not hashed again (their upper
    rows are those the growth made)."""
    store = TileStore()
    tree = TiledTree.empty(store.read)
    _grow(tree, store, [_leaf(i) for i in range(3000)])
    growth = tree.grown([_leaf(i) for i in range(3000, 4000)])
    assert growth.tree is not None
    reads, hashed = [0], [0]
    tile = TiledTree._tile

    def read(self: TiledTree, tile_id: TileId) -> bytes:
        reads[0] += 1
        return tile(self, tile_id)

    def counted(left: bytes, right: bytes) -> bytes:
        hashed[0] += 1
        return node_hash(left, right)

    monkeypatch.setattr(TiledTree, "_tile", read)
    monkeypatch.setattr(domain.tiled_tree, "node_hash", counted)
    proofs = growth.tree.inclusion_proofs(range(3000, 4000), 4000)
    assert reads[0] <= 8 * (4000).bit_length()  # ~2 a leaf (2,000) read one by one
    assert hashed[0] < TILE_WIDTH  # the partial edge tile's rows only
    monkeypatch.undo()
    assert proofs == [growth.tree.inclusion_proof(i, 4000) for i in range(3000, 4000)]
