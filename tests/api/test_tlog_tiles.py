"""The tlog-tiles read API over HTTP (``/tlog/…``), checked with independent code: ``rfc8785``
for the entries, the RFC 9162 reference root (``root_from_leaf_hashes``) for the tiles and the
signed-note check for the checkpoint. The Go client's check is tests/interop/test_tlog_go_client.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from fastapi.testclient import TestClient

from domain.checkpoint import open_checkpoint, parse_vkey
from domain.merkle import root_from_leaf_hashes
from services.api.routes.tlog import accepts_gzip
from tests.api.conftest import post_all
from tests.backends import ORIGIN
from tests.builders import Cast, artefact, enrolment
from tests.store_tampering import StoredEvents, statement, with_statement

SIZE = 300  # one full tile of 256 leaves and a partial one of 44


@pytest.fixture
def documents(client: TestClient, cast: Cast) -> list[dict[str, Any]]:
    documents = [enrolment(cast.operator, cast.acme, "acme", ["publisher"])]
    documents += [
        artefact(cast.acme, f"acme/tile/{i}", "code", "training-code") for i in range(SIZE - 1)
    ]
    post_all(client, documents)
    return documents


def _leaf(document: dict[str, Any]) -> bytes:
    return hashlib.sha256(b"\x00" + rfc8785.dumps(document)).digest()


def _hashes(body: bytes) -> list[bytes]:
    assert len(body) % 32 == 0
    return [body[i : i + 32] for i in range(0, len(body), 32)]


def _entries(body: bytes) -> list[bytes]:
    entries, offset = [], 0
    while offset < len(body):
        length = int.from_bytes(body[offset : offset + 2], "big")
        entries.append(body[offset + 2 : offset + 2 + length])
        offset += 2 + length
    assert offset == len(body)
    return entries


def test_the_checkpoint_is_a_signed_note_never_cached(
    client: TestClient, documents: list[dict[str, Any]]
) -> None:
    response = client.get("/tlog/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    (key,) = client.get("/v1/log/keys").json()["log_keys"]
    checkpoint = open_checkpoint(response.text, ORIGIN, parse_vkey(key["vkey"])[1])
    assert checkpoint.size == SIZE
    assert response.text == client.get("/v1/log/checkpoint").text


def test_tiles_rebuild_the_checkpoint_root(
    client: TestClient, documents: list[dict[str, Any]]
) -> None:
    full = client.get("/tlog/tile/0/000")
    partial = client.get("/tlog/tile/0/001.p/44")
    assert full.status_code == partial.status_code == 200
    assert full.headers["content-type"] == "application/octet-stream"
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert partial.headers["cache-control"] == "public, max-age=60"
    assert len(full.content) == 256 * 32
    assert len(partial.content) == 44 * 32
    leaves = _hashes(full.content) + _hashes(partial.content)
    assert leaves == [_leaf(d) for d in documents]
    root = client.get("/v1/log/proofs/inclusion", params={"index": 0}).json()["root"]
    assert root_from_leaf_hashes(leaves).hex() == root
    level_1 = client.get("/tlog/tile/1/000.p/1")
    assert level_1.status_code == 200
    assert _hashes(level_1.content) == [root_from_leaf_hashes(leaves[:256])]
    # A narrower partial tile is a prefix: it is what an older checkpoint needed.
    assert client.get("/tlog/tile/0/001.p/3").content == partial.content[: 3 * 32]


def test_entry_bundles_hold_the_rfc_8785_envelopes(
    client: TestClient, documents: list[dict[str, Any]]
) -> None:
    full = client.get("/tlog/tile/entries/000")
    partial = client.get("/tlog/tile/entries/001.p/44")
    assert full.status_code == partial.status_code == 200
    assert full.headers["content-type"] == "application/octet-stream"
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert partial.headers["cache-control"] == "public, max-age=60"
    entries = _entries(full.content) + _entries(partial.content)
    assert entries == [rfc8785.dumps(d) for d in documents]


@pytest.mark.parametrize(
    "path",
    [
        "/tlog/tile/0/001",  # the second full tile needs 512 leaves
        "/tlog/tile/0/001.p/45",
        "/tlog/tile/0/002.p/1",
        "/tlog/tile/1/000",
        "/tlog/tile/2/000.p/1",
        "/tlog/tile/entries/001",
        "/tlog/tile/entries/001.p/45",
        "/tlog/tile/entries/x001/000",
    ],
)
def test_tiles_beyond_the_tree_are_not_found(
    client: TestClient, documents: list[dict[str, Any]], path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/not-found")
    assert "300" in response.json()["detail"]
    assert response.headers["cache-control"] == "no-store"  # it will exist: no cache keeps it


@pytest.mark.parametrize(
    "path", ["/tlog/tile/0/0", "/tlog/tile/00/000", "/tlog/tile/0/000.p/256", "/tlog/tile/x"]
)
def test_paths_that_name_no_tile_are_bad_requests(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/invalid-tile-path")


def test_an_empty_log_serves_no_tile(client: TestClient) -> None:
    assert client.get("/tlog/tile/0/000.p/1").status_code == 404
    assert client.get("/tlog/tile/entries/000.p/1").status_code == 404
    assert client.get("/tlog/checkpoint").text.split("\n")[1] == "0"


def test_a_stored_envelope_changed_behind_the_log_is_not_served(
    client: TestClient,
    documents: list[dict[str, Any]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = StoredEvents(f"sqlite:///{tmp_path}/api.db")
    position, state = store.appended()[3]
    store.write(position, with_statement(state, {**statement(state), "subject": "acme/other"}))
    refused = client.get("/tlog/tile/entries/000")
    assert refused.status_code == 500  # never bytes that do not hash to the tile
    assert refused.json()["type"].endswith("/internal-error")
    assert "stored leaf 3 does not hash" in caplog.text
    assert client.get("/tlog/tile/0/000").status_code == 200  # the tree itself is unchanged


def test_entry_bundles_are_gzipped_for_clients_that_accept_it(
    client: TestClient, documents: list[dict[str, Any]]
) -> None:
    plain = client.get("/tlog/tile/entries/000", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    zipped = client.get("/tlog/tile/entries/000", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content) // 3
    assert zipped.content == plain.content  # decoded by the client
    again = client.get("/tlog/tile/entries/000", headers={"Accept-Encoding": "gzip"})
    assert again.headers["content-length"] == zipped.headers["content-length"]
    tile = client.get("/tlog/tile/0/000", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in tile.headers  # hashes do not compress


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("*;q=0", False),
        ("identity", False),
        ("", False),
        ("gzip;q=bogus", False),
        ("br, *;q=0.1, gzip;q=0", False),
    ],
)
def test_accept_encoding_is_read_with_its_q_values(header: str, gzipped: bool) -> None:
    assert accepts_gzip(header) is gzipped
