"""Bundles across the §11 change (DESIGN.md §11.2): a bundle made before it
(``…/assessment/v1``, no ``frameworks["eu-ai-act"]``) still verifies offline, and a bundle made
now says ``…/assessment/v1.1`` and holds the EU framework.

``tests/data/bundle-v1/`` was produced by main at 6c804f4 (before §11) from
``tests.bundle_fixtures.small_world``, with its log and operator public keys.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from domain.bundle.attestation import PREDICATE_TYPE, PREDICATE_TYPE_V1
from domain.bundle.verify import verify_bundle
from tests.bundle_fixtures import small_world

DATA = Path(__file__).resolve().parents[1] / "data" / "bundle-v1"


def _key(name: str) -> Ed25519PublicKey:
    key = load_pem_public_key((DATA / name).read_bytes())
    assert isinstance(key, Ed25519PublicKey)
    return key


def _bundle() -> dict[str, Any]:
    bundle: dict[str, Any] = json.loads((DATA / "bundle.json").read_text(encoding="utf-8"))
    return bundle


def _predicate_type(bundle: dict[str, Any]) -> str:
    payload = json.loads(base64.b64decode(bundle["attestation"]["payload"]))
    predicate_type: str = payload["predicateType"]
    return predicate_type


def test_the_fixture_is_a_bundle_made_before_the_eu_framework() -> None:
    bundle = _bundle()
    assert _predicate_type(bundle) == PREDICATE_TYPE_V1
    assert "eu-ai-act" not in bundle["assessment"]["frameworks"]


def test_a_v1_bundle_made_before_still_verifies_offline() -> None:
    result = verify_bundle(_bundle(), [_key("log.pub")], [_key("operator.pub")])
    assert result.failures == []
    assert result.valid
    assert "the assessment equals a fresh recomputation from the entries" in result.checks


def test_a_v1_bundle_with_the_eu_framework_slipped_in_fails() -> None:
    bundle = _bundle()
    fresh = small_world().bundle
    bundle["assessment"]["frameworks"]["eu-ai-act"] = fresh["assessment"]["frameworks"]["eu-ai-act"]
    result = verify_bundle(bundle, [_key("log.pub")], [_key("operator.pub")])
    assert not result.valid
    assert any("eu-ai-act" in failure for failure in result.failures)


def test_a_new_bundle_is_v1_1_and_stripping_the_eu_framework_fails() -> None:
    world = small_world()
    bundle = world.fresh()
    assert _predicate_type(bundle) == PREDICATE_TYPE
    assert "eu-ai-act" in bundle["assessment"]["frameworks"]
    assert verify_bundle(bundle, [world.log_key], [world.cast.operator.public_key()]).valid
    del bundle["assessment"]["frameworks"]["eu-ai-act"]
    result = verify_bundle(bundle, [world.log_key], [world.cast.operator.public_key()])
    assert not result.valid
    assert any("eu-ai-act" in failure for failure in result.failures)
