"""Rules 12 and 13 (DESIGN.md §6, reference/openness-frameworks.md): OSAID 1.0 conformance
and the Model Openness Framework class as the Model Openness Tool computes it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tests.assessment_builders import (
    MODEL,
    WEIGHTS,
    LedgerBuilder,
    open_model,
)

# -- rule 12: OSAID -------------------------------------------------------------------------------

OSAID_CODE = ("data-preprocessing-code", "supporting-libraries", "model-architecture")


def fully_open(
    builder: LedgerBuilder | None = None,
    weights: str = "Apache-2.0",
    leave_out: str | None = None,
    base_model: str | None = None,
) -> LedgerBuilder:
    """The open model plus every other OSAID code component, all under OSI licences."""
    builder = open_model(builder, weights=weights, base_model=base_model)
    for component in OSAID_CODE:
        if component != leave_out:
            artefact = f"m/{component}"
            builder.artefact(artefact, "code", component, licence="MIT")
            builder.attach(MODEL, component, artefact)
    return builder


def osaid(document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = document["frameworks"]["osaid-1.0"]
    return result


def test_a_fully_open_model_is_osaid_conformant() -> None:
    """Rule 12: all code components, OSI licences, public data → conformant, nothing unmet;
    the answer names the reading it follows."""
    assert osaid(fully_open().assess()) == {
        "conformant": True,
        "reading": "checklist-where-used",
        "unmet": [],
    }


@pytest.mark.parametrize("component", OSAID_CODE)
def test_a_code_component_not_recorded_is_carried_by_open_training_and_inference_code(
    component: str,
) -> None:
    """Rule 12, "where used": supporting libraries, the architecture and data processing that
    live inside the released (OSI-licensed) training or inference code need no artefact."""
    assert osaid(fully_open(leave_out=component).assess())["conformant"] is True


@pytest.mark.parametrize(
    ("component", "without", "carried"),
    [
        ("data-preprocessing-code", "training_code", False),
        ("supporting-libraries", "training_code", True),  # the inference code carries it
        ("model-architecture", "inference_code", True),  # the training code carries it
        ("model-architecture", "both", False),
        ("supporting-libraries", "both", False),
    ],
)
def test_without_a_released_carrier_an_unrecorded_component_is_unmet(
    component: str, without: str, carried: bool
) -> None:
    """Rule 12: the carrier must itself be released under an OSI-approved licence."""
    builder = open_model(
        training_code=None if without in ("training_code", "both") else "Apache-2.0",
        inference_code=None if without in ("inference_code", "both") else "Apache-2.0",
    )
    for other in OSAID_CODE:
        if other != component:
            builder.artefact(f"m/{other}", "code", other, licence="MIT")
            builder.attach(MODEL, other, f"m/{other}")
    unmet = [u for u in osaid(builder.assess())["unmet"] if component in u["reason"]]
    if carried:
        assert unmet == []
        return
    [entry] = unmet
    assert entry["requirement"] == "code"
    assert entry["reason"].startswith(f"no {component} is released, and no ")


def test_a_carrier_under_a_licence_that_is_not_osi_approved_does_not_carry() -> None:
    builder = open_model(
        training_code="LicenseRef-Llama-2-Community", inference_code="CC-BY-NC-4.0"
    )
    reasons = [u["reason"] for u in osaid(builder.assess())["unmet"]]
    assert any(r.startswith("no supporting-libraries is released, and no ") for r in reasons)


@pytest.mark.parametrize(
    ("availability", "licence", "problem"),
    [
        ("undisclosed", "MIT", "not obtainable (undisclosed)"),
        ("described", "MIT", "not obtainable (described)"),
        ("public", "CC-BY-NC-4.0", "not under an OSI-approved licence (CC-BY-NC-4.0)"),
        ("public", None, "no licence in force"),
    ],
)
def test_a_recorded_component_is_never_excused_by_its_carrier(
    availability: str, licence: str | None, problem: str
) -> None:
    """Rule 12: recorded as not released, or under a licence that is not OSI-approved, is
    unmet, even though the open training code would have carried it."""
    builder = fully_open(leave_out="supporting-libraries")
    builder.artefact("m/libs", "code", "supporting-libraries", availability, licence)
    builder.attach(MODEL, "supporting-libraries", "m/libs")
    result = osaid(builder.assess())
    assert result["conformant"] is False
    [unmet] = result["unmet"]
    assert unmet == {
        "requirement": "code",
        "reason": f"supporting-libraries m/libs: {problem}",
        "artefacts": ["m/libs"],
    }


def test_weights_under_a_non_osi_licence_fail_parameters() -> None:
    """Rule 12: CC-BY-4.0 is not OSI-approved → parameters unmet, naming the weights."""
    result = osaid(fully_open(weights="CC-BY-4.0").assess())
    assert result["conformant"] is False
    [unmet] = result["unmet"]
    assert unmet["requirement"] == "parameters"
    assert unmet["artefacts"] == [WEIGHTS]
    assert "OSI" in unmet["reason"]


def test_a_fine_tune_of_llama_2_fails_parameters_citing_the_inherited_weights() -> None:
    """Rule 12: the inherited Llama 2 weights are parameters too: unmet, citing them."""
    builder = open_model(prefix="a", weights="LicenseRef-Llama-2-Community")
    result = osaid(fully_open(builder, base_model="a@1").assess())
    assert result["conformant"] is False
    [unmet] = result["unmet"]
    assert unmet["requirement"] == "parameters"
    assert unmet["artefacts"] == ["a/weights"]
    assert "inherited from base model a@1" in unmet["reason"]


# -- rule 13: MOF ---------------------------------------------------------------------------------

KINDS = {
    "model-architecture": "code",
    "model-parameters": "parameters",
    "model-parameters-intermediate": "parameters",
    "technical-report": "documentation",
    "research-paper": "documentation",
    "evaluation-results": "documentation",
    "model-card": "documentation",
    "data-card": "documentation",
    "training-code": "code",
    "inference-code": "code",
    "evaluation-code": "code",
    "evaluation-data": "dataset",
    "datasets": "dataset",
    "data-preprocessing-code": "code",
}
CLASS_III = (
    "model-architecture",
    "model-parameters",
    "technical-report",
    "evaluation-results",
    "model-card",
    "data-card",
)
CLASS_II = ("training-code", "inference-code", "evaluation-code", "evaluation-data")
CLASS_I = ("research-paper", "datasets", "data-preprocessing-code", "model-parameters-intermediate")
OPEN = {"code": "Apache-2.0", "parameters": "Apache-2.0", "documentation": "CC-BY-4.0"}
OPEN["dataset"] = "CDLA-Permissive-2.0"


def mof_model(
    components: tuple[str, ...], licences: Mapping[str, str] | None = None, **avail: str
) -> dict[str, Any]:
    """The MOF reading of ``x@1`` releasing ``components``, each one artefact under an open
    licence for its kind unless ``licences`` says otherwise."""
    builder = LedgerBuilder()
    for component in components:
        kind = KINDS[component]
        licence = (licences or {}).get(component, OPEN[kind])
        availability = avail.get(component.replace("-", "_"), "public")
        builder.artefact(f"x/{component}", kind, component, availability, licence)
    builder.model("x@1", {c: [f"x/{c}"] for c in components})
    result: dict[str, Any] = builder.assess("x@1")["frameworks"]["mof"]
    return result


def test_class_iii_needs_its_six_components_under_open_licences() -> None:
    """Rule 13: architecture, parameters, technical report, evaluation results, model card
    and data card, all open → class III."""
    result = mof_model(CLASS_III)
    assert result["class"] == "III"
    assert result["unmet"]["III"] == []
    assert result["reading"] == "model-openness-tool"


def test_a_research_paper_stands_in_for_the_technical_report() -> None:
    """Rule 13: technical report OR research paper."""
    components = (*(c for c in CLASS_III if c != "technical-report"), "research-paper")
    assert mof_model(components)["class"] == "III"


@pytest.mark.parametrize("missing", CLASS_III)
def test_without_any_class_iii_component_there_is_no_class(missing: str) -> None:
    """Rule 13: every class III component is required; the unmet list names it."""
    result = mof_model(tuple(c for c in CLASS_III + CLASS_II + CLASS_I if c != missing))
    if missing == "technical-report":  # the research paper (class I) stands in
        assert result["class"] == "I"
        return
    assert result["class"] is None
    [unmet] = result["unmet"]["III"]
    assert unmet.startswith(f"{missing}: ")
    assert "not released" in unmet


def test_class_ii_adds_training_inference_evaluation_code_and_evaluation_data() -> None:
    """Rule 13: class III plus the four class II additions → class II."""
    assert mof_model(CLASS_III + CLASS_II)["class"] == "II"


@pytest.mark.parametrize("missing", CLASS_II)
def test_each_class_ii_addition_is_required(missing: str) -> None:
    """Rule 13: without one class II addition the class stays III; unmet names it."""
    result = mof_model(CLASS_III + tuple(c for c in CLASS_II if c != missing))
    assert result["class"] == "III"
    [unmet] = result["unmet"]["II"]
    assert unmet.startswith(f"{missing}: ")


def test_class_i_adds_paper_datasets_preprocessing_and_intermediate_parameters() -> None:
    """Rule 13: class II plus the four class I additions → class I."""
    result = mof_model(CLASS_III + CLASS_II + CLASS_I)
    assert result["class"] == "I"
    assert result["unmet"] == {"III": [], "II": [], "I": []}


@pytest.mark.parametrize("missing", CLASS_I)
def test_each_class_i_addition_is_required(missing: str) -> None:
    """Rule 13: without one class I addition the class stays II (a technical report does
    not stand in for the class I research paper)."""
    result = mof_model(CLASS_III + CLASS_II + tuple(c for c in CLASS_I if c != missing))
    assert result["class"] == "II"
    [unmet] = result["unmet"]["I"]
    assert unmet.startswith(f"{missing}: ")


@pytest.mark.parametrize(
    "components", [CLASS_II, CLASS_II + CLASS_I, CLASS_I, CLASS_III[1:] + CLASS_II + CLASS_I]
)
def test_classes_are_cumulative(components: tuple[str, ...]) -> None:
    """Rule 13: meeting a higher class's additions without the lower class's is no class."""
    assert mof_model(components)["class"] is None


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        *((c, None) for c in CLASS_III),
        *((c, "III") for c in CLASS_II),
        *((c, "II") for c in CLASS_I),
    ],
)
def test_a_non_open_licence_on_one_component_drops_the_class(
    component: str, expected: str | None
) -> None:
    """Rule 13: one component under a non-open licence (CC-BY-NC-4.0) does not count: the
    class drops below the one that needs it; the unmet entry names component and licence."""
    everything = CLASS_III + CLASS_II + CLASS_I
    result = mof_model(everything, {component: "CC-BY-NC-4.0"})
    if component == "technical-report":  # the open research paper stands in
        assert result["class"] == "I"
        return
    assert result["class"] == expected
    grade = next(
        g for g, cs in (("III", CLASS_III), ("II", CLASS_II), ("I", CLASS_I)) if component in cs
    )
    [unmet] = result["unmet"][grade]
    assert unmet.startswith(f"{component}: ")
    assert "not under an open licence (CC-BY-NC-4.0)" in unmet


@pytest.mark.parametrize("licence", ["NOASSERTION", "LicenseRef-Acme-Secret", "NONE"])
def test_a_component_without_a_known_open_licence_does_not_count(licence: str) -> None:
    """Rule 13: unknown or no-licence components never count as open."""
    result = mof_model(CLASS_III, {"model-card": licence})
    assert result["class"] is None
    assert result["unmet"]["III"][0].startswith("model-card: ")


def test_an_unlicensed_component_does_not_count() -> None:
    """Rule 13: a released component with no grant in force does not count."""
    builder = LedgerBuilder()
    for component in CLASS_III:
        licence = None if component == "data-card" else OPEN[KINDS[component]]
        builder.artefact(f"x/{component}", KINDS[component], component, licence=licence)
    builder.model("x@1", {c: [f"x/{c}"] for c in CLASS_III})
    result = builder.assess("x@1")["frameworks"]["mof"]
    assert result["class"] is None
    assert result["unmet"]["III"] == ["data-card: x/data-card has no licence"]


@pytest.mark.parametrize("availability", ["undisclosed", "described"])
def test_an_unreleased_component_does_not_count(availability: str) -> None:
    """Rule 13: a component counts only if it is released; undisclosed weights are not."""
    result = mof_model(CLASS_III, model_parameters=availability)
    assert result["class"] is None


def _with_second_artefact(component: str, licence: str | None, availability: str) -> LedgerBuilder:
    """Every class open, plus a second artefact ``x/<component>-2`` under ``component``."""
    builder = LedgerBuilder()
    everything = CLASS_III + CLASS_II + CLASS_I
    kind = KINDS[component]
    for c in everything:
        builder.artefact(f"x/{c}", KINDS[c], c, "public", OPEN[KINDS[c]])
    builder.artefact(f"x/{component}-2", kind, component, availability, licence)
    components = {c: [f"x/{c}"] for c in everything}
    components[component].append(f"x/{component}-2")
    builder.model("x@1", components)
    return builder


@pytest.mark.parametrize("component", ["evaluation-data", "data-card", "evaluation-code"])
def test_one_open_artefact_under_a_component_is_enough(component: str) -> None:
    """The tool scores one licence per component: beside an open evaluation set, a second one
    under a licence that is not open does not undo the class."""
    result = _with_second_artefact(component, "CC-BY-NC-4.0", "public").assess("x@1")
    assert result["frameworks"]["mof"]["class"] == "I"


def test_a_component_none_of_whose_artefacts_counts_names_each() -> None:
    builder = LedgerBuilder()
    for component in CLASS_III:
        licence = "CC-BY-NC-4.0" if component == "data-card" else OPEN[KINDS[component]]
        builder.artefact(f"x/{component}", KINDS[component], component, licence=licence)
    builder.artefact("x/datasheet", "documentation", "data-card", "undisclosed", "CC-BY-4.0")
    components = {c: [f"x/{c}"] for c in CLASS_III}
    components["data-card"].append("x/datasheet")
    builder.model("x@1", components)
    result = builder.assess("x@1")["frameworks"]["mof"]
    assert result["class"] is None
    assert result["unmet"]["III"] == [
        "data-card: x/data-card is not under an open licence (CC-BY-NC-4.0); "
        "x/datasheet is not released (undisclosed)"
    ]


@pytest.mark.parametrize(
    ("licence", "availability", "expected"),
    [
        (None, "public", "I"),  # an unlicensed dataset: the MOF paper accepts it
        ("CDLA-Permissive-2.0", "gated", "I"),
        ("CC-BY-NC-4.0", "public", "II"),  # a licence that is not open: the tool refuses it
        ("CC-BY-4.0", "described", "II"),
        ("NOASSERTION", "public", "II"),
    ],
)
def test_every_training_dataset_must_count(
    licence: str | None, availability: str, expected: str
) -> None:
    """``datasets`` are the training data as a whole: one dataset that does not count drops
    class I, whatever the others; a released dataset with no licence of its own counts."""
    result = _with_second_artefact("datasets", licence, availability).assess("x@1")
    mof = result["frameworks"]["mof"]
    assert mof["class"] == expected
    if expected == "II":
        [unmet] = mof["unmet"]["I"]
        assert unmet.startswith("datasets: x/datasets-2 ")
