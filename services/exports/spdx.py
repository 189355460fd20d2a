"""SPDX 3.0.1 JSON-LD export of one model version (Core, Software, AI, Dataset, SimpleLicensing).

:func:`spdx_document` renders the format-neutral inventory (:mod:`services.exports.inventory`)
and the assessment's verdicts; :data:`SPDX_MAPPING` says what happens to every ledger field.
Deterministic: the same world, model, assessment and bundle URL give the same document. The
``created`` time is the release statement's ``issued_at`` (1970-01-01T00:00:00Z if unknown).
"""

from __future__ import annotations

from typing import Any

from domain.assessment.world import World
from services.exports.identity import document_uuid
from services.exports.inventory import Inventory, inventory
from services.exports.mapping import (
    APPROXIMATED,
    CARRIED,
    LEFT_TO_THE_BUNDLE,
    FieldMapping,
)
from services.exports.spdx_elements import artefact_element, lineage_relationships, model_element
from services.exports.spdx_graph import CREATION_INFO, SpdxGraph
from services.exports.verdicts import verdict_properties

SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPDX_MEDIA_TYPE = "application/spdx+json"
NAMESPACE_BASE = "https://provenance-ledger.dev/spdx/"
PROFILES = ["core", "software", "ai", "dataset", "simpleLicensing", "expandedLicensing"]
SPDX_MAPPING: tuple[FieldMapping, ...] = (
    FieldMapping(
        "model version id",
        "`ai_AIPackage` (root element) `externalIdentifier` (type other, issuer provenance-ledger)",
        CARRIED,
        "spdxId is `<namespace>model/<percent-encoded id>`; the namespace is a UUIDv5 of the "
        "bundle URL and the assessment",
    ),
    FieldMapping("ModelVersionReleased.name", "`name`", CARRIED, ""),
    FieldMapping("ModelVersionReleased.version", "`software_packageVersion`", CARRIED, ""),
    FieldMapping(
        "ModelVersionReleased.effective_at",
        "`releaseTime`",
        APPROXIMATED,
        "fraction of a second cut",
    ),
    FieldMapping(
        "ModelVersionReleased.issued_at",
        "`CreationInfo.created`",
        APPROXIMATED,
        "the document's creation time (fraction cut; 1970-01-01T00:00:00Z when the release "
        "statement is unknown): no clock is read",
    ),
    FieldMapping(
        "releasing signer's organisation",
        "`suppliedBy` → `Organization`",
        APPROXIMATED,
        "the organisation slug of the enrolment, not a display name",
    ),
    FieldMapping(
        "ModelVersionReleased.components",
        "a `Relationship` from the model per component (components with the same artefacts "
        "and type share one): datasets → `trainedOn`, evaluation-data → `testedOn`, "
        "model-card / data-card / technical-report / research-paper / evaluation-results → "
        "`hasDocumentation`, others → `contains`",
        APPROXIMATED,
        "the component name is in the relationship's `comment`",
    ),
    FieldMapping(
        "ModelVersionReleased.base_model",
        "`Relationship` `descendantOf` to the base model's `ai_AIPackage` (each base, any "
        "depth, exported like the model)",
        CARRIED,
        "verdicts are the exported model's only",
    ),
    FieldMapping(
        "final parameters' licences",
        "model `hasConcludedLicense` → their licences joined with AND",
        APPROXIMATED,
        "the ledger licenses artefacts, not model versions; NoAssertion when a parameters "
        "artefact has no grant",
    ),
    FieldMapping(
        "TrainingRunRecorded.datasets",
        "`Relationship` `trainedOn` from the model",
        CARRIED,
        "one per run; the run id is in the `comment`",
    ),
    FieldMapping(
        "TrainingRunRecorded.code, .hardware",
        "`LifecycleScopedRelationship` `usesTool` (scope build) from the model",
        APPROXIMATED,
        "SPDX 3.0.1 has no training-run element; the run id is in the `comment`",
    ),
    FieldMapping(
        "TrainingRunRecorded.base_parameters",
        "`Relationship` `descendantOf` from each produced artefact",
        CARRIED,
        "",
    ),
    FieldMapping(
        "TrainingRunRecorded.produced, .started_at, .finished_at, .compute",
        "`ai_informationAboutTraining` of the model (one line per run)",
        APPROXIMATED,
        "as text; compute as JSON",
    ),
    FieldMapping(
        "artefact id",
        "`externalIdentifier` (type other, issuer provenance-ledger)",
        CARRIED,
        "spdxId is `<namespace>artefact/<percent-encoded id>`",
    ),
    FieldMapping(
        "ArtefactRegistered.kind",
        "element type and `software_primaryPurpose`: parameters → `ai_AIPackage`/model, code "
        "→ `software_Package`/source, dataset → `dataset_DatasetPackage`/data, documentation "
        "→ `software_Package`/documentation, hardware → `software_Package`/device",
        APPROXIMATED,
        "SPDX 3.0.1 has no hardware or documentation element",
    ),
    FieldMapping(
        "ArtefactRegistered.component",
        "line `provenance-ledger:component=<component>` of the artefact's `Annotation` (other)",
        APPROXIMATED,
        "the artefact's primary role",
    ),
    FieldMapping("ArtefactRegistered.name", "`name`", CARRIED, ""),
    FieldMapping("ArtefactRegistered.version", "`software_packageVersion`", CARRIED, ""),
    FieldMapping(
        "ArtefactRegistered.uri",
        "`software_downloadLocation`",
        APPROXIMATED,
        "only an absolute http(s) URL; any other text goes to an annotation line "
        "`provenance-ledger:uri=<text>`",
    ),
    FieldMapping(
        "ArtefactRegistered.digest.sha256",
        "`verifiedUsing` `Hash` (sha256)",
        CARRIED,
        "",
    ),
    FieldMapping(
        "ArtefactRegistered.availability",
        "line `provenance-ledger:availability=<value>` of the artefact's `Annotation` (other)",
        APPROXIMATED,
        "no SPDX field has the ledger's five values",
    ),
    FieldMapping(
        "owner (registering signer's organisation)",
        "`suppliedBy` → `Organization`",
        APPROXIMATED,
        "the organisation slug",
    ),
    FieldMapping(
        "LicenceGranted.licence (grants in force)",
        "`Relationship` `hasDeclaredLicense` → `simplelicensing_LicenseExpression` "
        "(`simplelicensing_licenseListVersion` 3.29.0)",
        CARRIED,
        "several grants in force are alternatives: joined with OR",
    ),
    FieldMapping(
        "licence ids spelled otherwise",
        "`simplelicensing_licenseExpression`",
        APPROXIMATED,
        "case variants, ScanCode keys and Hugging Face ids are written as the catalogue id; "
        "unknown ids as recorded",
    ),
    FieldMapping(
        "`LicenseRef-` ids",
        "`simplelicensing_customIdToUri` (LicenseRef → URL)",
        CARRIED,
        "the catalogue's URL (built-in or LicenceDefined), else the grant's `uri`; a "
        "LicenseRef with neither stays unmapped",
    ),
    FieldMapping(
        "`NOASSERTION` / `NONE`",
        "`expandedlicensing_NoAssertionLicense` / `expandedlicensing_NoneLicense` individuals",
        CARRIED,
        "as the relationship target",
    ),
    FieldMapping(
        "no grant in force",
        "`hasDeclaredLicense` → `expandedlicensing_NoAssertionLicense`",
        APPROXIMATED,
        "the ledger has no licence statement in force; the assessment reads this as unknown",
    ),
    FieldMapping(
        "LicenceGranted.uri",
        "`simplelicensing_customIdToUri`",
        APPROXIMATED,
        "used only for a LicenseRef the catalogue has no URL for",
    ),
    FieldMapping(
        "DataSourceAdded",
        "`dataset_DatasetPackage` per source, `Relationship` `contains` from the dataset",
        APPROXIMATED,
        "SPDX has no data-source element",
    ),
    FieldMapping(
        "DataSourceAdded.name, .uri",
        "`name`, `software_homePage`",
        CARRIED,
        "a URI that is not an absolute http(s) URL is left out",
    ),
    FieldMapping(
        "DataSourceAdded.licence",
        "`hasDeclaredLicense` of the source",
        CARRIED,
        "no licence → NoAssertion",
    ),
    FieldMapping(
        "DataSourceAdded.rights",
        "line `provenance-ledger:rights=<value>` of the source's `Annotation`; personal-data "
        "also `dataset_hasSensitivePersonalInformation` yes (on the source and its dataset)",
        APPROXIMATED,
        "only personal data has an SPDX field",
    ),
    FieldMapping(
        "DataSourceAdded.share",
        "line `provenance-ledger:share=<value>` of the source's `Annotation`",
        APPROXIMATED,
        "SPDX has no share-of-dataset field",
    ),
    FieldMapping(
        "dataset type",
        "`dataset_datasetType` noAssertion",
        APPROXIMATED,
        "required by SPDX; the ledger does not record it",
    ),
    FieldMapping(
        "DatasetDerived.from",
        "`Relationship` `descendantOf` from the dataset",
        CARRIED,
        "",
    ),
    FieldMapping(
        "DatasetDerived.processing_code",
        "`Relationship` `generates` from the code to the dataset",
        CARRIED,
        "",
    ),
    FieldMapping(
        "HardwareStackDescribed.layers",
        "`software_Package` per layer, `Relationship` `contains` from the stack",
        APPROXIMATED,
        "primary purpose: accelerator → device, firmware → firmware, driver → deviceDriver, "
        "runtime → platform, library → library",
    ),
    FieldMapping("layer name, vendor", "`name`, `suppliedBy` → `Organization`", CARRIED, ""),
    FieldMapping("layer licence", "`hasDeclaredLicense` of the layer", CARRIED, ""),
    FieldMapping(
        "assessment freedoms.*.status",
        "line `provenance-ledger:freedom:<freedom>=<status>` of the model's review `Annotation`",
        CARRIED,
        "",
    ),
    FieldMapping(
        "assessment freedoms.*.conditions",
        "review annotation line `provenance-ledger:freedom:<freedom>:condition=<text>`",
        CARRIED,
        "one per condition",
    ),
    FieldMapping(
        "assessment freedoms.*.blockers",
        "review annotation line `provenance-ledger:freedom:<freedom>:blocker=<artefact "
        "(component, licence): reason>`",
        APPROXIMATED,
        "evidence event ids left out",
    ),
    FieldMapping(
        "assessment frameworks.osaid-1.0",
        "review annotation lines `provenance-ledger:osaid-1.0:conformant=true|false`, "
        "`…:unmet=<requirement: reason>`",
        APPROXIMATED,
        "the unmet requirements' artefact lists are left out",
    ),
    FieldMapping(
        "assessment frameworks.mof",
        "review annotation lines `provenance-ledger:mof:class=I|II|III|none`, `…:reading`, "
        "`…:unmet:<class>=<text>`",
        CARRIED,
        "",
    ),
    FieldMapping(
        "assessment frameworks.eu-ai-act",
        "review annotation lines `provenance-ledger:eu-ai-act:general-purpose=true|false|unknown`, "
        "`…:systemic-risk=`, `…:open-source-exemption=`, `…:unmet=<condition (status): reason>`, "
        "`…:obligation=`, `…:deadline=`",
        APPROXIMATED,
        "compute figures, thresholds, notes and evidence event ids are left to the bundle",
    ),
    FieldMapping(
        "assessment warnings",
        "review annotation line `provenance-ledger:warning=<reason>`",
        APPROXIMATED,
        "evidence event ids left out",
    ),
    FieldMapping(
        "assessment policy, as_of.position, at",
        "review annotation lines `provenance-ledger:policy`, `…:as-of-position`, `…:at`",
        CARRIED,
        "`at` only when set",
    ),
    FieldMapping(
        "provenance bundle URL",
        "model `externalRef` (type other, `contentType` "
        "application/vnd.provenance-ledger.bundle.v1+json)",
        CARRIED,
        "pinned to the assessment's position, with its `at` and policy",
    ),
    *LEFT_TO_THE_BUNDLE,
)


def spdx_document(
    world: World, model_id: str, assessment: dict[str, Any], bundle_url: str
) -> dict[str, Any]:
    """The SPDX 3.0.1 JSON-LD document of ``model_id`` (see :data:`SPDX_MAPPING`)."""
    found = inventory(world, model_id)
    namespace = f"{NAMESPACE_BASE}{document_uuid(bundle_url, assessment)}/"
    graph = SpdxGraph(namespace, dict(found.licence_urls))
    agent = graph.element(
        "SoftwareAgent", graph.iri("agent", "provenance-ledger"), name="provenance-ledger"
    )
    artefacts = {a.id: artefact_element(graph, a) for a in found.artefacts.values()}
    lineage_relationships(graph, found, artefacts)
    models = {m.id: graph.iri("model", m.id) for m in found.models}
    for model in found.models:
        bundle = bundle_url if model is found.model else None
        model_element(graph, found, model, models, artefacts, bundle)
    root = models[found.model.id]
    graph.annotate(root, verdict_properties(assessment), review=True)
    return {"@context": SPDX_CONTEXT, "@graph": _graph(graph, found, agent, root)}


def _graph(graph: SpdxGraph, found: Inventory, agent: str, root: str) -> list[dict[str, Any]]:
    items = [*graph.elements, *graph.relationships, *graph.annotations]
    creation = {
        "type": "CreationInfo",
        "@id": CREATION_INFO,
        "specVersion": "3.0.1",
        "created": found.created,
        "createdBy": [agent],
        "comment": "Exported by provenance-ledger from its signed statements; created is the "
        "release statement's time. The provenance bundle (the model's externalRef) carries the "
        "statements, their inclusion proofs and the signed assessment.",
    }
    model = found.model
    document = {
        "type": "SpdxDocument",
        "spdxId": graph.iri("document"),
        "creationInfo": CREATION_INFO,
        "name": f"SBOM of {model.name} {model.version} ({model.id})",
        "profileConformance": PROFILES,
        "rootElement": [root],
        "element": [item["spdxId"] for item in items],
    }
    return [creation, *items, document]
