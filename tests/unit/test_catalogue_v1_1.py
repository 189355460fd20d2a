"""Catalogue v1.1 (DESIGN.md §11.1): the EU AI Act statements' shapes (422s for bad values) and
who may sign them (403s), through real signed envelopes and the admission state."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.admission import admit
from domain.catalogue import SubjectKind
from domain.envelope import parse_envelope
from domain.ledger_state import LedgerState
from domain.rejections import Rejection, RejectionKind
from domain.statement import parse_statement
from domain.statement_types import STATEMENT_TYPES
from domain.subject_view import SignedStatement, subject_state
from tests.builders import Cast, artefact, envelope
from tests.unit.test_domain_statement import REQUIRED

Document = dict[str, Any]
CRAWLED = {
    "modality": "text",
    "size": {"value": 2e9, "unit": "tokens"},
    "acquisition": "crawled",
    "crawler": "acme/bot",
}


def _record(state: LedgerState, document: Document) -> str:
    parsed = parse_envelope(document)
    statement = admit(state, parsed)
    state.apply(statement, parsed.author, parsed.event_id)
    return parsed.event_id


def _refusal(state: LedgerState, document: Document) -> Rejection:
    with pytest.raises(Rejection) as raised:
        admit(state, parse_envelope(document))
    return raised.value


@pytest.fixture
def cast() -> Cast:
    return Cast()


@pytest.fixture
def state(cast: Cast) -> LedgerState:
    """The small acme model, a model card, and acme's crawler."""
    state = LedgerState.with_operators([cast.operator.public_key()])
    for document in [
        *cast.small_model(),
        artefact(cast.acme, "acme/x/card", "documentation", "model-card"),
        envelope(cast.acme, "CrawlerDescribed", "acme/bot", REQUIRED["CrawlerDescribed"]),
    ]:
        _record(state, document)
    return state


# --- shapes: a value outside its set, a size <= 0, inverted dates ... are 422 -------------

BAD_DATA = [
    ("unknown unit", "DatasetDescribed", {"size": {"value": 1, "unit": "pages"}}),
    ("negative size", "DatasetDescribed", {"size": {"value": -5, "unit": "tokens"}}),
    ("zero size", "DatasetDescribed", {"size": {"value": 0, "unit": "tokens"}}),
    ("unknown acquisition", "DatasetDescribed", {"acquisition": "scraped"}),
    ("crawled without crawler", "DatasetDescribed", {"acquisition": "crawled"}),
    (
        "domains on a public dataset",
        "DatasetDescribed",
        {"domains": [{"domain": "a.eu", "size": 1}]},
    ),
    (
        "collected from after to",
        "DatasetDescribed",
        {"collected": {"from": "2024-05", "to": "2024-01"}},
    ),
    ("bad month", "DatasetDescribed", {"collected": {"from": "2024-13", "to": "2024-12"}}),
    (
        "generator with model and name",
        "DatasetDescribed",
        {"generator_models": [{"model": "a@1", "name": "A"}]},
    ),
    (
        "empty output modalities",
        "ModelVersionDescribed",
        {"modalities": {"input": ["text"], "output": []}},
    ),
    (
        "unknown modality",
        "ModelVersionDescribed",
        {"modalities": {"input": [], "output": ["smell"]}},
    ),
    ("bad knowledge cutoff", "ModelVersionDescribed", {"knowledge_cutoff": "March 2024"}),
    ("unknown price", "ModelVersionDistributed", {"price": "cheap"}),
    ("unknown monetisation", "ModelVersionDistributed", {"monetisation": ["adverts"]}),
    ("bad region", "ModelVersionDistributed", {"excluded_regions": ["Europe"]}),
    ("not a date", "ModelVersionDistributed", {"eu_placed_at": "2025-02-30"}),
    ("sme not a bool", "ProviderDescribed", {"sme": "yes"}),
    ("unknown designation", "SystemicRiskDesignated", {"status": "suspected"}),
    ("unknown stage", "TrainingRunRecorded", {"stage": "warm-up"}),
    ("negative flop", "TrainingRunRecorded", {"compute": {"flop": -1, "method": "reported"}}),
    ("unknown method", "TrainingRunRecorded", {"compute": {"flop": 1e24, "method": "guess"}}),
]


@pytest.mark.parametrize(("name", "type_", "change"), BAD_DATA, ids=[c[0] for c in BAD_DATA])
def test_a_bad_value_is_invalid_statement(name: str, type_: str, change: Document) -> None:
    data = {**REQUIRED[type_], **change}
    with pytest.raises(Rejection) as raised:
        STATEMENT_TYPES[type_].schema(data, "data")
    assert raised.value.kind is RejectionKind.INVALID_STATEMENT, name


def test_a_crawled_dataset_with_its_crawler_and_domains_is_valid() -> None:
    data = {**CRAWLED, "domains": [{"domain": "example.eu", "size": 1e6}], "domain_count": 40}
    STATEMENT_TYPES["DatasetDescribed"].schema(data, "data")


@pytest.mark.parametrize(
    "compute", [{"gpu_hours": 1000}, {"flop": "lots"}, {"flop": 3.8e25, "method": "hardware"}]
)
def test_v1_compute_stays_valid_and_v11_compute_is_accepted(compute: Document) -> None:
    data = {**REQUIRED["TrainingRunRecorded"], "compute": compute, "stage": "pre-training"}
    STATEMENT_TYPES["TrainingRunRecorded"].schema(data, "data")


# --- who may sign ----------------------------------------------------------------------------

DESCRIBED = REQUIRED["ModelVersionDescribed"]


def test_the_owner_describes_its_model_and_may_supersede_it(cast: Cast, state: LedgerState) -> None:
    first = envelope(cast.acme_second, "ModelVersionDescribed", "acme/x@1", DESCRIBED)
    _record(state, first)
    later = {**DESCRIBED, "general_purpose": True, "usage_information": ["acme/x/card"]}
    _record(state, envelope(cast.acme, "ModelVersionDescribed", "acme/x@1", later))


def test_another_organisation_may_not_describe_the_model(cast: Cast, state: LedgerState) -> None:
    document = envelope(cast.globex, "ModelVersionDescribed", "acme/x@1", DESCRIBED)
    assert _refusal(state, document).kind is RejectionKind.NOT_OWNER


def test_describing_an_artefact_as_a_model_is_wrong_kind(cast: Cast, state: LedgerState) -> None:
    document = envelope(
        cast.acme, "ModelVersionDistributed", "acme/x/weights", REQUIRED["ModelVersionDistributed"]
    )
    assert _refusal(state, document).kind is RejectionKind.WRONG_SUBJECT_KIND


def test_usage_information_must_be_recorded(cast: Cast, state: LedgerState) -> None:
    data = {**DESCRIBED, "usage_information": ["acme/x/nowhere"]}
    document = envelope(cast.acme, "ModelVersionDescribed", "acme/x@1", data)
    assert _refusal(state, document).kind is RejectionKind.DANGLING_REFERENCE


PROVIDER = REQUIRED["ProviderDescribed"]


def test_a_provider_is_described_by_its_publishers_or_an_operator_never_a_409(
    cast: Cast, state: LedgerState
) -> None:
    _record(state, envelope(cast.acme, "ProviderDescribed", "acme", PROVIDER))
    _record(state, envelope(cast.operator, "ProviderDescribed", "acme", {**PROVIDER, "sme": False}))
    _record(state, envelope(cast.acme_second, "ProviderDescribed", "acme", PROVIDER, nonce="2"))


def test_another_organisation_may_not_describe_a_provider(cast: Cast, state: LedgerState) -> None:
    document = envelope(cast.globex, "ProviderDescribed", "acme", PROVIDER)
    assert _refusal(state, document).kind is RejectionKind.NOT_OWNER


def test_an_organisation_no_key_is_enrolled_for_is_422(cast: Cast, state: LedgerState) -> None:
    document = envelope(cast.operator, "ProviderDescribed", "initech", PROVIDER)
    assert _refusal(state, document).kind is RejectionKind.DANGLING_REFERENCE


def test_a_crawler_is_owned_by_its_first_describer(cast: Cast, state: LedgerState) -> None:
    again = {**REQUIRED["CrawlerDescribed"], "user_agent": "AcmeBot/2"}
    _record(state, envelope(cast.acme_second, "CrawlerDescribed", "acme/bot", again))
    document = envelope(cast.globex, "CrawlerDescribed", "acme/bot", again)
    assert _refusal(state, document).kind is RejectionKind.NOT_OWNER


def test_a_crawler_id_that_is_a_dataset_is_wrong_kind(cast: Cast, state: LedgerState) -> None:
    document = envelope(cast.acme, "CrawlerDescribed", "acme/x/data", REQUIRED["CrawlerDescribed"])
    assert _refusal(state, document).kind is RejectionKind.WRONG_SUBJECT_KIND


def test_a_crawled_dataset_names_a_recorded_crawler(cast: Cast, state: LedgerState) -> None:
    _record(state, envelope(cast.acme, "DatasetDescribed", "acme/x/data", CRAWLED))
    missing = {**CRAWLED, "crawler": "acme/other-bot"}
    document = envelope(cast.acme, "DatasetDescribed", "acme/x/data", missing)
    assert _refusal(state, document).kind is RejectionKind.DANGLING_REFERENCE
    dataset = {**CRAWLED, "crawler": "acme/x/data"}
    document = envelope(cast.acme, "DatasetDescribed", "acme/x/data", dataset)
    assert _refusal(state, document).kind is RejectionKind.WRONG_SUBJECT_KIND


def test_a_dataset_description_on_weights_is_wrong_kind(cast: Cast, state: LedgerState) -> None:
    document = envelope(cast.acme, "DatasetDescribed", "acme/x/weights", CRAWLED)
    assert _refusal(state, document).kind is RejectionKind.WRONG_SUBJECT_KIND


DESIGNATION = REQUIRED["SystemicRiskDesignated"]


@pytest.mark.parametrize("signer", ["operator", "auditor"])
def test_operators_and_auditors_designate(cast: Cast, state: LedgerState, signer: str) -> None:
    key: Ed25519PrivateKey = getattr(cast, signer)
    _record(state, envelope(key, "SystemicRiskDesignated", "acme/x@1", DESIGNATION))


def test_a_publisher_may_not_designate_its_own_model(cast: Cast, state: LedgerState) -> None:
    document = envelope(cast.acme, "SystemicRiskDesignated", "acme/x@1", DESIGNATION)
    assert _refusal(state, document).kind is RejectionKind.MISSING_ROLE


# --- the subject view keeps the statement in force -------------------------------------------


def test_the_view_keeps_the_latest_effective_statement_ties_to_the_later(cast: Cast) -> None:
    def signed(effective: str, sme: bool, n: int) -> SignedStatement:
        document = envelope(
            cast.acme,
            "ProviderDescribed",
            "acme",
            {**PROVIDER, "sme": sme},
            effective_at=effective,
            nonce=str(n),
        )
        parsed = parse_envelope(document)
        return SignedStatement(parse_statement(parsed.payload), parsed.event_id, parsed.author)

    later = signed("2025-06-01T00:00:00Z", True, 1)
    earlier_recorded_after = signed("2025-01-01T00:00:00Z", False, 2)
    same_time_after = signed("2025-06-01T00:00:00Z", False, 3)

    view = subject_state(SubjectKind.PROVIDER, [later, earlier_recorded_after])
    assert view["sme"] is True
    assert view["event_id"] == later.event_id
    view = subject_state(SubjectKind.PROVIDER, [later, earlier_recorded_after, same_time_after])
    assert view["sme"] is False
    assert view["event_id"] == same_time_after.event_id
