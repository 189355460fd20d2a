from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.event_log import EventLog
from infra.persistence import persistence_env
from tests.backends import Backend, fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh ledger database on each backend that outlives its process."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from fresh_postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from fresh_postgres_database()


@pytest.fixture
def backend(postgres_url: str) -> Iterator[Backend]:
    store = Backend("postgres", postgres_url)
    yield store
    store.close_all()


@pytest.fixture
def event_log(postgres_url: str) -> Iterator[EventLog]:
    """The ledger's event log on a fresh PostgreSQL database, closed after the test."""
    log = EventLog(persistence_env(postgres_url), "localhost/test")
    yield log
    log.close()
