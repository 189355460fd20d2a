"""Bundles built by a real in-memory ledger, for verification and tamper tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.envelope import parse_envelope
from services.ledger_services import LedgerServices
from tests.backends import Backend
from tests.builders import Cast, artefact, envelope


@dataclass
class BundleWorld:
    cast: Cast
    backend: Backend
    ledger: LedgerServices
    bundle: dict[str, Any]
    other: dict[str, Any]  # a bundle of another model, same checkpoint

    @property
    def log_key(self) -> Any:
        return self.backend.log_key.public_key()

    def fresh(self) -> dict[str, Any]:
        """A copy as a file would give it (no shared objects)."""
        copied: dict[str, Any] = json.loads(json.dumps(self.bundle))
        return copied


def small_world() -> BundleWorld:
    cast = Cast()
    backend = Backend("memory", "memory://")
    ledger = backend.open([cast.operator.public_key()])
    documents = [
        *cast.small_model(),
        envelope(cast.acme, "LicenceGranted", "acme/x/code", {"licence": "MIT"}),
        envelope(
            cast.auditor,
            "ClaimAsserted",
            "acme/x/weights",
            {"claim": "licence-misattributed", "detail": "the README says otherwise"},
        ),
        artefact(
            cast.globex,
            "globex/y/weights",
            "parameters",
            "model-parameters",
            digest={"sha256": "ab" * 32},
        ),
        envelope(cast.globex, "LicenceGranted", "globex/y/weights", {"licence": "Apache-2.0"}),
        envelope(
            cast.globex,
            "ModelVersionReleased",
            "globex/y@1",
            {"name": "Y", "version": "1", "components": {"model-parameters": ["globex/y/weights"]}},
        ),
    ]
    ledger.submission.submit([parse_envelope(d) for d in documents])
    bundle = ledger.bundles.build("acme/x@1", None, None, "default")
    other = ledger.bundles.build("globex/y@1", None, None, "default")
    return BundleWorld(cast, backend, ledger, bundle, other)


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a scalar (or empty container) inside a JSON value."""
    if isinstance(value, dict) and value:
        for key in value:
            yield from leaf_paths(value[key], (*path, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path


def mutated(value: Any) -> Any:
    """A different JSON value of a plausible kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value[:-1] + ("A" if value[-1:] != "A" else "B") if value else "x"
    if value is None:
        return "2024-01-01T00:00:00Z"
    if isinstance(value, list):
        return ["x"]
    return {"x": 1}


def set_path(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


def get_path(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()
