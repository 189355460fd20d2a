"""A page checked in a worker process comes back as it was checked: the packing that crosses
the process boundary keeps every finding (issue 9, item 4)."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import signal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.rejections import RejectionKind
from services.audit.checking import checked_pages
from services.audit.page_checks import CheckedEntry, KeyRing, check_packed, check_page, unpack
from services.audit.pages import LogEntry
from tests.builders import artefact, enrolment, keyid


def _page() -> tuple[list[LogEntry], Ed25519PrivateKey, Ed25519PrivateKey]:
    operator, publisher = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    spaced = artefact(publisher, "acme/spaced", "dataset", "datasets")
    spaced["payload"] = base64.b64encode(
        json.dumps(json.loads(base64.b64decode(spaced["payload"])), indent=1).encode()
    ).decode()
    documents = [
        enrolment(operator, publisher, "acme", ["publisher"]),
        artefact(publisher, "acme/corpus", "dataset", "datasets"),
        spaced,  # signed, but not canonical: refused when parsed
        {"payloadType": "x", "payload": "!!", "signatures": []},  # not an envelope
        None,  # a stored event that could not be decoded
    ]
    page = [LogEntry(i, 10 + i, d, None, None) for i, d in enumerate(documents)]
    return page, operator, publisher


def _summary(item: CheckedEntry) -> tuple[object, ...]:
    checked = item.checked
    refusal = None if checked is None or checked.refusal is None else checked.refusal
    return (
        item.entry,
        item.envelope,
        item.problem,
        item.leaf,
        None if checked is None else (checked.entry_size, checked.statement),
        None if refusal is None else (refusal.kind, refusal.detail),
        dict(item.verified),
    )


def test_a_packed_page_unpacks_to_what_was_found() -> None:
    page, operator, publisher = _page()
    operators = {keyid(operator): operator.public_key().public_bytes_raw()}
    here = check_page(page, KeyRing(operators))
    packed, learned = check_packed(page, operators)
    assert [_summary(i) for i in unpack(packed)] == [_summary(i) for i in here]
    assert learned == {keyid(publisher): publisher.public_key().public_bytes_raw()}
    enrolled, registered, spaced, broken, undecodable = here
    assert all(ok for _, ok in registered.verified.values())  # by a key enrolled in the page
    assert spaced.checked is not None
    assert spaced.checked.refusal is not None
    assert spaced.checked.refusal.kind is RejectionKind.NON_CANONICAL_PAYLOAD
    assert broken.envelope is None
    assert broken.problem is not None
    assert broken.problem.startswith("position 13 (leaf 3): envelope: ")
    assert undecodable.problem == "position 14: the stored event cannot be decoded"
    assert list(enrolled.verified.values()) == [(operators[keyid(operator)], True)]


def test_a_worker_that_dies_mid_audit_costs_only_time() -> None:
    """Pages a killed worker held, and every page after, are checked in the auditing process:
    the audit still finds what it would have found, page for page."""
    operator, publisher = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    operators = {keyid(operator): operator.public_key().public_bytes_raw()}
    documents = [
        enrolment(operator, publisher, "acme", ["publisher"]),
        *(artefact(publisher, f"acme/m{i}", "dataset", "datasets") for i in range(160)),
    ]
    entries = [LogEntry(i, i + 1, d, None, None) for i, d in enumerate(documents)]
    pages: list[list[LogEntry]] = [entries[i : i + 20] for i in range(0, len(entries), 20)]
    alone = [[_summary(i) for i in page] for page in checked_pages(pages, operators, workers=0)]
    found = []
    for number, page in enumerate(checked_pages(pages, operators, workers=1)):
        found.append([_summary(i) for i in page])
        if number == 0:
            for child in multiprocessing.active_children():
                if child.name.startswith("SpawnProcess"):
                    os.kill(child.pid or 0, signal.SIGKILL)
    assert found == alone
    assert len(found) == len(pages)
