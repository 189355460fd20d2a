"""The records the admission state keeps per signer, subject and claim (``domain.ledger_state``)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.catalogue import SubjectKind
from domain.quick_init import quick_init


def same_licence(granted: str, named: str) -> bool:
    """Whether two licence expressions are the same grant: ids compare case-insensitively."""
    return granted.casefold() == named.casefold()


@quick_init
@dataclass(frozen=True, slots=True)
class SignerRecord:
    keyid: str
    public_key: Ed25519PublicKey
    organisation: str | None
    roles: frozenset[str]
    revoked: bool = False
    configured: bool = False

    def has_role(self, role: str) -> bool:
        return role in self.roles


@quick_init
@dataclass(frozen=True, slots=True)
class SubjectRecord:
    id: str
    kind: SubjectKind
    owner: str | None
    artefact_kind: str | None = None
    licences: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    event_id: str
    subject: str
    signer: str
    retracted: bool = False
