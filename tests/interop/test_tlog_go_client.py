"""A tlog-tiles client that is not ours checks a real server: Go's checksum-database libraries
(``golang.org/x/mod/sumdb/note`` and ``sumdb/tlog`` from Debian's ``golang-golang-x-mod-dev``)
verify the checkpoint's signature with the log's verifier key, recompute its root from the hash
tiles and prove chosen entries of the entry bundles in it (``tlog_client/main.go``).

Built offline in GOPATH mode against Debian's sources (no module download). Without ``go`` the
test skips, except in CI (``CI=true``), where it fails: CI installs ``golang-go`` and
``golang-golang-x-mod-dev`` (``.ci/run``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.checkpoint import vkey
from infra.keys import load_private_key
from tests.backends import fresh_postgres_database
from tests.builders import artefact, enrolment
from tests.e2e.server import ServerProcess

CLIENT_SOURCE = Path(__file__).parent / "tlog_client" / "main.go"
DEBIAN_GOPATH = Path("/usr/share/gocode")
X_MOD = DEBIAN_GOPATH / "src" / "golang.org" / "x" / "mod" / "sumdb"


@pytest.fixture(scope="module")
def go_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None or not (X_MOD / "tlog").is_dir() or not (X_MOD / "note").is_dir():
        message = (
            "the Go tlog-tiles client needs Go and golang.org/x/mod "
            "(apt-get install golang-go golang-golang-x-mod-dev)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("go")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(out),
        "GO111MODULE": "off",  # GOPATH mode: Debian's sources, no module download
        "GOPATH": str(DEBIAN_GOPATH),
        "GOCACHE": str(out / "cache"),
        "GOFLAGS": "",
        "GOPROXY": "off",
        "CGO_ENABLED": "0",
    }
    binary = out / "tlog_client"
    built = subprocess.run(
        [go, "build", "-o", str(binary), CLIENT_SOURCE.name],
        cwd=CLIENT_SOURCE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return binary


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    databases = (
        fresh_postgres_database()
        if request.param == "postgres"
        else iter(["sqlite:///./ledger.db"])
    )
    server = ServerProcess(tmp_path, next(databases)).start()
    try:
        yield server
    finally:
        server.stop()
        next(databases, None)  # drops the PostgreSQL database


def _post(server: ServerProcess, documents: list[dict[str, Any]]) -> None:
    response = httpx.post(
        f"{server.url}/v1/events:batch", json={"envelopes": documents}, timeout=60
    )
    assert response.status_code == 201, response.text


def _check(client: Path, server: ServerProcess, vkey: str, *indices: int) -> dict[str, Any]:
    ran = subprocess.run(
        [str(client), server.url, vkey, *map(str, indices)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    answer: dict[str, Any] = json.loads(ran.stdout)
    return answer


def test_go_client_verifies_checkpoint_tiles_and_entries(
    go_client: Path, server: ServerProcess
) -> None:
    operator = load_private_key(server.workdir / "keys" / "operator")
    publisher = Ed25519PrivateKey.generate()
    documents = [enrolment(operator, publisher, "acme", ["publisher"])]
    documents += [artefact(publisher, f"acme/t/{i}", "code", "training-code") for i in range(299)]
    _post(server, documents)
    (key,) = httpx.get(f"{server.url}/v1/log/keys").json()["log_keys"]

    # 300 entries: one full tile of 256 and a partial one of 44, at level 0 and in bundles.
    answer = _check(go_client, server, key["vkey"], 0, 255, 256, 299)
    root = httpx.get(f"{server.url}/v1/log/proofs/inclusion", params={"index": 0}).json()["root"]
    assert (answer["origin"], answer["size"], answer["root"]) == (key["name"], 300, root)
    assert {"tile/0/000", "tile/0/001.p/44"} <= set(answer["tiles_fetched"])
    assert answer["bundles_gzipped"] == [True] * 4  # Go's transport asked for gzip and decoded it
    for checked in answer["entries"]:
        assert bytes.fromhex(checked["entry_hex"]) == rfc8785.dumps(documents[checked["index"]])
        ours = httpx.get(
            f"{server.url}/v1/log/proofs/inclusion", params={"index": checked["index"]}
        ).json()
        assert checked["proof"] == ours["hashes"]  # Go's proof from tiles is our RFC 9162 path

    # 512 entries: two full tiles exactly, and a partial level-1 tile of width 2.
    more = [artefact(publisher, f"acme/u/{i}", "code", "training-code") for i in range(212)]
    _post(server, more)
    documents += more
    answer = _check(go_client, server, key["vkey"], 1, 300, 511)
    assert answer["size"] == 512
    assert "tile/0/001" in answer["tiles_fetched"]
    assert [bytes.fromhex(c["entry_hex"]) for c in answer["entries"]] == [
        rfc8785.dumps(documents[i]) for i in (1, 300, 511)
    ]


def test_go_client_refuses_a_checkpoint_signed_by_another_key(
    go_client: Path, server: ServerProcess
) -> None:
    (key,) = httpx.get(f"{server.url}/v1/log/keys").json()["log_keys"]
    stranger = subprocess.run(
        [str(go_client), server.url, _vkey(key["name"], Ed25519PrivateKey.generate()), "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert stranger.returncode == 1
    assert "checkpoint signature" in stranger.stderr


def _vkey(name: str, key: Ed25519PrivateKey) -> str:
    return vkey(name, key.public_key())
