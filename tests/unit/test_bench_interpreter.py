"""Every benchmark names the interpreter its processes ran on (``bench.interpreter``)."""

from __future__ import annotations

import os
import platform
import sys

from bench.interpreter import interpreter_line


def test_the_line_names_the_executable_the_venv_links_to_and_its_version() -> None:
    line = interpreter_line()
    assert os.path.realpath(sys.executable) in line
    implementation = platform.python_implementation()
    assert f"{implementation} {platform.python_version()} (" in line
