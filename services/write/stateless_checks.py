"""What admitting a request's envelopes needs that no ledger state decides, done in parallel.

For each envelope: its stored form and leaf hash, the stateless part of admission
(:func:`domain.admission.precheck`: entry size, the statement decoded, canonical-checked and
validated) and the verdict on every signature by a key the ledger knows. They are worked out
while the calling thread does everything else (reading ahead, admitting in order), which only
waits for an envelope's results when it reaches it:

- a batch is checked in worker processes, in a few chunks in envelope order: they run on the
  other cores whatever the serving process is doing, where threads would take turns with it for
  the interpreter (the serving process's own Python work is what limits batch ingest). A batch
  body's items are read as envelopes by the workers themselves while the write path is busy
  (:meth:`StatelessChecks.start_batch`), or here a chunk at a time, each chunk's checks
  starting as soon as it is read, while it is idle (:meth:`StatelessChecks.start_reading`);
- a request of a few dozen signatures has them checked on a small thread pool (libsodium
  releases the GIL while it verifies) and the rest done on the calling thread; below that a
  pool hop costs more than it saves, and everything is done at once on the calling thread,
  before it queues for the write lock, so concurrent small requests check in parallel too.

Signatures by keys not yet known (enrolled earlier in the same request) are checked inline,
and so is anything a worker could not answer (a worker process that died, say): the results
are always those of :class:`Checked.of` and :func:`domain.envelope.signature_verifies`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from threading import Lock
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.admission import PackedPrecheck, Precheck, Verify, precheck
from domain.ed25519 import public_key
from domain.envelope import Envelope, Signature, signature_verifies
from domain.leaf import entry_bytes
from domain.ledger_state import SignerRecord
from domain.merkle import leaf_hash
from domain.quick_init import quick_init
from domain.rejections import Rejection
from services.stored_state import referenced
from services.worker_processes import started_worker
from services.write.envelope_input import envelope_from

_MIN_PARALLEL = 16  # signatures below which a pool hop costs more than it saves
_MIN_PROCESSES = 128  # envelopes below which another process costs more than it saves
_CHUNK = 64  # signatures per thread job
_CHUNKS = 8  # per batch: the first results are back while the last are worked out


@quick_init
@dataclass(frozen=True, slots=True)
class Checked:
    """An envelope as admission and the commit need it without state: its stored form, leaf
    hash and :func:`domain.admission.precheck` (worked out once per request)."""

    document: dict[str, Any]
    leaf_hash: bytes
    precheck: Precheck

    @classmethod
    def of(cls, envelope: Envelope, document: dict[str, Any] | None = None) -> Checked:
        """``document``: the envelope's stored form if the caller has it (the batch item it
        was read from, in that form's key order), else made here."""
        entry = entry_bytes(envelope)
        document = envelope.to_json() if document is None else document
        return cls(document, leaf_hash(entry), precheck(envelope, entry))


@dataclass(frozen=True, slots=True)
class Checks:
    """One request's checks: ``verify`` answers for its signatures, ``checked(i)`` is
    envelope *i*'s :class:`Checked` (each waits for a worker's result if need be)."""

    verify: Verify
    checked: Callable[[int], Checked]
    names: Sequence[Names | None] | None = None
    """Worked out ahead (else None): for each envelope, what its statement names (None: it
    has no statement admission could accept)."""


Names = tuple[str, str, list[str]]
"""A statement's type, its subject and the strings of its data that may name others
(:func:`services.stored_state.referenced`): what admitting it looks up."""


_Job = tuple[Ed25519PublicKey, Envelope, bytes]
_Key = tuple[int, bytes, bytes]


class StatelessChecks:
    def __init__(
        self, workers: int, processes: int = 0, process_cpus: frozenset[int] | None = None
    ) -> None:
        """``workers`` threads and up to ``processes`` worker processes (started with the
        first batch, on ``process_cpus`` if given); none of either: everything is done on the
        calling thread."""
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="verify") if workers else None
        self._processes = processes
        self._process_cpus = process_cpus
        self._process_pool: ProcessPoolExecutor | None = None
        self._lock = Lock()

    def start(
        self, signer_of: Callable[[str], SignerRecord | None], envelopes: Sequence[Envelope]
    ) -> Checks:
        """Start the checks of ``envelopes``, verifying the signatures by keys ``signer_of``
        knows now."""
        known = _known(signer_of, {s.keyid for e in envelopes for s in e.signatures})
        if len(envelopes) >= _MIN_PROCESSES and (processes := self._process_pool_started()):
            try:
                return _in_processes(processes, envelopes, known)
            except (BrokenProcessPool, RuntimeError):  # a worker died: start afresh next time
                self._discard(processes)
        jobs = [
            (key, envelope, signature.sig)
            for envelope in envelopes
            for signature in envelope.signatures
            if (key := known.get(signature.keyid)) is not None
        ]
        checked = [Checked.of(envelope) for envelope in envelopes]
        if self._pool is None or len(jobs) < _MIN_PARALLEL:
            return Checks(_memo(_check_all(jobs)), checked.__getitem__)
        return Checks(_in_threads(self._pool, jobs), checked.__getitem__)

    def start_batch(
        self, signer_of: Callable[[str], SignerRecord | None], documents: list[Any]
    ) -> tuple[list[Envelope], Checks] | None:
        """Read a batch body's items as envelopes (:func:`envelope_from`) in the worker
        processes, together with their checks as :meth:`start` does them, and wait for them.
        None when the items are not read there (too few, no pool, a worker failed) or any is
        refused: the caller reads them itself then, and words any refusal.

        Reading the items is a quarter of what the serving process spends on a batch, and its
        one interpreter is what every request's admission and commit wait for."""
        if len(documents) < _MIN_PROCESSES or not (processes := self._process_pool_started()):
            return None
        known = _known(signer_of, _keyids(documents))
        raw = _raw_keys(known)
        size = -(-len(documents) // _CHUNKS)
        try:
            futures = [
                processes.submit(_read_sent, documents[i : i + size], raw)
                for i in range(0, len(documents), size)
            ]
            read = [item for future in futures for item in future.result()]
        except (BrokenProcessPool, RuntimeError):  # a worker died: start afresh next time
            self._discard(processes)
            return None
        complete = [item for item in read if item is not None]
        if len(complete) != len(documents):
            return None
        envelopes = [
            Envelope(payload_type, payload, tuple(Signature(k, s) for k, s in signatures))
            for payload_type, payload, signatures, *_ in complete
        ]
        found = [item[3] for item in complete]
        stored = [d if item[5] else None for d, item in zip(documents, complete, strict=True)]
        names = [item[4] for item in complete]
        return envelopes, _checks(envelopes, known, found.__getitem__, stored, names)

    def start_reading(
        self, signer_of: Callable[[str], SignerRecord | None], documents: list[Any]
    ) -> tuple[list[Envelope], Checks] | None:
        """Read a batch body's items as envelopes (:func:`envelope_from`) here, a chunk at a
        time, each chunk's checks starting in the worker processes as soon as it is read: they
        overlap the reading of the rest, which :meth:`start` after reading them all would not.
        None when the workers are not used (too few items, no pool, a worker died) or any
        item is refused: the caller reads them then, and words any refusal."""
        if len(documents) < _MIN_PROCESSES or not (processes := self._process_pool_started()):
            return None
        known = _known(signer_of, _keyids(documents))
        raw = _raw_keys(known)
        size = -(-len(documents) // _CHUNKS)
        envelopes: list[Envelope] = []
        futures: list[Future[list[_Found]]] = []
        try:
            for start in range(0, len(documents), size):
                chunk = [envelope_from(document) for document in documents[start : start + size]]
                envelopes += chunk
                futures.append(processes.submit(_check_sent, [_sent(e, raw) for e in chunk]))
        except Rejection:
            for future in futures:
                future.cancel()
            return None
        except (BrokenProcessPool, RuntimeError):  # a worker died: start afresh next time
            self._discard(processes)
            return None
        stored = [d if _in_stored_order(d) else None for d in documents]
        return envelopes, _checks(envelopes, known, _results(futures, size), stored)

    def _process_pool_started(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._process_pool is None and self._processes:
                methods = multiprocessing.get_all_start_methods()
                # Not fork: the serving process has threads, which a forked child would lack.
                method = "forkserver" if "forkserver" in methods else "spawn"
                self._process_pool = ProcessPoolExecutor(
                    self._processes,
                    multiprocessing.get_context(method),
                    started_worker,
                    (True, self._process_cpus),
                )
            return self._process_pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._process_pool is pool:
                self._process_pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            if self._process_pool is not None:
                self._process_pool.shutdown(wait=True, cancel_futures=True)
                self._process_pool = None


# --- on threads, or here ----------------------------------------------------------------


def _in_threads(pool: Executor, jobs: list[_Job]) -> Verify:
    pending: dict[_Key, Future[dict[_Key, bool]]] = {}
    for start in range(0, len(jobs), _CHUNK):
        chunk = jobs[start : start + _CHUNK]
        future = pool.submit(_check_all, chunk)
        pending.update((_key(*job), future) for job in chunk)

    def verify(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
        memo_key = (id(key), envelope.payload, sig)
        future = pending.get(memo_key)
        if future is None:
            return signature_verifies(key, envelope, sig)
        return future.result()[memo_key]

    return verify


def _memo(results: dict[_Key, bool]) -> Verify:
    def verify(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
        known = results.get(_key(key, envelope, sig))
        return signature_verifies(key, envelope, sig) if known is None else known

    return verify


def _key(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> _Key:
    return (id(key), envelope.payload, sig)


def _check_all(jobs: list[_Job]) -> dict[_Key, bool]:
    return {_key(*job): signature_verifies(*job) for job in jobs}


# --- in worker processes -----------------------------------------------------------------

# Sent: payload type, payload, signatures as (keyid, sig), and the raw public key of each
# signature's signer where known (else None). Back: each signature's verdict (None: not
# checked), the leaf hash and the precheck, packed.
_Sent = tuple[str, bytes, tuple[tuple[str, bytes], ...], tuple[bytes | None, ...]]
_Found = tuple[tuple[bool | None, ...], bytes, PackedPrecheck]


def _in_processes(
    pool: Executor, envelopes: Sequence[Envelope], signers: dict[str, Ed25519PublicKey]
) -> Checks:
    """``signers``: the key object each keyid's verdicts are for (a verdict is used only when
    admission asks with that very object)."""
    raw = _raw_keys(signers)
    sent = [_sent(envelope, raw) for envelope in envelopes]
    size = -(-len(sent) // _CHUNKS)
    futures = [pool.submit(_check_sent, sent[i : i + size]) for i in range(0, len(sent), size)]
    return _checks(envelopes, signers, _results(futures, size))


def _sent(envelope: Envelope, raw: dict[str, bytes]) -> _Sent:
    """What a worker needs to check ``envelope`` (``raw``: known signers' raw keys)."""
    return (
        envelope.payload_type,
        envelope.payload,
        tuple((s.keyid, s.sig) for s in envelope.signatures),
        tuple(raw.get(s.keyid) for s in envelope.signatures),
    )


def _results(futures: Sequence[Future[list[_Found]]], size: int) -> Callable[[int], _Found | None]:
    """Envelope *i*'s results, from chunks of ``size``; None if its worker failed (died, the
    pool broke): worked out by the caller instead."""

    done: dict[int, list[_Found]] = {}  # each chunk's results, once back (asked twice each)

    def found(index: int) -> _Found | None:
        chunk = index // size
        results = done.get(chunk)
        if results is None:
            try:
                results = done[chunk] = futures[chunk].result()
            except Exception:
                return None
        return results[index % size]

    return found


def _checks(
    envelopes: Sequence[Envelope],
    signers: dict[str, Ed25519PublicKey],
    found: Callable[[int], _Found | None],
    stored: Sequence[dict[str, Any] | None] = (),
    names: Sequence[Names | None] | None = None,
) -> Checks:
    """The checks ``found`` answers for envelope by envelope (None: worked out here);
    ``stored[i]``, where given, is envelope *i*'s stored form (else made here); ``names``:
    :attr:`Checks.names`."""
    index_of = {id(envelope): i for i, envelope in enumerate(envelopes)}

    def verify(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
        index = index_of.get(id(envelope))
        if index is not None and envelopes[index] is envelope:
            for number, signature in enumerate(envelope.signatures):
                if signature.sig == sig and signers.get(signature.keyid) is key:
                    result = found(index)
                    if result is not None and (verdict := result[0][number]) is not None:
                        return verdict
        return signature_verifies(key, envelope, sig)

    def checked(index: int) -> Checked:
        result = found(index)
        if result is None:
            return Checked.of(envelopes[index])
        _, leaf, precheck = result
        document = stored[index] if index < len(stored) else None
        if document is None:
            document = envelopes[index].to_json()
        return Checked(document, leaf, Precheck.unpacked(precheck))

    return Checks(verify, checked, names)


def _check_sent(sent: list[_Sent]) -> list[_Found]:
    """In a worker process: each envelope's checks, as plain tuples (they cross the process
    boundary several times faster than dataclasses)."""
    envelopes = [
        Envelope(payload_type, payload, tuple(Signature(k, s) for k, s in signatures))
        for payload_type, payload, signatures, _ in sent
    ]
    return _in_phases(envelopes, [keys for *_, keys in sent])


def _in_phases(
    envelopes: Sequence[Envelope], keys: Sequence[Sequence[bytes | None]]
) -> list[_Found]:
    """Each envelope's checks (``keys[i]``: the raw key of each of envelope *i*'s signers,
    where known), worked out a phase at a time over them all: every signature first, then the
    rest (what :meth:`Checked.of` works out, but the stored form, which the caller has). In one
    process, on the 8 chunks of a batch of 1,000, the workers' functions took 8–13% less time
    than checking envelope after envelope (medians of 25 alternated runs, faster in 22–23 of
    them). Most likely libsodium's verification and the interpreter's own work then evict each
    other from the core's caches once a chunk, not twice an envelope."""
    verdicts = [
        tuple(
            None if raw is None else signature_verifies(public_key(raw), envelope, s.sig)
            for s, raw in zip(envelope.signatures, signers, strict=True)
        )
        for envelope, signers in zip(envelopes, keys, strict=True)
    ]
    found: list[_Found] = []
    for verdict, envelope in zip(verdicts, envelopes, strict=True):
        entry = entry_bytes(envelope)
        found.append((verdict, leaf_hash(entry), precheck(envelope, entry).packed()))
    return found


# Back for each item of a batch body: the envelope read from it (payload type, payload,
# signatures as (keyid, sig)), its checks, what its statement names and whether the item is in
# the order of the envelope's stored form; None if the item is refused as an envelope.
_Read = tuple[str, bytes, tuple[tuple[str, bytes], ...], _Found, Names | None, bool]
_STORED_ORDER = list(Envelope("", b"", (Signature("", b""),)).to_json())
_SIGNATURE_ORDER = list(Envelope("", b"", (Signature("", b""),)).to_json()["signatures"][0])


def _read_sent(documents: list[Any], keys: dict[str, bytes]) -> list[_Read | None]:
    """In a worker process: each item read as an envelope, and its checks (``keys``: the raw
    public key of each signer the ledger knows, by keyid). All the items are read first, then
    checked (:func:`_in_phases`)."""
    read: list[tuple[int, Envelope]] = []
    for index, document in enumerate(documents):
        try:
            read.append((index, envelope_from(document)))
        except Rejection:
            continue  # answered None
    envelopes = [envelope for _, envelope in read]
    checks = _in_phases(
        envelopes, [[keys.get(s.keyid) for s in envelope.signatures] for envelope in envelopes]
    )
    answers: list[_Read | None] = [None] * len(documents)
    for (index, envelope), found in zip(read, checks, strict=True):
        statement = found[2][1]  # packed: (type, subject, data, …)
        names = (
            None if statement is None else (statement[0], statement[1], referenced(statement[2]))
        )
        signatures = tuple((s.keyid, s.sig) for s in envelope.signatures)
        # An item in its stored form's key order is that form: the caller need not make it.
        in_order = _in_stored_order(documents[index])
        answers[index] = envelope.payload_type, envelope.payload, signatures, found, names, in_order
    return answers


def _in_stored_order(document: dict[str, Any]) -> bool:
    """Whether an item read as an envelope is in its stored form's key order: the item is then
    that form (every string in it was read strictly)."""
    return list(document) == _STORED_ORDER and all(
        list(signature) == _SIGNATURE_ORDER for signature in document["signatures"]
    )


def _raw_keys(keys: dict[str, Ed25519PublicKey]) -> dict[str, bytes]:
    """Each key's raw 32 bytes, by keyid: what a worker process is sent."""
    return {keyid: key.public_bytes_raw() for keyid, key in keys.items()}


def _known(
    signer_of: Callable[[str], SignerRecord | None], keyids: set[str]
) -> dict[str, Ed25519PublicKey]:
    """The public key of each of ``keyids`` the ledger knows (each looked up once)."""
    known: dict[str, Ed25519PublicKey] = {}
    for keyid in keyids:
        if (signer := signer_of(keyid)) is not None:
            known[keyid] = signer.public_key
    return known


def _keyids(documents: Sequence[Any]) -> set[str]:
    """The keyids a batch body's items name, read leniently: an item that is not an envelope
    names none (its reading refuses it)."""
    keyids: set[str] = set()
    for document in documents:
        signatures = document.get("signatures") if type(document) is dict else None
        if type(signatures) is list:
            keyids.update(
                keyid
                for signature in signatures
                if type(signature) is dict and type(keyid := signature.get("keyid")) is str
            )
    return keyids
