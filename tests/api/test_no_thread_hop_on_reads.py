"""The stored-answer read stays on the event loop: every shared route dependency is a
coroutine (FastAPI runs a plain-function dependency in its thread pool, a hop that cost the
freedoms read at the head more than the read itself: ``make bench-assess``)."""

from __future__ import annotations

import inspect
import re
import time
from pathlib import Path
from typing import get_args

from fastapi.params import Depends
from fastapi.testclient import TestClient

import services.api.deps as deps
from tests.api.conftest import post_all
from tests.builders import Cast

API = Path(deps.__file__).parent


def test_the_shared_dependencies_are_coroutines() -> None:
    declared = [
        marker.dependency
        for value in vars(deps).values()
        for marker in get_args(value)[1:]
        if isinstance(marker, Depends)
    ]
    assert declared  # Services at least
    assert all(inspect.iscoroutinefunction(call) for call in declared), declared


def test_no_route_declares_a_dependency_of_its_own() -> None:
    """Routes take their dependencies from ``services.api.deps`` (checked above)."""
    for source in API.rglob("*.py"):
        if source != Path(deps.__file__):
            assert re.search(r"\bDepends\(", source.read_text(encoding="utf-8")) is None, source


def test_the_head_read_is_answered_from_memory_with_the_stored_bytes(
    client: TestClient, cast: Cast
) -> None:
    post_all(client, cast.small_model())
    model = "acme/x@1"
    first = client.get(f"/v1/models/{model}/freedoms")
    assert first.status_code == 200
    services = client.app.state.services  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30  # the projection warms up on a thread of its own
    while services.current_freedoms(model, "default") is None:
        assert time.monotonic() < deadline, "the projection did not catch up"
        time.sleep(0.05)
    held = services.current_freedoms(model, "default")
    assert held is not None  # the next read is answered from memory, on the event loop
    stored = services.answers.store.get(model, "default")
    assert stored is not None
    again = client.get(f"/v1/models/{model}/freedoms")
    assert again.content == held == stored.body == first.content
    assert again.headers["content-type"] == "application/json"
