"""``provenance audit --database``: a clean ledger passes; modifying, deleting or reordering a
stored event, changing a stored licence or a stored leaf hash, or rewriting history since the
last audit fails, naming the position — in SQLite and in PostgreSQL."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.assessment_contract import load_demo
from tests.backends import Backend, fresh_postgres_database
from tests.e2e.server import BIN
from tests.store_tampering import StoredEvents, statement, with_statement


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/ledger.db"
    else:
        yield from fresh_postgres_database()


@pytest.fixture
def operator_file(tmp_path: Path) -> tuple[Ed25519PrivateKey, Path]:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "operator.pub"
    path.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return key, path


def _audit(url: str, operator: Path, state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(BIN / "provenance"),
            "audit",
            "--database",
            url,
            "--operator-key",
            str(operator),
            "--state",
            str(state),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _licence_change(events: StoredEvents) -> int:
    position, state = events.position_of("LicenceGranted")
    changed = statement(state)
    changed["data"]["licence"] = "MIT" if changed["data"]["licence"] != "MIT" else "Apache-2.0"
    events.write(position, with_statement(state, changed))
    return position


def _payload_change(events: StoredEvents) -> int:
    position, state = events.position_of("ArtefactRegistered", 3)
    changed = statement(state)
    changed["data"]["availability"] = "public"
    changed["data"]["name"] += " (edited)"
    events.write(position, with_statement(state, changed))
    return position


def _leaf_hash_change(events: StoredEvents) -> int:
    position, state = events.position_of("DataSourceAdded")
    state["leaf_hash"] = "0" * 64
    events.write(position, state)
    return position


def _delete(events: StoredEvents) -> int:
    appended = events.appended()
    events.delete(appended[40][0])
    return appended[41][0]  # the next leaf is where the gap shows


def _reorder(events: StoredEvents) -> int:
    (first, a), (second, b) = events.appended()[30:32]
    events.write(first, b)
    events.write(second, a)
    return first


TAMPERS: dict[str, Callable[[StoredEvents], int]] = {
    "change a stored licence": _licence_change,
    "modify a stored statement": _payload_change,
    "change a stored leaf hash": _leaf_hash_change,
    "delete a stored event": _delete,
    "reorder stored events": _reorder,
}


@pytest.mark.parametrize("tamper", TAMPERS, ids=list(TAMPERS))
def test_audit_names_the_tampered_position(
    database_url: str, operator_file: tuple[Ed25519PrivateKey, Path], tmp_path: Path, tamper: str
) -> None:
    operator, operator_path = operator_file
    backend = Backend("db", database_url)
    load_demo(backend.open([operator.public_key()]), operator)
    backend.close_all()
    state = tmp_path / "audit-state.json"
    clean = _audit(database_url, operator_path, state)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "AUDIT PASSED" in clean.stdout
    assert state.exists()
    position = TAMPERS[tamper](StoredEvents(database_url))
    tampered = _audit(database_url, operator_path, state)
    assert tampered.returncode == 1, tampered.stdout
    assert "AUDIT FAILED" in tampered.stdout
    assert f"position {position} " in tampered.stdout, tampered.stdout
    assert "Traceback" not in tampered.stderr
