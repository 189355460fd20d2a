"""The importer gives answers, not unknowns, where the card says enough: ``library_name`` as
inference code (and architecture), licences resolved case-insensitively and through their
Hugging Face names, lists of licences as alternatives, the base found under another id, the
card's datasets as a training run, and what to record next for each unknown that is left."""

from __future__ import annotations

from typing import Any

import pytest

from domain.statement import parse_statement
from services.hf_import.importer import ImportOptions, ImportPlan, ModelIds, plan_import
from services.hf_import.libraries import LIBRARIES, libraries_table_markdown, library_for
from services.hf_import.next_steps import Commands, next_steps, planned_assessment
from tests.unit.test_hf_import import (
    ROOT,
    WHEN,
    FakeLedger,
    grants,
    inline,
    model_version,
    of_type,
    plan,
    registered,
    released,
)

TRANSFORMERS = "hf-libraries/transformers"


def with_options(card: Any, ledger: FakeLedger, **options: Any) -> ImportPlan:
    return plan_import(
        card,
        ModelIds.parse("acme/m"),
        effective_at=WHEN,
        issued_at=WHEN,
        ledger=ledger,
        options=ImportOptions(**options),
    )


def answers(result: ImportPlan) -> dict[str, str]:
    document = planned_assessment(result)
    return {f: answer["status"] for f, answer in document["freedoms"].items()}


# -- library_name ------------------------------------------------------------------------------


@pytest.mark.parametrize("licence", ["apache-2.0", "mit"])
def test_a_permissive_card_with_transformers_can_be_used(licence: str) -> None:
    """The issue's first case: use was always unknown, as no card yields inference code."""
    result = plan(inline(f"license: {licence}\nlibrary_name: transformers"))
    components = released(result)["components"]
    assert components["inference-code"] == [TRANSFORMERS]
    assert components["model-architecture"] == [TRANSFORMERS]
    assert registered(result)[TRANSFORMERS] == {
        "kind": "code",
        "component": "inference-code",
        "name": "Hugging Face Transformers (library)",
        "uri": "https://github.com/huggingface/transformers",
        "availability": "public",
    }
    assert grants(result)[TRANSFORMERS] == {"licence": "Apache-2.0"}
    assert answers(result)["use"] in ("granted", "conditional")
    without = plan(inline(f"license: {licence}"))
    assert answers(without)["use"] == "unknown"


def test_a_library_that_only_runs_weights_is_not_the_architecture() -> None:
    result = plan(inline("license: mit\nlibrary_name: sentence-transformers"))
    components = released(result)["components"]
    assert components["inference-code"] == ["hf-libraries/sentence-transformers"]
    assert "model-architecture" not in components


def test_custom_code_keeps_the_architecture_out_of_the_library() -> None:
    result = plan(inline("license: mit\nlibrary_name: transformers\ntags: [custom_code]"))
    assert "model-architecture" not in released(result)["components"]
    assert any("custom_code" in w for w in result.warnings)


def test_an_unknown_library_records_nothing_and_says_so() -> None:
    result = plan(inline("license: mit\nlibrary_name: my-own-runner"))
    assert "inference-code" not in released(result)["components"]
    assert any(
        "'my-own-runner' is not in the table of known libraries" in w for w in result.warnings
    )


def test_a_library_recorded_by_an_earlier_import_is_referenced() -> None:
    known = {
        "kind": "artefact",
        "state": {"kind": "code", "uri": "https://github.com/huggingface/transformers"},
    }
    result = plan(
        inline("license: mit\nlibrary_name: Transformers"),
        ledger=FakeLedger({TRANSFORMERS: known}),
    )
    assert result.importable
    assert TRANSFORMERS not in registered(result)
    assert released(result)["components"]["inference-code"] == [TRANSFORMERS]


def test_the_library_table_is_one_table_in_code_and_readme() -> None:
    assert len({library.name for library in LIBRARIES}) == len(LIBRARIES)
    for library in LIBRARIES:
        assert library_for(library.name.upper()) == library
        assert library.repository.startswith("https://")
        assert "inference-code" in library.provides
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert libraries_table_markdown() in readme, "regenerate: libraries_table_markdown()"


# -- licences ----------------------------------------------------------------------------------


def test_google_gemma_card_is_granted_the_catalogues_gemma_terms() -> None:
    """The issue's second case: the card's license_name is the catalogue's Gemma terms."""
    card = inline(
        "license: other\nlicense_name: gemma-terms-of-use\n"
        "license_link: https://ai.google.dev/gemma/terms\nlibrary_name: transformers\n"
        "extra_gated_heading: Access Gemma on Hugging Face"
    )
    result = plan(card)
    assert {g["licence"] for s, g in grants(result).items() if s != TRANSFORMERS} == {
        "LicenseRef-Gemma-Terms-of-Use"
    }
    assert result.licences_to_define == ()
    assert answers(result)["use"] == "restricted"


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("license: other\nlicense_name: llama3", "LicenseRef-Llama-3-Community"),
        ("license: other\nlicense_name: Llama3.1", "LicenseRef-Llama-3.1-Community"),
        ("license: other\nlicense_name: mrl", "LicenseRef-Mistral-Research-0.1"),
        ("license: other\nlicense_name: ODbL-1.0", "ODbL-1.0"),
        ("license: Apache-2.0", "Apache-2.0"),
        ("license: GEMMA", "LicenseRef-Gemma-Terms-of-Use"),
    ],
)
def test_licence_ids_and_names_resolve_case_insensitively(front_matter: str, expected: str) -> None:
    result = plan(inline(front_matter))
    assert result.importable, result.problems
    assert grants(result)["acme/m/weights"]["licence"] == expected


def test_a_custom_licence_the_ledger_defines_is_written_as_the_ledger_spells_it() -> None:
    ledger = FakeLedger(licences={"LicenseRef-Acme-TERMS"})
    result = plan(inline("license: other\nlicense_name: acme-terms"), ledger=ledger)
    assert grants(result)["acme/m/weights"]["licence"] == "LicenseRef-Acme-TERMS"
    assert result.licences_to_define == ()


def test_an_unknown_custom_licence_is_granted_as_unknown_with_a_template() -> None:
    result = plan(inline("license: other\nlicense_name: tongyi-qianwen"))
    assert grants(result)["acme/m/weights"]["licence"] == "LicenseRef-Tongyi-Qianwen"
    (licence,) = result.licences_to_define
    assert licence.id == "LicenseRef-Tongyi-Qianwen"
    assert answers(result)["use"] == "unknown"


def test_a_list_of_licences_is_granted_as_alternatives() -> None:
    result = plan(inline("license: [apache-2.0, mit]\nlibrary_name: transformers"))
    weights = [s.data["licence"] for s in of_type(result, "LicenceGranted")]
    assert weights.count("Apache-2.0") == 3  # weights, card, library
    assert weights.count("MIT") == 2
    assert any("granted as alternatives" in w for w in result.warnings)
    assert answers(result)["use"] == "granted"


@pytest.mark.parametrize(
    ("front_matter", "fix"),
    [
        ("license: [llama2, other]", "add `license_name: "),
        ("license: [mit, bsd]", "change the card to the exact licence: `license: bsd-3-clause`"),
        ("license: openrail++", "`license_name: openrail++`"),
    ],
)
def test_a_licence_that_cannot_be_granted_is_refused_with_the_fix(
    front_matter: str, fix: str
) -> None:
    result = plan(inline(front_matter))
    assert not result.importable
    (problem,) = result.problems
    assert problem.kind == "unmapped"
    assert "Fix: " in problem.message
    assert fix in problem.message
    assert not of_type(result, "LicenceGranted")


def test_a_list_with_other_and_a_name_resolves_both() -> None:
    result = plan(inline("license: [llama2, other]\nlicense_name: acme-addendum"))
    assert result.importable
    licences = {s.data["licence"] for s in of_type(result, "LicenceGranted")}
    assert licences == {"LicenseRef-Llama-2-Community", "LicenseRef-Acme-Addendum"}


# -- the base model ------------------------------------------------------------------------------


def test_base_model_flag_names_the_base_under_its_ledger_id() -> None:
    """The issue's third case: the demo records Mistral 7B as mistralai/mistral-7b@0.1."""
    ledger = FakeLedger({"mistralai/mistral-7b@0.1": model_version("mistralai/mistral-7b@0.1")})
    card = inline("license: mit\nbase_model: mistralai/Mistral-7B-v0.1")
    assert [p.kind for p in plan(card, ledger=ledger).problems] == ["missing-base"]
    result = with_options(card, ledger, base_model="mistralai/mistral-7b@0.1")
    assert result.importable
    assert released(result)["base_model"] == "mistralai/mistral-7b@0.1"
    refused = with_options(card, ledger, base_model="nobody/else@1")
    assert [p.kind for p in refused.problems] == ["missing-base"]


def test_a_base_is_found_by_its_hub_uri() -> None:
    ledger = FakeLedger(
        {"mistralai/mistral-7b@0.1": model_version("mistralai/mistral-7b@0.1")},
        weights={"https://huggingface.co/mistralai/mistral-7b-v0.1": ["mistralai/mistral-7b@0.1"]},
    )
    result = plan(inline("license: mit\nbase_model: mistralai/Mistral-7B-v0.1"), ledger=ledger)
    assert result.importable, result.problems
    assert released(result)["base_model"] == "mistralai/mistral-7b@0.1"
    assert any("is recorded as mistralai/mistral-7b@0.1" in w for w in result.warnings)


def test_a_base_matching_several_models_by_uri_asks_for_the_flag() -> None:
    uri = "https://huggingface.co/org/base"
    ledger = FakeLedger(weights={uri: ["a@1", "b@1"]})
    result = plan(inline("license: mit\nbase_model: org/base"), ledger=ledger)
    (problem,) = result.problems
    assert "--base-model" in problem.message


def test_the_same_hub_repository_is_not_recorded_twice() -> None:
    """Importing the base card again would make a second Mistral 7B with another answer."""
    uri = "https://huggingface.co/mistralai/mistral-7b-v0.1"
    ledger = FakeLedger(weights={uri: ["mistralai/mistral-7b@0.1"]})
    result = plan_import(
        inline("license: apache-2.0"),
        ModelIds.parse("mistralai/Mistral-7B-v0.1"),
        effective_at=WHEN,
        issued_at=WHEN,
        ledger=ledger,
    )
    (problem,) = result.problems
    assert problem.kind == "conflict"
    assert "already recorded as model version mistralai/mistral-7b@0.1" in problem.message
    again = plan_import(
        inline("license: apache-2.0"),
        ModelIds.parse("mistralai/Mistral-7B-v0.1@v2"),
        effective_at=WHEN,
        issued_at=WHEN,
        ledger=ledger,
    )
    assert again.importable  # another revision has another URI


# -- training runs and next steps ------------------------------------------------------------


def test_training_runs_given_must_be_recorded_runs() -> None:
    run = {"id": "acme/run", "kind": "training-run", "state": {}}
    card = inline("license: mit")
    result = with_options(card, FakeLedger({"acme/run": run}), training_runs=("acme/run",))
    assert result.importable
    assert released(result)["training_runs"] == ["acme/run"]
    refused = with_options(card, FakeLedger(), training_runs=("acme/run",))
    assert "--training-run acme/run is not recorded" in refused.problems[0].message


def test_datasets_give_data_information_and_every_statement_is_valid() -> None:
    result = plan(inline("license: mit\nlibrary_name: transformers\ndatasets: [org/data]"))
    for statement in result.statements:
        assert parse_statement(statement.canonical_bytes()) == statement
    document = planned_assessment(result)
    assert document["frameworks"]["osaid-1.0"]["unmet"][0]["requirement"] == "code"
    rows = {r["artefact"]: r["status"] for r in document["freedoms"]["study"]["artefacts"]}
    assert rows["hf-datasets/org/data"] == "granted"


def test_next_steps_name_what_to_record_for_each_unknown() -> None:
    result = plan(inline("license: other\nlicense_name: acme-terms"))
    steps = next_steps(
        planned_assessment(result), result.ids, Commands("alice"), result.licences_to_define
    )
    text = "\n".join(steps)
    assert "LicenseRef-Acme-Terms is not defined" in text
    assert "--type LicenceDefined --subject LicenseRef-Acme-Terms" in text
    assert "no inference-code is recorded" in text
    assert "--type ComponentAttached --subject acme/m" in text
    assert "no training-code is recorded" in text
    assert "no training run names the training data" in text
    assert all(step.split(" unknown: ")[0] for step in steps)


def test_nothing_unknown_means_no_steps() -> None:
    restricted = {"blockers": [{"status": "restricted"}]}
    answer = {"freedoms": dict.fromkeys(("use", "study", "modify", "share"), restricted)}
    assert next_steps(answer, ModelIds.parse("acme/m"), Commands()) == [
        "nothing is unknown: every freedom has an answer"
    ]
