"""domain.statement_types: one registry entry per statement type, and no other table by type.

Before the registry, each type appeared in five tables keyed by type string and only one was
checked for completeness: a type missing from another was a KeyError, a 500. These tests fail
when a type lacks a part of its entry, when a valid statement of some type cannot go through
every part, or when code outside the registry starts a new table keyed by type names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.assessment.world import Recorded, World
from domain.catalogue import SubjectKind
from domain.rejections import Rejection, RejectionKind
from domain.statement import Statement
from domain.statement_types import STATEMENT_TYPES, StatementType, statement_type
from domain.subject_view import SignedStatement, subject_state
from tests.unit.test_domain_statement import OPTIONAL, REQUIRED

ROOT = Path(__file__).resolve().parents[2]
CODE = ("domain", "services", "infra")
REGISTRY = ROOT / "domain" / "statement_types.py"
TIME = "2024-05-06T07:08:09Z"
SUBJECT = "acme/subject"


def test_every_type_has_every_part() -> None:
    assert STATEMENT_TYPES, "the registry is empty"
    for name, kind in STATEMENT_TYPES.items():
        assert kind.name == name
        assert kind.catalogue in {"1", "1.1"}
        assert kind.signers.strip(), f"{name}: who may sign it is not said"
        for part in ("schema", "admit", "change", "view", "world"):
            assert callable(getattr(kind, part)), f"{name} lacks its {part}"


def test_every_type_has_a_valid_example_and_an_optional_one() -> None:
    """The statement tests hold one valid data object per type (required fields, and every
    optional field): a type added to the registry without them fails here."""
    assert set(REQUIRED) == set(STATEMENT_TYPES)
    assert set(OPTIONAL) <= set(STATEMENT_TYPES)


def _creator(kind: StatementType) -> list[Statement]:
    """The statement that creates ``kind``'s subject first (none for a creating type)."""
    if kind.creates or kind.subject is None:
        return []
    creator = next(t for t in STATEMENT_TYPES.values() if t.creates and t.subject is kind.subject)
    data = dict(REQUIRED[creator.name])
    if creator.name == "ArtefactRegistered":  # a dataset: the kind most types describe
        data.update(kind="dataset", component="datasets")
    return [Statement(creator.name, SUBJECT, data, TIME, TIME)]


@pytest.mark.parametrize("name", sorted(STATEMENT_TYPES))
def test_a_valid_statement_of_every_type_goes_through_every_fold(name: str) -> None:
    """Schema, subject view and world fold take a valid statement of each type after its
    subject's creation without a KeyError (admission checked the references)."""
    kind = STATEMENT_TYPES[name]
    data = {**REQUIRED[name], **OPTIONAL.get(name, {})}
    kind.schema(data, "data")
    statements = [*_creator(kind), Statement(name, SUBJECT, data, TIME, TIME)]
    signed = [SignedStatement(s, f"{i:064x}", "cd" * 32) for i, s in enumerate(statements)]
    state = subject_state(kind.subject or SubjectKind.ARTEFACT, signed)
    assert "claims" in state
    world = World()
    for index, statement in enumerate(statements):
        world.add(Recorded(statement, f"{index:064x}", ("cd" * 32,), index))
    assert world.by_subject[SUBJECT][-1].statement.type == name


def test_an_unknown_type_is_a_422_naming_the_catalogue() -> None:
    with pytest.raises(Rejection) as raised:
        statement_type("ModelVersionPromoted")
    assert raised.value.kind is RejectionKind.UNKNOWN_TYPE
    assert "ModelVersionReleased" in raised.value.detail


def test_the_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        STATEMENT_TYPES["Extra"] = STATEMENT_TYPES["ClaimAsserted"]  # type: ignore[index]
    assert isinstance(STATEMENT_TYPES["ClaimAsserted"], StatementType)


def _tables_keyed_by_type(source: str) -> Iterator[tuple[int, list[str]]]:
    """(line, type names) of every dict display with two or more statement-type keys."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            keys = [
                k.value
                for k in node.keys
                if isinstance(k, ast.Constant)
                and isinstance(k.value, str)
                and k.value in STATEMENT_TYPES
            ]
            if len(keys) >= 2:
                yield node.lineno, keys


def test_no_table_outside_the_registry_is_keyed_by_statement_type() -> None:
    found = []
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == REGISTRY:
                continue
            for line, keys in _tables_keyed_by_type(path.read_text(encoding="utf-8")):
                found.append(f"{path.relative_to(ROOT)}:{line} {keys}")
    assert found == [], "per-type tables belong in domain/statement_types.py: " + "; ".join(found)


def test_the_scan_finds_a_table_keyed_by_type() -> None:
    """The scan above is not vacuous: the table shape it exists to refuse is found."""
    table = 'FOLDS = {"LicenceGranted": grant, "LicenceWithdrawn": withdraw, "other": x}\n'
    assert list(_tables_keyed_by_type(table)) == [(1, ["LicenceGranted", "LicenceWithdrawn"])]
