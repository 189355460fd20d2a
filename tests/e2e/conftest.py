from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends import fresh_postgres_database
from tests.e2e.server import ServerProcess


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db").start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from fresh_postgres_database()
