"""The Model Openness Framework, component by component, as the Model Openness Tool shows it:
every class's components with what is recorded for each (artefacts, licences) and whether it
counts, and what to release to reach the next class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from domain.assessment.mof import REQUIRED

GRADES = ("III", "II", "I")  # from the entry class up
NAMES = {
    "III": "Class III — Open Model",
    "II": "Class II — Open Tooling",
    "I": "Class I — Open Science",
}
OUTSIDE = ("supporting-libraries", "sample-model-outputs")  # listed by MOF, no class needs them


@dataclass
class ComponentRow:
    component: str
    artefacts: list[tuple[str, str]]  # (artefact id, licences in force or "no licence")
    counts: bool | None  # None: no class requires it
    reason: str = ""  # why it does not count
    alternatives: list[str] = field(default_factory=list)  # components that stand in for it


@dataclass
class ClassProgress:
    grade: str
    name: str
    rows: list[ComponentRow] = field(default_factory=list)
    met: bool = False

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if r.counts)


def mof_progress(
    mof: dict[str, Any],
    components: dict[str, list[str]],
    licences_of: Callable[[str], str],
) -> dict[str, Any]:
    """``classes`` (III, II, I, then the components no class needs), each row a component;
    ``next`` the class to reach next and ``to_release`` what it lacks; ``count`` of rows."""
    unmet = {g: mof["unmet"][g] for g in GRADES}
    classes, seen = [], set()
    for grade in GRADES:
        progress = ClassProgress(grade, NAMES[grade], met=not unmet[grade])
        for alternatives in REQUIRED[grade]:
            component = alternatives[0]  # a listed alternative is shown where it is required
            if component in seen:
                continue
            seen.add(component)
            reason = _reason(unmet[grade], component)
            row = _row(component, components, licences_of, reason)
            row.alternatives = list(alternatives[1:])
            for alternative in row.alternatives:
                extra = _artefacts(alternative, components, licences_of)
                row.artefacts += extra
                row.reason = _shortened(row.reason, extra)
            progress.rows.append(row)
        classes.append(progress)
    outside = ClassProgress("", "Listed by MOF, required by no class", met=True)
    outside.rows = [ComponentRow(c, _artefacts(c, components, licences_of), None) for c in OUTSIDE]
    classes.append(outside)
    reached = mof["class"]
    following = GRADES[GRADES.index(reached) + 1] if reached in GRADES[:-1] else None
    upcoming = "III" if reached is None else following
    return {
        "classes": classes,
        "next": upcoming,
        "to_release": unmet[upcoming] if upcoming else [],
        "count": sum(len(c.rows) for c in classes),
    }


def _reason(unmet: list[str], component: str) -> str:
    """Why ``component`` (or its alternatives) does not count: its unmet entry, which starts
    with its name; empty when it counts."""
    prefix = f"{component}: "
    entry = next((e for e in unmet if e.startswith(prefix)), "")
    return entry[len(prefix) :]


def _row(
    component: str,
    components: dict[str, list[str]],
    licences_of: Callable[[str], str],
    reason: str,
) -> ComponentRow:
    artefacts = _artefacts(component, components, licences_of)
    return ComponentRow(component, artefacts, not reason, _shortened(reason, artefacts))


def _shortened(reason: str, artefacts: list[tuple[str, str]]) -> str:
    """The reason without what the row already shows: its artefacts' ids and licences."""
    for artefact, licences in artefacts:
        reason = reason.replace(f"{artefact} is ", "").replace(f"{artefact} ", "")
        reason = reason.replace(f" ({licences})", "")
    return reason


def _artefacts(
    component: str, components: dict[str, list[str]], licences_of: Callable[[str], str]
) -> list[tuple[str, str]]:
    return [(a, licences_of(a)) for a in components.get(component, [])]
