"""Which interpreter a benchmark's Python processes ran on: the same code's rates differ by it.

On 2026-12-07, alternated runs of ``bench.cpu_split --clients 4`` on one machine gave batch ingest
0.76 and 0.80 of the verify rate on pyenv's default CPython build (no profile-guided or link-time
optimisation, libpython shared) against 0.84 and 0.91 on Debian's (both), since the verify rate is
C code and the service's own work is the interpreter's (README, "Benchmarks", has the other
benchmarks' pairs). Every benchmark prints this line so that figures are compared on like
interpreters.
"""

from __future__ import annotations

import os
import platform
import sys


def interpreter_line() -> str:
    """The interpreter this process runs (the servers and workers a benchmark starts run the same
    one: its ``.venv``): implementation, version and the executable ``.venv`` links to."""
    executable = os.path.realpath(sys.executable)
    return (
        f"interpreter: {platform.python_implementation()} {platform.python_version()} "
        f"({executable}; the services' too)"
    )
