"""The bundle's attestation is a DSSE envelope that securesystemslib verifies with the log key,
carrying an in-toto Statement v1 that in-toto-attestation validates."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from google.protobuf import json_format
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.statement import Statement
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import SSlibKey  # type: ignore[attr-defined]

from domain.envelope import keyid_for
from tests.bundle_fixtures import BundleWorld, small_world


@pytest.fixture(scope="module")
def world() -> Iterator[BundleWorld]:
    built = small_world()
    yield built
    built.backend.close_all()


def test_securesystemslib_verifies_the_attestation_with_the_log_key(world: BundleWorld) -> None:
    key = SSlibKey.from_crypto(world.log_key, keyid=keyid_for(world.log_key))
    envelope = SslibEnvelope.from_dict(dict(world.fresh()["attestation"]))
    assert envelope.verify([key], threshold=1) == {key.keyid: key}
    assert envelope.payload_type == "application/vnd.in-toto+json"
    tampered = SslibEnvelope.from_dict(dict(world.fresh()["attestation"]))
    tampered.payload = tampered.payload.replace(b"acme/x@1", b"acme/x@2")
    assert tampered.payload != envelope.payload
    with pytest.raises(VerificationError):
        tampered.verify([key], threshold=1)


def test_the_statement_is_a_valid_in_toto_statement_v1(world: BundleWorld) -> None:
    for bundle in (world.fresh(), json.loads(json.dumps(world.other))):
        payload = SslibEnvelope.from_dict(dict(bundle["attestation"])).payload
        message = json_format.Parse(payload, statement_pb2.Statement())
        Statement.copy_from_pb(message).validate()
        statement = json.loads(payload)
        assert statement["_type"] == "https://in-toto.io/Statement/v1"
        assert statement["predicateType"] == "https://provenance-ledger.dev/assessment/v1.1"
        assert statement["predicate"] == bundle["assessment"]


def test_subjects_are_parameters_by_digest_or_release_event(world: BundleWorld) -> None:
    with_digest = json.loads(SslibEnvelope.from_dict(dict(world.other["attestation"])).payload)
    assert with_digest["subject"] == [{"name": "globex/y/weights", "digest": {"sha256": "ab" * 32}}]
    without = json.loads(SslibEnvelope.from_dict(dict(world.fresh()["attestation"])).payload)
    release = world.ledger.reads.subject("acme/x@1").events[0]
    assert without["subject"] == [{"name": "acme/x/weights", "digest": {"sha256": release}}]
