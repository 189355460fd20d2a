"""Rules 4 and 5 (DESIGN.md §6): an artefact's availability limits the freedoms that need it,
and a fine-tune inherits its base's parameter restrictions (``base_model`` at any depth,
``base_parameters``)."""

from __future__ import annotations

import pytest

from tests.assessment_builders import (
    MODEL,
    WEIGHTS,
    LedgerBuilder,
    blockers,
    blockers_on,
    conditions,
    open_model,
    statuses,
)

# -- rule 4: availability -------------------------------------------------------------------------


def test_gated_weights_are_conditional_with_a_condition() -> None:
    """Rule 4: gated → conditional, with a condition naming the artefact (no blocker)."""
    document = open_model(weights="MIT", weights_availability="gated").assess()
    assert statuses(document)["use"] == "conditional"
    assert any(WEIGHTS in c and "gated" in c for c in conditions(document, "use"))
    assert blockers(document, "use") == []


@pytest.mark.parametrize(
    ("availability", "status"),
    [("on-request", "restricted"), ("described", "denied"), ("undisclosed", "denied")],
)
def test_unobtainable_weights_limit_every_freedom(availability: str, status: str) -> None:
    """Rule 4: on-request → restricted; described or undisclosed (not obtainable) → denied;
    the blocker names the artefact, with no licence (the licence is not the problem)."""
    builder = open_model(weights="MIT", weights_availability=availability)
    document = builder.assess()
    for freedom in ("use", "study", "modify", "share"):
        assert statuses(document)[freedom] == status
        [blocker] = blockers_on(document, freedom, WEIGHTS)
        assert (blocker["component"], blocker["licence"]) == ("model-parameters", None)
        assert builder.find("ArtefactRegistered", WEIGHTS) in blocker["evidence"]


# -- rule 5: inheritance --------------------------------------------------------------------------


def chain(depth: int) -> tuple[LedgerBuilder, str]:
    """``a@1`` with Llama 2 weights, then ``depth - 1`` fine-tunes each on the previous one,
    all with Apache-2.0 weights; returns the builder and the last model's id."""
    builder = open_model(prefix="a", weights="LicenseRef-Llama-2-Community")
    previous = "a@1"
    for prefix in "bcdef"[: depth - 1]:
        open_model(builder, prefix=prefix, base_model=previous)
        previous = f"{prefix}@1"
    return builder, previous


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_a_fine_tune_inherits_its_bases_parameter_restrictions_at_any_depth(depth: int) -> None:
    """Rule 5: c → b → a with a's weights under Llama 2: c's use is restricted, and the
    blocker cites a's weights, inherited from base model a@1 (MAU threshold included)."""
    builder, model = chain(depth)
    document = builder.assess(model)
    assert statuses(document)["use"] == "restricted"
    inherited = blockers_on(document, "use", "a/weights")
    assert inherited
    for blocker in inherited:
        assert blocker["component"] == "model-parameters"
        assert blocker["licence"] == "LicenseRef-Llama-2-Community"
        assert blocker["reason"].startswith("inherited from base model a@1")
    assert any("700,000,000" in b["reason"] for b in inherited)
    assert builder.find("LicenceGranted", "a/weights") in inherited[0]["evidence"]


def test_an_open_fine_tune_of_an_open_base_stays_open() -> None:
    """Rule 5 (contrast): inheritance adds only the base's restrictions."""
    builder = open_model(prefix="a")
    open_model(builder, prefix="b", base_model="a@1")
    assert statuses(builder.assess("b@1"))["use"] == "granted"


def test_base_parameters_of_a_training_run_are_inherited() -> None:
    """Rule 5: a run's ``base_parameters`` are inherited like a base model's weights."""
    builder = LedgerBuilder().artefact(
        "llama/weights", "parameters", "model-parameters", licence="LicenseRef-Llama-2-Community"
    )
    open_model(builder, base_parameters="llama/weights")
    document = builder.assess(MODEL)
    assert statuses(document)["use"] == "restricted"
    inherited = blockers_on(document, "use", "llama/weights")
    assert inherited
    assert all(
        b["reason"].startswith("inherited from base parameters of run m/run") for b in inherited
    )
    assert builder.find("TrainingRunRecorded", "m/run") in inherited[0]["evidence"]


def test_a_denied_base_denies_the_fine_tune() -> None:
    """Rule 5: the base's parameters are needed by every freedom of the fine-tune."""
    builder = open_model(prefix="a", weights="LicenseRef-Proprietary")
    open_model(builder, prefix="b", base_model="a@1")
    assert set(statuses(builder.assess("b@1")).values()) == {"denied"}


def test_a_base_model_missing_at_the_date_asked_is_never_treated_as_open() -> None:
    """Rule 5 with DESIGN §6 ("never treated as open"): the fine-tune needs its base's
    parameters; a base that is not known at ``at`` makes the inherited part unknown."""
    builder = open_model(
        prefix="a", weights="LicenseRef-Proprietary", effective_at="2025-01-01T00:00:00Z"
    )
    open_model(builder, prefix="b", base_model="a@1")
    document = builder.assess("b@1", at="2024-06-01T00:00:00Z")
    assert statuses(document)["use"] == "unknown"


def test_base_parameters_missing_at_the_date_asked_are_unknown() -> None:
    """Rule 5 (the consistent case): unrecorded base parameters are unknown, not open."""
    builder = LedgerBuilder().artefact(
        "bp", "parameters", "model-parameters", licence="MIT", effective_at="2025-01-01T00:00:00Z"
    )
    open_model(builder, base_parameters="bp")
    document = builder.assess(MODEL, at="2024-06-01T00:00:00Z")
    assert statuses(document)["use"] == "unknown"
    assert [b["artefact"] for b in blockers(document, "use")] == ["bp"]
