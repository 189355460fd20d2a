"""The same ledger contract as tests/unit, on a real PostgreSQL."""

from __future__ import annotations

import pytest

from tests.assessment_contract import AssessmentContract
from tests.ledger_contract import BundleContract, LedgerContract, TransparencyLogContract

pytestmark = pytest.mark.postgres


class TestLedgerContractOnPostgres(LedgerContract):
    pass


class TestTransparencyLogOnPostgres(TransparencyLogContract):
    pass


class TestAssessmentOnPostgres(AssessmentContract):
    pass


class TestBundlesOnPostgres(BundleContract):
    pass
