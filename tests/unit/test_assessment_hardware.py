"""Rule 8 (DESIGN.md §6): the hardware stack named by the training runs limits study — at
best ``conditional``, with the layer as a blocker — under ``default`` (and
``data-propagates``), not under ``hardware-aside``; it never changes use, modify or share."""

from __future__ import annotations

import pytest

from tests.assessment_builders import (
    CUDA_DRIVER,
    HW,
    Layer,
    blockers,
    blockers_on,
    open_model,
    statuses,
)

OPEN_STACKS: list[list[Layer]] = [
    [("driver", "nouveau", "freedesktop", "MIT")],
    [("runtime", "ROCm", "AMD", "MIT"), ("driver", "amdgpu", "AMD", "GPL-2.0-only")],
    [("library", "oneDNN", "Intel", "Apache-2.0"), ("firmware", "fw", "Acme", "GPL-3.0-only")],
]


@pytest.mark.parametrize("policy", ["default", "data-propagates"])
def test_a_cuda_driver_makes_study_conditional_with_the_layer_as_blocker(policy: str) -> None:
    """Rule 8: a CUDA-EULA driver layer (no reverse engineering, no modification) makes
    study at best conditional under a policy that counts the stack; the blocker names the
    hardware artefact, the layer's licence and cites the stack description."""
    builder = open_model(hardware=[CUDA_DRIVER])
    document = builder.assess(policy=policy)
    assert statuses(document)["study"] == "conditional"
    [blocker] = blockers(document, "study")
    assert (blocker["artefact"], blocker["component"], blocker["licence"]) == (
        HW,
        "hardware",
        "LicenseRef-NVIDIA-CUDA-EULA",
    )
    assert "driver" in blocker["reason"]
    assert "CUDA driver" in blocker["reason"]
    assert builder.find("HardwareStackDescribed", HW) in blocker["evidence"]


def test_hardware_aside_ignores_the_stack() -> None:
    """Rule 8: under ``hardware-aside`` the stack does not count: study is granted."""
    document = open_model(hardware=[CUDA_DRIVER]).assess(policy="hardware-aside")
    assert statuses(document)["study"] == "granted"
    assert blockers_on(document, "study", HW) == []


@pytest.mark.parametrize("policy", ["default", "hardware-aside", "data-propagates"])
def test_the_stack_never_changes_use_modify_or_share(policy: str) -> None:
    """Rule 8: the stack never changes use or share (nor modify)."""
    with_stack = open_model(hardware=[CUDA_DRIVER]).assess(policy=policy)["freedoms"]
    without = open_model().assess(policy=policy)["freedoms"]
    for freedom in ("use", "modify", "share"):
        assert with_stack[freedom] == without[freedom]


@pytest.mark.parametrize("layers", OPEN_STACKS)
def test_an_open_stack_does_not_limit_study(layers: list[Layer]) -> None:
    """Rule 8: layers under free licences (MIT, GPL, Apache) leave study granted."""
    document = open_model(hardware=layers).assess()
    assert statuses(document)["study"] == "granted"
    assert blockers(document, "study") == []


@pytest.mark.parametrize(
    "licence", ["LicenseRef-Proprietary", "LicenseRef-NVIDIA-CUDA-EULA", "NOASSERTION"]
)
def test_a_proprietary_or_unknown_layer_limits_study(licence: str) -> None:
    """Rule 8: a proprietary layer (or one whose terms are unknown) is not inspectable."""
    document = open_model(hardware=[("firmware", "gpu-fw", "Acme", licence)]).assess()
    assert statuses(document)["study"] == "conditional"
    assert [b["licence"] for b in blockers_on(document, "study", HW)] == [licence]


def test_the_stack_caps_study_but_never_lifts_it() -> None:
    """Rule 8: "at best conditional": a study already restricted (undisclosed data) stays
    restricted, and gains the layer's blocker."""
    document = open_model(hardware=[CUDA_DRIVER], datasets={"m/data": "undisclosed"}).assess()
    assert statuses(document)["study"] == "restricted"
    assert {b["artefact"] for b in blockers(document, "study")} == {HW, "m/data"}


def test_the_base_models_stack_counts() -> None:
    """Rule 8: the stacks are those named by the training runs, the base's included."""
    builder = open_model(prefix="a", hardware=[CUDA_DRIVER])
    open_model(builder, prefix="b", base_model="a@1")
    document = builder.assess("b@1")
    assert statuses(document)["study"] == "conditional"
    assert [b["artefact"] for b in blockers(document, "study")] == ["a/hw"]
