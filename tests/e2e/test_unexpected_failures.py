"""A bug answers one 500 problem and the keep-alive connection stays usable (issue 8, item 6):
the app runs in a real uvicorn server and one socket carries both requests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.api.app import create_app
from tests.backends import Backend
from tests.e2e.server import free_port


@pytest.fixture
def server_with_a_bug(tmp_path: Path) -> Iterator[int]:
    backend = Backend("sqlite", f"sqlite:///{tmp_path}/bug.db")
    app = create_app(backend.open([Ed25519PrivateKey.generate().public_key()]))

    @app.get("/bug")
    def bug() -> None:
        raise RuntimeError("a bug")

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def _exchange(sock: socket.socket, path: str) -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    head, _, body = sock.recv(65536).partition(b"\r\n\r\n")
    length = int(
        next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[
            1
        ]
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def test_a_500_keeps_the_connection(server_with_a_bug: int) -> None:
    with socket.create_connection(("127.0.0.1", server_with_a_bug), timeout=10) as sock:
        failed = _exchange(sock, "/bug")
        assert failed.startswith(b"HTTP/1.1 500")
        assert b"application/problem+json" in failed
        assert b"nothing was written" in failed
        assert b"connection: close" not in failed.lower()
        again = _exchange(sock, "/healthz")
        assert again.startswith(b"HTTP/1.1 200")
