"""The commit's arrays in PostgreSQL's binary format (``infra.binary_arrays``), read back by a real
server: each holds what psycopg's own dumping of the list holds, and what PostgreSQL refuses is
refused before anything is sent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from infra.binary_arrays import (
    BinaryArray,
    ByteaArray,
    Int4Array,
    Int8Array,
    TextArray,
    UuidArray,
    register_arrays,
)
from tests.backends import ADMIN_URL, libpq_url, postgres_or_skip


@pytest.fixture(scope="module")
def connection() -> Iterator[psycopg.Connection[Any]]:
    postgres_or_skip()
    with psycopg.connect(libpq_url(ADMIN_URL), autocommit=True) as conn:
        register_arrays(conn)
        yield conn


CASES: list[tuple[type[BinaryArray], str, list[Any]]] = [
    (Int8Array, "bigint[]", [0, 1, -1, 2**63 - 1, -(2**63), 5000, 2**40]),
    (Int4Array, "integer[]", [0, 1, -1, 2**31 - 1, -(2**31), 7]),
    (ByteaArray, "bytea[]", [b"", b"\x00\xff", bytes(range(256)) * 40]),
    (TextArray, "text[]", ["", "acme/b/1", "é ✓ 𝄞", '"quoted", {braces}\\', "x" * 10_000]),
    (UuidArray, "uuid[]", [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.uuid4()]),
]


@pytest.mark.parametrize(("array", "cast", "values"), CASES, ids=[c[1] for c in CASES])
def test_an_array_reads_back_as_psycopg_s_own_dumping_of_the_list(
    connection: psycopg.Connection[Any], array: Any, cast: str, values: list[Any]
) -> None:
    ours = connection.execute(f"SELECT %b::{cast}", (array.of(values),)).fetchone()
    theirs = connection.execute(f"SELECT %b::{cast}", (values,)).fetchone()
    assert ours is not None
    assert theirs is not None
    assert ours[0] == theirs[0] == values


@pytest.mark.parametrize(("array", "cast", "values"), CASES, ids=[c[1] for c in CASES])
def test_an_empty_array_is_an_empty_array_of_its_type(
    connection: psycopg.Connection[Any], array: Any, cast: str, values: list[Any]
) -> None:
    row = connection.execute(
        "SELECT %b, cardinality(%b), pg_typeof(%b)::text",
        (array.of([]), array.of([]), array.of([])),
    ).fetchone()
    assert row == ([], 0, cast)


def test_the_arrays_are_typed_without_a_cast(connection: psycopg.Connection[Any]) -> None:
    row = connection.execute(
        "SELECT pg_typeof(%b)::text, pg_typeof(%b)::text, pg_typeof(%b)::text, "
        "pg_typeof(%b)::text, pg_typeof(%b)::text",
        (
            Int8Array.of([1]),
            Int4Array.of([1]),
            ByteaArray.of([b"a"]),
            TextArray.of(["a"]),
            UuidArray.of([uuid.uuid4()]),
        ),
    ).fetchone()
    assert row == ("bigint[]", "integer[]", "bytea[]", "text[]", "uuid[]")


def test_what_postgresql_refuses_is_refused_before_it_is_sent() -> None:
    with pytest.raises(psycopg.DataError, match="NUL"):
        TextArray.of(["fine", "not\x00fine"])
    with pytest.raises(psycopg.DataError, match="does not fit"):
        Int8Array.of([2**63])
    with pytest.raises(psycopg.DataError, match="does not fit"):
        Int4Array.of([2**31])
