"""Signature checks done alongside admission, in parallel.

Ed25519 verification is the largest single cost of ingest. The signatures of a request are
checked while the calling thread does everything else (reading ahead, admitting in order),
which only waits for a check when it reaches it:

- a large request (a batch) is checked in worker processes, in a few chunks in envelope order:
  they run on the other core whatever the serving process is doing, where threads would take
  turns with it for the interpreter (the process's own Python work is what limits batch ingest);
- a request of a few hundred signatures is checked on a small thread pool (libsodium releases
  the GIL while it verifies); below that a pool hop costs more than it saves, and the
  signatures are checked at once on the calling thread, before it queues for the write lock,
  so concurrent small requests check in parallel too.

Signatures by keys not yet known (enrolled earlier in the same request) are checked inline,
and so is anything a worker could not answer (a worker process that died, say): the verdict
is always :func:`domain.envelope.signature_verifies`'s.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from threading import Lock

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.admission import Verify
from domain.ed25519 import verifies
from domain.envelope import Envelope, pae, signature_verifies
from domain.ledger_state import SignerRecord

_MIN_PARALLEL = 16  # below this a pool hop costs more than it saves
_MIN_PROCESSES = 256  # below this sending the work to another process costs more than it saves
_CHUNK = 64  # signatures per thread job

_Job = tuple[Ed25519PublicKey, Envelope, bytes]
_Key = tuple[int, bytes, bytes]
_RawJob = tuple[bytes, bytes, bytes]  # raw public key, signature, signed message (PAE)


class ParallelVerifier:
    def __init__(self, workers: int, processes: int = 0) -> None:
        """``workers`` threads and up to ``processes`` worker processes (started with the
        first request large enough to use them); none of either: everything is checked
        inline."""
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="verify") if workers else None
        self._processes = processes
        self._process_pool: ProcessPoolExecutor | None = None
        self._lock = Lock()

    def prepare(
        self, signer_of: Callable[[str], SignerRecord | None], envelopes: Iterable[Envelope]
    ) -> Verify:
        """Start checking every signature whose key ``signer_of`` knows; return a verifier
        that reads those results (waiting for them if need be) and checks anything else
        inline."""
        jobs = [
            (signer.public_key, envelope, signature.sig)
            for envelope in envelopes
            for signature in envelope.signatures
            if (signer := signer_of(signature.keyid)) is not None
        ]
        if len(jobs) >= _MIN_PROCESSES and (processes := self._process_pool_started()):
            try:
                return _in_processes(processes, jobs, self._processes)
            except (BrokenProcessPool, RuntimeError):  # a worker died: start afresh next time
                self._discard(processes)
        if self._pool is None or len(jobs) < _MIN_PARALLEL:
            return _memo(_check_all(jobs))  # checked here, on the caller's thread
        return _in_threads(self._pool, jobs)

    def _process_pool_started(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._process_pool is None and self._processes:
                methods = multiprocessing.get_all_start_methods()
                # Not fork: the serving process has threads, which a forked child would lack.
                method = "forkserver" if "forkserver" in methods else "spawn"
                self._process_pool = ProcessPoolExecutor(
                    self._processes, multiprocessing.get_context(method)
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


def _in_processes(pool: Executor, jobs: list[_Job], processes: int) -> Verify:
    """Two chunks per process, so the first results are back while the last are checked."""
    raw: dict[int, bytes] = {}
    messages: dict[int, bytes] = {}
    sent: list[_RawJob] = []
    for key, envelope, sig in jobs:
        if (public := raw.get(id(key))) is None:
            public = raw[id(key)] = key.public_bytes_raw()
        if (message := messages.get(id(envelope))) is None:
            message = messages[id(envelope)] = pae(envelope.payload_type, envelope.payload)
        sent.append((public, sig, message))
    size = -(-len(sent) // (2 * processes))
    pending: dict[_Key, tuple[Future[list[bool]], int]] = {}
    for start in range(0, len(sent), size):
        future = pool.submit(_check_raw, sent[start : start + size])
        for offset, job in enumerate(jobs[start : start + size]):
            pending[_key(*job)] = (future, offset)

    def verify(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
        found = pending.get((id(key), envelope.payload, sig))
        if found is not None and jobs:  # ``jobs`` keeps the keys alive: their ids stay theirs
            future, offset = found
            try:
                return future.result()[offset]
            except Exception:  # noqa: S110 - a worker that failed: checked here instead
                pass
        return signature_verifies(key, envelope, sig)

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


def _check_raw(jobs: list[_RawJob]) -> list[bool]:
    """In a worker process: each signature's verdict, as :func:`signature_verifies` gives it."""
    return [verifies(_public_key(public), sig, message) for public, sig, message in jobs]


@lru_cache(maxsize=1024)
def _public_key(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)
