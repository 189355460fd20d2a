"""Admission: whether the ledger, as it stands, accepts one envelope (DESIGN.md §2–§3).

Checks run in this order, so a caller learns the most basic problem first:
size (413: the envelope's RFC 8785 bytes, the log's entry, must fit the 65,535 bytes a
tlog-tiles entry bundle can carry) → payload type (422) → every signature by a known key (401)
→ statement shape and data (422) → signers not revoked (403) → the type's rules: role (403),
subject and references (409/422), ownership (403). Authorization follows log order: it reads
the state *when recorded*.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.catalogue import EVENT_TYPES, SubjectKind
from domain.encoding import b64decode_strict
from domain.envelope import STATEMENT_PAYLOAD_TYPE, Envelope, keyid_for, signature_verifies
from domain.leaf import envelope_bytes
from domain.ledger_state import LedgerState, SignerRecord, SubjectRecord, same_licence
from domain.licences.catalogue import built_in_id
from domain.rejections import Rejection, RejectionKind
from domain.statement import Statement, parse_statement
from domain.tlog_tiles import MAX_ENTRY_SIZE

Rule = Callable[[LedgerState, Statement, SignerRecord], None]
Verify = Callable[[Ed25519PublicKey, Envelope, bytes], bool]
"""Checks one signature; callers may pass a memo of checks done ahead in parallel."""
LICENCE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.-]+$")


def admit(state: LedgerState, envelope: Envelope, verify: Verify = signature_verifies) -> Statement:
    """Return the envelope's statement if ``state`` accepts it; raise :class:`Rejection` if not."""
    if (size := len(envelope_bytes(envelope.to_json()))) > MAX_ENTRY_SIZE:
        raise Rejection(
            RejectionKind.ENVELOPE_TOO_LARGE,
            f"the envelope's RFC 8785 form is {size} bytes; a log entry may be at most "
            f"{MAX_ENTRY_SIZE} (the uint16 length of a tlog-tiles entry bundle)",
        )
    if envelope.payload_type != STATEMENT_PAYLOAD_TYPE:
        raise Rejection(
            RejectionKind.UNSUPPORTED_PAYLOAD_TYPE,
            f"payloadType must be '{STATEMENT_PAYLOAD_TYPE}', not '{envelope.payload_type}'",
        )
    signers = [verified_signer(state, envelope, i, verify) for i in range(len(envelope.signatures))]
    statement = parse_statement(envelope.payload)
    for signer in signers:
        if signer.revoked:
            raise Rejection(RejectionKind.REVOKED_KEY, f"key {signer.keyid} has been revoked")
    _RULES[statement.type](state, statement, signers[0])
    return statement


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


# --- the "who may sign" column, one rule per type -------------------------------------------


def _require_role(signer: SignerRecord, role: str, statement: Statement) -> None:
    if not signer.has_role(role):
        raise Rejection(
            RejectionKind.MISSING_ROLE,
            f"{statement.type} must be signed by {_article(role)} {role} key; "
            f"{signer.keyid} has roles {sorted(signer.roles)}",
        )


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def _require_new_subject(state: LedgerState, statement: Statement) -> None:
    existing = state.subjects.get(statement.subject) or state.signers.get(statement.subject)
    if existing is not None:
        raise Rejection(
            RejectionKind.SUBJECT_EXISTS,
            f"subject '{statement.subject}' already exists; "
            f"{statement.type} may only start a subject",
        )


def _existing(
    state: LedgerState,
    subject_id: str,
    kind: SubjectKind,
    where: str,
    artefact_kind: str | None = None,
) -> SubjectRecord:
    subject = state.subjects.get(subject_id)
    if subject is None:
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE, f"{where}: '{subject_id}' is not recorded"
        )
    if subject.kind is not kind:
        raise Rejection(
            RejectionKind.WRONG_SUBJECT_KIND,
            f"{where}: '{subject_id}' is a {subject.kind}, not {_article(kind)} {kind}",
        )
    if artefact_kind is not None and subject.artefact_kind != artefact_kind:
        raise Rejection(
            RejectionKind.WRONG_SUBJECT_KIND,
            f"{where}: artefact '{subject_id}' is of kind {subject.artefact_kind}, "
            f"not {artefact_kind}",
        )
    return subject


def _require_owner(
    subject: SubjectRecord, signer: SignerRecord, statement: Statement, *, operator_may: bool
) -> None:
    if operator_may and signer.has_role("operator"):
        return
    if signer.organisation is None or signer.organisation != subject.owner:
        who = "the owner organisation" + (" or an operator" if operator_may else "")
        raise Rejection(
            RejectionKind.NOT_OWNER,
            f"{statement.type} on '{subject.id}' must be signed by {who} ('{subject.owner}'); "
            f"{signer.keyid} belongs to '{signer.organisation}'",
        )
    _require_role(signer, "publisher", statement)


def _signer_enrolled(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "operator", statement)
    _require_new_subject(state, statement)
    key = Ed25519PublicKey.from_public_bytes(b64decode_strict(statement.data["public_key"]))
    if keyid_for(key) != statement.subject:
        raise Rejection(
            RejectionKind.INVALID_STATEMENT,
            "subject must be the keyid (lowercase hex SHA-256) of data.public_key",
        )


def _signer_revoked(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    target = state.signers.get(statement.subject)
    if target is None:
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE, f"subject: key '{statement.subject}' is not enrolled"
        )
    if target.configured:
        raise Rejection(
            RejectionKind.CONFIGURED_KEY,
            f"key '{target.keyid}' is a configured operator key: no event revokes it; it leaves "
            "the trust root only by leaving the server's configuration",
        )
    if signer.keyid != target.keyid:
        _require_role(signer, "operator", statement)
    if target.revoked:
        raise Rejection(RejectionKind.CONFLICT, f"key '{target.keyid}' is already revoked")


def _artefact_registered(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "publisher", statement)
    _require_new_subject(state, statement)


def _licence_granted(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    subject = _existing(state, statement.subject, SubjectKind.ARTEFACT, "subject")
    _require_owner(subject, signer, statement, operator_may=True)


def _licence_withdrawn(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    subject = _existing(state, statement.subject, SubjectKind.ARTEFACT, "subject")
    _require_owner(subject, signer, statement, operator_may=True)
    if not any(same_licence(g, statement.data["licence"]) for g in subject.licences):
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE,
            f"data.licence: '{statement.data['licence']}' is not a grant in force on "
            f"'{subject.id}' (in force: {list(subject.licences)})",
        )


def _licence_defined(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    if LICENCE_REF.fullmatch(statement.subject) is None:
        raise Rejection(
            RejectionKind.INVALID_STATEMENT, "subject must be a 'LicenseRef-[A-Za-z0-9.-]+' id"
        )
    same_id = state.subjects.get(statement.subject)
    if same_id is not None and same_id.kind is not SubjectKind.LICENCE:
        _require_new_subject(state, statement)
    built_in = built_in_id(statement.subject)
    if built_in is not None and not signer.has_role("operator"):
        spelled = "" if built_in == statement.subject else f" (a spelling of '{built_in}')"
        raise Rejection(
            RejectionKind.MISSING_ROLE,
            f"'{statement.subject}'{spelled} names a built-in licence: only an operator may "
            f"define it; {signer.keyid} has roles {sorted(signer.roles)}",
        )
    if built_in is not None:
        return
    existing = state.licence_record(statement.subject)
    if existing is None:
        if not (signer.has_role("publisher") or signer.has_role("operator")):
            _require_role(signer, "publisher", statement)
        return
    _require_owner(existing, signer, statement, operator_may=True)


def _owned_artefact(artefact_kind: str) -> Rule:
    def rule(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
        subject = _existing(
            state, statement.subject, SubjectKind.ARTEFACT, "subject", artefact_kind
        )
        _require_owner(subject, signer, statement, operator_may=False)

    return rule


def _dataset_derived(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _owned_artefact("dataset")(state, statement, signer)
    for index, source in enumerate(statement.data["from"]):
        _existing(state, source, SubjectKind.ARTEFACT, f"data.from[{index}]", "dataset")
        if source == statement.subject or statement.subject in _lineage(state, source):
            raise Rejection(
                RejectionKind.INVALID_STATEMENT,
                f"data.from[{index}]: deriving from '{source}' would make a lineage cycle",
            )
    if "processing_code" in statement.data:
        _existing(
            state,
            statement.data["processing_code"],
            SubjectKind.ARTEFACT,
            "data.processing_code",
            "code",
        )


def _lineage(state: LedgerState, dataset: str) -> set[str]:
    seen: set[str] = set()
    pending = [dataset]
    while pending:
        record = state.subjects.get(pending.pop())
        for parent in record.derived_from if record else ():
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return seen


_RUN_REFERENCES = (
    ("code", "code"),
    ("datasets", "dataset"),
    ("hardware", "hardware"),
    ("produced", "parameters"),
)


def _training_run(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "publisher", statement)
    _require_new_subject(state, statement)
    for field, artefact_kind in _RUN_REFERENCES:
        for index, artefact in enumerate(statement.data[field]):
            _existing(
                state, artefact, SubjectKind.ARTEFACT, f"data.{field}[{index}]", artefact_kind
            )
    if "base_parameters" in statement.data:
        _existing(
            state,
            statement.data["base_parameters"],
            SubjectKind.ARTEFACT,
            "data.base_parameters",
            "parameters",
        )


def _model_released(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "publisher", statement)
    _require_new_subject(state, statement)
    for component, artefacts in statement.data["components"].items():
        for index, artefact in enumerate(artefacts):
            _existing(
                state, artefact, SubjectKind.ARTEFACT, f"data.components.{component}[{index}]"
            )
    for index, run in enumerate(statement.data.get("training_runs", [])):
        _existing(state, run, SubjectKind.TRAINING_RUN, f"data.training_runs[{index}]")
    if "base_model" in statement.data:
        _existing(state, statement.data["base_model"], SubjectKind.MODEL_VERSION, "data.base_model")


def _component_attached(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    subject = _existing(state, statement.subject, SubjectKind.MODEL_VERSION, "subject")
    _require_owner(subject, signer, statement, operator_may=False)
    _existing(state, statement.data["artefact"], SubjectKind.ARTEFACT, "data.artefact")


def _claim_asserted(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "auditor", statement)
    if statement.subject not in state.subjects and statement.subject not in state.signers:
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE, f"subject: '{statement.subject}' is not recorded"
        )


def _claim_retracted(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    claim = state.claims.get(statement.data["claim_event"])
    if claim is None or claim.subject != statement.subject:
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE,
            f"data.claim_event: no claim {statement.data['claim_event']} on '{statement.subject}'",
        )
    if claim.signer != signer.keyid:
        raise Rejection(
            RejectionKind.NOT_OWNER,
            f"only the claim's signer {claim.signer} may retract it; signed by {signer.keyid}",
        )
    if claim.retracted:
        raise Rejection(RejectionKind.CONFLICT, f"claim {claim.event_id} is already retracted")


_RULES: dict[str, Rule] = {
    "SignerEnrolled": _signer_enrolled,
    "SignerRevoked": _signer_revoked,
    "ArtefactRegistered": _artefact_registered,
    "LicenceGranted": _licence_granted,
    "LicenceWithdrawn": _licence_withdrawn,
    "LicenceDefined": _licence_defined,
    "DataSourceAdded": _owned_artefact("dataset"),
    "DatasetDerived": _dataset_derived,
    "HardwareStackDescribed": _owned_artefact("hardware"),
    "TrainingRunRecorded": _training_run,
    "ModelVersionReleased": _model_released,
    "ComponentAttached": _component_attached,
    "ClaimAsserted": _claim_asserted,
    "ClaimRetracted": _claim_retracted,
}
assert set(_RULES) == set(EVENT_TYPES), "every catalogue type needs an admission rule"
