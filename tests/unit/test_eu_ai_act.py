"""frameworks["eu-ai-act"] (DESIGN.md §11.2), rule by rule, from real recorded statements.

Each test builds a world with ``tests.assessment_builders`` and reads the answer of the full
assessment, so the rule is checked where readers see it. Boundaries are tested on both sides
(10^23, 10^25, 2 August 2025), so a rule changed to ``>=`` or to the other date fails.
"""

from __future__ import annotations

from typing import Any, Unpack

import pytest

from tests.assessment_builders import (
    AUDITOR,
    FREE_TERMS,
    OPERATOR,
    PUBLISHER,
    LedgerBuilder,
    When,
)

MODEL = "e@1"
WEIGHTS, ARCH, CARD, RUN = "e/weights", "e/arch", "e/card", "e/run"
DISTRIBUTED = {"price": "free", "personal_data_for_access": "none", "monetisation": []}
PROVIDER = {
    "name": "Acme AI",
    "contact": "eu@acme.example",
    "established_in_eu": True,
    "sme": False,
    "code_of_practice_signatory": True,
}
TEXT = {"modalities": {"input": ["text"], "output": ["text"]}}


def eu_model(
    *,
    licence: str = "Apache-2.0",
    availability: str = "public",
    flop: float | None = 1e24,
    described: dict[str, Any] | None = TEXT,
    distributed: dict[str, Any] | None = DISTRIBUTED,
    provider: dict[str, Any] | None = PROVIDER,
    **w: Unpack[When],
) -> LedgerBuilder:
    """An open, described model ``e@1`` of acme: weights, architecture code and model card
    under ``licence``, one run of ``flop`` FLOP, distributed free, acme established in the EU."""
    b = LedgerBuilder().enrol(PUBLISHER, "acme").enrol(AUDITOR, "watchdog", ["auditor"])
    b.artefact(WEIGHTS, "parameters", "model-parameters", availability, licence, **w)
    b.artefact(ARCH, "code", "model-architecture", "public", licence, **w)
    b.artefact(CARD, "documentation", "model-card", "public", licence, **w)
    compute = None if flop is None else {"flop": flop, "method": "hardware"}
    b.run(RUN, produced=[WEIGHTS], compute=compute, **w)
    components = {"model-parameters": [WEIGHTS], "model-architecture": [ARCH], "model-card": [CARD]}
    b.model(MODEL, components, [RUN], **w)
    if described is not None:
        b.add("ModelVersionDescribed", MODEL, described, **w)
    if distributed is not None:
        b.add("ModelVersionDistributed", MODEL, distributed, **w)
    if provider is not None:
        b.add("ProviderDescribed", "acme", provider, **w)
    return b


def eu(b: LedgerBuilder, at: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = b.assess(MODEL, at=at)["frameworks"]["eu-ai-act"]
    return answer


def unmet(answer: dict[str, Any]) -> dict[str, str]:
    """condition -> worst status among its unmet items."""
    order = {"disqualified": 0, "unknown": 1, "unclear": 2}
    found: dict[str, str] = {}
    for item in answer["open_source_exemption"]["unmet"]:
        current = found.get(item["condition"])
        if current is None or order[item["status"]] < order[current]:
            found[item["condition"]] = item["status"]
    return found


# --- the exemption ---------------------------------------------------------------------------


def test_an_open_apache_model_qualifies_and_keeps_only_the_remaining_obligations() -> None:
    answer = eu(eu_model())
    assert answer["open_source_exemption"] == {"status": "qualifies", "unmet": []}
    assert answer["obligations"] == ["53(1)(c)", "53(1)(d)", "53(3)"]
    assert answer["thresholds"] == {"general_purpose_flop": 1e23, "systemic_risk_flop": 1e25}


def test_non_commercial_weights_are_disqualified_with_evidence() -> None:
    b = eu_model(licence="CC-BY-NC-4.0")
    answer = eu(b)
    assert answer["open_source_exemption"]["status"] == "disqualified"
    items = [i for i in answer["open_source_exemption"]["unmet"] if WEIGHTS in i["artefacts"]]
    assert items[0]["condition"] == "licence-use"
    assert "non-commercial" in items[0]["reason"]
    assert b.find("LicenceGranted", WEIGHTS) in items[0]["evidence"]
    assert answer["obligations"][:2] == ["53(1)(a)", "53(1)(b)"]


@pytest.mark.parametrize(
    ("licence", "condition", "status"),
    [
        ("LicenseRef-Llama-3.1-Community", "licence-use", "disqualified"),  # 700M MAU threshold
        ("LicenseRef-Mistral-Research-0.1", "licence-use", "disqualified"),  # research only
        ("LicenseRef-Falcon-180B-TII-1.0", "licence-use", "disqualified"),  # separate licence
        ("LicenseRef-BigScience-BLOOM-RAIL-1.0", "licence-use", "unclear"),  # RAIL use list
        ("LicenseRef-Gemma-Terms-of-Use", "licence-use", "unclear"),  # licensor may change
        ("LicenseRef-Unheard-Of", "licence-use", "unknown"),  # not in the catalogue
        ("MIT OR CC-BY-NC-4.0", None, "qualifies"),  # OR: the better
        ("MIT AND CC-BY-NC-4.0", "licence-use", "disqualified"),  # AND: the worse
        ("GPL-3.0-only", None, "qualifies"),  # copyleft is allowed
    ],
)
def test_licences_qualify_disqualify_or_stay_unclear(
    licence: str, condition: str | None, status: str
) -> None:
    answer = eu(eu_model(licence=licence))
    assert answer["open_source_exemption"]["status"] == status
    if condition is not None:
        assert unmet(answer)[condition] == status


def test_a_custom_licence_with_an_attribution_threshold_is_unclear() -> None:
    terms = {
        "use_restricted": False,
        "commercial_use": True,
        "modification": True,
        "redistribution": True,
        "redistribution_modified": True,
        "share_alike": False,
        "attribution": True,
        "source_obligation": False,
        "reverse_engineering_ban": False,
        "osi_approved": False,
        "mof_open": False,
        "user_threshold": 100_000_000,
        "threshold_consequence": "attribution",
        "restrictions": [],
        "excluded_regions": [],
        "licensor_may_change": False,
    }
    b = eu_model(licence="LicenseRef-Modified-MIT")
    b.define("LicenseRef-Modified-MIT", terms)
    assert unmet(eu(b)) == {"licence-use": "unclear"}
    b.define("LicenseRef-Modified-MIT", {**terms, "threshold_consequence": "licence-required"})
    assert unmet(eu(b)) == {"licence-use": "disqualified"}
    b.define(
        "LicenseRef-Modified-MIT", {**terms, "user_threshold": None, "excluded_regions": ["EU"]}
    )


def test_excluded_regions_in_the_terms_disqualify_access() -> None:
    b = eu_model(licence="LicenseRef-Regional")
    b.define("LicenseRef-Regional", {**FREE_TERMS, "excluded_regions": ["EU"]})
    assert unmet(eu(b)) == {"licence-access": "disqualified"}


@pytest.mark.parametrize(
    ("availability", "status"),
    [("gated", "unclear"), ("on-request", "disqualified"), ("described", "disqualified")],
)
def test_parameters_must_be_public(availability: str, status: str) -> None:
    assert unmet(eu(eu_model(availability=availability))) == {"parameters-public": status}


@pytest.mark.parametrize(
    ("change", "condition"),
    [
        ({"price": "paid"}, "monetisation"),
        ({"personal_data_for_access": "other"}, "monetisation"),
        ({"monetisation": ["dual-licensing"]}, "monetisation"),
        ({"excluded_regions": ["EU"]}, "licence-access"),
    ],
)
def test_named_disqualifiers_of_distribution(change: dict[str, Any], condition: str) -> None:
    assert unmet(eu(eu_model(distributed={**DISTRIBUTED, **change}))) == {condition: "disqualified"}


def test_personal_data_for_security_only_is_not_monetisation() -> None:
    distributed = {**DISTRIBUTED, "personal_data_for_access": "security-only"}
    assert eu(eu_model(distributed=distributed))["open_source_exemption"]["status"] == "qualifies"


def test_no_distribution_statement_leaves_access_and_monetisation_unknown() -> None:
    answer = eu(eu_model(distributed=None))
    assert unmet(answer) == {"licence-access": "unknown", "monetisation": "unknown"}
    assert "ModelVersionDistributed" in answer["open_source_exemption"]["unmet"][0]["reason"]


def test_missing_usage_information_is_unknown_and_says_what_to_record() -> None:
    b = eu_model()
    b.add("ModelVersionDescribed", MODEL, {**TEXT, "usage_information": []}, nonce="2")
    answer = eu(b)
    assert unmet(answer) == {"usage-public": "unknown"}


# --- systemic risk, general purpose, compute -------------------------------------------------


@pytest.mark.parametrize(
    ("flop", "status"),
    [(1e25, "not-presumed"), (1.0000001e25, "presumed"), (None, "unknown")],
)
def test_systemic_risk_is_presumed_strictly_above_10_25(flop: float | None, status: str) -> None:
    answer = eu(eu_model(flop=flop))
    assert answer["systemic_risk"]["status"] == status
    exemption = answer["open_source_exemption"]["status"]
    assert (
        exemption
        == {"not-presumed": "qualifies", "presumed": "disqualified", "unknown": "unknown"}[status]
    )
    assert ("55" in answer["obligations"]) is (status == "presumed")


def test_a_designation_in_force_decides_and_a_rebuttal_lifts_it() -> None:
    b = eu_model(flop=1e24)
    designation = {
        "status": "designated",
        "decided_at": "2026-03-01",
        "reference": "https://e.eu/1",
    }
    b.add(
        "SystemicRiskDesignated",
        MODEL,
        designation,
        signers=(OPERATOR,),
        effective_at="2026-03-01T00:00:00Z",
    )
    answer = eu(b)
    assert answer["systemic_risk"]["status"] == "designated"
    assert answer["systemic_risk"]["evidence"] == [b.last]
    assert "55" in answer["obligations"]
    assert eu(b, at="2026-02-28T00:00:00Z")["systemic_risk"]["status"] == "not-presumed"
    rebuttal = {**designation, "status": "rebutted", "decided_at": "2026-06-01"}
    b.add(
        "SystemicRiskDesignated",
        MODEL,
        rebuttal,
        signers=(AUDITOR,),
        effective_at="2026-06-01T00:00:00Z",
    )
    assert eu(b)["systemic_risk"]["status"] == "not-presumed"


def test_a_partial_sum_above_the_threshold_decides_without_every_run() -> None:
    b = eu_model(flop=2e25)
    b.run("e/run-2", produced=[WEIGHTS], compute={"gpu_hours": 10})  # v1 compute: unknown
    b.add(
        "ModelVersionReleased",
        "e@2",
        {
            "name": "e",
            "version": "2",
            "components": {"model-parameters": [WEIGHTS]},
            "training_runs": [RUN, "e/run-2"],
        },
    )
    answer = b.assess("e@2")["frameworks"]["eu-ai-act"]
    assert answer["systemic_risk"]["status"] == "presumed"
    assert answer["systemic_risk"]["cumulative_flop"] == 2e25


def test_synthetic_data_generation_counts_towards_cumulative_not_training_compute() -> None:
    b = eu_model(flop=5e22)
    b.run("e/synth", produced=[], compute={"flop": 9e22}, stage="synthetic-data-generation")
    b.add(
        "ModelVersionReleased",
        "e@2",
        {
            "name": "e",
            "version": "2",
            "components": {"model-parameters": [WEIGHTS]},
            "training_runs": [RUN, "e/synth"],
        },
    )
    answer = b.assess("e@2")["frameworks"]["eu-ai-act"]
    assert answer["systemic_risk"]["cumulative_flop"] == pytest.approx(1.4e23)
    assert answer["systemic_risk"]["training_flop"] == 5e22


@pytest.mark.parametrize(
    ("flop", "outputs", "general_purpose"),
    [
        (1.01e23, ["text"], True),
        (1e23, ["text"], None),  # not above the indicative criterion
        (1e26, ["other"], False),  # nothing generative
        (None, ["image"], None),  # compute unknown
    ],
)
def test_general_purpose_presumption(
    flop: float | None, outputs: list[str], general_purpose: bool | None
) -> None:
    described = {"modalities": {"input": ["text"], "output": outputs}}
    answer = eu(eu_model(flop=flop, described=described))
    assert answer["general_purpose"] is general_purpose
    if general_purpose is None:
        assert "general_purpose" in " ".join(answer["notes"])
        assert answer["obligations"]  # answered as if it were general-purpose
    if general_purpose is False:
        assert answer["obligations"] == []


def test_the_providers_own_classification_replaces_the_presumption() -> None:
    described = {**TEXT, "general_purpose": False}
    assert eu(eu_model(flop=1e26, described=described))["general_purpose"] is False


def test_a_provider_outside_the_eu_keeps_article_54_unless_exempt() -> None:
    outside = {**PROVIDER, "established_in_eu": False}
    assert "54" not in eu(eu_model(provider=outside))["obligations"]  # exempt
    answer = eu(eu_model(provider=outside, licence="CC-BY-NC-4.0"))
    assert answer["obligations"] == ["53(1)(a)", "53(1)(b)", "53(1)(c)", "53(1)(d)", "53(3)", "54"]
    assert "54" in eu(eu_model(provider=None, licence="CC-BY-NC-4.0"))["obligations"]


# --- deadlines and time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("placed", "deadline"),
    [("2025-08-01", "2027-08-02"), ("2025-08-02", "2025-08-02"), ("2026-01-15", "2026-01-15")],
)
def test_deadline_before_and_after_2_august_2025(placed: str, deadline: str) -> None:
    answer = eu(eu_model(distributed={**DISTRIBUTED, "eu_placed_at": placed}))
    assert answer["deadline"] == deadline


def test_no_deadline_before_the_model_is_placed_on_the_eu_market() -> None:
    b = eu_model(distributed={**DISTRIBUTED, "eu_placed_at": "2026-01-15"})
    assert eu(b)["deadline"] == "2026-01-15"
    assert eu(b, at="2026-01-14T00:00:00Z")["deadline"] is None
    assert eu(eu_model())["deadline"] is None


def test_relicensing_from_cc_by_nc_to_apache_changes_the_verdict_on_that_date() -> None:
    b = eu_model(licence="CC-BY-NC-4.0")
    relicensed = "2025-03-01T00:00:00Z"
    for artefact in (WEIGHTS, ARCH, CARD):
        b.withdraw(artefact, "CC-BY-NC-4.0", effective_at=relicensed)
        b.grant(artefact, "Apache-2.0", effective_at=relicensed)
    before = eu(b, at="2025-02-28T23:59:59Z")
    after = eu(b, at=relicensed)
    assert before["open_source_exemption"]["status"] == "disqualified"
    assert after["open_source_exemption"]["status"] == "qualifies"
    assert eu(b)["open_source_exemption"]["status"] == "qualifies"


def test_a_later_description_supersedes_only_from_its_effective_date() -> None:
    b = eu_model(described={**TEXT, "general_purpose": False})
    b.add(
        "ModelVersionDescribed",
        MODEL,
        {**TEXT, "general_purpose": True},
        effective_at="2025-06-01T00:00:00Z",
    )
    assert eu(b)["general_purpose"] is True
    assert eu(b, at="2025-05-31T00:00:00Z")["general_purpose"] is False


def test_the_framework_does_not_depend_on_the_policy() -> None:
    b = eu_model(licence="LicenseRef-Llama-3-Community")
    answers = {
        p: b.assess(MODEL, p)["frameworks"]["eu-ai-act"]
        for p in ("default", "hardware-aside", "data-propagates")
    }
    assert answers["default"] == answers["hardware-aside"] == answers["data-propagates"]


@pytest.mark.parametrize(("safety_oriented", "status"), [(True, "qualifies"), (False, "unclear")])
def test_use_restrictions_qualify_only_when_safety_oriented(
    safety_oriented: bool, status: str
) -> None:
    b = eu_model(licence="LicenseRef-Safety-Terms")
    restriction = {"kind": "field-of-use", "safety_oriented": safety_oriented}
    terms = {**FREE_TERMS, "use_restricted": True, "restrictions": [restriction]}
    b.define("LicenseRef-Safety-Terms", terms)
    assert eu(b)["open_source_exemption"]["status"] == status
