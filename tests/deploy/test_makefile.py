"""The Makefile's two entry points share ``.venv``: ``make run`` installs the runtime only, ``make
test`` the dev extras too, each behind its own stamp. Checked with ``make -n`` (what make would run)
on a copy of the Makefile, in the states a clone goes through."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _would_run(directory: Path, target: str) -> str:
    """What ``make -n target`` would run, as a top-level make (the suite itself runs under
    ``make test``, whose variables would make this one a sub-make that names directories)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"}
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return result.stdout


def _touch(path: Path, stamp: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path, (stamp, stamp))


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    _touch(tmp_path / "pyproject.toml", time.time() - 100)
    return tmp_path


def test_make_run_on_a_fresh_clone_installs_the_runtime_only(clone: Path) -> None:
    plan = _would_run(clone, "run")
    assert "-m venv .venv" in plan
    assert "pip install --progress-bar on -e .\n" in plan
    assert "[dev]" not in plan
    assert "--quiet -e" not in plan  # the long install shows its progress
    assert plan.rstrip().endswith("provenance serve --demo")


def test_make_test_after_make_run_installs_the_dev_extras(clone: Path) -> None:
    _touch(clone / ".venv/bin/python", time.time() - 50)
    _touch(clone / ".venv/.runtime-stamp", time.time() - 50)
    plan = _would_run(clone, "test")
    assert "-m venv" not in plan
    assert "pip install --progress-bar on -e '.[dev]'" in plan
    assert ".venv/bin/pytest" in plan


def test_make_run_after_make_test_installs_nothing(clone: Path) -> None:
    _touch(clone / ".venv/bin/python", time.time() - 50)
    for stamp in (".runtime-stamp", ".dev-stamp"):  # make test renews both
        _touch(clone / ".venv" / stamp, time.time() - 50)
    assert _would_run(clone, "run").strip() == ".venv/bin/provenance serve --demo"
    assert "pip install" not in _would_run(clone, "lint")


def test_a_changed_pyproject_reinstalls(clone: Path) -> None:
    _touch(clone / ".venv/bin/python", time.time() - 50)
    for stamp in (".runtime-stamp", ".dev-stamp"):
        _touch(clone / ".venv" / stamp, time.time() - 50)
    _touch(clone / "pyproject.toml", time.time())
    assert "pip install --progress-bar on -e .\n" in _would_run(clone, "run")
    assert "pip install --progress-bar on -e '.[dev]'" in _would_run(clone, "test")
