"""domain.tlog_tiles: C2SP tlog-tiles paths, hash tiles and entry bundles.

Paths are checked against the spec's own examples and the Go reference encoding
(``golang.org/x/mod/sumdb/tlog`` ``Tile.Path``, which C2SP took over without the height element);
tiles against the RFC 9162 reference tree of transparency-dev/merkle (its leaves, and the root
its inclusion vector ``inclusion/1/happy-path.json`` states for them).
"""

from __future__ import annotations

import base64
import json

import pytest
import rfc8785

from domain.leaf import envelope_bytes, envelope_leaf_hash
from domain.merkle import MerkleTree, leaf_hash, root_from_leaf_hashes
from domain.tlog_tiles import (
    MAX_ENTRY_SIZE,
    TILE_WIDTH,
    EntryBundle,
    EntryTooLarge,
    HashTile,
    TilePathError,
    entry_bundle_bytes,
    hash_tile_bytes,
    parse_tile_path,
    split_entry_bundle,
    split_hash_tile,
    tiles_of_tree,
)
from tests.builders import Cast, artefact
from tests.unit.test_merkle_vectors import VECTORS

# transparency-dev/merkle testonly/constants.go: the leaves of the reference tree of 8.
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]


def _reference_root() -> bytes:
    case = json.loads((VECTORS / "inclusion" / "1" / "happy-path.json").read_text())
    assert case["treeSize"] == len(REFERENCE_LEAVES)
    return base64.b64decode(case["root"])


# --- paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tile", "path"),
    [
        (HashTile(0, 0), "0/000"),
        (HashTile(0, 1234067), "0/x001/x234/067"),  # the spec's example
        (HashTile(0, 1000), "0/x001/000"),
        (HashTile(0, 999), "0/999"),
        (HashTile(2, 5, 17), "2/005.p/17"),
        (HashTile(63, 2**56 - 1), "63/x072/x057/x594/x037/x927/935"),
        (EntryBundle(0, 1), "entries/000.p/1"),
        (EntryBundle(1234067, 255), "entries/x001/x234/067.p/255"),
        (EntryBundle(7), "entries/007"),
    ],
)
def test_paths_are_the_spec_spelling_and_parse_back(
    tile: HashTile | EntryBundle, path: str
) -> None:
    assert tile.path() == path
    assert parse_tile_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "",
        "0",
        "entries",
        "0/0",  # not zero-padded
        "0/0000",
        "0/1234",
        "0/x001",  # the last element carries no x
        "0/001/234",  # inner elements carry an x
        "0/x000/001",  # no leading zero element
        "0/X001/000",
        "00/000",  # level with a leading zero
        "64/000",  # level beyond 63
        "-1/000",
        "data/000",  # the Go checksum database's name, not C2SP's
        "0/000.p/0",
        "0/000.p/256",
        "0/000.p/007",
        "0/000.p/",
        "0/000.p",
        "0/.p/5",
        "0/000/",
        "0/x001/x002/x003/x004/x005/x006/x007/008",  # 24 digits: past 2**64
        "0/ 000",
        "0/٠٠٠",  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_every_other_spelling_is_refused(path: str) -> None:
    with pytest.raises(TilePathError):
        parse_tile_path(path)


def test_coordinates_are_checked() -> None:
    with pytest.raises(ValueError, match="width 0"):
        HashTile(0, 0, 0)
    with pytest.raises(ValueError, match="width 257"):
        HashTile(0, 0, 257)
    with pytest.raises(ValueError, match="level 64"):
        HashTile(64, 0)
    with pytest.raises(ValueError, match="negative"):
        EntryBundle(-1)


def test_a_tile_exists_once_the_tree_covers_its_last_hash() -> None:
    assert HashTile(0, 0).leaves_needed == 256
    assert HashTile(0, 1, 44).leaves_needed == 300
    assert HashTile(1, 0, 1).leaves_needed == 256
    assert HashTile(1, 0).leaves_needed == 65536
    assert HashTile(2, 0, 1).leaves_needed == 65536
    assert EntryBundle(1, 44).leaves_needed == 300


def test_the_right_edge_tiles_match_the_spec_examples() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
    # tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
    # partial level 2 tile of width 1"
    assert tiles_of_tree(70_000) == [HashTile(0, 273, 112), HashTile(1, 1, 17), HashTile(2, 0, 1)]
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1
    # tile of width 1"
    assert tiles_of_tree(256) == [HashTile(0, 0), HashTile(1, 0, 1)]
    assert tiles_of_tree(0) == []
    assert tiles_of_tree(1) == [HashTile(0, 0, 1)]
    for size in (1, 255, 256, 257, 65535, 65536, 70_000):
        assert all(tile.leaves_needed <= size for tile in tiles_of_tree(size))


# --- hash tiles -----------------------------------------------------------------------------


def test_the_level_0_tile_of_the_reference_tree_gives_its_root() -> None:
    tree = MerkleTree()
    for entry in REFERENCE_LEAVES:
        tree.append(leaf_hash(entry))
    tile = hash_tile_bytes(tree.subtree_hashes(0, 0, len(REFERENCE_LEAVES)))
    assert len(tile) == 8 * 32
    assert root_from_leaf_hashes(split_hash_tile(tile)) == _reference_root() == tree.root()
    assert split_hash_tile(tile)[0].hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


def test_higher_tiles_hold_roots_of_full_tiles_below() -> None:
    size = 3 * TILE_WIDTH + 17
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    tree = MerkleTree()
    for value in leaves:
        tree.append(value)
    level_1 = tree.subtree_hashes(8, 0, 3)
    assert level_1 == [
        root_from_leaf_hashes(leaves[i * TILE_WIDTH : (i + 1) * TILE_WIDTH]) for i in range(3)
    ]
    assert tree.subtree_hashes(0, 768, 785) == leaves[768:]
    # The root from the right-edge tiles alone: the level-1 hashes, then the partial tile.
    right_edge = root_from_leaf_hashes(leaves[768:])
    left = root_from_leaf_hashes(level_1[:2])
    assert tree.root() == root_from_leaf_hashes(
        [left, root_from_leaf_hashes([level_1[2], right_edge])]
    )
    with pytest.raises(ValueError, match="not all complete"):
        tree.subtree_hashes(8, 0, 4)  # the fourth subtree of 256 is not complete
    with pytest.raises(ValueError, match="not all complete"):
        tree.subtree_hashes(0, 780, 786)


def test_tile_bodies_are_checked() -> None:
    with pytest.raises(ValueError, match="not 0"):
        hash_tile_bytes([])
    with pytest.raises(ValueError, match="31 bytes"):
        hash_tile_bytes([b"\x00" * 31])
    with pytest.raises(ValueError, match="not 257"):
        hash_tile_bytes([b"\x00" * 32] * 257)
    for body in (b"", b"\x00" * 33, b"\x00" * (257 * 32)):
        with pytest.raises(ValueError, match=r"is not 1\.\.256 hashes"):
            split_hash_tile(body)


# --- entry bundles --------------------------------------------------------------------------


def test_bundles_are_uint16_length_prefixed_and_hash_to_the_level_0_tile() -> None:
    bundle = entry_bundle_bytes(REFERENCE_LEAVES)
    assert bundle[:6] == b"\x00\x00\x00\x01\x00\x00"  # "" then 00
    entries = split_entry_bundle(bundle)
    assert entries == REFERENCE_LEAVES
    assert root_from_leaf_hashes([leaf_hash(e) for e in entries]) == _reference_root()


def test_an_entry_is_the_rfc_8785_bytes_the_leaf_hash_covers() -> None:
    document = artefact(Cast().acme, "acme/x/weights", "parameters", "model-parameters")
    (entry,) = split_entry_bundle(entry_bundle_bytes([envelope_bytes(document)]))
    assert entry == rfc8785.dumps(document)
    assert leaf_hash(entry) == envelope_leaf_hash(document)


def test_entries_are_at_most_65535_bytes() -> None:
    largest = b"\xff" * MAX_ENTRY_SIZE
    assert split_entry_bundle(entry_bundle_bytes([largest, b"x"])) == [largest, b"x"]
    assert entry_bundle_bytes([largest])[:2] == b"\xff\xff"
    with pytest.raises(EntryTooLarge, match="65535"):
        entry_bundle_bytes([b"x", largest + b"x"])


@pytest.mark.parametrize("body", [b"\x00", b"\x00\x02a", b"\x00\x01a\x00"])
def test_truncated_bundles_are_refused(body: bytes) -> None:
    with pytest.raises(ValueError, match="bundle"):
        split_entry_bundle(body)


def test_every_right_edge_tile_of_the_spec_tree_of_70000_holds_its_subtree_roots() -> None:
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(70_000)]
    tree = MerkleTree()
    for value in leaves:
        tree.append(value)
    full_level_1 = HashTile(1, 0)
    for tile in [*tiles_of_tree(70_000), full_level_1]:
        assert tile.leaves_needed <= tree.size
        span = 1 << tile.height
        hashes = split_hash_tile(
            hash_tile_bytes(
                tree.subtree_hashes(tile.height, tile.first_node, tile.first_node + tile.width)
            )
        )
        assert len(hashes) == tile.width
        for i in (0, tile.width - 1):  # the first and last hash, each from the leaves directly
            start = (tile.first_node + i) * span
            assert hashes[i] == root_from_leaf_hashes(leaves[start : start + span])
    assert HashTile(2, 0, 1).leaves_needed == 65_536 <= tree.size < HashTile(1, 1, 18).leaves_needed
