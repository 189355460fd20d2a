from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.api.app import create_app
from tests.backends import Backend
from tests.builders import Cast


@pytest.fixture
def cast() -> Cast:
    return Cast()


@pytest.fixture
def client(tmp_path: Path, cast: Cast) -> Iterator[TestClient]:
    backend = Backend("sqlite", f"sqlite:///{tmp_path}/api.db")
    services = backend.open([cast.operator.public_key()])
    with TestClient(create_app(services)) as test_client:
        yield test_client
    backend.close_all()


def log_length(client: TestClient) -> int:
    """How many events the log holds, read through the API."""
    count, after = 0, 0
    while True:
        page: dict[str, Any] = client.get(
            "/v1/events", params={"after": after, "limit": 1000}
        ).json()
        count += len(page["events"])
        if page["next"] is None:
            return count
        after = page["next"]


def post_all(client: TestClient, documents: list[dict[str, Any]]) -> None:
    response = client.post("/v1/events:batch", json={"envelopes": documents})
    assert response.status_code == 201, response.text
