"""What the ledger knows at its head, as far as admitting the next statement needs.

:class:`LedgerState` is a deterministic fold over recorded statements in log order: signers
(configured operators plus enrolments and revocations), subjects with their kind and owner, and
claims. It is what authorization and reference checks read. :meth:`LedgerState.draft` gives a
cheap copy-on-write layer, so a batch can be admitted statement by statement and thrown away
whole if any statement is refused.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.catalogue import EVENT_TYPES, SubjectKind
from domain.encoding import b64decode_strict
from domain.envelope import keyid_for
from domain.licences.catalogue import definition_key
from domain.statement import Statement


def same_licence(granted: str, named: str) -> bool:
    """Whether two licence expressions are the same grant: ids compare case-insensitively."""
    return granted.casefold() == named.casefold()


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


class LedgerState:
    """Signers, subjects and claims as of the last applied statement, and the spellings each
    defined licence was recorded under (by ``definition_key``; the first one is its record)."""

    def __init__(
        self,
        signers: MutableMapping[str, SignerRecord],
        subjects: MutableMapping[str, SubjectRecord],
        claims: MutableMapping[str, ClaimRecord],
        licences: MutableMapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.signers = signers
        self.subjects = subjects
        self.claims = claims
        self.licences: MutableMapping[str, tuple[str, ...]] = {} if licences is None else licences

    @classmethod
    def with_operators(cls, operator_keys: Iterable[Ed25519PublicKey]) -> LedgerState:
        """An empty ledger trusting the operator keys the server was started with."""
        signers = {
            keyid_for(key): SignerRecord(
                keyid=keyid_for(key),
                public_key=key,
                organisation=None,
                roles=frozenset({"operator"}),
                configured=True,
            )
            for key in operator_keys
        }
        return cls(signers, {}, {})

    def draft(self) -> LedgerState:
        """A layer over this state: changes go to the layer, this state is left untouched."""
        return LedgerState(
            ChainMap({}, self.signers),
            ChainMap({}, self.subjects),
            ChainMap({}, self.claims),
            ChainMap({}, self.licences),
        )

    def absorb(self, layer: LedgerState) -> None:
        """Keep the changes of ``layer``, a :meth:`draft` of this state."""
        for mine, theirs in (
            (self.signers, layer.signers),
            (self.subjects, layer.subjects),
            (self.claims, layer.claims),
            (self.licences, layer.licences),
        ):
            if not isinstance(theirs, ChainMap) or theirs.maps[1] is not mine:
                raise ValueError("absorb() takes a draft of this very state")
            mine.update(theirs.maps[0])

    def licence_record(self, licence_id: str) -> SubjectRecord | None:
        """The record of the licence ``licence_id`` spells, if a definition of it is recorded
        under any spelling (its first spelling's record: that one holds the owner)."""
        spellings = self.licences.get(definition_key(licence_id))
        return self.subjects.get(spellings[0]) if spellings else None

    def organisation_of(self, keyid: str) -> str | None:
        signer = self.signers.get(keyid)
        return signer.organisation if signer else None

    def apply(self, statement: Statement, author: str, event_id: str) -> None:
        """Fold one admitted statement into the state. Deterministic; never refuses."""
        kind = EVENT_TYPES[statement.type].creates
        subject = self.subjects.get(statement.subject)
        if kind is not None and subject is None:
            self._create(statement, kind, author)
            return
        handler = _FOLLOW_UPS.get(statement.type)
        if handler is not None:
            handler(self, statement, author, event_id)

    def _create(self, statement: Statement, kind: SubjectKind, author: str) -> None:
        data = statement.data
        if kind is SubjectKind.SIGNER:
            key = Ed25519PublicKey.from_public_bytes(b64decode_strict(data["public_key"]))
            self.signers[statement.subject] = SignerRecord(
                keyid=statement.subject,
                public_key=key,
                organisation=data["organisation"],
                roles=frozenset(data["roles"]),
            )
        owner = data["organisation"] if kind is SubjectKind.SIGNER else self.organisation_of(author)
        if kind is SubjectKind.LICENCE:
            first = self.licence_record(statement.subject)
            owner = first.owner if first is not None else owner
            licence = definition_key(statement.subject)
            self.licences[licence] = (*self.licences.get(licence, ()), statement.subject)
        self.subjects[statement.subject] = SubjectRecord(
            id=statement.subject,
            kind=kind,
            owner=owner,
            artefact_kind=data.get("kind") if kind is SubjectKind.ARTEFACT else None,
        )

    def _revoke(self, statement: Statement, author: str, event_id: str) -> None:
        signer = self.signers[statement.subject]
        self.signers[statement.subject] = replace(signer, revoked=True)

    def _grant(self, statement: Statement, author: str, event_id: str) -> None:
        subject = self.subjects[statement.subject]
        licences = (*subject.licences, statement.data["licence"])
        self.subjects[statement.subject] = replace(subject, licences=licences)

    def _withdraw(self, statement: Statement, author: str, event_id: str) -> None:
        subject = self.subjects[statement.subject]
        licences = list(subject.licences)
        licences.remove(next(g for g in licences if same_licence(g, statement.data["licence"])))
        self.subjects[statement.subject] = replace(subject, licences=tuple(licences))

    def _derive(self, statement: Statement, author: str, event_id: str) -> None:
        subject = self.subjects[statement.subject]
        derived = tuple(dict.fromkeys((*subject.derived_from, *statement.data["from"])))
        self.subjects[statement.subject] = replace(subject, derived_from=derived)

    def _assert_claim(self, statement: Statement, author: str, event_id: str) -> None:
        self.claims[event_id] = ClaimRecord(event_id, statement.subject, author)

    def _retract_claim(self, statement: Statement, author: str, event_id: str) -> None:
        claim = self.claims[statement.data["claim_event"]]
        self.claims[claim.event_id] = replace(claim, retracted=True)


_FOLLOW_UPS = {
    "SignerRevoked": LedgerState._revoke,
    "LicenceGranted": LedgerState._grant,
    "LicenceWithdrawn": LedgerState._withdraw,
    "DatasetDerived": LedgerState._derive,
    "ClaimAsserted": LedgerState._assert_claim,
    "ClaimRetracted": LedgerState._retract_claim,
}
