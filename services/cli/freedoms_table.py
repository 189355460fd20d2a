"""A readable freedoms × artefacts grid of an assessment, blocking cells marked."""

from __future__ import annotations

from typing import Any

from services.read.freedoms_grid import FREEDOMS, Cell, grid

_MARK = {
    "na": "·",
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
    lines += [
        "",
        "each cell is that artefact's own status for the freedom: ok = granted, ok* = granted "
        "with conditions, capitals = it limits the freedom, · = not needed",
        "",
    ]
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
    return [
        (f"{row.artefact} [{row.component}]", {f: mark(cell) for f, cell in row.cells.items()})
        for row in grid(assessment, components)
    ]


def mark(cell: Cell) -> str:
    """A cell as the table prints it: capitals for a cell with blockers (it limits the
    freedom), ``ok``/``ok*`` for granted/conditional, ``·`` where the freedom does not need it."""
    if cell.blockers:
        return cell.state.upper()
    return _MARK.get(cell.state, cell.state.upper())


def _blockers(assessment: dict[str, Any]) -> list[str]:
    lines = []
    for freedom in FREEDOMS:
        for blocker in assessment["freedoms"][freedom]["blockers"]:
            evidence = ", ".join(e[:12] for e in blocker["evidence"])
            where = blocker["component"]
            if blocker["artefact"]:
                where = f"{blocker['artefact']} [{blocker['component']}]"
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
    lines += _eu_lines(assessment["frameworks"].get("eu-ai-act"))
    return [*lines, ""]


def _warnings(assessment: dict[str, Any]) -> list[str]:
    warnings = assessment["warnings"]
    return ["Warnings:", *[f"  {w['reason']}" for w in warnings]] if warnings else []


def _eu_lines(eu: dict[str, Any] | None) -> list[str]:
    """The EU AI Act framework (DESIGN.md §11.2) in a few lines, when the answer holds it."""
    if eu is None:
        return []
    exemption = eu["open_source_exemption"]
    lines = [
        f"EU AI Act: open-source exemption {exemption['status']}; "
        f"systemic risk {eu['systemic_risk']['status']}; "
        f"obligations {', '.join(eu['obligations']) or 'none'}; deadline {eu['deadline'] or '-'}"
    ]
    lines += [f"  {u['condition']} {u['status']}: {u['reason']}" for u in exemption["unmet"]]
    return lines
