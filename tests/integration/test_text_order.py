"""Ids and keys are ordered by code point on every PostgreSQL database, whatever its default
collation, as on SQLite: the ledger index's text columns are declared ``COLLATE "C"``.

Under a linguistic collation (the ``postgres`` Docker image initialises ``en_US.utf8``; here
ICU's ``en-US``) ``acme/b@1`` sorts before ``acme/Model@1``, while Python, SQLite and the API's
``after`` cursor compare code points, where ``M`` comes before ``b``: paging the model list
then skipped models."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.envelope import parse_envelope
from tests.backends import Backend, fresh_postgres_database, libpq_url
from tests.builders import artefact, enrolment, envelope

MODELS = ["acme/b@1", "acme/Model@1", "acme/a-z@1", "acme/A@1", "acme/a.b@1", "acme/a+b@1"]
TEXT_COLUMNS = {("leaves", "event_id"), ("leaves", "subject"), ("state", "key")}


@pytest.fixture
def linguistic_url() -> Iterator[str]:
    """A fresh database whose default collation is ICU's en-US."""
    yield from fresh_postgres_database(
        "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
    )


def _record_models(backend: Backend, operator: Ed25519PrivateKey) -> None:
    acme = Ed25519PrivateKey.generate()
    documents = [enrolment(operator, acme, "acme", ["publisher"])]
    for model in MODELS:
        weights = f"{model.split('@')[0]}/weights"
        documents += [
            artefact(acme, weights, "parameters", "model-parameters"),
            envelope(
                acme,
                "ModelVersionReleased",
                model,
                {"name": model, "version": "1", "components": {"model-parameters": [weights]}},
            ),
        ]
    ledger = backend.open([operator.public_key()])
    ledger.submission.submit([parse_envelope(d) for d in documents])


def _paged_one_by_one(backend: Backend, operator: Ed25519PrivateKey) -> list[str]:
    ledger = backend.open([operator.public_key()])
    seen: list[str] = []
    after: str | None = ""
    while after is not None and len(seen) <= len(MODELS):
        page, after = ledger.models_page(after=after, limit=1)
        seen += [listed.summary.id for listed in page]
    return seen


def _collations(url: str) -> set[tuple[str, str, str]]:
    with psycopg.connect(libpq_url(url)) as connection:
        rows = connection.execute(
            "SELECT c.relname, a.attname, coalesce(k.collname, '') FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid "
            "LEFT JOIN pg_collation k ON k.oid = a.attcollation "
            "WHERE c.relname IN ('provenanceledger_leaves', 'provenanceledger_state') "
            "AND a.attname IN ('event_id', 'subject', 'key')"
        ).fetchall()
    return {(table.removeprefix("provenanceledger_"), column, name) for table, column, name in rows}


def test_the_model_list_pages_by_code_point_on_a_linguistic_database(linguistic_url: str) -> None:
    backend, operator = Backend("postgres", linguistic_url), Ed25519PrivateKey.generate()
    try:
        _record_models(backend, operator)
        assert _paged_one_by_one(backend, operator) == sorted(MODELS)
        assert _collations(linguistic_url) == {(t, c, "C") for t, c in TEXT_COLUMNS}
    finally:
        backend.close_all()


def test_a_ledger_indexed_under_the_default_collation_is_moved_to_code_points(
    linguistic_url: str,
) -> None:
    """A ledger whose index was created before the columns were declared ``COLLATE "C"`` has
    them altered when it is opened (once: the check reads the catalogue)."""
    backend, operator = Backend("postgres", linguistic_url), Ed25519PrivateKey.generate()
    try:
        _record_models(backend, operator)
        backend.close_all()
        libpq = libpq_url(linguistic_url)
        with psycopg.connect(libpq, autocommit=True) as connection:
            for table, column in TEXT_COLUMNS:
                connection.execute(
                    f"ALTER TABLE provenanceledger_{table} "
                    f'ALTER COLUMN {column} TYPE TEXT COLLATE "default"'
                )
        assert {name for *_, name in _collations(linguistic_url)} == {"default"}
        assert _paged_one_by_one(backend, operator) == sorted(MODELS)
        assert _collations(linguistic_url) == {(t, c, "C") for t, c in TEXT_COLUMNS}
    finally:
        backend.close_all()
