"""C2SP tlog-tiles (c2sp.org/tlog-tiles): tile coordinates, paths, hash tiles, entry bundles.

Written by hand from the spec (transparency-logs.md §1.3; DESIGN.md §12). A *hash tile* at
level ``L`` and index ``N`` holds, for ``i`` in ``0..W-1``, the RFC 9162 hash
``MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L])`` — the root of a complete subtree of
``256**L`` leaves, i.e. the tree's node at height ``8*L`` and index ``N*256 + i``. A full tile
has ``W = 256`` (8,192 bytes); a partial one ``1 <= W <= 255``. An *entry bundle* at index
``N`` holds the entries of leaves ``N*256 .. N*256+W-1``, each as a big-endian uint16 length and
the entry's bytes, so an entry is at most 65,535 bytes. Every entry hashes, with RFC 9162 leaf
hashing (``domain.merkle.leaf_hash``), to the matching hash of the level-0 tile.

Paths (after the ``tile/`` of the spec's ``<prefix>/tile/…``): ``<L>/<N>[.p/<W>]`` and
``entries/<N>[.p/<W>]``, ``L`` decimal 0..63 without leading zeros, ``N`` in zero-padded
3-digit elements, all but the last prefixed with ``x`` (1234067 → ``x001/x234/067``), ``W``
decimal 1..255 without leading zeros. Parsing accepts exactly one spelling per tile.

Pure computation: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.merkle import HASH_SIZE

TILE_HEIGHT = 8
"""Levels of the Merkle tree one tile spans: its hashes sit 8 levels above the level below."""
TILE_WIDTH = 1 << TILE_HEIGHT
"""Hashes in a full tile, and entries in a full bundle (256)."""
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF
"""The largest entry an entry bundle can carry: its length is a big-endian uint16."""

_LEVEL = re.compile(r"0|[1-9][0-9]?")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}")
_LAST_ELEMENT = re.compile(r"[0-9]{3}")
_INNER_ELEMENT = re.compile(r"x[0-9]{3}")


class TilePathError(ValueError):
    """A tile path is not the one spelling c2sp.org/tlog-tiles gives a tile; says why."""


class EntryTooLarge(ValueError):
    """An entry exceeds the 65,535 bytes an entry bundle's uint16 length can describe."""


@dataclass(frozen=True, slots=True)
class HashTile:
    """The hash tile at ``level``, ``index``, ``width`` (256 for a full tile)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        _check_coordinates(self.index, self.width)
        if not 0 <= self.level <= MAX_LEVEL:
            raise ValueError(f"tile level {self.level} is outside 0..{MAX_LEVEL}")

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def height(self) -> int:
        """The tree height of the nodes this tile holds (0 = leaf hashes)."""
        return TILE_HEIGHT * self.level

    @property
    def first_node(self) -> int:
        """The index, among the nodes at :attr:`height`, of the tile's first hash."""
        return self.index * TILE_WIDTH

    @property
    def leaves_needed(self) -> int:
        """The tree size from which this tile exists: it spans leaves ``[start, this)``."""
        return (self.first_node + self.width) << self.height

    def path(self) -> str:
        """``<L>/<N>[.p/<W>]`` (to follow ``tile/``)."""
        return f"{self.level}/{_index_path(self.index, self.width)}"


@dataclass(frozen=True, slots=True)
class EntryBundle:
    """The entry bundle at ``index`` holding ``width`` entries (256 for a full bundle)."""

    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        _check_coordinates(self.index, self.width)

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def first_leaf(self) -> int:
        return self.index * TILE_WIDTH

    @property
    def leaves_needed(self) -> int:
        """The tree size from which this bundle exists: it holds leaves ``[first, this)``."""
        return self.first_leaf + self.width

    def path(self) -> str:
        """``entries/<N>[.p/<W>]`` (to follow ``tile/``)."""
        return f"entries/{_index_path(self.index, self.width)}"


def _check_coordinates(index: int, width: int) -> None:
    if index < 0:
        raise ValueError(f"tile index {index} is negative")
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"tile width {width} is outside 1..{TILE_WIDTH}")


def _index_path(index: int, width: int) -> str:
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    path = "/".join([*(f"x{group}" for group in groups[:-1]), groups[-1]])
    return path if width == TILE_WIDTH else f"{path}.p/{width}"


def parse_tile_path(path: str) -> HashTile | EntryBundle:
    """The tile or bundle a path names (the part after ``tile/``); :class:`TilePathError`
    unless ``path`` is exactly the spelling :meth:`HashTile.path` or :meth:`EntryBundle.path`
    gives it."""
    elements = path.split("/")
    head, rest = elements[0], elements[1:]
    if not rest:
        raise TilePathError("a tile path is <L>/<N>[.p/<W>] or entries/<N>[.p/<W>]")
    if head == "entries":
        index, width = _parse_index(rest)
        return EntryBundle(index, width)
    if _LEVEL.fullmatch(head) is None or int(head) > MAX_LEVEL:
        raise TilePathError(
            f"tile level {head[:20]!r} is not decimal 0..{MAX_LEVEL} without leading zeros"
        )
    index, width = _parse_index(rest)
    return HashTile(int(head), index, width)


def _parse_index(elements: list[str]) -> tuple[int, int]:
    """``x001/x234/067[.p/<W>]`` → (1234067, W or 256)."""
    width = TILE_WIDTH
    if len(elements) >= 2 and elements[-2].endswith(".p"):
        if _WIDTH.fullmatch(elements[-1]) is None or int(elements[-1]) >= TILE_WIDTH:
            raise TilePathError(
                f"partial tile width {elements[-1][:20]!r} is not decimal 1..255 "
                "without leading zeros"
            )
        width = int(elements[-1])
        elements = [*elements[:-2], elements[-2][: -len(".p")]]
    *inner, last = elements
    if len(elements) > 7:  # 2**64 has 20 digits: 7 elements of 3
        raise TilePathError("tile index has more than 7 path elements")
    if _LAST_ELEMENT.fullmatch(last) is None or any(
        _INNER_ELEMENT.fullmatch(element) is None for element in inner
    ):
        raise TilePathError(
            "tile index is not zero-padded 3-digit path elements, all but the last "
            "prefixed with x (e.g. x001/x234/067)"
        )
    if inner and inner[0] == "x000":
        raise TilePathError("tile index has a leading x000 element")
    return int("".join(element.lstrip("x") for element in elements)), width


# --- hash tiles ------------------------------------------------------------------------------


def hash_tile_bytes(hashes: Sequence[bytes]) -> bytes:
    """The tile's body: its 1..256 hashes of 32 bytes, concatenated."""
    if not 1 <= len(hashes) <= TILE_WIDTH:
        raise ValueError(f"a tile holds 1..{TILE_WIDTH} hashes, not {len(hashes)}")
    for position, value in enumerate(hashes):
        if len(value) != HASH_SIZE:
            raise ValueError(f"hash {position} is {len(value)} bytes, want {HASH_SIZE}")
    return b"".join(hashes)


def split_hash_tile(data: bytes) -> list[bytes]:
    """The hashes of a tile's body; ValueError unless it is 1..256 whole hashes."""
    if not data or len(data) % HASH_SIZE or len(data) > TILE_WIDTH * HASH_SIZE:
        raise ValueError(f"a tile of {len(data)} bytes is not 1..{TILE_WIDTH} hashes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def tiles_of_tree(size: int) -> list[HashTile]:
    """The rightmost tile of every level a tree of ``size`` leaves is served as, lowest level
    first: the full or partial tile a client needs for the right edge (c2sp.org/tlog-tiles,
    "Partial Tiles": level ``l`` is partial of width ``floor(size / 256**l) mod 256``)."""
    tiles = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        nodes = size >> (TILE_HEIGHT * level)  # complete subtrees of 256**level leaves
        width = nodes % TILE_WIDTH
        if width:
            tiles.append(HashTile(level, nodes // TILE_WIDTH, width))
        else:
            tiles.append(HashTile(level, nodes // TILE_WIDTH - 1))
        level += 1
    return tiles


# --- entry bundles ---------------------------------------------------------------------------


def entry_bundle_bytes(entries: Sequence[bytes]) -> bytes:
    """Each entry as a big-endian uint16 length and its bytes; :class:`EntryTooLarge` for an
    entry over 65,535 bytes (admission refuses such envelopes, so a stored one never is)."""
    parts = []
    for position, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise EntryTooLarge(
                f"entry {position} is {len(entry)} bytes; an entry bundle carries at most "
                f"{MAX_ENTRY_SIZE}"
            )
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(entry)
    return b"".join(parts)


def split_entry_bundle(data: bytes) -> list[bytes]:
    """The entries of a bundle's body; ValueError if a length runs past the end."""
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise ValueError(f"entry bundle ends inside a length prefix at byte {offset}")
        length = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if offset + length > len(data):
            raise ValueError(f"entry at byte {offset - 2} runs past the end of the bundle")
        entries.append(data[offset : offset + length])
        offset += length
    return entries
