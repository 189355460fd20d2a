"""DSSE v1 envelopes (secure-systems-lab DSSE protocol v1.0.0) as the ledger accepts them.

Contract (DESIGN.md §2): ``{"payloadType", "payload", "signatures": [{"keyid", "sig"}]}`` and
nothing else; payload and signatures in standard padded base64; ``keyid`` is the lowercase hex
SHA-256 of the raw 32-byte Ed25519 public key and is always present; every signature is over
``PAE(payloadType, payload)``. Parsing checks the shape only: callers MUST still verify each
signature against a key they trust (:func:`signature_verifies`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.ed25519 import verifies
from domain.encoding import EncodingError, b64decode_strict, b64encode, is_sha256_hex
from domain.quick_init import quick_init
from domain.rejections import Rejection, RejectionKind

STATEMENT_PAYLOAD_TYPE = "application/vnd.provenance-ledger.statement.v1+json"
_ENVELOPE_KEYS = frozenset({"payloadType", "payload", "signatures"})
_SIGNATURE_KEYS = frozenset({"keyid", "sig"})


@quick_init
@dataclass(frozen=True, slots=True)
class Signature:
    keyid: str
    sig: bytes


@quick_init
@dataclass(frozen=True, slots=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: tuple[Signature, ...]
    event_id: str = field(init=False, repr=False, compare=False)
    """Lowercase hex SHA-256 of the payload bytes: one fact, one id (hashed once: the write
    path asks for it several times an envelope)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "event_id", hashlib.sha256(self.payload).hexdigest())

    @property
    def author(self) -> str:
        return self.signatures[0].keyid

    def to_json(self) -> dict[str, Any]:
        """The envelope as a JSON object, exactly as it is stored and hashed into the log."""
        return {
            "payloadType": self.payload_type,
            "payload": b64encode(self.payload),
            "signatures": [{"keyid": s.keyid, "sig": b64encode(s.sig)} for s in self.signatures],
        }


def pae(payload_type: str, body: bytes) -> bytes:
    """DSSE pre-authentication encoding: ``DSSEv1 SP len(type) SP type SP len(body) SP body``."""
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(body), body)


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def keyid_for(public_key: Ed25519PublicKey) -> str:
    """Lowercase hex SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()


def signature_verifies(public_key: Ed25519PublicKey, envelope: Envelope, sig: bytes) -> bool:
    """Whether ``sig`` is ``public_key``'s signature of the envelope's PAE (as OpenSSL
    judges it; see :mod:`domain.ed25519`)."""
    return verifies(public_key, sig, pae(envelope.payload_type, envelope.payload))


def sign_envelope(payload_type: str, payload: bytes, keys: Sequence[Ed25519PrivateKey]) -> Envelope:
    """Sign ``payload`` with every key in order; the first key is the author."""
    message = pae(payload_type, payload)
    signatures = tuple(
        Signature(keyid=keyid_for(key.public_key()), sig=key.sign(message)) for key in keys
    )
    return Envelope(payload_type=payload_type, payload=payload, signatures=signatures)


def parse_envelope(document: object) -> Envelope:
    """Read a decoded JSON value as an envelope, refusing any other shape or spelling."""
    if type(document) is not dict and not isinstance(document, Mapping):  # dicts asked cheaply
        raise _invalid("an envelope must be a JSON object")
    keys = set(document)
    if keys != _ENVELOPE_KEYS:
        missing, extra = sorted(_ENVELOPE_KEYS - keys), sorted(keys - _ENVELOPE_KEYS)
        raise _invalid(
            f"envelope fields must be exactly {sorted(_ENVELOPE_KEYS)}; "
            f"missing {missing}, unexpected {extra}"
        )
    payload_type, payload, signatures = (
        document["payloadType"],
        document["payload"],
        document["signatures"],
    )
    if not isinstance(payload_type, str) or not payload_type:
        raise _invalid("payloadType must be a non-empty string")
    if not payload_type.isascii() and not _is_unicode_text(payload_type):
        # PAE signs payloadType's UTF-8 bytes, and a refusal quotes it: both need real text.
        raise _invalid("payloadType must be Unicode text; it holds a lone surrogate")
    if not isinstance(payload, str):
        raise _invalid("payload must be a base64 string")
    if not isinstance(signatures, list) or not signatures:
        raise _invalid("signatures must be a non-empty list")
    parsed = tuple(_parse_signature(index, item) for index, item in enumerate(signatures))
    if len({s.keyid for s in parsed}) != len(parsed):
        raise _invalid("a keyid appears in more than one signature")
    return Envelope(payload_type, _decode(payload, "payload"), parsed)


def _is_unicode_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_signature(index: int, item: object) -> Signature:
    # Where it is, worded only for a refusal: an accepted one needs no text.
    if (type(item) is not dict and not isinstance(item, Mapping)) or set(item) != _SIGNATURE_KEYS:
        raise _invalid(f"signatures[{index}] must be an object with exactly 'keyid' and 'sig'")
    keyid, sig = item["keyid"], item["sig"]
    if not is_sha256_hex(keyid):
        raise _invalid(f"signatures[{index}].keyid must be 64 lowercase hex digits")
    if not isinstance(sig, str):
        raise _invalid(f"signatures[{index}].sig must be a base64 string")
    try:
        return Signature(keyid=keyid, sig=b64decode_strict(sig))
    except EncodingError as error:
        raise _invalid(f"signatures[{index}].sig: {error}") from error


def _decode(text: str, where: str) -> bytes:
    try:
        return b64decode_strict(text)
    except EncodingError as error:
        raise _invalid(f"{where}: {error}") from error


def _invalid(detail: str) -> Rejection:
    return Rejection(RejectionKind.INVALID_ENVELOPE, detail)
