"""The freedoms × artefacts grid of an assessment, shared by the CLI table and the web page.

Rows: every artefact the model lists under a component, and every row an answer rests on
(inherited weights, training datasets, hardware stacks, a component not recorded). Cells come
from the assessment itself: a cell holds that row's own status for the freedom, as the
assessment's ``freedoms.<f>.artefacts`` gives it under the answer's policy, with the blockers
on that row; ``na`` where the freedom does not rest on the row. Nothing here decides what a
freedom needs, so the grid, the JSON and every page agree cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FREEDOMS = ("use", "study", "modify", "share")
NOT_NEEDED = "na"


@dataclass
class Cell:
    state: str  # NOT_NEEDED, or the row's status for the freedom (granted … denied)
    blockers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Row:
    artefact: str
    component: str
    cells: dict[str, Cell]


def row_label(artefact: str | None, component: str) -> str:
    """How a row names its artefact: the id, or ``(no <component>)`` when none is recorded."""
    return artefact or f"(no {component})"


def grid(assessment: dict[str, Any], components: dict[str, list[str]]) -> list[Row]:
    rows: dict[tuple[str, str], dict[str, Cell]] = {}

    def cells_of(artefact: str | None, component: str | None) -> dict[str, Cell]:
        key = (row_label(artefact, component or ""), component or "")
        return rows.setdefault(key, {f: Cell(NOT_NEEDED) for f in FREEDOMS})

    for component, artefacts in sorted(components.items()):
        for artefact in artefacts:
            cells_of(artefact, component)
    for freedom in FREEDOMS:
        answer = assessment["freedoms"][freedom]
        for entry in answer["artefacts"]:
            cells_of(entry["artefact"], entry["component"])[freedom].state = entry["status"]
        for blocker in answer["blockers"]:
            cells_of(blocker["artefact"], blocker["component"])[freedom].blockers.append(blocker)
    return [Row(artefact, component, cells) for (artefact, component), cells in rows.items()]
