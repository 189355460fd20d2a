"""Turn a database URL into the ``eventsourcing`` persistence environment (DESIGN.md §9).

- ``sqlite:///PATH`` (relative) or ``sqlite:////abs/path``: embedded SQLite file in WAL mode.
- ``postgresql://user[:password]@host[:port]/dbname[?schema=S&host=/socket/dir]``: PostgreSQL
  through psycopg 3, inserting through ``infra.postgres_recorder`` (plain arrays, C-dumped).
- ``memory://``: the in-memory store, for fast tests only.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class DatabaseUrlError(ValueError):
    """The database URL names no backend this service supports, or is incomplete."""


def persistence_env(database_url: str) -> dict[str, str]:
    scheme = database_url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        return _sqlite(database_url)
    if scheme in {"postgresql", "postgres"}:
        return _postgres(database_url)
    if scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    raise DatabaseUrlError(
        f"unsupported database URL '{redact(database_url)}': use sqlite:///PATH or postgresql://…"
    )


def existing_ledger_env(database_url: str) -> dict[str, str]:
    """The persistence environment of a database that must already exist and hold a ledger
    (audits, rebuilds): a SQLite file that is not there is refused, never created, and no
    table is created either (a database without the ledger's tables fails on first read)."""
    env = persistence_env(database_url)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        path = Path(env["SQLITE_DBNAME"])
        if not path.is_file():
            raise DatabaseUrlError(f"no database file at {path}: nothing was opened or created")
    return {**env, "CREATE_TABLE": "no"}


def _sqlite(url: str) -> dict[str, str]:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise DatabaseUrlError("a SQLite URL is sqlite:///relative/path or sqlite:////abs/path")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": unquote(url[len(prefix) :]),
        "SQLITE_LOCK_TIMEOUT": "30",
        "APPLICATION_RECORDER_TOPIC": "infra.ledger_recorders:SQLiteLedgerRecorder",
    }


def _postgres(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    dbname = unquote(parts.path.lstrip("/"))
    host = query.get("host") or parts.hostname or ""
    if not dbname or not host:
        raise DatabaseUrlError("a PostgreSQL URL needs a host and a database name")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "APPLICATION_RECORDER_TOPIC": "infra.postgres_recorder:ArrayInsertRecorder",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_PRE_PING": "y",
        # Each server holds three pools (events, the projection runner, the assessment view):
        # small minimums keep several instances well inside PostgreSQL's max_connections.
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "12",
        "POSTGRES_MAX_WAITING": "0",
        "POSTGRES_LOCK_TIMEOUT": "10",
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"]
    return env


def redact(database_url: str) -> str:
    """The URL with any password replaced, for messages and logs."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()
