"""The elements and relationships of the SPDX export (see ``services.exports.spdx``)."""

from __future__ import annotations

from typing import Any

from domain.bundle.verify import BUNDLE_MEDIA_TYPE
from services.exports.inventory import Artefact, Inventory, Model, usable_uri
from services.exports.spdx_graph import SpdxGraph, ledger_id
from services.exports.verdicts import PREFIX

KIND_TYPES = {  # ArtefactRegistered.kind -> (element type, software_primaryPurpose)
    "parameters": ("ai_AIPackage", "model"),
    "code": ("software_Package", "source"),
    "dataset": ("dataset_DatasetPackage", "data"),
    "documentation": ("software_Package", "documentation"),
    "hardware": ("software_Package", "device"),
}
LAYER_PURPOSES = {
    "accelerator": "device",
    "firmware": "firmware",
    "driver": "deviceDriver",
    "runtime": "platform",
    "library": "library",
}
DOCUMENTATION = ("model-card", "data-card", "technical-report", "research-paper")
COMPONENT_RELATIONSHIPS = {
    "datasets": "trainedOn",
    "evaluation-data": "testedOn",
    **dict.fromkeys((*DOCUMENTATION, "evaluation-results"), "hasDocumentation"),
}  # any other component: contains


def artefact_element(graph: SpdxGraph, artefact: Artefact) -> str:
    type_, purpose = KIND_TYPES.get(artefact.kind, ("software_Package", "other"))
    dataset: dict[str, Any] = {}
    if type_ == "dataset_DatasetPackage":
        dataset = {
            "dataset_datasetType": ["noAssertion"],
            "dataset_hasSensitivePersonalInformation": "yes" if artefact.personal_data else None,
        }
    iri = graph.element(
        type_,
        graph.iri("artefact", artefact.id),
        name=artefact.name,
        software_packageVersion=artefact.version,
        software_primaryPurpose=purpose,
        software_downloadLocation=usable_uri(artefact.uri),
        verifiedUsing=_sha256(artefact.digest),
        suppliedBy=graph.organisation(artefact.supplier),
        externalIdentifier=ledger_id(artefact.id),
        **dataset,
    )
    graph.declare_licence(iri, artefact.licence)
    pairs = [(PREFIX + "component", artefact.component)] if artefact.component else []
    pairs.append((PREFIX + "availability", artefact.availability))
    if artefact.uri and not usable_uri(artefact.uri):
        pairs.append((PREFIX + "uri", artefact.uri))
    graph.annotate(iri, pairs)
    sources = [_source(graph, artefact, index) for index in range(len(artefact.sources))]
    graph.relate(iri, "contains", sources, comment="data sources")
    layers = [_layer(graph, artefact, index) for index in range(len(artefact.layers))]
    graph.relate(iri, "contains", layers, comment="hardware stack layers")
    return iri


def _source(graph: SpdxGraph, dataset: Artefact, index: int) -> str:
    source = dataset.sources[index]
    personal = source.rights == "personal-data"
    iri = graph.element(
        "dataset_DatasetPackage",
        graph.iri("source", dataset.id, source.id),
        name=source.name,
        software_primaryPurpose="data",
        software_homePage=usable_uri(source.uri),
        dataset_datasetType=["noAssertion"],
        dataset_hasSensitivePersonalInformation="yes" if personal else None,
        externalIdentifier=ledger_id(source.id),
    )
    graph.declare_licence(iri, source.licence)
    pairs = [(PREFIX + "rights", source.rights)]
    if source.share is not None:
        pairs.append((PREFIX + "share", repr(source.share)))
    graph.annotate(iri, pairs)
    return iri


def _layer(graph: SpdxGraph, stack: Artefact, index: int) -> str:
    layer = stack.layers[index]
    iri = graph.element(
        "software_Package",
        graph.iri("layer", stack.id, str(index)),
        name=layer.name,
        software_primaryPurpose=LAYER_PURPOSES.get(layer.layer, "other"),
        suppliedBy=graph.organisation(layer.vendor),
    )
    graph.declare_licence(iri, layer.licence)
    return iri


def lineage_relationships(graph: SpdxGraph, found: Inventory, artefacts: dict[str, str]) -> None:
    for artefact in found.artefacts.values():
        parents = [artefacts[p] for p in artefact.derived_from if p in artefacts]
        graph.relate(artefacts[artefact.id], "descendantOf", parents, comment="derived dataset")
        for code in artefact.processing_code:
            if code in artefacts:
                graph.relate(artefacts[code], "generates", [artefacts[artefact.id]])


def model_element(
    graph: SpdxGraph,
    found: Inventory,
    model: Model,
    models: dict[str, str],
    artefacts: dict[str, str],
    bundle_url: str | None,
) -> None:
    iri = graph.element(
        "ai_AIPackage",
        models[model.id],
        name=model.name,
        software_packageVersion=model.version,
        software_primaryPurpose="model",
        releaseTime=model.released_at,
        suppliedBy=graph.organisation(model.supplier),
        externalIdentifier=ledger_id(model.id),
        externalRef=_bundle_reference(bundle_url),
        ai_informationAboutTraining="\n".join(run.summary for run in model.runs) or None,
    )
    graph.declare_licence(iri, model.parameters_licence, concluded=True)
    listed: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for component, ids in model.components:
        key = (COMPONENT_RELATIONSHIPS.get(component, "contains"), ids)
        listed.setdefault(key, []).append(component)
    for (relationship, ids), components in listed.items():
        note = "component " + ", ".join(components)
        graph.relate(iri, relationship, [artefacts[a] for a in ids], note)
    for run in model.runs:
        note = f"training run {run.id}"
        graph.relate(iri, "trainedOn", [artefacts[d] for d in run.datasets], note)
        tools = [artefacts[a] for a in (*run.code, *run.hardware)]
        graph.relate(iri, "usesTool", tools, note, scope="build")
        if run.base_parameters:
            for produced in run.produced:
                base = [artefacts[run.base_parameters]]
                graph.relate(artefacts[produced], "descendantOf", base, note)
    if model.base_model:
        graph.relate(iri, "descendantOf", [models[model.base_model]], "base model")


def _bundle_reference(bundle_url: str | None) -> list[dict[str, Any]]:
    if bundle_url is None:
        return []
    return [
        {
            "type": "ExternalRef",
            "externalRefType": "other",
            "locator": [bundle_url],
            "contentType": BUNDLE_MEDIA_TYPE,
            "comment": "provenance bundle: the signed statements this export rests on, their "
            "inclusion proofs to a signed checkpoint, and the signed assessment",
        }
    ]


def _sha256(digest: str | None) -> list[dict[str, str]]:
    if digest is None:
        return []
    return [{"type": "Hash", "algorithm": "sha256", "hashValue": digest}]
