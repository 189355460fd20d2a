"""The EU AI Act answers on every store (DESIGN.md §11): on memory, SQLite and PostgreSQL the
projection's stored answer equals a recomputation byte for byte, a reopened ledger answers the
same, and the bundle verifies offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.bundle.verify import verify_bundle
from domain.envelope import parse_envelope
from services.ledger_services import LedgerServices
from services.read.as_of import AsOf
from tests.backends import Backend, fresh_postgres_database
from tests.builders import Cast, envelope
from tests.eu_scenario import BASE, TUNED, eu_documents

URL = "http://ledger.example/"
PROVIDER = {
    "name": "Acme AI Ltd",
    "contact": "eu-office@acme.example",
    "established_in_eu": False,
    "authorised_representative": {"name": "Acme EU BV", "contact": "rep@acme.eu"},
    "sme": False,
    "code_of_practice_signatory": True,
}


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "postgres":
        urls = fresh_postgres_database()
        backend = Backend("postgres", next(urls))
    else:
        urls = iter(())
        where = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/eu.db"
        backend = Backend(request.param, where)
    yield backend
    backend.close_all()
    for _ in urls:  # finish the generator: drops the database
        pass


def _answers(ledger: LedgerServices) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for model in (BASE, TUNED):
        head = ledger.freedoms(model, None, None, "default")
        recomputed = ledger.assessments.recompute(
            model, AsOf(position=ledger.view.head_position()), None, "default"
        ).body
        assert head == recomputed, model  # projection and recomputation agree byte for byte
        summary = ledger.eu_training_summary(model, None, None, URL)
        answers[model] = {"assessment": json.loads(head), "summary": summary}
    return answers


def test_the_eu_answers_agree_with_recomputation_reopening_and_the_offline_verifier(
    store: Backend,
) -> None:
    cast = Cast()
    ledger = store.open([cast.operator.public_key()])
    ledger.submission.submit([parse_envelope(d) for d in eu_documents(cast)])
    answers = _answers(ledger)
    eu = answers[BASE]["assessment"]["frameworks"]["eu-ai-act"]
    assert eu["open_source_exemption"]["status"] == "qualifies"
    assert answers[TUNED]["summary"]["2.2.1"]["used"]["value"] is True
    for model in (BASE, TUNED):
        bundle = ledger.bundles.build(model, None, None, "default")
        result = verify_bundle(bundle, [store.log_key.public_key()], [cast.operator.public_key()])
        assert result.valid, result.failures
    if store.reopenable:
        store.close_all()
        reopened = store.open([cast.operator.public_key()])
        assert _answers(reopened) == answers
        # admission reads the stored state: the organisation is known, acme may supersede
        provider = {**PROVIDER, "sme": True}
        later = envelope(cast.acme, "ProviderDescribed", "acme", provider, nonce="sme")
        reopened.submission.submit([parse_envelope(later)])
        summary = reopened.eu_training_summary(BASE, None, None, URL)
        assert summary["2.3"]["domains"]["value"]["listed"][-1]["domain"] == "site04.example"
