"""An audit whose pages are checked in worker processes (issue 9, item 4) finds what the
audit done in one process finds, at the same positions and in the same words: here a
signature made by another key and a payload changed under its signature, in the second of
two pages, on a real ledger in SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import gc
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.envelope import pae, parse_envelope
from services.audit.auditor import Auditor, AuditReport
from services.audit.sources import PAGE, DatabaseSource
from tests.assessment_contract import load_demo, projection_caught_up
from tests.backends import Backend
from tests.builders import artefact, enrolment, envelope, keyid
from tests.store_tampering import StoredEvents, statement, with_statement

SOURCES = PAGE + 150  # the log spans two pages


@pytest.fixture
def ledger(database_url: str) -> tuple[str, Ed25519PrivateKey, Ed25519PrivateKey]:
    """A ledger of two pages: (database URL, operator key, the publisher's key)."""
    operator, publisher = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    dataset = "acme/corpus"
    documents = [
        enrolment(operator, publisher, "acme", ["publisher"]),
        artefact(publisher, dataset, "dataset", "datasets"),
        *(
            envelope(
                publisher,
                "DataSourceAdded",
                dataset,
                {"source": f"s{i}", "name": f"source {i}", "rights": "licensed"},
            )
            for i in range(SOURCES)
        ),
    ]
    backend = Backend("db", database_url)
    services = backend.open([operator.public_key()])
    for start in range(0, len(documents), PAGE):
        services.submission.submit([parse_envelope(d) for d in documents[start : start + PAGE]])
    backend.close_all()
    return database_url, operator, publisher


def _audit(url: str, operator: Ed25519PrivateKey, workers: int) -> AuditReport:
    source = DatabaseSource(url)
    try:
        return Auditor(source, [], [operator.public_key()], workers=workers).run(None)
    finally:
        source.close()


def _signed_by_another_key(events: StoredEvents, nth: int) -> tuple[int, int]:
    """Replace the signature of the ``nth`` leaf by a real one from a key never enrolled."""
    position, state = events.appended()[nth]
    signed = state["envelope"]
    message = pae(signed["payloadType"], base64.b64decode(signed["payload"]))
    forged = Ed25519PrivateKey.generate().sign(message)
    signed["signatures"][0]["sig"] = base64.b64encode(forged).decode()
    events.write(position, state)
    return position, state["leaf_index"]


def _payload_changed(events: StoredEvents, nth: int) -> tuple[int, int]:
    position, state = events.appended()[nth]
    changed: dict[str, Any] = statement(state)
    changed["data"]["name"] += " (edited)"
    events.write(position, with_statement(state, changed))
    return position, state["leaf_index"]


def test_workers_pass_a_clean_log_as_one_process_does(
    ledger: tuple[str, Ed25519PrivateKey, Ed25519PrivateKey],
) -> None:
    url, operator, _ = ledger
    parallel, alone = _audit(url, operator, workers=2), _audit(url, operator, workers=0)
    assert parallel.passed, parallel.failures
    assert parallel.entries == alone.entries == SOURCES + 2
    assert (parallel.checks, parallel.unchecked) == (alone.checks, alone.unchecked)
    assert (parallel.size, parallel.root) == (alone.size, alone.root)


def test_the_replay_and_answers_run_without_the_cyclic_collector_which_resumes_after(
    ledger: tuple[str, Ed25519PrivateKey, Ed25519PrivateKey], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, operator, _ = ledger
    collecting: list[bool] = []
    replay, answers = Auditor._replay, Auditor._check_answers

    def replaying(auditor: Auditor, page: Any) -> None:
        collecting.append(gc.isenabled())
        replay(auditor, page)

    def answering(auditor: Auditor) -> None:
        collecting.append(gc.isenabled())
        answers(auditor)

    monkeypatch.setattr(Auditor, "_replay", replaying)
    monkeypatch.setattr(Auditor, "_check_answers", answering)
    assert gc.isenabled()
    assert _audit(url, operator, workers=0).passed
    assert collecting == [False, False, False]  # two pages, then the answers
    assert gc.isenabled()


def test_workers_name_a_bad_signature_and_a_changed_payload_at_their_positions(
    ledger: tuple[str, Ed25519PrivateKey, Ed25519PrivateKey],
) -> None:
    url, operator, publisher = ledger
    events = StoredEvents(url)
    forged_at, forged_leaf = _signed_by_another_key(events, PAGE + 20)
    changed_at, changed_leaf = _payload_changed(events, PAGE + 90)
    parallel = _audit(url, operator, workers=2)
    does_not_verify = (
        f"bad-signature: signatures[0]: signature by {keyid(publisher)} does not verify"
    )
    assert f"position {forged_at} (leaf {forged_leaf}): {does_not_verify}" in parallel.failures
    assert f"position {changed_at} (leaf {changed_leaf}): {does_not_verify}" in parallel.failures
    assert parallel.failures == _audit(url, operator, workers=0).failures


def test_answers_recomputed_in_workers_are_compared_as_in_one_process(
    database_url: str,
) -> None:
    operator = Ed25519PrivateKey.generate()
    backend = Backend("db", database_url)
    services = backend.open([operator.public_key()])
    load_demo(services, operator)
    projection_caught_up(services)
    backend.close_all()
    clean = _audit(database_url, operator, workers=2)
    assert clean.passed, clean.failures
    assert clean.models > 1
    assert f"recomputed the assessments of {clean.models} model versions" in clean.checks[-1]
    StoredEvents(database_url).set_stored_answer("microsoft/phi-2@2023-12-12", b"[1, 2]")
    tampered = _audit(database_url, operator, workers=2)
    assert (
        "model microsoft/phi-2@2023-12-12 (policy default): the answer differs"
        in (tampered.failures[0])
    )
    assert tampered.failures == _audit(database_url, operator, workers=0).failures
