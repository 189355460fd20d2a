"""The CLI's command table matches what the command modules define, and a command imports only
its own module: ``--help`` and ``keyid`` load neither the web stack nor a database driver."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import services.cli
from services.cli.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fastapi", "uvicorn", "psycopg", "eventsourcing", "services.api", "services.audit")


def test_the_table_names_every_command_its_module_defines() -> None:
    defined: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(services.cli.__path__):
        module = importlib.import_module(f"services.cli.{info.name}")
        if not hasattr(module, "register"):
            continue
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers()
        module.register(commands)
        for action in commands._choices_actions:
            defined[action.dest] = (info.name, str(action.help))
    assert defined == COMMANDS


def _loaded_after(argv: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from services.cli.main import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(run.stdout.splitlines()[-1].split())


def test_help_and_keyid_import_only_what_they_use(tmp_path: Path) -> None:
    from infra.keys import write_keypair

    key = tmp_path / "k"
    write_keypair(key)
    assert _loaded_after(["--help"]) == set()
    assert _loaded_after(["keyid", str(key)]) == set()
    assert _loaded_after(["sign", "--help"]) == set()
    assert "fastapi" in _loaded_after(["serve", "--help"])  # the probe does see imports


def test_version_names_the_installed_package() -> None:
    from importlib import metadata

    run = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0
    assert run.stdout.strip() == f"provenance {metadata.version('provenance-ledger')}"
