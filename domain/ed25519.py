"""Ed25519 signature checks: libsodium's speed, OpenSSL's verdict.

Checking signatures is most of what ingest and audits spend, and libsodium (through PyNaCl)
verifies about 1.8 times as fast as OpenSSL (through ``cryptography``) on this project's
machines, with the GIL released. But the ledger's verdicts must stay those of the verifiers its
users run — ``cryptography``, ``securesystemslib`` and Go's ``crypto/ed25519`` — so:

- libsodium's acceptance is final. It applies every check OpenSSL does (``S < L``, the same
  cofactorless equation over the same hash, the recomputed ``R`` compared byte for byte) and
  more (it also refuses small-order and non-canonical ``A`` and ``R``), so what it accepts,
  OpenSSL accepts;
- libsodium's refusal is asked of OpenSSL again, whose answer stands. A signature only
  libsodium refuses (say, by a small-order key) is therefore judged exactly as before, and only
  a bad signature pays for two checks.

Contract: :func:`verifies` answers exactly as ``Ed25519PublicKey.verify`` does.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

_SIGNATURE_BYTES = 64
_KEY_BYTES = 32


def verifies(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is ``public_key``'s Ed25519 signature of ``message``."""
    if len(signature) == _SIGNATURE_BYTES:  # libsodium reads the signature off the front
        raw = public_key.public_bytes_raw()
        if len(raw) == _KEY_BYTES:
            try:
                crypto_sign_open(signature + message, raw)
            except BadSignatureError:
                pass  # OpenSSL has the last word on a refusal
            else:
                return True
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


@lru_cache(maxsize=4096)
def public_key(raw: bytes) -> Ed25519PublicKey:
    """The key whose raw 32 bytes are ``raw`` (ValueError otherwise), built once per process
    for the few signers a log has (worker processes receive raw keys)."""
    return Ed25519PublicKey.from_public_bytes(raw)
