"""``/v1/models``: finding model versions, with their verdicts (DESIGN.md §4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from domain.assessment.policies import DEFAULT_POLICY
from services.api.deps import Services
from services.api.routes.assessments import AtQuery, PolicyQuery
from services.api.schemas import ChangesOut, ModelsPage
from services.read.as_of import MAX_POSITION
from services.read.changes import changes_between

router = APIRouter(prefix="/v1", tags=["assessment"])


@router.get("/models", response_model=ModelsPage, summary="The model versions, with verdicts")
async def list_models(
    services: Services,
    q: Annotated[
        str, Query(max_length=1000, description="case-insensitive substring of id or name")
    ] = "",
    after: Annotated[
        str, Query(max_length=1000, description="the last id of the previous page")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ModelsPage:
    """By id; each with its verdicts under the default policy at the head."""
    page, next_after = await run_in_threadpool(services.models_page, q, after, limit)
    return ModelsPage.model_validate({"models": [m.to_json() for m in page], "next": next_after})


@router.get(
    "/models/{model_id:path}/changes",
    response_model=ChangesOut,
    summary="What changed in the assessment between two log positions, and which events did it",
)
async def changes(
    model_id: str,
    services: Services,
    from_: Annotated[
        int, Query(alias="from", ge=0, le=MAX_POSITION, description="exclusive start position")
    ] = 0,
    to: Annotated[
        int | None,
        Query(ge=0, le=MAX_POSITION, description="inclusive end position (default: the head)"),
    ] = None,
    at: AtQuery = None,
    policy: PolicyQuery = DEFAULT_POLICY,
) -> ChangesOut:
    """The events in (``from``, ``to``] the answer at ``to`` rests on, and every field of
    the assessment that differs between the two positions (a JSON Pointer, sorted)."""
    end = services.head_position if to is None else to
    found = await run_in_threadpool(
        changes_between, services.assessments, model_id, from_, end, at, policy
    )
    return ChangesOut.model_validate(found.to_json())
