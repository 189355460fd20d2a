"""One process at a time creates the PostgreSQL schema.

Several server instances starting at once would otherwise race on the library's
``CREATE TYPE`` / ``CREATE TABLE`` / ``CREATE OR REPLACE FUNCTION`` statements ("tuple
concurrently updated", duplicate type names). A session advisory lock, held on a connection of
its own while the library's DDL transactions run, serialises them.
"""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.postgres import PostgresDatastore

DDL_LOCK = 0x70726F76  # an arbitrary, fixed advisory lock key ("prov")


def with_ddl_lock(datastore: PostgresDatastore, create: Callable[[], None]) -> None:
    with datastore.get_connection() as conn:
        autocommit, conn.autocommit = conn.autocommit, True
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK,))
            try:
                create()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK,))
        finally:
            conn.autocommit = autocommit  # as the pool configured it
