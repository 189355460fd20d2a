"""The "who may sign" column of the catalogue (DESIGN.md §3, §11.1): one rule per kind of
statement, reading the admission state as it stands when the statement is recorded.

A rule raises :class:`Rejection` (403 role/owner, 409 existing subject, 422 dangling or
wrong-kind reference) or returns. The registry (``domain.statement_types``) names each type's rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.catalogue import SubjectKind
from domain.encoding import b64decode_strict
from domain.envelope import keyid_for
from domain.ledger_records import SignerRecord, SubjectRecord, same_licence
from domain.licences.catalogue import built_in_id
from domain.rejections import Rejection, RejectionKind

if TYPE_CHECKING:
    from domain.ledger_state import LedgerState
    from domain.statement import Statement

Rule = Callable[["LedgerState", "Statement", SignerRecord], None]
"""(state, statement, author's record) -> None, or a :class:`Rejection`."""
LICENCE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.-]+$")


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


def signer_enrolled(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "operator", statement)
    _require_new_subject(state, statement)
    key = Ed25519PublicKey.from_public_bytes(b64decode_strict(statement.data["public_key"]))
    if keyid_for(key) != statement.subject:
        raise Rejection(
            RejectionKind.INVALID_STATEMENT,
            "subject must be the keyid (lowercase hex SHA-256) of data.public_key",
        )


def signer_revoked(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
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


def artefact_registered(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "publisher", statement)
    _require_new_subject(state, statement)


def licence_granted(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    subject = _existing(state, statement.subject, SubjectKind.ARTEFACT, "subject")
    _require_owner(subject, signer, statement, operator_may=True)


def licence_withdrawn(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    subject = _existing(state, statement.subject, SubjectKind.ARTEFACT, "subject")
    _require_owner(subject, signer, statement, operator_may=True)
    if not any(same_licence(g, statement.data["licence"]) for g in subject.licences):
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE,
            f"data.licence: '{statement.data['licence']}' is not a grant in force on "
            f"'{subject.id}' (in force: {list(subject.licences)})",
        )


def licence_defined(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
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


def owned_artefact(artefact_kind: str) -> Rule:
    def rule(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
        subject = _existing(
            state, statement.subject, SubjectKind.ARTEFACT, "subject", artefact_kind
        )
        _require_owner(subject, signer, statement, operator_may=False)

    return rule


def dataset_derived(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    owned_artefact("dataset")(state, statement, signer)
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


def training_run(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
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


def model_released(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
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


def component_attached(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    subject = _existing(state, statement.subject, SubjectKind.MODEL_VERSION, "subject")
    _require_owner(subject, signer, statement, operator_may=False)
    _existing(state, statement.data["artefact"], SubjectKind.ARTEFACT, "data.artefact")


def claim_asserted(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    _require_role(signer, "auditor", statement)
    if statement.subject not in state.subjects and statement.subject not in state.signers:
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE, f"subject: '{statement.subject}' is not recorded"
        )


def claim_retracted(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
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


# --- catalogue v1.1 (DESIGN.md §11.1) --------------------------------------------------------


def owned_model(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    """A statement about a model version by its owner organisation, naming recorded artefacts."""
    subject = _existing(state, statement.subject, SubjectKind.MODEL_VERSION, "subject")
    _require_owner(subject, signer, statement, operator_may=False)
    for field in ("architecture_information", "usage_information"):
        for index, artefact in enumerate(statement.data.get(field, ())):
            _existing(state, artefact, SubjectKind.ARTEFACT, f"data.{field}[{index}]")


def provider_described(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    organisation = statement.subject
    if not any(s.organisation == organisation for s in state.signers.values()):
        raise Rejection(
            RejectionKind.DANGLING_REFERENCE,
            f"subject: no key is enrolled for the organisation '{organisation}' "
            "(write it exactly as in SignerEnrolled.organisation)",
        )
    _same_kind_if_recorded(state, statement, SubjectKind.PROVIDER)
    if signer.has_role("operator"):
        return
    if signer.organisation != organisation:
        raise Rejection(
            RejectionKind.NOT_OWNER,
            f"{statement.type} on '{organisation}' must be signed by a publisher of that "
            f"organisation or an operator; {signer.keyid} belongs to '{signer.organisation}'",
        )
    _require_role(signer, "publisher", statement)


def crawler_described(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    existing = _same_kind_if_recorded(state, statement, SubjectKind.CRAWLER)
    if existing is None:
        _require_role(signer, "publisher", statement)
        return
    _require_owner(existing, signer, statement, operator_may=False)


def _same_kind_if_recorded(
    state: LedgerState, statement: Statement, kind: SubjectKind
) -> SubjectRecord | None:
    """The subject's record if it is recorded (it must then be of ``kind``), else None."""
    if statement.subject in state.signers:
        raise Rejection(
            RejectionKind.WRONG_SUBJECT_KIND,
            f"subject: '{statement.subject}' is a signer, not {_article(kind)} {kind}",
        )
    existing = state.subjects.get(statement.subject)
    if existing is not None and existing.kind is not kind:
        raise Rejection(
            RejectionKind.WRONG_SUBJECT_KIND,
            f"subject: '{statement.subject}' is a {existing.kind}, not {_article(kind)} {kind}",
        )
    return existing


def dataset_described(state: LedgerState, statement: Statement, signer: SignerRecord) -> None:
    owned_artefact("dataset")(state, statement, signer)
    data = statement.data
    if "crawler" in data:
        _existing(state, data["crawler"], SubjectKind.CRAWLER, "data.crawler")
    for index, generator in enumerate(data.get("generator_models", ())):
        if "model" in generator:
            where = f"data.generator_models[{index}].model"
            _existing(state, generator["model"], SubjectKind.MODEL_VERSION, where)


def systemic_risk_designated(
    state: LedgerState, statement: Statement, signer: SignerRecord
) -> None:
    if not (signer.has_role("operator") or signer.has_role("auditor")):
        raise Rejection(
            RejectionKind.MISSING_ROLE,
            f"{statement.type} must be signed by an operator or an auditor key; "
            f"{signer.keyid} has roles {sorted(signer.roles)}",
        )
    _existing(state, statement.subject, SubjectKind.MODEL_VERSION, "subject")
