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
