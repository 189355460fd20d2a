"""An assessment as a Markdown report to hand on: the verdicts, the freedoms × artefacts grid,
what limits each freedom with its evidence, the frameworks, the warnings, and how to verify it
independently (the bundle command)."""

from __future__ import annotations

from typing import Any

from services.read.blocker_groups import BlockerGroup, group_blockers
from services.read.freedoms_grid import FREEDOMS, NOT_NEEDED, grid

SHORT_ID = 12  # hex digits of an event id printed; they resolve at /v1/events/{id}


def markdown_report(
    assessment: dict[str, Any],
    components: dict[str, list[str]],
    bundle_url: str,
    name: str = "",
) -> str:
    """The report (GitHub-flavoured Markdown); ``bundle_url`` pins the same assessment."""
    sections = [
        _title(assessment, name),
        _verdicts(assessment),
        _grid(assessment, components),
        _limits(assessment),
        _frameworks(assessment),
        _warnings(assessment),
        _verify(assessment, bundle_url),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _title(assessment: dict[str, Any], name: str) -> str:
    model = assessment["model"]
    at = assessment["at"] or "any date (every recorded fact)"
    heading = f"# Freedoms of {_cell(name)} (`{model}`)" if name else f"# Freedoms of `{model}`"
    return (
        f"{heading}\n\nPolicy **{assessment['policy']}**, as of log position "
        f"**{assessment['as_of']['position']}**, facts effective at {at}."
    )


def _verdicts(assessment: dict[str, Any]) -> str:
    frameworks = assessment["frameworks"]
    osaid = "conformant" if frameworks["osaid-1.0"]["conformant"] else "not conformant"
    cells = [assessment["freedoms"][f]["status"] for f in FREEDOMS]
    cells += [osaid, frameworks["mof"]["class"] or "none"]
    return "\n".join(
        [
            "## Verdicts",
            "",
            "| use | study | modify | share | OSAID 1.0 | MOF class |",
            "|---|---|---|---|---|---|",
            "| " + " | ".join(cells) + " |",
        ]
    )


def _grid(assessment: dict[str, Any], components: dict[str, list[str]]) -> str:
    lines = [
        "## Freedoms × artefacts",
        "",
        "Each cell is that artefact's own status for the freedom; **bold** cells limit it, "
        "– where the freedom does not need the artefact.",
        "",
        "| artefact | component | " + " | ".join(FREEDOMS) + " |",
        "|---|---|" + "---|" * len(FREEDOMS),
    ]
    for row in grid(assessment, components):
        cells = []
        for freedom in FREEDOMS:
            cell = row.cells[freedom]
            shown = "–" if cell.state == NOT_NEEDED else cell.state
            cells.append(f"**{shown}**" if cell.blockers else shown)
        lines.append(f"| `{_cell(row.artefact)}` | {row.component} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _limits(assessment: dict[str, Any]) -> str:
    lines = ["## What limits each freedom"]
    for freedom in FREEDOMS:
        answer = assessment["freedoms"][freedom]
        lines += ["", f"### {freedom}: {answer['status']}", ""]
        groups = group_blockers((freedom, b) for b in answer["blockers"])
        lines += [_group(g) for g in groups] or ["Nothing limits it."]
        if answer["conditions"]:
            lines += ["", "Conditions:", ""] + [f"- {_cell(c)}" for c in answer["conditions"]]
    lines += ["", f"Event ids are shortened to {SHORT_ID} hex digits; each resolves at "]
    lines[-1] += "`/v1/events/{id}`."
    return "\n".join(lines)


def _group(group: BlockerGroup) -> str:
    named = group.licence is None or group.licence in group.reason
    licence = "" if named else f"`{group.licence}`: "
    artefacts = ", ".join(
        f"`{artefact}` ({component})" if artefact else f"no {component} recorded"
        for artefact, component in group.artefacts
    )
    evidence = ", ".join(f"`{e[:SHORT_ID]}`" for e in group.evidence)
    return (
        f"- **{group.status}** — {licence}{_cell(group.reason)} — {artefacts}. Evidence: {evidence}"
    )


def _frameworks(assessment: dict[str, Any]) -> str:
    frameworks = assessment["frameworks"]
    osaid, mof = frameworks["osaid-1.0"], frameworks["mof"]
    lines = [
        "## Openness frameworks",
        "",
        f"### OSAID 1.0: {'conformant' if osaid['conformant'] else 'not conformant'}",
        "",
    ]
    lines += [f"- {u['requirement']}: {_cell(u['reason'])}" for u in osaid["unmet"]]
    lines += [
        "",
        f"### Model Openness Framework ({mof['reading']}): class {mof['class'] or 'none'}",
    ]
    for grade in ("III", "II", "I"):
        if mof["unmet"][grade]:
            lines += ["", f"Unmet for class {grade}:", ""]
            lines += [f"- {_cell(reason)}" for reason in mof["unmet"][grade]]
    for other in sorted(set(frameworks) - {"osaid-1.0", "mof"}):
        lines += ["", f"### {other}", "", _summary(frameworks[other])]
    return "\n".join(lines)


def _summary(framework: Any) -> str:
    if not isinstance(framework, dict):
        return str(framework)
    plain = {k: v for k, v in sorted(framework.items()) if not isinstance(v, dict | list)}
    lists = {k: v for k, v in sorted(framework.items()) if isinstance(v, list) and v}
    lines = [f"- {key}: {value}" for key, value in plain.items()]
    for key, values in lists.items():
        lines += [f"- {key}:"] + [f"  - {_cell(_words(v))}" for v in values]
    return "\n".join(lines) or "(nothing to report)"


def _words(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    return str(value)


def _warnings(assessment: dict[str, Any]) -> str:
    if not assessment["warnings"]:
        return ""
    lines = ["## Warnings", ""]
    for warning in assessment["warnings"]:
        evidence = ", ".join(f"`{e[:SHORT_ID]}`" for e in warning["evidence"])
        lines.append(f"- {_cell(warning['reason'])} Evidence: {evidence}")
    return "\n".join(lines)


def _verify(assessment: dict[str, Any], bundle_url: str) -> str:
    model = assessment["model"]
    flags = f"--as-of {assessment['as_of']['position']} --policy {assessment['policy']}"
    if assessment["at"]:
        flags += f" --at {assessment['at']}"
    return "\n".join(
        [
            "## Verify it yourself",
            "",
            "The provenance bundle holds every signed statement this answer rests on, each with "
            "its inclusion proof, and the signed assessment; it verifies offline with only the "
            "log's public key:",
            "",
            "```sh",
            f"curl -o bundle.json '{bundle_url}'",
            f"# or: provenance bundle {model} {flags} -o bundle.json",
            "provenance verify bundle.json --log-key log.pub",
            "```",
        ]
    )


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: one line, no pipes, and no HTML
    (recorded text may hold anything; a renderer must show it, not run it)."""
    escaped = str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(escaped.split())
