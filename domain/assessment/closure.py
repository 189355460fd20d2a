"""Which subjects and statements one model version's assessment rests on.

The closure of a model is: the model and its base models (any depth), their owners'
``ProviderDescribed`` and the architecture and usage information their descriptions name;
their component artefacts and training runs; the runs' code, datasets, hardware, produced and
base parameters; every dataset's lineage (``DatasetDerived`` parents and processing code) and
the crawlers their descriptions name; the ``LicenceDefined`` statements of every licence id
those artefacts, data sources and hardware layers name, under any spelling of it (ids compare
case-insensitively; an alias shares its target's definitions,
``domain.licences.catalogue.definition_key``); claims on any of these subjects; and the
enrolment and revocation of every key that signed any of it, back to the operator keys.
A provenance bundle carries exactly these statements, and the assessment reads nothing else,
so it can be recomputed from the bundle.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.assessment.world import Recorded, World
from domain.licence_syntax import expression_ids
from domain.licences.catalogue import alias_target, definition_key


def licence_ids(expression: str) -> list[str]:
    """The licence and exception ids an (already validated) expression names, and the ids
    its aliases (ScanCode keys, Hugging Face ids) stand for: a ``LicenceDefined`` of the
    target is what the assessment reads for them."""
    ids = list(expression_ids(expression))
    return ids + [t for i in ids if (t := alias_target(i)) is not None and t not in ids]


def closure_subjects(world: World, model_id: str) -> set[str]:
    """Every subject the model's assessment reads (signers excluded; see :func:`closure`),
    and every licence id it names, defined or not: a reader looking for the statements of
    these subjects finds all the answer rests on."""
    subjects: set[str] = set()
    models, model = [], world.models.get(model_id)
    subjects.add(model_id)
    while model is not None and model.id not in models:
        models.append(model.id)
        subjects.update(a for artefacts in model.components.values() for a in artefacts)
        if model.owner is not None:
            subjects.add(model.owner)  # its ProviderDescribed (EU AI Act, §11)
        if model.described is not None:
            subjects.update(model.described.data.get("architecture_information", ()))
            subjects.update(model.described.data.get("usage_information", ()))
        for run_id in model.training_runs:
            subjects.add(run_id)
            run = world.runs.get(run_id)
            if run is not None:
                subjects.update([*run.code, *run.datasets, *run.hardware, *run.produced])
                if run.base_parameters:
                    subjects.add(run.base_parameters)
        if model.base_model:
            subjects.add(model.base_model)
        model = world.models.get(model.base_model) if model.base_model else None
    subjects |= _lineage(world, subjects)
    subjects |= _crawlers(world, subjects)
    named = _licences_named(world, subjects)
    subjects |= named  # their LicenceDefined statements, under these or other spellings:
    for key in {definition_key(i) for i in named}:
        if (defined := world.licences.get(key)) is not None:
            subjects.update(defined.subjects)
    return subjects


def _lineage(world: World, subjects: Iterable[str]) -> set[str]:
    found: set[str] = set()
    pending = [s for s in subjects if s in world.artefacts]
    while pending:
        artefact = world.artefacts.get(pending.pop())
        if artefact is None:
            continue
        for parent in [*artefact.derived_from, *artefact.processing_code]:
            if parent not in found:
                found.add(parent)
                pending.append(parent)
    return found


def _crawlers(world: World, subjects: Iterable[str]) -> set[str]:
    """The crawlers the datasets' descriptions in force name."""
    crawlers = set()
    for subject in subjects:
        artefact = world.artefacts.get(subject)
        described = artefact.described if artefact is not None else None
        if described is not None and (crawler := described.data.get("crawler")):
            crawlers.add(crawler)
    return crawlers


def _licences_named(world: World, subjects: Iterable[str]) -> set[str]:
    ids: set[str] = set()
    for subject in subjects:
        artefact = world.artefacts.get(subject)
        if artefact is None:
            continue
        expressions = [g.licence for g in artefact.grants]
        expressions += [s.licence for s in artefact.sources.values() if s.licence]
        expressions += [layer.licence for layer in artefact.layers]
        for expression in set(expressions):  # thousands of data sources share a few
            ids.update(licence_ids(expression))
    return ids


def closure(world: World, model_id: str) -> list[Recorded]:
    """The statements the assessment of ``model_id`` rests on, in log order."""
    events: dict[str, Recorded] = {}
    for subject in closure_subjects(world, model_id):
        for recorded in world.by_subject.get(subject, []):
            events[recorded.event_id] = recorded
    pending = [signer for recorded in events.values() for signer in recorded.signers]
    seen: set[str] = set()
    while pending:
        keyid = pending.pop()
        if keyid in seen:
            continue
        seen.add(keyid)
        for recorded in world.by_subject.get(keyid, []):
            if recorded.statement.type in {"SignerEnrolled", "SignerRevoked"}:
                events[recorded.event_id] = recorded
                pending.extend(recorded.signers)
    return sorted(events.values(), key=lambda r: r.leaf_index)
