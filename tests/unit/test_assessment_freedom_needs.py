"""Rule 1 (DESIGN.md §6): what each freedom needs.

use = parameters + inference code; study = parameters, training and inference code, data
information, hardware; modify = parameters, training and inference code, data information;
share = parameters and the code that is released.
"""

from __future__ import annotations

import pytest

from tests.assessment_builders import (
    CUDA_DRIVER,
    INFER,
    MODEL,
    TRAIN,
    WEIGHTS,
    blockers,
    open_model,
    statuses,
)

DENIED_ALL = {"use": "denied", "study": "denied", "modify": "denied", "share": "denied"}


def test_the_open_baseline_grants_everything_and_share_keeps_notices() -> None:
    """Rule 1 baseline: with every needed part open, no freedom is limited."""
    document = open_model().assess()
    assert statuses(document) == {
        "use": "granted",
        "study": "granted",
        "modify": "granted",
        "share": "conditional",
    }
    assert all(not f["blockers"] for f in document["freedoms"].values())


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("weights", DENIED_ALL),
        ("inference_code", DENIED_ALL),
        (
            "training_code",
            {"use": "granted", "study": "denied", "modify": "denied", "share": "denied"},
        ),
    ],
)
def test_a_proprietary_part_limits_exactly_the_freedoms_that_need_it(
    part: str, expected: dict[str, str]
) -> None:
    """Rule 1: every freedom needs the parameters and the inference code; the training code
    is needed by study and modify, and by share once it is released — never by use."""
    licences = {"weights": "Apache-2.0", "training_code": "Apache-2.0", "inference_code": "MIT"}
    licences[part] = "LicenseRef-Proprietary"
    document = open_model(
        weights=licences["weights"],
        training_code=licences["training_code"],
        inference_code=licences["inference_code"],
    ).assess()
    assert statuses(document) == expected


def test_the_training_code_licence_does_not_affect_use() -> None:
    """Rule 1: use needs parameters and inference code only (no training-code blocker)."""
    document = open_model(training_code="CC-BY-NC-4.0").assess()
    assert statuses(document)["use"] == "granted"
    assert blockers(document, "use") == []
    assert {b["artefact"] for b in blockers(document, "modify")} == {TRAIN}


def test_data_information_limits_study_and_modify_only() -> None:
    """Rule 1: study and modify need data information; use and share do not."""
    document = open_model(datasets={"m/data": "undisclosed"}).assess()
    assert statuses(document) == {
        "use": "granted",
        "study": "restricted",
        "modify": "restricted",
        "share": "conditional",
    }


def test_the_hardware_stack_limits_study_only() -> None:
    """Rule 1: only study needs an inspectable hardware stack."""
    document = open_model(hardware=[CUDA_DRIVER]).assess()
    assert statuses(document) == {
        "use": "granted",
        "study": "conditional",
        "modify": "granted",
        "share": "conditional",
    }


def test_a_model_without_training_code_can_still_be_shared_but_not_studied_or_modified() -> None:
    """Rule 1: share needs only the code that is released; study and modify need training
    code, so its absence makes them unknown with a blocker on component training-code."""
    builder = open_model(training_code=None)
    document = builder.assess()
    assert statuses(document) == {
        "use": "granted",
        "study": "unknown",
        "modify": "unknown",
        "share": "conditional",
    }
    for freedom in ("study", "modify"):
        [blocker] = blockers(document, freedom)
        assert (blocker["artefact"], blocker["component"]) == (None, "training-code")
        assert blocker["evidence"] == [builder.find("ModelVersionReleased", MODEL)]
    assert blockers(document, "share") == []


def test_a_missing_inference_code_makes_use_unknown() -> None:
    """Rule 1: use needs inference code; none recorded is unknown, never granted."""
    document = open_model(inference_code=None).assess()
    assert statuses(document)["use"] == "unknown"
    [blocker] = blockers(document, "use")
    assert (blocker["artefact"], blocker["component"], blocker["licence"]) == (
        None,
        "inference-code",
        None,
    )


def test_missing_parameters_make_every_freedom_unknown() -> None:
    """Rule 1: every freedom needs the parameters."""
    document = open_model(weights=None).assess()
    assert set(statuses(document).values()) == {"unknown"}
    for freedom in ("use", "study", "modify", "share"):
        assert any(b["component"] == "model-parameters" for b in blockers(document, freedom))


def test_inference_code_attached_later_counts() -> None:
    """Rule 1 with ComponentAttached: an attached inference code is the one use needs."""
    builder = open_model(inference_code=None)
    builder.artefact(INFER, "code", "inference-code", licence="LicenseRef-Proprietary")
    builder.attach(MODEL, "inference-code", INFER)
    document = builder.assess()
    assert statuses(document)["use"] == "denied"
    assert {b["artefact"] for b in blockers(document, "use")} == {INFER}


def test_parameters_limit_use_through_their_own_blocker() -> None:
    """Rule 1: use is limited by the parameters artefact itself (named in the blocker)."""
    document = open_model(weights="LicenseRef-Proprietary").assess()
    assert {b["artefact"] for b in blockers(document, "use")} == {WEIGHTS}


@pytest.mark.parametrize("availability", ["undisclosed", "described"])
def test_unreleased_training_code_does_not_limit_share(availability: str) -> None:
    """Rule 1: share needs redistribution rights on the parameters and the *released* code;
    training code that is not released cannot be redistributed and is not needed to share."""
    builder = open_model(training_code=None)
    builder.artefact(TRAIN, "code", "training-code", availability, "Apache-2.0")
    builder.attach(MODEL, "training-code", TRAIN)
    document = builder.assess()
    assert statuses(document)["share"] == statuses(open_model(training_code=None).assess())["share"]
