"""Rules 6 and 7 (DESIGN.md §6): training-data rights along ``DatasetDerived`` lineage
(surfaced as warnings, or binding the weights under ``data-propagates``), and OSAID data
information."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from tests.assessment_builders import (
    DATA,
    LedgerBuilder,
    blockers,
    blockers_on,
    open_model,
    statuses,
)

BOUND = ("use", "modify", "share")


def lineage(rights: str, depth: int = 1) -> LedgerBuilder:
    """The open model whose dataset was derived from ``p1`` ← ``p2`` ← …; the last ancestor
    holds a data source ``crawl`` with ``rights``. Every dataset is CC-BY-4.0."""
    builder = LedgerBuilder()
    ancestors = [f"p{i}" for i in range(1, depth + 1)]
    for dataset in ancestors:
        builder.artefact(dataset, "dataset", "datasets", licence="CC-BY-4.0")
    builder.source(ancestors[-1], "crawl", rights)
    for child, parent in pairwise(ancestors):
        builder.derive(child, [parent])
    open_model(builder)
    return builder.derive(DATA, [ancestors[0]])


def warning_reasons(document: dict[str, Any]) -> list[str]:
    return [w["reason"] for w in document["warnings"]]


# -- rule 6: dataset lineage and training-data rights ----------------------------------------------


@pytest.mark.parametrize("rights", ["copyrighted-unlicensed", "personal-data"])
@pytest.mark.parametrize("depth", [1, 2])
def test_problem_rights_in_the_lineage_are_warnings_under_default(rights: str, depth: int) -> None:
    """Rule 6: under ``default`` a parent's copyrighted-unlicensed or personal-data source
    appears in ``warnings`` with the DataSourceAdded event id; verdicts are unchanged."""
    builder = lineage(rights, depth)
    document = builder.assess()
    source_event = builder.find("DataSourceAdded", f"p{depth}")
    [warning] = document["warnings"]
    assert "crawl" in warning["reason"]
    assert f"p{depth}" in warning["reason"]
    assert warning["evidence"] == [source_event]
    assert document["freedoms"] == lineage("licensed", depth).assess()["freedoms"]


@pytest.mark.parametrize("rights", ["copyrighted-unlicensed", "personal-data"])
@pytest.mark.parametrize("depth", [1, 2])
def test_problem_rights_restrict_use_modify_share_under_data_propagates(
    rights: str, depth: int
) -> None:
    """Rule 6: under ``data-propagates`` the same source is a restricted blocker on use,
    modify and share (not on study), and no longer a warning."""
    builder = lineage(rights, depth)
    document = builder.assess(policy="data-propagates")
    source_event = builder.find("DataSourceAdded", f"p{depth}")
    for freedom in BOUND:
        assert statuses(document)[freedom] == "restricted"
        [blocker] = blockers_on(document, freedom, f"p{depth}")
        assert blocker["component"] == "datasets"
        assert blocker["evidence"] == [source_event]
    assert statuses(document)["study"] == "granted"
    assert document["warnings"] == []


def test_unproblematic_rights_do_not_surface() -> None:
    """Rule 6 (contrast): licensed or public-domain sources are neither warnings nor
    blockers."""
    for rights in ("licensed", "public-domain"):
        builder = lineage(rights)
        assert builder.assess()["warnings"] == []
        assert statuses(builder.assess(policy="data-propagates"))["use"] == "granted"


def test_a_dataset_outside_the_lineage_does_not_surface() -> None:
    """Rule 6: lineage follows DatasetDerived: a dataset the training data was not derived
    from is not read, whatever its sources."""
    builder = LedgerBuilder().artefact("elsewhere", "dataset", "datasets", licence="CC-BY-4.0")
    builder.source("elsewhere", "crawl", "personal-data")
    open_model(builder)
    assert builder.assess()["warnings"] == []
    assert statuses(builder.assess(policy="data-propagates"))["use"] == "granted"


def test_a_non_commercial_dataset_licence_is_a_warning_under_default() -> None:
    """Rule 6: an NC dataset licence is surfaced as a warning (citing the grant); verdicts
    are those of an open dataset licence."""
    builder = open_model(dataset_licence="CC-BY-NC-4.0")
    document = builder.assess()
    assert document["warnings"]
    assert any("no commercial use" in reason for reason in warning_reasons(document))
    for warning in document["warnings"]:
        assert DATA in warning["reason"]
        assert warning["evidence"] == [builder.find("LicenceGranted", DATA)]
    assert document["freedoms"] == open_model().assess()["freedoms"]


def test_a_non_commercial_dataset_licence_restricts_use_under_data_propagates() -> None:
    """Rule 6: under ``data-propagates`` the NC dataset licence binds the weights."""
    builder = open_model(dataset_licence="CC-BY-NC-4.0")
    document = builder.assess(policy="data-propagates")
    assert statuses(document)["use"] == "restricted"
    nc = blockers_on(document, "use", DATA)
    assert nc
    assert {b["licence"] for b in nc} == {"CC-BY-NC-4.0"}
    assert all(builder.find("LicenceGranted", DATA) in b["evidence"] for b in nc)
    assert statuses(open_model().assess(policy="data-propagates"))["use"] == "granted"


# -- rule 7: data information ---------------------------------------------------------------------


def data_information_unmet(document: dict[str, Any]) -> list[dict[str, Any]]:
    unmet = document["frameworks"]["osaid-1.0"]["unmet"]
    return [u for u in unmet if u["requirement"] == "data-information"]


@pytest.mark.parametrize("availability", ["public", "gated", "on-request", "described"])
def test_data_information_is_met_by_obtainable_or_described_datasets(availability: str) -> None:
    """Rule 7: runs naming datasets that are all public/gated/on-request/described meet data
    information: study and modify are not blocked by data, OSAID data-information is met."""
    document = open_model(datasets={"m/a": "public", "m/b": availability}).assess()
    assert statuses(document)["study"] == "granted"
    assert statuses(document)["modify"] == "granted"
    assert data_information_unmet(document) == []


def test_an_undisclosed_dataset_restricts_study_and_modify_and_fails_osaid() -> None:
    """Rule 7: one undisclosed training dataset → study and modify restricted with a blocker
    on it, and OSAID data-information unmet naming only that dataset."""
    builder = open_model(datasets={"m/open": "public", "m/secret": "undisclosed"})
    document = builder.assess()
    for freedom in ("study", "modify"):
        assert statuses(document)[freedom] == "restricted"
        [blocker] = blockers(document, freedom)
        assert (blocker["artefact"], blocker["component"]) == ("m/secret", "datasets")
        assert blocker["evidence"] == [builder.find("ArtefactRegistered", "m/secret")]
    [unmet] = data_information_unmet(document)
    assert unmet["artefacts"] == ["m/secret"]
    assert "undisclosed" in unmet["reason"]


def test_no_training_run_makes_data_information_unknown() -> None:
    """Rule 7: with no training run recorded nothing is known of the data: study and modify
    unknown (blocker on component datasets), OSAID data-information unmet."""
    document = open_model(run=False).assess()
    assert statuses(document)["study"] == "unknown"
    assert statuses(document)["modify"] == "unknown"
    assert any(b["component"] == "datasets" for b in blockers(document, "study"))
    assert data_information_unmet(document)


def test_runs_naming_no_dataset_make_data_information_unknown() -> None:
    """Rule 7: the runs must name at least one dataset."""
    document = open_model(datasets={}).assess()
    assert statuses(document)["study"] == "unknown"
    assert data_information_unmet(document)


def test_the_base_models_runs_count_for_a_fine_tune_without_runs() -> None:
    """Rule 7: the base's runs (and their public datasets) give a run-less fine-tune its data
    information."""
    builder = open_model(prefix="a")
    open_model(builder, prefix="b", base_model="a@1", run=False)
    document = builder.assess("b@1")
    assert statuses(document)["study"] == "granted"
    assert data_information_unmet(document) == []


def test_an_undisclosed_dataset_of_the_base_fails_the_fine_tune() -> None:
    """Rule 7: the base's runs count: its undisclosed dataset fails the fine-tune's data
    information even though the fine-tune's own data is public."""
    builder = open_model(prefix="a", datasets={"a/secret": "undisclosed"})
    open_model(builder, prefix="b", base_model="a@1")
    document = builder.assess("b@1")
    assert statuses(document)["study"] == "restricted"
    [unmet] = data_information_unmet(document)
    assert unmet["artefacts"] == ["a/secret"]


def test_a_training_dataset_unknown_at_the_date_asked_is_cited_with_evidence() -> None:
    """Rule 7: a run naming a dataset not recorded at ``at`` leaves data information
    unknown, and the blocker cites the run that names the dataset."""
    builder = LedgerBuilder().artefact(
        "late", "dataset", "datasets", licence="MIT", effective_at="2025-01-01T00:00:00Z"
    )
    open_model(builder, datasets={})
    builder.run("m/run2", datasets=["late"])
    builder.model("m@2", {"model-parameters": ["m/weights"]}, ["m/run2"])
    document = builder.assess("m@2", at="2024-06-01T00:00:00Z")
    assert statuses(document)["study"] == "unknown"
    [blocker] = blockers_on(document, "study", "late")
    assert builder.find("TrainingRunRecorded", "m/run2") in blocker["evidence"]
