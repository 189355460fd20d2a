"""The committed log: the one owner of the event store (DESIGN.md §7, issue 9).

Every accepted envelope is one ``Ledger.StatementAppended`` event of a single ``eventsourcing``
aggregate (leaf *i* is version *i* + 2; version 1 is ``Started``), stored with the exact
envelope; each commit's signed checkpoint is one ``CheckpointLog.CheckpointSigned`` event saved in
the same transaction, with the rows the ledger index keeps (``infra.ledger_index``: leaves,
tiles, admission state); the log keys in use are the ``LogKeyring`` aggregate. Nothing outside
this module and the recorders reads or writes the store: the rest of the code sees
:class:`CommittedLeaf`, :class:`CommittedCheckpoint` and the index, so swapping the store is a
change inside ``infra/`` only.

Writers are serialised by the store's uniqueness of ``(stream, version)``: :meth:`EventLog.append`
appends at the size its caller admitted against, and raises :class:`LogMoved` when another
writer got there first (the caller catches up and admits again). On PostgreSQL, a large append
is sent in chunks (:meth:`EventLog._append_in_chunks`). The log follows the heads of
its streams from every read and write it makes, and reads them (the first and last event of each
stream, whatever the log's length) when it has not followed them.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast
from uuid import UUID

import orjson
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    JSONTranscoder,
    Notification,
    StoredEvent,
    Transcoder,
)
from eventsourcing.popo import POPOFactory
from eventsourcing.utils import get_topic

from domain.checkpoint_log import CHECKPOINT_LOG_ID, CheckpointLog
from domain.encoding import format_utc_time
from domain.ledger import LEDGER_ID, Ledger
from domain.log_keys import KEYRING_ID, LogKeyring, LogKeyUse
from domain.quick_init import quick_init
from domain.tiled_tree import TileId
from infra.ledger_index import IndexChanges, IndexedLeaf, LedgerIndex
from infra.ledger_recorders import POPOLedgerRecorder
from infra.ledger_transcoder import LedgerTranscoder

PAGE = 1000
CHUNKED_APPEND = 250
"""Appends of at least this many leaves are sent in chunks where the store can take them so
(:meth:`EventLog._append_in_chunks`)."""
_CHUNK = 125  # leaves a chunk: the first is ready soon, and a batch of 1,000 is 8 calls
_STREAM_OFFSET = 2  # leaf i is version i + 2 of the ledger stream (version 1 is Started)
_LAST_VERSION = 2**63 - 1

APPENDED_TOPIC = get_topic(Ledger.StatementAppended)
STARTED_TOPIC = get_topic(Ledger.Started)
CHECKPOINT_TOPICS = (get_topic(CheckpointLog.Started), get_topic(CheckpointLog.CheckpointSigned))
LOG_TOPICS = (STARTED_TOPIC, APPENDED_TOPIC, *CHECKPOINT_TOPICS)


class LedgerApplication(Application[UUID]):
    """Persists the ledger's aggregates (SQLite, PostgreSQL or in memory, chosen by ``env``).

    The name fixes the PostgreSQL table prefix (``provenanceledger_events``), the prefix of
    environment overrides (``PROVENANCELEDGER_…``) and the application name projections track.
    """

    name = "ProvenanceLedger"
    log_section_size = 1000

    def construct_recorder(self) -> ApplicationRecorder:
        if isinstance(self.factory, POPOFactory):  # it takes no recorder topic
            return POPOLedgerRecorder()
        return super().construct_recorder()

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON transcoder as :class:`LedgerTranscoder` (the same writing and
        reading, read faster); any other transcoder configured stays as it is."""
        transcoder = super().construct_transcoder()
        if type(transcoder) is not JSONTranscoder:
            return transcoder
        faster = LedgerTranscoder()
        self.register_transcodings(faster)
        return faster


@quick_init
@dataclass(frozen=True, slots=True)
class CommittedLeaf:
    """One accepted envelope as stored: its leaf index, log position and recorded time."""

    leaf_index: int
    position: int
    event_id: str
    recorded_at: datetime
    envelope: dict[str, Any]
    leaf_hash: str  # lowercase hex, as stored


@dataclass(frozen=True, slots=True)
class CommittedCheckpoint:
    """A signed checkpoint as stored beside the leaves it covers."""

    position: int
    tree_size: int
    root: str  # lowercase hex
    note: str


@dataclass(frozen=True, slots=True)
class DamagedRow:
    """A stored row that does not decode (reported by tolerant reads, for audits)."""

    position: int
    error: str


Committed = CommittedLeaf | CommittedCheckpoint


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Committed | DamagedRow]
    last: int  # the last position read (the start if none)
    full: bool  # the page was full: read on from ``last``


@quick_init
@dataclass(frozen=True, slots=True)
class NewLeaf:
    event_id: str
    envelope: dict[str, Any]
    leaf_hash: bytes
    subject: str


@dataclass(frozen=True, slots=True)
class SignedTree:
    size: int
    root: bytes
    note: str


@dataclass(frozen=True, slots=True)
class Closing:
    """What an append stores after its leaves, in the same transaction: the signed checkpoint
    of the tree they make, the ``tiles`` they change and the admission ``state`` rows they
    change (``new_state``: those of keys not stored yet, see :class:`IndexChanges`)."""

    signed: SignedTree
    tiles: Mapping[TileId, bytes] = field(default_factory=dict)
    state: Mapping[str, str] = field(default_factory=dict)
    new_state: Mapping[str, str] = field(default_factory=dict)


class LogMoved(Exception):
    """Another writer appended first: catch up with the log and try again."""


class NotALedger(Exception):
    """The database answers, but holds no ledger."""


class _RowReader(Protocol):
    def select_rows(
        self, originator_id: UUID, gt: int, lte: int
    ) -> Sequence[tuple[int, StoredEvent]]: ...


class EventLog:
    def __init__(self, persistence: Mapping[str, str], origin: str, *, existing: bool = False):
        """Open the store. ``existing``: it must already hold a ledger (:class:`NotALedger`),
        for readers such as audits that must not create one (with a persistence environment
        from ``infra.persistence.existing_ledger_env``)."""
        self._app = LedgerApplication(env=dict(persistence))
        self._origin = origin
        self._lock = threading.Lock()
        self._ledger: Ledger | None = None
        self._signed: CheckpointLog | None = None
        if existing:
            try:
                self._app.recorder.max_notification_id()
                self._app.recorder.select_events(LEDGER_ID, limit=1)
            except Exception as error:
                self._app.close()
                raise NotALedger(f"it holds no ledger ({error})") from error

    @property
    def name(self) -> str:
        """The application name tracking records use."""
        return self._app.name

    @property
    def index(self) -> LedgerIndex:
        """The rows kept beside the log in its transactions (``infra.ledger_index``)."""
        index: LedgerIndex = self._app.recorder.index  # type: ignore[attr-defined]
        return index

    # --- reading -------------------------------------------------------------------------------

    def committed_after(
        self,
        position: int,
        limit: int = PAGE,
        *,
        stop: int | None = None,
        leaves_only: bool = False,
        tolerant: bool = False,
    ) -> Page:
        """What was committed after ``position`` (up to ``stop``), in log order: leaves and
        (unless ``leaves_only``) checkpoints. ``tolerant``: a row that does not decode is a
        :class:`DamagedRow`, not an error."""
        notifications = self._app.recorder.select_notifications(
            start=position,
            limit=limit,
            stop=stop,
            topics=(APPENDED_TOPIC,) if leaves_only else LOG_TOPICS,
            inclusive_of_start=False,
        )
        items: list[Committed | DamagedRow] = []
        for notification in notifications:
            try:
                committed = self._decode(notification, notification.id)
            except Exception as error:
                if not tolerant:
                    raise
                items.append(DamagedRow(notification.id, f"{type(error).__name__}: {error}"))
                continue
            if committed is not None:
                items.append(committed)
        last = notifications[-1].id if notifications else position
        return Page(items, last, len(notifications) == limit)

    def leaves(self, first: int, last: int) -> list[CommittedLeaf]:
        """The leaves ``first`` to ``last`` (inclusive), in order."""
        reader: _RowReader = self._app.recorder  # type: ignore[assignment]
        rows = reader.select_rows(LEDGER_ID, first + _STREAM_OFFSET - 1, last + _STREAM_OFFSET)
        found = [self._decode(stored, position) for position, stored in rows]
        return [leaf for leaf in found if isinstance(leaf, CommittedLeaf)]

    def stored_size(self) -> int:
        """How many leaves the store holds now (one query)."""
        (last,) = self._app.recorder.select_events(LEDGER_ID, desc=True, limit=1) or (None,)
        if last is None:
            return 0
        event = self._app.mapper.to_domain_event(last)
        return event.leaf_index + 1 if isinstance(event, Ledger.StatementAppended) else 0

    def latest_checkpoint(self) -> CommittedCheckpoint | None:
        """The newest signed checkpoint stored with the log (two queries)."""
        (last,) = self._app.recorder.select_events(CHECKPOINT_LOG_ID, desc=True, limit=1) or (None,)
        if last is None:
            return None
        reader: _RowReader = self._app.recorder  # type: ignore[assignment]
        version = last.originator_version
        found = [
            self._decode(s, p)
            for p, s in reader.select_rows(CHECKPOINT_LOG_ID, version - 1, version)
        ]
        return next((c for c in found if isinstance(c, CommittedCheckpoint)), None)

    def checkpoints(self) -> list[CommittedCheckpoint]:
        """Every signed checkpoint stored with the log, in order."""
        reader: _RowReader = self._app.recorder  # type: ignore[assignment]
        found = [
            self._decode(stored, position)
            for position, stored in reader.select_rows(CHECKPOINT_LOG_ID, 0, _LAST_VERSION)
        ]
        return [checkpoint for checkpoint in found if isinstance(checkpoint, CommittedCheckpoint)]

    def log_keys(self) -> list[LogKeyUse]:
        """Every log key this ledger has signed with, the current one last."""
        keyring = self._keyring()
        return list(keyring.keys) if keyring is not None else []

    def _keyring(self) -> LogKeyring | None:
        try:
            keyring: object = self._app.repository.get(KEYRING_ID)
        except AggregateNotFoundError:
            return None
        assert isinstance(keyring, LogKeyring)
        return keyring

    def _decode(self, stored: Notification | StoredEvent, position: int) -> Committed | None:
        if stored.topic == APPENDED_TOPIC and (leaf := self._plain_leaf(stored, position)):
            return leaf
        return self._committed(self._app.mapper.to_domain_event(stored), position)

    def _plain_leaf(self, stored: StoredEvent, position: int) -> CommittedLeaf | None:
        """The leaf a stored ``StatementAppended`` holds, read with orjson where the result is
        provably the library mapper's (None: ask the mapper). Audits and ``GET
        /v1/log/entries`` read every leaf, and the mapper's pure-Python object hook was about
        half of the server's CPU serving them.

        Provably the same: no cipher or compressor and the library's JSON transcoder; the bytes
        hold no escape (so orjson's strings are the stdlib's) and one ``"_type_"`` key, the
        time's (so the transcoder's object hook would decode nothing else); the state has
        exactly the event's fields, and the envelope only strings where the stdlib and orjson
        could differ on numbers. The event the log's head follows next still goes through the
        mapper, which advances the head (:meth:`_follow`)."""
        state = stored.state
        if not self._plain_mapper():
            return None
        if b"\\" in state or state.count(b'"_type_"') != 1:
            return None
        head = self._ledger
        if head is not None and stored.originator_version == head.version + 1:
            return None
        try:
            found = orjson.loads(state)
        except orjson.JSONDecodeError:
            return None
        if type(found) is not dict or found.keys() != _APPENDED_FIELDS:
            return None
        time, index, event_id, envelope, leaf = (found[name] for name in _APPENDED_ORDER)
        if (
            type(time) is not dict
            or time.get("_type_") != "datetime_iso"
            or time.keys() != _TRANSCODED_FIELDS
            or type(time["_data_"]) is not str
            or type(index) is not int
            or type(event_id) is not str
            or type(leaf) is not str
            or not _strings_only(envelope)
        ):
            return None
        try:
            recorded_at = datetime.fromisoformat(time["_data_"])
        except ValueError:
            return None
        return CommittedLeaf(index, position, event_id, recorded_at, envelope, leaf)

    def _committed(self, event: object, position: int) -> Committed | None:
        self._follow(event)
        if isinstance(event, Ledger.StatementAppended):
            return CommittedLeaf(
                event.leaf_index,
                position,
                event.event_id,
                event.timestamp,
                event.envelope,
                event.leaf_hash,
            )
        if isinstance(event, CheckpointLog.CheckpointSigned):
            return CommittedCheckpoint(position, event.tree_size, event.root, event.note)
        return None

    def _follow(self, event: object) -> None:
        """Keep the heads of the streams current with what was read, each event once."""
        with self._lock:
            if isinstance(event, Ledger.Started) and self._ledger is None:
                self._ledger = cast(Ledger, event.mutate(None))
            elif isinstance(event, Ledger.StatementAppended) and _next(event, self._ledger):
                event.mutate(self._ledger)
            elif isinstance(event, CheckpointLog.Started) and self._signed is None:
                self._signed = cast(CheckpointLog, event.mutate(None))
            elif isinstance(event, CheckpointLog.CheckpointSigned) and _next(event, self._signed):
                event.mutate(self._signed)

    # --- writing -------------------------------------------------------------------------------

    def append(
        self,
        leaves: Sequence[NewLeaf],
        at_size: int,
        closing: Closing | Callable[[], Closing],
        recorded_at: datetime,
        *,
        meanwhile: Callable[[], None] | None = None,
    ) -> tuple[list[CommittedLeaf], CommittedCheckpoint]:
        """Append ``leaves`` as leaves ``at_size``… with their index rows and the ``closing``
        rows (the checkpoint of the tree they make, tiles, state) in one transaction;
        :class:`LogMoved` if the log is not ``at_size`` leaves long (or a key of
        ``closing.new_state`` is stored). ``recorded_at`` never goes back (a slow clock is
        clamped forward).
        ``closing`` may be given as a function, called once: a chunked append calls it once the
        leaves' rows are all sent, so the caller works it out while the database inserts them;
        what it raises (say :class:`LogMoved`) rolls back what was sent and is raised.
        ``meanwhile`` is called, at most once, when the rows are all sent and the database
        is still writing them (a chunked append only): work for the caller's idle wait, whose
        result must not matter if the append then fails."""
        close = _once(closing)
        if len(leaves) >= CHUNKED_APPEND and (
            done := self._append_in_chunks(leaves, at_size, recorded_at, close, meanwhile)
        ):
            return done
        ending = close()
        signed = ending.signed
        index_changes = IndexChanges((), ending.tiles, ending.state, ending.new_state)
        drafts = self._drafts(at_size)
        ledger = drafts[0] if drafts[0] is not None else Ledger(self._origin)
        head = drafts[1] if drafts[1] is not None else CheckpointLog()
        if ledger.size != at_size or head.tree_size > signed.size:
            with self._lock:
                self._ledger = None  # read the heads again before the next append
            raise LogMoved(f"the log holds {ledger.size} leaves, not {at_size}")
        when = ledger.next_recorded_at(recorded_at)
        started = list(ledger.collect_events())  # a new ledger's Started event
        hashes = [leaf.leaf_hash.hex() for leaf in leaves]
        rows = self._plain_rows(ledger.version, at_size, leaves, hashes, when)
        if rows is None:  # not provably the mapper's rows: through the aggregate
            for leaf, hashed in zip(leaves, hashes, strict=True):
                ledger.append_statement(leaf.event_id, leaf.envelope, hashed, when)
            started += ledger.collect_events()
            rows = []
        head.record(signed.size, signed.root, signed.note)
        signed_events = head.collect_events()
        mapper = self._app.mapper
        stored = [
            *map(mapper.to_stored_event, started),
            *rows,
            *map(mapper.to_stored_event, signed_events),
        ]
        text = format_utc_time(when) if leaves else ""
        index = replace(index_changes, leaves=_indexed(at_size, leaves, text))
        try:
            # All Application.save() would add here: it sets no snapshotting intervals, reads
            # neither stream through its repository (no cached aggregate to refresh) and has
            # no followers in this process.
            ids = self._app.recorder.insert_events(stored, index=index)
        except IntegrityError as error:
            with self._lock:
                self._ledger = None  # read the heads again before the next append
            raise LogMoved(str(error)) from error
        if ids is None or len(ids) != len(stored):  # the ledger's recorders return them all
            raise RuntimeError("the recorder did not return a position for every event")
        before, after = ids[: len(started)], ids[len(started) + len(rows) :]
        committed = [self._committed(e, i) for e, i in zip(started, before, strict=True)]
        if rows:
            plain = ids[len(started) : len(started) + len(rows)]
            committed += _committed_leaves(at_size, leaves, plain, hashes, when)
            self._follow_rows(ledger, rows[-1])
        committed += [self._committed(e, i) for e, i in zip(signed_events, after, strict=True)]
        checkpoint = next(c for c in committed if isinstance(c, CommittedCheckpoint))
        return [leaf for leaf in committed if isinstance(leaf, CommittedLeaf)], checkpoint

    def _drafts(self, at_size: int) -> tuple[Ledger | None, CheckpointLog | None]:
        """Drafts of the ledger's and the checkpoints' heads (None: no such stream yet), read
        again unless the followed ledger holds ``at_size`` leaves."""
        with self._lock:
            if self._ledger is None or self._ledger.size != at_size:
                self._load_heads()
            return (
                _draft(self._ledger) if self._ledger else None,
                _draft(self._signed) if self._signed else None,
            )

    def _append_in_chunks(
        self,
        leaves: Sequence[NewLeaf],
        at_size: int,
        recorded_at: datetime,
        close: Callable[[], Closing],
        meanwhile: Callable[[], None] | None = None,
    ) -> tuple[list[CommittedLeaf], CommittedCheckpoint] | None:
        """:meth:`append` written a chunk of leaves at a time in one transaction, each chunk's
        rows made while the database inserts the previous one's (``infra.streamed_insert``);
        then ``close()`` is worked out while it inserts the last ones, and its rows (the
        checkpoint, tiles, state) are sent with ``COMMIT``. None where it does not apply (a
        store that cannot, rows the mapper must write, a new ledger, a log that moved) or the
        store refused a chunk: nothing of it is written, and the append is written the usual
        way (whose outcome and errors are the usual ones). What ``close()`` raises rolls back
        what was sent and is raised.

        One client's batches of 1,000 (``bench.cpu_split``), the server alternating this and
        the usual append batch by batch in one run, 68 batches each: the append took 37.6
        against 45.3 ms, the whole batch 141.7 against 149.3 ms, the serving process's CPU a
        batch 74.4 against 76.1 ms. (Runs of each alone moved by more than that.)"""
        opener = getattr(self._app.recorder, "streamed_insert", None)
        if opener is None or not self._plain_mapper() or _APPENDED_CLASS_VERSION != 1:
            return None
        ledger, head = self._drafts(at_size)
        size = at_size + len(leaves)
        if ledger is None or ledger.size != at_size or head is None or head.tree_size > size:
            return None
        when = ledger.next_recorded_at(recorded_at)
        text = format_utc_time(when)
        hashes = [leaf.leaf_hash.hex() for leaf in leaves]
        insert = opener()
        try:
            for first in range(0, len(leaves), _CHUNK):
                chunk = leaves[first : first + _CHUNK]
                version, chunk_at = ledger.version + first, at_size + first
                rows = self._plain_rows(
                    version, chunk_at, chunk, hashes[first : first + _CHUNK], when
                )
                if rows is None:
                    return None
                insert.send(rows, IndexChanges(_indexed(chunk_at, chunk, text)))
                last = rows[-1]
            ending = close()  # while the database inserts the rows sent
            if ending.signed.size != size:
                raise ValueError(f"a checkpoint of {ending.signed.size} leaves closes {size}")
            head.record(ending.signed.size, ending.signed.root, ending.signed.note)
            signed_events = head.collect_events()
            stored = list(map(self._app.mapper.to_stored_event, signed_events))
            changes = IndexChanges((), ending.tiles, ending.state, ending.new_state)
            positions = insert.commit(stored, changes, meanwhile)
        finally:
            insert.close()
        if positions is None:
            return None
        if len(positions) != len(leaves) + len(stored):
            raise RuntimeError("the recorder did not return a position for every event")
        committed = _committed_leaves(at_size, leaves, positions[: len(leaves)], hashes, when)
        self._follow_rows(ledger, last)
        after = positions[len(leaves) :]
        checkpoints = [self._committed(e, i) for e, i in zip(signed_events, after, strict=True)]
        checkpoint = next(c for c in checkpoints if isinstance(c, CommittedCheckpoint))
        return committed, checkpoint

    def _plain_rows(
        self,
        version: int,
        at_size: int,
        leaves: Sequence[NewLeaf],
        hashes: Sequence[str],
        when: datetime,
    ) -> list[StoredEvent] | None:
        """The stored rows of ``leaves`` (their leaf hashes ``hashes`` in hex) appended to a
        ledger stream at ``version``, written with orjson where they are provably the library
        mapper's (None: ask the aggregate and the mapper). A batch's 1,000 events cost ~10 ms
        of Python in the aggregate and ~24 ms in the mapper's stdlib encoder and object walk;
        these rows cost ~5 ms.

        Provably the same (the inverse of :meth:`_plain_leaf`): no cipher or compressor and
        the library's JSON transcoder (which writes with ``ensure_ascii=False``, as orjson
        does, and a time as ``{"_type_": "datetime_iso", "_data_": isoformat()}``); the
        event's fields in the order the mapper takes them from the event; envelopes of
        strings only (what every admitted envelope is), which orjson and the stdlib write
        alike; a string orjson cannot write (a lone surrogate) sends the whole batch the
        mapper's way."""
        if not leaves or not self._plain_mapper() or _APPENDED_CLASS_VERSION != 1:
            return None
        time = {"_type_": "datetime_iso", "_data_": when.isoformat()}
        rows = []
        for i, (leaf, hashed) in enumerate(zip(leaves, hashes, strict=True)):
            if not _strings_only(leaf.envelope):
                return None
            state = {
                "timestamp": time,
                "leaf_index": at_size + i,
                "event_id": leaf.event_id,
                "envelope": leaf.envelope,
                "leaf_hash": hashed,
            }
            try:
                encoded = orjson.dumps(state)
            except orjson.JSONEncodeError:
                return None
            rows.append(StoredEvent(LEDGER_ID, version + 1 + i, APPENDED_TOPIC, encoded))
        return rows

    def _plain_mapper(self) -> bool:
        """Whether stored events are the library transcoder's JSON as it is, with no other layer
        (:class:`LedgerTranscoder` writes as it does)."""
        mapper = self._app.mapper
        return not (
            mapper.cipher
            or mapper.compressor
            or type(mapper.transcoder) not in (JSONTranscoder, LedgerTranscoder)
        )

    def _follow_rows(self, draft: Ledger, last: StoredEvent) -> None:
        """Advance the ledger's head over rows this log wrote itself: the draft it appended
        to, folded with the last of them (a head needs only its stream's last event)."""
        event: Any = self._app.mapper.to_domain_event(last)
        draft.version = event.originator_version - 1
        event.mutate(draft)
        with self._lock:
            if self._ledger is None or self._ledger.version < draft.version:
                self._ledger = draft

    def _load_heads(self) -> None:
        """Read the heads of the ledger and checkpoint streams from their first and last
        events (a constant number of queries, whatever the log's length)."""
        recorder = self._app.recorder
        for stream in (LEDGER_ID, CHECKPOINT_LOG_ID):
            first = recorder.select_events(stream, lte=1)
            last = recorder.select_events(stream, desc=True, limit=1)
            if not first:
                continue
            created: Any = self._app.mapper.to_domain_event(first[0])
            aggregate: Any = created.mutate(None)
            if last and last[0].originator_version > 1:
                event: Any = self._app.mapper.to_domain_event(last[0])
                aggregate.version = event.originator_version - 1
                event.mutate(aggregate)
            if stream == LEDGER_ID:
                self._ledger = aggregate
            else:
                self._signed = aggregate

    def record_checkpoint(self, signed: SignedTree) -> None:
        """Store a signed checkpoint on its own (a tree written before checkpoints were
        stored); :class:`LogMoved` if another writer changed the log meanwhile."""
        with self._lock:
            self._load_heads()
            head = _draft(self._signed) if self._signed else CheckpointLog()
        if head.tree_size > signed.size:
            raise LogMoved(f"a checkpoint of {head.tree_size} entries is stored already")
        head.record(signed.size, signed.root, signed.note)
        try:
            recordings = self._app.save(head)
        except IntegrityError as error:
            raise LogMoved(str(error)) from error
        for recording in recordings:
            self._follow(recording.domain_event)

    def activate_log_key(self, name: str, public_key: str, tree_size: int) -> bool:
        """Make this log key the signer from ``tree_size`` on (False if it already is);
        :class:`LogMoved` if another instance changed the keyring meanwhile."""
        keyring = self._keyring() or LogKeyring()
        if not keyring.activate(name, public_key, tree_size):
            return False
        try:
            self._app.save(keyring)
        except IntegrityError as error:
            raise LogMoved(str(error)) from error
        return True

    def writers_lock(self, after: int) -> AbstractContextManager[bool]:
        """Held by a writer from catching up to committing: writers in other processes take
        turns (PostgreSQL); a store of one process needs none. Yields whether anything may
        have been committed after position ``after`` by another process."""
        lock = getattr(self._app.recorder, "writers_lock", None)
        return lock(after) if lock is not None else nullcontext(False)

    def probe(self) -> None:
        """One cheap query: raises if the store does not answer."""
        self._app.recorder.max_notification_id()

    def close(self) -> None:
        self._app.close()


Head = TypeVar("Head", Ledger, CheckpointLog)


def _indexed(first: int, leaves: Sequence[NewLeaf], recorded_at: str) -> list[IndexedLeaf]:
    """The index rows of ``leaves`` appended as leaves ``first``… (positions not known yet)."""
    return [
        IndexedLeaf(first + i, 0, leaf.event_id, recorded_at, leaf.subject)
        for i, leaf in enumerate(leaves)
    ]


def _committed_leaves(
    first: int,
    leaves: Sequence[NewLeaf],
    positions: Sequence[int],
    hashes: Sequence[str],
    when: datetime,
) -> list[CommittedLeaf]:
    """``leaves`` as stored from leaf ``first`` on, at ``positions``."""
    return [
        CommittedLeaf(first + i, position, leaf.event_id, when, leaf.envelope, hashed)
        for i, (leaf, position, hashed) in enumerate(zip(leaves, positions, hashes, strict=True))
    ]


def _draft(head: Head) -> Head:
    """A copy of a stream's head to append to, leaving ``head`` as it is. Their attributes
    are immutable values (sizes, strings, times), so a shallow copy with its own list of
    pending events is a full one (``copy.deepcopy`` cost a profile-visible 20 µs an event)."""
    draft = copy.copy(head)
    vars(draft)["_pending_events"] = []
    return draft


_APPENDED_CLASS_VERSION = getattr(Ledger.StatementAppended, "class_version", 1)
_APPENDED_ORDER = ("timestamp", "leaf_index", "event_id", "envelope", "leaf_hash")
_APPENDED_FIELDS = frozenset(_APPENDED_ORDER)
_TRANSCODED_FIELDS = frozenset({"_type_", "_data_"})


def _strings_only(envelope: object) -> bool:
    """Whether ``envelope`` is an object of strings and lists of objects of strings (what
    every stored envelope is)."""
    if type(envelope) is not dict:
        return False
    for value in envelope.values():
        if type(value) is list:
            for item in value:
                if type(item) is not dict or any(type(v) is not str for v in item.values()):
                    return False
        elif type(value) is not str:
            return False
    return True


def _next(event: Any, head: Ledger | CheckpointLog | None) -> bool:
    """Whether ``event`` is the next one of the stream whose head is ``head``."""
    return head is not None and bool(event.originator_version == head.version + 1)


def _once(closing: Closing | Callable[[], Closing]) -> Callable[[], Closing]:
    """``closing`` as a function that works it out at most once."""
    if isinstance(closing, Closing):
        return lambda: closing
    return functools.cache(closing)
