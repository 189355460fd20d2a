"""Offline bundle verification: a bundle built by the ledger verifies with only the pinned
keys, and every change to it — each field, dropped, reordered or foreign entries, an older
checkpoint, re-signing with an unenrolled key, non-canonical encodings — fails, saying what."""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from typing import Any

import pytest

from domain.bundle.verify import verify_bundle
from domain.encoding import b64decode_strict
from domain.envelope import STATEMENT_PAYLOAD_TYPE, sign_envelope
from tests.builders import envelope
from tests.bundle_fixtures import (
    BundleWorld,
    get_path,
    leaf_paths,
    mutated,
    new_key,
    set_path,
    small_world,
)


@pytest.fixture(scope="module")
def world() -> Iterator[BundleWorld]:
    built = small_world()
    yield built
    built.backend.close_all()


def failures(world: BundleWorld, bundle: Any, operators: bool = True) -> list[str]:
    keys = [world.cast.operator.public_key()] if operators else []
    return verify_bundle(bundle, [world.log_key], keys).failures


def test_the_bundle_verifies_with_the_pinned_keys(world: BundleWorld) -> None:
    result = verify_bundle(world.fresh(), [world.log_key], [world.cast.operator.public_key()])
    assert result.valid, result.failures
    assert any("fresh recomputation" in check for check in result.checks)
    unpinned = verify_bundle(world.fresh(), [world.log_key])
    assert unpinned.valid, unpinned.failures
    assert any("were not checked" in check for check in unpinned.checks)
    assert not verify_bundle(world.fresh(), [new_key().public_key()]).valid


def _expected_mention(path: tuple[Any, ...]) -> str:
    head = path[0]
    if head == "entries":
        return f"entry {path[1]}"
    if head == "assessment":
        return "assessment." + ".".join(str(p) for p in path[1:3] if not isinstance(p, int))
    return str(head)


def _every_field(world: BundleWorld) -> list[tuple[Any, ...]]:
    return list(leaf_paths(world.bundle))


def test_changing_any_single_field_fails_and_names_it(world: BundleWorld) -> None:
    paths = _every_field(world)
    assert len(paths) > 100
    silent = []
    for path in paths:
        bundle = world.fresh()
        set_path(bundle, path, mutated(get_path(bundle, path)))
        found = failures(world, bundle)
        mention = _expected_mention(path)
        if not found or not any(mention in failure for failure in found):
            silent.append((path, found[:2]))
    assert silent == []


@pytest.mark.parametrize("index", range(12))
def test_dropping_an_entry_fails(world: BundleWorld, index: int) -> None:
    bundle = world.fresh()
    if index >= len(bundle["entries"]):
        pytest.skip("the bundle is shorter")
    del bundle["entries"][index]
    assert failures(world, bundle)


def test_reordering_entries_fails(world: BundleWorld) -> None:
    bundle = world.fresh()
    bundle["entries"][2], bundle["entries"][5] = bundle["entries"][5], bundle["entries"][2]
    found = failures(world, bundle)
    assert any("log order" in failure for failure in found)


def test_an_entry_from_another_models_bundle_fails(world: BundleWorld) -> None:
    assert world.other["checkpoint"] == world.bundle["checkpoint"]
    bundle = world.fresh()
    foreign = copy.deepcopy(world.other["entries"][-1])
    bundle["entries"].append(foreign)
    bundle["entries"].sort(key=lambda e: e["leaf_index"])
    found = failures(world, bundle)
    where = f"leaf {foreign['leaf_index']}"
    assert any(where in f and "rests on" in f for f in found), found
    swapped = world.fresh()
    swapped["entries"][-1] = foreign
    assert failures(world, swapped)


def test_an_older_checkpoint_fails(world: BundleWorld) -> None:
    older = world.fresh()
    ledger, cast = world.ledger, world.cast
    from domain.envelope import parse_envelope

    ledger.submission.submit(
        [
            parse_envelope(
                envelope(cast.acme, "LicenceGranted", "acme/x/code", {"licence": "BSD-3-Clause"})
            )
        ]
    )
    newer = ledger.bundles.build("acme/x@1", None, None, "default")
    assert verify_bundle(newer, [world.log_key], [cast.operator.public_key()]).valid
    newer["checkpoint"] = older["checkpoint"]
    found = failures(world, newer)
    assert any("inclusion proof" in f or "checkpoint size" in f for f in found), found


def test_re_signing_with_an_unenrolled_key_fails(world: BundleWorld) -> None:
    bundle = world.fresh()
    stranger = new_key()
    entry = bundle["entries"][-1]
    payload = b64decode_strict(entry["envelope"]["payload"])
    entry["envelope"] = sign_envelope(STATEMENT_PAYLOAD_TYPE, payload, [stranger]).to_json()
    found = failures(world, bundle)
    assert any("inclusion proof" in f for f in found), found
    attested = world.fresh()
    statement = b64decode_strict(attested["attestation"]["payload"])
    attested["attestation"] = sign_envelope(
        "application/vnd.in-toto+json", statement, [stranger]
    ).to_json()
    found = failures(world, attested)
    assert any(f.startswith("attestation.signatures") for f in found), found


def test_non_canonical_hex_and_base64_fail(world: BundleWorld) -> None:
    upper = world.fresh()
    upper["entries"][0]["inclusion_proof"][0] = upper["entries"][0]["inclusion_proof"][0].upper()
    assert any("lowercase hex" in f for f in failures(world, upper))
    urlsafe = world.fresh()
    entry = urlsafe["entries"][0]["envelope"]
    raw = base64.b64decode(entry["signatures"][0]["sig"])
    entry["signatures"][0]["sig"] = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert any("base64" in f for f in failures(world, urlsafe))


@pytest.mark.parametrize("bundle", [None, [], "", {"mediaType": "x"}, {"entries": []}], ids=repr)
def test_malformed_bundles_fail(world: BundleWorld, bundle: Any) -> None:
    assert failures(world, bundle)
