"""Hugging Face model-card import: each realistic card's mapping, the table honoured, bad input."""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from domain.rejections import Rejection
from domain.statement import Statement, parse_statement
from domain.statement_types import STATEMENT_TYPES
from services.hf_import.importer import (
    MAPPING,
    CardError,
    HfCard,
    ImportPlan,
    ModelIdError,
    ModelIds,
    define_command,
    ledger_id,
    licence_ref,
    map_hf_licence,
    mapping_table_markdown,
    plan_import,
    read_card,
    row_for,
)
from services.hf_import.pipelines import MODALITIES, modalities

ROOT = Path(__file__).resolve().parents[2]
CARDS = ROOT / "tests" / "data" / "hf-cards"
WHEN = "2024-01-01T00:00:00Z"
MISTRAL = "mistralai/Mistral-7B-v0.1"


@dataclass
class FakeLedger:
    """LedgerFacts from dicts: subject id → the GET /v1/subjects body; defined licence ids
    (compared case-insensitively, answered in their own spelling); weights URI → models."""

    subjects: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    licences: set[str] = field(default_factory=set)
    weights: dict[str, list[str]] = field(default_factory=dict)

    def subject(self, subject_id: str) -> Mapping[str, Any] | None:
        return self.subjects.get(subject_id)

    def licence_id(self, licence_id: str) -> str | None:
        return next((k for k in self.licences if k.casefold() == licence_id.casefold()), None)

    def models_with_weights(self, uri: str) -> list[str]:
        return self.weights.get(uri.casefold(), [])


def model_version(subject_id: str) -> dict[str, Any]:
    return {"id": subject_id, "kind": "model-version", "owner": "mistral", "state": {}}


def card_file(name: str) -> HfCard:
    return read_card((CARDS / name).read_bytes())


def inline(front_matter: str, text: str = "# A model\n") -> HfCard:
    return read_card(f"---\n{front_matter.strip()}\n---\n{text}".encode())


def plan(card: HfCard, model: str = "acme/m", ledger: FakeLedger | None = None) -> ImportPlan:
    return plan_import(
        card,
        ModelIds.parse(model),
        effective_at=WHEN,
        issued_at=WHEN,
        ledger=ledger or FakeLedger(),
    )


def of_type(result: ImportPlan, type_: str) -> list[Statement]:
    return [s for s in result.statements if s.type == type_]


def grants(result: ImportPlan) -> dict[str, dict[str, Any]]:
    return {s.subject: dict(s.data) for s in of_type(result, "LicenceGranted")}


def registered(result: ImportPlan) -> dict[str, dict[str, Any]]:
    return {s.subject: dict(s.data) for s in of_type(result, "ArtefactRegistered")}


def released(result: ImportPlan) -> dict[str, Any]:
    (statement,) = of_type(result, "ModelVersionReleased")
    return dict(statement.data)


# -- the realistic cards -------------------------------------------------------------------------


def test_permissive_base_model_maps_to_weights_card_and_model() -> None:
    raw = (CARDS / "mistral-7b.md").read_bytes()
    result = plan(read_card(raw), MISTRAL)
    assert result.importable
    assert [(s.type, s.subject) for s in result.statements] == [
        ("ArtefactRegistered", "mistralai/Mistral-7B-v0.1/weights"),
        ("LicenceGranted", "mistralai/Mistral-7B-v0.1/weights"),
        ("ArtefactRegistered", "mistralai/Mistral-7B-v0.1/model-card"),
        ("LicenceGranted", "mistralai/Mistral-7B-v0.1/model-card"),
        ("ModelVersionReleased", "mistralai/Mistral-7B-v0.1"),
        ("ModelVersionDescribed", "mistralai/Mistral-7B-v0.1"),  # from pipeline_tag
    ]
    (described,) = of_type(result, "ModelVersionDescribed")
    assert dict(described.data) == {"modalities": {"input": ["text"], "output": ["text"]}}
    artefacts = registered(result)
    weights = artefacts["mistralai/Mistral-7B-v0.1/weights"]
    assert weights == {
        "kind": "parameters",
        "component": "model-parameters",
        "name": "Mistral-7B-v0.1 weights",
        "uri": "https://huggingface.co/mistralai/Mistral-7B-v0.1",
        "availability": "public",
    }
    card = artefacts["mistralai/Mistral-7B-v0.1/model-card"]
    assert card["kind"] == "documentation"
    assert card["component"] == "model-card"
    assert card["name"] == "Model Card for Mistral-7B-v0.1"
    assert card["digest"] == {"sha256": hashlib.sha256(raw).hexdigest()}
    assert card["availability"] == "public"
    assert {g["licence"] for g in grants(result).values()} == {"Apache-2.0"}
    assert released(result) == {
        "name": "Mistral-7B-v0.1",
        "version": "main",
        "components": {
            "model-parameters": ["mistralai/Mistral-7B-v0.1/weights"],
            "model-card": ["mistralai/Mistral-7B-v0.1/model-card"],
        },
    }
    assert sorted(line.split(":")[0] for line in result.dropped) == ["tags"]
    assert all(s.effective_at == WHEN and s.issued_at == WHEN for s in result.statements)


def test_gated_custom_licence_maps_through_the_hf_id_map() -> None:
    result = plan(card_file("llama-2-7b.md"), "meta-llama/Llama-2-7b")
    assert result.importable
    artefacts = registered(result)
    assert artefacts["meta-llama/Llama-2-7b/weights"]["availability"] == "gated"
    assert artefacts["meta-llama/Llama-2-7b/model-card"]["availability"] == "public"
    assert artefacts["meta-llama/Llama-2-7b/model-card"]["name"] == "Llama 2"
    assert {g["licence"] for g in grants(result).values()} == {"LicenseRef-Llama-2-Community"}
    assert not result.licences_to_define
    (gate,) = [w for w in result.warnings if "extra_gated_" in w]
    assert "extra_gated_heading" in gate
    assert "prompt, fields and button text are dropped" in gate


def test_fine_tune_with_base_model_and_datasets() -> None:
    ledger = FakeLedger({MISTRAL: model_version(MISTRAL)})
    result = plan(card_file("zephyr-7b-beta.md"), "HuggingFaceH4/zephyr-7b-beta", ledger)
    assert result.problems == ()
    datasets = [
        "hf-datasets/HuggingFaceH4/ultrachat+200k",
        "hf-datasets/HuggingFaceH4/ultrafeedback+binarized",
    ]
    artefacts = registered(result)
    for subject, hub_id in zip(
        datasets,
        ["HuggingFaceH4/ultrachat_200k", "HuggingFaceH4/ultrafeedback_binarized"],
        strict=True,
    ):
        assert artefacts[subject] == {
            "kind": "dataset",
            "component": "datasets",
            "name": hub_id,
            "uri": f"https://huggingface.co/datasets/{hub_id}",
            "availability": "public",
        }
    data = released(result)
    assert data["base_model"] == MISTRAL
    assert data["components"]["datasets"] == datasets
    assert {g["licence"] for g in grants(result).values()} == {"MIT"}
    # the card's datasets trained the weights: one run names them, code and hardware unstated
    (run,) = of_type(result, "TrainingRunRecorded")
    assert run.subject == "HuggingFaceH4/zephyr-7b-beta/training"
    assert dict(run.data) == {
        "code": [],
        "datasets": datasets,
        "hardware": [],
        "produced": ["HuggingFaceH4/zephyr-7b-beta/weights"],
    }
    assert data["training_runs"] == [run.subject]
    # each reference comes after the statement that creates its subject (one batch)
    order = [s.subject for s in result.statements]
    assert order.index("HuggingFaceH4/zephyr-7b-beta") == len(order) - 2  # then described
    assert result.statements[-1].type == "ModelVersionDescribed"


def test_a_missing_base_model_blocks_a_real_import_and_says_how_to_record_it() -> None:
    result = plan(card_file("zephyr-7b-beta.md"), "HuggingFaceH4/zephyr-7b-beta")
    assert not result.importable
    (problem,) = result.problems
    assert problem.kind == "missing-base"
    assert "provenance import-hf-card" in problem.message
    assert f"--model {MISTRAL}" in problem.message
    assert released(result)["base_model"] == MISTRAL  # what it would sign once the base exists


def test_a_base_model_that_is_not_a_model_version_is_a_conflict() -> None:
    ledger = FakeLedger({MISTRAL: {"id": MISTRAL, "kind": "artefact", "state": {}}})
    result = plan(card_file("zephyr-7b-beta.md"), "HuggingFaceH4/zephyr-7b-beta", ledger)
    assert [p.kind for p in result.problems] == ["conflict"]
    assert "not a model version" in result.problems[0].message


def test_licence_other_becomes_a_licence_ref_the_user_is_told_to_define() -> None:
    result = plan(card_file("phi-1_5-other.md"), "microsoft/phi-1_5")
    assert result.importable
    link = "https://huggingface.co/microsoft/phi-1_5/resolve/main/Research%20License.docx"
    expected = {"licence": "LicenseRef-Microsoft-Research-License", "uri": link}
    assert grants(result) == {
        "microsoft/phi-1+5/weights": expected,
        "microsoft/phi-1+5/model-card": expected,
        "hf-libraries/transformers": {"licence": "Apache-2.0"},
    }
    (licence,) = result.licences_to_define
    assert (licence.id, licence.name, licence.uri) == (
        "LicenseRef-Microsoft-Research-License",
        "microsoft-research-license",
        link,
    )
    assert any("not defined in the ledger" in w for w in result.warnings)
    assert released(result)["components"]["inference-code"] == ["hf-libraries/transformers"]


def test_the_printed_define_command_is_a_template_of_unknown_terms() -> None:
    """Every flag of the template is null (unknown), never false: unedited, the ledger's checks
    refuse it (nothing recorded); filled in from the licence text, it is a valid definition."""
    (licence,) = plan(card_file("phi-1_5-other.md"), "microsoft/phi-1_5").licences_to_define
    command = define_command(licence, "keys/alice", "http://ledger:8000")
    sign, submit = command.split(" | ")
    assert submit == "provenance submit --server http://ledger:8000 -"
    words = shlex.split(sign)
    assert words[:7] == [
        "provenance",
        "sign",
        "--key",
        "keys/alice",
        "--type",
        "LicenceDefined",
        "--subject",
    ]
    data = json.loads(words[words.index("--data") + 1])
    assert data["terms"]
    assert set(data["terms"].values()) == {None}
    unedited = Statement("LicenceDefined", words[7], data, WHEN, WHEN)
    with pytest.raises(Rejection, match="must be true or false"):
        parse_statement(unedited.canonical_bytes())
    filled = {**data, "terms": dict.fromkeys(data["terms"], False)}
    statement = Statement("LicenceDefined", words[7], filled, WHEN, WHEN)
    assert parse_statement(statement.canonical_bytes()).subject == licence.id


def test_a_licence_already_defined_in_the_ledger_is_not_asked_for_again() -> None:
    ledger = FakeLedger(licences={"LicenseRef-Microsoft-Research-License"})
    result = plan(card_file("phi-1_5-other.md"), "microsoft/phi-1_5", ledger)
    assert result.licences_to_define == ()
    assert not any("not defined in the ledger" in w for w in result.warnings)


def test_every_planned_statement_passes_the_ledgers_checks() -> None:
    ledger = FakeLedger({MISTRAL: model_version(MISTRAL)})
    for name in ("mistral-7b.md", "llama-2-7b.md", "zephyr-7b-beta.md", "phi-1_5-other.md"):
        for statement in plan(card_file(name), "acme/m@v1", ledger).statements:
            assert parse_statement(statement.canonical_bytes()) == statement


# -- bad input ---------------------------------------------------------------------------------


def test_a_malformed_card_is_refused() -> None:
    with pytest.raises(CardError, match="front matter does not parse"):
        card_file("malformed.md")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"# Just a heading\n", "no YAML front matter"),
        (b"---\n- a list\n---\n", "does not parse"),
        (b"---\nlicense: {mit: 1}\n---\n", "'license' must be an id or a list of ids"),
        (b"---\nlibrary_name: [a, b]\n---\n", "'library_name' must be a string"),
        (b"---\ndatasets: {a: 1}\n---\n", "'datasets' must be an id or a list of ids"),
        (b"---\nbase_model: 7\n---\n", "'base_model' must be an id or a list of ids"),
        (b"---\nlicense: mit\n---\n\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_cards_say_why(raw: bytes, message: str) -> None:
    with pytest.raises(CardError, match=message):
        read_card(raw)


@pytest.mark.parametrize("hf_id", ["openrail++", "bsd", "gpl", "llama3.2", "not-a-licence"])
def test_an_unknown_hf_licence_id_blocks_the_import(hf_id: str) -> None:
    result = plan(inline(f"license: {hf_id}"))
    assert not result.importable
    (problem,) = result.problems
    assert problem.kind == "unmapped"
    assert f"license '{hf_id}'" in problem.message
    assert grants(result) == {}


def test_other_without_a_usable_name_cannot_be_mapped() -> None:
    assert [p.kind for p in plan(inline("license: other")).problems] == ["unmapped"]
    assert [p.kind for p in plan(inline("license: other\nlicense_name: '--'")).problems] == [
        "unmapped"
    ]


@pytest.mark.parametrize("model", ["", "@v1", "acme/m@", "acme m", "-acme/m", "a/" + "b" * 260])
def test_a_model_id_that_gives_no_ledger_ids_is_refused(model: str) -> None:
    with pytest.raises(ModelIdError, match="--model"):
        ModelIds.parse(model)


def test_ids_already_recorded_are_conflicts() -> None:
    ledger = FakeLedger({"acme/m": model_version("acme/m"), "acme/m/weights": {"kind": "artefact"}})
    result = plan(inline("license: mit"), ledger=ledger)
    assert [p.kind for p in result.problems] == ["conflict", "conflict"]
    assert "--model acme/m@REVISION" in result.problems[0].message


# -- id scheme and field details -----------------------------------------------------------------


def test_ids_derive_from_the_model_id_and_its_revision() -> None:
    ids = ModelIds.parse("microsoft/phi-1_5@v1_0")
    assert (ids.model, ids.weights, ids.card, ids.version) == (
        "microsoft/phi-1+5@v1+0",
        "microsoft/phi-1+5/weights@v1+0",
        "microsoft/phi-1+5/model-card@v1+0",
        "v1_0",
    )
    result = plan(inline("license: mit"), "microsoft/phi-1_5@v1_0")
    assert released(result)["version"] == "v1_0"
    assert all(data["version"] == "v1_0" for data in registered(result).values())
    assert (
        registered(result)[ids.weights]["uri"]
        == "https://huggingface.co/microsoft/phi-1_5/tree/v1_0"
    )
    assert ledger_id("HuggingFaceH4/ultrachat_200k") == "HuggingFaceH4/ultrachat+200k"


def test_a_dataset_already_recorded_is_referenced_not_registered_again() -> None:
    subject = "hf-datasets/org/data"
    known = {
        "kind": "artefact",
        "state": {"kind": "dataset", "uri": "https://huggingface.co/datasets/org/data"},
    }
    result = plan(inline("license: mit\ndatasets: org/data"), ledger=FakeLedger({subject: known}))
    assert result.importable
    assert subject not in registered(result)
    assert released(result)["components"]["datasets"] == [subject]
    other = {"kind": "artefact", "state": {"kind": "dataset", "uri": "https://example.org/d"}}
    clash = plan(inline("license: mit\ndatasets: org/data"), ledger=FakeLedger({subject: other}))
    assert [p.kind for p in clash.problems] == ["conflict"]


def test_a_list_of_base_models_keeps_the_first_and_names_the_others() -> None:
    ledger = FakeLedger({"org/a": model_version("org/a")})
    result = plan(inline("license: mit\nbase_model: [org/a, org/b, org/c]"), ledger=ledger)
    assert released(result)["base_model"] == "org/a"
    assert any("org/b, org/c dropped" in w for w in result.warnings)


def test_base_model_relation_is_approximated_by_base_model() -> None:
    ledger = FakeLedger({"org/a": model_version("org/a")})
    card = inline("license: mit\nbase_model: org/a\nbase_model_relation: adapter")
    result = plan(card, ledger=ledger)
    assert released(result)["base_model"] == "org/a"
    assert "adapter" not in json.dumps([s.to_json() for s in result.statements])
    assert any(w.startswith("approximated base_model_relation") for w in result.warnings)


@pytest.mark.parametrize(
    ("hf_id", "expected"),
    [
        ("apache-2.0", "Apache-2.0"),
        ("llama2", "LicenseRef-Llama-2-Community"),
        ("gpl-3.0", "GPL-3.0-only"),
        ("MIT", "MIT"),
        ("unknown", "NOASSERTION"),
        ("bsd", None),
        ("other", None),
    ],
)
def test_hf_licence_ids(hf_id: str, expected: str | None) -> None:
    assert map_hf_licence(hf_id) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("microsoft-research-license", "LicenseRef-Microsoft-Research-License"),
        ("mrl", "LicenseRef-Mrl"),
        ("coqui public model license 1.0", "LicenseRef-Coqui-Public-Model-License-1.0"),
        ("my_licence", "LicenseRef-My-Licence"),
        ("--", None),
    ],
)
def test_licence_refs_from_license_name(name: str, expected: str | None) -> None:
    assert licence_ref(name) == expected


@pytest.mark.parametrize(
    ("link", "uri"),
    [
        ("LICENSE", "https://huggingface.co/acme/m/blob/main/LICENSE"),
        ("./LICENSE.md", "https://huggingface.co/acme/m/blob/main/LICENSE.md"),
        ("https://example.org/terms", "https://example.org/terms"),
    ],
)
def test_license_link_becomes_the_grant_uri(link: str, uri: str) -> None:
    result = plan(inline(f"license: other\nlicense_name: acme\nlicense_link: {link}"))
    assert {g["uri"] for g in grants(result).values()} == {uri}


@pytest.mark.parametrize(
    ("front_matter", "availability"),
    [
        ("gated: true", "gated"),
        ("gated: manual", "gated"),
        ("gated: false", "public"),
        ("extra_gated_prompt: agree", "gated"),
        ("gated: false\nextra_gated_prompt: agree", "public"),
        ("license: mit", "public"),
    ],
)
def test_gating_sets_the_weights_availability(front_matter: str, availability: str) -> None:
    artefacts = registered(plan(inline(front_matter)))
    assert artefacts["acme/m/weights"]["availability"] == availability
    assert artefacts["acme/m/model-card"]["availability"] == "public"


def test_license_unknown_is_granted_as_noassertion() -> None:
    result = plan(inline("license: unknown"))
    assert result.importable
    assert {g["licence"] for g in grants(result).values()} == {"NOASSERTION"}
    for statement in result.statements:
        parse_statement(statement.canonical_bytes())


def test_a_card_without_a_licence_grants_nothing_and_says_so() -> None:
    result = plan(inline("tags: [x]"))
    assert result.importable
    assert grants(result) == {}
    assert any("no 'license'" in w for w in result.warnings)


def test_the_card_name_is_its_first_heading_outside_code() -> None:
    text = "<!-- c -->\n```\n# not this\n```\nSome text\n## **Real** title ##\n# Later\n"
    assert inline("license: mit", text).heading == "Real title"
    assert inline("license: mit", "no heading\n").heading is None
    result = plan(inline("license: mit", "no heading\n"))
    assert registered(result)["acme/m/model-card"]["name"] == "acme/m model card"


# -- the table ---------------------------------------------------------------------------------


def test_the_table_is_well_formed() -> None:
    fields = [row.card_field for row in MAPPING]
    assert len(fields) == len(set(fields))
    assert {row.status for row in MAPPING} == {"carried", "approximated", "dropped"}
    assert MAPPING[-1].card_field == "*"
    assert MAPPING[-1].status == "dropped"
    # what the issue names is mapped by a row of its own
    for name in (
        "license",
        "license_name",
        "license_link",
        "datasets",
        "base_model",
        "base_model_relation",
        "library_name",
        "gated",
        "extra_gated_prompt",
        "model_name",
    ):
        assert row_for(name).card_field != "*", name
    assert row_for("(training run)").card_field == "*"  # pseudo-rows never match a key
    assert [r.status for r in MAPPING if r.card_field == "(training run)"] == ["approximated"]


def test_the_realistic_cards_fields_all_have_rows_of_their_own() -> None:
    for name in ("mistral-7b.md", "llama-2-7b.md", "zephyr-7b-beta.md", "phi-1_5-other.md"):
        for key in card_file(name).metadata:
            assert row_for(key).card_field != "*", f"{name}: {key}"


def test_the_table_is_honoured() -> None:
    """Each present field is carried into the statements, approximated with a warning, or
    dropped: named in the plan and found nowhere in what is signed."""
    card = inline(
        """
license: other
license_name: acme-terms
license_link: https://example.org/acme-terms
gated: true
extra_gated_prompt: Agree to the acme terms
datasets: [org/dataset-one]
base_model: [org/base, org/other-base]
base_model_relation: merge
library_name: librarian-xyz
model_name: Acme Model
new_version: org/successor-xyz
metrics: [metric-xyz]
language: [lang-xyz]
tags: [tag-xyz]
pipeline_tag: pipeline-xyz
widget: [{text: widget-xyz}]
inference: false
thumbnail: https://example.org/thumbnail-xyz.png
co2_eq_emissions: 4321.5
custom_field: custom-xyz
""",
        "# Acme heading\n",
    )
    result = plan(card, ledger=FakeLedger({"org/base": model_version("org/base")}))
    signed = json.dumps([s.to_json() for s in result.statements], ensure_ascii=False)
    assert result.importable, result.problems
    for key, value in card.metadata.items():
        row = row_for(key)
        shown = json.dumps(value, ensure_ascii=False)
        if row.status == "dropped":
            assert any(line.startswith(f"{key}: ") for line in result.dropped), key
            assert shown.strip('"[]') not in signed, key
        elif row.status == "approximated":
            assert any(key in warning for warning in result.warnings), key
        else:
            assert not any(line.startswith(f"{key}: ") for line in result.dropped), key
    # the carried fields, where the table says they go
    assert grants(result)["acme/m/weights"] == {
        "licence": "LicenseRef-Acme-Terms",
        "uri": "https://example.org/acme-terms",
    }
    assert registered(result)["acme/m/weights"]["availability"] == "gated"
    assert registered(result)["acme/m/weights"]["name"] == "Acme Model weights"
    assert registered(result)["acme/m/model-card"]["name"] == "Acme heading"
    assert "hf-datasets/org/dataset-one" in registered(result)
    data = released(result)
    assert (data["name"], data["base_model"]) == ("Acme Model", "org/base")
    assert data["components"]["datasets"] == ["hf-datasets/org/dataset-one"]
    assert "org/other-base" not in signed
    assert [run.data["datasets"] for run in of_type(result, "TrainingRunRecorded")] == [
        ["hf-datasets/org/dataset-one"]
    ]
    assert "inference-code" not in data["components"]  # librarian-xyz is no known library


def test_the_readme_section_shows_the_table_from_the_code() -> None:
    table = mapping_table_markdown()
    assert len(table.splitlines()) == len(MAPPING) + 2
    for row in MAPPING:
        assert row.status in table
    section = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table in section, (
        "regenerate the table: services.hf_import.importer.mapping_table_markdown()"
    )


def test_pipeline_tags_become_modalities_and_unknown_ones_are_named() -> None:
    assert modalities("automatic-speech-recognition") == {"input": ["audio"], "output": ["text"]}
    assert modalities("image-classification") == {"input": ["image"], "output": ["other"]}
    assert modalities("text-to-image") == {"input": ["text"], "output": ["image"]}
    assert modalities("robot-dancing") is None
    assert modalities(None) is None
    for inputs, outputs in MODALITIES.values():  # every row is a valid description
        STATEMENT_TYPES["ModelVersionDescribed"].schema(
            {"modalities": {"input": list(inputs), "output": list(outputs)}}, "data"
        )
