"""The assessment document of DESIGN.md §6, built deterministically: the same world, model,
policy and limits give the same JSON (lists in a fixed order, no computation timestamps)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.assessment.closure import closure
from domain.assessment.context import Context
from domain.assessment.eu_ai_act import eu_ai_act
from domain.assessment.freedoms import FreedomAnswer, freedom_answer
from domain.assessment.licence_rules import Freedom
from domain.assessment.mof import mof
from domain.assessment.osaid import osaid
from domain.assessment.policies import POLICIES
from domain.assessment.warnings import warnings
from domain.assessment.world import Recorded, World
from domain.canonical import canonical_json
from domain.licences.catalogue import LicenceCatalogue


class UnknownModel(LookupError):
    """The model version is not recorded (as of the position and date asked)."""


def catalogue_for(world: World) -> LicenceCatalogue:
    """The built-in catalogue with the world's ``LicenceDefined`` terms layered on top."""
    defined = {
        licence.id: LicenceCatalogue.defined_entry(licence.id, licence.data, licence.event_ids)
        for licence in world.licences.values()
    }
    return LicenceCatalogue(defined)


def assess(
    world: World,
    model_id: str,
    policy: str,
    as_of_position: int | None,
    at: str | None,
    *,
    eu_ai_act_framework: bool = True,
    evidence: list[Recorded] | None = None,
    catalogue: LicenceCatalogue | None = None,
) -> dict[str, Any]:
    """The §6 assessment of ``model_id`` from ``world``.

    ``as_of_position`` is reported as given (the caller decides which position the answer
    stands for); ``at`` is echoed. ``eu_ai_act_framework=False`` answers as assessments did
    before §11 (no ``frameworks["eu-ai-act"]``): how a ``…/assessment/v1`` bundle is recomputed.
    ``evidence`` is ``closure(world, model_id)`` and ``catalogue`` is ``catalogue_for(world)``
    if the caller has them already (else they are found here).
    Raises :class:`UnknownModel` if the world lacks the model.
    """
    model = world.models.get(model_id)
    if model is None:
        raise UnknownModel(model_id)
    catalogue = catalogue_for(world) if catalogue is None else catalogue
    context = Context(world, model, catalogue, POLICIES[policy])
    frameworks = {"osaid-1.0": osaid(context), "mof": mof(context)}
    if eu_ai_act_framework:
        frameworks["eu-ai-act"] = eu_ai_act(context)
    return {
        "model": model_id,
        "policy": policy,
        "as_of": {"position": as_of_position},
        "at": at,
        "freedoms": {f.value: _freedom(freedom_answer(context, f)) for f in Freedom},
        "frameworks": frameworks,
        "warnings": warnings(context, closure(world, model_id) if evidence is None else evidence),
    }


def answer(
    world: World, model_id: str, policy: str, at: str | None = None
) -> tuple[bytes, list[Recorded]]:
    """The answer a server gives: the §6 assessment as RFC 8785 bytes, reported as of the last
    statement it rests on, and those statements (the closure, in log order). The projection,
    a recomputation and an audit all answer through this, so their bytes agree.
    Raises :class:`UnknownModel` if the world lacks the model."""
    return _answer(world, model_id, policy, at, _closure(world, model_id), catalogue_for(world))


def answers(world: World, model_id: str, policies: Sequence[str]) -> list[bytes]:
    """:func:`answer`'s bytes under each policy, in order, sharing the work they have in
    common (the closure, the catalogue and the verdicts it remembers)."""
    evidence, catalogue = _closure(world, model_id), catalogue_for(world)
    return [_answer(world, model_id, p, None, evidence, catalogue)[0] for p in policies]


def _closure(world: World, model_id: str) -> list[Recorded]:
    return closure(world, model_id) if model_id in world.models else []


def _answer(
    world: World,
    model_id: str,
    policy: str,
    at: str | None,
    evidence: list[Recorded],
    catalogue: LicenceCatalogue,
) -> tuple[bytes, list[Recorded]]:
    position = max((recorded.position or 0 for recorded in evidence), default=None)
    document = assess(world, model_id, policy, position, at, evidence=evidence, catalogue=catalogue)
    return canonical_json(document), evidence


def _freedom(answer: FreedomAnswer) -> dict[str, Any]:
    """A freedom's §6 answer, plus ``artefacts``: the status of each row of the freedoms ×
    artefacts grid the freedom rests on (``artefact`` null for a component not recorded), so
    every reader shows a row's own status rather than the freedom's."""
    verdict = answer.verdict
    blockers = sorted(
        (b.to_json() for b in verdict.blockers),
        key=lambda b: (b["artefact"] or "", b["component"] or "", b["licence"] or "", b["reason"]),
    )
    rows = sorted(answer.rows.items(), key=lambda item: (item[0][0] or "", item[0][1]))
    return {
        "status": verdict.status.value,
        "conditions": sorted(verdict.conditions),
        "blockers": blockers,
        "artefacts": [
            {"artefact": artefact, "component": component, "status": status.value}
            for (artefact, component), status in rows
        ],
    }
