"""``docs/contract.md`` stays true to the code it describes: every statement type of the
registry, every route the API serves and every CLI command is named, and every file it points at
exists (the README links it instead of a design document a clone does not have)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute

from domain.statement_types import STATEMENT_TYPES
from services.api.app import API_ROUTES
from services.cli.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")


def test_every_statement_type_is_described() -> None:
    v1 = [name for name, kind in STATEMENT_TYPES.items() if kind.catalogue == "1"]
    assert len(v1) == 14
    for name in v1:
        assert f"`{name}`" in PAGE, name
    for name in STATEMENT_TYPES:
        assert name in PAGE or STATEMENT_TYPES[name].catalogue == "1.1", name


def test_every_route_is_listed() -> None:
    for module in API_ROUTES:
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            path = re.sub(r"\{(\w+)(:path)?\}", r"{\1}", route.path)
            path = path.replace("{model_id}", "{id}").replace("{subject_id}", "{id}")
            path = path.replace("{licence_id}", "{id}").replace("/tile/{path}", "/tile/…")
            for method in route.methods or ():
                assert f"{method} {path}" in PAGE, f"{method} {path}"


def test_every_command_is_named() -> None:
    section = PAGE.split("## 8. The CLI", 1)[1].split("## 9.", 1)[0]
    for command in COMMANDS:
        assert f"`{command}`" in section, command


def test_every_file_it_points_at_exists() -> None:
    paths = re.findall(r"`((?:domain|services|infra)/[\w/.]*)`", PAGE)
    assert len(paths) > 15
    for path in paths:
        assert (ROOT / path).exists(), path


def test_the_readme_points_at_it_not_at_a_file_outside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert "(docs/contract.md)" in readme
