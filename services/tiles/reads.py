"""Answers of the tlog-tiles read API: the signed checkpoint and tiles, with their caching.

A full tile never changes (its hashes are roots of complete subtrees), so it is served as
immutable for a year; a partial tile of a given width never changes either, but the spec lets a
log drop it once the full tile exists, so it is cached briefly; the checkpoint changes with
every write and is not cached without revalidation (c2sp.org/tlog-tiles; DESIGN.md §12).
Entry bundles "SHOULD be compressed at the HTTP layer": the route gzips them for clients that
accept it.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.tlog_tiles import EntryBundle, HashTile, TilePathError, parse_tile_path
from services.tiles.source import TileSource
from services.write.transparency_log import TransparencyLog

FULL_TILE_CACHE = "public, max-age=31536000, immutable"
PARTIAL_TILE_CACHE = "public, max-age=60"
CHECKPOINT_CACHE = "no-cache"


NOT_YET_CACHE = "no-store"
"""A 404 for a tile the tree does not cover yet: it will exist, so no cache may keep the 404."""


class InvalidTilePath(ValueError):
    """The path is not a tile's one spelling in c2sp.org/tlog-tiles (a 400); says why."""


class TileNotYet(LookupError):
    """The tree does not cover the tile yet (a 404 no cache keeps); says how far it is."""


@dataclass(frozen=True, slots=True)
class TileAnswer:
    body: bytes
    cache_control: str
    compressible: bool  # entry bundles (JSON text) are; hash tiles (random bytes) are not


class TileReads:
    def __init__(self, source: TileSource, log: TransparencyLog) -> None:
        self._source = source
        self._log = log

    def checkpoint(self) -> str:
        """The newest signed checkpoint note (:class:`LogUnsafe` while the log is halted)."""
        return self._log.checkpoint()

    def tile(self, path: str) -> TileAnswer:
        """The tile or entry bundle at ``path`` (after ``tile/``). :class:`InvalidTilePath`
        for a path that names no tile; :class:`TileNotYet` for one beyond the tree."""
        try:
            tile = parse_tile_path(path)
        except TilePathError as error:
            raise InvalidTilePath(str(error)) from None
        size = self._source.tree_size()
        if tile.leaves_needed > size:
            what = "entry bundle" if isinstance(tile, EntryBundle) else "tile"
            raise TileNotYet(
                f"{what} {path} needs {tile.leaves_needed} entries; the log holds {size}"
            )
        cache = PARTIAL_TILE_CACHE if tile.partial else FULL_TILE_CACHE
        if isinstance(tile, HashTile):
            return TileAnswer(self._source.hash_tile(tile), cache, compressible=False)
        return TileAnswer(self._source.entry_bundle(tile), cache, compressible=True)
