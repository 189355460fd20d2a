"""How each statement type changes the admission state (``domain.ledger_state``).

One function per kind of change; the registry (``domain.statement_types``) names the one each
type makes. A change never refuses: the statement was admitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.catalogue import SubjectKind
from domain.encoding import b64decode_strict
from domain.ledger_records import ClaimRecord, SignerRecord, SubjectRecord, same_licence
from domain.licences.catalogue import definition_key

if TYPE_CHECKING:
    from domain.ledger_state import LedgerState
    from domain.statement import Statement

Change = Callable[["LedgerState", "Statement", str, str], None]
"""(state, statement, author keyid, event id) -> None."""


def nothing(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
    """The statement changes nothing admission reads."""


def creating(kind: SubjectKind, then: Change = nothing) -> Change:
    """Create the subject as ``kind`` on its first statement; ``then`` on later ones."""

    def change(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
        if statement.subject in state.subjects:
            then(state, statement, author, event_id)
        else:
            _create(state, statement, kind, author)

    return change


def _create(state: LedgerState, statement: Statement, kind: SubjectKind, author: str) -> None:
    data = statement.data
    if kind is SubjectKind.SIGNER:
        key = Ed25519PublicKey.from_public_bytes(b64decode_strict(data["public_key"]))
        state.signers[statement.subject] = SignerRecord(
            keyid=statement.subject,
            public_key=key,
            organisation=data["organisation"],
            roles=frozenset(data["roles"]),
        )
    owner = data["organisation"] if kind is SubjectKind.SIGNER else state.organisation_of(author)
    if kind is SubjectKind.PROVIDER:  # an organisation owns its own description
        owner = statement.subject
    if kind is SubjectKind.LICENCE:
        first = state.licence_record(statement.subject)
        owner = first.owner if first is not None else owner
        licence = definition_key(statement.subject)
        state.licences[licence] = (*state.licences.get(licence, ()), statement.subject)
    state.subjects[statement.subject] = SubjectRecord(
        id=statement.subject,
        kind=kind,
        owner=owner,
        artefact_kind=data.get("kind") if kind is SubjectKind.ARTEFACT else None,
    )


def revoke(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
    signer = state.signers[statement.subject]
    state.signers[statement.subject] = replace(signer, revoked=True)


def grant(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
    subject = state.subjects[statement.subject]
    licences = (*subject.licences, statement.data["licence"])
    state.subjects[statement.subject] = replace(subject, licences=licences)


def withdraw(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
    subject = state.subjects[statement.subject]
    licences = list(subject.licences)
    licences.remove(next(g for g in licences if same_licence(g, statement.data["licence"])))
    state.subjects[statement.subject] = replace(subject, licences=tuple(licences))


def derive(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
    subject = state.subjects[statement.subject]
    derived = tuple(dict.fromkeys((*subject.derived_from, *statement.data["from"])))
    state.subjects[statement.subject] = replace(subject, derived_from=derived)


def assert_claim(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
    state.claims[event_id] = ClaimRecord(event_id, statement.subject, author)


def retract_claim(state: LedgerState, statement: Statement, author: str, event_id: str) -> None:
    claim = state.claims[statement.data["claim_event"]]
    state.claims[claim.event_id] = replace(claim, retracted=True)
