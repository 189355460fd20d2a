"""The assessment's verdicts as ``(name, value)`` properties, the same names in both formats.

Names are namespaced ``provenance-ledger:``. Freedoms come in the order use, study, modify,
share; lists keep the assessment's order. Evidence event ids are left out: the bundle the
export points to carries them, with the statements and their proofs.
"""

from __future__ import annotations

from typing import Any

PREFIX = "provenance-ledger:"
FREEDOMS = ("use", "study", "modify", "share")
MOF_CLASSES = ("III", "II", "I")


def verdict_properties(assessment: dict[str, Any]) -> list[tuple[str, str]]:
    """Policy, limits, freedoms, frameworks and warnings of a §6 assessment."""
    properties = [("policy", str(assessment["policy"]))]
    position = assessment["as_of"].get("position")
    if position is not None:
        properties.append(("as-of-position", str(position)))
    if assessment.get("at"):
        properties.append(("at", str(assessment["at"])))
    for freedom in FREEDOMS:
        verdict = assessment["freedoms"][freedom]
        properties.append((f"freedom:{freedom}", verdict["status"]))
        properties += [(f"freedom:{freedom}:condition", c) for c in verdict["conditions"]]
        properties += [(f"freedom:{freedom}:blocker", _blocker(b)) for b in verdict["blockers"]]
    osaid = assessment["frameworks"]["osaid-1.0"]
    properties.append(("osaid-1.0:conformant", "true" if osaid["conformant"] else "false"))
    properties += [("osaid-1.0:unmet", _unmet(u)) for u in osaid["unmet"]]
    mof = assessment["frameworks"]["mof"]
    properties.append(("mof:class", mof["class"] or "none"))
    properties.append(("mof:reading", mof["reading"]))
    for mof_class in MOF_CLASSES:
        properties += [(f"mof:unmet:{mof_class}", u) for u in mof["unmet"].get(mof_class, [])]
    properties += _eu_ai_act(assessment["frameworks"].get("eu-ai-act"))
    properties += [("warning", w["reason"]) for w in assessment["warnings"]]
    return [(PREFIX + name, value) for name, value in properties]


def _blocker(blocker: dict[str, Any]) -> str:
    where = ", ".join(p for p in (blocker.get("component"), blocker.get("licence")) if p)
    subject = blocker.get("artefact") or "the model"
    return (
        f"{subject} ({where}): {blocker['reason']}" if where else f"{subject}: {blocker['reason']}"
    )


def _unmet(unmet: dict[str, Any]) -> str:
    return f"{unmet['requirement']}: {unmet['reason']}"


def _eu_ai_act(eu: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The EU AI Act verdict (DESIGN.md §11.2), when the assessment holds it."""
    if eu is None:
        return []
    gp = eu["general_purpose"]
    risk = eu["systemic_risk"]
    exemption = eu["open_source_exemption"]
    properties = [
        ("eu-ai-act:general-purpose", "unknown" if gp is None else ("true" if gp else "false")),
        ("eu-ai-act:systemic-risk", risk["status"]),
        ("eu-ai-act:open-source-exemption", exemption["status"]),
    ]
    properties += [
        ("eu-ai-act:unmet", f"{u['condition']} ({u['status']}): {u['reason']}")
        for u in exemption["unmet"]
    ]
    properties += [("eu-ai-act:obligation", o) for o in eu["obligations"]]
    if eu["deadline"] is not None:
        properties.append(("eu-ai-act:deadline", eu["deadline"]))
    return properties
