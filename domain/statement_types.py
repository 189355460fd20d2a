"""The registry of statement types: one entry per type, holding everything the code does with it.

Every per-type behaviour is read from here — the data shape ``parse_statement`` checks, the
subject kind a first statement creates, who may sign it (``domain.admission``), how it changes
the admission state (``domain.ledger_state``), the subject view (``domain.subject_view``) and
the assessment's world (``domain.assessment.world``). A type is either in the registry with
all of them or not in the catalogue at all (a 422): no table elsewhere is keyed by type name,
and ``tests/unit/test_statement_types.py`` holds that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from domain import admission_rules as rules
from domain import catalogue as shapes
from domain import ledger_changes as changes
from domain import subject_folds as view
from domain.admission_rules import Rule
from domain.assessment import world_folds as world
from domain.assessment.world_folds import WorldFold
from domain.catalogue import SubjectKind
from domain.fields import Check
from domain.ledger_changes import Change
from domain.rejections import Rejection, RejectionKind
from domain.subject_folds import Fold


@dataclass(frozen=True, slots=True)
class StatementType:
    """One statement type of the catalogue and what the ledger does with it.

    ``subject`` is the kind of subject it is about (``None``: any recorded subject);
    ``creates`` whether its first statement creates that subject. ``signers`` says in words
    who may sign it (DESIGN.md's column); ``admit`` enforces it. ``trust_chain`` types
    (enrolments, revocations) are never filtered by ``at``.
    """

    name: str
    catalogue: str  # the catalogue version that introduced it: "1" or "1.1"
    schema: Check
    subject: SubjectKind | None
    creates: bool
    signers: str
    admit: Rule
    change: Change
    view: Fold
    world: WorldFold
    trust_chain: bool = False


_OWNER = "the owner organisation"
_TYPES = (
    StatementType(
        "SignerEnrolled",
        "1",
        shapes.SIGNER_ENROLLED,
        SubjectKind.SIGNER,
        True,
        "an operator key",
        rules.signer_enrolled,
        changes.creating(SubjectKind.SIGNER),
        view.signer_enrolled,
        world.signer_enrolled,
        trust_chain=True,
    ),
    StatementType(
        "SignerRevoked",
        "1",
        shapes.SIGNER_REVOKED,
        SubjectKind.SIGNER,
        False,
        "an operator, or the key itself (never a configured operator key)",
        rules.signer_revoked,
        changes.revoke,
        view.signer_revoked,
        world.signer_revoked,
        trust_chain=True,
    ),
    StatementType(
        "ArtefactRegistered",
        "1",
        shapes.ARTEFACT_REGISTERED,
        SubjectKind.ARTEFACT,
        True,
        "a publisher; its organisation becomes the owner",
        rules.artefact_registered,
        changes.creating(SubjectKind.ARTEFACT),
        view.artefact_registered,
        world.artefact_registered,
    ),
    StatementType(
        "LicenceGranted",
        "1",
        shapes.LICENCE_GRANTED,
        SubjectKind.ARTEFACT,
        False,
        f"{_OWNER}, or an operator",
        rules.licence_granted,
        changes.grant,
        view.licence_granted,
        world.licence_granted,
    ),
    StatementType(
        "LicenceWithdrawn",
        "1",
        shapes.LICENCE_WITHDRAWN,
        SubjectKind.ARTEFACT,
        False,
        f"{_OWNER}, or an operator",
        rules.licence_withdrawn,
        changes.withdraw,
        view.licence_withdrawn,
        world.licence_withdrawn,
    ),
    StatementType(
        "LicenceDefined",
        "1",
        shapes.LICENCE_DEFINED,
        SubjectKind.LICENCE,
        True,
        "first definition: a publisher or operator; later: the defining organisation or an "
        "operator; built-in ids and their aliases: operators only",
        rules.licence_defined,
        changes.creating(SubjectKind.LICENCE),
        view.licence_defined,
        world.licence_defined,
    ),
    StatementType(
        "DataSourceAdded",
        "1",
        shapes.DATA_SOURCE_ADDED,
        SubjectKind.ARTEFACT,
        False,
        _OWNER,
        rules.owned_artefact("dataset"),
        changes.nothing,
        view.data_source_added,
        world.data_source_added,
    ),
    StatementType(
        "DatasetDerived",
        "1",
        shapes.DATASET_DERIVED,
        SubjectKind.ARTEFACT,
        False,
        _OWNER,
        rules.dataset_derived,
        changes.derive,
        view.dataset_derived,
        world.dataset_derived,
    ),
    StatementType(
        "HardwareStackDescribed",
        "1",
        shapes.HARDWARE_STACK_DESCRIBED,
        SubjectKind.ARTEFACT,
        False,
        _OWNER,
        rules.owned_artefact("hardware"),
        changes.nothing,
        view.hardware_described,
        world.hardware_described,
    ),
    StatementType(
        "TrainingRunRecorded",
        "1",
        shapes.TRAINING_RUN_RECORDED,
        SubjectKind.TRAINING_RUN,
        True,
        "a publisher; its organisation owns the run",
        rules.training_run,
        changes.creating(SubjectKind.TRAINING_RUN),
        view.training_run,
        world.training_run,
    ),
    StatementType(
        "ModelVersionReleased",
        "1",
        shapes.MODEL_VERSION_RELEASED,
        SubjectKind.MODEL_VERSION,
        True,
        "a publisher; its organisation owns it",
        rules.model_released,
        changes.creating(SubjectKind.MODEL_VERSION),
        view.model_released,
        world.model_released,
    ),
    StatementType(
        "ComponentAttached",
        "1",
        shapes.COMPONENT_ATTACHED,
        SubjectKind.MODEL_VERSION,
        False,
        _OWNER,
        rules.component_attached,
        changes.nothing,
        view.component_attached,
        world.component_attached,
    ),
    StatementType(
        "ClaimAsserted",
        "1",
        shapes.CLAIM_ASSERTED,
        None,
        False,
        "an auditor",
        rules.claim_asserted,
        changes.assert_claim,
        view.claim_asserted,
        world.claim_asserted,
    ),
    StatementType(
        "ClaimRetracted",
        "1",
        shapes.CLAIM_RETRACTED,
        None,
        False,
        "the claim's signer",
        rules.claim_retracted,
        changes.retract_claim,
        view.claim_retracted,
        world.claim_retracted,
    ),
    # --- catalogue v1.1 (DESIGN.md §11.1) ------------------------------------------------------
    StatementType(
        "ModelVersionDescribed",
        "1.1",
        shapes.MODEL_VERSION_DESCRIBED,
        SubjectKind.MODEL_VERSION,
        False,
        _OWNER,
        rules.owned_model,
        changes.nothing,
        view.superseding("described"),
        world.model_described,
    ),
    StatementType(
        "ModelVersionDistributed",
        "1.1",
        shapes.MODEL_VERSION_DISTRIBUTED,
        SubjectKind.MODEL_VERSION,
        False,
        _OWNER,
        rules.owned_model,
        changes.nothing,
        view.superseding("distributed"),
        world.model_distributed,
    ),
    StatementType(
        "ProviderDescribed",
        "1.1",
        shapes.PROVIDER_DESCRIBED,
        SubjectKind.PROVIDER,
        True,
        "a publisher of that organisation, or an operator",
        rules.provider_described,
        changes.creating(SubjectKind.PROVIDER),
        view.superseding(None),
        world.provider_described,
    ),
    StatementType(
        "DatasetDescribed",
        "1.1",
        shapes.DATASET_DESCRIBED,
        SubjectKind.ARTEFACT,
        False,
        _OWNER,
        rules.dataset_described,
        changes.nothing,
        view.superseding("described"),
        world.dataset_described,
    ),
    StatementType(
        "CrawlerDescribed",
        "1.1",
        shapes.CRAWLER_DESCRIBED,
        SubjectKind.CRAWLER,
        True,
        "a publisher; its organisation owns it",
        rules.crawler_described,
        changes.creating(SubjectKind.CRAWLER),
        view.superseding(None),
        world.crawler_described,
    ),
    StatementType(
        "SystemicRiskDesignated",
        "1.1",
        shapes.SYSTEMIC_RISK_DESIGNATED,
        SubjectKind.MODEL_VERSION,
        False,
        "an operator or an auditor",
        rules.systemic_risk_designated,
        changes.nothing,
        view.superseding("systemic_risk"),
        world.systemic_risk,
    ),
)

STATEMENT_TYPES: Mapping[str, StatementType] = MappingProxyType({t.name: t for t in _TYPES})
"""Every type of the catalogue, by name, in catalogue order."""


def statement_type(name: str) -> StatementType:
    """The registry entry of ``name``; an unknown type is a 422 ``unknown-type`` rejection."""
    found = STATEMENT_TYPES.get(name)
    if found is None:
        raise Rejection(
            RejectionKind.UNKNOWN_TYPE,
            f"unknown statement type '{name}'; the catalogue has {sorted(STATEMENT_TYPES)}",
        )
    return found
