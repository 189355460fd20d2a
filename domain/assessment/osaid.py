"""OSAID 1.0 conformance, following the OSI checklist (openness-frameworks.md), read "where
used" (``READING``):

- **data-information**: as ``data_information`` (the training runs name datasets, every one
  public, gated, on-request or described);
- **code**: the definition lists its code components "where used" and the checklist is "not an
  operating manual", so a code component is met when an artefact recorded for it is released,
  obtainable, under an OSI-approved licence — or, when none is recorded for it, when the code
  that carries it is: supporting libraries (tokenizers, …) live in the training or inference
  code's repository, the architecture in the inference (or training) code, data processing in
  the training code. It is unmet when it is recorded as not obtainable or under a licence that
  is not OSI-approved (the carrier never excuses a recorded problem), and when neither it nor
  a carrier is released. Training and inference code have no carrier: they must be recorded;
- **parameters**: the final parameters are released, obtainable, under OSI-approved terms —
  including every parameters artefact inherited from base models.
"""

from __future__ import annotations

from typing import Any

from domain.assessment.context import ArtefactRef, Context
from domain.assessment.data_information import data_information
from domain.assessment.licence_classes import can_take_under, osi_approved
from domain.assessment.verdicts import Status

READING = "checklist-where-used"
CODE_COMPONENTS = (
    "data-preprocessing-code",
    "training-code",
    "inference-code",
    "supporting-libraries",
    "model-architecture",
)
# The code that carries a component when the model records none of its own, in order.
CARRIERS: dict[str, tuple[str, ...]] = {
    "data-preprocessing-code": ("training-code",),
    "supporting-libraries": ("training-code", "inference-code"),
    "model-architecture": ("inference-code", "training-code"),
}
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
        unmet += _code(context, component)
    unmet += _component(context, "parameters", "model-parameters", context.parameters)
    return {"conformant": not unmet, "reading": READING, "unmet": unmet}


def _code(context: Context, component: str) -> list[dict[str, Any]]:
    if context.own(component) or component not in CARRIERS:
        return _component(context, "code", component, context.own(component))
    for carrier in CARRIERS[component]:
        refs = context.own(carrier)
        if refs and not any(_problem(context, ref) for ref in refs):
            return []
    carriers = " or ".join(CARRIERS[component])
    reason = (
        f"no {component} is released, and no {carriers} that would carry it is released "
        "under an OSI-approved licence"
    )
    return [_unmet("code", reason, [])]


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
