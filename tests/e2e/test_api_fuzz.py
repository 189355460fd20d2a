"""Schemathesis fuzzes every operation of ``/openapi.json`` against a real server holding the
examples, with every check, for a bounded time; no request may get a 5xx (issue 8, item 6).

Only server errors (``ST101``) fail this test: the conformance findings of the other checks are
printed so that the API description can be held to them too.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import BIN, ServerProcess

FUZZ_SECONDS = 45


@pytest.fixture(params=["sqlite", "postgres"])
def demo_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    url = "sqlite:///./ledger.db"
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    process = ServerProcess(tmp_path, url, extra_args=("--demo",)).start(timeout=120)
    yield process
    process.stop()


def test_no_fuzzed_request_gets_a_server_error(demo_server: ServerProcess, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    run = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{demo_server.url}/openapi.json",
            "--checks",
            "all",
            "--max-time",
            str(FUZZ_SECONDS),
            "--workers",
            "2",
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "30",
            "--report",
            "junit",
            "--report-dir",
            str(reports),
        ],
        cwd=tmp_path,  # its cache (.schemathesis/) stays out of the repository
        capture_output=True,
        text=True,
        timeout=FUZZ_SECONDS * 4 + 120,
        check=False,
    )
    (junit,) = reports.glob("*.xml")
    # The report is schemathesis's own file from this run, not untrusted input.
    failures = list(ElementTree.parse(junit).getroot().iter("failure"))  # noqa: S314
    found = Counter((failure.get("message") or "?") for failure in failures)
    print("schemathesis findings by check:", dict(found))
    server_errors = [
        failure.text or ""
        for failure in failures
        if "ST101" in (failure.get("message") or "").split(", ")
    ]
    assert server_errors == [], "\n\n".join(server_errors)[:5000]
    assert "generated" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    assert "Traceback" not in demo_server.log()
