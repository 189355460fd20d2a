"""``/ui``: model versions at a glance, one model's evidence, one event, and bundle checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from domain.assessment.policies import DEFAULT_POLICY, POLICIES
from domain.bundle.verify import Verification, verify_bundle
from domain.rejections import Rejection
from services.api.deps import Services
from services.api.problems import STATUS
from services.api.ui.pages import event_page, model_list, model_page
from services.freedoms_grid import FREEDOMS

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"
router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
MAX_UPLOAD = 16 * 1024 * 1024


def _render(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"freedoms": FREEDOMS, "policies": list(POLICIES), **context},
        status_code=status,
    )


root = APIRouter(include_in_schema=False)


@root.get("/")
def home() -> RedirectResponse:
    """Opening the server's address lands on the auditor's pages."""
    return RedirectResponse("/ui")


@router.get("", response_class=HTMLResponse)
def index(request: Request, services: Services) -> HTMLResponse:
    return _render(request, "index.html", models=model_list(services))


@router.get("/models/{model_id:path}", response_class=HTMLResponse)
def model(
    request: Request,
    model_id: str,
    services: Services,
    as_of: Annotated[str | None, Query()] = None,
    at: Annotated[str | None, Query()] = None,
    policy: Annotated[str, Query()] = DEFAULT_POLICY,
) -> HTMLResponse:
    try:
        page = model_page(services, model_id, as_of or None, at or None, policy)
    except Rejection as rejection:
        return _render(request, "error.html", STATUS[rejection.kind], message=rejection.detail)
    return _render(request, "model.html", **page)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str, services: Services) -> HTMLResponse:
    try:
        page = event_page(services, event_id)
    except Rejection as rejection:
        return _render(request, "error.html", STATUS[rejection.kind], message=rejection.detail)
    return _render(request, "event.html", **page)


@router.post("/verify", response_class=HTMLResponse)
async def verify(
    request: Request, services: Services, bundle: Annotated[UploadFile, File()]
) -> HTMLResponse:
    content = await bundle.read(MAX_UPLOAD + 1)
    result = Verification()
    if len(content) > MAX_UPLOAD:
        result.failures.append("bundle: larger than 16 MiB")
    else:
        try:
            document = json.loads(content)
        except (UnicodeDecodeError, ValueError) as error:
            result.failures.append(f"bundle: not JSON (truncated?): {error}")
        else:
            result = await run_in_threadpool(
                verify_bundle, document, services.log.public_keys(), services.operator_keys
            )
    status = 200 if result.valid else 422
    return _render(request, "verify.html", status, result=result, filename=bundle.filename or "")
