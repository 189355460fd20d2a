"""A Python child process that a test moves on step by step through its standard input."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class SteppedProcess:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.pid = process.pid

    def step(self) -> str:
        """Let the child read its next line of input; the line it prints next."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return self.process.stdout.readline()


@contextmanager
def stepped(code: str) -> Iterator[SteppedProcess]:
    """``code`` run in a child interpreter, once it has printed ``ready`` (its start-up done);
    killed at the end. ``code`` prints a line after each line of input it waits for."""
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        yield SteppedProcess(process)
    finally:
        process.kill()
        process.wait()
