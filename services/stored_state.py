"""The admission state kept in the ledger index, read through a bounded cache (issue 13).

:class:`~domain.ledger_state.LedgerState` folds over mutable mappings; here each of its maps
is a :class:`StoredMap` whose values live in the index's ``state`` table under a key prefix
(``k:`` signers, ``s:`` subjects, ``c:`` claims, ``l:`` licence spellings) and whose recently
used values are cached. A map never writes: a commit writes the values its admission draft
changed (:func:`state_changes`) in the transaction of its leaves, then the view takes them
(:meth:`LedgerState.absorb` updates the caches). Values another process changed are dropped
from the cache when its leaves are read (:func:`forget_changed_by`) and read again on use.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.catalogue import SubjectKind
from domain.encoding import b64decode_strict, b64encode, is_sha256_hex
from domain.ledger_state import ClaimRecord, Layer, LedgerState, SignerRecord, SubjectRecord
from domain.licences.catalogue import definition_key
from domain.statement import Statement
from domain.statement_types import STATEMENT_TYPES
from infra.ledger_index import LedgerIndex

V = TypeVar("V")
CACHED_VALUES = 50_000  # per map

SIGNERS, SUBJECTS, CLAIMS, LICENCES, MODELS = "k:", "s:", "c:", "l:", "m:"
_UNCACHED: Any = object()


class StoredMap(Generic[V]):
    """A mutable mapping over the index's ``state`` rows under ``prefix``: reads go to the
    cache, then the store, then ``defaults``; writes go to the cache only."""

    def __init__(
        self,
        index: LedgerIndex,
        prefix: str,
        decode: Callable[[str, Any], V],
        defaults: Mapping[str, V] | None = None,
        size: int = CACHED_VALUES,
        holds: Callable[[str], bool] | None = None,
    ) -> None:
        """``holds``: which keys the map can hold at all (None: any); another key is absent
        without a lookup (signers and claims are keyed by SHA-256 hex, and admission asks
        the signers whether each new subject is a key)."""
        self.index = self._index = index
        self._holds = holds
        self.prefix = self._prefix = prefix
        self._decode = decode
        self._defaults = dict(defaults or {})
        self._size = size
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, V | None] = OrderedDict()  # None: known to be absent
        self._generation = 0  # counts forget() calls

    def missing(self, keys: Sequence[str]) -> list[str]:
        """Those of ``keys`` not cached, each once."""
        holds = self._holds
        with self._lock:
            return [
                key
                for key in dict.fromkeys(keys)
                if key not in self._cache and (holds is None or holds(key))
            ]

    def holding(self, keys: Sequence[str]) -> set[str]:
        """Those of ``keys`` the map holds (a value, or a default): answered from the cache
        under one lock where it knows (a default is cached as the value), from the store for
        the others."""
        held: set[str] = set()
        unknown: list[str] = []
        with self._lock:
            for key in keys:
                value = self._cache.get(key, _UNCACHED)
                if value is _UNCACHED:
                    unknown.append(key)
                elif value is not None:
                    held.add(key)
        held.update(key for key in unknown if key in self)
        return held

    def generation(self) -> int:
        with self._lock:
            return self._generation

    def _load(self, keys: Sequence[str]) -> dict[str, V | None]:
        """Read ``keys`` from the store and cache them."""
        generation = self.generation()
        found = self._index.state([self._prefix + key for key in keys])
        return self.take(keys, found, generation)

    def take(
        self, keys: Sequence[str], found: Mapping[str, str], generation: int
    ) -> dict[str, V | None]:
        """Cache the values of ``keys`` among ``found`` (stored rows by full key, read after
        :meth:`generation` answered ``generation``) — unless a value was forgotten while
        reading (what was read may be older than what the forgetting process read)."""
        values: dict[str, V | None] = {}
        for key in keys:
            text = found.get(self._prefix + key)
            value = self._decode(key, json.loads(text)) if text is not None else None
            values[key] = value if value is not None else self._defaults.get(key)
        with self._lock:
            if self._generation == generation:
                for key, value in values.items():
                    self._put(key, value)
        return values

    def forget(self, keys: Sequence[str]) -> None:
        with self._lock:
            self._generation += 1
            for key in keys:
                self._cache.pop(key, None)

    def _put(self, key: str, value: V | None) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:  # first: whatever is cached, the map can hold (asked before caching)
            if key in self._cache:
                self._cache.move_to_end(key)
                value = self._cache[key]
                return default if value is None else value
        if self._holds is not None and not self._holds(key) and key not in self._defaults:
            return default
        value = self._load([key])[key]
        return default if value is None else value

    def __getitem__(self, key: str) -> V:
        value: V | None = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __setitem__(self, key: str, value: V) -> None:
        with self._lock:
            self._put(key, value)

    def __delitem__(self, key: str) -> None:
        raise TypeError("the ledger state never forgets a value")

    def update(self, values: Mapping[str, V]) -> None:
        with self._lock:
            for key, value in values.items():
                self._put(key, value)

    def __iter__(self) -> Iterator[str]:
        stored = self._index.state_with_prefix(self._prefix)
        keys = dict.fromkeys([*self._defaults, *(k[len(self._prefix) :] for k in stored)])
        return iter(keys)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def values(self) -> Iterator[V]:
        return (value for _, value in self.items())

    def items(self) -> Iterator[tuple[str, V]]:
        """Every stored value (one scan of the prefix), then the defaults not stored."""
        stored = self._index.state_with_prefix(self._prefix)
        seen = set()
        for full, text in stored.items():
            key = full[len(self._prefix) :]
            seen.add(key)
            yield key, self._decode(key, json.loads(text))
        yield from ((key, value) for key, value in self._defaults.items() if key not in seen)


def stored_state(index: LedgerIndex, operators: Mapping[str, SignerRecord]) -> LedgerState:
    """The ledger state over ``index``, trusting the configured ``operators``."""
    return LedgerState(
        StoredMap(index, SIGNERS, _signer, operators, holds=is_sha256_hex),  # type: ignore[arg-type]
        StoredMap(index, SUBJECTS, _subject),  # type: ignore[arg-type]
        StoredMap(index, CLAIMS, _claim, holds=is_sha256_hex),  # type: ignore[arg-type]
        StoredMap(index, LICENCES, lambda _, value: tuple(value)),  # type: ignore[arg-type]
    )


def state_changes(draft: LedgerState, statements: Sequence[Statement]) -> dict[str, str]:
    """The state rows a commit writes: what its admission ``draft`` (a draft of a
    :func:`stored_state`) changed, and the models its ``statements`` release."""
    rows: dict[str, str] = {}
    for prefix, layer, encode in (
        (SIGNERS, draft.signers, _signer_json),
        (SUBJECTS, draft.subjects, _subject_json),
        (CLAIMS, draft.claims, _claim_json),
        (LICENCES, draft.licences, list),
    ):
        assert isinstance(layer, Layer)
        for key, value in layer.changes.items():
            rows[prefix + key] = state_text(encode(value))
    for statement in statements:
        if statement.type == "ModelVersionReleased":
            model = [statement.data["name"], statement.data["version"]]
            rows[MODELS + statement.subject] = state_text(model)
    return rows


def unstored(draft: LedgerState, rows: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``rows`` (:func:`state_changes` of ``draft``, a draft of a :func:`stored_state`) split
    in two: those of keys the state under the draft holds (a value, or a configured default)
    and those of keys it does not hold, which a commit may write as new
    (:class:`~infra.ledger_index.IndexChanges`). The state was read ahead for admission, so
    each key is answered from the cache."""
    new_keys: set[str] = set()
    for prefix, layer in (
        (SIGNERS, draft.signers),
        (SUBJECTS, draft.subjects),
        (CLAIMS, draft.claims),
        (LICENCES, draft.licences),
    ):
        assert isinstance(layer, Layer)
        assert isinstance(layer.base, StoredMap)
        stored = layer.base.holding(list(layer.changes))  # a batch's keys under one lock
        new_keys.update(prefix + key for key in layer.changes if key not in stored)
    held = {key: value for key, value in rows.items() if key not in new_keys}
    return held, {key: value for key, value in rows.items() if key in new_keys}


def state_text(value: Any) -> str:
    """A state row's stored text: ``json.dumps(value, separators=(",", ":"))``, byte for byte,
    for a row's values (strings, booleans, null, integers, and lists and objects of them; never
    a float, which orjson writes otherwise).

    Written by orjson where that is provably the same text: for such values orjson writes
    what the stdlib writes with ``ensure_ascii=False`` (``services.fast_json``), so a result of
    printable ASCII is also the stdlib's with its default ``ensure_ascii=True``. Anything else
    (a non-ASCII character or DEL, which the stdlib escapes and orjson writes raw; a lone
    surrogate or an integer beyond 64 bits, which orjson refuses) is written by the stdlib. A
    batch of 1,000 new subjects writes ~1,000 rows under the write lock: ~6.6 µs each through
    the stdlib, ~0.6 µs through orjson."""
    try:
        text = orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value, separators=(",", ":"))
    if text.isascii() and b"\x7f" not in text:
        return text.decode("ascii")
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class ReadAhead:
    """State keys a group's admission will ask for and the caches have not got: read them
    (:attr:`keys`, full stored keys) and hand what was found to :meth:`take`."""

    wanted: Sequence[tuple[StoredMap[Any], list[str], int]]

    @property
    def keys(self) -> list[str]:
        return [stored.prefix + key for stored, keys, _ in self.wanted for key in keys]

    def take(self, found: Mapping[str, str]) -> None:
        for stored, keys, generation in self.wanted:
            stored.take(keys, found, generation)


def read_ahead(
    state: LedgerState,
    subjects: Sequence[str],
    references: Sequence[str],
    keyids: Sequence[str],
    licences: Sequence[str],
) -> ReadAhead:
    """What admitting statements about ``subjects`` that name ``references`` and are signed by
    ``keyids`` will ask for, among what the caches do not hold; ``licences``: the subjects of
    those statements that are about a licence (:func:`about_a_licence`)."""
    wanted: list[tuple[StoredMap[Any], list[str], int]] = []
    for mapping, keys in (
        (state.signers, [*keyids, *subjects]),
        (state.subjects, [*subjects, *references]),
        (state.licences, [definition_key(k) for k in licences]),
        (state.claims, references),
    ):
        if isinstance(mapping, StoredMap) and (missing := mapping.missing(keys)):
            wanted.append((mapping, missing, mapping.generation()))
    return ReadAhead(wanted)


def about_a_licence(statement_type: str) -> bool:
    """Whether admitting a statement of this type looks up the licence its subject spells
    (:meth:`LedgerState.licence_record`): only a statement about a licence does, never by a
    reference. (The read-ahead asked for one spelled like every statement's subject: 1,000
    of the ~2,000 keys of a batch of artefact registrations, none of them used.)"""
    found = STATEMENT_TYPES.get(statement_type)
    return found is not None and found.subject is SubjectKind.LICENCE


def referenced(data: Mapping[str, Any]) -> list[str]:
    """String values of a statement's data that may name a subject (a superset is fine)."""
    return list(_referenced(data))


def forget_changed_by(state: LedgerState, statement: Statement, event_id: str) -> None:
    """Drop from the caches every value ``statement`` (written by another process) may
    have changed."""
    subject = [statement.subject]
    for mapping, keys in (
        (state.signers, subject),
        (state.subjects, subject),
        (state.licences, [definition_key(statement.subject)]),
        (state.claims, [event_id, str(statement.data.get("claim_event", ""))]),
    ):
        if isinstance(mapping, StoredMap):
            mapping.forget(keys)


def _referenced(data: Mapping[str, Any]) -> Iterator[str]:
    """String values of a statement's data that may name a subject (a superset is fine)."""
    for value in data.values():
        if isinstance(value, str) and len(value) < 512:
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str) and len(v) < 512)


def _signer_json(record: SignerRecord) -> dict[str, Any]:
    raw = record.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "public_key": b64encode(raw),
        "organisation": record.organisation,
        "roles": sorted(record.roles),
        "revoked": record.revoked,
        "configured": record.configured,
    }


def _signer(keyid: str, value: Any) -> SignerRecord:
    return SignerRecord(
        keyid=keyid,
        public_key=Ed25519PublicKey.from_public_bytes(b64decode_strict(value["public_key"])),
        organisation=value["organisation"],
        roles=frozenset(value["roles"]),
        revoked=value["revoked"],
        configured=value["configured"],
    )


def _subject_json(record: SubjectRecord) -> dict[str, Any]:
    return {
        "kind": record.kind.value,
        "owner": record.owner,
        "artefact_kind": record.artefact_kind,
        "licences": list(record.licences),
        "derived_from": list(record.derived_from),
    }


def _subject(subject_id: str, value: Any) -> SubjectRecord:
    return SubjectRecord(
        id=subject_id,
        kind=SubjectKind(value["kind"]),
        owner=value["owner"],
        artefact_kind=value["artefact_kind"],
        licences=tuple(value["licences"]),
        derived_from=tuple(value["derived_from"]),
    )


def _claim_json(record: ClaimRecord) -> dict[str, Any]:
    return {"subject": record.subject, "signer": record.signer, "retracted": record.retracted}


def _claim(event_id: str, value: Any) -> ClaimRecord:
    return ClaimRecord(event_id, value["subject"], value["signer"], value["retracted"])
