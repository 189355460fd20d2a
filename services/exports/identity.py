"""The identity of one exported document: a UUIDv5 of the bundle URL and the assessment, so the
same export asked again gets the same SPDX namespace and CycloneDX serial number."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from domain.canonical import canonical_json

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://provenance-ledger.dev/sbom")


def document_uuid(bundle_url: str, assessment: dict[str, Any]) -> uuid.UUID:
    digest = hashlib.sha256(canonical_json(assessment)).hexdigest()
    return uuid.uuid5(NAMESPACE, f"{bundle_url}\n{digest}")
