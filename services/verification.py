"""Signature checks done ahead of admission, in parallel.

Ed25519 verification dominates ingest cost and ``cryptography`` releases the GIL while it
verifies, so the signatures of a large batch (or of a group of concurrent requests) are checked
on a small thread pool before the sequential admission runs; admission then reads the memo.
Signatures by keys not yet known (enrolled earlier in the same batch) are checked inline.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.admission import Verify
from domain.envelope import Envelope, signature_verifies
from domain.ledger_state import LedgerState

_MIN_PARALLEL = 16  # below this a pool hop costs more than it saves


class ParallelVerifier:
    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool = (
            ThreadPoolExecutor(workers, thread_name_prefix="verify") if workers > 1 else None
        )

    def prepare(self, state: LedgerState, envelopes: Iterable[Envelope]) -> Verify:
        """Check every signature whose key ``state`` knows; return a verifier reading the memo."""
        jobs = [
            (signer.public_key, envelope, signature.sig)
            for envelope in envelopes
            for signature in envelope.signatures
            if (signer := state.signers.get(signature.keyid)) is not None
        ]
        if self._pool is None or len(jobs) < _MIN_PARALLEL:
            return signature_verifies
        chunks = [jobs[i :: self._workers] for i in range(self._workers)]
        memo: dict[tuple[int, bytes, bytes], bool] = {}
        for results in self._pool.map(_check_all, chunks):
            memo.update(results)

        def verify(key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
            known = memo.get((id(key), envelope.payload, sig))
            return signature_verifies(key, envelope, sig) if known is None else known

        return verify

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)


def _check_all(
    jobs: list[tuple[Ed25519PublicKey, Envelope, bytes]],
) -> dict[tuple[int, bytes, bytes], bool]:
    return {
        (id(key), env.payload, sig): signature_verifies(key, env, sig) for key, env, sig in jobs
    }
