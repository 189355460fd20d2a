"""``/v1/models``: finding model versions, with their verdicts (DESIGN.md §4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from services.api.deps import Services
from services.api.schemas import ModelsPage

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
