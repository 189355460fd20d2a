"""Builders for real signed envelopes: real Ed25519 keys, canonical payloads, DSSE."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.encoding import b64encode
from domain.envelope import (
    STATEMENT_PAYLOAD_TYPE,
    keyid_for,
    parse_envelope,
    raw_public_key,
    sign_envelope,
)
from domain.ledger import Ledger
from domain.statement import Statement

EFFECTIVE = "2024-01-01T00:00:00Z"
ISSUED = "2024-01-02T00:00:00Z"


def keyid(key: Ed25519PrivateKey) -> str:
    return keyid_for(key.public_key())


def envelope(
    keys: Ed25519PrivateKey | list[Ed25519PrivateKey],
    type_: str,
    subject: str,
    data: dict[str, Any],
    *,
    effective_at: str = EFFECTIVE,
    issued_at: str = ISSUED,
    nonce: str | None = None,
) -> dict[str, Any]:
    """A signed envelope as a JSON object (the first key is the author)."""
    signers = keys if isinstance(keys, list) else [keys]
    statement = Statement(type_, subject, data, effective_at, issued_at, nonce)
    return sign_envelope(STATEMENT_PAYLOAD_TYPE, statement.canonical_bytes(), signers).to_json()


def enrolment(
    operator: Ed25519PrivateKey,
    key: Ed25519PrivateKey,
    organisation: str,
    roles: list[str],
    name: str = "someone",
) -> dict[str, Any]:
    return envelope(
        operator,
        "SignerEnrolled",
        keyid(key),
        {
            "public_key": b64encode(raw_public_key(key.public_key())),
            "organisation": organisation,
            "roles": roles,
            "name": name,
        },
    )


def artefact(
    key: Ed25519PrivateKey, subject: str, kind: str, component: str | None, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, "name": subject, "availability": "public", **extra}
    if component is not None:
        data["component"] = component
    return envelope(key, "ArtefactRegistered", subject, data)


@dataclass
class Cast:
    """The people of the test scenarios, each with a real key."""

    operator: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    acme: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    acme_second: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    globex: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    auditor: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    stranger: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    def enrolments(self) -> list[dict[str, Any]]:
        return [
            enrolment(self.operator, self.acme, "acme", ["publisher"], "Acme publisher"),
            enrolment(self.operator, self.acme_second, "acme", ["publisher"], "Acme second"),
            enrolment(self.operator, self.globex, "globex", ["publisher"], "Globex publisher"),
            enrolment(self.operator, self.auditor, "watchdog", ["auditor"], "Auditor"),
        ]

    def small_model(self) -> list[dict[str, Any]]:
        """Enrolments plus a model with weights, code, a dataset, hardware and a training run."""
        acme = self.acme
        return [
            *self.enrolments(),
            artefact(acme, "acme/x/weights", "parameters", "model-parameters"),
            artefact(acme, "acme/x/code", "code", "training-code"),
            artefact(acme, "acme/x/data", "dataset", "datasets"),
            artefact(acme, "acme/x/gpu", "hardware", None),
            envelope(acme, "LicenceGranted", "acme/x/weights", {"licence": "Apache-2.0"}),
            envelope(
                acme,
                "TrainingRunRecorded",
                "acme/x/run-1",
                {
                    "code": ["acme/x/code"],
                    "datasets": ["acme/x/data"],
                    "hardware": ["acme/x/gpu"],
                    "produced": ["acme/x/weights"],
                },
            ),
            envelope(
                acme,
                "ModelVersionReleased",
                "acme/x@1",
                {
                    "name": "X",
                    "version": "1",
                    "components": {
                        "model-parameters": ["acme/x/weights"],
                        "training-code": ["acme/x/code"],
                    },
                    "training_runs": ["acme/x/run-1"],
                },
            ),
        ]


def appended_events(documents: Iterable[dict[str, Any]]) -> list[Ledger.StatementAppended]:
    """The ``StatementAppended`` events a ledger records for ``documents`` (signed envelopes),
    in order, as a projection's subscription hands them over (placeholder leaf hashes)."""
    ledger, now = Ledger("test"), datetime(2024, 1, 1, tzinfo=UTC)
    for document in documents:
        envelope = parse_envelope(document)
        ledger.append_statement(envelope.event_id, envelope.to_json(), "00" * 32, now)
    return [e for e in ledger.collect_events() if isinstance(e, Ledger.StatementAppended)]
