"""Signature checks done alongside admission, in parallel.

Ed25519 verification dominates ingest cost and ``cryptography`` releases the GIL while it
verifies. So the signatures of a large batch (or of a group of concurrent requests) are handed
to a small thread pool in chunks, in envelope order, while the sequential admission runs on the
calling thread and only waits for a chunk when it reaches it. Signatures by keys not yet known
(enrolled earlier in the same batch) are checked inline. Small requests are checked at once on
the calling thread, before it queues for the write lock, so concurrent requests check in
parallel too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.admission import Verify
from domain.envelope import Envelope, signature_verifies
from domain.ledger_state import SignerRecord

_MIN_PARALLEL = 16  # below this a pool hop costs more than it saves
_CHUNK = 64

_Job = tuple[Ed25519PublicKey, Envelope, bytes]
_Key = tuple[int, bytes, bytes]


class ParallelVerifier:
    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="verify") if workers else None

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
        if self._pool is None or len(jobs) < _MIN_PARALLEL:
            return _memo(_check_all(jobs))  # checked here, on the caller's thread
        pending: dict[_Key, Future[dict[_Key, bool]]] = {}
        for start in range(0, len(jobs), _CHUNK):
            chunk = jobs[start : start + _CHUNK]
            future = self._pool.submit(_check_all, chunk)
            pending.update((_key(*job), future) for job in chunk)

        def verify(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
            memo_key = (id(key), envelope.payload, sig)
            future = pending.get(memo_key)
            if future is None:
                return signature_verifies(key, envelope, sig)
            return future.result()[memo_key]

        return verify

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _memo(results: dict[_Key, bool]) -> Verify:
    def verify(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
        known = results.get(_key(key, envelope, sig))
        return signature_verifies(key, envelope, sig) if known is None else known

    return verify


def _key(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> _Key:
    return (id(key), envelope.payload, sig)


def _check_all(jobs: list[_Job]) -> dict[_Key, bool]:
    return {_key(*job): signature_verifies(*job) for job in jobs}
