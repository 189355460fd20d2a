"""What the Merkle log commits to for each accepted envelope (DESIGN.md §7).

Leaf hash = SHA-256(0x00 ‖ RFC 8785 bytes of the envelope object), with the envelope exactly
as stored: ``{"payloadType", "payload", "signatures": [{"keyid", "sig"}]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.canonical import canonical_json
from domain.merkle import leaf_hash


def envelope_leaf_hash(envelope: Mapping[str, Any]) -> bytes:
    return leaf_hash(canonical_json(dict(envelope)))
