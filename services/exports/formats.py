"""The export formats by name, and the bundle URL an export points to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from domain.assessment.world import World
from domain.rejections import Rejection, RejectionKind
from services.exports.cyclonedx import CYCLONEDX_MAPPING, CYCLONEDX_MEDIA_TYPE, cyclonedx_bom
from services.exports.mapping import FieldMapping
from services.exports.spdx import SPDX_MAPPING, SPDX_MEDIA_TYPE, spdx_document

Builder = Callable[[World, str, dict[str, Any], str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    title: str
    media_type: str
    build: Builder
    mapping: tuple[FieldMapping, ...]


FORMATS: Mapping[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("spdx-3.0.1", "SPDX 3.0.1", SPDX_MEDIA_TYPE, spdx_document, SPDX_MAPPING),
        ExportFormat(
            "cyclonedx-1.6",
            "CycloneDX 1.6",
            CYCLONEDX_MEDIA_TYPE,
            cyclonedx_bom,
            CYCLONEDX_MAPPING,
        ),
    )
}


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; an ``invalid-query`` rejection for any other name."""
    found = FORMATS.get(name)
    if found is None:
        raise Rejection(
            RejectionKind.INVALID_QUERY, f"unknown format '{name}'; known: {sorted(FORMATS)}"
        )
    return found


def bundle_url(server: str, model_id: str, assessment: dict[str, Any]) -> str:
    """``GET /v1/models/{id}/bundle`` on ``server``, pinned to the assessment's position (so it
    answers with the same assessment later), its ``at`` and its policy."""
    params: dict[str, str] = {"policy": str(assessment["policy"])}
    position = assessment["as_of"].get("position")
    if position is not None:
        params["as_of"] = str(position)
    if assessment.get("at"):
        params["at"] = str(assessment["at"])
    path = f"/v1/models/{quote(model_id, safe='/@')}/bundle"
    return f"{server.rstrip('/')}{path}?{urlencode(params)}"
