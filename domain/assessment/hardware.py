"""The hardware stack's effect on study (DESIGN.md §6): under a policy that counts it, a layer
whose licence forbids reverse engineering or modification, or is proprietary (or unknown),
makes study at best ``conditional``, with the layer as a blocker. It never changes use or share.
"""

from __future__ import annotations

from domain.assessment.context import Context, Row
from domain.assessment.licence_rules import Freedom
from domain.assessment.licence_verdicts import Site, licence_verdict
from domain.assessment.verdicts import GRANTED, Blocker, Status, Verdict, at_best

_OPEN_ENOUGH = frozenset({Status.GRANTED, Status.CONDITIONAL})


def hardware_parts(context: Context) -> list[tuple[Row, Verdict]]:
    """One part per described stack the training runs name (row ``(stack, "hardware")``):
    granted, or ``conditional`` with a blocker per layer that cannot be inspected. Combined
    with study by ``all_of``, a part caps study at ``conditional``."""
    parts: list[tuple[Row, Verdict]] = []
    for hardware in context.hardware:
        artefact = context.world.artefacts.get(hardware)
        if artefact is None or artefact.layers_event is None:
            continue
        evidence = (artefact.event_id, artefact.layers_event)
        verdict = GRANTED
        for layer in artefact.layers:
            site = Site(hardware, "hardware", evidence)
            inspect = licence_verdict(layer.licence, Freedom.STUDY, context.catalogue, site)
            change = licence_verdict(layer.licence, Freedom.MODIFY, context.catalogue, site)
            if inspect.status in _OPEN_ENOUGH and change.status is not Status.DENIED:
                continue
            why = (
                "; ".join(b.reason for b in (*inspect.blockers, *change.blockers)) or "proprietary"
            )
            reason = f"{layer.layer} {layer.name} ({layer.vendor}) cannot be inspected: {why}"
            verdict = at_best(
                verdict,
                Status.CONDITIONAL,
                Blocker(hardware, "hardware", layer.licence, reason, evidence),
            )
        parts.append(((hardware, "hardware"), verdict))
    return parts
