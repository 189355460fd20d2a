"""Rules 9 and 10 (DESIGN.md §2, §3, §6): grants in force — withdrawn, effective later,
re-granted, with and without ``at`` — and ``LicenceDefined`` terms for custom ids."""

from __future__ import annotations

import pytest

from tests.assessment_builders import (
    FREE_TERMS,
    MODEL,
    NON_COMMERCIAL_TERMS,
    WEIGHTS,
    LedgerBuilder,
    blockers,
    open_model,
    statuses,
)

Y2024 = "2024-01-01T00:00:00Z"
Y2025 = "2025-01-01T00:00:00Z"
Y2026 = "2026-01-01T00:00:00Z"


def bare_weights() -> LedgerBuilder:
    """The open model with its weights registered but not (yet) granted any licence."""
    builder = open_model(weights=None).artefact(WEIGHTS, "parameters", "model-parameters")
    return builder.attach(MODEL, "model-parameters", WEIGHTS)


def use(builder: LedgerBuilder, at: str | None = None) -> str:
    return statuses(builder.assess(at=at))["use"]


# -- rule 9: withdrawn and multiple grants --------------------------------------------------------


def test_a_withdrawn_grant_no_longer_counts() -> None:
    """Rule 9: a LicenceWithdrawn removes that grant: no licence in force → unknown, and
    the blocker cites the withdrawal."""
    builder = bare_weights().grant(WEIGHTS, "MIT").withdraw(WEIGHTS, "MIT").tag("withdrawal")
    document = builder.assess()
    assert statuses(document)["use"] == "unknown"
    [blocker] = blockers(document, "use")
    assert blocker["licence"] is None
    assert builder.ids["withdrawal"] in blocker["evidence"]


@pytest.mark.parametrize(
    ("withdrawn", "status"), [("MIT", "restricted"), ("CC-BY-NC-4.0", "granted")]
)
def test_withdrawal_removes_only_the_grant_it_names(withdrawn: str, status: str) -> None:
    """Rule 9: of two grants in force (NC, MIT), withdrawing one leaves the other."""
    builder = bare_weights().grant(WEIGHTS, "CC-BY-NC-4.0").grant(WEIGHTS, "MIT")
    assert use(builder) == "granted"
    assert use(builder.withdraw(WEIGHTS, withdrawn)) == status


@pytest.mark.parametrize(("at", "status"), [("2025-06-01T00:00:00Z", "unknown"), (None, "granted")])
def test_a_grant_effective_later_than_at_does_not_apply(at: str | None, status: str) -> None:
    """Rule 9: with ``at``, a grant effective after ``at`` is not in force; without ``at``
    every recorded fact counts."""
    builder = bare_weights().grant(WEIGHTS, "MIT", effective_at=Y2026)
    assert use(builder, at) == status


@pytest.mark.parametrize(
    ("at", "status"),
    [("2025-06-01T00:00:00Z", "granted"), ("2026-06-01T00:00:00Z", "unknown"), (None, "unknown")],
)
def test_a_withdrawal_effective_later_than_at_does_not_remove_the_grant(
    at: str | None, status: str
) -> None:
    """Rule 9: a withdrawal ends a grant from its effective_at on, not before."""
    builder = bare_weights().grant(WEIGHTS, "MIT", effective_at=Y2024)
    builder.withdraw(WEIGHTS, "MIT", effective_at=Y2026)
    assert use(builder, at) == status


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (None, "granted"),
        ("2024-06-01T00:00:00Z", "granted"),
        ("2025-06-01T00:00:00Z", "unknown"),
        ("2026-06-01T00:00:00Z", "granted"),
    ],
)
def test_regranting_after_a_withdrawal_works(at: str | None, status: str) -> None:
    """Rule 9: grant (2024), withdraw (2025), grant the same licence again (2026)."""
    builder = bare_weights().grant(WEIGHTS, "MIT", effective_at=Y2024)
    builder.withdraw(WEIGHTS, "MIT", effective_at=Y2025)
    builder.grant(WEIGHTS, "MIT", effective_at=Y2026)
    assert use(builder, at) == status


# -- rule 10: LicenceDefined ----------------------------------------------------------------------

ACME = "LicenseRef-Acme-Open"


def test_a_defined_custom_licence_uses_its_terms() -> None:
    """Rule 10: a defined LicenseRef with free terms is granted; undefined it is unknown."""
    assert use(bare_weights().grant(WEIGHTS, ACME)) == "unknown"
    assert use(bare_weights().define(ACME, FREE_TERMS).grant(WEIGHTS, ACME)) == "granted"


def test_restrictive_defined_terms_are_cited_in_blocker_evidence() -> None:
    """Rule 10: a restrictive definition limits use, and the blocker cites the
    LicenceDefined event as well as the grant."""
    builder = bare_weights().define(ACME, NON_COMMERCIAL_TERMS).tag("definition")
    builder.grant(WEIGHTS, ACME)
    document = builder.assess()
    assert statuses(document)["use"] == "restricted"
    [blocker] = blockers(document, "use")
    assert blocker["licence"] == ACME
    assert builder.ids["definition"] in blocker["evidence"]
    assert builder.find("LicenceGranted", WEIGHTS) in blocker["evidence"]


@pytest.mark.parametrize(
    ("first", "second", "status"),
    [
        (NON_COMMERCIAL_TERMS, FREE_TERMS, "granted"),
        (FREE_TERMS, NON_COMMERCIAL_TERMS, "restricted"),
    ],
)
def test_a_redefinition_replaces_the_terms(
    first: dict[str, object], second: dict[str, object], status: str
) -> None:
    """Rule 10: the latest LicenceDefined for an id gives its terms."""
    builder = bare_weights().grant(WEIGHTS, ACME).define(ACME, first).define(ACME, second)
    assert use(builder) == status
    if status == "restricted":
        [blocker] = blockers(builder.assess(), "use")
        assert builder.find("LicenceDefined", ACME) in blocker["evidence"]


def test_a_definition_effective_later_than_at_does_not_apply() -> None:
    """Rule 10 with ``at``: a definition is a world fact; before it, the id is unknown."""
    builder = bare_weights().grant(WEIGHTS, ACME).define(ACME, FREE_TERMS, effective_at=Y2026)
    assert use(builder, "2025-06-01T00:00:00Z") == "unknown"
    assert use(builder, "2026-06-01T00:00:00Z") == "granted"


def test_a_definition_overrides_a_built_in_licence() -> None:
    """Rule 10: an (operator's) LicenceDefined for a built-in LicenseRef replaces its terms."""
    builder = bare_weights().grant(WEIGHTS, "LicenseRef-Llama-2-Community")
    assert use(builder) == "restricted"
    assert use(builder.define("LicenseRef-Llama-2-Community", FREE_TERMS)) == "granted"
