"""Model Openness Framework class, read as the Model Openness Tool computes it
(openness-frameworks.md; ``READING``):

- classes are cumulative; the class is the best one whose every requirement, and every lower
  class's, is met; a research paper stands in for the technical report;
- a component counts when an artefact recorded under it is released (public or gated) under
  an open licence (OSI-approved, FSF-libre, an open-data licence, OpenMDW, or a defined licence
  marked open). The tool scores one licence per component; where the ledger holds several
  artefacts under one component (a paper and a datasheet as data card, several evaluation
  sets), one that counts is enough, as one open evaluation set lets anyone rerun those
  evaluations;
- ``datasets`` are the training data as a whole: every dataset listed must be released, and
  each counts when it is under an open licence or under none of its own. The tool requires an
  open licence but reads a component without one under the release's distribution licence;
  the ledger has no distribution licence, so it follows the MOF paper (Table 2: datasets
  "any, including unlicensed") for an unlicensed dataset, and the tool for a licensed one (a
  licence that is not open does not count).
"""

from __future__ import annotations

from typing import Any

from domain.assessment.context import Context
from domain.assessment.licence_classes import can_take_under, mof_open
from domain.assessment.world import ArtefactFacts

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
    """Why ``component`` does not count, or None when it does."""
    artefacts = context.model.components.get(component, [])
    if not artefacts:
        return "not released"
    problems = [_artefact_problem(context, component, a) for a in artefacts]
    if component == "datasets":
        found = [p for p in problems if p]
        return "; ".join(found) if found else None
    return None if not all(problems) else "; ".join(p for p in problems if p)


def _artefact_problem(context: Context, component: str, artefact_id: str) -> str | None:
    artefact: ArtefactFacts | None = context.world.artefacts.get(artefact_id)
    if artefact is None:
        return f"{artefact_id} is not recorded"
    if artefact.availability not in _RELEASED:
        return f"{artefact_id} is not released ({artefact.availability})"
    grants = artefact.grants_in_force()
    if not grants:
        return None if component == "datasets" else f"{artefact_id} has no licence"
    if not any(can_take_under(g.licence, context.catalogue, mof_open) for g in grants):
        named = " / ".join(g.licence for g in grants)
        return f"{artefact_id} is not under an open licence ({named})"
    return None
