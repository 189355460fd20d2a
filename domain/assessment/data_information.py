"""OSAID data information, and the training data's own terms (DESIGN.md §6).

Data information is met when the model's training runs (and its bases') name at least one
dataset and every one is public, gated, on-request or described. Dataset licences are not a
gate for it, but training-data rights — copyrighted material without a licence, personal data,
non-commercial terms — are always surfaced; whether they bind the weights is the policy's call.
"""

from __future__ import annotations

from domain.assessment.context import Context, Row
from domain.assessment.licence_rules import Freedom
from domain.assessment.licence_verdicts import Site, licence_verdict
from domain.assessment.verdicts import (
    GRANTED,
    Blocker,
    Status,
    Verdict,
    all_of,
    best_of,
    blocked,
)

_DESCRIBED = frozenset({"public", "gated", "on-request", "described"})
_RIGHTS = {
    "copyrighted-unlicensed": "holds copyrighted material used without a licence",
    "personal-data": "holds personal data",
}


def data_information(context: Context) -> Verdict:
    """``granted`` when met; otherwise why not, as blockers on component ``datasets``."""
    return all_of(verdict for _, verdict in data_information_parts(context))


def data_information_parts(context: Context) -> list[tuple[Row, Verdict]]:
    """Data information per training dataset (row ``(dataset, "datasets")``), or one part on
    row ``(None, "datasets")`` when no run or no dataset is recorded."""
    model = context.model
    if not context.runs:
        return [
            (
                (None, "datasets"),
                blocked(
                    Status.UNKNOWN,
                    Blocker(
                        None,
                        "datasets",
                        None,
                        "no training run is recorded, so nothing is known of the training data",
                        (model.event_id,),
                    ),
                ),
            )
        ]
    if not context.training_datasets:
        evidence = tuple(run.event_id for run in context.runs)
        reason = "the training runs name no dataset"
        return [
            (
                (None, "datasets"),
                blocked(Status.UNKNOWN, Blocker(None, "datasets", None, reason, evidence)),
            )
        ]
    return [((d, "datasets"), _described(context, d)) for d in context.training_datasets]


def _described(context: Context, dataset: str) -> Verdict:
    artefact = context.world.artefacts.get(dataset)
    if artefact is None:
        naming = tuple(run.event_id for run in context.runs if dataset in run.datasets)
        reason = "the training dataset is not recorded (as of the date asked)"
        return blocked(Status.UNKNOWN, Blocker(dataset, "datasets", None, reason, naming))
    if artefact.availability not in _DESCRIBED:
        reason = "training dataset is undisclosed: neither obtainable nor described"
        return blocked(
            Status.RESTRICTED, Blocker(dataset, "datasets", None, reason, (artefact.event_id,))
        )
    return GRANTED


def rights_findings(context: Context) -> list[Blocker]:
    """Data sources in the training data (and its lineage) whose rights are a problem."""
    findings = []
    for dataset in context.dataset_lineage:
        artefact = context.world.artefacts.get(dataset)
        for source in artefact.sources.values() if artefact else ():
            if source.rights in _RIGHTS:
                reason = f"data source {source.source} ({source.name}) {_RIGHTS[source.rights]}"
                findings.append(
                    Blocker(dataset, "datasets", source.licence, reason, (source.event_id,))
                )
    return findings


def terms_findings(context: Context) -> list[Blocker]:
    """Known limits (non-commercial, acceptable-use, no licence) in the training data's own
    licences and its data sources' licences, for the use of the data."""
    findings: list[Blocker] = []
    for dataset in context.dataset_lineage:
        for verdict in _data_licence_verdicts(context, dataset, Freedom.USE):
            if verdict.status in (Status.RESTRICTED, Status.DENIED):
                findings += verdict.blockers
    return list(dict.fromkeys(findings))


def training_data_terms(context: Context, freedom: Freedom) -> list[tuple[Row, Verdict]]:
    """Under ``data-propagates``: the training data's licences and rights bind the weights,
    one part per dataset of the lineage (row ``(dataset, "datasets")``)."""
    rights: dict[str, list[Blocker]] = {}
    for finding in rights_findings(context):
        rights.setdefault(finding.artefact or "", []).append(finding)
    parts: list[tuple[Row, Verdict]] = []
    for dataset in context.dataset_lineage:
        verdicts = [GRANTED, *_data_licence_verdicts(context, dataset, freedom)]
        artefact = context.world.artefacts.get(dataset)
        if artefact is not None and not artefact.grants_in_force():
            reason = (
                "no licence is recorded for this training dataset, whose terms bind the "
                "weights under this policy"
            )
            verdicts.append(
                blocked(
                    Status.UNKNOWN,
                    Blocker(dataset, "datasets", None, reason, (artefact.event_id,)),
                )
            )
        verdicts += [blocked(Status.RESTRICTED, f) for f in rights.get(dataset, [])]
        parts.append(((dataset, "datasets"), all_of(verdicts)))
    return parts


def _data_licence_verdicts(context: Context, dataset: str, freedom: Freedom) -> list[Verdict]:
    artefact = context.world.artefacts.get(dataset)
    if artefact is None:
        return []
    grants = artefact.grants_in_force()
    verdicts = []
    if grants:
        verdicts.append(
            best_of(
                licence_verdict(
                    g.licence, freedom, context.catalogue, Site(dataset, "datasets", (g.event_id,))
                )
                for g in grants
            )
        )
    # Sources under one licence share its verdict when it has no blocker: such a verdict names
    # no site's evidence or prefix (see ``licence_verdicts._SITELESS``). Looked up here by
    # licence alone, a dataset's thousands of sources skip building a site for each.
    shared: dict[str, Verdict] = {}
    for source in artefact.sources.values():
        if not source.licence:
            continue
        if (verdict := shared.get(source.licence)) is None:
            site = Site(dataset, "datasets", (source.event_id,), f"data source {source.source}: ")
            verdict = licence_verdict(source.licence, freedom, context.catalogue, site)
            if not verdict.blockers:
                shared[source.licence] = verdict
        verdicts.append(verdict)
    return verdicts
