"""The composition root: settings → key files → event store → services → web app.

Nothing is built at import time; ``provenance serve`` and the tests call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from domain.envelope import keyid_for
from infra.keys import load_private_key, load_public_key, public_path, write_keypair
from infra.persistence import persistence_env
from infra.settings import DEFAULT_OPERATOR_KEY, Settings
from services.api.app import create_app
from services.ledger_services import LedgerServices, open_ledger


@dataclass(frozen=True, slots=True)
class FirstRunNotice:
    """Keys a first run created, so the caller can tell the user where they are."""

    created: tuple[Path, ...]


def ensure_default_keys(settings: Settings) -> FirstRunNotice:
    """Create ``./keys/operator`` (if no operator key is configured) and the log key if absent."""
    created: list[Path] = []
    if not settings.operator_keys and not public_path(DEFAULT_OPERATOR_KEY).exists():
        write_keypair(DEFAULT_OPERATOR_KEY)
        created.append(DEFAULT_OPERATOR_KEY)
    if not settings.log_key.exists():
        write_keypair(settings.log_key)
        created.append(settings.log_key)
    return FirstRunNotice(tuple(created))


def operator_key_paths(settings: Settings) -> tuple[Path, ...]:
    return settings.operator_keys or (public_path(DEFAULT_OPERATOR_KEY),)


def build_services(settings: Settings, worker_cpus: frozenset[int] | None = None) -> LedgerServices:
    """The services ``settings`` describe; ``worker_cpus``: see :func:`open_ledger`."""
    operator_keys = [load_public_key(path) for path in operator_key_paths(settings)]
    return open_ledger(
        persistence_env(settings.database_url),
        operator_keys,
        settings.origin,
        load_private_key(settings.log_key),
        state_dir=settings.state_dir,
        projection=settings.projection,
        worker_cpus=worker_cpus,
    )


def build_app(settings: Settings) -> FastAPI:
    """The web app over freshly opened services (closed when the app shuts down)."""
    return create_app(build_services(settings))


def describe_operator_keys(settings: Settings) -> list[str]:
    return [
        f"{path} (keyid {keyid_for(load_public_key(path))})"
        for path in operator_key_paths(settings)
    ]
