"""CycloneDX 1.6 JSON export (ML-BOM) of one model version.

:func:`cyclonedx_bom` renders the format-neutral inventory (:mod:`services.exports.inventory`)
and the assessment's verdicts; :data:`CYCLONEDX_MAPPING` says what happens to every ledger
field. The model is ``metadata.component`` (a ``machine-learning-model`` with its
``modelCard``); artefacts, base models, datasets (``data``) and hardware are ``components``.
Deterministic: the serial number is a UUIDv5 of the bundle URL and the assessment, the
timestamp the release statement's ``issued_at`` (1970-01-01T00:00:00Z if unknown).
"""

from __future__ import annotations

from typing import Any

from domain.assessment.world import World
from services.exports.cyclonedx_components import (
    artefact_component,
    dependencies,
    model_component,
)
from services.exports.identity import document_uuid
from services.exports.inventory import inventory
from services.exports.mapping import (
    APPROXIMATED,
    CARRIED,
    LEFT_TO_THE_BUNDLE,
    FieldMapping,
)
from services.exports.verdicts import verdict_properties

CYCLONEDX_MEDIA_TYPE = "application/vnd.cyclonedx+json; version=1.6"
CYCLONEDX_SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"

CYCLONEDX_MAPPING: tuple[FieldMapping, ...] = (
    FieldMapping("model version id", "`metadata.component.bom-ref`", CARRIED, ""),
    FieldMapping("ModelVersionReleased.name", "`metadata.component.name`", CARRIED, ""),
    FieldMapping("ModelVersionReleased.version", "`metadata.component.version`", CARRIED, ""),
    FieldMapping(
        "ModelVersionReleased.effective_at",
        "property `provenance-ledger:released-at`",
        APPROXIMATED,
        "a component has no release-time field; fraction of a second cut",
    ),
    FieldMapping(
        "ModelVersionReleased.issued_at",
        "`metadata.timestamp`",
        APPROXIMATED,
        "the BOM's time (fraction cut; 1970-01-01T00:00:00Z when the release statement is "
        "unknown): no clock is read",
    ),
    FieldMapping(
        "releasing signer's organisation",
        "`supplier.name`",
        APPROXIMATED,
        "the organisation slug of the enrolment",
    ),
    FieldMapping(
        "ModelVersionReleased.components",
        "`dependencies` of the model; documentation components with a URL also as "
        "`externalReferences` (model-card → model-card, data-card / technical-report / "
        "research-paper → documentation)",
        APPROXIMATED,
        "which component lists an artefact is not kept, only the artefact's primary component"
        " (property below)",
    ),
    FieldMapping(
        "ModelVersionReleased.base_model",
        "a `machine-learning-model` component (each base, any depth, like the model), a "
        "dependency, `pedigree.ancestors` (name, version) and property "
        "`provenance-ledger:base-model`",
        CARRIED,
        "verdicts are the exported model's only",
    ),
    FieldMapping(
        "final parameters' licences",
        "model `licenses` (acknowledgement concluded), their licences joined with AND",
        APPROXIMATED,
        "the ledger licenses artefacts, not model versions",
    ),
    FieldMapping(
        "TrainingRunRecorded.datasets",
        "`modelCard.modelParameters.datasets` (refs to the `data` components) and `dependencies`",
        CARRIED,
        "evaluation-data datasets are listed there too",
    ),
    FieldMapping(
        "TrainingRunRecorded.code, .hardware",
        "`dependencies` of the model",
        APPROXIMATED,
        "no training-run structure",
    ),
    FieldMapping(
        "TrainingRunRecorded.base_parameters",
        "`dependencies`: each produced artefact depends on the base parameters",
        APPROXIMATED,
        "a dependency does not say fine-tuned from",
    ),
    FieldMapping(
        "TrainingRunRecorded.produced, .started_at, .finished_at, .compute",
        "`modelCard.properties` `provenance-ledger:training-run` (one line per run)",
        APPROXIMATED,
        "as text; compute as JSON",
    ),
    FieldMapping("artefact id", "`bom-ref`", CARRIED, ""),
    FieldMapping(
        "ArtefactRegistered.kind",
        "component `type`: parameters → machine-learning-model, code → application "
        "(supporting-libraries → library), dataset → data, documentation → file, hardware → "
        "device",
        APPROXIMATED,
        "CycloneDX has no documentation type; weights are typed as models",
    ),
    FieldMapping(
        "ArtefactRegistered.component",
        "property `provenance-ledger:component`",
        APPROXIMATED,
        "the artefact's primary role",
    ),
    FieldMapping("ArtefactRegistered.name", "`name` (datasets also `data[].name`)", CARRIED, ""),
    FieldMapping("ArtefactRegistered.version", "`version`", CARRIED, ""),
    FieldMapping(
        "ArtefactRegistered.uri",
        "`externalReferences` (code → vcs, parameters and dataset → distribution, "
        "documentation → documentation, hardware → website); datasets also "
        "`data[].contents.url`",
        APPROXIMATED,
        "only an absolute http(s) URL; any other text goes to property `provenance-ledger:uri`",
    ),
    FieldMapping("ArtefactRegistered.digest.sha256", "`hashes` (SHA-256)", CARRIED, ""),
    FieldMapping(
        "ArtefactRegistered.availability",
        "property `provenance-ledger:availability`",
        APPROXIMATED,
        "no CycloneDX field has the ledger's five values",
    ),
    FieldMapping(
        "owner (registering signer's organisation)",
        "`supplier.name`",
        APPROXIMATED,
        "the organisation slug",
    ),
    FieldMapping(
        "LicenceGranted.licence (grants in force)",
        "`licenses` (acknowledgement declared): one `expression`, or a single LicenseRef / "
        "NOASSERTION / NONE as a named `license`",
        CARRIED,
        "several grants in force are alternatives: joined with OR",
    ),
    FieldMapping(
        "licence ids spelled otherwise",
        "`licenses[].expression`",
        APPROXIMATED,
        "case variants, ScanCode keys and Hugging Face ids are written as the catalogue id; "
        "unknown ids as recorded",
    ),
    FieldMapping(
        "`LicenseRef-` ids",
        "`license.url` of a single LicenseRef; inside a compound expression, property "
        "`provenance-ledger:licence-url` (`<LicenseRef> <URL>`)",
        APPROXIMATED,
        "an SPDX expression has no place for URLs; the URL is the catalogue's, else the "
        "grant's `uri`",
    ),
    FieldMapping(
        "`NOASSERTION` / `NONE`",
        "`license.name` NOASSERTION / NONE",
        APPROXIMATED,
        "CycloneDX has no such values; a named licence keeps the word",
    ),
    FieldMapping(
        "no grant in force",
        "no `licenses`",
        APPROXIMATED,
        "CycloneDX reads a missing list as unknown",
    ),
    FieldMapping(
        "LicenceGranted.uri",
        "`license.url`",
        APPROXIMATED,
        "used only for a LicenseRef the catalogue has no URL for",
    ),
    FieldMapping(
        "DataSourceAdded",
        "nested `data` component of the dataset (`bom-ref` `<dataset>#source:<id>`, property "
        "`provenance-ledger:source`)",
        APPROXIMATED,
        "CycloneDX has no data-source element",
    ),
    FieldMapping(
        "DataSourceAdded.name, .uri",
        "`name`, `data[].name`; `externalReferences` (website), `data[].contents.url`",
        CARRIED,
        "a URI that is not an absolute http(s) URL is left out",
    ),
    FieldMapping(
        "DataSourceAdded.licence",
        "`licenses` (declared) of the source",
        CARRIED,
        "no licence, no list",
    ),
    FieldMapping(
        "DataSourceAdded.rights",
        "property `provenance-ledger:rights`; personal-data also `data[].sensitiveData` (on "
        "the source and its dataset)",
        APPROXIMATED,
        "only personal data has a CycloneDX field",
    ),
    FieldMapping(
        "DataSourceAdded.share",
        "property `provenance-ledger:share`",
        APPROXIMATED,
        "CycloneDX has no share-of-dataset field",
    ),
    FieldMapping(
        "DatasetDerived.from, .processing_code",
        "`dependencies` of the dataset",
        APPROXIMATED,
        "parents and processing code alike",
    ),
    FieldMapping(
        "HardwareStackDescribed.layers",
        "nested components of the stack (`bom-ref` `<stack>#layer:<n>`)",
        APPROXIMATED,
        "type: accelerator → device, firmware → firmware, driver → device-driver, runtime → "
        "platform, library → library",
    ),
    FieldMapping("layer name, vendor", "`name`, `supplier.name`", CARRIED, ""),
    FieldMapping("layer licence", "`licenses` (declared) of the layer", CARRIED, ""),
    FieldMapping(
        "assessment freedoms.*.status",
        "model property `provenance-ledger:freedom:<freedom>`",
        CARRIED,
        "",
    ),
    FieldMapping(
        "assessment freedoms.*.conditions",
        "model property `provenance-ledger:freedom:<freedom>:condition`",
        CARRIED,
        "one per condition",
    ),
    FieldMapping(
        "assessment freedoms.*.blockers",
        "model property `provenance-ledger:freedom:<freedom>:blocker` (`artefact (component, "
        "licence): reason`)",
        APPROXIMATED,
        "evidence event ids left out",
    ),
    FieldMapping(
        "assessment frameworks.osaid-1.0",
        "model properties `provenance-ledger:osaid-1.0:conformant` (true/false), `…:unmet` "
        "(`requirement: reason`)",
        APPROXIMATED,
        "the unmet requirements' artefact lists are left out",
    ),
    FieldMapping(
        "assessment frameworks.mof",
        "model properties `provenance-ledger:mof:class` (I/II/III/none), `…:reading`, "
        "`…:unmet:<class>`",
        CARRIED,
        "",
    ),
    FieldMapping(
        "assessment frameworks.eu-ai-act",
        "model properties `provenance-ledger:eu-ai-act:general-purpose` (true/false/unknown), "
        "`…:systemic-risk`, `…:open-source-exemption`, `…:unmet` (`condition (status): "
        "reason`), `…:obligation`, `…:deadline`",
        APPROXIMATED,
        "compute figures, thresholds, notes and evidence event ids are left to the bundle",
    ),
    FieldMapping(
        "assessment warnings",
        "model property `provenance-ledger:warning`",
        APPROXIMATED,
        "evidence event ids left out",
    ),
    FieldMapping(
        "assessment policy, as_of.position, at",
        "model properties `provenance-ledger:policy`, `…:as-of-position`, `…:at`",
        CARRIED,
        "`at` only when set",
    ),
    FieldMapping(
        "provenance bundle URL",
        "model `externalReferences` (type attestation)",
        CARRIED,
        "pinned to the assessment's position, with its `at` and policy",
    ),
    *LEFT_TO_THE_BUNDLE,
)


def cyclonedx_bom(
    world: World, model_id: str, assessment: dict[str, Any], bundle_url: str
) -> dict[str, Any]:
    """The CycloneDX 1.6 BOM of ``model_id`` (see :data:`CYCLONEDX_MAPPING`)."""
    found = inventory(world, model_id)
    model = model_component(found, found.model, verdict_properties(assessment))
    model["externalReferences"] = [
        _bundle_reference(bundle_url),
        *model.get("externalReferences", []),
    ]
    components = [model_component(found, base, []) for base in found.models[1:]]
    components += [artefact_component(found, a) for a in found.artefacts.values()]
    return {
        "$schema": CYCLONEDX_SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{document_uuid(bundle_url, assessment)}",
        "version": 1,
        "metadata": {
            "timestamp": found.created,
            "tools": {"components": [{"type": "application", "name": "provenance-ledger"}]},
            "component": model,
        },
        "components": components,
        "dependencies": dependencies(found),
    }


def _bundle_reference(bundle_url: str) -> dict[str, str]:
    return {
        "type": "attestation",
        "url": bundle_url,
        "comment": "provenance bundle (application/vnd.provenance-ledger.bundle.v1+json): the "
        "signed statements this BOM rests on, their inclusion proofs to a signed checkpoint, and "
        "the signed assessment",
    }
