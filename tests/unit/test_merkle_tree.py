"""domain.merkle.MerkleTree against RFC 9162 §2.1's recursive definitions and known trees.

The oracle below transcribes MTH (§2.1.1), PATH (§2.1.3.1) and PROOF/SUBPROOF (§2.1.4.1)
literally, with its own hashlib calls, so it shares no code with the module under test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence

import pytest

from domain import merkle
from domain.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

# --- RFC 9162 §2.1 oracle ---------------------------------------------------------------


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes (§2.1.1)."""
    n = len(d)
    if n == 0:
        return _sha256(b"")
    if n == 1:
        return d[0]
    k = _k(n)
    return _sha256(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (§2.1.3.1)."""
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def proof(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (§2.1.4.1)."""
    return subproof(m, d, True)


def subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


# --- transparency-dev/merkle reference tree (testonly/constants.go) ----------------------

LEAF_INPUTS = [
    bytes.fromhex(text)
    for text in (
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
ROOTS = [
    bytes.fromhex(text)
    for text in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
# NODE[level][index]: hashes of the complete subtrees of the 8-leaf reference tree.
NODE = [
    [
        bytes.fromhex(text)
        for text in (
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        )
    ],
    [
        bytes.fromhex(text)
        for text in (
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        )
    ],
    [
        bytes.fromhex("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        bytes.fromhex("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
]


def _tree(hashes: Sequence[bytes]) -> MerkleTree:
    tree = MerkleTree()
    for value in hashes:
        tree.append(value)
    return tree


@pytest.fixture(scope="module")
def reference_tree() -> MerkleTree:
    return _tree([leaf_hash(entry) for entry in LEAF_INPUTS])


# --- hashing ---------------------------------------------------------------------------


def test_hasher_vectors() -> None:
    # transparency-dev/merkle rfc6962/rfc6962_test.go (transparency-logs.md §1.6).
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_domain_separation() -> None:
    left, right = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(left, right) != leaf_hash(left + right)
    assert node_hash(left, right) != node_hash(right, left)


# --- the reference tree ----------------------------------------------------------------


def test_oracle_reproduces_reference_roots() -> None:
    hashes = [leaf_hash(entry) for entry in LEAF_INPUTS]
    assert [mth(hashes[:size]) for size in range(9)] == ROOTS


def test_reference_roots_for_every_size(reference_tree: MerkleTree) -> None:
    assert [reference_tree.root(size) for size in range(9)] == ROOTS
    assert reference_tree.root() == ROOTS[8]
    assert MerkleTree().root() == EMPTY_ROOT


def test_reference_root_from_leaf_hashes() -> None:
    hashes = [leaf_hash(entry) for entry in LEAF_INPUTS]
    assert [root_from_leaf_hashes(hashes[:size]) for size in range(9)] == ROOTS


def test_reference_leaves(reference_tree: MerkleTree) -> None:
    assert [reference_tree.leaf(index) for index in range(8)] == NODE[0]


def test_reference_proofs(reference_tree: MerkleTree) -> None:
    # testdata/inclusion/1/happy-path.json and certificate-transparency-go's hand vectors
    # (whose "leaf 6 of 8" counts from 1, i.e. index 5).
    assert reference_tree.inclusion_proof(0, 8) == [NODE[0][1], NODE[1][1], NODE[2][1]]
    assert reference_tree.inclusion_proof(5, 8) == [NODE[0][4], NODE[1][3], NODE[2][0]]
    assert reference_tree.inclusion_proof(2, 3) == [NODE[1][0]]
    assert reference_tree.consistency_proof(6, 8) == [NODE[1][2], NODE[1][3], NODE[2][0]]
    assert reference_tree.consistency_proof(2, 5) == [NODE[1][1], NODE[0][4]]
    assert reference_tree.consistency_proof(4, 8) == [NODE[2][1]]


# --- every size up to 70 against the oracle ---------------------------------------------

MAX_SIZE = 70
HASHES = [leaf_hash(f"leaf {index}".encode()) for index in range(MAX_SIZE)]
SIZES = range(1, MAX_SIZE + 1)


@pytest.fixture(scope="module")
def tree() -> MerkleTree:
    return _tree(HASHES)


def test_roots_equal_oracle_while_growing() -> None:
    growing = MerkleTree()
    for size, value in enumerate(HASHES, start=1):
        assert growing.append(value) == size - 1
        assert growing.size == size
        assert growing.root() == mth(HASHES[:size])
        assert root_from_leaf_hashes(HASHES[:size]) == growing.root()


@pytest.mark.parametrize("size", [0, *SIZES])
def test_root_after_appending_equals_oracle_and_leaves_the_tree_alone(size: int) -> None:
    prefix = _tree(HASHES[:size])
    for extra in (0, 1, 2, 5, MAX_SIZE - size):
        after = HASHES[size : size + extra]
        assert prefix.root_after(after) == mth(HASHES[: size + extra])
    assert prefix.size == size
    assert prefix.root() == mth(HASHES[:size])


@pytest.mark.parametrize("size", SIZES)
def test_historic_roots_equal_oracle(tree: MerkleTree, size: int) -> None:
    assert tree.root(size) == mth(HASHES[:size])


@pytest.mark.parametrize("size", SIZES)
def test_inclusion_proofs_equal_rfc_path(tree: MerkleTree, size: int) -> None:
    root = mth(HASHES[:size])
    for index in range(size):
        got = tree.inclusion_proof(index, size)
        assert got == path(index, HASHES[:size]), (index, size)
        verify_inclusion(HASHES[index], index, size, got, root)


@pytest.mark.parametrize("size", SIZES)
def test_consistency_proofs_equal_rfc_proof(tree: MerkleTree, size: int) -> None:
    new_root = mth(HASHES[:size])
    for old in range(1, size + 1):
        got = tree.consistency_proof(old, size)
        assert got == proof(old, HASHES[:size]), (old, size)
        verify_consistency(old, size, mth(HASHES[:old]), new_root, got)


def _flip(value: bytes, bit: int) -> bytes:
    changed = bytearray(value)
    changed[bit // 8 % len(changed)] ^= 1 << (bit % 8)
    return bytes(changed)


def _mutations(good: list[bytes]) -> Iterator[list[bytes]]:
    """Each element flipped, dropped first/last, garbage prepended/appended."""
    for position in range(len(good)):
        yield [*good[:position], _flip(good[position], position * 37), *good[position + 1 :]]
    if good:
        yield good[1:]
        yield good[:-1]
    yield [bytes(32), *good]
    yield [*good, bytes(32)]


@pytest.mark.parametrize("size", SIZES)
def test_mutated_inclusion_proofs_fail(tree: MerkleTree, size: int) -> None:
    root = tree.root(size)
    for index in range(size):
        good = tree.inclusion_proof(index, size)
        for bad in _mutations(good):
            with pytest.raises(ProofError):
                verify_inclusion(HASHES[index], index, size, bad, root)
        # A neighbour's index swaps the order of the lowest hash (or leaves the tree). The
        # tree size is not bound by the proof alone: the signed checkpoint binds it to the root.
        with pytest.raises(ProofError):
            verify_inclusion(HASHES[index], index ^ 1, size, good, root)
        with pytest.raises(ProofError):
            verify_inclusion(_flip(HASHES[index], 0), index, size, good, root)
        with pytest.raises(ProofError):
            verify_inclusion(HASHES[index], index, size, good, _flip(root, 255))


@pytest.mark.parametrize("size", SIZES)
def test_mutated_consistency_proofs_fail(tree: MerkleTree, size: int) -> None:
    new_root = tree.root(size)
    for old in range(1, size + 1):
        old_root = tree.root(old)
        good = tree.consistency_proof(old, size)
        for bad in _mutations(good):
            with pytest.raises(ProofError):
                verify_consistency(old, size, old_root, new_root, bad)
        with pytest.raises(ProofError):
            verify_consistency(old, size, _flip(old_root, 3), new_root, good)
        with pytest.raises(ProofError):
            verify_consistency(old, size, old_root, _flip(new_root, 3), good)


def test_consistency_from_an_empty_tree_is_refused() -> None:
    with pytest.raises(ProofError, match="meaningless"):
        verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])


def test_proof_hashes_must_be_32_bytes(tree: MerkleTree) -> None:
    inclusion = tree.inclusion_proof(5, 20)
    with pytest.raises(ProofError, match="proof hash 1 is 33 bytes"):
        verify_inclusion(HASHES[5], 5, 20, [inclusion[0], inclusion[1] + b"\x00"], tree.root(20))
    consistency = tree.consistency_proof(5, 20)
    with pytest.raises(ProofError, match="proof hash 0 is 31 bytes"):
        verify_consistency(5, 20, tree.root(5), tree.root(20), [consistency[0][:31]])
    with pytest.raises(ProofError, match="leaf hash is 33 bytes"):
        verify_inclusion(HASHES[5] + b"\x00", 5, 20, inclusion, tree.root(20))


@pytest.mark.parametrize(("index", "size"), [(-1, 5), (0, 0), (0, -1), (-2, -1)])
def test_negative_or_empty_inclusion_arguments_are_refused(index: int, size: int) -> None:
    # Python's -1 >> 1 == -1: without the range check the RFC loops would never end.
    with pytest.raises(ProofError, match="not within tree size"):
        verify_inclusion(HASHES[0], index, size, [], EMPTY_ROOT)


@pytest.mark.parametrize(("old", "new"), [(-1, 5), (-1, -1), (3, 2), (1, -1)])
def test_negative_or_shrinking_consistency_arguments_are_refused(old: int, new: int) -> None:
    with pytest.raises(ProofError, match=r"meaningless|larger than"):
        verify_consistency(old, new, EMPTY_ROOT, EMPTY_ROOT, [])


# --- argument checking -----------------------------------------------------------------


@pytest.mark.parametrize("value", [b"", bytes(31), bytes(33)])
def test_append_rejects_non_32_byte_hashes(value: bytes) -> None:
    tree = MerkleTree()
    with pytest.raises(ValueError, match="32"):
        tree.append(value)
    assert tree.size == 0


def test_root_from_leaf_hashes_rejects_non_32_byte_hashes() -> None:
    with pytest.raises(ValueError, match="leaf hash 1"):
        root_from_leaf_hashes([bytes(32), bytes(31)])


OUT_OF_RANGE: list[tuple[str, Callable[[MerkleTree], object]]] = [
    ("root above size", lambda t: t.root(6)),
    ("negative root", lambda t: t.root(-1)),
    ("leaf at size", lambda t: t.leaf(5)),
    ("negative leaf", lambda t: t.leaf(-1)),
    ("inclusion index at size", lambda t: t.inclusion_proof(3, 3)),
    ("inclusion negative index", lambda t: t.inclusion_proof(-1, 3)),
    ("inclusion size above tree", lambda t: t.inclusion_proof(0, 6)),
    ("inclusion size 0", lambda t: t.inclusion_proof(0, 0)),
    ("consistency from 0", lambda t: t.consistency_proof(0, 3)),
    ("consistency old above new", lambda t: t.consistency_proof(4, 3)),
    ("consistency new above tree", lambda t: t.consistency_proof(1, 6)),
]


@pytest.mark.parametrize(("name", "call"), OUT_OF_RANGE, ids=[name for name, _ in OUT_OF_RANGE])
def test_out_of_range_arguments(name: str, call: Callable[[MerkleTree], object]) -> None:
    with pytest.raises(ValueError, match="outside"):
        call(_tree(HASHES[:5]))


def test_equal_sizes_give_an_empty_consistency_proof(tree: MerkleTree) -> None:
    assert tree.consistency_proof(7, 7) == []


# --- cost: incremental, logarithmic ----------------------------------------------------


class _CountingNodeHash:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, left: bytes, right: bytes) -> bytes:
        self.calls += 1
        return node_hash(left, right)


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> _CountingNodeHash:
    counting = _CountingNodeHash()
    monkeypatch.setattr(merkle, "node_hash", counting)
    return counting


def test_appending_hashes_each_complete_subtree_once(counter: _CountingNodeHash) -> None:
    tree = MerkleTree()
    for index in range(1000):
        tree.append(HASHES[index % MAX_SIZE])
    # One node hash per complete interior subtree: 1000 - popcount(1000) of them.
    assert counter.calls == 1000 - bin(1000).count("1")


BIG = 1 << 20


@pytest.fixture(scope="module")
def big_tree() -> MerkleTree:
    tree = MerkleTree()
    for index in range(BIG + 5):
        tree.append(index.to_bytes(32, "big"))
    return tree


@pytest.mark.parametrize("size", [BIG, BIG - 1, BIG - 12345, BIG + 5])
def test_big_tree_costs_logarithmic_hashing(
    big_tree: MerkleTree, counter: _CountingNodeHash, size: int
) -> None:
    bound = size.bit_length()  # at most one hash per level of the right edge
    for index in (0, size // 3, size - 2, size - 1):
        counter.calls = 0
        root = big_tree.root(size)
        inclusion = big_tree.inclusion_proof(index, size)
        assert counter.calls <= 2 * bound
        assert len(inclusion) <= bound
        verify_inclusion(index.to_bytes(32, "big"), index, size, inclusion, root)
    for old in (1, size // 3, size - 1):
        counter.calls = 0
        consistency = big_tree.consistency_proof(old, size)
        assert counter.calls <= bound
        assert len(consistency) <= 2 * bound
        verify_consistency(old, size, big_tree.root(old), big_tree.root(size), consistency)


def test_big_tree_right_edge_matches_reference(big_tree: MerkleTree) -> None:
    # The last 2**k-aligned block plus its ragged tail, recomputed from scratch.
    tail = [index.to_bytes(32, "big") for index in range(BIG, BIG + 5)]
    assert big_tree.root(BIG + 5) == mth([big_tree.root(BIG), mth(tail)])


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 37, 64, 70])
def test_proofs_for_many_leaves_equal_each_proof(tree: MerkleTree, size: int) -> None:
    indices = list(range(size))
    assert tree.inclusion_proofs(indices, size) == [tree.inclusion_proof(i, size) for i in indices]
    with pytest.raises(ValueError, match="outside"):
        tree.inclusion_proofs([size], size)


@pytest.mark.parametrize("size", [1, 2, 7, 37, 70])
def test_proofs_for_leaves_in_any_order_and_repeated(tree: MerkleTree, size: int) -> None:
    indices = [size - 1, 0, size // 2, size - 1, *range(size // 3, size), 0]
    proofs = tree.inclusion_proofs(indices, size)
    assert proofs == [tree.inclusion_proof(i, size) for i in indices]
    proofs[0].append(b"mutated")  # each proof is the caller's own list
    assert tree.inclusion_proofs(indices, size)[3] == tree.inclusion_proof(size - 1, size)


class _CountingNodes(MerkleTree):
    def __init__(self, source: MerkleTree) -> None:
        super().__init__()
        self._levels = source._levels
        self.lookups = 0

    def _node(self, level: int, index: int) -> bytes:
        self.lookups += 1
        return super()._node(level, index)


@pytest.mark.parametrize("size", [BIG, BIG - 12345, BIG + 5])
def test_proofs_for_a_run_of_leaves_share_their_upper_paths(
    big_tree: MerkleTree, size: int
) -> None:
    """A batch's receipts: 1,000 consecutive leaves cost ~2 lookups a leaf, not ~20."""
    counting = _CountingNodes(big_tree)
    indices = list(range(size - 1000, size))
    proofs = counting.inclusion_proofs(indices, size)
    assert counting.lookups <= 2 * len(indices) + 2 * size.bit_length() ** 2
    assert proofs[::97] == [big_tree.inclusion_proof(i, size) for i in indices[::97]]
