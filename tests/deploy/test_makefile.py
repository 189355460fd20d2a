"""The Makefile's two entry points share ``.venv``: ``make run`` installs the runtime only, ``make
test`` the dev extras too, each behind its own stamp; ``.venv`` is made from the distribution's
interpreter where it can be. Checked with ``make -n`` (what make would run) on a copy of the
Makefile, in the states a clone goes through."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _would_run(directory: Path, target: str, *assignments: str) -> str:
    """What ``make -n target [assignments]`` would run, as a top-level make (the suite itself runs
    under ``make test``, whose variables would make this one a sub-make that names directories)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"}
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target, *assignments],
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


def _interpreter(directory: Path, check_passes: bool, real: str = "") -> Path:
    """A stand-in for an interpreter: it answers the Makefile's check (version, ensurepip) with
    success or failure, as a qualifying or unfit ``/usr/bin/python3`` would, and prints ``real``
    as the executable it runs (default: its own path)."""
    path = directory / ("fit-python" if check_passes else "unfit-python")
    _script(path, f"echo {real or path}\nexit {0 if check_passes else 1}")
    return path


def _script(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_the_venv_is_made_from_the_distribution_interpreter_where_it_qualifies(
    clone: Path,
) -> None:
    fit = _interpreter(clone, check_passes=True)
    plan = _would_run(clone, "run", f"DISTRIBUTION_PYTHON={fit}")
    assert plan.startswith(f"{fit} -m venv .venv\n")


@pytest.mark.parametrize("distribution", ["unfit", "absent"])
def test_without_a_fit_distribution_interpreter_the_venv_is_made_from_python3_on_path(
    clone: Path, distribution: str
) -> None:
    interpreter = (
        _interpreter(clone, check_passes=False) if distribution == "unfit" else clone / "absent"
    )
    plan = _would_run(clone, "run", f"DISTRIBUTION_PYTHON={interpreter}")
    assert plan.startswith("python3 -m venv .venv\n")


def test_an_interpreter_named_on_the_command_line_wins(clone: Path) -> None:
    fit = _interpreter(clone, check_passes=True)
    plan = _would_run(clone, "run", f"DISTRIBUTION_PYTHON={fit}", "PYTHON=/opt/python/bin/python3")
    assert plan.startswith("/opt/python/bin/python3 -m venv .venv\n")


def _fits(interpreter: str) -> bool:
    """The Makefile's own check of a distribution interpreter, run here."""
    check = "import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))"
    if not Path(interpreter).exists():
        return False
    return (
        subprocess.run([interpreter, "-c", check], capture_output=True, check=False).returncode == 0
    )


@pytest.mark.skipif(
    not _fits("/usr/bin/python3"), reason="no /usr/bin/python3 of 3.11 or newer with ensurepip"
)
def test_this_machines_distribution_interpreter_is_chosen(clone: Path) -> None:
    assert _would_run(clone, "run").startswith("/usr/bin/python3 -m venv .venv\n")


def test_a_venv_made_from_another_interpreter_is_named_with_the_way_to_rebuild_it(
    clone: Path,
) -> None:
    fit = _interpreter(clone, check_passes=True)
    _script(clone / ".venv/bin/python", "echo /root/.pyenv/versions/3.11.7/bin/python3.11")
    plan = _would_run(clone, "lint", f"DISTRIBUTION_PYTHON={fit}")
    assert plan.startswith(
        f"note: .venv runs /root/.pyenv/versions/3.11.7/bin/python3.11, not {fit}; "
        "`make clean` rebuilds it\n"
    )


def test_a_venv_made_from_the_chosen_interpreter_is_not_remarked_on(clone: Path) -> None:
    fit = _interpreter(clone, check_passes=True, real="/usr/bin/python3.11")
    _script(clone / ".venv/bin/python", "echo /usr/bin/python3.11")
    plan = _would_run(clone, "lint", f"DISTRIBUTION_PYTHON={fit}")
    assert "note:" not in plan
    assert ".venv/bin/ruff check ." in plan
