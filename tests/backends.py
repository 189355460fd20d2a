"""Event stores the behavioural suites run on: in memory, an SQLite file, a real PostgreSQL.

PostgreSQL tests get a database of their own, created and dropped around each test. Where no
server answers they skip, except under ``CI=true``, where they fail: CI must never pass
without having run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infra.persistence import persistence_env
from services.ledger_services import LedgerServices, open_ledger, utc_now

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ORIGIN = "test.example/ledger"


@dataclass
class Backend:
    """One empty event store; ``open`` may be called again to reopen the same store."""

    name: str
    database_url: str
    opened: list[LedgerServices] = field(default_factory=list)
    log_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def reopenable(self) -> bool:
        return self.name != "memory"

    def open(
        self,
        operator_keys: Sequence[Ed25519PublicKey],
        clock: Callable[[], datetime] = utc_now,
        log_key: Ed25519PrivateKey | None = None,
    ) -> LedgerServices:
        services = open_ledger(
            persistence_env(self.database_url),
            operator_keys,
            ORIGIN,
            log_key or self.log_key,
            clock,
        )
        self.opened.append(services)
        return services

    def close_all(self) -> None:
        for services in self.opened:
            services.close()
        self.opened.clear()


def postgres_or_skip() -> None:
    """Skip (or, in CI, fail) when no PostgreSQL server answers at ``ADMIN_URL``."""
    import psycopg

    try:
        psycopg.connect(libpq_url(ADMIN_URL), connect_timeout=5).close()
    except psycopg.Error as error:
        message = f"PostgreSQL is not reachable at {ADMIN_URL}: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)


def fresh_postgres_database(options: str = "") -> Iterator[str]:
    """Create a uniquely named database (``CREATE DATABASE`` taking ``options``), yield its
    URL, drop it afterwards."""
    import psycopg

    postgres_or_skip()
    name = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(ADMIN_URL), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" {options}')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(libpq_url(ADMIN_URL), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def libpq_url(url: str) -> str:
    """``url`` as libpq (``psycopg.connect``) takes it: without SQLAlchemy's ``+psycopg``."""
    return url.replace("postgresql+psycopg://", "postgresql://")
