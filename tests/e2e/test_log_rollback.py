"""A database restored from an older backup never makes the server sign a split view
(issue 8, item 2; DESIGN.md §7): on SQLite and PostgreSQL, real server processes."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.keys import load_private_key, write_keypair
from tests.backends import ADMIN_URL
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess

Snapshot = Callable[[str], None]  # save the database under a name
Restore = Callable[[str], None]  # put the named copy back


class Storage:
    """The server's database, with named copies taken while no server runs."""

    def __init__(self, workdir: Path, url: str | None) -> None:
        self.workdir = workdir
        self.url = url or "sqlite:///./ledger.db"
        self.postgres = url is not None

    def save(self, name: str) -> None:
        if self.postgres:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self._copy(name)}" TEMPLATE "{self._db}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                if (self.workdir / f"ledger.db{suffix}").exists():
                    shutil.copy(
                        self.workdir / f"ledger.db{suffix}", self.workdir / f"{name}.db{suffix}"
                    )

    def restore(self, name: str) -> None:
        if self.postgres:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{self._db}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{self._db}" TEMPLATE "{self._copy(name)}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                (self.workdir / f"ledger.db{suffix}").unlink(missing_ok=True)
                if (self.workdir / f"{name}.db{suffix}").exists():
                    shutil.copy(
                        self.workdir / f"{name}.db{suffix}", self.workdir / f"ledger.db{suffix}"
                    )

    def drop_copies(self, names: list[str]) -> None:
        if self.postgres:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                for name in names:
                    admin.execute(f'DROP DATABASE IF EXISTS "{self._copy(name)}" WITH (FORCE)')

    @property
    def _db(self) -> str:
        return self.url.rsplit("/", 1)[1]

    def _copy(self, name: str) -> str:
        return f"{self._db}_{name}"


@pytest.fixture(params=["sqlite", "postgres"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    found = Storage(tmp_path, url)
    yield found
    found.drop_copies(["older", "newer"])


def _writes(operator: Ed25519PrivateKey, first: int, count: int) -> list[dict[str, object]]:
    publisher = Ed25519PrivateKey.generate()
    documents: list[dict[str, object]] = [
        enrolment(operator, publisher, "acme", ["publisher"], f"publisher {first}")
    ]
    documents += [
        artefact(publisher, f"acme/item-{first + i}", "code", "training-code")
        for i in range(count - 1)
    ]
    return documents


def _count(server: ServerProcess) -> int:
    return len(httpx.get(f"{server.url}/v1/events", params={"limit": 1000}).json()["events"])


def test_a_restored_backup_is_refused_until_the_newer_database_is_back(
    storage: Storage,
) -> None:
    workdir = storage.workdir
    write_keypair(workdir / "keys" / "operator")
    operator = load_private_key(workdir / "keys" / "operator")
    server = ServerProcess(workdir, storage.url)

    server.start()
    for document in _writes(operator, 0, 5):
        assert httpx.post(f"{server.url}/v1/events", json=document).status_code == 201
    server.stop()
    storage.save("older")  # N - 3 events

    server.start()
    for document in _writes(operator, 100, 3):
        assert httpx.post(f"{server.url}/v1/events", json=document).status_code == 201
    signed = httpx.get(f"{server.url}/v1/log/checkpoint").text
    assert signed.split("\n")[1] == "8"
    server.stop()
    storage.save("newer")

    storage.restore("older")
    server.start(ready="/healthz")
    ready = httpx.get(f"{server.url}/readyz")
    assert ready.status_code == 503
    assert ready.headers["retry-after"]
    problem = ready.json()
    assert problem["type"].endswith("/log-unsafe")
    assert "restored from an older backup" in problem["detail"]
    assert "8 entries" in problem["detail"]
    refused = httpx.post(f"{server.url}/v1/events", json=_writes(operator, 200, 1)[0])
    assert refused.status_code == 503
    assert refused.json()["type"].endswith("/log-unsafe")
    assert httpx.get(f"{server.url}/v1/log/checkpoint").status_code == 503
    assert _count(server) == 5  # nothing written; reads still answer
    assert "the log is unsafe to extend" in server.log()
    server.stop()

    storage.restore("newer")  # what an operator does: bring back the newer database
    server.start()
    assert httpx.get(f"{server.url}/v1/log/checkpoint").text == signed
    written = httpx.post(f"{server.url}/v1/events", json=_writes(operator, 300, 1)[0])
    assert written.status_code == 201
    server.stop()


def test_no_state_file_beside_a_full_database_is_accepted_and_said(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    operator = load_private_key(tmp_path / "keys" / "operator")
    httpx.post(f"{server.url}/v1/events", json=_writes(operator, 0, 1)[0])
    server.stop()
    shutil.rmtree(tmp_path / "state")
    server.start()
    assert "no signed checkpoint at state/" in server.log()
    assert "accepting the database as it is (1 leaves)" in server.log()
    assert (tmp_path / "state" / "localhost%2Fprovenance-ledger.checkpoint").exists() is False
    assert httpx.get(f"{server.url}/v1/log/checkpoint").status_code == 200
    assert (tmp_path / "state" / "localhost%2Fprovenance-ledger.checkpoint").exists()
    server.stop()
