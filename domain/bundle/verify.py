"""Offline verification of a provenance bundle (DESIGN.md §7).

Given only the bundle and pinned keys (one or more log keys; optionally operator keys), it
checks: the shape and canonical encodings; the checkpoint's signature by a pinned log key; each
entry's inclusion proof to that checkpoint; every envelope signature and the rules each
statement had to meet when recorded, replayed in log order from the pinned operator keys (the
signer chain); that the entries are exactly the statements the assessment rests on; a fresh
recomputation of the assessment, which must equal the one claimed; and the attestation (DSSE,
in-toto Statement v1) signed by the same log key over that assessment. Every failure is named;
verification never stops at the first.

Without pinned operator keys, enrolments signed by keys the bundle cannot name are accepted
unchecked (and said so): the chain then rests on the log key alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.admission import admit
from domain.assessment.closure import closure
from domain.assessment.policies import POLICIES
from domain.assessment.report import UnknownModel, assess
from domain.assessment.world import Recorded, World
from domain.bundle.attestation import (
    IN_TOTO_PAYLOAD_TYPE,
    PREDICATE_TYPE_V1,
    attestation_statement,
    signed_predicate_type,
)
from domain.bundle.entries import Entry, differences, read_entries
from domain.canonical import CanonicalFormError, canonical_json
from domain.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from domain.encoding import EncodingError, parse_utc_time
from domain.envelope import keyid_for, parse_envelope, signature_verifies
from domain.fields import SUBJECT_ID
from domain.ledger_state import LedgerState
from domain.rejections import Rejection, RejectionKind
from domain.statement import parse_statement

BUNDLE_MEDIA_TYPE = "application/vnd.provenance-ledger.bundle.v1+json"
_FIELDS = frozenset(
    {
        "mediaType",
        "model",
        "policy",
        "as_of",
        "at",
        "checkpoint",
        "entries",
        "assessment",
        "attestation",
    }
)


@dataclass
class Verification:
    checks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.failures and bool(self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"valid": self.valid, "checks": self.checks, "failures": self.failures}


class _Stop(Exception):
    """A failure after which nothing else can be checked."""


@dataclass(frozen=True, slots=True)
class _Header:
    model: str
    policy: str
    position: int | None
    at: str | None


def verify_bundle(
    bundle: object,
    log_keys: Sequence[Ed25519PublicKey],
    operator_keys: Sequence[Ed25519PublicKey] = (),
) -> Verification:
    result = Verification()
    try:
        header = _header(bundle)
        assert isinstance(bundle, dict)
        checkpoint, log_key = _checkpoint(bundle["checkpoint"], log_keys, result)
        entries = read_entries(bundle["entries"], checkpoint, result.failures.append)
        if len(entries) == len(bundle["entries"]):
            result.checks.append(
                f"{len(entries)} entries are in the log: every inclusion proof "
                f"verifies against the checkpoint (tree size {checkpoint.size})"
            )
        world = _replay(entries, operator_keys, header, result)
        # A bundle made before §11 (…/assessment/v1) is recomputed without the EU framework;
        # the log key's signature over that predicate type is checked with the attestation.
        with_eu = signed_predicate_type(bundle["attestation"]) != PREDICATE_TYPE_V1
        _assessment(world, header, bundle["assessment"], with_eu, result)
        _attestation(bundle["attestation"], world, header, bundle["assessment"], log_key, result)
        _evidence(world, header.model, entries, result)
    except _Stop as stop:
        result.failures.append(str(stop))
    return result


def _header(bundle: object) -> _Header:
    if not isinstance(bundle, dict):
        raise _Stop("bundle: not a JSON object")
    if set(bundle) != _FIELDS:
        missing, extra = sorted(_FIELDS - set(bundle)), sorted(set(bundle) - _FIELDS)
        raise _Stop(
            f"bundle: fields must be exactly {sorted(_FIELDS)}; missing {missing}, "
            f"unexpected {extra}"
        )
    if bundle["mediaType"] != BUNDLE_MEDIA_TYPE:
        raise _Stop(f"mediaType: must be {BUNDLE_MEDIA_TYPE}")
    model, policy, as_of, at = bundle["model"], bundle["policy"], bundle["as_of"], bundle["at"]
    if not isinstance(model, str) or SUBJECT_ID.fullmatch(model) is None:
        raise _Stop("model: not a model version id")
    if policy not in POLICIES:
        raise _Stop(f"policy: must be one of {sorted(POLICIES)}")
    if (
        not isinstance(as_of, dict)
        or set(as_of) != {"position"}
        or not (as_of["position"] is None or type(as_of["position"]) is int)
    ):
        raise _Stop('as_of: must be {"position": <integer>}')
    if at is not None:
        try:
            parse_utc_time(at)
        except (EncodingError, TypeError) as error:
            raise _Stop(f"at: not a UTC time: {error}") from error
    return _Header(model, policy, as_of["position"], at)


def _checkpoint(
    note: object, log_keys: Sequence[Ed25519PublicKey], result: Verification
) -> tuple[Checkpoint, Ed25519PublicKey]:
    if not isinstance(note, str) or "\n" not in note:
        raise _Stop("checkpoint: not a signed note")
    origin = note.split("\n", 1)[0]
    reasons = []
    for key in log_keys:
        try:
            checkpoint = open_checkpoint(note, origin, key)
        except CheckpointError as error:
            reasons.append(str(error))
            continue
        result.checks.append(
            f"checkpoint of {origin} at tree size {checkpoint.size} is signed "
            f"by the pinned log key {keyid_for(key)[:16]}…"
        )
        return checkpoint, key
    raise _Stop(f"checkpoint: no pinned log key verifies it ({'; '.join(reasons) or 'no key'})")


def _replay(
    entries: list[Entry],
    operator_keys: Sequence[Ed25519PublicKey],
    header: _Header,
    result: Verification,
) -> World:
    """Admit every entry in log order from the pinned operators; fold them into a world."""
    state = LedgerState.with_operators(operator_keys)
    world = World(parse_utc_time(header.at) if header.at else None)
    failed = len(result.failures)
    unchecked = []
    for entry in entries:
        envelope, event_id = entry.envelope, entry.envelope.event_id
        try:
            statement = admit(state, envelope)
        except Rejection as rejection:
            if not (
                not operator_keys
                and rejection.kind is RejectionKind.UNKNOWN_KEY
                and _is_enrolment(envelope.payload)
            ):
                result.failures.append(f"{entry.where()}: {rejection.kind}: {rejection.detail}")
                continue
            statement = parse_statement(envelope.payload)
            unchecked.append(entry.where())
        state.apply(statement, envelope.author, event_id)
        signers = tuple(s.keyid for s in envelope.signatures)
        world.add(Recorded(statement, event_id, signers, entry.leaf_index))
    if len(result.failures) == failed:
        chain = "pinned operator keys" if operator_keys else "the enrolments in the bundle"
        result.checks.append(
            f"every signature verifies and every statement meets the rules it "
            f"had to meet when recorded (signer chain from {chain})"
        )
    if unchecked:
        where = ", ".join(unchecked)
        result.checks.append(
            f"no operator key pinned: enrolment signatures at {where} were not checked"
        )
    return world


def _is_enrolment(payload: bytes) -> bool:
    try:
        return bool(json.loads(payload).get("type") == "SignerEnrolled")
    except (ValueError, AttributeError):
        return False


def _assessment(
    world: World, header: _Header, claimed: object, with_eu: bool, result: Verification
) -> None:
    try:
        expected = assess(
            world,
            header.model,
            header.policy,
            header.position,
            header.at,
            eu_ai_act_framework=with_eu,
        )
    except UnknownModel:
        result.failures.append(f"assessment: the entries do not hold model {header.model}")
        return
    found = differences(claimed, expected)
    if found:
        result.failures += [
            f"{line} (the assessment does not match a recomputation)" for line in found[:20]
        ]
    else:
        result.checks.append("the assessment equals a fresh recomputation from the entries")


def _attestation(
    attestation: object,
    world: World,
    header: _Header,
    assessment: object,
    log_key: Ed25519PublicKey,
    result: Verification,
) -> None:
    try:
        envelope = parse_envelope(attestation)
    except Rejection as rejection:
        result.failures.append(f"attestation: {rejection.detail}")
        return
    failed = len(result.failures)
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE:
        result.failures.append(f"attestation.payloadType: must be {IN_TOTO_PAYLOAD_TYPE}")
    signed = [s for s in envelope.signatures if s.keyid == keyid_for(log_key)]
    if not signed or not signature_verifies(log_key, envelope, signed[0].sig):
        result.failures.append(
            "attestation.signatures: no valid signature by the log key that signed the checkpoint"
        )
    try:
        statement = json.loads(envelope.payload)
        if canonical_json(statement) != envelope.payload:
            result.failures.append("attestation.payload: not RFC 8785 canonical JSON")
    except (ValueError, CanonicalFormError):
        result.failures.append("attestation.payload: not JSON")
        return
    if header.model in world.models:
        expected = attestation_statement(world, header.model, assessment)
        result.failures += [
            line.replace("assessment", "attestation.payload", 1)
            for line in differences(
                statement,
                expected,
                "assessment",
                ("the signed attestation has", "the bundle's assessment has"),
            )
        ]
    if len(result.failures) == failed:
        result.checks.append(
            "the attestation (in-toto Statement v1) is signed by the log key and "
            "attests this assessment for the model's parameters"
        )


def _evidence(world: World, model_id: str, entries: list[Entry], result: Verification) -> None:
    if model_id not in world.models:
        return
    needed = {recorded.event_id for recorded in closure(world, model_id)}
    extra = [e.where() for e in entries if e.envelope.event_id not in needed]
    for where in extra:
        result.failures.append(f"{where}: not a statement this model's assessment rests on")
    if not extra:
        result.checks.append("the entries are exactly the statements the assessment rests on")
