"""Admission: whether the ledger, as it stands, accepts one envelope (DESIGN.md §2–§3).

Checks run in this order, so a caller learns the most basic problem first:
payload type (422) → size (413: the envelope's RFC 8785 bytes, the log's entry, must fit the
65,535 bytes a tlog-tiles entry bundle can carry) → every signature by a known key (401)
→ statement shape and data (422) → signers not revoked (403) → the type's rules: role (403),
subject and references (409/422), ownership (403). Authorization follows log order: it reads
the state *when recorded*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.envelope import STATEMENT_PAYLOAD_TYPE, Envelope, signature_verifies
from domain.leaf import entry_bytes
from domain.ledger_state import LedgerState, SignerRecord
from domain.quick_init import quick_init
from domain.rejections import Rejection, RejectionKind
from domain.statement import Statement, parse_statement
from domain.statement_types import statement_type
from domain.tlog_tiles import MAX_ENTRY_SIZE

Verify = Callable[[Ed25519PublicKey, Envelope, bytes], bool]
"""Checks one signature; callers may pass a memo of checks done ahead in parallel."""


@quick_init
@dataclass(frozen=True, slots=True)
class Precheck:
    """What admitting an envelope finds without the ledger's state: the size of its log entry
    and its statement, or why its payload is refused. Worked out ahead (e.g. in another process)
    and handed to :func:`admit`, which still raises any refusal in its usual order."""

    entry_size: int
    statement: Statement | None
    refusal: Rejection | None = None

    def packed(self) -> PackedPrecheck:
        """As plain tuples, which cross a process boundary several times faster than
        dataclasses (and a :class:`Rejection` does not unpickle at all: it is rebuilt from
        its kind, detail and extensions)."""
        statement, refusal = self.statement, self.refusal
        return (
            self.entry_size,
            None
            if statement is None
            else (
                statement.type,
                statement.subject,
                statement.data,
                statement.effective_at,
                statement.issued_at,
                statement.nonce,
            ),
            None if refusal is None else (refusal.kind.value, refusal.detail, refusal.extensions),
        )

    @classmethod
    def unpacked(cls, packed: PackedPrecheck) -> Precheck:
        size, statement, refusal = packed
        return cls(
            size,
            None if statement is None else Statement(*statement),
            None if refusal is None else Rejection(RejectionKind(refusal[0]), *refusal[1:]),
        )


PackedPrecheck = tuple[int, tuple[Any, ...] | None, tuple[str, str, dict[str, Any]] | None]


def precheck(envelope: Envelope, entry: bytes | None = None) -> Precheck:
    """The stateless part of :func:`admit`; ``entry`` is the envelope's RFC 8785 bytes if the
    caller has them already."""
    size = len(entry if entry is not None else entry_bytes(envelope))
    try:
        return Precheck(size, parse_statement(envelope.payload))
    except Rejection as refusal:
        return Precheck(size, None, refusal)


def admit(
    state: LedgerState,
    envelope: Envelope,
    verify: Verify = signature_verifies,
    checked: Precheck | None = None,
) -> Statement:
    """Return the envelope's statement if ``state`` accepts it; raise :class:`Rejection` if not.
    ``checked`` is :func:`precheck` of this envelope, done ahead (None: done here)."""
    if envelope.payload_type != STATEMENT_PAYLOAD_TYPE:
        raise Rejection(
            RejectionKind.UNSUPPORTED_PAYLOAD_TYPE,
            f"payloadType must be '{STATEMENT_PAYLOAD_TYPE}', not '{envelope.payload_type}'",
        )
    # Only payloadType is free text, and it is checked first: the rest encodes as ASCII.
    size = checked.entry_size if checked else len(entry_bytes(envelope))
    if size > MAX_ENTRY_SIZE:
        raise Rejection(
            RejectionKind.ENVELOPE_TOO_LARGE,
            f"the envelope's RFC 8785 form is {size} bytes; a log entry may be at most "
            f"{MAX_ENTRY_SIZE} (the uint16 length of a tlog-tiles entry bundle)",
        )
    signers = [verified_signer(state, envelope, i, verify) for i in range(len(envelope.signatures))]
    statement = parse_statement(envelope.payload) if checked is None else _statement(checked)
    for signer in signers:
        if signer.revoked:
            raise Rejection(RejectionKind.REVOKED_KEY, f"key {signer.keyid} has been revoked")
    statement_type(statement.type).admit(state, statement, signers[0])
    return statement


def _statement(checked: Precheck) -> Statement:
    if checked.statement is None:
        assert checked.refusal is not None
        raise checked.refusal
    return checked.statement


def verified_signer(
    state: LedgerState, envelope: Envelope, index: int, verify: Verify = signature_verifies
) -> SignerRecord:
    """The known signer of signature ``index`` if it verifies, else a 401 rejection."""
    signature = envelope.signatures[index]
    signer = state.signers.get(signature.keyid)
    if signer is None:
        raise Rejection(
            RejectionKind.UNKNOWN_KEY, f"signatures[{index}]: key {signature.keyid} is not enrolled"
        )
    if not verify(signer.public_key, envelope, signature.sig):
        raise Rejection(
            RejectionKind.BAD_SIGNATURE,
            f"signatures[{index}]: signature by {signature.keyid} does not verify",
        )
    return signer
