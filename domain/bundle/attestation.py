"""The bundle's attestation: a DSSE envelope of an in-toto Statement v1 whose subjects are the
model's parameters (by digest, or by the release event id when a digest is unknown) and whose
predicate is the assessment, signed by the log key."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.assessment.world import World
from domain.canonical import canonical_json
from domain.envelope import sign_envelope

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE_V1 = "https://provenance-ledger.dev/assessment/v1"
PREDICATE_TYPE = "https://provenance-ledger.dev/assessment/v1.1"  # with frameworks["eu-ai-act"]
PREDICATE_TYPES = frozenset({PREDICATE_TYPE_V1, PREDICATE_TYPE})


def predicate_type_for(assessment: Any) -> str:
    """``…/assessment/v1.1`` when the assessment holds ``frameworks["eu-ai-act"]`` (DESIGN.md
    §11.2), else ``…/assessment/v1`` (an assessment made before §11)."""
    frameworks = assessment.get("frameworks") if isinstance(assessment, dict) else None
    holds = isinstance(frameworks, dict) and "eu-ai-act" in frameworks
    return PREDICATE_TYPE if holds else PREDICATE_TYPE_V1


def signed_predicate_type(attestation: Any) -> str | None:
    """The ``predicateType`` an attestation envelope's payload names, if it can be read (the
    signature is checked elsewhere: this only tells a verifier how to recompute)."""
    try:
        payload = base64.b64decode(attestation["payload"], validate=True)
        predicate_type = json.loads(payload)["predicateType"]
    except (TypeError, KeyError, ValueError, binascii.Error):
        return None
    return predicate_type if predicate_type in PREDICATE_TYPES else None


def attestation_subjects(world: World, model_id: str) -> list[dict[str, Any]]:
    """The model's own parameters artefacts, each by its SHA-256 digest, or by the event id of
    the model's release when the artefact records no digest."""
    model = world.models[model_id]
    subjects = []
    for artefact_id in model.components.get("model-parameters", []):
        artefact = world.artefacts.get(artefact_id)
        digest = artefact.digest if artefact and artefact.digest else model.event_id
        subjects.append({"name": artefact_id, "digest": {"sha256": digest}})
    if not subjects:
        subjects.append({"name": model_id, "digest": {"sha256": model.event_id}})
    return subjects


def attestation_statement(world: World, model_id: str, assessment: Any) -> dict[str, Any]:
    return {
        "_type": STATEMENT_TYPE,
        "subject": attestation_subjects(world, model_id),
        "predicateType": predicate_type_for(assessment),
        "predicate": assessment,
    }


def sign_attestation(statement: dict[str, Any], log_key: Ed25519PrivateKey) -> dict[str, Any]:
    """The DSSE envelope (JSON object) of the statement's RFC 8785 bytes, keyid set."""
    return sign_envelope(IN_TOTO_PAYLOAD_TYPE, canonical_json(statement), [log_key]).to_json()
