"""Rule 11 (DESIGN.md §6): open claims on the model's subjects and statements signed by a key
after it was reported compromised appear in ``warnings`` with their event ids; they never
change a verdict."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assessment_builders import (
    DATA,
    MODEL,
    RUN,
    WEIGHTS,
    LedgerBuilder,
    key,
    open_model,
)

MALLORY = key("mallory")


def verdicts(document: dict[str, Any]) -> dict[str, Any]:
    return {"freedoms": document["freedoms"], "frameworks": document["frameworks"]}


def claims_on(subject: str) -> LedgerBuilder:
    builder = open_model()
    open_model(builder, prefix="x")  # an unrelated model
    return builder.claim(subject, "licence-misattributed").tag("claim")


@pytest.mark.parametrize("subject", [MODEL, WEIGHTS, "m/infer", RUN, DATA])
def test_an_open_claim_on_a_closure_subject_is_a_warning(subject: str) -> None:
    """Rule 11: an open ClaimAsserted on a subject the assessment reads appears in warnings
    with its event id; the verdicts are those without the claim."""
    builder = claims_on(subject)
    document = builder.assess()
    [warning] = document["warnings"]
    assert warning["evidence"] == [builder.ids["claim"]]
    assert "licence-misattributed" in warning["reason"]
    assert subject in warning["reason"]
    unclaimed = open_model()
    open_model(unclaimed, prefix="x")
    assert verdicts(document) == verdicts(unclaimed.assess())


def test_a_retracted_claim_is_not_a_warning() -> None:
    """Rule 11: after ClaimRetracted the claim is gone."""
    builder = claims_on(WEIGHTS)
    builder.retract(WEIGHTS, builder.ids["claim"])
    assert builder.assess()["warnings"] == []


def test_a_claim_on_an_unrelated_subject_is_not_a_warning() -> None:
    """Rule 11: claims on subjects outside the model's closure do not appear."""
    for subject in ("x@1", "x/weights", "x/data"):
        assert claims_on(subject).assess()["warnings"] == []


def compromised(compromised_since: str, issued_at: str) -> LedgerBuilder:
    """The open model whose weights' only grant (MIT) is signed by Mallory (issued at
    ``issued_at``), whose key is then revoked as compromised since ``compromised_since``."""
    builder = open_model(weights=None).enrol(MALLORY)
    builder.artefact(WEIGHTS, "parameters", "model-parameters")
    builder.grant(WEIGHTS, "MIT", issued_at=issued_at, signers=(MALLORY,)).tag("signed")
    builder.attach(MODEL, "model-parameters", WEIGHTS)
    return builder.revoke(MALLORY, compromised_since, effective_at="2024-09-01T00:00:00Z").tag(
        "revocation"
    )


def test_a_statement_signed_after_the_key_was_compromised_is_a_warning() -> None:
    """Rule 11: a statement whose issued_at is after its signer's compromised_since is a
    warning citing the statement and the revocation; verdicts are unchanged."""
    builder = compromised("2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z")
    document = builder.assess()
    [warning] = document["warnings"]
    assert warning["evidence"] == [builder.ids["signed"], builder.ids["revocation"]]
    assert MALLORY in warning["reason"]
    assert "LicenceGranted" in warning["reason"]
    trusted = compromised("2024-07-01T00:00:00Z", "2024-06-01T00:00:00Z").assess()
    assert verdicts(document) == verdicts(trusted)
    assert document["freedoms"]["use"]["status"] == "granted"  # the flagged grant still counts


def test_a_statement_signed_before_the_compromise_is_not_a_warning() -> None:
    """Rule 11: compromised_since later than issued_at: nothing to flag."""
    assert compromised("2024-07-01T00:00:00Z", "2024-06-01T00:00:00Z").assess()["warnings"] == []


def test_a_revocation_without_compromise_flags_nothing() -> None:
    """Rule 11: a revoked key's earlier statements stay trusted unless compromised_since."""
    builder = open_model().enrol(MALLORY)
    builder.grant(WEIGHTS, "MIT", signers=(MALLORY,)).revoke(MALLORY)
    assert builder.assess()["warnings"] == []


def test_a_co_signature_by_a_compromised_key_is_flagged() -> None:
    """Rule 11: every signer counts, not just the author."""
    builder = open_model().enrol(MALLORY)
    builder.grant(WEIGHTS, "MIT", issued_at="2024-06-01T00:00:00Z", signers=(key("acme"), MALLORY))
    signed = builder.last
    builder.revoke(MALLORY, "2024-05-01T00:00:00Z", effective_at="2024-09-01T00:00:00Z")
    [warning] = builder.assess()["warnings"]
    assert warning["evidence"][0] == signed


def test_warnings_do_not_depend_on_at_for_signer_events() -> None:
    """Rule 11 with DESIGN §2: revocations are never filtered by ``at``, so a compromise
    reported later still flags a statement in force at ``at``."""
    builder = compromised("2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z")
    document = builder.assess(at="2024-08-01T00:00:00Z")
    assert [w["evidence"] for w in document["warnings"]] == [
        [builder.ids["signed"], builder.ids["revocation"]]
    ]
