"""Rules 14 and 15 (DESIGN.md §6, §7): the assessment is a deterministic function of the
statements, and it reads only the model's closure — so the closure alone (a provenance
bundle) gives the same bytes."""

from __future__ import annotations

import pytest

from domain.assessment.closure import closure
from domain.assessment.report import UnknownModel, answer, answers, assess
from domain.canonical import canonical_json
from domain.encoding import parse_utc_time
from tests.assessment_builders import (
    AUDITOR,
    CUDA_DRIVER,
    DATA,
    FREE_TERMS,
    MODEL,
    NON_COMMERCIAL_TERMS,
    PUBLISHER,
    RUN,
    WEIGHTS,
    LedgerBuilder,
    key,
    open_model,
    world_of,
)

POLICIES = ["default", "hardware-aside", "data-propagates"]
MALLORY = key("mallory")
DEPUTY = key("deputy operator")  # enrolled by the configured operator; enrols Mallory
GLOBEX = key("globex")


def rich_world() -> LedgerBuilder:
    """``m@1`` fine-tuned on ``a@1``, with every kind of fact the closure must follow, and an
    unrelated ``x@1`` (signed by Globex) with facts the closure must leave out."""
    b = LedgerBuilder()
    b.enrol(PUBLISHER).enrol(AUDITOR, roles=("auditor",)).enrol(DEPUTY, roles=("operator",))
    b.enrol(MALLORY, signers=(DEPUTY,)).enrol(GLOBEX, "globex")
    b.define("LicenseRef-Acme-Base", NON_COMMERCIAL_TERMS)
    b.define("LicenseRef-Acme-Driver", FREE_TERMS)
    b.define("LicenseRef-Acme-Data", NON_COMMERCIAL_TERMS)
    b.define("LicenseRef-Globex", FREE_TERMS, signers=(GLOBEX,))
    open_model(b, prefix="a", weights="LicenseRef-Acme-Base", hardware=[CUDA_DRIVER])
    b.artefact("p", "dataset", "datasets", licence="CC-BY-4.0")
    b.source("p", "crawl", "personal-data", licence="LicenseRef-Acme-Data")
    b.artefact("gp", "dataset", "datasets", licence="CC0-1.0").derive("p", ["gp"])
    b.artefact("proc", "code", "data-preprocessing-code", licence="MIT")
    b.artefact("bp", "parameters", "model-parameters", licence="Apache-2.0")
    hardware = [("driver", "acc", "Acme", "LicenseRef-Acme-Driver")]
    open_model(b, hardware=hardware, base_model="a@1", base_parameters="bp")
    b.derive(DATA, ["p"], "proc")
    b.artefact("m/card", "documentation", "model-card", licence="CC-BY-4.0")
    b.attach(MODEL, "model-card", "m/card")
    b.grant(DATA, "MIT", signers=(MALLORY,), issued_at="2024-06-01T00:00:00Z")
    b.revoke(MALLORY, "2024-05-01T00:00:00Z", effective_at="2024-07-01T00:00:00Z")
    b.claim(WEIGHTS).claim("gp", "undisclosed-training-data").claim(RUN).tag("run claim")
    b.retract(RUN, b.ids["run claim"])
    b.claim("a/weights", "licence-misattributed")
    # the unrelated model, sharing nothing with m@1
    open_model(b, prefix="x", weights="LicenseRef-Globex", signers=(GLOBEX,))
    b.artefact("xp", "dataset", "datasets", licence="CC-BY-4.0", signers=(GLOBEX,))
    b.derive("x/data", ["xp"], signers=(GLOBEX,))
    return b.claim("x/weights").claim("xp")


IN_CLOSURE = {
    MODEL,
    WEIGHTS,
    "m/train",
    "m/infer",
    DATA,
    RUN,
    "m/hw",
    "m/card",
    "a@1",
    "a/weights",
    "a/train",
    "a/infer",
    "a/data",
    "a/run",
    "a/hw",
    "p",
    "gp",
    "proc",
    "bp",
    "LicenseRef-Acme-Base",
    "LicenseRef-Acme-Driver",
    "LicenseRef-Acme-Data",
    PUBLISHER,
    AUDITOR,
    MALLORY,
    DEPUTY,
}
OUT_OF_CLOSURE = {
    "x@1",
    "x/weights",
    "x/train",
    "x/infer",
    "x/data",
    "x/run",
    "xp",
    "LicenseRef-Globex",
    GLOBEX,
}


# -- rule 14: determinism ---------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_the_same_statements_give_the_same_bytes(policy: str) -> None:
    """Rule 14: two worlds built from the same statements give identical canonical JSON."""
    first = canonical_json(rich_world().assess(policy=policy))
    second = canonical_json(rich_world().assess(policy=policy))
    assert first == second


@pytest.mark.parametrize("policy", POLICIES)
def test_the_order_of_unrelated_models_does_not_matter(policy: str) -> None:
    """Rule 14: adding an unrelated model before or after gives the same bytes."""
    before = open_model(prefix="x", weights="CC-BY-NC-4.0", hardware=[CUDA_DRIVER])
    before.claim("x/weights")
    open_model(before, datasets={"m/data": "public", "m/secret": "undisclosed"})
    after = open_model(datasets={"m/data": "public", "m/secret": "undisclosed"})
    open_model(after, prefix="x", weights="CC-BY-NC-4.0", hardware=[CUDA_DRIVER])
    after.claim("x/weights")
    assert canonical_json(before.assess(policy=policy)) == canonical_json(
        after.assess(policy=policy)
    )


def test_a_models_policies_answered_together_give_each_policys_own_bytes() -> None:
    """``answers`` shares the closure, the catalogue and its remembered verdicts between
    policies (the audit's recomputation); each answer is still ``answer``'s."""
    world = rich_world().world()
    for model in (MODEL, "a@1"):
        alone = [answer(world, model, policy)[0] for policy in POLICIES]
        assert answers(world, model, POLICIES) == alone
        assert answers(world, model, list(reversed(POLICIES))) == alone[::-1]


def test_the_report_names_its_inputs_and_no_computation_time() -> None:
    """Rule 14: the document holds the model, policy, as_of and at it was asked for, and
    nothing else that could vary between runs."""
    document = open_model().assess(policy="hardware-aside", at="2024-06-01T00:00:00Z")
    assert set(document) == {"model", "policy", "as_of", "at", "freedoms", "frameworks", "warnings"}
    assert (document["model"], document["policy"], document["at"]) == (
        MODEL,
        "hardware-aside",
        "2024-06-01T00:00:00Z",
    )


def test_an_unknown_model_raises() -> None:
    """Rule 14: assess raises UnknownModel for a model not in the world."""
    with pytest.raises(UnknownModel):
        open_model().assess("nope@1")


def test_a_model_not_yet_effective_at_raises() -> None:
    """Rule 14: a model released (effective) after ``at`` is not in that world."""
    builder = open_model(effective_at="2025-01-01T00:00:00Z")
    with pytest.raises(UnknownModel):
        builder.assess(at="2024-06-01T00:00:00Z")
    assert builder.assess(at="2025-06-01T00:00:00Z")["model"] == MODEL


# -- rule 15: the closure ---------------------------------------------------------------------


def test_the_closure_holds_every_statement_the_model_rests_on() -> None:
    """Rule 15: the model's events, components, runs, datasets and their lineage (parents,
    processing code), base models and base parameters, the LicenceDefined statements of the
    custom ids they name, claims (and retractions) on those subjects, and the signers'
    enrolments and revocations, back to the operator keys (the deputy who enrolled Mallory)."""
    builder = rich_world()
    found = {r.event_id for r in closure(builder.world(), MODEL)}
    expected = {r.event_id for r in builder.recorded if r.statement.subject in IN_CLOSURE}
    assert expected <= found


def test_the_closure_leaves_out_an_unrelated_model() -> None:
    """Rule 15: nothing of the unrelated model (events, licence, claims, signer) is in it."""
    builder = rich_world()
    subjects = {r.statement.subject for r in closure(builder.world(), MODEL)}
    assert subjects == IN_CLOSURE
    assert not subjects & OUT_OF_CLOSURE


def test_the_closure_is_in_log_order() -> None:
    """Rule 15: closure statements come in leaf order (so replaying them folds the same)."""
    indices = [r.leaf_index for r in closure(rich_world().world(), MODEL)]
    assert indices == sorted(indices)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("at", [None, "2024-06-15T00:00:00Z"])
def test_the_closure_alone_gives_the_same_bytes(policy: str, at: str | None) -> None:
    """Rule 15: assessing a world built from only the closure gives the same bytes as the
    full world (the bundle can be re-assessed offline)."""
    builder = rich_world()
    full = builder.world(at)
    moment = parse_utc_time(at) if at is not None else None
    alone = world_of(closure(full, MODEL), moment)
    expected = canonical_json(assess(full, MODEL, policy, 7, at))
    assert canonical_json(assess(alone, MODEL, policy, 7, at)) == expected


def test_the_rich_world_exercises_every_part_of_the_report() -> None:
    """Rule 15 (guard): the closure comparison above is only meaningful if the document is
    not trivial — warnings, blockers and inherited restrictions are all present."""
    document = rich_world().assess()
    reasons = " | ".join(w["reason"] for w in document["warnings"])
    for expected in ("open claim", "reported compromised", "personal data", "no commercial use"):
        assert expected in reasons
    assert document["freedoms"]["use"]["status"] == "restricted"
    assert document["freedoms"]["study"]["status"] == "conditional"


@pytest.mark.parametrize("alias", ["LicenseRef-scancode-llama-2-license-2023", "llama2"])
def test_a_redefinition_reached_through_an_alias_is_in_the_closure(alias: str) -> None:
    """Rule 15: the closure holds the LicenceDefined statements the assessment reads,
    including a definition that overrides the target of an alias."""
    builder = LedgerBuilder().define("LicenseRef-Llama-2-Community", FREE_TERMS)
    open_model(builder, weights=alias)
    full = builder.world()
    alone = world_of(closure(full, MODEL))
    expected = canonical_json(assess(full, MODEL, "default", 1, None))
    assert canonical_json(assess(alone, MODEL, "default", 1, None)) == expected
