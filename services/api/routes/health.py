"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from services.api.deps import Services
from services.api.problems import unavailable
from services.api.schemas import Health

router = APIRouter(tags=["health"])
READY_SECONDS = 3.0  # a database that takes longer to answer is not ready


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="The event store answers and the log is safe to extend",
)
async def readyz(services: Services) -> JSONResponse:
    if (reason := services.log.halted) is not None:
        return unavailable("log-unsafe", f"the log cannot be extended safely: {reason}")
    try:
        ready = await asyncio.wait_for(run_in_threadpool(services.is_ready), READY_SECONDS)
    except TimeoutError:
        ready = False
    if (reason := services.log.halted) is not None:
        return unavailable("log-unsafe", f"the log cannot be extended safely: {reason}")
    if ready:
        return JSONResponse({"status": "ready"})
    return unavailable("not-ready", "the event store does not answer")
