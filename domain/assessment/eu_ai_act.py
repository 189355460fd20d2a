"""``frameworks["eu-ai-act"]`` (DESIGN.md §11.2): is the model general-purpose, does it carry
systemic risk, is it exempt as open source (Art. 53(2)), which obligations are left and by when.

Pure: reads the world (already limited to ``at``), the model's lineage and the licence
catalogue. It does not depend on the policy. Thresholds are data and appear in the answer, so
an offline verifier recomputes with the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.assessment.context import Context
from domain.assessment.eu_licence import (
    DISQUALIFIED,
    QUALIFIES,
    RANK,
    UNCLEAR,
    UNKNOWN,
    Issue,
    best,
    licence_issues,
)
from domain.assessment.world import ArtefactFacts, InForce, RunFacts

THRESHOLDS = {"general_purpose_flop": 1e23, "systemic_risk_flop": 1e25}
GENERATIVE = frozenset({"text", "code", "speech", "audio", "image", "video"})
CONDITIONS = (
    "licence-access",
    "licence-use",
    "licence-modify",
    "licence-distribute",
    "monetisation",
    "parameters-public",
    "architecture-public",
    "usage-public",
    "systemic-risk",
)
APPLICATION = "2025-08-02"  # Art. 113: the GPAI obligations apply from this date
GRANDFATHERED = "2027-08-02"  # Art. 111(3): models placed before APPLICATION comply by this


def eu_ai_act(context: Context) -> dict[str, Any]:
    """The §11.2 answer for the context's model."""
    notes: list[str] = []
    training, cumulative, compute_evidence = _compute(context.runs)
    general_purpose = _general_purpose(context, training, notes)
    risk = _systemic_risk(context, cumulative, training, compute_evidence)
    unmet = _unmet(context, risk)
    status = _overall(unmet)
    exemption = {"status": status, "unmet": unmet}
    return {
        "general_purpose": general_purpose,
        "systemic_risk": risk,
        "thresholds": dict(THRESHOLDS),
        "open_source_exemption": exemption,
        "obligations": _obligations(context, general_purpose, status, risk["status"], notes),
        "deadline": _deadline(context),
        "notes": notes,
    }


# --- compute, general purpose, systemic risk -------------------------------------------------


def _partial_sum(runs: Iterable[RunFacts], threshold: float) -> float | None:
    """The runs' summed FLOP; ``None`` when a run lacks it, unless the known part already
    exceeds ``threshold`` (which then decides); ``None`` too when no run is recorded."""
    runs = list(runs)
    known = [run.flop for run in runs if run.flop is not None]
    total = float(sum(known))
    if not runs:
        return None
    if len(known) == len(runs) or total > threshold:
        return total
    return None


def _compute(runs: list[RunFacts]) -> tuple[float | None, float | None, list[str]]:
    """(training FLOP, cumulative FLOP, evidence): training leaves out synthetic-data runs."""
    training_runs = [r for r in runs if r.stage != "synthetic-data-generation"]
    training = _partial_sum(training_runs, THRESHOLDS["general_purpose_flop"])
    cumulative = _partial_sum(runs, THRESHOLDS["systemic_risk_flop"])
    return training, cumulative, sorted(r.event_id for r in runs if r.flop is not None)


def _outputs(context: Context) -> list[str] | None:
    described = context.model.described
    return list(described.data["modalities"]["output"]) if described else None


def _general_purpose(context: Context, training: float | None, notes: list[str]) -> bool | None:
    described = context.model.described
    if described is not None and "general_purpose" in described.data:
        return bool(described.data["general_purpose"])
    outputs = _outputs(context)
    if outputs is not None and not GENERATIVE.intersection(outputs):
        return False
    if (
        outputs is not None
        and training is not None
        and training > THRESHOLDS["general_purpose_flop"]
    ):
        return True
    notes.append(
        "general-purpose unknown (below the indicative 10^23 FLOP criterion, or compute or "
        "output modalities not recorded): the provider's own classification decides; record "
        "ModelVersionDescribed.general_purpose. Obligations are answered as if it were."
    )
    return None


def _systemic_risk(
    context: Context, cumulative: float | None, training: float | None, evidence: list[str]
) -> dict[str, Any]:
    designation = context.model.designation
    answer: dict[str, Any] = {"cumulative_flop": cumulative, "training_flop": training}
    if designation is not None and designation.data["status"] == "designated":
        status = "designated"
        evidence = [designation.event_id]
    elif designation is not None:  # rebutted
        status = "not-presumed"
        evidence = [designation.event_id]
    elif cumulative is None:
        status = "unknown"
    elif cumulative > THRESHOLDS["systemic_risk_flop"]:
        status = "presumed"
    else:
        status = "not-presumed"
    return {"status": status, **answer, "evidence": sorted(evidence)}


# --- the exemption's conditions --------------------------------------------------------------


def _item(
    condition: str,
    status: str,
    reason: str,
    artefacts: Iterable[str] = (),
    evidence: Iterable[str] = (),
) -> dict[str, Any]:
    return {
        "condition": condition,
        "status": status,
        "reason": reason,
        "artefacts": sorted(set(artefacts)),
        "evidence": sorted(set(evidence)),
    }


def _role_artefacts(context: Context, field: str, component: str) -> list[str]:
    """Architecture or usage information: named in the description in force, else the
    model's ``component`` artefacts (own, then its bases')."""
    described = context.model.described
    if described is not None and field in described.data:
        return list(described.data[field])
    return list(dict.fromkeys(a for m in context.lineage for a in m.components.get(component, [])))


def _unmet(context: Context, risk: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    parameters = [ref.artefact for ref in context.parameters]
    architecture = _role_artefacts(context, "architecture_information", "model-architecture")
    usage = _role_artefacts(context, "usage_information", "model-card")
    roles = (
        ("parameters-public", "parameters", parameters),
        ("architecture-public", "architecture information", architecture),
        ("usage-public", "usage information", usage),
    )
    for condition, what, artefacts in roles:
        if not artefacts:
            items.append(_missing_role(condition, what))
        for artefact_id in artefacts:
            artefact = context.world.artefacts.get(artefact_id)
            items += _licence_items(context, artefact_id, artefact, what)
            items += _availability_items(condition, what, artefact_id, artefact)
    items += _distribution_items(context.model.distributed)
    items += _risk_items(risk)
    unique = {(i["condition"], i["status"], i["reason"], tuple(i["artefacts"])): i for i in items}
    return sorted(
        unique.values(),
        key=lambda i: (
            CONDITIONS.index(i["condition"]),
            RANK[i["status"]],
            i["artefacts"],
            i["reason"],
        ),
    )


def _missing_role(condition: str, what: str) -> dict[str, Any]:
    record = {
        "parameters-public": "a model-parameters artefact",
        "architecture-public": "a model-architecture artefact, or architecture_information",
        "usage-public": "a model-card artefact, or usage_information",
    }[condition]
    return _item(condition, UNKNOWN, f"no {what} is recorded: record {record}")


def _licence_items(
    context: Context, artefact_id: str, artefact: ArtefactFacts | None, what: str
) -> list[dict[str, Any]]:
    if artefact is None:
        return [
            _item("licence-use", UNKNOWN, f"the {what} artefact is not recorded", [artefact_id])
        ]
    grants = artefact.grants_in_force()
    if not grants:
        return [
            _item(
                condition,
                UNKNOWN,
                f"no licence is granted on the {what}: record a LicenceGranted",
                [artefact_id],
                [artefact.event_id],
            )
            for condition in (
                "licence-access",
                "licence-use",
                "licence-modify",
                "licence-distribute",
            )
        ]
    alternatives = []
    for grant in grants:
        issues = licence_issues(grant.licence, context.catalogue)
        alternatives.append(tuple(_with_evidence(i, grant.event_id) for i in issues))
    return [
        _item(
            i.condition,
            i.status,
            f"{i.licence} on the {what}: {i.reason}",
            [artefact_id],
            i.evidence,
        )
        for i in best(alternatives)
    ]


def _with_evidence(issue: Issue, grant_event: str) -> Issue:
    return Issue(
        issue.condition, issue.status, issue.licence, issue.reason, (grant_event, *issue.evidence)
    )


def _availability_items(
    condition: str, what: str, artefact_id: str, artefact: ArtefactFacts | None
) -> list[dict[str, Any]]:
    if artefact is None:
        return [_item(condition, UNKNOWN, f"the {what} artefact is not recorded", [artefact_id])]
    availability = artefact.availability
    if availability == "public":
        return []
    if availability == "gated":
        reason = (
            f"the {what} are behind a gated download: non-discriminatory verification is "
            "allowed, discretionary approval or data collection probably is not"
        )
        return [_item(condition, UNCLEAR, reason, [artefact_id], [artefact.event_id])]
    reason = f"the {what} are not public (availability: {availability})"
    return [_item(condition, DISQUALIFIED, reason, [artefact_id], [artefact.event_id])]


def _distribution_items(distributed: InForce | None) -> list[dict[str, Any]]:
    if distributed is None:
        reason = "how the model is distributed is not recorded: record ModelVersionDistributed"
        return [_item("licence-access", UNKNOWN, reason), _item("monetisation", UNKNOWN, reason)]
    data, evidence = distributed.data, [distributed.event_id]
    items = []
    if data["price"] == "paid":
        items.append(
            _item("monetisation", DISQUALIFIED, "a price is charged for access", (), evidence)
        )
    if data["personal_data_for_access"] == "other":
        reason = "personal data is required for access for purposes other than security"
        items.append(_item("monetisation", DISQUALIFIED, reason, (), evidence))
    for kind in data["monetisation"]:
        items.append(_item("monetisation", DISQUALIFIED, f"monetised through {kind}", (), evidence))
    if data.get("excluded_regions"):
        regions = ", ".join(data["excluded_regions"])
        reason = f"distribution excludes {regions}"
        items.append(_item("licence-access", DISQUALIFIED, reason, (), evidence))
    return items


def _risk_items(risk: dict[str, Any]) -> list[dict[str, Any]]:
    status, evidence = risk["status"], risk["evidence"]
    if status == "designated":
        reason = "designated by the Commission as a model with systemic risk (Art. 52)"
        return [_item("systemic-risk", DISQUALIFIED, reason, (), evidence)]
    if status == "presumed":
        reason = "cumulative training compute above 10^25 FLOP: systemic risk presumed (Art. 51(2))"
        return [_item("systemic-risk", DISQUALIFIED, reason, (), evidence)]
    if status == "unknown":
        reason = (
            "cumulative training compute is unknown: record compute.flop on every training run "
            "(and its bases'), or a SystemicRiskDesignated"
        )
        return [_item("systemic-risk", UNKNOWN, reason, (), evidence)]
    return []


def _overall(unmet: list[dict[str, Any]]) -> str:
    for status in (DISQUALIFIED, UNKNOWN, UNCLEAR):
        if any(item["status"] == status for item in unmet):
            return status
    return QUALIFIES


# --- obligations and deadline ----------------------------------------------------------------


def _obligations(
    context: Context,
    general_purpose: bool | None,
    exemption: str,
    risk: str,
    notes: list[str],
) -> list[str]:
    if general_purpose is False:
        return []
    exempt = exemption == QUALIFIES
    obligations = [] if exempt else ["53(1)(a)", "53(1)(b)"]
    obligations += ["53(1)(c)", "53(1)(d)", "53(3)"]
    provider = context.world.providers.get(context.model.owner or "")
    in_eu = provider is not None and bool(provider.data["established_in_eu"])
    if provider is None and not exempt:
        notes.append(
            f"the provider '{context.model.owner}' is not described: Art. 54 (an authorised "
            "representative) is listed until a ProviderDescribed says it is established in the EU"
        )
    if not in_eu and not exempt:
        obligations.append("54")
    if risk in {"presumed", "designated"}:
        obligations.append("55")
    return obligations


def _deadline(context: Context) -> str | None:
    distributed = context.model.distributed
    placed = distributed.data.get("eu_placed_at") if distributed else None
    if placed is None:
        return None
    at: datetime | None = context.world.at
    if at is not None and placed > at.date().isoformat():
        return None  # not yet placed on the EU market at the date asked
    return GRANDFATHERED if placed < APPLICATION else str(placed)
