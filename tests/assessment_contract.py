"""The assessment's behaviour through the services, written once, run on every backend: the
projection's answers equal recomputations from the events, for every example and policy."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.assessment.policies import POLICIES
from domain.encoding import b64decode_strict
from domain.envelope import parse_envelope
from domain.rejections import Rejection, RejectionKind
from infra.persistence import persistence_env
from services.demo.examples import demo_envelopes, examples_directory, load_examples
from services.ledger_services import LedgerServices
from services.projection.rebuild import rebuild_projections
from services.read.as_of import AsOf
from tests.backends import Backend
from tests.builders import envelope

EXAMPLES = load_examples(examples_directory())
MODELS = [example.model for example in EXAMPLES]
PHI_2 = next(e.model for e in EXAMPLES if e.name == "phi-2")


def load_demo(ledger: LedgerServices, operator: Ed25519PrivateKey) -> dict[str, Ed25519PrivateKey]:
    """Record every example; return the organisations' keys."""
    documents, keys = demo_envelopes(EXAMPLES, operator)
    ledger.submission.submit([parse_envelope(d) for d in documents])
    return keys


def projection_caught_up(ledger: LedgerServices, seconds: float = 30.0) -> None:
    """Wait until the projection (warmed up on a thread of its own) holds the head's answers."""
    deadline = time.monotonic() + seconds
    while ledger.answers.answer(MODELS[0], "default", ledger.head_position) is None:
        assert time.monotonic() < deadline, "the projection did not catch up"
        time.sleep(0.05)


class AssessmentContract:
    @pytest.fixture
    def operator(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.generate()

    @pytest.fixture
    def keys(self) -> dict[str, Ed25519PrivateKey]:
        return {}

    @pytest.fixture
    def ledger(
        self, backend: Backend, operator: Ed25519PrivateKey, keys: dict[str, Ed25519PrivateKey]
    ) -> LedgerServices:
        ledger = backend.open([operator.public_key()])
        keys.update(load_demo(ledger, operator))
        projection_caught_up(ledger)
        return ledger

    def test_projection_answers_equal_recomputed_ones_for_every_example(
        self, ledger: LedgerServices
    ) -> None:
        for model in MODELS:
            for policy in POLICIES:
                projected = ledger.freedoms(model, None, None, policy)
                stored = ledger.answers.store.get(model, policy)
                assert stored is not None, (model, policy)
                assert stored.body == projected, (model, policy)
                recomputed = ledger.assessments.recompute(model, None, None, policy).body
                assert projected == recomputed, (model, policy)

    def test_a_restart_and_a_rebuild_give_the_same_bytes(
        self, backend: Backend, operator: Ed25519PrivateKey, ledger: LedgerServices
    ) -> None:
        if not backend.reopenable:
            pytest.skip("the in-memory store does not outlive its process")
        before = {(m, p): ledger.freedoms(m, None, None, p) for m in MODELS for p in POLICIES}
        ledger.close()
        rebuilt = rebuild_projections(persistence_env(backend.database_url))
        assert rebuilt == len(demo_envelopes(EXAMPLES, operator)[0])
        reopened = backend.open([operator.public_key()])
        after = {(m, p): reopened.freedoms(m, None, None, p) for m in MODELS for p in POLICIES}
        assert after == before

    def test_the_projection_follows_new_events(
        self, ledger: LedgerServices, keys: dict[str, Ed25519PrivateKey]
    ) -> None:
        before = ledger.freedoms(PHI_2, None, None, "default")
        retraction = envelope(
            keys["microsoft"],
            "LicenceWithdrawn",
            _weights(ledger, PHI_2),
            {"licence": "MIT", "reason": "test"},
            effective_at="2025-01-01T00:00:00Z",
        )
        ledger.submission.submit([parse_envelope(retraction)])
        after = ledger.freedoms(PHI_2, None, None, "default")
        assert after != before
        assert after == ledger.assessments.recompute(PHI_2, None, None, "default").body
        assert json.loads(after)["freedoms"]["use"]["status"] == "unknown"

    def test_relicensing_answers_by_date_and_by_position(self, ledger: LedgerServices) -> None:
        weights = _weights(ledger, PHI_2)
        old = _doc(
            ledger.assessments.recompute(PHI_2, None, "2023-12-20T00:00:00Z", "default").body
        )
        new = _doc(
            ledger.assessments.recompute(PHI_2, None, "2024-02-01T00:00:00Z", "default").body
        )
        old_use, new_use = old["freedoms"]["use"], new["freedoms"]["use"]
        assert old_use["status"] in {"restricted", "denied"}
        research = [b for b in old_use["blockers"] if b["artefact"] == weights]
        assert research
        assert research[0]["licence"] == "LicenseRef-Microsoft-Research"
        assert new_use["status"] == "granted"
        assert old["at"] == "2023-12-20T00:00:00Z"
        grant = _event_of(ledger, weights, "LicenceGranted", "MIT")
        before_grant = AsOf(position=grant.position - 2)
        earlier = _doc(ledger.assessments.recompute(PHI_2, before_grant, None, "default").body)
        assert earlier["freedoms"]["use"]["status"] in {"restricted", "denied"}
        assert earlier["as_of"]["position"] < grant.position

    def test_unknown_models_and_policies_are_refused(self, ledger: LedgerServices) -> None:
        with pytest.raises(Rejection) as missing:
            ledger.freedoms("nobody/nothing@1", None, None, "default")
        assert missing.value.kind is RejectionKind.NOT_FOUND
        with pytest.raises(Rejection) as policy:
            ledger.freedoms(MODELS[0], None, None, "lenient")
        assert policy.value.kind is RejectionKind.INVALID_QUERY
        with pytest.raises(Rejection) as early:
            ledger.assessments.recompute(PHI_2, None, "2020-01-01T00:00:00Z", "default")
        assert early.value.kind is RejectionKind.NOT_FOUND


def _doc(body: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(body)
    return document


def _weights(ledger: LedgerServices, model: str) -> str:
    state = ledger.reads.subject(model).state
    weights: str = state["components"]["model-parameters"][0]
    return weights


def _event_of(ledger: LedgerServices, subject: str, type_: str, licence: str) -> Any:
    for leaf in ledger.view.leaves_of([subject]):
        event = ledger.reads.event(leaf.event_id)
        statement = json.loads(b64decode_strict(event.envelope["payload"]))
        if statement["type"] == type_ and statement["data"].get("licence") == licence:
            return leaf
    raise AssertionError(f"no {type_} {licence} on {subject}")
