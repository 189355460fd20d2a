"""``/ui``: model versions at a glance, one model's evidence, one event, and bundle checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.formparsers import MultiPartException
from starlette.types import Message

from domain.assessment.policies import DEFAULT_POLICY, POLICIES
from domain.bundle.verify import Verification, verify_bundle
from domain.rejections import Rejection, RejectionKind
from services.api.deps import Services
from services.api.problems import STATUS
from services.api.ui.eu_summary_page import summary_page
from services.api.ui.pages import bundle_claims, event_page, model_list, model_page
from services.read.as_of import MAX_POSITION, parse_as_of
from services.read.freedoms_grid import FREEDOMS

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"
router = APIRouter(prefix="/ui", tags=["ui"], include_in_schema=False)
MAX_UPLOAD = 16 * 1024 * 1024
_FORM_OVERHEAD = 64 * 1024  # boundaries and part headers around the file


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
def index(
    request: Request,
    services: Services,
    q: Annotated[str, Query(max_length=1000)] = "",
    after: Annotated[str, Query(max_length=1000)] = "",
) -> HTMLResponse:
    """The model versions, 50 a page, those whose id or name contains ``q``."""
    return _render(request, "index.html", **model_list(services, q.strip(), after))


@router.get("/models/{model_id:path}", response_class=HTMLResponse)
def model(
    request: Request,
    model_id: str,
    services: Services,
    as_of: Annotated[str | None, Query()] = None,
    at: Annotated[str | None, Query()] = None,
    policy: Annotated[str, Query()] = DEFAULT_POLICY,
    since: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    try:
        page = model_page(services, model_id, as_of or None, at or None, policy, _position(since))
    except Rejection as rejection:
        return _refused(request, rejection)
    return _render(request, "model.html", **page)


@router.get("/eu-summary/{model_id:path}", response_class=HTMLResponse)
async def eu_summary(
    request: Request,
    model_id: str,
    services: Services,
    as_of: Annotated[str | None, Query()] = None,
    at: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    """The model's EU training-content summary (DESIGN.md §11.3) in the template's layout,
    each answer linked to its evidence and each missing one saying what to record."""
    try:
        summary = await run_in_threadpool(
            services.eu_training_summary,
            model_id,
            parse_as_of(as_of or None),
            at or None,
            str(request.base_url),
        )
    except Rejection as rejection:
        return _refused(request, rejection)
    query = urlencode({k: v for k, v in (("as_of", as_of), ("at", at)) if v})
    return _render(request, "eu_summary.html", **summary_page(summary, model_id, query))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str, services: Services) -> HTMLResponse:
    try:
        page = event_page(services, event_id)
    except Rejection as rejection:
        return _refused(request, rejection)
    return _render(request, "event.html", **page)


def _position(text: str | None) -> int | None:
    """``?since=``: empty means none; otherwise a log position (422 if not one)."""
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_POSITION:
        raise Rejection(RejectionKind.INVALID_QUERY, f"since must be a log position, not '{text}'")
    return int(text)


def _refused(request: Request, rejection: Rejection) -> HTMLResponse:
    """The error page: the reason, and links to the models or events it suggests."""
    return _render(
        request,
        "error.html",
        STATUS[rejection.kind],
        message=rejection.detail,
        suggestions=rejection.extensions.get("suggestions", []),
        matches=rejection.extensions.get("matches", []),
    )


@router.post("/verify", response_class=HTMLResponse)
async def verify(request: Request, services: Services) -> HTMLResponse:
    """Check an uploaded bundle (form field ``bundle``); 413 beyond 16 MiB, refused while the
    upload is still arriving, so an oversized one is never read whole."""
    result, filename = Verification(), ""
    try:
        upload = await _uploaded_bundle(request)
    except _UploadRefused as refused:
        result.failures.append(refused.reason)
        return _render(request, "verify.html", refused.status, result=result, filename=filename)
    content, filename = upload
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, ValueError) as error:
        result.failures.append(f"bundle: not JSON (truncated?): {error}")
    except RecursionError:
        result.failures.append("bundle: nested too deeply to be a bundle")
    else:
        result = await run_in_threadpool(
            verify_bundle, document, services.log.public_keys(), services.operator_keys
        )
        claims = bundle_claims(document)
        status = 200 if result.valid else 422
        return _render(
            request, "verify.html", status, result=result, filename=filename, claims=claims
        )
    return _render(request, "verify.html", 422, result=result, filename=filename)


class _UploadRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


async def _uploaded_bundle(request: Request) -> tuple[bytes, str]:
    """The ``bundle`` file of a multipart form and its name, reading at most the cap (plus
    room for the form's own framing) before refusing."""
    cap = MAX_UPLOAD + _FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 12 or int(declared) > cap):
        raise _UploadRefused(413, "bundle: larger than 16 MiB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise _UploadRefused(413, "bundle: larger than 16 MiB")
        chunks.append(chunk)
    body = b"".join(chunks)

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form()
    except (MultiPartException, ValueError) as error:
        raise _UploadRefused(400, f"upload: not a multipart form: {error}") from error
    upload = form.get("bundle")
    if not isinstance(upload, StarletteUploadFile):
        raise _UploadRefused(400, "upload: no file in the form field 'bundle'")
    content = await upload.read()
    if len(content) > MAX_UPLOAD:
        raise _UploadRefused(413, "bundle: larger than 16 MiB")
    return content, upload.filename or ""
