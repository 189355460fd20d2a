"""Model Openness Framework class, read as the Model Openness Tool computes it
(openness-frameworks.md): classes are cumulative; a component counts only if it is released
and every artefact under it carries an open licence (OSI-approved, FSF-libre, an open-data
licence, OpenMDW, or a defined licence marked open); a research paper stands in for the
technical report; the class is the best one whose every requirement, and every lower
class's, is met."""

from __future__ import annotations

from typing import Any

from domain.assessment.context import Context
from domain.assessment.licence_classes import can_take_under, mof_open

READING = "model-openness-tool"
_RELEASED = frozenset({"public", "gated"})
# Required components per class (the class's own additions); alternatives in a tuple.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "III": (
        ("model-architecture",),
        ("model-parameters",),
        ("technical-report", "research-paper"),
        ("evaluation-results",),
        ("model-card",),
        ("data-card",),
    ),
    "II": (("training-code",), ("inference-code",), ("evaluation-code",), ("evaluation-data",)),
    "I": (
        ("research-paper",),
        ("datasets",),
        ("data-preprocessing-code",),
        ("model-parameters-intermediate",),
    ),
}


def mof(context: Context) -> dict[str, Any]:
    unmet = {grade: _unmet(context, required) for grade, required in REQUIRED.items()}
    best = None
    for grade in ("III", "II", "I"):
        if unmet[grade]:
            break
        best = grade
    return {"class": best, "reading": READING, "unmet": unmet}


def _unmet(context: Context, required: tuple[tuple[str, ...], ...]) -> list[str]:
    problems = []
    for alternatives in required:
        reasons = [_problem(context, component) for component in alternatives]
        if all(reasons):
            problems.append(
                " or ".join(f"{c}: {r}" for c, r in zip(alternatives, reasons, strict=True))
            )
    return problems


def _problem(context: Context, component: str) -> str | None:
    artefacts = context.model.components.get(component, [])
    if not artefacts:
        return "not released"
    for artefact_id in artefacts:
        artefact = context.world.artefacts.get(artefact_id)
        if artefact is None:
            return f"{artefact_id} is not recorded"
        if artefact.availability not in _RELEASED:
            return f"{artefact_id} is not released ({artefact.availability})"
        grants = artefact.grants_in_force()
        if not grants:
            return f"{artefact_id} has no licence"
        if not any(can_take_under(g.licence, context.catalogue, mof_open) for g in grants):
            named = " / ".join(g.licence for g in grants)
            return f"{artefact_id} is not under an open licence ({named})"
    return None
