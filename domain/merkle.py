"""RFC 9162 §2.1 Merkle trees over SHA-256: hashing, proofs and proof verification.

Written by hand from RFC 9162 §2.1 (which restates RFC 6962 §2.1): no maintained Python library
offers RFC 9162 audit paths as public API (transparency-logs.md §4.2). Verification follows the
RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms plus the input rules of transparency-dev/merkle
(``proof/verify.go``), and is tested against that project's JSON vectors.

Pure computation: hashlib only; no I/O, clock or randomness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

HASH_SIZE = 32
"""Bytes in every leaf hash, node hash, root and proof element (SHA-256)."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() — the root of the empty tree (RFC 9162 §2.1.1)."""


class ProofError(ValueError):
    """A Merkle inclusion or consistency proof does not verify; the message names what failed."""


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d), the hash of one leaf entry (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right), the hash of an interior node (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, by the recursive definition of RFC 9162 §2.1.1.

    A reference: O(n) hashes and O(log n) recursion depth, no state kept. Raises ValueError if a
    leaf hash is not 32 bytes. Use ``MerkleTree`` for anything that grows or needs proofs.
    """
    for position, value in enumerate(hashes):
        _require_hash(value, f"leaf hash {position}")
    return _mth(hashes, 0, len(hashes))


def _mth(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    count = end - start
    if count == 0:
        return EMPTY_ROOT
    if count == 1:
        return hashes[start]
    split = start + _largest_power_of_two_below(count)
    return node_hash(_mth(hashes, start, split), _mth(hashes, split, end))


def _largest_power_of_two_below(n: int) -> int:
    """k in RFC 9162 §2.1.1: the largest power of two strictly less than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _require_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ValueError(f"{what} is {len(value)} bytes, want {HASH_SIZE}")


class MerkleTree:
    """An in-memory, append-only RFC 9162 Merkle tree over 32-byte leaf hashes.

    It stores the hash of every complete subtree: ``_levels[k]`` holds, in 32-byte slots, the
    hashes of the subtrees of 2**k leaves that start at multiples of 2**k (level 0 = the leaves).
    Those never change once complete, so roots and proofs for every historic size stay
    available. Appending costs amortised one node hash. A root or proof costs O(log n) lookups
    plus at most O(log n) hashes for the incomplete right edge; nothing is ever rebuilt.
    Not thread-safe: callers serialise appends.
    """

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return len(self._levels[0]) // HASH_SIZE

    def append(self, leaf_hash: bytes) -> int:
        """Append one leaf hash (SHA-256(0x00 || entry), see ``leaf_hash``); return its index.

        Raises ValueError unless ``leaf_hash`` is 32 bytes. The caller is responsible for having
        hashed the entry with the 0x00 leaf prefix: the tree cannot tell.
        """
        _require_hash(leaf_hash, "leaf hash")
        index = self.size
        self._levels[0] += leaf_hash
        self._complete_parents(index, leaf_hash)
        return index

    def _complete_parents(self, index: int, value: bytes) -> None:
        """Store every subtree hash that the leaf at ``index`` completes (amortised O(1))."""
        level = 0
        while index & 1:  # a right child: its parent subtree is now complete
            value = node_hash(self._node(level, index - 1), value)
            level, index = level + 1, index >> 1
            if level == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level] += value

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all); ``EMPTY_ROOT`` for size 0.

        Raises ValueError unless 0 <= size <= self.size.
        """
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")
        return self._range_hash(0, size) if size else EMPTY_ROOT

    def root_after(self, leaf_hashes: Sequence[bytes]) -> bytes:
        """MTH of this tree with ``leaf_hashes`` appended, leaving this tree unchanged.

        Starts from the complete subtrees of the right edge (one per set bit of the size,
        largest first) and appends the new leaves to that compact range, merging equal
        levels; then folds it from the right, as ``_range_hash`` does.
        """
        stack: list[tuple[int, bytes]] = []
        start, size = 0, self.size
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                stack.append((level, self._node(level, start >> level)))
                start += 1 << level
        for leaf in leaf_hashes:
            _require_hash(leaf, "leaf hash")
            level, value = 0, leaf
            while stack and stack[-1][0] == level:
                value = node_hash(stack.pop()[1], value)
                level += 1
            stack.append((level, value))
        if not stack:
            return EMPTY_ROOT
        value = stack.pop()[1]
        while stack:
            value = node_hash(stack.pop()[1], value)
        return value

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``; raises ValueError unless 0 <= index < self.size."""
        if not 0 <= index < self.size:
            raise ValueError(f"leaf index {index} is outside 0..{self.size - 1}")
        return self._node(0, index)

    def subtree_hashes(self, level: int, start: int, end: int) -> list[bytes]:
        """MTH(D[i * 2**level : (i + 1) * 2**level]) for i in ``start..end-1``: the stored hashes
        of complete subtrees of 2**level leaves (level 0 = leaf hashes). Raises ValueError
        unless 0 <= start <= end and every one of them is complete in this tree."""
        if level < 0 or not 0 <= start <= end or (end << level) > self.size:
            raise ValueError(
                f"subtrees {start}..{end - 1} of 2**{level} leaves are not all complete "
                f"in a tree of {self.size}"
            )
        if start == end:
            return []
        stored = self._levels[level]
        return [bytes(stored[i * HASH_SIZE : (i + 1) * HASH_SIZE]) for i in range(start, end)]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]) of RFC 9162 §2.1.3.1: sibling hashes ordered leaf to root.

        Raises ValueError unless 0 <= index < size <= self.size.
        """
        if not 0 < size <= self.size:
            raise ValueError(f"tree size {size} is outside 1..{self.size}")
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is outside 0..{size - 1} for tree size {size}")
        return self._path(index, size, 0)

    def inclusion_proofs(self, indices: Sequence[int], size: int) -> list[list[bytes]]:
        """:meth:`inclusion_proof` for each index, to the one tree ``size``."""
        return self.encoded_inclusion_proofs(indices, size, _same)

    def encoded_inclusion_proofs(
        self, indices: Sequence[int], size: int, encode: Callable[[bytes], T]
    ) -> list[list[T]]:
        """:meth:`inclusion_proofs` with each hash given as ``encode`` makes it (e.g.
        ``bytes.hex`` for receipts), each distinct hash encoded once.

        Receipts for a batch of consecutive leaves share nearly all of their paths: from level
        ``k`` up, a path depends only on the leaf's ancestor at ``k``. So each ancestor's path
        upwards is worked out once and the paths below it extend it: a run of ``m`` leaves
        costs about ``2m`` sibling lookups and encodings, not ``m log n`` (and the incomplete
        subtrees on the right border are hashed once). A run of consecutive leaves (a batch's
        receipts) reads its siblings a level row at a time (:meth:`_nodes`)."""
        if not 0 < size <= self.size:
            raise ValueError(f"tree size {size} is outside 1..{self.size}")
        if len(indices) > 1 and _consecutive(indices):
            first, end = indices[0], indices[-1] + 1
            if first < 0 or end > size:  # the first index out of range, as below
                index = first if not 0 <= first < size else size
                raise ValueError(
                    f"leaf index {index} is outside 0..{size - 1} for tree size {size}"
                )
            return self._run_proofs(first, end, size, encode)
        last = size - 1
        top = last.bit_length()  # the root's level: no sibling from here up
        upward: list[dict[int, list[T]]] = [{} for _ in range(top)]
        upward.append({0: []})
        proofs = []
        for index in indices:
            if not 0 <= index < size:
                raise ValueError(
                    f"leaf index {index} is outside 0..{size - 1} for tree size {size}"
                )
            level, node, unknown = 0, index, []
            while (path := upward[level].get(node)) is None:
                unknown.append(node)
                level, node = level + 1, node >> 1
            for node in reversed(unknown):
                level -= 1
                # Off the right border every node has a sibling; on it, only a right child.
                if node != last >> level or node & 1:
                    path = [encode(self._sibling(level, node ^ 1, size)), *path]
                upward[level][node] = path
            # A path made for this leaf is its own; one found (a repeated index) is copied.
            proofs.append(path if unknown else list(path))
        return proofs

    def _run_proofs(
        self, first: int, end: int, size: int, encode: Callable[[bytes], T]
    ) -> list[list[T]]:
        """The proofs of leaves ``first``…``end - 1`` to the tree ``size``: level by level from
        the root down, each ancestor's path is its parent's with its sibling in front, the
        siblings of a level read in one row of complete nodes (the incomplete one on the right
        border, if needed, hashed from its parts)."""
        last = size - 1
        paths: list[list[T]] = [[]]  # the ancestors' paths at the level above, from ``above``
        above = 0
        for level in range(last.bit_length() - 1, -1, -1):
            low, high, border = first >> level, (end - 1) >> level, last >> level
            complete = size >> level  # nodes 0..complete-1 of this level are complete
            start, stop = low & ~1, min((high | 1) + 1, complete)
            row = self._nodes(level, start, stop) if start < stop else []
            below: list[list[T]] = []
            for node in range(low, high + 1):
                path = paths[(node >> 1) - above]
                # Off the right border every node has a sibling; on it, only a right child.
                if node != border or node & 1:
                    sibling = node ^ 1
                    hashed = (
                        row[sibling - start]
                        if sibling < stop
                        else self._sibling(level, sibling, size)
                    )
                    path = [encode(hashed), *path]
                below.append(path)
            paths, above = below, low
        return paths

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """PROOF(old, D[new]) of RFC 9162 §2.1.4.1; ``[]`` when old == new.

        Raises ValueError unless 0 < old <= new <= self.size.
        """
        if not 0 < new <= self.size:
            raise ValueError(f"new tree size {new} is outside 1..{self.size}")
        if not 0 < old <= new:
            raise ValueError(f"old tree size {old} is outside 1..{new}")
        if old == new:
            return []
        # Below level ``shift`` the paths of leaf old-1 in both trees agree: the old tree's
        # last complete subtree at that level is the seed, and the verifier knows it when it
        # is the whole old tree (old a power of two).
        shift = (old & -old).bit_length() - 1
        path = self._path(old - 1, new, shift)
        if old == 1 << shift:
            return path
        return [self._node(shift, (old - 1) >> shift), *path]

    def _path(self, index: int, size: int, from_level: int) -> list[bytes]:
        """The audit path of leaf ``index`` in tree ``size``, from ``from_level`` upwards.

        Below level ``inner`` the paths to ``index`` and to the last leaf differ, so every
        level has a sibling (only the highest one can be incomplete). From ``inner`` up the
        node is on the right border and has a left sibling only where ``index`` has a 1 bit.
        """
        inner = (index ^ (size - 1)).bit_length()
        path = [
            self._sibling(level, (index >> level) ^ 1, size) for level in range(from_level, inner)
        ]
        for level in range(max(inner, from_level), size.bit_length()):
            if (index >> level) & 1:
                path.append(self._sibling(level, (index >> level) ^ 1, size))
        return path

    def _sibling(self, level: int, sibling: int, size: int) -> bytes:
        """MTH of node ``sibling`` at ``level`` in tree ``size`` (incomplete on the right
        border: hashed from its complete parts)."""
        start = sibling << level
        end = start + (1 << level)
        if end <= size:
            return self._node(level, sibling)
        return self._range_hash(start, size)

    def _range_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a non-empty range that starts at a multiple of its largest
        power-of-two part, as all RFC 9162 subtrees do: fold its complete subtrees from the
        right (popcount(end - start) - 1 hashes).
        """
        parts: list[bytes] = []
        while start < end:
            level = (end - start).bit_length() - 1
            parts.append(self._node(level, start >> level))
            start += 1 << level
        value = parts.pop()
        while parts:
            value = node_hash(parts.pop(), value)
        return value

    def _node(self, level: int, index: int) -> bytes:
        offset = index * HASH_SIZE
        return bytes(self._levels[level][offset : offset + HASH_SIZE])

    def _nodes(self, level: int, start: int, end: int) -> list[bytes]:
        """The complete nodes ``start``…``end - 1`` of ``level`` (:meth:`_node` of each)."""
        return [self._node(level, index) for index in range(start, end)]


def _same(value: bytes) -> bytes:
    return value


def _consecutive(indices: Sequence[int]) -> bool:
    """Whether ``indices`` count up by one."""
    if isinstance(indices, range):
        return indices.step == 1
    first = indices[0]
    return indices[-1] - first == len(indices) - 1 and all(
        index == first + offset for offset, index in enumerate(indices)
    )


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``proof`` shows ``leaf_hash`` at ``index`` in the tree ``size`` with ``root``.

    RFC 9162 §2.1.3.2, with transparency-dev/merkle's input rules: the leaf hash and every
    proof hash must be 32 bytes and 0 <= index < size. Raises ProofError naming what failed.
    Callers MUST still check that ``root`` and ``size`` come from a checkpoint they verified
    (signature, origin) and that ``leaf_hash`` is SHA-256(0x00 || the entry they care about).
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not within tree size {size}")
    _require_proof_hash(leaf_hash, "leaf hash")
    _require_proof_hashes(proof)
    if _root_from_inclusion_path(leaf_hash, index, size, proof) != root:
        raise ProofError(f"inclusion proof for leaf {index} does not lead to the expected root")


def _root_from_inclusion_path(seed: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 steps 2-5: walk the bits of the index (fn) and last index (sn)."""
    fn, sn, value = index, size - 1, seed
    for sibling in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof has too many hashes for tree size {size}")
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            fn, sn = _skip_right_border(fn, sn)
        else:
            value = node_hash(value, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"inclusion proof has too few hashes for tree size {size}")
    return value


def _skip_right_border(fn: int, sn: int) -> tuple[int, int]:
    """RFC 9162: "If LSB(fn) is not set, then right-shift both fn and sn equally until either
    LSB(fn) is set or fn is 0" — levels where the node on the right border has no sibling.
    """
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree ``new_size``/``new_root`` extends the tree ``old_size``/``old_root``.

    RFC 9162 §2.1.4.2, with transparency-dev/merkle's input rules: 0 < old_size <= new_size
    (a proof from the empty tree is meaningless and refused: callers that accept an empty old
    tree must special-case it themselves); for equal sizes the proof must be empty and the
    roots equal; otherwise every proof hash must be 32 bytes. Roots are only compared, never
    length-checked (for equal sizes two equal roots of any length pass, as in transparency-dev).
    Raises ProofError naming what failed. Callers MUST still check that both roots come from
    checkpoints they verified.
    """
    if old_size <= 0:
        raise ProofError(f"consistency proof from tree size {old_size} is meaningless (need > 0)")
    if old_size > new_size:
        raise ProofError(f"old tree size {old_size} is larger than new tree size {new_size}")
    if old_size == new_size:
        _verify_same_tree(old_root, new_root, proof)
        return
    if not proof:
        raise ProofError(f"consistency proof from {old_size} to {new_size} is empty")
    _require_proof_hashes(proof)
    calculated_old, calculated_new = _roots_from_consistency_path(
        old_size, new_size, old_root, proof
    )
    if calculated_old != old_root:
        raise ProofError(f"consistency proof does not reproduce the old root of size {old_size}")
    if calculated_new != new_root:
        raise ProofError(f"consistency proof does not lead to the new root of size {new_size}")


def _verify_same_tree(old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    if proof:
        raise ProofError("consistency proof between equal tree sizes must be empty")
    if old_root != new_root:
        raise ProofError("equal tree sizes but different roots")


def _roots_from_consistency_path(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """RFC 9162 §2.1.4.2 steps 2-6: rebuild both roots (fr, sr) from the proof."""
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for value in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof has too many hashes for tree size {new_size}")
        if fn & 1 or fn == sn:
            first, second = node_hash(value, first), node_hash(value, second)
            fn, sn = _skip_right_border(fn, sn)
        else:
            second = node_hash(second, value)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"consistency proof has too few hashes for tree size {new_size}")
    return first, second


def _require_proof_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, want {HASH_SIZE}")


def _require_proof_hashes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        _require_proof_hash(value, f"proof hash {position}")
