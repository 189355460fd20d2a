"""Rules 2 and 3 (DESIGN.md §6): what a licence's terms mean for each freedom, and how
licence expressions (AND, OR, WITH, several grants) and non-licences combine."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assessment_builders import (
    FREE_TERMS,
    INFER,
    MODEL,
    WEIGHTS,
    LedgerBuilder,
    blockers,
    blockers_on,
    conditions,
    open_model,
    statuses,
)

# A defined licence that grants everything but study: use granted, study denied.
NO_REVERSE_ENGINEERING = "LicenseRef-Acme-NoRE"
NO_RE_TERMS = {**FREE_TERMS, "reverse_engineering_ban": True}


def weights_under(*grants: str) -> LedgerBuilder:
    """The open model, its weights granted each of ``grants`` (none: no grant at all)."""
    builder = open_model(weights=None).define(NO_REVERSE_ENGINEERING, NO_RE_TERMS)
    builder.artefact(WEIGHTS, "parameters", "model-parameters")
    for licence in grants:
        builder.grant(WEIGHTS, licence)
    return builder.attach(MODEL, "model-parameters", WEIGHTS)


def weights_conditions(document: dict[str, Any], freedom: str) -> list[str]:
    return [c for c in conditions(document, freedom) if f"on {WEIGHTS}:" in c]


def reasons(document: dict[str, Any], freedom: str, artefact: str = WEIGHTS) -> str:
    return " | ".join(b["reason"] for b in blockers_on(document, freedom, artefact))


# -- rule 2: one licence's terms per freedom ----------------------------------------------------


def test_apache_grants_use_study_modify_and_shares_with_notices() -> None:
    """Rule 2: Apache-2.0 → use/study/modify granted, share conditional (keep notices)."""
    document = weights_under("Apache-2.0").assess()
    assert statuses(document) == {
        "use": "granted",
        "study": "granted",
        "modify": "granted",
        "share": "conditional",
    }
    [notice] = weights_conditions(document, "share")
    assert "notices" in notice


def test_gpl_shares_with_copyleft_and_source_conditions() -> None:
    """Rule 2: GPL-3.0-only → share conditional with notices, copyleft and source duties."""
    document = weights_under("GPL-3.0-only").assess()
    assert statuses(document)["share"] == "conditional"
    found = " | ".join(weights_conditions(document, "share"))
    assert "copyleft" in found
    assert "source" in found
    assert blockers_on(document, "share", WEIGHTS) == []


def test_non_commercial_restricts_use() -> None:
    """Rule 2: CC-BY-NC-4.0 → use restricted: no commercial use."""
    document = weights_under("CC-BY-NC-4.0").assess()
    assert statuses(document)["use"] == "restricted"
    assert "no commercial use" in reasons(document, "use")
    assert {b["licence"] for b in blockers(document, "use")} == {"CC-BY-NC-4.0"}


def test_no_derivatives_restricts_share_only() -> None:
    """Rule 2: CC-BY-ND-4.0 → share restricted (modified versions may not be shared); use
    stays granted."""
    document = weights_under("CC-BY-ND-4.0").assess()
    assert statuses(document)["share"] == "restricted"
    assert "modified versions may not be shared" in reasons(document, "share")
    assert statuses(document)["use"] == "granted"


def test_llama_2_restricts_use_and_names_the_user_threshold() -> None:
    """Rule 2: Llama 2 Community → use restricted, naming the 700,000,000 MAU threshold."""
    document = weights_under("LicenseRef-Llama-2-Community").assess()
    assert statuses(document)["use"] == "restricted"
    assert "700,000,000 monthly active users" in reasons(document, "use")


def test_the_cuda_eula_denies_study_of_that_artefact() -> None:
    """Rule 2: the NVIDIA CUDA EULA forbids reverse engineering → study denied, blocker on
    the artefact it covers."""
    document = open_model(inference_code="LicenseRef-NVIDIA-CUDA-EULA").assess()
    assert statuses(document)["study"] == "denied"
    [blocker] = blockers(document, "study")
    assert (blocker["artefact"], blocker["licence"]) == (INFER, "LicenseRef-NVIDIA-CUDA-EULA")
    assert "reverse engineering" in blocker["reason"]


def test_proprietary_denies_use() -> None:
    """Rule 2: LicenseRef-Proprietary → use denied."""
    document = weights_under("LicenseRef-Proprietary").assess()
    assert statuses(document)["use"] == "denied"
    assert {b["licence"] for b in blockers(document, "use")} == {"LicenseRef-Proprietary"}


# -- rule 3: expressions ------------------------------------------------------------------------


def test_and_takes_the_least_favourable_part() -> None:
    """Rule 3: AND needs both: MIT AND CC-BY-NC-4.0 → use restricted by the NC part."""
    document = weights_under("MIT AND CC-BY-NC-4.0").assess()
    assert statuses(document)["use"] == "restricted"
    assert {b["licence"] for b in blockers(document, "use")} == {"CC-BY-NC-4.0"}


def test_or_takes_the_most_favourable_alternative() -> None:
    """Rule 3: OR lets the user pick: CC-BY-NC-4.0 OR MIT → use granted, no blocker."""
    document = weights_under("CC-BY-NC-4.0 OR MIT").assess()
    assert statuses(document)["use"] == "granted"
    assert blockers(document, "use") == []


@pytest.mark.parametrize(
    "grants",
    [
        (f"CC-BY-NC-4.0 OR {NO_REVERSE_ENGINEERING}",),
        (f"{NO_REVERSE_ENGINEERING} OR CC-BY-NC-4.0",),
        ("CC-BY-NC-4.0", NO_REVERSE_ENGINEERING),  # two grants in force
    ],
)
def test_the_choice_between_alternatives_is_made_per_freedom(grants: tuple[str, ...]) -> None:
    """Rule 3: OR (and several grants) pick the most favourable alternative *per freedom*:
    use from the no-reverse-engineering licence (NC restricts use), study from the NC
    licence (the other forbids it). One pick for every freedom would limit one of them."""
    document = weights_under(*grants).assess()
    assert statuses(document)["use"] == "granted"
    assert statuses(document)["study"] == "granted"


def test_and_of_the_same_alternatives_limits_both() -> None:
    """Rule 3 (contrast for the per-freedom OR): with AND both limits bind."""
    document = weights_under(f"CC-BY-NC-4.0 AND {NO_REVERSE_ENGINEERING}").assess()
    assert statuses(document)["use"] == "restricted"
    assert statuses(document)["study"] == "denied"


def test_with_keeps_the_licence_verdict_and_names_the_exception() -> None:
    """Rule 3: WITH keeps the licence's verdict on every freedom and adds a condition that
    names the exception."""
    plain = weights_under("GPL-2.0-only").assess()
    document = weights_under("GPL-2.0-only WITH Classpath-exception-2.0").assess()
    assert statuses(document) == statuses(plain)
    for freedom in ("use", "study", "modify", "share"):
        assert any("Classpath-exception-2.0" in c for c in conditions(document, freedom))
    assert set(weights_conditions(plain, "share")) <= set(weights_conditions(document, "share"))


def test_two_grants_in_force_act_as_or() -> None:
    """Rule 3: several grants in force are alternatives: NC and MIT → use granted."""
    document = weights_under("CC-BY-NC-4.0", "MIT").assess()
    assert statuses(document)["use"] == "granted"
    assert blockers(document, "use") == []


@pytest.mark.parametrize(
    ("grants", "status", "licence"),
    [
        (("NOASSERTION",), "unknown", "NOASSERTION"),
        (("NONE",), "denied", "NONE"),
        (("LicenseRef-Acme-Secret",), "unknown", "LicenseRef-Acme-Secret"),
        (("MIT AND LicenseRef-Acme-Secret",), "unknown", "LicenseRef-Acme-Secret"),
        ((), "unknown", None),
    ],
)
def test_non_licences_are_never_open(
    grants: tuple[str, ...], status: str, licence: str | None
) -> None:
    """Rule 3: NOASSERTION → unknown, NONE → denied, an unknown id → unknown with that id as
    the blocker's licence, no grant → unknown; on every freedom."""
    document = weights_under(*grants).assess()
    for freedom in ("use", "study", "modify", "share"):
        assert statuses(document)[freedom] == status
        assert {b["licence"] for b in blockers_on(document, freedom, WEIGHTS)} == {licence}


@pytest.mark.parametrize(
    "licence",
    ["NOASSERTION", "NONE", "LicenseRef-Acme-Secret", "CC-BY-NC-4.0", "LicenseRef-Proprietary"],
)
def test_a_licence_blocker_names_artefact_component_licence_reason_and_evidence(
    licence: str,
) -> None:
    """Rule 3: each blocker names the artefact, component, licence, a reason and evidence
    event ids that include the grant's event id (and the artefact's registration)."""
    builder = weights_under(licence)
    document = builder.assess()
    [blocker, *_] = blockers(document, "use")
    assert blocker["artefact"] == WEIGHTS
    assert blocker["component"] == "model-parameters"
    assert blocker["licence"] == licence
    assert blocker["reason"]
    assert builder.find("LicenceGranted", WEIGHTS) in blocker["evidence"]
    assert builder.find("ArtefactRegistered", WEIGHTS) in blocker["evidence"]


def test_no_grant_blocker_cites_the_artefact_registration() -> None:
    """Rule 3: no grant → unknown, with the registration as evidence (there is no grant)."""
    builder = weights_under()
    [blocker] = blockers(builder.assess(), "use")
    assert (blocker["artefact"], blocker["licence"]) == (WEIGHTS, None)
    assert builder.find("ArtefactRegistered", WEIGHTS) in blocker["evidence"]
