"""A readable freedoms × artefacts grid of an assessment, blocking cells marked."""

from __future__ import annotations

from typing import Any

FREEDOMS = ("use", "study", "modify", "share")
# Which of a model's components each freedom needs (DESIGN.md §6).
NEEDS = {
    "use": {"model-parameters", "inference-code"},
    "study": {"model-parameters", "training-code", "inference-code", "datasets", "hardware"},
    "modify": {"model-parameters", "training-code", "inference-code", "datasets"},
    "share": {"model-parameters", "training-code", "inference-code"},
}
_MARK = {
    "granted": "ok",
    "conditional": "ok*",
    "restricted": "RESTRICTED",
    "unknown": "UNKNOWN",
    "denied": "DENIED",
}


def render(assessment: dict[str, Any], components: dict[str, list[str]]) -> str:
    rows = _rows(assessment, components)
    width = max([len(label) for label, _ in rows] + [12]) + 2
    lines = [_header(assessment), "", " " * width + "".join(f"{f:<13}" for f in FREEDOMS)]
    for label, cells in rows:
        lines.append(f"{label:<{width}}" + "".join(f"{cells[f]:<13}" for f in FREEDOMS))
    statuses = {f: assessment["freedoms"][f]["status"] for f in FREEDOMS}
    lines.append(f"{'= verdict':<{width}}" + "".join(f"{statuses[f]:<13}" for f in FREEDOMS))
    lines += ["", "ok* = granted with conditions; capitals mark a blocking cell", ""]
    lines += _blockers(assessment) + _conditions(assessment) + _frameworks(assessment)
    lines += _warnings(assessment)
    return "\n".join(lines)


def _header(assessment: dict[str, Any]) -> str:
    at = assessment["at"] or "any date (every recorded fact)"
    return (
        f"{assessment['model']} — policy {assessment['policy']}, as of log position "
        f"{assessment['as_of']['position']}, facts effective at {at}"
    )


def _rows(
    assessment: dict[str, Any], components: dict[str, list[str]]
) -> list[tuple[str, dict[str, str]]]:
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for component, artefacts in sorted(components.items()):
        for artefact in artefacts:
            rows[(artefact, component)] = {
                f: ("ok" if component in NEEDS[f] else "·") for f in FREEDOMS
            }
    for freedom in FREEDOMS:
        verdict = assessment["freedoms"][freedom]
        for blocker in verdict["blockers"]:
            key = (
                blocker["artefact"] or f"({blocker['component']} missing)",
                blocker["component"] or "",
            )
            cells = rows.setdefault(key, dict.fromkeys(FREEDOMS, "·"))
            cells[freedom] = _MARK.get(verdict["status"], verdict["status"]).upper()
    return [(f"{artefact} [{component}]", cells) for (artefact, component), cells in rows.items()]


def _blockers(assessment: dict[str, Any]) -> list[str]:
    lines = []
    for freedom in FREEDOMS:
        for blocker in assessment["freedoms"][freedom]["blockers"]:
            evidence = ", ".join(e[:12] for e in blocker["evidence"])
            where = blocker["artefact"] or blocker["component"]
            licence = f" under {blocker['licence']}" if blocker["licence"] else ""
            lines.append(f"  {freedom}: {where}{licence}: {blocker['reason']}  [{evidence}]")
    return ["Blockers (evidence: event ids):", *lines, ""] if lines else []


def _conditions(assessment: dict[str, Any]) -> list[str]:
    lines = [
        f"  {freedom}: {condition}"
        for freedom in FREEDOMS
        for condition in assessment["freedoms"][freedom]["conditions"]
    ]
    return ["Conditions:", *lines, ""] if lines else []


def _frameworks(assessment: dict[str, Any]) -> list[str]:
    osaid = assessment["frameworks"]["osaid-1.0"]
    mof = assessment["frameworks"]["mof"]
    lines = [f"OSAID 1.0: {'conformant' if osaid['conformant'] else 'not conformant'}"]
    lines += [f"  unmet {u['requirement']}: {u['reason']}" for u in osaid["unmet"]]
    lines.append(f"MOF ({mof['reading']}): class {mof['class'] or 'none'}")
    for grade in ("III", "II", "I"):
        lines += [f"  class {grade} unmet: {reason}" for reason in mof["unmet"][grade]]
    return [*lines, ""]


def _warnings(assessment: dict[str, Any]) -> list[str]:
    warnings = assessment["warnings"]
    return ["Warnings:", *[f"  {w['reason']}" for w in warnings]] if warnings else []
