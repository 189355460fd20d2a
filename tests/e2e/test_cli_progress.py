"""Progress lines on long CLI work (demo, audit, rebuild-projections, export of many models):
drawn on stderr when it is a terminal (a real pseudo-terminal here), nothing when it is piped."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

from tests.e2e.server import BIN, ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance


def on_a_terminal(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run ``provenance ARGS`` with stderr on a pseudo-terminal; (exit code, stdout, stderr)."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [str(BIN / "provenance"), *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
    )
    os.close(secondary)
    seen = bytearray()
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen.extend(chunk)
    os.close(primary)
    assert process.stdout is not None
    stdout = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(timeout=120), stdout, seen.decode(errors="replace")


def test_progress_is_drawn_on_a_terminal_and_silent_when_piped(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    try:
        code, out, err = on_a_terminal("demo", "--server", server.url, cwd=tmp_path)
        assert code == 0, err
        assert "recorded" in out
        assert "\rrecording the examples [" in err
        drawn = re.findall(r"recording the examples \[([#.]{30})\] (\d+)/(\d+) statements", err)
        assert drawn[0][0] == "." * 30  # drawn at the start, redrawn in place
        assert drawn[-1] == ("#" * 30, drawn[-1][2], drawn[-1][2])  # and ended complete
        assert "100%\x1b[K\r\n" in err  # then the line is ended (a terminal writes \r\n)

        code, out, err = on_a_terminal(
            "export", "--server", server.url, "--all", "--format", "cyclonedx-1.6",
            "-o", str(tmp_path / "sboms"), cwd=tmp_path,
        )  # fmt: skip
        assert code == 0, err
        assert "\rexporting [" in err
        piped = provenance(
            "export", "--server", server.url, "--all", "--format", "spdx-3.0.1",
            "-o", str(tmp_path / "spdx"), cwd=tmp_path,
        )  # fmt: skip
        assert piped.returncode == 0, piped.stderr
        assert piped.stderr == ""
        assert len(list((tmp_path / "spdx").iterdir())) == len(list((tmp_path / "sboms").iterdir()))
    finally:
        server.stop()

    database = ["--database-url", "sqlite:///./ledger.db"]
    code, out, err = on_a_terminal("rebuild-projections", *database, cwd=tmp_path)
    assert code == 0, err
    replayed = out.split("from ", 1)[1].split()[0]
    assert f"rebuilding the assessments: {replayed} statements replayed" in err
    piped_rebuild = provenance("rebuild-projections", *database, cwd=tmp_path)
    assert piped_rebuild.returncode == 0
    assert piped_rebuild.stderr == ""

    audit = ["audit", "--database", "sqlite:///./ledger.db", "--operator-key", "keys/operator.pub"]
    code, out, err = on_a_terminal(*audit, cwd=tmp_path)
    assert code == 0, out + err
    assert "\rauditing: " in err
    assert f"auditing: {replayed} entries" in err
    piped_audit = provenance(*audit, cwd=tmp_path)
    assert piped_audit.returncode == 0, piped_audit.stdout
    assert "auditing" not in piped_audit.stderr
    assert ok(piped_audit)
