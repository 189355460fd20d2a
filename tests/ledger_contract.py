"""The ledger's behaviour, written once and run on every backend (memory, SQLite, PostgreSQL).

A test module subclasses :class:`LedgerContract` and provides a ``backend`` fixture
(:class:`tests.backends.Backend`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_vkey
from domain.envelope import parse_envelope
from domain.merkle import verify_consistency, verify_inclusion
from domain.rejections import Rejection, RejectionKind
from services.ledger_services import LedgerServices
from services.read.as_of import AsOf
from services.write import submission
from services.write.submission import BatchRejected, Recorded
from tests.backends import ORIGIN, Backend
from tests.builders import Cast, artefact, envelope, keyid
from tests.rejection_cases import CASES, RejectionCase


def submit(ledger: LedgerServices, documents: list[dict[str, Any]]) -> list[Recorded]:
    return ledger.submission.submit([parse_envelope(d) for d in documents])


def log_length(ledger: LedgerServices) -> int:
    ledger.view.catch_up()
    return ledger.view.size


class LedgerContract:
    @pytest.fixture
    def cast(self) -> Cast:
        return Cast()

    @pytest.fixture
    def ledger(self, backend: Backend, cast: Cast) -> LedgerServices:
        return backend.open([cast.operator.public_key()])

    def test_records_and_reads_back_a_model(self, ledger: LedgerServices, cast: Cast) -> None:
        recorded = submit(ledger, cast.small_model())
        assert [r.leaf.leaf_index for r in recorded] == list(range(len(recorded)))
        assert all(r.created for r in recorded)
        positions = [r.leaf.position for r in recorded]
        assert positions == sorted(positions)
        weights = ledger.reads.subject("acme/x/weights")
        assert weights.kind == "artefact"
        assert weights.owner == "acme"
        assert [g["licence"] for g in weights.state["licences"]] == ["Apache-2.0"]
        model = ledger.reads.subject("acme/x@1")
        assert model.kind == "model-version"
        assert model.state["training_runs"] == ["acme/x/run-1"]

    def test_a_repeat_is_idempotent_and_writes_nothing(
        self, ledger: LedgerServices, cast: Cast
    ) -> None:
        documents = cast.enrolments()
        (first, *_) = submit(ledger, documents)
        before = log_length(ledger)
        (again,) = submit(ledger, documents[:1])
        assert not again.created
        assert again.leaf == first.leaf
        assert log_length(ledger) == before

    def test_a_repeat_that_admission_would_take_for_new_answers_its_record(
        self, ledger: LedgerServices, cast: Cast
    ) -> None:
        # A second grant of a licence is admissible, so only the log's uniqueness of event ids
        # tells this repeat from a new envelope: the batch is admitted again, probed.
        submit(ledger, cast.small_model())
        grant = envelope(cast.acme, "LicenceGranted", "acme/x/code", {"licence": "MIT"})
        (first,) = submit(ledger, [grant])
        before = log_length(ledger)
        new, again = submit(ledger, [artefact(cast.acme, "acme/y", "code", "training-code"), grant])
        assert new.created
        assert new.leaf.leaf_index == before
        assert not again.created
        assert again.leaf == first.leaf
        assert log_length(ledger) == before + 1
        grants = ledger.reads.subject("acme/x/code").state["licences"]
        assert [g["licence"] for g in grants] == ["MIT"]

    def test_new_envelopes_are_not_looked_up_before_their_commit(
        self, ledger: LedgerServices, cast: Cast, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        asked: list[list[str]] = []
        read_ahead = ledger.view.read_ahead

        def spy(event_ids: list[str], *rest: Any) -> Any:
            asked.append(list(event_ids))
            return read_ahead(event_ids, *rest)

        monkeypatch.setattr(ledger.view, "read_ahead", spy)
        documents = cast.enrolments()
        submit(ledger, documents)
        assert asked == [[]]
        asked.clear()
        (again,) = submit(ledger, documents[:1])  # refused unprobed, then found
        assert not again.created
        assert asked == [[], [parse_envelope(documents[0]).event_id]]

    def test_repeats_inside_a_batch_get_one_record(
        self, ledger: LedgerServices, cast: Cast
    ) -> None:
        enrol = cast.enrolments()[0]
        recorded = submit(ledger, [enrol, enrol])
        assert recorded[0].leaf == recorded[1].leaf
        assert ledger.view.size == 1

    def test_later_envelopes_may_reference_earlier_ones_in_the_batch(
        self, ledger: LedgerServices, cast: Cast
    ) -> None:
        recorded = submit(ledger, cast.small_model())
        assert len(recorded) == len(cast.small_model())

    def test_a_batch_is_all_or_nothing_with_errors_by_index(
        self, ledger: LedgerServices, cast: Cast
    ) -> None:
        submit(ledger, cast.enrolments())
        before = log_length(ledger)
        batch = [
            artefact(cast.acme, "acme/a", "code", "training-code"),
            artefact(cast.stranger, "acme/b", "code", "training-code"),
            envelope(cast.acme, "LicenceGranted", "acme/a", {"licence": "MIT OR"}),
        ]
        with pytest.raises(BatchRejected) as rejected:
            submit(ledger, batch)
        assert [(e.index, e.kind) for e in rejected.value.errors] == [
            (1, RejectionKind.UNKNOWN_KEY),
            (2, RejectionKind.MALFORMED_LICENCE),
        ]
        assert log_length(ledger) == before
        with pytest.raises(Rejection):
            ledger.reads.subject("acme/a")

    @pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
    def test_every_refusal_names_its_kind_and_writes_nothing(
        self, ledger: LedgerServices, cast: Cast, case: RejectionCase
    ) -> None:
        setup, bad = case.build(cast)
        submit(ledger, setup)
        before = log_length(ledger)
        with pytest.raises(BatchRejected) as rejected:
            submit(ledger, [bad])
        assert [e.kind for e in rejected.value.errors] == [case.kind]
        assert log_length(ledger) == before

    def test_authorization_follows_log_order(self, ledger: LedgerServices, cast: Cast) -> None:
        submit(ledger, cast.enrolments())
        submit(ledger, [artefact(cast.acme, "acme/before", "code", "training-code")])
        submit(
            ledger, [envelope(cast.acme, "SignerRevoked", keyid(cast.acme), {"reason": "rotated"})]
        )
        # The key's earlier event stands; from its revocation on, the key is refused.
        assert ledger.reads.subject("acme/before").owner == "acme"
        with pytest.raises(BatchRejected) as rejected:
            submit(ledger, [artefact(cast.acme, "acme/after", "code", "training-code")])
        assert rejected.value.errors[0].kind is RejectionKind.REVOKED_KEY
        # The same organisation's other key still may act.
        submit(ledger, [artefact(cast.acme_second, "acme/after", "code", "training-code")])

    def test_co_signatures_are_kept_and_each_must_verify(
        self, ledger: LedgerServices, cast: Cast
    ) -> None:
        submit(ledger, cast.enrolments())
        cosigned = artefact(cast.acme, "acme/co", "code", "training-code")
        extra = envelope(
            [cast.acme, cast.auditor], "ArtefactRegistered", "acme/co", parse_data(cosigned)
        )
        (recorded,) = submit(ledger, [extra])
        stored = ledger.reads.event(recorded.leaf.event_id).envelope
        assert [s["keyid"] for s in stored["signatures"]] == [keyid(cast.acme), keyid(cast.auditor)]
        broken = envelope(
            [cast.acme, cast.auditor], "ArtefactRegistered", "acme/co2", {**parse_data(cosigned)}
        )
        broken["signatures"][1]["sig"] = broken["signatures"][0]["sig"]
        with pytest.raises(BatchRejected) as rejected:
            submit(ledger, [broken])
        assert rejected.value.errors[0].kind is RejectionKind.BAD_SIGNATURE

    def test_subject_as_of_a_position_and_a_recorded_time(
        self, backend: Backend, cast: Cast
    ) -> None:
        clock = FakeClock()
        ledger = backend.open([cast.operator.public_key()], clock)
        submit(ledger, cast.small_model())
        granted_at = clock.now
        clock.advance(hours=1)
        (grant,) = submit(
            ledger, [envelope(cast.acme, "LicenceGranted", "acme/x/weights", {"licence": "MIT"})]
        )
        now = ledger.reads.subject("acme/x/weights")
        assert [g["licence"] for g in now.state["licences"]] == ["Apache-2.0", "MIT"]
        before = ledger.reads.subject("acme/x/weights", AsOf(position=grant.leaf.position - 1))
        assert [g["licence"] for g in before.state["licences"]] == ["Apache-2.0"]
        then = ledger.reads.subject("acme/x/weights", AsOf(recorded_at=granted_at))
        assert then.events == before.events
        with pytest.raises(Rejection) as missing:
            ledger.reads.subject("acme/x/weights", AsOf(position=1))
        assert missing.value.kind is RejectionKind.NOT_FOUND

    def test_pages_through_the_log_in_position_order(
        self, ledger: LedgerServices, cast: Cast
    ) -> None:
        recorded = submit(ledger, cast.small_model())
        seen, after = [], 0
        while True:
            page, after_next = ledger.reads.events_page(after, 3)
            seen += [e.event_id for e in page]
            if after_next is None:
                break
            after = after_next
        assert seen == [r.leaf.event_id for r in recorded]

    def test_reopening_replays_the_log(self, backend: Backend, cast: Cast) -> None:
        if not backend.reopenable:
            pytest.skip("the in-memory store does not outlive its process")
        first = backend.open([cast.operator.public_key()])
        recorded = submit(first, cast.small_model())
        first.close()
        second = backend.open([cast.operator.public_key()])
        assert second.view.size == len(recorded)
        assert second.reads.subject("acme/x/weights").owner == "acme"
        (more,) = submit(
            second, [artefact(cast.acme, "acme/x/card", "documentation", "model-card")]
        )
        assert more.leaf.leaf_index == len(recorded)
        with pytest.raises(BatchRejected):  # the restored state still knows who owns what
            submit(
                second,
                [envelope(cast.globex, "LicenceGranted", "acme/x/weights", {"licence": "MIT"})],
            )

    def test_two_writers_on_one_subject_lose_and_duplicate_nothing(
        self, backend: Backend, cast: Cast
    ) -> None:
        ledger = backend.open([cast.operator.public_key()])
        submit(ledger, cast.small_model())
        other = backend.open([cast.operator.public_key()]) if backend.reopenable else ledger
        licences = [f"LicenseRef-Test-{i}" for i in range(40)]
        grants = [
            envelope(
                cast.acme if i % 2 else cast.acme_second,
                "LicenceGranted",
                "acme/x/weights",
                {"licence": licence},
            )
            for i, licence in enumerate(licences)
        ]
        errors: list[BaseException] = []

        def write(target: LedgerServices, mine: list[dict[str, Any]]) -> None:
            try:
                for document in mine:
                    submit(target, [document])
            except BaseException as error:
                errors.append(error)

        threads = [
            threading.Thread(target=write, args=(ledger, grants[0::2])),
            threading.Thread(target=write, args=(other, grants[1::2])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        state = ledger.reads.subject("acme/x/weights").state
        granted = [g["licence"] for g in state["licences"]]
        assert sorted(granted) == sorted(["Apache-2.0", *licences])
        leaves = [ledger.view.leaf(i).leaf_index for i in range(ledger.view.size)]
        assert leaves == list(range(len(leaves)))

    def test_more_concurrent_requests_than_one_group_holds_are_each_answered(
        self, backend: Backend, cast: Cast, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A commit takes at most ``MAX_GROUP_ENVELOPES`` from the queue: a request left
        behind is taken by a later commit, and its caller is answered. (Once, a caller whose
        request another caller's commit had not reached failed, and every later caller took
        over the request left at the head of the queue: 70 of 72 batches answered 500.)"""
        monkeypatch.setattr(submission, "MAX_GROUP_ENVELOPES", 2)
        hold = threading.Event()

        def clock() -> datetime:
            if hold.is_set():
                hold.clear()
                time.sleep(0.2)  # a round's first commit: the others queue up behind it
            return datetime.now(UTC)

        ledger = backend.open([cast.operator.public_key()], clock=clock)
        submit(ledger, cast.enrolments())
        for round_ in range(4):  # which caller takes the lock next is up to the threads
            batches = [
                [
                    artefact(cast.acme, f"acme/g/{round_}/{i}/{j}", "code", "training-code")
                    for j in (0, 1)
                ]
                for i in range(12)
            ]
            hold.set()
            answers, errors = _submitted_together(ledger, batches)
            assert errors == []
            for number, batch in enumerate(batches):
                assert all(r.created for r in answers[number])
                assert [r.leaf.event_id for r in answers[number]] == [
                    parse_envelope(d).event_id for d in batch
                ]
        assert log_length(ledger) == len(cast.enrolments()) + 4 * 12 * 2


def _submitted_together(
    ledger: LedgerServices, batches: list[list[dict[str, Any]]]
) -> tuple[dict[int, list[Recorded]], list[BaseException]]:
    """Each batch submitted by a thread of its own, all starting at once: their answers by
    batch, and what was raised."""
    start = threading.Barrier(len(batches))
    answers: dict[int, list[Recorded]] = {}
    errors: list[BaseException] = []

    def write(number: int) -> None:
        start.wait()
        try:
            answers[number] = submit(ledger, batches[number])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, errors


def parse_data(document: dict[str, Any]) -> dict[str, Any]:
    import base64
    import json

    data: dict[str, Any] = json.loads(base64.b64decode(document["payload"]))["data"]
    return data


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class TransparencyLogContract:
    """Checkpoints, proofs and key rotation, on every backend."""

    @pytest.fixture
    def cast(self) -> Cast:
        return Cast()

    def test_checkpoints_stay_consistent_across_appends_and_restarts(
        self, backend: Backend, cast: Cast
    ) -> None:
        ledger = backend.open([cast.operator.public_key()])
        public = backend.log_key.public_key()
        signed: list[Checkpoint] = []
        documents = [
            *cast.small_model(),
            *[artefact(cast.acme, f"acme/c/{i}", "code", "training-code") for i in range(30)],
        ]
        for start in range(0, len(documents), 7):
            submit(ledger, documents[start : start + 7])
            signed.append(open_checkpoint(ledger.log.checkpoint(), ORIGIN, public))
        if backend.reopenable:
            ledger.close()
            ledger = backend.open([cast.operator.public_key()])
            assert open_checkpoint(ledger.log.checkpoint(), ORIGIN, public) == signed[-1]
            submit(ledger, [artefact(cast.acme, "acme/c/after", "code", "training-code")])
            signed.append(open_checkpoint(ledger.log.checkpoint(), ORIGIN, public))
        for older, newer in itertools.combinations(signed, 2):
            proof = ledger.log.consistency(older.size, newer.size)
            verify_consistency(
                older.size,
                newer.size,
                older.root,
                newer.root,
                [bytes.fromhex(h) for h in proof["hashes"]],
            )

    def test_every_receipt_proves_its_envelope_independently(
        self, backend: Backend, cast: Cast
    ) -> None:
        ledger = backend.open([cast.operator.public_key()])
        documents = cast.small_model()
        recorded = submit(ledger, documents)
        receipts = ledger.log.receipts([r.leaf.leaf_index for r in recorded])
        for document, receipt in zip(documents, receipts, strict=True):
            checkpoint = open_checkpoint(receipt.checkpoint, ORIGIN, backend.log_key.public_key())
            leaf = hashlib.sha256(b"\x00" + rfc8785.dumps(document)).digest()
            verify_inclusion(
                leaf,
                receipt.leaf_index,
                checkpoint.size,
                [bytes.fromhex(h) for h in receipt.inclusion_proof],
                checkpoint.root,
            )

    def test_a_rotated_log_key_keeps_its_signed_sizes(self, backend: Backend, cast: Cast) -> None:
        if not backend.reopenable:
            pytest.skip("rotation needs a restart on the same store")
        first = backend.open([cast.operator.public_key()])
        submit(first, cast.enrolments())
        old_note = first.log.checkpoint()
        first.close()
        new_key = Ed25519PrivateKey.generate()
        second = backend.open([cast.operator.public_key()], log_key=new_key)
        submit(second, [artefact(cast.acme, "acme/rotated", "code", "training-code")])
        keys = second.log.keys()["log_keys"]
        assert [(k["first_tree_size"], k["last_tree_size"]) for k in keys] == [(0, 4), (4, 5)]
        old_vkey, new_vkey = (parse_vkey(k["vkey"])[1] for k in keys)
        assert open_checkpoint(old_note, ORIGIN, old_vkey).size == 4
        assert open_checkpoint(second.log.checkpoint(), ORIGIN, new_vkey).size == 5
        with pytest.raises(CheckpointError):
            open_checkpoint(second.log.checkpoint(), ORIGIN, old_vkey)
        page, _ = second.reads.events_page(0, 100)
        positions = [e.position for e in page]
        assert [e.leaf_index for e in page] == list(range(5))
        assert positions[-1] - positions[-2] > 1  # the rotation took a position, not a leaf


class BundleContract:
    """Bundles across restarts and log key rotation, on every backend that persists."""

    def test_bundles_signed_before_and_after_a_rotation_verify_with_their_keys(
        self, backend: Backend
    ) -> None:
        if not backend.reopenable:
            pytest.skip("rotation needs a restart on the same store")
        from domain.bundle.verify import verify_bundle

        cast = Cast()
        first = backend.open([cast.operator.public_key()])
        submit(first, cast.small_model())
        old_bundle = json.loads(json.dumps(first.bundles.build("acme/x@1", None, None, "default")))
        first.close()
        new_key = Ed25519PrivateKey.generate()
        second = backend.open([cast.operator.public_key()], log_key=new_key)
        submit(second, [envelope(cast.acme, "LicenceGranted", "acme/x/code", {"licence": "MIT"})])
        new_bundle = json.loads(json.dumps(second.bundles.build("acme/x@1", None, None, "default")))
        old, new = backend.log_key.public_key(), new_key.public_key()
        operators = [cast.operator.public_key()]
        assert verify_bundle(old_bundle, [old], operators).valid
        assert verify_bundle(new_bundle, [new], operators).valid
        assert not verify_bundle(old_bundle, [new], operators).valid
        assert not verify_bundle(new_bundle, [old], operators).valid
        assert verify_bundle(old_bundle, [old, new], operators).valid
        listed = [k["public_key"] for k in second.log.keys()["log_keys"]]
        assert len(listed) == 2
