"""Inputs that once got a 5xx or a traceback get a 4xx problem or a one-line error, through a
real server and the real CLI (issue 8, items 6 and 7), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from domain.envelope import STATEMENT_PAYLOAD_TYPE
from tests.e2e.server import BIN, ServerProcess

DEEP = "[" * 200_000 + "]" * 200_000
_SIG = base64.b64encode(b"\x00" * 64).decode()


def _surrogate_envelope() -> str:
    """An envelope of the right shape whose payloadType is a lone surrogate (JSON ``\\ud800``)."""
    document = {
        "payloadType": "PAYLOAD-TYPE",
        "payload": base64.b64encode(b"{}").decode(),
        "signatures": [{"keyid": "a" * 64, "sig": _SIG}],
    }
    return json.dumps(document).replace("PAYLOAD-TYPE", "\\ud800")


def _surrogate_subject_envelope() -> str:
    """A well-formed envelope whose statement names a subject with a lone surrogate: the
    subject is looked up ahead of admission (on PostgreSQL that lookup once failed: 500)."""
    payload = (
        b'{"data":{},"effective_at":"2024-01-01T00:00:00Z","issued_at":"2024-01-02T00:00:00Z",'
        b'"subject":"acme/\\ud800","type":"ArtefactRegistered","v":1}'
    )
    document = {
        "payloadType": STATEMENT_PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [{"keyid": "a" * 64, "sig": _SIG}],
    }
    return json.dumps(document)


HOSTILE: list[tuple[str, str, str | None]] = [
    ("GET", "/v1/events?after=9223372036854775808", None),
    ("GET", "/v1/events?after=" + "9" * 30, None),
    ("GET", "/v1/subjects/x?as_of=" + "1" * 4400, None),
    ("GET", "/v1/models/x/freedoms?as_of=" + "1" * 4400, None),
    ("GET", "/v1/models/x/bundle?as_of=%C2%B2", None),
    ("GET", "/v1/log/entries?start=0&end=9223372036854775808", None),
    ("GET", "/v1/log/proofs/inclusion?index=9223372036854775808&tree_size=1", None),
    ("GET", "/v1/models/x/freedoms?at=%ED%A0%80", None),
    ("POST", "/v1/events", _surrogate_envelope()),
    ("POST", "/v1/events:batch", '{"envelopes": [' + _surrogate_envelope() + "]}"),
    ("POST", "/v1/events", _surrogate_subject_envelope()),
    ("POST", "/v1/events:batch", '{"envelopes": [' + _surrogate_subject_envelope() + "]}"),
    ("POST", "/v1/events", DEEP),
    ("POST", "/v1/bundles:verify", DEEP),
]


@pytest.fixture(params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    url = "sqlite:///./ledger.db"
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    process = ServerProcess(tmp_path, url).start()
    yield process
    process.stop()


def test_every_hostile_input_is_a_4xx_problem_on_one_kept_alive_connection(
    server: ServerProcess,
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for method, path, body in HOSTILE:
            response = client.request(
                method,
                path,
                content=body.encode("utf-8", "surrogatepass") if body else None,
                headers={"content-type": "application/json"},
            )
            what = (method, path[:60], response.text[:300])
            if path == "/v1/bundles:verify":  # a malformed bundle is an invalid one (DESIGN §4)
                assert response.status_code == 200, what
                assert response.json()["valid"] is False, what
                continue
            assert 400 <= response.status_code < 500, what
            assert response.json()["status"] == response.status_code
        deep_upload = client.post("/ui/verify", files={"bundle": ("deep.json", DEEP.encode())})
        assert deep_upload.status_code == 422
        assert "nested too deeply" in deep_upload.text
        assert client.get("/readyz").status_code == 200
    assert "Traceback" not in server.log()


def test_the_pages_send_a_strict_content_security_policy(server: ServerProcess) -> None:
    page = httpx.get(f"{server.url}/ui", timeout=30)
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    api = httpx.get(f"{server.url}/v1/policies", timeout=30)
    assert api.headers["x-content-type-options"] == "nosniff"


def test_an_oversized_upload_is_refused_while_it_arrives(sqlite_server: ServerProcess) -> None:
    """A chunked 500 MiB upload (no Content-Length): the 413 page comes after about 16 MiB, plus
    what the server's receive buffer held when it answered (the kernel grows it up to
    ``tcp_rmem``'s maximum, 32 MiB on some machines, while a busy server reads slowly)."""
    sent, response = 0, b""
    buffered = int(Path("/proc/sys/net/ipv4/tcp_rmem").read_text().split()[2])
    with socket.create_connection(("127.0.0.1", sqlite_server.port), timeout=30) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 16)  # little in flight here
        sock.sendall(
            b"POST /ui/verify HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: multipart/form-data; boundary=xyz\r\n\r\n"
        )
        chunk = b"x" * (1 << 20)
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        deadline = time.monotonic() + 60
        while sent < 500 * (1 << 20) and time.monotonic() < deadline:
            if select.select([sock], [], [], 0)[0]:
                response = sock.recv(65536)
                break
            try:
                sock.sendall(framed)
            except (BrokenPipeError, ConnectionResetError):
                response = sock.recv(65536)
                break
            sent += len(chunk)
        if not response:
            response = sock.recv(65536)
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert sent < 16 * (1 << 20) + buffered + 2 * len(chunk)


def _cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "provenance"), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_cli_answers_deep_json_with_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    log_key = tmp_path / "log"
    assert _cli("keygen", "--out", str(log_key), cwd=tmp_path).returncode == 0
    verified = _cli("verify", str(deep), "--log-key", f"{log_key}.pub", cwd=tmp_path)
    assert verified.returncode == 1
    assert "nested too deeply" in verified.stdout + verified.stderr
    submitted = _cli("submit", str(deep), "--server", "http://127.0.0.1:9", cwd=tmp_path)
    assert submitted.returncode == 2
    assert submitted.stderr.strip().count("\n") == 0
    assert "nested too deeply" in submitted.stderr
    for result in (verified, submitted):
        assert "Traceback" not in result.stderr


def test_a_closed_pipe_ends_the_cli_quietly(sqlite_server: ServerProcess) -> None:
    shell = (
        f"{BIN / 'provenance'} demo --server {sqlite_server.url} >/dev/null 2>&1 && "
        f"{BIN / 'provenance'} freedoms meta/llama-2-7b@2023-07-18 "
        f"--server {sqlite_server.url} | head -c 10"
    )
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell],
        cwd=sqlite_server.workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert len(result.stdout) == 10
    assert result.stderr == ""
    assert result.returncode == 0
