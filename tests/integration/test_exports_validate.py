"""Every example model's SBOM export, from a demo-loaded ledger, passes the formats' own
validators: SPDX 3.0.1 with ``spdx3-validate`` (JSON schema and SHACL, offline, from the vendored
files) and a reload with ``spdx-python-model``; CycloneDX 1.6 with ``cyclonedx-python-lib``'s
strict JSON validator. Then the same through the API and the CLI against a real server."""

from __future__ import annotations

import copy
import email.message
import hashlib
import io
import json
import multiprocessing
import os
import re
import urllib.error
import urllib.request
import urllib.response
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from fastapi.testclient import TestClient
from spdx_python_model import load_data
from spdx_python_model import v3_0_1 as spdx

from services.api.app import create_app
from services.exports import bundle_url, cyclonedx_bom, spdx_document
from tests.assessment_contract import MODELS, load_demo
from tests.backends import Backend
from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance
from tests.unit.test_exports_mapping import BUNDLE_URL, MODEL, world_and_assessment

# --- spdx3-validate with no network -----------------------------------------------------------
# It downloads the schema, the SHACL model and the JSON-LD context from spdx.org on every run;
# here they are answered from tests/data/spdx-3.0.1/ and any other URL is refused.

DATA = Path(__file__).resolve().parents[1] / "data" / "spdx-3.0.1"
VENDORED = {
    "https://spdx.org/schema/3.0.1/spdx-json-schema.json": ("schema.json", "application/json"),
    "https://spdx.org/rdf/3.0.1/spdx-model.ttl": ("spdx-model.ttl", "text/turtle"),
    "https://spdx.org/rdf/3.0.1/spdx-context.jsonld": (
        "spdx-context.jsonld",
        "application/ld+json",
    ),
}

# spdx3-validate checks nine documents in worker processes: minutes on a busy machine.
pytestmark = pytest.mark.timeout(900)


class _Answer(urllib.response.addinfourl):
    msg = "OK"  # read by urllib's response processors, as on an http.client response


class VendoredSpdxFiles(urllib.request.BaseHandler):
    """Answers the vendored URLs from files and refuses every other http(s) URL."""

    handler_order = 100  # before urllib's own HTTP handlers

    def http_open(self, request: urllib.request.Request) -> urllib.response.addinfourl:
        return self._answer(request)

    def https_open(self, request: urllib.request.Request) -> urllib.response.addinfourl:
        return self._answer(request)

    def _answer(self, request: urllib.request.Request) -> urllib.response.addinfourl:
        url = request.full_url
        if url not in VENDORED:
            raise urllib.error.URLError(f"offline: no vendored copy of {url}")
        name, content_type = VENDORED[url]
        headers = email.message.Message()
        headers["Content-Type"] = content_type
        body = io.BytesIO((DATA / name).read_bytes())
        return _Answer(body, headers, url, 200)


def offline_opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(VendoredSpdxFiles())


def validate_offline(path: str) -> list[str]:
    """``spdx3-validate``'s findings for one file (empty: valid), with no network.

    Installs the offline opener for the whole process, so run it in a worker process (the
    tests do) or restore ``urllib.request._opener`` afterwards."""
    from spdx3_validate import validate

    urllib.request.install_opener(offline_opener())
    return [str(error) for error in validate([path], version="3.0.1").errors]


# --- the exports -------------------------------------------------------------------------------

EXAMPLE_MODELS = sorted(set(MODELS))
LLAMA = "meta/llama-2-7b@2023-07-18"
VICUNA = "lmsys/vicuna-7b@1.5"
SERVER = "http://ledger.example"
BROKEN = "broken"
SMALL_WORLD = "small-world"  # the unit tests' world: every row of the mapping tables

Exports = dict[str, tuple[dict[str, Any], dict[str, Any]]]  # model -> (SPDX, CycloneDX)


@pytest.fixture(scope="module")
def exported() -> Iterator[Exports]:
    operator = Ed25519PrivateKey.generate()
    backend = Backend("memory", "memory://")
    ledger = backend.open([operator.public_key()])
    load_demo(ledger, operator)
    documents: Exports = {}
    for model in EXAMPLE_MODELS:
        answer = ledger.assessments.recompute(model, None, None, "default")
        assessment = json.loads(answer.body)
        link = bundle_url(SERVER, model, assessment)
        documents[model] = (
            spdx_document(answer.world, model, assessment, link),
            cyclonedx_bom(answer.world, model, assessment, link),
        )
    yield documents
    backend.close_all()


@pytest.fixture(scope="module")
def spdx_findings(
    exported: Exports, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """``spdx3-validate``'s findings per model (and for a deliberately broken document), run
    in worker processes that answer spdx.org from the vendored files and refuse the network."""
    folder = tmp_path_factory.mktemp("spdx")
    paths = {model: folder / f"{i}.spdx.json" for i, model in enumerate(exported)}
    for model, path in paths.items():
        path.write_text(json.dumps(exported[model][0]), encoding="utf-8")
    paths[BROKEN] = folder / "broken.spdx.json"
    paths[BROKEN].write_text(json.dumps(_broken(exported[LLAMA][0])), encoding="utf-8")
    paths[SMALL_WORLD] = folder / "small-world.spdx.json"
    paths[SMALL_WORLD].write_text(json.dumps(_small_world()[0]), encoding="utf-8")
    spawn = multiprocessing.get_context("spawn")
    workers = max(1, min(2, os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        futures = {model: pool.submit(validate_offline, str(path)) for model, path in paths.items()}
        return {model: future.result(timeout=600) for model, future in futures.items()}


def _small_world() -> tuple[dict[str, Any], dict[str, Any]]:
    world, assessment, _ = world_and_assessment()
    return (
        spdx_document(world, MODEL, assessment, BUNDLE_URL),
        cyclonedx_bom(world, MODEL, assessment, BUNDLE_URL),
    )


def _broken(document: dict[str, Any]) -> dict[str, Any]:
    """A copy without a required property (every dataset's ``dataset_datasetType``)."""
    broken = copy.deepcopy(document)
    for item in broken["@graph"]:
        item.pop("dataset_datasetType", None)
    return broken


# --- SPDX 3.0.1 -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", EXAMPLE_MODELS)
def test_spdx_export_passes_spdx3_validate(model: str, spdx_findings: dict[str, list[str]]) -> None:
    assert spdx_findings[model] == []


def test_the_mapping_tables_world_passes_both_validators(
    spdx_findings: dict[str, list[str]],
) -> None:
    """NONE, withdrawn grants, LicenceDefined URLs, unusable URIs, dataset lineage, every
    hardware layer: the paths the example models do not take."""
    assert spdx_findings[SMALL_WORLD] == []
    bom = _small_world()[1]
    errors = VALIDATOR.validate_str(json.dumps(bom), all_errors=True)
    assert errors is None, [str(error) for error in errors or []]


def test_spdx3_validate_would_catch_a_broken_document(spdx_findings: dict[str, list[str]]) -> None:
    assert spdx_findings[BROKEN]
    assert any("datasetType" in finding for finding in spdx_findings[BROKEN])


def test_the_vendored_spdx_files_are_the_published_ones() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    published = dict(re.findall(r"\| `([\w.-]+)` \| \S+ \| ([0-9a-f]{64}) \|", readme))
    assert set(published) == {"schema.json", "spdx-model.ttl", "spdx-context.jsonld"}
    for name, digest in published.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("model", EXAMPLE_MODELS)
def test_spdx_export_reloads_with_spdx_python_model(model: str, exported: Exports) -> None:
    document = exported[model][0]
    module, objects = load_data(document)
    assert module is spdx
    assert objects.link() == set()
    [collection] = objects.foreach_type(spdx.SpdxDocument)
    [root] = collection.rootElement
    assert isinstance(root, spdx.ai_AIPackage)
    [identifier] = root.externalIdentifier
    assert isinstance(identifier, spdx.ExternalIdentifier)
    assert identifier.identifier == model
    assert list(objects.foreach_type(spdx.dataset_DatasetPackage))
    relationships = list(objects.foreach_type(spdx.Relationship))
    trained = [r for r in relationships if r.relationshipType == spdx.RelationshipType.trainedOn]
    assert any(r.from_ is root for r in trained)
    declared = spdx.RelationshipType.hasDeclaredLicense
    assert any(r.relationshipType == declared for r in relationships)
    [review] = [
        a
        for a in objects.foreach_type(spdx.Annotation)
        if a.annotationType == spdx.AnnotationType.review
    ]
    assert review.subject is root
    assert "provenance-ledger:freedom:use=" in review.statement


def test_licence_refs_map_to_their_urls(exported: Exports) -> None:
    graph = exported[LLAMA][0]["@graph"]
    [llama] = [
        item
        for item in graph
        if item.get("simplelicensing_licenseExpression") == "LicenseRef-Llama-2-Community"
    ]
    assert llama["simplelicensing_customIdToUri"] == [
        {
            "type": "DictionaryEntry",
            "key": "LicenseRef-Llama-2-Community",
            "value": "https://ai.meta.com/llama/license/",
        }
    ]


# --- CycloneDX 1.6 ----------------------------------------------------------------------------

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


@pytest.mark.parametrize("model", EXAMPLE_MODELS)
def test_cyclonedx_export_passes_the_strict_1_6_validator(model: str, exported: Exports) -> None:
    bom = exported[model][1]
    errors = VALIDATOR.validate_str(json.dumps(bom), all_errors=True)
    assert errors is None, [str(error) for error in errors or []]
    model_component = bom["metadata"]["component"]
    assert model_component["type"] == "machine-learning-model"
    assert "modelCard" in model_component
    datasets = model_component["modelCard"]["modelParameters"]["datasets"]
    types = {c["bom-ref"]: c["type"] for c in bom["components"]}
    assert {types[d["ref"]] for d in datasets} == {"data"}


def test_the_strict_validator_would_catch_a_broken_bom(exported: Exports) -> None:
    broken = copy.deepcopy(exported[LLAMA][1])
    broken["metadata"]["component"]["modelCard"]["modelParameters"]["approach"] = {"type": "x"}
    assert VALIDATOR.validate_str(json.dumps(broken)) is not None


# --- the API ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    operator = Ed25519PrivateKey.generate()
    folder = tmp_path_factory.mktemp("api")
    backend = Backend("sqlite", f"sqlite:///{folder}/api.db")
    services = backend.open([operator.public_key()])
    load_demo(services, operator)
    with TestClient(create_app(services)) as test_client:
        yield test_client
    backend.close_all()


@pytest.mark.parametrize(
    ("format_", "media_type"),
    [
        ("spdx-3.0.1", "application/spdx+json"),
        ("cyclonedx-1.6", "application/vnd.cyclonedx+json; version=1.6"),
    ],
)
def test_the_api_answers_each_format_with_its_media_type(
    client: TestClient, format_: str, media_type: str
) -> None:
    url = f"/v1/models/{VICUNA}/sbom"
    response = client.get(url, params={"format": format_})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert client.get(url, params={"format": format_}).content == response.content
    text = response.text
    assert "provenance-ledger:freedom:use" in text
    link = re.search(r'"http://testserver(/v1/models/[^"]+/bundle\?[^"]+)"', text)
    assert link is not None, "the export points to the bundle on this server"
    bundle = client.get(link.group(1))
    assert bundle.status_code == 200
    assert f"as_of={bundle.json()['as_of']['position']}" in link.group(1)


def test_the_api_passes_as_of_at_and_policy_on(client: TestClient) -> None:
    response = client.get(
        "/v1/models/microsoft/phi-2@2023-12-12/sbom",
        params={"format": "cyclonedx-1.6", "at": "2023-12-20", "policy": "hardware-aside"},
    )
    assert response.status_code == 200, response.text
    properties = {
        p["name"]: p["value"] for p in response.json()["metadata"]["component"]["properties"]
    }
    assert properties["provenance-ledger:at"] == "2023-12-20T00:00:00Z"
    assert properties["provenance-ledger:policy"] == "hardware-aside"
    assert properties["provenance-ledger:freedom:use"] in {"restricted", "denied"}


def test_an_unknown_model_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/models/nobody/nothing@1/sbom", params={"format": "spdx-3.0.1"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/not-found")


@pytest.mark.parametrize(
    "params",
    [
        {"format": "spdx-2.3"},
        {},
        {"format": "cyclonedx-1.6", "policy": "lenient"},
        {"format": "cyclonedx-1.6", "as_of": "yesterday"},
    ],
    ids=["unknown format", "no format", "unknown policy", "bad as_of"],
)
def test_a_bad_query_is_a_422_problem(client: TestClient, params: dict[str, str]) -> None:
    response = client.get(f"/v1/models/{LLAMA}/sbom", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/invalid-query")


# --- the CLI against a real server ------------------------------------------------------------


def test_the_cli_exports_through_a_real_server(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    try:
        flags = ["--server", server.url]
        ok(provenance("demo", *flags, cwd=tmp_path))
        written = ok(
            provenance(
                "export",
                LLAMA,
                "--format",
                "cyclonedx-1.6",
                "-o",
                "llama.cdx.json",
                *flags,
                cwd=tmp_path,
            )
        )
        assert "llama.cdx.json" in written
        bom = json.loads((tmp_path / "llama.cdx.json").read_text(encoding="utf-8"))
        assert VALIDATOR.validate_str(json.dumps(bom)) is None
        assert bom["metadata"]["component"]["bom-ref"] == LLAMA
        printed = ok(provenance("export", LLAMA, "--format", "spdx-3.0.1", *flags, cwd=tmp_path))
        assert json.loads(printed)["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
        missing = provenance("export", "nobody/x@1", "--format", "spdx-3.0.1", *flags, cwd=tmp_path)
        assert missing.returncode == 2
        assert "not-found" in missing.stderr
        assert "no model version 'nobody/x@1'" in missing.stderr
        bad = provenance("export", LLAMA, "--format", "spdx-2.3", *flags, cwd=tmp_path)
        assert bad.returncode == 2
        assert "invalid choice" in bad.stderr
    finally:
        server.stop()
