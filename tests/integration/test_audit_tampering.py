"""``provenance audit --database``: a clean ledger passes; modifying, deleting or reordering a
stored event, changing a stored licence or a stored leaf hash, or rewriting history since the
last audit fails, naming the position — in SQLite and in PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.envelope import parse_envelope
from tests.assessment_contract import load_demo, projection_caught_up
from tests.backends import Backend
from tests.e2e.server import BIN
from tests.store_tampering import StoredEvents, statement, with_statement


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


# --- gaps an audit of the database alone once missed (issue 8, item 4) -----------------------


def _audit_alone(url: str, operator: Path) -> subprocess.CompletedProcess[str]:
    """An audit with no state from an earlier one: only the database itself is read."""
    return subprocess.run(
        [str(BIN / "provenance"), "audit", "--database", url, "--operator-key", str(operator)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def demo_database(database_url: str, operator_file: tuple[Ed25519PrivateKey, Path]) -> str:
    operator, _ = operator_file
    backend = Backend("db", database_url)
    ledger = backend.open([operator.public_key()])
    load_demo(ledger, operator)
    projection_caught_up(ledger)  # the stored answers are part of what these tests tamper with
    backend.close_all()
    return database_url


def test_a_clean_audit_says_what_it_could_not_check(
    demo_database: str, operator_file: tuple[Ed25519PrivateKey, Path]
) -> None:
    clean = _audit_alone(demo_database, operator_file[1])
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "agrees with all 2 signed checkpoints stored with the log (newest: " in clean.stdout
    assert "? not checked: no --log-key was pinned" in clean.stdout
    assert "? not checked: no --state from an earlier audit" in clean.stdout


def test_swapped_leaves_fail_without_a_saved_state(
    demo_database: str, operator_file: tuple[Ed25519PrivateKey, Path]
) -> None:
    position = _reorder(StoredEvents(demo_database))
    tampered = _audit_alone(demo_database, operator_file[1])
    assert tampered.returncode == 1, tampered.stdout
    assert f"position {position} " in tampered.stdout
    assert "the signed checkpoint says" in tampered.stdout


def test_deleting_the_last_entries_fails_without_a_saved_state(
    demo_database: str, operator_file: tuple[Ed25519PrivateKey, Path]
) -> None:
    events = StoredEvents(demo_database)
    appended = events.appended()
    for position, _ in appended[-3:]:
        events.delete(position)
    tampered = _audit_alone(demo_database, operator_file[1])
    assert tampered.returncode == 1, tampered.stdout
    assert f"signed for {len(appended)} entries, the database holds {len(appended) - 3}" in (
        tampered.stdout
    )
    assert "entries were deleted" in tampered.stdout


def test_a_cut_back_with_its_checkpoints_is_named_as_not_checked(
    demo_database: str, operator_file: tuple[Ed25519PrivateKey, Path]
) -> None:
    events = StoredEvents(demo_database)
    events.delete_checkpoints()
    audit = _audit_alone(demo_database, operator_file[1])
    assert audit.returncode == 0, audit.stdout
    assert "? not checked: no signed checkpoint is stored in the database" in audit.stdout


def test_a_changed_event_id_and_the_payload_recorded_again_both_fail(
    demo_database: str, operator_file: tuple[Ed25519PrivateKey, Path]
) -> None:
    operator, operator_path = operator_file
    events = StoredEvents(demo_database)
    position, state = events.position_of("LicenceGranted")
    original = state["envelope"]
    state["event_id"] = "f" * 64
    events.write(position, state)
    tampered = _audit_alone(demo_database, operator_path)
    assert tampered.returncode == 1, tampered.stdout
    assert f"position {position} " in tampered.stdout
    assert "is not the SHA-256 of its payload" in tampered.stdout
    backend = Backend("db", demo_database)
    ledger = backend.open([operator.public_key()])
    (kept,) = ledger.submission.submit([parse_envelope(original)])
    assert not kept.created  # the index written with the leaf still knows its real id
    backend.close_all()
    events.set_indexed_event_id(original_id := kept.leaf.event_id, "f" * 64)
    ledger = backend.open([operator.public_key()])
    (again,) = ledger.submission.submit([parse_envelope(original)])
    assert again.created, original_id  # an index rebuilt from the tampered row forgot it
    backend.close_all()
    both = _audit_alone(demo_database, operator_path)
    assert both.returncode == 1
    assert f"is recorded a second time (first at leaf {state['leaf_index']})" in both.stdout


@pytest.mark.parametrize("body", ["not an assessment", 12345, b"\xff\xfe", b"[1, 2]"])
def test_a_stored_answer_of_the_wrong_type_is_a_finding(
    demo_database: str, operator_file: tuple[Ed25519PrivateKey, Path], body: object
) -> None:
    if not demo_database.startswith("sqlite") and not isinstance(body, bytes):
        pytest.skip("PostgreSQL's bytea column holds bytes only")
    StoredEvents(demo_database).set_stored_answer("microsoft/phi-2@2023-12-12", body)
    audit = _audit_alone(demo_database, operator_file[1])
    assert audit.returncode == 1, audit.stdout + audit.stderr
    assert "model microsoft/phi-2@2023-12-12 (policy default): the answer differs" in audit.stdout
    assert "Traceback" not in audit.stderr


def test_a_database_that_is_not_there_is_never_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for command in (
        ["audit", "--database", f"sqlite:///{missing}"],
        ["rebuild-projections", "--database-url", f"sqlite:///{missing}"],
        ["audit", "--database", "postgresql://postgres@127.0.0.1:5432/no_such_ledger_db"],
    ):
        result = subprocess.run(
            [str(BIN / "provenance"), *command], capture_output=True, text=True, check=False
        )
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert result.stderr.startswith("error: "), result.stderr
        assert "AUDIT PASSED" not in result.stdout
        assert not missing.exists()


def test_a_database_without_a_ledger_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = subprocess.run(
        [str(BIN / "provenance"), "audit", "--database", f"sqlite:///{other}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "holds no ledger" in result.stderr
