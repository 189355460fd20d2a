"""OSAID 1.0 conformance, following the OSI checklist (openness-frameworks.md):

- **data-information**: as ``data_information`` (the training runs name datasets, every one
  public, gated, on-request or described);
- **code**: data pre-processing, training, inference, supporting libraries and model
  architecture are all released, obtainable, under OSI-approved licences;
- **parameters**: the final parameters are released, obtainable, under OSI-approved terms —
  including every parameters artefact inherited from base models.
"""

from __future__ import annotations

from typing import Any

from domain.assessment.context import ArtefactRef, Context
from domain.assessment.data_information import data_information
from domain.assessment.licence_classes import can_take_under, osi_approved
from domain.assessment.verdicts import Status

CODE_COMPONENTS = (
    "data-preprocessing-code",
    "training-code",
    "inference-code",
    "supporting-libraries",
    "model-architecture",
)
_OBTAINABLE = frozenset({"public", "gated"})


def osaid(context: Context) -> dict[str, Any]:
    unmet = []
    info = data_information(context)
    if info.status is not Status.GRANTED:
        unmet.append(
            _unmet(
                "data-information",
                "; ".join(b.reason for b in info.blockers),
                [b.artefact for b in info.blockers if b.artefact],
            )
        )
    for component in CODE_COMPONENTS:
        unmet += _component(context, "code", component, context.own(component))
    unmet += _component(context, "parameters", "model-parameters", context.parameters)
    return {"conformant": not unmet, "unmet": unmet}


def _component(
    context: Context, requirement: str, component: str, refs: list[ArtefactRef]
) -> list[dict[str, Any]]:
    if not refs:
        return [_unmet(requirement, f"no {component} is released", [])]
    unmet = []
    for ref in refs:
        problem = _problem(context, ref)
        if problem:
            via = f" (inherited from {ref.via})" if ref.via else ""
            unmet.append(
                _unmet(requirement, f"{component} {ref.artefact}{via}: {problem}", [ref.artefact])
            )
    return unmet


def _problem(context: Context, ref: ArtefactRef) -> str | None:
    artefact = context.world.artefacts.get(ref.artefact)
    if artefact is None:
        return "not recorded"
    if artefact.availability not in _OBTAINABLE:
        return f"not obtainable ({artefact.availability})"
    grants = artefact.grants_in_force()
    if not grants:
        return "no licence in force"
    if not any(can_take_under(g.licence, context.catalogue, osi_approved) for g in grants):
        return f"not under an OSI-approved licence ({' / '.join(g.licence for g in grants)})"
    return None


def _unmet(requirement: str, reason: str, artefacts: list[str]) -> dict[str, Any]:
    return {"requirement": requirement, "reason": reason, "artefacts": sorted(set(artefacts))}
