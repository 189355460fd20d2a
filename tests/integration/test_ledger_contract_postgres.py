"""The same ledger contract as tests/unit, on a real PostgreSQL."""

from __future__ import annotations

import pytest

from tests.ledger_contract import LedgerContract, TransparencyLogContract

pytestmark = pytest.mark.postgres


class TestLedgerContractOnPostgres(LedgerContract):
    pass


class TestTransparencyLogOnPostgres(TransparencyLogContract):
    pass
