"""Our envelopes are plain DSSE: securesystemslib verifies what the CLI signs, and the server
accepts what securesystemslib signs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey  # type: ignore[attr-defined]

from domain.envelope import STATEMENT_PAYLOAD_TYPE, keyid_for
from domain.statement import Statement
from infra.keys import load_public_key, write_keypair
from services.api.app import create_app
from tests.backends import Backend
from tests.builders import Cast, enrolment
from tests.e2e.server import BIN


def _sslib_key(key: Ed25519PrivateKey) -> SSlibKey:
    return SSlibKey.from_crypto(key.public_key(), keyid=keyid_for(key.public_key()))


def test_an_envelope_the_cli_signs_verifies_with_securesystemslib(tmp_path: Path) -> None:
    write_keypair(tmp_path / "alice")
    signed = subprocess.run(
        [
            str(BIN / "provenance"),
            "sign",
            "--key",
            str(tmp_path / "alice"),
            "--type",
            "LicenceGranted",
            "--subject",
            "acme/w",
            "--data",
            '{"licence":"MIT"}',
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    document: dict[str, Any] = json.loads(signed)
    public = load_public_key(tmp_path / "alice.pub")
    key = SSlibKey.from_crypto(public, keyid=keyid_for(public))
    envelope = SslibEnvelope.from_dict(dict(document))
    assert envelope.verify([key], threshold=1) == {key.keyid: key}
    assert json.loads(envelope.payload)["data"] == {"licence": "MIT"}
    envelope.payload = envelope.payload.replace(b"MIT", b"GPL")
    with pytest.raises(VerificationError):
        envelope.verify([key], threshold=1)


def test_the_server_accepts_an_envelope_signed_by_securesystemslib(tmp_path: Path) -> None:
    cast = Cast()
    backend = Backend("sqlite", f"sqlite:///{tmp_path}/interop.db")
    with TestClient(create_app(backend.open([cast.operator.public_key()]))) as client:
        assert (
            client.post(
                "/v1/events", json=enrolment(cast.operator, cast.acme, "acme", ["publisher"])
            ).status_code
            == 201
        )
        statement = Statement(
            "ArtefactRegistered",
            "acme/sslib",
            {"kind": "code", "component": "training-code", "name": "x", "availability": "public"},
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00Z",
        )
        envelope = SslibEnvelope(statement.canonical_bytes(), STATEMENT_PAYLOAD_TYPE, {})
        envelope.sign(CryptoSigner(cast.acme, _sslib_key(cast.acme)))
        response = client.post("/v1/events", json=envelope.to_dict())
        assert response.status_code == 201, response.text
        stored = client.get(f"/v1/events/{response.json()['event_id']}").json()["envelope"]
        assert stored["signatures"] == envelope.to_dict()["signatures"]
    backend.close_all()
