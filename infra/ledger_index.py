"""What a server needs at the head, stored beside the log (DESIGN.md §12, issue 13).

Three tables, written by the recorder in the very transaction that inserts the leaves they
describe (so they can never disagree with the log), and read on demand through a bounded cache:

- ``leaves``: one row per leaf — its index, log position, event id, recorded time and subject
  (lookups by event id and by subject);
- ``tiles``: the Merkle tree as C2SP tlog-tiles (``domain.tiled_tree``), partial tiles rewritten
  in place until full;
- ``state``: the admission state (signers, subjects, claims, licence spellings, models) as JSON
  values under prefixed keys (``services.stored_state``).

A server opens from these in constant time instead of replaying the log; the auditor still
replays everything. The SQL is shared by SQLite and PostgreSQL (``?`` becomes ``%s``); the
in-memory store keeps the same data in dictionaries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from domain.quick_init import quick_init
from domain.tiled_tree import TileId

_CHUNK = 500  # parameters per IN (...) list
# On PostgreSQL a list of values is one JSON text parameter, unpacked by the server. As an
# array parameter (``= ANY(%s)``), psycopg wrote a batch read-ahead's 3,000 values element by
# element in Python and PostgreSQL planned the query with each of them (16 ms a call, against
# 4 ms for the same rows this way, measured on a 100,000-leaf ledger).
_ELEMENTS = "ARRAY(SELECT jsonb_array_elements_text(?::jsonb){cast})"


@quick_init
@dataclass(frozen=True, slots=True)
class IndexedLeaf:
    leaf_index: int
    position: int  # 0 until the insert assigns it
    event_id: str
    recorded_at: str
    subject: str


@dataclass(frozen=True, slots=True)
class IndexChanges:
    """Rows to write with a commit: new leaves, changed tiles, changed state values."""

    leaves: Sequence[IndexedLeaf] = ()
    tiles: Mapping[TileId, bytes] = field(default_factory=dict)
    state: Mapping[str, str] = field(default_factory=dict)
    new_state: Mapping[str, str] = field(default_factory=dict)
    """State values of keys the writer found unstored (new subjects and signers, say). Written
    as ``state`` is, but on PostgreSQL by a plain ``INSERT``: a key stored meanwhile by another
    writer then fails the commit, as any conflict does, where an upsert's speculative insertion
    costs more (1,000 new keys: 1.8 against 3.3 ms of the database's time)."""


class LedgerIndex(Protocol):
    def indexed_size(self) -> int: ...
    def leaves(self, first: int, last: int) -> list[IndexedLeaf]: ...
    def leaves_by_event_id(self, event_ids: Sequence[str]) -> list[IndexedLeaf]: ...
    def lookup(
        self, event_ids: Sequence[str], keys: Sequence[str]
    ) -> tuple[list[IndexedLeaf], dict[str, str]]:
        """The leaves of ``event_ids`` and the state values of ``keys``, in one read where
        the store allows (what a writer looks up before admitting a group)."""

    def leaves_by_event_id_prefix(self, prefix: str, limit: int) -> list[IndexedLeaf]: ...
    def leaves_of(self, subjects: Sequence[str]) -> list[IndexedLeaf]: ...
    def tiles(self, ids: Sequence[TileId]) -> dict[TileId, bytes]: ...
    def state(self, keys: Sequence[str]) -> dict[str, str]: ...
    def state_with_prefix(self, prefix: str) -> dict[str, str]: ...
    def write(self, changes: IndexChanges) -> None:
        """Write rows outside a commit (indexing a ledger written before the index)."""


class _Cursor(Protocol):
    def execute(self, query: Any, params: Any = ...) -> Any: ...
    def executemany(self, query: Any, params: Any) -> Any: ...
    def fetchall(self) -> Any: ...


def index_ddl(prefix: str, blob: str, index_name: str, key: str = "TEXT") -> list[str]:
    """``CREATE`` statements of the three tables named ``<prefix>leaves`` and so on (the
    subject index named ``index_name``). ``key``: the type of the text columns that are
    searched, ranged and ordered (event ids, subjects, state keys), which must compare code
    points as Python does (SQLite's ``TEXT``; PostgreSQL's ``TEXT COLLATE "C"``)."""
    return [
        f"CREATE TABLE IF NOT EXISTS {prefix}leaves (leaf_index BIGINT PRIMARY KEY, "
        f"position BIGINT NOT NULL, event_id {key} NOT NULL UNIQUE, recorded_at TEXT NOT NULL, "
        f"subject {key} NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {index_name} ON {prefix}leaves (subject, leaf_index)",
        f"CREATE TABLE IF NOT EXISTS {prefix}tiles (level INTEGER NOT NULL, idx BIGINT NOT NULL, "
        f"hashes {blob} NOT NULL, PRIMARY KEY (level, idx))",
        f"CREATE TABLE IF NOT EXISTS {prefix}state (key {key} PRIMARY KEY, value TEXT NOT NULL)",
    ]


class SqlIndex:
    """The index over SQL: ``run(fn)`` calls ``fn`` with a cursor of a read transaction;
    ``write_with(cursor, changes, positions)`` runs inside the caller's transaction.

    On PostgreSQL (``%s`` placeholders) a list of values is one JSON array parameter, unpacked
    by the server (``= ANY(ARRAY(SELECT jsonb_array_elements_text(%s::jsonb)))``): the
    statement's text stays the same whatever the list's length, so it is converted once. It is
    planned for each call, never prepared: a prepared statement's generic
    plan, chosen while the table was small (a new ledger's first single-event writes), stays a
    sequential scan on that connection as the table grows, and each batch's read-ahead then
    compared every leaf with its 1,000 event ids (~0.7 CPU-s a batch at ~20,000 leaves, and
    growing). SQLite gets ``IN (?, ?, …)`` in chunks."""

    def __init__(
        self,
        prefix: str,
        run: Callable[[Callable[[_Cursor], Any]], Any],
        write: Callable[[IndexChanges], None],
        *,
        placeholder: str,
    ) -> None:
        self._t = prefix
        self._run = run
        self._write = write
        self._p = placeholder

    def _q(self, sql: str) -> str:
        return sql.replace("?", self._p).replace("§", self._t)

    def _select(self, sql: str, params: Sequence[Any] = (), *, arrays: bool = False) -> list[Any]:
        """Rows of ``sql``; ``arrays``: it takes array parameters, so PostgreSQL plans it with
        the values at hand on each call, never from a prepared statement (see above)."""

        def query(cursor: _Cursor) -> list[Any]:
            if arrays:
                psycopg_cursor: Any = cursor
                psycopg_cursor.execute(self._q(sql), tuple(params), prepare=False)
            else:
                cursor.execute(self._q(sql), tuple(params))
            return list(cursor.fetchall())

        result: list[Any] = self._run(query)
        return result

    @property
    def _arrays(self) -> bool:
        return self._p == "%s"

    def _select_in(
        self, sql: str, values: Sequence[Any], suffix: str = "", *, cast: str = ""
    ) -> list[Any]:
        """``sql`` followed by ``IN values``; ``cast``: the SQL type of non-text values."""
        if not values:
            return []
        if self._arrays:
            return self._select(
                f"{sql} = ANY({_ELEMENTS.format(cast=cast)}){suffix}",
                [_json_array(values)],
                arrays=True,
            )
        values = _findable(values)
        rows: list[Any] = []
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows += self._select(f"{sql} IN ({marks}){suffix}", chunk)
        return rows

    def lookup(
        self, event_ids: Sequence[str], keys: Sequence[str]
    ) -> tuple[list[IndexedLeaf], dict[str, str]]:
        if not keys:
            return self.leaves_by_event_id(event_ids), {}
        if not event_ids:
            return [], self.state(keys)
        if not self._arrays and len(event_ids) + len(keys) > _CHUNK:
            return self.leaves_by_event_id(event_ids), self.state(keys)
        params: list[Any]
        if self._arrays:
            ids = names = f"= ANY({_ELEMENTS.format(cast='')})"
            params = [_json_array(event_ids), _json_array(keys)]
        else:
            event_ids, keys = _findable(event_ids), _findable(keys)
            ids = f"IN ({', '.join('?' * len(event_ids))})"
            names, params = f"IN ({', '.join('?' * len(keys))})", [*event_ids, *keys]
        rows = self._select(
            f"SELECT {_COLUMNS}, NULL AS value FROM §leaves WHERE event_id {ids} UNION ALL "
            f"SELECT NULL, NULL, key, NULL, NULL, value FROM §state WHERE key {names}",
            params,
            arrays=self._arrays,
        )
        leaves = _leaves(row for row in rows if row["leaf_index"] is not None)
        return leaves, {row["event_id"]: row["value"] for row in rows if row["value"] is not None}

    def indexed_size(self) -> int:
        rows = self._select("SELECT max(leaf_index) AS last FROM §leaves")
        last = rows[0]["last"] if rows else None
        return 0 if last is None else int(last) + 1

    def leaves(self, first: int, last: int) -> list[IndexedLeaf]:
        return _leaves(
            self._select(
                f"SELECT {_COLUMNS} FROM §leaves WHERE leaf_index >= ? AND leaf_index <= ? "
                "ORDER BY leaf_index",
                (first, last),
            )
        )

    def leaves_by_event_id(self, event_ids: Sequence[str]) -> list[IndexedLeaf]:
        return _leaves(self._select_in(f"SELECT {_COLUMNS} FROM §leaves WHERE event_id", event_ids))

    def leaves_by_event_id_prefix(self, prefix: str, limit: int) -> list[IndexedLeaf]:
        return _leaves(
            self._select(
                f"SELECT {_COLUMNS} FROM §leaves WHERE event_id >= ? AND event_id < ? "
                f"ORDER BY event_id LIMIT {int(limit)}",
                (prefix, prefix + "\U0010ffff"),
            )
        )

    def leaves_of(self, subjects: Sequence[str]) -> list[IndexedLeaf]:
        rows = self._select_in(f"SELECT {_COLUMNS} FROM §leaves WHERE subject", subjects)
        return sorted(_leaves(rows), key=lambda leaf: leaf.leaf_index)

    def tiles(self, ids: Sequence[TileId]) -> dict[TileId, bytes]:
        found: dict[TileId, bytes] = {}
        for level in {level for level, _ in ids}:
            wanted = [index for lvl, index in ids if lvl == level]
            for row in self._select_in(
                f"SELECT level, idx, hashes FROM §tiles WHERE level = {int(level)} AND idx",
                wanted,
                cast="::bigint",
            ):
                found[(int(row["level"]), int(row["idx"]))] = bytes(row["hashes"])
        return found

    def state(self, keys: Sequence[str]) -> dict[str, str]:
        rows = self._select_in("SELECT key, value FROM §state WHERE key", keys)
        return {row["key"]: row["value"] for row in rows}

    def state_with_prefix(self, prefix: str) -> dict[str, str]:
        rows = self._select(
            "SELECT key, value FROM §state WHERE key >= ? AND key < ? ORDER BY key",
            (prefix, prefix + "\U0010ffff"),
        )
        return {row["key"]: row["value"] for row in rows}

    def write(self, changes: IndexChanges) -> None:
        self._write(changes)

    def write_with(
        self, cursor: _Cursor, changes: IndexChanges, positions: Mapping[int, int]
    ) -> None:
        """Insert ``changes`` with ``cursor`` (the caller's transaction); ``positions`` gives
        the log position of each new leaf by index (leaves not in it keep theirs)."""
        if changes.leaves:
            cursor.executemany(
                self._q(
                    "INSERT INTO §leaves (leaf_index, position, event_id, recorded_at, subject) "
                    "VALUES (?, ?, ?, ?, ?)"
                ),
                [
                    (
                        leaf.leaf_index,
                        positions.get(leaf.leaf_index, leaf.position),
                        leaf.event_id,
                        leaf.recorded_at,
                        leaf.subject,
                    )
                    for leaf in changes.leaves
                ],
            )
        if changes.tiles:
            cursor.executemany(
                self._q(
                    "INSERT INTO §tiles (level, idx, hashes) VALUES (?, ?, ?) "
                    "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes"
                ),
                [(level, index, hashes) for (level, index), hashes in changes.tiles.items()],
            )
        if changes.state or changes.new_state:
            cursor.executemany(
                self._q(
                    "INSERT INTO §state (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ),
                [*changes.new_state.items(), *changes.state.items()],
            )


_COLUMNS = "leaf_index, position, event_id, recorded_at, subject"


def _json_array(values: Sequence[str | int]) -> str:
    """``values`` as a JSON array, without those :func:`_findable` leaves out."""
    text: bytes | None
    try:
        text = orjson.dumps(list(values))
    except orjson.JSONEncodeError:  # a lone surrogate
        text = None
    if text is None or b"\\u0000" in text:
        text = orjson.dumps(_findable(values))
    return text.decode()


def _findable(values: Sequence[Any]) -> list[Any]:
    """``values`` without the strings no stored row can hold (a NUL, which PostgreSQL's text
    refuses, or a lone surrogate, which UTF-8 cannot carry; a hostile statement's subject is
    looked up ahead of the admission that refuses it): looking for them finds nothing, as it
    should, where binding them failed the query (500)."""
    return [value for value in values if not isinstance(value, str) or _storable(value)]


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _leaves(rows: Iterable[Any]) -> list[IndexedLeaf]:
    return [
        IndexedLeaf(
            int(row["leaf_index"]),
            int(row["position"]),
            row["event_id"],
            row["recorded_at"],
            row["subject"],
        )
        for row in rows
    ]


class DuplicateLeaf(Exception):
    """An index row for this leaf exists already (another process indexed it first)."""


def leaf_positions(stored_events: Sequence[Any], ids: Sequence[int] | None) -> dict[int, int]:
    """The log position of each ledger leaf among ``stored_events`` (leaf *i* is version
    *i* + 2 of the ledger stream), from the notification ids their insert returned."""
    if ids is None:
        return {}
    return {leaf: ids[row - 1] for leaf, row in leaf_rows(stored_events).items()}


def leaf_rows(stored_events: Sequence[Any]) -> dict[int, int]:
    """For each ledger leaf among ``stored_events``, its 1-based row among them."""
    from domain.ledger import LEDGER_ID

    return {
        event.originator_version - 2: row
        for row, event in enumerate(stored_events, 1)
        if event.originator_id == LEDGER_ID and event.originator_version >= 2
    }


class MemoryIndex:
    """The same index in dictionaries, for the in-memory store (one process, one lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._leaves: list[IndexedLeaf] = []
        self._by_event_id: dict[str, int] = {}
        self._by_subject: dict[str, list[int]] = {}
        self._tiles: dict[TileId, bytes] = {}
        self._state: dict[str, str] = {}

    def lookup(
        self, event_ids: Sequence[str], keys: Sequence[str]
    ) -> tuple[list[IndexedLeaf], dict[str, str]]:
        return self.leaves_by_event_id(event_ids), self.state(keys)

    def indexed_size(self) -> int:
        return len(self._leaves)

    def leaves(self, first: int, last: int) -> list[IndexedLeaf]:
        with self._lock:
            return self._leaves[max(first, 0) : last + 1]

    def leaves_by_event_id(self, event_ids: Sequence[str]) -> list[IndexedLeaf]:
        with self._lock:
            found = (self._by_event_id.get(event_id) for event_id in event_ids)
            return [self._leaves[i] for i in found if i is not None]

    def leaves_by_event_id_prefix(self, prefix: str, limit: int) -> list[IndexedLeaf]:
        with self._lock:
            ids = sorted(e for e in self._by_event_id if e.startswith(prefix))[:limit]
            return [self._leaves[self._by_event_id[e]] for e in ids]

    def leaves_of(self, subjects: Sequence[str]) -> list[IndexedLeaf]:
        with self._lock:
            found = sorted({i for s in subjects for i in self._by_subject.get(s, ())})
            return [self._leaves[i] for i in found]

    def tiles(self, ids: Sequence[TileId]) -> dict[TileId, bytes]:
        with self._lock:
            return {tile: self._tiles[tile] for tile in ids if tile in self._tiles}

    def state(self, keys: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return {key: self._state[key] for key in keys if key in self._state}

    def state_with_prefix(self, prefix: str) -> dict[str, str]:
        with self._lock:
            return {k: v for k, v in sorted(self._state.items()) if k.startswith(prefix)}

    def write(self, changes: IndexChanges) -> None:
        self.write_with(None, changes, {})

    def refuse_duplicates(self, changes: IndexChanges) -> None:
        """Raise :class:`DuplicateLeaf` if writing ``changes`` would index a leaf or an event id
        twice (what the SQL stores' keys refuse)."""
        with self._lock:
            self._refuse_duplicates(changes)

    def _refuse_duplicates(self, changes: IndexChanges) -> None:
        for offset, leaf in enumerate(changes.leaves):
            expected = len(self._leaves) + offset
            if leaf.leaf_index != expected or leaf.event_id in self._by_event_id:
                raise DuplicateLeaf(f"leaf {leaf.leaf_index} is indexed already")

    def write_with(self, _: object, changes: IndexChanges, positions: Mapping[int, int]) -> None:
        with self._lock:
            self._refuse_duplicates(changes)
            for leaf in changes.leaves:
                position = positions.get(leaf.leaf_index, leaf.position)
                stored = IndexedLeaf(
                    leaf.leaf_index, position, leaf.event_id, leaf.recorded_at, leaf.subject
                )
                self._leaves.append(stored)
                self._by_event_id[leaf.event_id] = leaf.leaf_index
                self._by_subject.setdefault(leaf.subject, []).append(leaf.leaf_index)
            self._tiles.update(changes.tiles)
            self._state.update(changes.new_state)
            self._state.update(changes.state)
