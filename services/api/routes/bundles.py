"""``/v1/models/{id}/bundle`` and ``/v1/bundles:verify`` (DESIGN.md §4, §7)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from domain.assessment.policies import DEFAULT_POLICY
from domain.bundle.verify import BUNDLE_MEDIA_TYPE, verify_bundle
from domain.rejections import Rejection, RejectionKind
from services.api.body import read_json
from services.api.deps import Services
from services.api.routes.assessments import AsOfQuery, AtQuery, PolicyQuery
from services.read.as_of import parse_as_of

router = APIRouter(prefix="/v1", tags=["bundles"])


@router.get("/models/{model_id:path}/bundle", summary="The provenance bundle of a model version")
def bundle(
    model_id: str,
    services: Services,
    as_of: AsOfQuery = None,
    at: AtQuery = None,
    policy: PolicyQuery = DEFAULT_POLICY,
) -> JSONResponse:
    built = services.bundles.build(model_id, parse_as_of(as_of), at, policy)
    return JSONResponse(built, media_type=BUNDLE_MEDIA_TYPE)


@router.post("/bundles:verify", summary="Verify a bundle with this server's log and operator keys")
async def verify(
    request: Request,
    services: Services,
    operator_keys: Annotated[bool, Query(description="pin this server's operator keys")] = True,
) -> dict[str, Any]:
    """``{valid, checks, failures}``. A malformed bundle is an invalid one (200, valid false)."""
    try:
        document = await read_json(request)
    except Rejection as rejection:
        if rejection.kind is not RejectionKind.MALFORMED_JSON:
            raise
        return {"valid": False, "checks": [], "failures": [f"bundle: {rejection.detail}"]}
    log_keys = services.log.public_keys()
    operators = services.operator_keys if operator_keys else ()
    result = await run_in_threadpool(verify_bundle, document, log_keys, operators)
    return result.to_json()
