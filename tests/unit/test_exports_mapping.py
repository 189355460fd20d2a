"""Every row of the SBOM exports' mapping tables holds on a small world (in memory), the docs
are generated from the tables, and the exports are deterministic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from domain.assessment.report import UnknownModel
from domain.assessment.world import World
from domain.bundle.verify import BUNDLE_MEDIA_TYPE
from domain.licences.catalogue import LicenceCatalogue
from domain.rejections import Rejection, RejectionKind
from services.exports import (
    CYCLONEDX_MAPPING,
    FORMATS,
    SPDX_MAPPING,
    bundle_url,
    cyclonedx_bom,
    export_format,
    spdx_document,
)
from services.exports.docs import sbom_export_markdown
from services.exports.inventory import usable_uri
from services.exports.licensing import any_of, normalise
from services.exports.mapping import TREATMENTS, FieldMapping, markdown_table
from services.exports.verdicts import verdict_properties
from tests.assessment_builders import PUBLISHER, LedgerBuilder
from tests.rejection_cases import LICENCE_TERMS

ROOT = Path(__file__).resolve().parents[2]
# --- a small world that exercises every row of the mapping tables ----------------------------

MODEL, BASE = "m@1", "b@1"
WEIGHTS, BASE_WEIGHTS, CODE, CARD, PAPER = "m/weights", "b/weights", "m/code", "m/card", "m/paper"
DATA, RAW, EVAL, HW, RUN = "m/data", "m/raw", "m/eval", "m/hw", "m/run"
DIGEST = "ab" * 32
RELEASED_AT, ISSUED_AT = "2024-02-01T00:00:00.5Z", "2024-02-03T04:05:06.789Z"
BUNDLE_URL = "https://ledger.example/v1/models/m@1/bundle?policy=default&as_of=99"
DEFINED_NAME = "Acme Licence One"
LAYERS = [
    ("accelerator", "Chip X", "ChipCo", "LicenseRef-Proprietary"),
    ("firmware", "Chip X firmware", "ChipCo", "LicenseRef-Proprietary"),
    ("driver", "Chip X driver", "ChipCo", "LicenseRef-NVIDIA-CUDA-EULA"),
    ("runtime", "X runtime", "ChipCo", "LicenseRef-NVIDIA-CUDA-EULA"),
    ("library", "X kernels", "Kernel Folk", "MIT"),
]


def _register(b: LedgerBuilder, artefact: str, kind: str, **data: Any) -> None:
    b.add("ArtefactRegistered", artefact, {"kind": kind, "name": f"{artefact} name", **data})


def small_world() -> LedgerBuilder:
    b = LedgerBuilder().enrol(PUBLISHER, "acme")
    b.add("LicenceDefined", "LicenseRef-Acme-1", _definition())
    _register(b, BASE_WEIGHTS, "parameters", component="model-parameters", availability="public")
    b.grant(BASE_WEIGHTS, "llama2")  # a Hugging Face id for LicenseRef-Llama-2-Community
    b.model(BASE, {"model-parameters": [BASE_WEIGHTS]})
    _register(
        b,
        WEIGHTS,
        "parameters",
        component="model-parameters",
        availability="gated",
        version="v1",
        uri="https://example.org/w",
        digest={"sha256": DIGEST},
    )
    b.grant(WEIGHTS, "apache-2.0").grant(WEIGHTS, "MIT")
    _register(b, CODE, "code", component="training-code", availability="public", uri="not a uri")
    b.grant(CODE, "LicenseRef-Acme-1")
    _register(b, CARD, "documentation", component="model-card", availability="public")
    b.grant(CARD, "NONE")
    paper = {"component": "technical-report", "uri": "https://example.org/paper"}
    _register(b, PAPER, "documentation", availability="public", **paper)
    b.grant(PAPER, "CC-BY-4.0").withdraw(PAPER, "CC-BY-4.0")
    _register(b, RAW, "dataset", component="datasets", availability="public")
    b.grant(RAW, "NOASSERTION")
    _register(b, DATA, "dataset", component="datasets", availability="described")
    b.add("DataSourceAdded", DATA, _source("s1", licence="CC-BY-4.0", rights="licensed"))
    b.add("DataSourceAdded", DATA, _source("s2", rights="personal-data"))
    b.derive(DATA, [RAW], processing_code=CODE)
    _register(b, EVAL, "dataset", component="evaluation-data", availability="public")
    b.add("LicenceGranted", EVAL, {"licence": "LicenseRef-Eval-Terms", "uri": "https://e.org/t"})
    _register(b, HW, "hardware", availability="described")
    b.stack(HW, LAYERS)
    b.add("TrainingRunRecorded", RUN, _run())
    components = {
        "model-parameters": [WEIGHTS],
        "training-code": [CODE],
        "model-card": [CARD],
        "technical-report": [PAPER],
        "datasets": [DATA],
        "evaluation-data": [EVAL],
    }
    b.model(MODEL, components, [RUN], BASE, effective_at=RELEASED_AT, issued_at=ISSUED_AT)
    return b.claim(DATA, "artefact-unavailable")


def _definition() -> dict[str, Any]:
    terms = LICENCE_TERMS
    return {"name": DEFINED_NAME, "uri": "https://acme.example/licence-1", "terms": terms}


def _source(source: str, **data: Any) -> dict[str, Any]:
    uri = {"uri": f"https://{source}.example/"} if source == "s1" else {}
    share = {"share": 0.5} if source == "s1" else {}
    return {"source": source, "name": f"source {source}", **uri, **share, **data}


def _run() -> dict[str, Any]:
    return {
        "code": [CODE],
        "datasets": [DATA],
        "hardware": [HW],
        "produced": [WEIGHTS],
        "base_parameters": BASE_WEIGHTS,
        "started_at": "2024-01-01T00:00:00Z",
        "compute": {"gpu_hours": 10},
    }


def world_and_assessment() -> tuple[World, dict[str, Any], LedgerBuilder]:
    builder = small_world()
    return builder.world(), builder.assess(MODEL), builder


WORLD, ASSESSMENT, BUILDER = world_and_assessment()
SPDX = spdx_document(WORLD, MODEL, ASSESSMENT, BUNDLE_URL)
CDX = cyclonedx_bom(WORLD, MODEL, ASSESSMENT, BUNDLE_URL)
PROPERTIES = verdict_properties(ASSESSMENT)
LLAMA_URL = "https://ai.meta.com/llama/license/"


# --- reading an SPDX document --------------------------------------------------------------


class Spdx:
    def __init__(self, document: dict[str, Any]) -> None:
        self.graph: list[dict[str, Any]] = document["@graph"]
        self.by_iri = {item["spdxId"]: item for item in self.graph if "spdxId" in item}
        self.text = json.dumps(document)

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [item for item in self.graph if item["type"] == type_]

    @property
    def root(self) -> dict[str, Any]:
        root: dict[str, Any] = self.by_iri[self.of_type("SpdxDocument")[0]["rootElement"][0]]
        return root

    def element(self, ledger_id: str) -> dict[str, Any]:
        found = [
            item
            for item in self.graph
            if any(i["identifier"] == ledger_id for i in item.get("externalIdentifier", []))
        ]
        assert len(found) == 1, ledger_id
        return found[0]

    def iri(self, ledger_id: str) -> str:
        iri: str = self.element(ledger_id)["spdxId"]
        return iri

    def relationships(self, source: str, type_: str) -> list[dict[str, Any]]:
        return [
            r
            for r in self.graph
            if r["type"].endswith("Relationship")
            and r["from"] == source
            and r["relationshipType"] == type_
        ]

    def targets(self, source: str, type_: str) -> set[str]:
        return {t for r in self.relationships(source, type_) for t in r["to"]}

    def licence(self, source: str, concluded: bool = False) -> str:
        type_ = "hasConcludedLicense" if concluded else "hasDeclaredLicense"
        [target] = self.targets(source, type_)
        item = self.by_iri.get(target)
        return target if item is None else str(item["simplelicensing_licenseExpression"])

    def licence_element(self, expression: str) -> dict[str, Any]:
        [item] = [
            i
            for i in self.of_type("simplelicensing_LicenseExpression")
            if i["simplelicensing_licenseExpression"] == expression
        ]
        return item

    def lines(self, subject: str) -> list[str]:
        return [
            line
            for a in self.of_type("Annotation")
            if a["subject"] == subject
            for line in a["statement"].split("\n")
        ]

    def review_lines(self) -> list[str]:
        [review] = [a for a in self.of_type("Annotation") if a["annotationType"] == "review"]
        assert review["subject"] == self.root["spdxId"]
        lines: list[str] = review["statement"].split("\n")
        return lines


S = Spdx(SPDX)


def _lines(prefix: str) -> list[str]:
    return [f"{n}={v}" for n, v in PROPERTIES if n.startswith("provenance-ledger:" + prefix)]


def _eu_lines(exported: list[str]) -> None:
    """The EU AI Act verdict is exported, line for line, with its status and obligations."""
    lines = _lines("eu-ai-act")
    assert "provenance-ledger:eu-ai-act:open-source-exemption=" in " ".join(lines)
    assert any(line.startswith("provenance-ledger:eu-ai-act:obligation=") for line in lines)
    _sublist(lines, exported)


def _agent_name(iri: str) -> str:
    agent = S.by_iri[iri]
    assert agent["type"] == "Organization"
    return str(agent["name"])


def _spdx_model() -> None:
    assert S.root["type"] == "ai_AIPackage"
    assert S.root["externalIdentifier"][0]["identifier"] == MODEL
    assert S.root["spdxId"].endswith("model/" + quote(MODEL, safe=""))


def _spdx_components() -> None:
    root = S.root["spdxId"]
    expected = {
        "trainedOn": {DATA},
        "testedOn": {EVAL},
        "hasDocumentation": {CARD, PAPER},
        "contains": {WEIGHTS, CODE},
    }
    for type_, ids in expected.items():
        listed = [r for r in S.relationships(root, type_) if r["comment"].startswith("component")]
        assert {t for r in listed for t in r["to"]} == {S.iri(i) for i in ids}, type_
    [card] = [r for r in S.relationships(root, "hasDocumentation") if S.iri(CARD) in r["to"]]
    assert card["comment"] == "component model-card"


def _spdx_run_tools() -> None:
    [uses] = S.relationships(S.root["spdxId"], "usesTool")
    assert uses["type"] == "LifecycleScopedRelationship"
    assert uses["scope"] == "build"
    assert set(uses["to"]) == {S.iri(CODE), S.iri(HW)}
    assert uses["comment"] == f"training run {RUN}"


def _spdx_kinds() -> None:
    expected = {
        WEIGHTS: ("ai_AIPackage", "model"),
        CODE: ("software_Package", "source"),
        DATA: ("dataset_DatasetPackage", "data"),
        CARD: ("software_Package", "documentation"),
        HW: ("software_Package", "device"),
    }
    for artefact, (type_, purpose) in expected.items():
        element = S.element(artefact)
        assert (element["type"], element["software_primaryPurpose"]) == (type_, purpose)


def _spdx_uri() -> None:
    assert S.element(WEIGHTS)["software_downloadLocation"] == "https://example.org/w"
    assert "software_downloadLocation" not in S.element(CODE)
    assert "provenance-ledger:uri=not a uri" in S.lines(S.iri(CODE))


def _spdx_licence_refs() -> None:
    def urls(expression: str) -> dict[str, str]:
        entries = S.licence_element(expression).get("simplelicensing_customIdToUri", [])
        return {e["key"]: e["value"] for e in entries}

    assert urls("LicenseRef-Llama-2-Community") == {"LicenseRef-Llama-2-Community": LLAMA_URL}
    assert urls("LicenseRef-Acme-1") == {"LicenseRef-Acme-1": "https://acme.example/licence-1"}
    assert urls("LicenseRef-Proprietary") == {}  # no URL anywhere


def _spdx_sources() -> None:
    sources = S.targets(S.iri(DATA), "contains")
    assert sources == {S.iri("s1"), S.iri("s2")}
    assert {S.by_iri[s]["type"] for s in sources} == {"dataset_DatasetPackage"}


def _spdx_rights() -> None:
    assert "provenance-ledger:rights=licensed" in S.lines(S.iri("s1"))
    assert S.element("s2")["dataset_hasSensitivePersonalInformation"] == "yes"
    assert S.element(DATA)["dataset_hasSensitivePersonalInformation"] == "yes"
    assert "dataset_hasSensitivePersonalInformation" not in S.element("s1")


def _spdx_layers() -> list[dict[str, Any]]:
    [contains] = S.relationships(S.iri(HW), "contains")
    return [S.by_iri[iri] for iri in contains["to"]]


def _spdx_layer_purposes() -> None:
    purposes = [layer["software_primaryPurpose"] for layer in _spdx_layers()]
    assert purposes == ["device", "firmware", "deviceDriver", "platform", "library"]
    assert {layer["type"] for layer in _spdx_layers()} == {"software_Package"}


def _spdx_layer_names() -> None:
    names = [(layer["name"], _agent_name(layer["suppliedBy"])) for layer in _spdx_layers()]
    assert names == [(name, vendor) for _, name, vendor, _ in LAYERS]


def _only_in_warnings(text: str, document_text: str, lines: list[str]) -> None:
    """``text`` shows in the document only inside warning lines."""
    inside = sum(line.count(text) for line in lines if "provenance-ledger:warning=" in line)
    assert document_text.count(text) == inside


def _only_in_verdicts(document_text: str, lines: list[str]) -> None:
    """The LicenceDefined name shows only in the verdicts' reasons; its terms not at all."""
    assert "commercial_use" not in document_text
    inside = sum(line.count(DEFINED_NAME) for line in lines)
    assert document_text.count(DEFINED_NAME) == inside > 0


def _spdx_claims() -> None:
    _only_in_warnings("artefact-unavailable on m/data", S.text, S.review_lines())


def _no_signers(text: str, lines: list[str]) -> None:
    enrolment = BUILDER.recorded[0].statement.data
    assert enrolment["public_key"] not in text
    _only_in_warnings(PUBLISHER, text, lines)


def _no_event_ids(text: str) -> None:
    assert not [r.event_id for r in BUILDER.recorded if r.event_id in text]
    assert '"position"' not in text


Check = Callable[[], None]
SPDX_CHECKS: dict[str, Check] = {
    "model version id": _spdx_model,
    "ModelVersionReleased.name": lambda: _eq(S.root["name"], "m"),
    "ModelVersionReleased.version": lambda: _eq(S.root["software_packageVersion"], "1"),
    "ModelVersionReleased.effective_at": lambda: _eq(S.root["releaseTime"], "2024-02-01T00:00:00Z"),
    "ModelVersionReleased.issued_at": lambda: _eq(
        S.of_type("CreationInfo")[0]["created"], "2024-02-03T04:05:06Z"
    ),
    "releasing signer's organisation": lambda: _eq(_agent_name(S.root["suppliedBy"]), "acme"),
    "ModelVersionReleased.components": _spdx_components,
    "ModelVersionReleased.base_model": lambda: _eq(
        S.targets(S.root["spdxId"], "descendantOf"), {S.iri(BASE)}
    ),
    "final parameters' licences": lambda: _eq(
        S.licence(S.root["spdxId"], concluded=True), "Apache-2.0 OR MIT"
    ),
    "TrainingRunRecorded.datasets": lambda: _eq(
        [r["to"] for r in S.relationships(S.root["spdxId"], "trainedOn") if RUN in r["comment"]],
        [[S.iri(DATA)]],
    ),
    "TrainingRunRecorded.code, .hardware": _spdx_run_tools,
    "TrainingRunRecorded.base_parameters": lambda: _eq(
        S.targets(S.iri(WEIGHTS), "descendantOf"), {S.iri(BASE_WEIGHTS)}
    ),
    "TrainingRunRecorded.produced, .started_at, .finished_at, .compute": lambda: _contains(
        S.root["ai_informationAboutTraining"],
        [RUN, f"produced {WEIGHTS}", "started 2024-01-01T00:00:00Z", '"gpu_hours": 10'],
    ),
    "artefact id": lambda: _eq(S.iri(WEIGHTS).rsplit("/", 2)[-2:], ["artefact", "m%2Fweights"]),
    "ArtefactRegistered.kind": _spdx_kinds,
    "ArtefactRegistered.component": lambda: _contains(
        S.lines(S.iri(CODE)), ["provenance-ledger:component=training-code"]
    ),
    "ArtefactRegistered.name": lambda: _eq(S.element(WEIGHTS)["name"], "m/weights name"),
    "ArtefactRegistered.version": lambda: _eq(S.element(WEIGHTS)["software_packageVersion"], "v1"),
    "ArtefactRegistered.uri": _spdx_uri,
    "ArtefactRegistered.digest.sha256": lambda: _eq(
        S.element(WEIGHTS)["verifiedUsing"],
        [{"type": "Hash", "algorithm": "sha256", "hashValue": DIGEST}],
    ),
    "ArtefactRegistered.availability": lambda: _contains(
        S.lines(S.iri(WEIGHTS)), ["provenance-ledger:availability=gated"]
    ),
    "owner (registering signer's organisation)": lambda: _eq(
        _agent_name(S.element(WEIGHTS)["suppliedBy"]), "acme"
    ),
    "LicenceGranted.licence (grants in force)": lambda: _eq(
        (
            S.licence(S.iri(WEIGHTS)),
            S.licence_element("Apache-2.0 OR MIT")["simplelicensing_licenseListVersion"],
        ),
        ("Apache-2.0 OR MIT", "3.29.0"),
    ),
    "licence ids spelled otherwise": lambda: _eq(
        S.licence(S.iri(BASE_WEIGHTS)), "LicenseRef-Llama-2-Community"
    ),
    "`LicenseRef-` ids": _spdx_licence_refs,
    "`NOASSERTION` / `NONE`": lambda: _eq(
        (S.licence(S.iri(CARD)), S.licence(S.iri(RAW))),
        ("expandedlicensing_NoneLicense", "expandedlicensing_NoAssertionLicense"),
    ),
    "no grant in force": lambda: _eq(
        S.licence(S.iri(PAPER)), "expandedlicensing_NoAssertionLicense"
    ),
    "LicenceGranted.uri": lambda: _eq(
        S.licence_element("LicenseRef-Eval-Terms")["simplelicensing_customIdToUri"],
        [{"type": "DictionaryEntry", "key": "LicenseRef-Eval-Terms", "value": "https://e.org/t"}],
    ),
    "LicenceWithdrawn": lambda: _eq(
        S.licence(S.iri(PAPER)), "expandedlicensing_NoAssertionLicense"
    ),
    "LicenceDefined.name, .terms": lambda: _only_in_verdicts(S.text, S.review_lines()),
    "DataSourceAdded": _spdx_sources,
    "DataSourceAdded.name, .uri": lambda: _eq(
        (S.element("s1")["name"], S.element("s1")["software_homePage"]),
        ("source s1", "https://s1.example/"),
    ),
    "DataSourceAdded.licence": lambda: _eq(
        (S.licence(S.iri("s1")), S.licence(S.iri("s2"))),
        ("CC-BY-4.0", "expandedlicensing_NoAssertionLicense"),
    ),
    "DataSourceAdded.rights": _spdx_rights,
    "DataSourceAdded.share": lambda: _contains(
        S.lines(S.iri("s1")), ["provenance-ledger:share=0.5"]
    ),
    "dataset type": lambda: _eq(
        {tuple(i["dataset_datasetType"]) for i in S.of_type("dataset_DatasetPackage")},
        {("noAssertion",)},
    ),
    "DatasetDerived.from": lambda: _eq(S.targets(S.iri(DATA), "descendantOf"), {S.iri(RAW)}),
    "DatasetDerived.processing_code": lambda: _eq(
        S.targets(S.iri(CODE), "generates"), {S.iri(DATA)}
    ),
    "HardwareStackDescribed.layers": _spdx_layer_purposes,
    "layer name, vendor": _spdx_layer_names,
    "layer licence": lambda: _eq(
        [S.licence(layer["spdxId"]) for layer in _spdx_layers()], [lic for *_, lic in LAYERS]
    ),
    "assessment freedoms.*.status": lambda: _contains(
        S.review_lines(),
        [f"provenance-ledger:freedom:{f}={v['status']}" for f, v in ASSESSMENT["freedoms"].items()],
    ),
    "assessment freedoms.*.conditions": lambda: _sublist(_lines("freedom"), S.review_lines()),
    "assessment freedoms.*.blockers": lambda: _blockers(S.review_lines()),
    "assessment frameworks.osaid-1.0": lambda: _sublist(_lines("osaid-1.0"), S.review_lines()),
    "assessment frameworks.mof": lambda: _sublist(_lines("mof"), S.review_lines()),
    "assessment frameworks.eu-ai-act": lambda: _eu_lines(S.review_lines()),
    "assessment warnings": lambda: _sublist(_lines("warning"), S.review_lines()),
    "assessment policy, as_of.position, at": lambda: _eq(
        S.review_lines()[:2],
        ["provenance-ledger:policy=default", "provenance-ledger:as-of-position=28"],
    ),
    "provenance bundle URL": lambda: _eq(
        [(r["locator"], r["contentType"]) for r in S.root["externalRef"]],
        [([BUNDLE_URL], BUNDLE_MEDIA_TYPE)],
    ),
    "ClaimAsserted, ClaimRetracted": _spdx_claims,
    "SignerEnrolled, SignerRevoked, signatures": lambda: _no_signers(S.text, S.review_lines()),
    "event ids, statement positions, leaf indices, inclusion proofs": lambda: _no_event_ids(S.text),
}


# --- reading a CycloneDX BOM ---------------------------------------------------------------


class Cdx:
    def __init__(self, bom: dict[str, Any]) -> None:
        self.bom = bom
        self.model: dict[str, Any] = bom["metadata"]["component"]
        self.by_ref: dict[str, dict[str, Any]] = {}
        self._index([self.model, *bom["components"]])
        self.text = json.dumps(bom)

    def _index(self, components: list[dict[str, Any]]) -> None:
        for component in components:
            self.by_ref[component["bom-ref"]] = component
            self._index(component.get("components", []))

    def properties(self, ref: str, name: str) -> list[str]:
        props = self.by_ref[ref].get("properties", [])
        return [p["value"] for p in props if p["name"] == "provenance-ledger:" + name]

    def depends(self, ref: str) -> list[str]:
        [entry] = [d for d in self.bom["dependencies"] if d["ref"] == ref]
        needs: list[str] = entry["dependsOn"]
        return needs

    def licences(self, ref: str) -> list[dict[str, Any]]:
        licences: list[dict[str, Any]] = self.by_ref[ref].get("licenses", [])
        return licences

    def lines(self) -> list[str]:
        return [f"{p['name']}={p['value']}" for p in self.model["properties"]]


C = Cdx(CDX)
SOURCE_1, SOURCE_2 = f"{DATA}#source:s1", f"{DATA}#source:s2"


def _cdx_components() -> None:
    assert set(C.depends(MODEL)) >= {WEIGHTS, CODE, CARD, PAPER, DATA, EVAL}
    references = [(r["type"], r["url"], r["comment"]) for r in C.model["externalReferences"]]
    assert (
        "documentation",
        "https://example.org/paper",
        f"technical-report: {PAPER}",
    ) in references
    assert C.properties(CARD, "component") == ["model-card"]


def _cdx_base() -> None:
    assert C.by_ref[BASE]["type"] == "machine-learning-model"
    assert BASE in C.depends(MODEL)
    assert C.model["pedigree"]["ancestors"] == [
        {"type": "machine-learning-model", "name": "b", "version": "1"}
    ]
    assert C.properties(MODEL, "base-model") == [BASE]


def _cdx_kinds() -> None:
    expected = {
        WEIGHTS: "machine-learning-model",
        CODE: "application",
        DATA: "data",
        CARD: "file",
        HW: "device",
    }
    assert {ref: C.by_ref[ref]["type"] for ref in expected} == expected


def _cdx_uri() -> None:
    assert C.by_ref[WEIGHTS]["externalReferences"] == [
        {"type": "distribution", "url": "https://example.org/w"}
    ]
    assert "externalReferences" not in C.by_ref[CODE]
    assert C.properties(CODE, "uri") == ["not a uri"]


def _cdx_layers() -> list[dict[str, Any]]:
    return [C.by_ref[f"{HW}#layer:{i}"] for i in range(len(LAYERS))]


def _license(ref: str) -> dict[str, Any]:
    [entry] = C.licences(ref)
    licence: dict[str, Any] = entry["license"]
    return licence


def _cdx_refs() -> None:
    assert _license(BASE_WEIGHTS)["url"] == LLAMA_URL
    assert _license(CODE)["url"] == "https://acme.example/licence-1"
    assert "url" not in _license(f"{HW}#layer:0")  # LicenseRef-Proprietary: no URL anywhere


def _cdx_rights() -> None:
    assert C.properties(SOURCE_1, "rights") == ["licensed"]
    assert C.by_ref[SOURCE_2]["data"][0]["sensitiveData"] == ["personal data"]
    assert C.by_ref[DATA]["data"][0]["sensitiveData"] == ["personal data"]
    assert "sensitiveData" not in C.by_ref[SOURCE_1]["data"][0]


def _cdx_datasets() -> None:
    datasets = C.model["modelCard"]["modelParameters"]["datasets"]
    assert datasets == [{"ref": DATA}, {"ref": EVAL}]
    assert C.by_ref[DATA]["type"] == "data"


CDX_CHECKS: dict[str, Check] = {
    "model version id": lambda: _eq(C.model["bom-ref"], MODEL),
    "ModelVersionReleased.name": lambda: _eq(C.model["name"], "m"),
    "ModelVersionReleased.version": lambda: _eq(C.model["version"], "1"),
    "ModelVersionReleased.effective_at": lambda: _eq(
        C.properties(MODEL, "released-at"), ["2024-02-01T00:00:00Z"]
    ),
    "ModelVersionReleased.issued_at": lambda: _eq(
        CDX["metadata"]["timestamp"], "2024-02-03T04:05:06Z"
    ),
    "releasing signer's organisation": lambda: _eq(C.model["supplier"], {"name": "acme"}),
    "ModelVersionReleased.components": _cdx_components,
    "ModelVersionReleased.base_model": _cdx_base,
    "final parameters' licences": lambda: _eq(
        C.licences(MODEL), [{"expression": "Apache-2.0 OR MIT", "acknowledgement": "concluded"}]
    ),
    "TrainingRunRecorded.datasets": _cdx_datasets,
    "TrainingRunRecorded.code, .hardware": lambda: _eq({CODE, HW} <= set(C.depends(MODEL)), True),
    "TrainingRunRecorded.base_parameters": lambda: _eq(C.depends(WEIGHTS), [BASE_WEIGHTS]),
    "TrainingRunRecorded.produced, .started_at, .finished_at, .compute": lambda: _contains(
        C.model["modelCard"]["properties"][0]["value"],
        [RUN, f"produced {WEIGHTS}", "started 2024-01-01T00:00:00Z", '"gpu_hours": 10'],
    ),
    "artefact id": lambda: _eq(C.by_ref[WEIGHTS]["name"], "m/weights name"),
    "ArtefactRegistered.kind": _cdx_kinds,
    "ArtefactRegistered.component": lambda: _eq(C.properties(CODE, "component"), ["training-code"]),
    "ArtefactRegistered.name": lambda: _eq(
        (C.by_ref[DATA]["name"], C.by_ref[DATA]["data"][0]["name"]), ("m/data name",) * 2
    ),
    "ArtefactRegistered.version": lambda: _eq(C.by_ref[WEIGHTS]["version"], "v1"),
    "ArtefactRegistered.uri": _cdx_uri,
    "ArtefactRegistered.digest.sha256": lambda: _eq(
        C.by_ref[WEIGHTS]["hashes"], [{"alg": "SHA-256", "content": DIGEST}]
    ),
    "ArtefactRegistered.availability": lambda: _eq(
        C.properties(WEIGHTS, "availability"), ["gated"]
    ),
    "owner (registering signer's organisation)": lambda: _eq(
        C.by_ref[WEIGHTS]["supplier"], {"name": "acme"}
    ),
    "LicenceGranted.licence (grants in force)": lambda: _eq(
        C.licences(WEIGHTS), [{"expression": "Apache-2.0 OR MIT", "acknowledgement": "declared"}]
    ),
    "licence ids spelled otherwise": lambda: _eq(
        _license(BASE_WEIGHTS)["name"], "LicenseRef-Llama-2-Community"
    ),
    "`LicenseRef-` ids": _cdx_refs,
    "`NOASSERTION` / `NONE`": lambda: _eq(
        (_license(CARD)["name"], _license(RAW)["name"]), ("NONE", "NOASSERTION")
    ),
    "no grant in force": lambda: _eq(C.licences(PAPER), []),
    "LicenceGranted.uri": lambda: _eq(_license(EVAL)["url"], "https://e.org/t"),
    "LicenceWithdrawn": lambda: _eq(C.licences(PAPER), []),
    "LicenceDefined.name, .terms": lambda: _only_in_verdicts(C.text, C.lines()),
    "DataSourceAdded": lambda: _eq(
        ([c["bom-ref"] for c in C.by_ref[DATA]["components"]], C.properties(SOURCE_1, "source")),
        ([SOURCE_1, SOURCE_2], ["s1"]),
    ),
    "DataSourceAdded.name, .uri": lambda: _eq(
        (C.by_ref[SOURCE_1]["externalReferences"], C.by_ref[SOURCE_1]["data"][0]["contents"]),
        ([{"type": "website", "url": "https://s1.example/"}], {"url": "https://s1.example/"}),
    ),
    "DataSourceAdded.licence": lambda: _eq(
        (C.licences(SOURCE_1), C.licences(SOURCE_2)),
        ([{"expression": "CC-BY-4.0", "acknowledgement": "declared"}], []),
    ),
    "DataSourceAdded.rights": _cdx_rights,
    "DataSourceAdded.share": lambda: _eq(C.properties(SOURCE_1, "share"), ["0.5"]),
    "DatasetDerived.from, .processing_code": lambda: _eq(C.depends(DATA), [RAW, CODE]),
    "HardwareStackDescribed.layers": lambda: _eq(
        [layer["type"] for layer in _cdx_layers()],
        ["device", "firmware", "device-driver", "platform", "library"],
    ),
    "layer name, vendor": lambda: _eq(
        [(layer["name"], layer["supplier"]["name"]) for layer in _cdx_layers()],
        [(name, vendor) for _, name, vendor, _ in LAYERS],
    ),
    "layer licence": lambda: _eq(
        [layer["licenses"][0]["license"]["name"] for layer in _cdx_layers()[:4]]
        + [_cdx_layers()[4]["licenses"][0]["expression"]],
        [lic for *_, lic in LAYERS],
    ),
    "assessment freedoms.*.status": lambda: _eq(
        [C.properties(MODEL, f"freedom:{f}") for f in ("use", "study", "modify", "share")],
        [[ASSESSMENT["freedoms"][f]["status"]] for f in ("use", "study", "modify", "share")],
    ),
    "assessment freedoms.*.conditions": lambda: _sublist(_lines("freedom"), C.lines()),
    "assessment freedoms.*.blockers": lambda: _blockers(C.lines()),
    "assessment frameworks.osaid-1.0": lambda: _sublist(_lines("osaid-1.0"), C.lines()),
    "assessment frameworks.mof": lambda: _sublist(_lines("mof"), C.lines()),
    "assessment frameworks.eu-ai-act": lambda: _eu_lines(C.lines()),
    "assessment warnings": lambda: _sublist(_lines("warning"), C.lines()),
    "assessment policy, as_of.position, at": lambda: _eq(
        (C.properties(MODEL, "policy"), C.properties(MODEL, "as-of-position")),
        (["default"], ["28"]),
    ),
    "provenance bundle URL": lambda: _eq(
        {k: C.model["externalReferences"][0][k] for k in ("type", "url")},
        {"type": "attestation", "url": BUNDLE_URL},
    ),
    "ClaimAsserted, ClaimRetracted": lambda: _only_in_warnings(
        "artefact-unavailable on m/data", C.text, C.lines()
    ),
    "SignerEnrolled, SignerRevoked, signatures": lambda: _no_signers(C.text, C.lines()),
    "event ids, statement positions, leaf indices, inclusion proofs": lambda: _no_event_ids(C.text),
}


# --- small assertions ----------------------------------------------------------------------


def _eq(actual: object, expected: object) -> None:
    assert actual == expected


def _contains(container: str | list[str], items: list[str]) -> None:
    for item in items:
        assert item in container, item


def _sublist(expected: list[str], lines: list[str]) -> None:
    assert expected
    assert [line for line in lines if line in expected] == expected


def _blockers(lines: list[str]) -> None:
    blockers = [line for line in lines if ":blocker=" in line]
    assert blockers == [line for line in _lines("freedom") if ":blocker=" in line]
    assert "b/weights (model-parameters, llama2): inherited from base model" in "\n".join(blockers)
    assert not any('"evidence"' in line for line in blockers)


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("row", SPDX_MAPPING, ids=lambda row: row.ledger)
def test_every_spdx_mapping_row_holds(row: FieldMapping) -> None:
    SPDX_CHECKS[row.ledger]()


@pytest.mark.parametrize("row", CYCLONEDX_MAPPING, ids=lambda row: row.ledger)
def test_every_cyclonedx_mapping_row_holds(row: FieldMapping) -> None:
    CDX_CHECKS[row.ledger]()


@pytest.mark.parametrize(
    ("table", "checks"), [(SPDX_MAPPING, SPDX_CHECKS), (CYCLONEDX_MAPPING, CDX_CHECKS)]
)
def test_each_table_has_one_row_per_ledger_field_and_each_row_a_check(
    table: tuple[FieldMapping, ...], checks: dict[str, Check]
) -> None:
    ledger_fields = [row.ledger for row in table]
    assert len(ledger_fields) == len(set(ledger_fields))
    assert set(ledger_fields) == set(checks)
    assert {row.treatment for row in table} <= set(TREATMENTS)
    assert all(row.note for row in table if row.treatment != "carried")


def test_the_exports_are_deterministic() -> None:
    world, assessment, _ = world_and_assessment()
    again_spdx = spdx_document(world, MODEL, assessment, BUNDLE_URL)
    again_cdx = cyclonedx_bom(world, MODEL, assessment, BUNDLE_URL)
    assert json.dumps(again_spdx) == json.dumps(SPDX)
    assert json.dumps(again_cdx) == json.dumps(CDX)
    other = cyclonedx_bom(world, MODEL, assessment, BUNDLE_URL + "&at=2024-01-01T00:00:00Z")
    assert other["serialNumber"] != CDX["serialNumber"]


@pytest.mark.parametrize(
    ("licences", "concluded"),
    [
        (["MIT", "Apache-2.0 OR BSD-3-Clause"], "MIT AND (Apache-2.0 OR BSD-3-Clause)"),
        (["MIT", None], "NOASSERTION"),
        ([None], None),
        (["NONE"], "NONE"),
    ],
)
def test_the_model_concludes_all_its_final_parameters_licences(
    licences: list[str | None], concluded: str | None
) -> None:
    builder = LedgerBuilder()
    weights = [f"w{i}" for i in range(len(licences))]
    for artefact, licence in zip(weights, licences, strict=True):
        builder.artefact(artefact, "parameters", "model-parameters", licence=licence)
    builder.model("x@1", {"model-parameters": weights})
    world, assessment = builder.world(), builder.assess("x@1")
    bom = cyclonedx_bom(world, "x@1", assessment, BUNDLE_URL)
    cdx = bom["metadata"]["component"].get("licenses", [])
    if concluded is None:
        assert cdx == []
    elif concluded in {"NOASSERTION", "NONE"}:
        assert [entry["license"]["name"] for entry in cdx] == [concluded]
    else:
        assert [entry["expression"] for entry in cdx] == [concluded]
    root = Spdx(spdx_document(world, "x@1", assessment, BUNDLE_URL))
    target = root.licence(root.root["spdxId"], concluded=True)
    individuals = {
        None: "expandedlicensing_NoAssertionLicense",
        "NOASSERTION": "expandedlicensing_NoAssertionLicense",
        "NONE": "expandedlicensing_NoneLicense",
    }
    assert target == individuals.get(concluded, concluded)


def test_an_unknown_model_is_refused() -> None:
    with pytest.raises(UnknownModel):
        spdx_document(WORLD, "nobody@1", ASSESSMENT, BUNDLE_URL)
    with pytest.raises(UnknownModel):
        cyclonedx_bom(WORLD, "nobody@1", ASSESSMENT, BUNDLE_URL)


def test_an_unknown_format_is_an_invalid_query() -> None:
    assert export_format("spdx-3.0.1") is FORMATS["spdx-3.0.1"]
    with pytest.raises(Rejection) as refused:
        export_format("spdx-2.3")
    assert refused.value.kind is RejectionKind.INVALID_QUERY
    assert "cyclonedx-1.6" in refused.value.detail


def test_the_bundle_url_is_pinned_to_the_assessments_position() -> None:
    url = bundle_url("http://127.0.0.1:8000/", "acme/m@1", {**ASSESSMENT, "at": "2024-01-01Z"})
    assert url == (
        "http://127.0.0.1:8000/v1/models/acme/m@1/bundle?policy=default&as_of=28&at=2024-01-01Z"
    )


def test_licence_expressions_use_catalogue_ids_and_join_grants_with_or() -> None:
    catalogue = LicenceCatalogue()
    assert normalise("apache-2.0 or (mit and llama2)", catalogue) == (
        "Apache-2.0 OR (MIT AND LicenseRef-Llama-2-Community)"
    )
    assert normalise("GPL-2.0-only with classpath-exception-2.0", catalogue) == (
        "GPL-2.0-only WITH Classpath-exception-2.0"
    )
    assert normalise("LicenseRef-Unheard-Of", catalogue) == "LicenseRef-Unheard-Of"
    assert any_of(["MIT", "Apache-2.0 AND BSD-3-Clause", "MIT"]) == (
        "MIT OR (Apache-2.0 AND BSD-3-Clause)"
    )
    assert any_of([]) is None


@pytest.mark.parametrize(
    ("uri", "usable"),
    [
        ("https://www.cs.cmu.edu/~enron/", True),
        ("https://huggingface.co/d?x=1&y=2#top", True),
        ("https://example.org/caf%C3%A9/é", True),
        ("not a uri", False),
        ("ftp://example.org/x", False),
        ("https://example.org/%zz", False),
        ("https://example.org/a b", False),
        ("https://[::1]/x", False),
    ],
)
def test_only_absolute_http_iris_are_used_as_links(uri: str, usable: bool) -> None:
    assert (usable_uri(uri) is not None) is usable


def test_markdown_tables_escape_pipes() -> None:
    table = markdown_table([FieldMapping("a|b", "c", "carried", "")], "X field")
    assert table.splitlines() == [
        "| ledger field | X field | treatment | note |",
        "|---|---|---|---|",
        "| a\\|b | c | carried |  |",
    ]


def test_the_docs_are_generated_from_the_tables() -> None:
    text = sbom_export_markdown()
    for row in (*SPDX_MAPPING, *CYCLONEDX_MAPPING):
        assert row.ledger.replace("|", "\\|") in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.rstrip() in readme, "regenerate: python -m services.exports.docs, paste in README"
