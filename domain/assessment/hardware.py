"""The hardware stack's effect on study (DESIGN.md §6): under a policy that counts it, a layer
whose licence forbids reverse engineering or modification, or is proprietary (or unknown),
makes study at best ``conditional``, with the layer as a blocker. It never changes use or share.
"""

from __future__ import annotations

from domain.assessment.context import Context
from domain.assessment.licence_rules import Freedom
from domain.assessment.licence_verdicts import Site, licence_verdict
from domain.assessment.verdicts import Blocker, Status, Verdict, at_best

_OPEN_ENOUGH = frozenset({Status.GRANTED, Status.CONDITIONAL})


def limit_study_by_hardware(context: Context, study: Verdict) -> Verdict:
    for hardware in context.hardware:
        artefact = context.world.artefacts.get(hardware)
        if artefact is None or artefact.layers_event is None:
            continue
        evidence = (artefact.event_id, artefact.layers_event)
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
            study = at_best(
                study,
                Status.CONDITIONAL,
                Blocker(hardware, "hardware", layer.licence, reason, evidence),
            )
    return study
