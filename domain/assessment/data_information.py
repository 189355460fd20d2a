"""OSAID data information, and the training data's own terms (DESIGN.md §6).

Data information is met when the model's training runs (and its bases') name at least one
dataset and every one is public, gated, on-request or described. Dataset licences are not a
gate for it, but training-data rights — copyrighted material without a licence, personal data,
non-commercial terms — are always surfaced; whether they bind the weights is the policy's call.
"""

from __future__ import annotations

from domain.assessment.context import Context
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
    model = context.model
    if not context.runs:
        return blocked(
            Status.UNKNOWN,
            Blocker(
                None,
                "datasets",
                None,
                "no training run is recorded, so nothing is known of the training data",
                (model.event_id,),
            ),
        )
    if not context.training_datasets:
        evidence = tuple(run.event_id for run in context.runs)
        return blocked(
            Status.UNKNOWN,
            Blocker(None, "datasets", None, "the training runs name no dataset", evidence),
        )
    parts = [GRANTED]
    for dataset in context.training_datasets:
        artefact = context.world.artefacts.get(dataset)
        if artefact is None:
            naming = tuple(run.event_id for run in context.runs if dataset in run.datasets)
            reason = "the training dataset is not recorded (as of the date asked)"
            parts.append(
                blocked(Status.UNKNOWN, Blocker(dataset, "datasets", None, reason, naming))
            )
        elif artefact.availability not in _DESCRIBED:
            parts.append(
                blocked(
                    Status.RESTRICTED,
                    Blocker(
                        dataset,
                        "datasets",
                        None,
                        "training dataset is undisclosed: neither obtainable nor described",
                        (artefact.event_id,),
                    ),
                )
            )
    return all_of(parts)


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


def training_data_terms(context: Context, freedom: Freedom) -> Verdict:
    """Under ``data-propagates``: the training data's licences and rights bind the weights."""
    parts = [GRANTED]
    for dataset in context.dataset_lineage:
        artefact = context.world.artefacts.get(dataset)
        if artefact is not None and not artefact.grants_in_force():
            parts.append(
                blocked(
                    Status.UNKNOWN,
                    Blocker(
                        dataset,
                        "datasets",
                        None,
                        "no licence is recorded for this training dataset, whose terms bind "
                        "the weights under this policy",
                        (artefact.event_id,),
                    ),
                )
            )
        parts += _data_licence_verdicts(context, dataset, freedom)
    parts += [blocked(Status.RESTRICTED, finding) for finding in rights_findings(context)]
    return all_of(parts)


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
    for source in artefact.sources.values():
        if source.licence:
            site = Site(dataset, "datasets", (source.event_id,), f"data source {source.source}: ")
            verdicts.append(licence_verdict(source.licence, freedom, context.catalogue, site))
    return verdicts
