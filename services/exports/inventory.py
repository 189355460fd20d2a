"""What a model version's SBOM lists, read from the world its assessment was computed from.

Format-neutral: both exports render the same :class:`Inventory`. It holds

* the model version and its base models (any depth), each with the artefacts it lists under
  each component and its training runs;
* every artefact of the assessment's closure (``domain.assessment.closure``: components,
  training-run code, datasets, hardware and produced artefacts, dataset lineage), sorted by id,
  with its grants in force as one licence expression (:mod:`services.exports.licensing`), its
  data sources and hardware layers;
* the URL of every ``LicenseRef-`` named: the catalogue's (built-in or ``LicenceDefined``),
  else the ``uri`` of a grant of exactly that id;
* the document's creation time: the release statement's ``issued_at`` (to the second), or
  :data:`EPOCH` when the world does not hold that statement. Nothing reads a clock.

References to subjects the world lacks (not yet effective at the ``at`` asked) are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.assessment.closure import closure_subjects
from domain.assessment.report import UnknownModel, catalogue_for
from domain.assessment.world import ArtefactFacts, ModelFacts, RunFacts, World
from domain.licences.catalogue import LicenceCatalogue
from services.exports.licensing import all_of, any_of, licence_refs, normalise, special

EPOCH = "1970-01-01T00:00:00Z"
_FRACTION = re.compile(r"\.\d+Z$")
_IRI_CHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2}|[^\x00-\x7f\s])"
_USABLE_URI = re.compile(  # an absolute http(s) IRI (RFC 3987) with no brackets or oddities
    rf"https?://{_IRI_CHAR}+(?:/{_IRI_CHAR}*)*(?:\?(?:{_IRI_CHAR}|[/?])*)?(?:#(?:{_IRI_CHAR}|[/?])*)?"
)


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    uri: str | None
    licence: str | None
    rights: str
    share: float | None


@dataclass(frozen=True, slots=True)
class Layer:
    layer: str
    name: str
    vendor: str
    licence: str


@dataclass(frozen=True, slots=True)
class Artefact:
    id: str
    kind: str
    component: str | None
    name: str
    version: str | None
    uri: str | None
    digest: str | None
    availability: str
    supplier: str | None  # organisation of the signer who registered it
    licence: str | None  # grants in force as one expression; None: no grant in force
    sources: tuple[Source, ...]
    layers: tuple[Layer, ...]
    derived_from: tuple[str, ...]
    processing_code: tuple[str, ...]

    @property
    def personal_data(self) -> bool:
        return any(source.rights == "personal-data" for source in self.sources)


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    code: tuple[str, ...]
    datasets: tuple[str, ...]
    hardware: tuple[str, ...]
    produced: tuple[str, ...]
    base_parameters: str | None
    summary: str  # one line: what it read and produced, when, with what compute


@dataclass(frozen=True, slots=True)
class Model:
    id: str
    name: str
    version: str
    released_at: str
    supplier: str | None
    components: tuple[tuple[str, tuple[str, ...]], ...]  # component -> artefacts, as listed
    runs: tuple[Run, ...]
    base_model: str | None  # only when the world holds it
    parameters_licence: str | None  # the final parameters' licences, all of them


@dataclass(frozen=True, slots=True)
class Inventory:
    models: tuple[Model, ...]  # the model version first, then its base models
    artefacts: Mapping[str, Artefact]  # by id, sorted
    licence_urls: Mapping[str, str]  # LicenseRef- id -> URL
    created: str

    @property
    def model(self) -> Model:
        return self.models[0]

    def datasets_of(self, model: Model) -> list[str]:
        """The datasets the model lists under ``datasets`` or its runs trained on, each once."""
        listed = [a for c, ids in model.components if c == "datasets" for a in ids]
        return list(dict.fromkeys([*listed, *(d for run in model.runs for d in run.datasets)]))


def inventory(world: World, model_id: str) -> Inventory:
    """The inventory of ``model_id``; :class:`UnknownModel` if the world lacks it."""
    if model_id not in world.models:
        raise UnknownModel(model_id)
    catalogue = catalogue_for(world)
    subjects = closure_subjects(world, model_id)
    artefacts = {
        artefact_id: _artefact(world, world.artefacts[artefact_id], catalogue)
        for artefact_id in sorted(subjects & set(world.artefacts))
    }
    models = [_model(world, facts, artefacts) for facts in _lineage(world, model_id)]
    return Inventory(
        models=tuple(models),
        artefacts=artefacts,
        licence_urls=_licence_urls(world, artefacts.values(), catalogue),
        created=_created(world, world.models[model_id]),
    )


def usable_uri(uri: str | None) -> str | None:
    """``uri`` when it is an absolute http(s) URL both formats accept, else None."""
    return uri if uri is not None and _USABLE_URI.fullmatch(uri) else None


def to_the_second(time: str) -> str:
    """A statement time (``…:SS[.fraction]Z``) without its fraction, as SPDX wants it."""
    return _FRACTION.sub("Z", time)


def _lineage(world: World, model_id: str) -> list[ModelFacts]:
    chain: list[ModelFacts] = []
    model: ModelFacts | None = world.models[model_id]
    while model is not None and model not in chain:
        chain.append(model)
        model = world.models.get(model.base_model) if model.base_model else None
    return chain


def _data(world: World, event_id: str) -> Mapping[str, Any]:
    recorded = world.events.get(event_id)
    return recorded.statement.data if recorded is not None else {}


def _supplier(world: World, event_id: str) -> str | None:
    recorded = world.events.get(event_id)
    signer = world.signers.get(recorded.author) if recorded is not None else None
    return signer.organisation if signer is not None and signer.organisation else None


def _artefact(world: World, facts: ArtefactFacts, catalogue: LicenceCatalogue) -> Artefact:
    registered = _data(world, facts.event_id)
    grants = [normalise(grant.licence, catalogue) for grant in facts.grants_in_force()]
    return Artefact(
        id=facts.id,
        kind=facts.kind,
        component=facts.component,
        name=facts.name,
        version=registered.get("version"),
        uri=registered.get("uri"),
        digest=facts.digest,
        availability=facts.availability,
        supplier=_supplier(world, facts.event_id),
        licence=any_of(grants),
        sources=tuple(
            Source(
                s.source,
                s.name,
                _data(world, s.event_id).get("uri"),
                normalise(s.licence, catalogue) if s.licence else None,
                s.rights,
                s.share,
            )
            for s in facts.sources.values()
        ),
        layers=tuple(
            Layer(layer.layer, layer.name, layer.vendor, normalise(layer.licence, catalogue))
            for layer in facts.layers
        ),
        derived_from=tuple(facts.derived_from),
        processing_code=tuple(facts.processing_code),
    )


def _model(world: World, facts: ModelFacts, artefacts: Mapping[str, Artefact]) -> Model:
    release = world.events.get(facts.event_id)
    components = tuple(
        (component, tuple(a for a in ids if a in artefacts))
        for component, ids in facts.components.items()
    )
    runs = tuple(
        _run(world, world.runs[run_id], artefacts)
        for run_id in facts.training_runs
        if run_id in world.runs
    )
    final = [artefacts[a] for c, ids in components if c == "model-parameters" for a in ids]
    return Model(
        id=facts.id,
        name=facts.name,
        version=facts.version,
        released_at=to_the_second(release.statement.effective_at) if release else EPOCH,
        supplier=_supplier(world, facts.event_id),
        components=tuple((c, ids) for c, ids in components if ids),
        runs=runs,
        base_model=facts.base_model if facts.base_model in world.models else None,
        parameters_licence=_all_licences(final),
    )


def _all_licences(parameters: list[Artefact]) -> str | None:
    """The final parameters' licences joined with AND (a user needs them all). One artefact's
    is itself, even NOASSERTION/NONE or None; among several, one of those makes the whole
    NOASSERTION, since AND has no meaning for them."""
    licences = [p.licence for p in parameters]
    if len(licences) == 1:
        return licences[0]
    if any(licence is None or special(licence) for licence in licences):
        return "NOASSERTION"
    return all_of(licence for licence in licences if licence is not None)


def _run(world: World, facts: RunFacts, artefacts: Mapping[str, Artefact]) -> Run:
    def known(ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(i for i in ids if i in artefacts)

    data = _data(world, facts.event_id)
    parts = [
        ("produced", ", ".join(known(facts.produced))),
        ("datasets", ", ".join(known(facts.datasets))),
        ("code", ", ".join(known(facts.code))),
        ("hardware", ", ".join(known(facts.hardware))),
        ("base parameters", facts.base_parameters or ""),
        ("started", data.get("started_at", "")),
        ("finished", data.get("finished_at", "")),
        ("compute", json.dumps(data["compute"], sort_keys=True) if "compute" in data else ""),
    ]
    base = facts.base_parameters if facts.base_parameters in artefacts else None
    return Run(
        id=facts.id,
        code=known(facts.code),
        datasets=known(facts.datasets),
        hardware=known(facts.hardware),
        produced=known(facts.produced),
        base_parameters=base,
        summary=f"{facts.id}: " + "; ".join(f"{key} {value}" for key, value in parts if value),
    )


def _licence_urls(
    world: World, artefacts: Iterable[Artefact], catalogue: LicenceCatalogue
) -> dict[str, str]:
    granted: dict[str, str] = {}
    expressions: list[str] = []
    for artefact in artefacts:
        facts = world.artefacts[artefact.id]
        for grant in facts.grants_in_force():
            if grant.uri and usable_uri(grant.uri):
                granted.setdefault(normalise(grant.licence, catalogue), grant.uri)
        expressions += [artefact.licence] if artefact.licence else []
        expressions += [s.licence for s in artefact.sources if s.licence]
        expressions += [layer.licence for layer in artefact.layers]
    urls: dict[str, str] = {}
    for ref in sorted({ref for e in expressions for ref in licence_refs(e)}):
        entry = catalogue.lookup(ref)
        url = usable_uri(entry.uri if entry is not None else None) or granted.get(ref)
        if url is not None:
            urls[ref] = url
    return urls


def _created(world: World, model: ModelFacts) -> str:
    release = world.events.get(model.event_id)
    return to_the_second(release.statement.issued_at) if release is not None else EPOCH
