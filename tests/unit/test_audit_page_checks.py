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


def _signed_pages(entries: int, size: int) -> tuple[list[list[LogEntry]], dict[str, bytes]]:
    """A log of ``entries``: a publisher's enrolment by an operator, then artefacts it
    registers, in pages of ``size``; and the operator's raw key by keyid."""
    operator, publisher = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    documents = [
        enrolment(operator, publisher, "acme", ["publisher"]),
        *(artefact(publisher, f"acme/m{i}", "dataset", "datasets") for i in range(entries - 1)),
    ]
    log = [LogEntry(i, i + 1, d, None, None) for i, d in enumerate(documents)]
    pages = [log[i : i + size] for i in range(0, len(log), size)]
    return pages, {keyid(operator): operator.public_key().public_bytes_raw()}


def test_a_worker_that_dies_mid_audit_costs_only_time() -> None:
    """Pages a killed worker held, and every page after, are checked in the auditing process:
    the audit still finds what it would have found, page for page."""
    pages, operators = _signed_pages(161, 20)
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


def test_every_worker_starts_while_this_process_checks_the_first_page() -> None:
    """The first page (it usually enrols the signers of the rest) is checked in the auditing
    process while the workers start, all of them at once: a spawned pool starts a worker only
    when a submission finds none idle, so a first page handed to a worker, and waited for,
    kept a core idle while each worker started in turn."""
    pages, operators = _signed_pages(100, 10)
    alone = [[_summary(i) for i in page] for page in checked_pages(pages, operators, workers=0)]
    before = {child.pid for child in multiprocessing.active_children()}
    checking = checked_pages(pages, operators, workers=2)
    first = next(checking)
    started = [
        child
        for child in multiprocessing.active_children()
        if child.pid not in before and child.name.startswith("SpawnProcess")
    ]
    assert len(started) == 2
    found = [[_summary(i) for i in page] for page in [first, *checking]]
    assert found == alone
