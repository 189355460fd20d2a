"""The ledger contract on the in-memory store and on an embedded SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.assessment_contract import AssessmentContract
from tests.backends import Backend
from tests.ledger_contract import BundleContract, LedgerContract, TransparencyLogContract


@pytest.fixture(params=["memory", "sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/ledger.db"
    store = Backend(request.param, url)
    yield store
    store.close_all()


class TestLedgerContract(LedgerContract):
    pass


class TestTransparencyLog(TransparencyLogContract):
    pass


class TestAssessment(AssessmentContract):
    pass


class TestBundles(BundleContract):
    pass
