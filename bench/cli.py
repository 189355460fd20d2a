"""CLI start-up benchmark: how long the ``provenance`` command takes to give its first answer,
as a ratio to a bare interpreter's start (``python -c pass``) measured in the same run.

Each command runs ``--runs`` times in a fresh process (after one warm-up run, so the file cache
is warm for all alike); the median wall time is reported with its ratio to the bare start. The
commands: ``--help``, ``keyid KEY`` (a key made for the run), ``sign --help``, and, against a
demo server started on loopback for the run, ``models`` and ``freedoms MODEL`` (which add one
HTTP round trip and the server's answer).

Usage: ``python -m bench.cli [--runs 15] [--no-server]`` (``make bench-cli``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.interpreter import interpreter_line

BIN = Path(sys.executable).parent
PROVENANCE = str(BIN / "provenance")
MODEL = "meta/llama-2-7b@2023-07-18"


def wall_time(command: Sequence[str], runs: int, cwd: Path) -> float:
    """The median wall time of ``command`` over ``runs`` fresh processes, in seconds."""
    subprocess.run(command, cwd=cwd, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.cli", description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-server", action="store_true", help="skip the server commands")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        subprocess.run(
            [PROVENANCE, "keygen", "--out", "bench-key"], cwd=work, check=True, capture_output=True
        )
        bare = wall_time([sys.executable, "-c", "pass"], args.runs, work)
        print(interpreter_line())
        print(f"python -c pass: {bare * 1000:.0f} ms (median of {args.runs})")
        commands = {
            "provenance --help": [PROVENANCE, "--help"],
            "provenance keyid KEY": [PROVENANCE, "keyid", "bench-key"],
            "provenance sign --help": [PROVENANCE, "sign", "--help"],
        }
        for name, command in commands.items():
            _report(name, wall_time(command, args.runs, work), bare)
        if not args.no_server:
            _server_commands(work, args.runs, bare)
    return 0


def _server_commands(work: Path, runs: int, bare: float) -> None:
    from tests.e2e.server import ServerProcess

    server = ServerProcess(work, "sqlite:///./ledger.db", extra_args=("--demo",)).start()
    try:
        flags = ["--server", server.url]
        _report("provenance models", wall_time([PROVENANCE, "models", *flags], runs, work), bare)
        freedoms = [PROVENANCE, "freedoms", MODEL, "--json", *flags]
        _report(f"provenance freedoms {MODEL} --json", wall_time(freedoms, runs, work), bare)
    finally:
        server.stop()


def _report(name: str, seconds: float, bare: float) -> None:
    print(f"{name}: {seconds * 1000:.0f} ms = {seconds / bare:.1f} × a bare interpreter's start")


if __name__ == "__main__":
    sys.exit(main())
