"""The freedoms × artefacts grid of an assessment, shared by the CLI table and the web page:
one row per artefact the model lists (and per blocker's artefact, such as inherited weights,
datasets and hardware), one cell per freedom — ``ok`` where the freedom needs the component
and nothing blocks it, ``na`` where it does not need it, else the freedom's status with the
blockers of that artefact."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FREEDOMS = ("use", "study", "modify", "share")
# Which of a model's components each freedom needs (DESIGN.md §6).
NEEDS = {
    "use": {"model-parameters", "inference-code"},
    "study": {
        "model-parameters",
        "training-code",
        "inference-code",
        "model-architecture",
        "datasets",
        "hardware",
    },
    "modify": {
        "model-parameters",
        "training-code",
        "inference-code",
        "model-architecture",
        "datasets",
    },
    "share": {"model-parameters", "training-code", "inference-code", "model-architecture"},
}


@dataclass
class Cell:
    state: str  # "ok", "na", or a blocked freedom's status
    blockers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Row:
    artefact: str
    component: str
    cells: dict[str, Cell]


def grid(assessment: dict[str, Any], components: dict[str, list[str]]) -> list[Row]:
    rows: dict[tuple[str, str], dict[str, Cell]] = {}
    for component, artefacts in sorted(components.items()):
        for artefact in artefacts:
            rows[(artefact, component)] = {
                f: Cell("ok" if component in NEEDS[f] else "na") for f in FREEDOMS
            }
    for freedom in FREEDOMS:
        verdict = assessment["freedoms"][freedom]
        for blocker in verdict["blockers"]:
            key = (
                blocker["artefact"] or f"(no {blocker['component']})",
                blocker["component"] or "",
            )
            cells = rows.setdefault(key, {f: Cell("na") for f in FREEDOMS})
            cells[freedom].state = verdict["status"]
            cells[freedom].blockers.append(blocker)
    return [Row(artefact, component, cells) for (artefact, component), cells in rows.items()]
