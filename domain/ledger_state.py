"""What the ledger knows at its head, as far as admitting the next statement needs.

:class:`LedgerState` is a deterministic fold over recorded statements in log order: signers
(configured operators plus enrolments and revocations), subjects with their kind and owner, and
claims. It is what authorization and reference checks read. :meth:`LedgerState.draft` gives a
cheap copy-on-write layer, so a batch can be admitted statement by statement and thrown away
whole if any statement is refused. How each statement type changes it is that type's
``change`` in the registry (``domain.statement_types``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.envelope import keyid_for
from domain.ledger_records import ClaimRecord, SignerRecord, SubjectRecord, same_licence
from domain.licences.catalogue import definition_key
from domain.statement import Statement
from domain.statement_types import statement_type

__all__ = [
    "ClaimRecord",
    "Layer",
    "LedgerState",
    "SignerRecord",
    "SubjectRecord",
    "same_licence",
]

V = TypeVar("V")
_ABSENT = object()


class Layer(MutableMapping[str, V]):
    """Changes over a base mapping: writes stay in :attr:`changes`, reads fall through to
    ``base`` for keys not changed here.

    What ``collections.ChainMap({}, base)`` does, but a lookup asks each map once: ChainMap's
    ``get`` asks every map whether it holds the key, then asks again for the value, and
    admission looks up the stored state (a cache behind a lock) that way several times a
    statement, through two layers (a group's draft and a request's)."""

    __slots__ = ("base", "changes")

    def __init__(self, base: MutableMapping[str, V]) -> None:
        self.base = base
        self.changes: dict[str, V] = {}

    def get(self, key: str, default: V | None = None) -> V | None:  # type: ignore[override]
        value = self.changes.get(key, _ABSENT)
        if value is _ABSENT:
            return self.base.get(key, default)
        return value  # type: ignore[return-value]

    def __getitem__(self, key: str) -> V:
        value = self.changes.get(key, _ABSENT)
        if value is _ABSENT:
            return self.base[key]
        return value  # type: ignore[return-value]

    def __contains__(self, key: object) -> bool:
        return key in self.changes or key in self.base

    def __setitem__(self, key: str, value: V) -> None:
        self.changes[key] = value

    def __delitem__(self, key: str) -> None:
        del self.changes[key]  # the base is never changed through a layer

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.base, *self.changes]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self.base, *self.changes]))


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
            Layer(self.signers), Layer(self.subjects), Layer(self.claims), Layer(self.licences)
        )

    def absorb(self, layer: LedgerState) -> None:
        """Keep the changes of ``layer``, a :meth:`draft` of this state."""
        for mine, theirs in (
            (self.signers, layer.signers),
            (self.subjects, layer.subjects),
            (self.claims, layer.claims),
            (self.licences, layer.licences),
        ):
            if not isinstance(theirs, Layer) or theirs.base is not mine:
                raise ValueError("absorb() takes a draft of this very state")
            mine.update(theirs.changes)

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
        statement_type(statement.type).change(self, statement, author, event_id)
