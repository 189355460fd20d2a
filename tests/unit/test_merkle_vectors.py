"""transparency-dev/merkle's RFC 9162 proof vectors, every one, against domain.merkle.

Each JSON file is one case (README.md beside the data): happy paths must verify and every
``wantErr`` case must raise ProofError. The data lives in the shared test data beside the
repository (``../shared/testdata``) unless a copy is vendored under ``tests/data``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from domain.merkle import ProofError, verify_consistency, verify_inclusion

_REPO = Path(__file__).resolve().parents[2]
_CANDIDATES = (
    _REPO / "tests" / "data" / "transparency-dev-merkle",
    _REPO.parent / "shared" / "testdata" / "transparency-dev-merkle",
)
VECTORS = next((path for path in _CANDIDATES if path.is_dir()), _CANDIDATES[-1])


def _cases(kind: str) -> list[str]:
    return sorted(str(path.relative_to(VECTORS)) for path in (VECTORS / kind).rglob("*.json"))


INCLUSION_CASES = _cases("inclusion")
CONSISTENCY_CASES = _cases("consistency")


def _load(relative: str) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((VECTORS / relative).read_text())
    return case


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _proof(case: dict[str, Any]) -> list[bytes]:
    return [_b64(item) for item in case["proof"] or []]


def test_every_vector_is_collected() -> None:
    # 98 + 98 files in transparency-dev/merkle's testdata/{inclusion,consistency}.
    assert len(INCLUSION_CASES) == 98
    assert len(CONSISTENCY_CASES) == 98
    negative = [name for name in INCLUSION_CASES + CONSISTENCY_CASES if _load(name)["wantErr"]]
    assert len(negative) == 196 - 12


@pytest.mark.parametrize("relative", INCLUSION_CASES)
def test_inclusion_vector(relative: str) -> None:
    case = _load(relative)
    arguments = (
        _b64(case["leafHash"]),
        case["leafIdx"],
        case["treeSize"],
        _proof(case),
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*arguments)
    else:
        verify_inclusion(*arguments)


@pytest.mark.parametrize("relative", CONSISTENCY_CASES)
def test_consistency_vector(relative: str) -> None:
    case = _load(relative)
    arguments = (
        case["size1"],
        case["size2"],
        _b64(case["root1"]),
        _b64(case["root2"]),
        _proof(case),
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*arguments)
    else:
        verify_consistency(*arguments)
