"""CycloneDX 1.6 components of an inventory: models, artefacts, data sources, hardware layers.

``bom-ref`` is the ledger id (models, artefacts), ``<dataset>#source:<id>`` for a data source
and ``<stack>#layer:<n>`` for a hardware layer. Empty fields are left out.
"""

from __future__ import annotations

from typing import Any

from services.exports.inventory import Artefact, Inventory, Model, usable_uri
from services.exports.licensing import licence_refs, special
from services.exports.verdicts import PREFIX

KIND_TYPES = {
    "parameters": "machine-learning-model",
    "code": "application",
    "dataset": "data",
    "documentation": "file",
    "hardware": "device",
}
LAYER_TYPES = {
    "accelerator": "device",
    "firmware": "firmware",
    "driver": "device-driver",
    "runtime": "platform",
    "library": "library",
}
URI_REFERENCES = {  # kind -> externalReference type of its uri
    "code": "vcs",
    "parameters": "distribution",
    "dataset": "distribution",
    "documentation": "documentation",
    "hardware": "website",
}
DOCUMENT_REFERENCES = {
    "model-card": "model-card",
    "data-card": "documentation",
    "technical-report": "documentation",
    "research-paper": "documentation",
}


def properties(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def licenses(expression: str | None, acknowledgement: str, urls: dict[str, str]) -> Any:
    """A CycloneDX ``licenses`` list: a single LicenseRef (with its URL) or NOASSERTION/NONE
    as a named licence, anything else as one SPDX expression; no expression, no list."""
    if expression is None:
        return []
    name = special(expression) or (expression if licence_refs(expression) == [expression] else None)
    if name is None:
        return [{"expression": expression, "acknowledgement": acknowledgement}]
    licence = {"name": name, "acknowledgement": acknowledgement, "url": urls.get(name)}
    return [{"license": _present(licence)}]


def licence_url_properties(expression: str | None, urls: dict[str, str]) -> list[tuple[str, str]]:
    """``LicenseRef-`` URLs of a compound expression (an expression has no place for them)."""
    if expression is None or licence_refs(expression) == [expression]:
        return []
    refs = [ref for ref in licence_refs(expression) if ref in urls]
    return [(PREFIX + "licence-url", f"{ref} {urls[ref]}") for ref in refs]


def model_component(found: Inventory, model: Model, extra: list[tuple[str, str]]) -> Any:
    urls = dict(found.licence_urls)
    datasets = [{"ref": d} for d in found.datasets_of(model)]
    datasets += [{"ref": a} for c, ids in model.components if c == "evaluation-data" for a in ids]
    card = {
        "modelParameters": {"datasets": _unique(datasets)} if datasets else None,
        "properties": properties([(PREFIX + "training-run", r.summary) for r in model.runs]),
    }
    pairs = [(PREFIX + "released-at", model.released_at)]
    if model.base_model:
        pairs.append((PREFIX + "base-model", model.base_model))
    pairs += licence_url_properties(model.parameters_licence, urls)
    return _present(
        {
            "type": "machine-learning-model",
            "bom-ref": model.id,
            "supplier": {"name": model.supplier} if model.supplier else None,
            "name": model.name,
            "version": model.version,
            "licenses": licenses(model.parameters_licence, "concluded", urls),
            "externalReferences": _documents(found, model),
            "pedigree": _ancestors(found, model),
            "modelCard": _present(card),
            "properties": properties(pairs + extra),
        }
    )


def artefact_component(found: Inventory, artefact: Artefact) -> Any:
    urls = dict(found.licence_urls)
    type_ = KIND_TYPES.get(artefact.kind, "application")
    if artefact.kind == "code" and artefact.component == "supporting-libraries":
        type_ = "library"
    uri = usable_uri(artefact.uri)
    pairs = [(PREFIX + "component", artefact.component)] if artefact.component else []
    pairs.append((PREFIX + "availability", artefact.availability))
    if artefact.uri and uri is None:
        pairs.append((PREFIX + "uri", artefact.uri))
    pairs += licence_url_properties(artefact.licence, urls)
    reference = URI_REFERENCES.get(artefact.kind, "other")
    nested = [_source(found, artefact, i) for i in range(len(artefact.sources))]
    nested += [_layer(found, artefact, i) for i in range(len(artefact.layers))]
    return _present(
        {
            "type": type_,
            "bom-ref": artefact.id,
            "supplier": {"name": artefact.supplier} if artefact.supplier else None,
            "name": artefact.name,
            "version": artefact.version,
            "hashes": [{"alg": "SHA-256", "content": artefact.digest}] if artefact.digest else [],
            "licenses": licenses(artefact.licence, "declared", urls),
            "externalReferences": [{"type": reference, "url": uri}] if uri else [],
            "data": [_data(artefact.name, uri, artefact.personal_data)] if type_ == "data" else [],
            "components": nested,
            "properties": properties(pairs),
        }
    )


def dependencies(found: Inventory) -> list[dict[str, Any]]:
    """The dependency graph: each model on its listed artefacts, its runs' code, datasets and
    hardware and its base model; produced artefacts on their base parameters; datasets on
    their lineage. Only refs with dependencies get an entry."""
    edges: dict[str, list[str]] = {}
    for model in found.models:
        needs = edges.setdefault(model.id, [])
        needs += [a for _, ids in model.components for a in ids]
        for run in model.runs:
            needs += [*run.code, *run.datasets, *run.hardware]
        needs += [model.base_model] if model.base_model else []
    for model in found.models:
        for run in model.runs:
            if run.base_parameters is not None:
                for produced in run.produced:
                    edges.setdefault(produced, []).append(run.base_parameters)
    for artefact in found.artefacts.values():
        lineage = (*artefact.derived_from, *artefact.processing_code)
        parents = [a for a in lineage if a in found.artefacts]
        if parents:
            edges.setdefault(artefact.id, []).extend(parents)
    return [
        {"ref": ref, "dependsOn": list(dict.fromkeys(d for d in needs if d != ref))}
        for ref, needs in edges.items()
    ]


def _source(found: Inventory, dataset: Artefact, index: int) -> Any:
    source = dataset.sources[index]
    uri = usable_uri(source.uri)
    pairs = [(PREFIX + "rights", source.rights)]
    if source.share is not None:
        pairs.append((PREFIX + "share", repr(source.share)))
    pairs += licence_url_properties(source.licence, dict(found.licence_urls))
    return _present(
        {
            "type": "data",
            "bom-ref": f"{dataset.id}#source:{source.id}",
            "name": source.name,
            "licenses": licenses(source.licence, "declared", dict(found.licence_urls)),
            "externalReferences": [{"type": "website", "url": uri}] if uri else [],
            "data": [_data(source.name, uri, source.rights == "personal-data")],
            "properties": properties([(PREFIX + "source", source.id), *pairs]),
        }
    )


def _layer(found: Inventory, stack: Artefact, index: int) -> Any:
    layer = stack.layers[index]
    return _present(
        {
            "type": LAYER_TYPES.get(layer.layer, "device"),
            "bom-ref": f"{stack.id}#layer:{index}",
            "supplier": {"name": layer.vendor},
            "name": layer.name,
            "licenses": licenses(layer.licence, "declared", dict(found.licence_urls)),
            "properties": properties(
                licence_url_properties(layer.licence, dict(found.licence_urls))
            ),
        }
    )


def _data(name: str, uri: str | None, personal: bool) -> Any:
    return _present(
        {
            "type": "dataset",
            "name": name,
            "contents": {"url": uri} if uri else None,
            "sensitiveData": ["personal data"] if personal else [],
        }
    )


def _documents(found: Inventory, model: Model) -> list[dict[str, str]]:
    """References to the model's documentation with a URL; one per type and URL."""
    notes: dict[tuple[str, str], list[str]] = {}
    for component, ids in model.components:
        for artefact_id in ids:
            uri = usable_uri(found.artefacts[artefact_id].uri)
            if component in DOCUMENT_REFERENCES and uri:
                key = (DOCUMENT_REFERENCES[component], uri)
                notes.setdefault(key, []).append(f"{component}: {artefact_id}")
    return [
        {"type": kind, "url": uri, "comment": "; ".join(comments)}
        for (kind, uri), comments in notes.items()
    ]


def _ancestors(found: Inventory, model: Model) -> Any:
    if model.base_model is None:
        return None
    base = next(m for m in found.models if m.id == model.base_model)
    return {
        "ancestors": [
            {"type": "machine-learning-model", "name": base.name, "version": base.version}
        ]
    }


def _unique(items: list[dict[str, str]]) -> list[dict[str, str]]:
    return list({item["ref"]: item for item in items}.values())


def _present(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` without its None and empty-list values."""
    return {k: v for k, v in item.items() if v is not None and v != []}
