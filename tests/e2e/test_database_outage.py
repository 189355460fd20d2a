"""PostgreSQL taken away from a running server (a TCP proxy cut in front of it) and brought
back: every request that needs the database answers 503 with Retry-After within 10 s, /readyz
within 5 s, nothing is written, and the server recovers within 10 s without a restart
(issue 8, item 3; DESIGN.md §4)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from infra.keys import load_private_key
from tests.e2e.server import ServerProcess, free_port
from tests.e2e.tcp_proxy import TcpProxy
from tests.e2e.test_log_rollback import _writes


@pytest.fixture
def proxied(postgres_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, TcpProxy]]:
    proxy = TcpProxy(("127.0.0.1", 5432), free_port()).restore()
    url = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    server = ServerProcess(tmp_path, url).start()
    yield server, proxy
    server.stop()
    proxy.cut()


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _until(ok: Callable[[], bool], seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if ok():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


def test_an_outage_is_a_prompt_503_and_recovery_needs_no_restart(
    proxied: tuple[ServerProcess, TcpProxy],
) -> None:
    server, proxy = proxied
    operator = load_private_key(server.workdir / "keys" / "operator")
    client = httpx.Client(base_url=server.url, timeout=30)
    before, during, after = (
        _writes(operator, 0, 1),
        _writes(operator, 100, 1),
        _writes(operator, 200, 1),
    )
    assert client.post("/v1/events", json=before[0]).status_code == 201
    count = len(client.get("/v1/events").json()["events"])

    proxy.cut()
    ready, seconds = _timed(lambda: client.get("/readyz"))
    assert ready.status_code == 503
    assert seconds < 5
    for method, path, body in (
        ("POST", "/v1/events", during[0]),
        ("GET", "/v1/events", None),
        ("GET", "/v1/subjects/acme/item-0", None),
        ("GET", "/v1/models/acme/x@1/freedoms?as_of=1", None),
    ):
        response, seconds = _timed(partial(client.request, method, path, json=body))
        assert seconds < 10, (method, path, seconds)
        assert response.status_code == 503, (method, path, response.text)
        assert response.headers["retry-after"]
        assert response.json()["type"].endswith("/unavailable")
    checkpoint, seconds = _timed(lambda: client.get("/v1/log/checkpoint"))
    assert checkpoint.status_code in (200, 503)
    assert seconds < 10

    proxy.restore()
    recovered = _until(lambda: client.get("/readyz").status_code == 200, 10)
    assert recovered < 10
    assert len(client.get("/v1/events").json()["events"]) == count  # the 503 wrote nothing
    assert client.post("/v1/events", json=after[0]).status_code == 201
    assert "Traceback" not in server.log()
    client.close()
