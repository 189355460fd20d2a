"""``provenance sign --help`` lists every statement type with its fields, read from the
statement-type registry and the catalogue's data shapes (run as a real CLI process)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from domain.catalogue import COMPONENTS
from domain.fields import (
    Field,
    check_object,
    describe_fields,
    describe_value,
    list_of,
    number_between,
    one_of,
    subject_id,
    text,
)
from domain.rejections import Rejection
from domain.statement_types import STATEMENT_TYPES


def _help() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "sign", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_every_type_is_listed_with_every_field_and_its_signers() -> None:
    page = _help()
    section = page.split("statement types and their --data fields (name? = optional):", 1)[1]
    types, _, components = section.partition("\n  <component>:")
    heads = re.split(r"^  (\w+) \(catalogue v([\d.]+); subject: [^)]*\)$", types, flags=re.M)
    blocks = {
        heads[i]: (heads[i + 1], " ".join(heads[i + 2].split())) for i in range(1, len(heads), 3)
    }
    assert list(blocks) == list(STATEMENT_TYPES)
    for name, kind in STATEMENT_TYPES.items():
        version, block = blocks[name]
        assert version == kind.catalogue
        assert block.startswith(f"signed by: {' '.join(kind.signers.split())} "), name
        fields = describe_fields(kind.schema)
        assert fields, name
        for field, value in fields:
            assert f"{field}: {value}" in block, (name, field)
    assert "licence: SPDX expression, uri?: text" in blocks["LicenceGranted"][1]
    assert "kind: code|dataset|documentation|hardware|parameters" in blocks["ArtefactRegistered"][1]
    for component in COMPONENTS:
        assert component in components


def test_fields_are_described_from_the_checks() -> None:
    shape = check_object(
        (
            Field("kind", one_of({"a", "b"})),
            Field("ids", list_of(subject_id), required=False),
            Field("part", one_of(COMPONENTS, "component")),
            Field("share", number_between(0, 1), required=False),
            Field("inner", check_object((Field("x", text), Field("y", text, required=False)))),
        )
    )
    assert describe_fields(shape) == [
        ("kind", "a|b"),
        ("ids?", "[id]"),
        ("part", "<component>"),
        ("share?", "number 0..1"),
        ("inner", "{x, y?}"),
    ]
    assert describe_value(text) == "text"
    assert describe_fields(text) == []


def test_the_checks_still_check() -> None:
    shape = check_object((Field("kind", one_of({"a"})), Field("n", number_between(0, 1))))
    shape({"kind": "a", "n": 0.5}, "data")
    for bad in (
        {"kind": "b", "n": 0},
        {"kind": "a", "n": 2},
        {"kind": "a"},
        {"kind": "a", "n": 0, "z": 1},
    ):
        with pytest.raises(Rejection):
            shape(bad, "data")
