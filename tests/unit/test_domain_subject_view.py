"""domain.subject_view: a subject's state is the fold of its statements in log order."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.catalogue import SubjectKind
from domain.envelope import keyid_for
from domain.statement import Statement
from domain.subject_view import SignedStatement, subject_state


def _keyid() -> str:
    return keyid_for(Ed25519PrivateKey.generate().public_key())


PUBLISHER, AUDITOR, OTHER_AUDITOR = _keyid(), _keyid(), _keyid()


def signed(
    type_: str,
    data: dict[str, Any],
    *,
    subject: str = "acme/x/weights",
    effective_at: str = "2024-01-01T00:00:00Z",
    author: str = PUBLISHER,
) -> SignedStatement:
    statement = Statement(type_, subject, data, effective_at, "2024-06-01T00:00:00Z")
    event_id = hashlib.sha256(statement.canonical_bytes()).hexdigest()
    return SignedStatement(statement, event_id, author)


def registered(kind: str = "parameters", **extra: Any) -> SignedStatement:
    data: dict[str, Any] = {"kind": kind, "name": "n", "availability": "public", **extra}
    if kind != "hardware":
        data.setdefault("component", "model-parameters")
    return signed("ArtefactRegistered", data)


def granted(licence: str, effective_at: str = "2024-01-01T00:00:00Z") -> SignedStatement:
    return signed("LicenceGranted", {"licence": licence}, effective_at=effective_at)


def withdrawn(licence: str, effective_at: str = "2024-03-01T00:00:00Z") -> SignedStatement:
    data = {"licence": licence, "reason": "relicensed"}
    return signed("LicenceWithdrawn", data, effective_at=effective_at)


# --- artefacts and licences ------------------------------------------------------------


def test_registered_artefact_state() -> None:
    state = subject_state(SubjectKind.ARTEFACT, [registered(version="1.0")])
    assert state == {
        "claims": [],
        "kind": "parameters",
        "component": "model-parameters",
        "name": "n",
        "version": "1.0",
        "digest": None,
        "uri": None,
        "availability": "public",
        "licences": [],
    }


def test_an_artefact_always_has_a_licence_list() -> None:
    assert subject_state(SubjectKind.ARTEFACT, []) == {"claims": [], "licences": []}
    assert subject_state(SubjectKind.MODEL_VERSION, []) == {"claims": []}


def test_grants_accumulate_in_log_order() -> None:
    mit, apache = granted("MIT"), granted("Apache-2.0", "2023-01-01T00:00:00Z")
    state = subject_state(SubjectKind.ARTEFACT, [registered(), mit, apache])
    assert state["licences"] == [
        {
            "licence": "MIT",
            "uri": None,
            "effective_at": "2024-01-01T00:00:00Z",
            "event_id": mit.event_id,
            "withdrawn": None,
        },
        {
            "licence": "Apache-2.0",
            "uri": None,
            "effective_at": "2023-01-01T00:00:00Z",
            "event_id": apache.event_id,
            "withdrawn": None,
        },
    ]


def test_withdrawal_marks_the_grant_withdrawn() -> None:
    withdrawal = withdrawn("MIT")
    state = subject_state(
        SubjectKind.ARTEFACT, [registered(), granted("MIT"), granted("Apache-2.0"), withdrawal]
    )
    mit, apache = state["licences"]
    assert mit["withdrawn"] == {
        "reason": "relicensed",
        "effective_at": "2024-03-01T00:00:00Z",
        "event_id": withdrawal.event_id,
    }
    assert apache["withdrawn"] is None


def test_withdrawal_ends_only_the_first_open_grant_of_that_licence() -> None:
    first, second = withdrawn("MIT"), withdrawn("MIT", "2024-04-01T00:00:00Z")
    history = [registered(), granted("MIT"), granted("MIT", "2024-02-01T00:00:00Z")]
    state = subject_state(SubjectKind.ARTEFACT, [*history, first])
    assert [g["withdrawn"] is None for g in state["licences"]] == [False, True]
    state = subject_state(SubjectKind.ARTEFACT, [*history, first, second])
    assert [g["withdrawn"]["event_id"] for g in state["licences"]] == [
        first.event_id,
        second.event_id,
    ]


def test_a_grant_after_withdrawal_is_in_force_again() -> None:
    history = [registered(), granted("MIT"), withdrawn("MIT")]
    again = granted("MIT", "2024-05-01T00:00:00Z")
    state = subject_state(SubjectKind.ARTEFACT, [*history, again])
    assert [g["withdrawn"] is None for g in state["licences"]] == [False, True]


# --- datasets and hardware -------------------------------------------------------------


def source(source_id: str, **extra: Any) -> SignedStatement:
    data = {"source": source_id, "name": source_id.upper(), "rights": "unknown", **extra}
    return signed("DataSourceAdded", data)


def test_dataset_state_starts_empty() -> None:
    state = subject_state(SubjectKind.ARTEFACT, [registered("dataset", component="datasets")])
    assert (state["data_sources"], state["derived_from"], state["processing_code"]) == ([], [], [])


def test_data_source_with_the_same_id_replaces_the_earlier_one() -> None:
    first, other, replacement = (
        source("cc", share=0.5),
        source("wiki"),
        source("cc", rights="licensed", licence="CC-BY-4.0"),
    )
    state = subject_state(
        SubjectKind.ARTEFACT,
        [registered("dataset", component="datasets"), first, other, replacement],
    )
    by_id = {s["source"]: s for s in state["data_sources"]}
    assert len(state["data_sources"]) == 2
    assert by_id["cc"] == {
        "source": "cc",
        "name": "CC",
        "rights": "licensed",
        "licence": "CC-BY-4.0",
        "event_id": replacement.event_id,
        "effective_at": "2024-01-01T00:00:00Z",
    }
    assert by_id["wiki"]["event_id"] == other.event_id


def test_derivations_accumulate_without_repeats() -> None:
    state = subject_state(
        SubjectKind.ARTEFACT,
        [
            registered("dataset", component="datasets"),
            signed("DatasetDerived", {"from": ["a", "b"], "processing_code": "prep"}),
            signed("DatasetDerived", {"from": ["b", "c"], "processing_code": "prep"}),
        ],
    )
    assert state["derived_from"] == ["a", "b", "c"]
    assert state["processing_code"] == ["prep"]


def test_a_hardware_description_replaces_the_layers() -> None:
    layer = {"layer": "driver", "name": "d", "vendor": "v", "licence": "MIT"}
    runtime = {"layer": "runtime", "name": "r", "vendor": "v", "licence": "MIT"}
    second = signed("HardwareStackDescribed", {"layers": [runtime]})
    state = subject_state(
        SubjectKind.ARTEFACT,
        [registered("hardware"), signed("HardwareStackDescribed", {"layers": [layer]}), second],
    )
    assert state["layers"] == [runtime]
    assert state["layers_event_id"] == second.event_id


# --- model versions --------------------------------------------------------------------

RELEASE = {"name": "X", "version": "1", "components": {"model-parameters": ["acme/x/weights"]}}


def attached(component: str, artefact: str) -> SignedStatement:
    data = {"component": component, "artefact": artefact}
    return signed("ComponentAttached", data, subject="acme/x@1")


def test_released_model_state_defaults_optional_fields() -> None:
    state = subject_state(SubjectKind.MODEL_VERSION, [signed("ModelVersionReleased", RELEASE)])
    assert state == {
        "claims": [],
        "name": "X",
        "version": "1",
        "components": {"model-parameters": ["acme/x/weights"]},
        "training_runs": [],
        "base_model": None,
    }


def test_component_attached_adds_to_the_components() -> None:
    release = signed("ModelVersionReleased", copy.deepcopy(RELEASE))
    history = [
        release,
        attached("model-parameters", "acme/x/weights-fp8"),
        attached("model-card", "acme/x/card"),
        attached("model-parameters", "acme/x/weights"),
    ]
    state = subject_state(SubjectKind.MODEL_VERSION, history)
    assert state["components"] == {
        "model-parameters": ["acme/x/weights", "acme/x/weights-fp8"],
        "model-card": ["acme/x/card"],
    }
    assert release.statement.data == RELEASE


def test_folding_is_repeatable() -> None:
    history = [
        signed("ModelVersionReleased", copy.deepcopy(RELEASE)),
        attached("model-parameters", "acme/x/other"),
    ]
    assert subject_state(SubjectKind.MODEL_VERSION, history) == subject_state(
        SubjectKind.MODEL_VERSION, history
    )


def test_training_run_state_defaults_optional_fields() -> None:
    data = {"code": ["c"], "datasets": [], "hardware": [], "produced": ["w"]}
    state = subject_state(SubjectKind.TRAINING_RUN, [signed("TrainingRunRecorded", data)])
    assert state == {
        "claims": [],
        **data,
        "base_parameters": None,
        "started_at": None,
        "finished_at": None,
        "compute": None,
    }


# --- signers ---------------------------------------------------------------------------


def test_signer_state_shows_its_revocation() -> None:
    data = {"public_key": "k", "organisation": "acme", "roles": ["publisher"], "name": "n"}
    revoked = signed(
        "SignerRevoked",
        {"reason": "leaked", "compromised_since": "2024-02-01T00:00:00Z"},
        effective_at="2024-03-01T00:00:00Z",
    )
    enrolled = signed("SignerEnrolled", data)
    assert subject_state(SubjectKind.SIGNER, [enrolled])["revoked"] is None
    state = subject_state(SubjectKind.SIGNER, [enrolled, revoked])
    assert state["organisation"] == "acme"
    assert state["revoked"] == {
        "reason": "leaked",
        "compromised_since": "2024-02-01T00:00:00Z",
        "effective_at": "2024-03-01T00:00:00Z",
        "event_id": revoked.event_id,
    }


# --- claims ----------------------------------------------------------------------------


def asserted(claim: str, author: str = AUDITOR, **extra: Any) -> SignedStatement:
    return signed("ClaimAsserted", {"claim": claim, "detail": "d", **extra}, author=author)


def retracted(claim_event: str, author: str = AUDITOR) -> SignedStatement:
    data = {"claim_event": claim_event, "reason": "fixed"}
    return signed("ClaimRetracted", data, author=author)


def test_claims_are_listed_with_their_signer() -> None:
    first = asserted("undisclosed-training-data", evidence_uri="https://e")
    second = asserted("artefact-unavailable", OTHER_AUDITOR)
    state = subject_state(SubjectKind.ARTEFACT, [registered(), first, second])
    assert state["claims"] == [
        {
            "event_id": first.event_id,
            "claim": "undisclosed-training-data",
            "detail": "d",
            "evidence_uri": "https://e",
            "signer": AUDITOR,
            "retracted": None,
        },
        {
            "event_id": second.event_id,
            "claim": "artefact-unavailable",
            "detail": "d",
            "evidence_uri": None,
            "signer": OTHER_AUDITOR,
            "retracted": None,
        },
    ]


def test_retraction_marks_only_its_claim() -> None:
    first, second = asserted("licence-misattributed"), asserted("artefact-unavailable")
    retraction = retracted(first.event_id)
    state = subject_state(SubjectKind.ARTEFACT, [registered(), first, second, retraction])
    assert state["claims"][0]["retracted"] == {
        "reason": "fixed",
        "event_id": retraction.event_id,
    }
    assert state["claims"][1]["retracted"] is None


def test_claims_fold_on_a_signer_too() -> None:
    data = {"public_key": "k", "organisation": "acme", "roles": ["publisher"], "name": "n"}
    claim = asserted("key-shared")
    state = subject_state(SubjectKind.SIGNER, [signed("SignerEnrolled", data), claim])
    assert [c["event_id"] for c in state["claims"]] == [claim.event_id]
