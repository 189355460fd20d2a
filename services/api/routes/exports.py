"""``/v1/models/{id}/sbom``: the model version as an SPDX 3.0.1 or CycloneDX 1.6 document."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from domain.assessment.policies import DEFAULT_POLICY
from services.api.deps import Services
from services.api.public_url import public_base
from services.api.routes.assessments import AsOfQuery, AtQuery, PolicyQuery
from services.exports import FORMATS, bundle_url, export_format
from services.read.as_of import parse_as_of

router = APIRouter(prefix="/v1", tags=["exports"])

FormatQuery = Annotated[str, Query(description=f"one of {sorted(FORMATS)}")]


@router.get(
    "/models/{model_id:path}/sbom",
    summary="The model version as an SBOM (SPDX 3.0.1 JSON-LD or CycloneDX 1.6 JSON)",
    response_class=Response,
    responses={
        200: {
            "content": {f.media_type: {} for f in FORMATS.values()},
            "description": "the document, with the assessment's verdicts and a link to the bundle",
        }
    },
)
def sbom(
    model_id: str,
    request: Request,
    services: Services,
    format: FormatQuery,
    as_of: AsOfQuery = None,
    at: AtQuery = None,
    policy: PolicyQuery = DEFAULT_POLICY,
) -> Response:
    """Recomputed from the events like the bundle it points to (pinned to the same position)."""
    chosen = export_format(format)
    answer = services.assessments.recompute(model_id, parse_as_of(as_of), at, policy)
    assessment = json.loads(answer.body)
    link = bundle_url(public_base(request), model_id, assessment)
    document = chosen.build(answer.world, model_id, assessment, link)
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, media_type=chosen.media_type)
