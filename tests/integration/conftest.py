from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.backends import Backend, fresh_postgres_database


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from fresh_postgres_database()


@pytest.fixture
def backend(postgres_url: str) -> Iterator[Backend]:
    store = Backend("postgres", postgres_url)
    yield store
    store.close_all()
