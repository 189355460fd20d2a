"""Two server processes on one PostgreSQL database answer as one server would (DESIGN.md §4,
issue 9): a key enrolled through one is accepted at once by the other, a subject created
through one can be referenced through the other, leaf indices stay dense and every checkpoint
either signs is a root of the one tree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.checkpoint import read_unverified_checkpoint
from domain.merkle import MerkleTree
from infra.keys import load_private_key, write_keypair
from tests.builders import artefact, enrolment, envelope
from tests.e2e.server import ServerProcess

pytestmark = pytest.mark.postgres
FRESH_KEYS = 20


@pytest.fixture
def instances(postgres_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    shared = tmp_path / "shared"
    write_keypair(shared / "operator")
    write_keypair(shared / "log")
    flags = (
        "--operator-key",
        str(shared / "operator.pub"),
        "--log-key",
        str(shared / "log"),
        "--state-dir",
        str(shared / "state"),
    )
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        servers.append(ServerProcess(tmp_path / name, postgres_url, extra_args=flags).start())
    yield servers[0], servers[1]
    for server in servers:
        server.stop()


def _post(server: ServerProcess, document: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{server.url}/v1/events", json=document, timeout=30)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_writes_alternating_between_instances_are_never_falsely_refused(
    instances: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = instances
    operator = load_private_key(a.workdir.parent / "shared" / "operator")
    receipts = []
    for number in range(FRESH_KEYS):
        first, second = (a, b) if number % 2 == 0 else (b, a)
        key = Ed25519PrivateKey.generate()
        receipts.append(_post(first, enrolment(operator, key, f"org{number}", ["publisher"])))
        subject = f"org{number}/weights"
        receipts.append(_post(second, artefact(key, subject, "parameters", "model-parameters")))
        grant = envelope(key, "LicenceGranted", subject, {"licence": "Apache-2.0"})
        receipts.append(_post(first, grant))
    size = 3 * FRESH_KEYS
    entries = httpx.get(f"{a.url}/v1/log/entries", params={"start": 0, "end": size}).json()
    indices = [entry["leaf_index"] for entry in entries["entries"]]
    assert indices == list(range(size))
    tree = MerkleTree()
    for entry in entries["entries"]:
        proof = httpx.get(
            f"{b.url}/v1/log/proofs/inclusion",
            params={"index": entry["leaf_index"], "tree_size": len(indices)},
        ).json()
        tree.append(bytes.fromhex(proof["leaf_hash"]))
    for receipt in receipts:
        signed = read_unverified_checkpoint(receipt["receipt"]["checkpoint"])
        assert tree.root(signed.size) == signed.root
    for server in (a, b):
        assert "Traceback" not in server.log()
