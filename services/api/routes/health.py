"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from services.api.deps import Services
from services.api.problems import problem
from services.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, summary="The event store answers")
async def readyz(services: Services) -> JSONResponse:
    if await run_in_threadpool(services.is_ready):
        return JSONResponse({"status": "ready"})
    return problem("not-ready", "the event store does not answer", status=503)
