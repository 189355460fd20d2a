"""The FastAPI application: routes, and every error turned into an RFC 9457 problem."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Match

from domain.rejections import Rejection, RejectionKind
from services.api.docs_pages import serve_docs
from services.api.openapi import document_models
from services.api.problems import STATUS, problem, type_uri, unavailable
from services.api.routes import (
    assessments,
    bundles,
    events,
    exports,
    health,
    log,
    models,
    subjects,
    tlog,
)
from services.api.schemas import BatchBody, EnvelopeBody
from services.api.security_headers import SecurityHeaders
from services.api.ui import routes as ui_routes
from services.api.unexpected_failures import UnexpectedFailures
from services.ledger_services import LedgerServices
from services.write.submission import BatchRejected
from services.write.transparency_log import LogUnsafe

_log = logging.getLogger(__name__)
API_ROUTES = (events, subjects, models, assessments, bundles, exports, log, tlog, health)
"""The route modules of the JSON API, in the order the app includes them."""


def create_app(
    services: LedgerServices, *, close_on_shutdown: bool = True, public_url: str | None = None
) -> FastAPI:
    """The app over ``services``; ``public_url`` is the base of the links written into
    documents (``LEDGER_PUBLIC_URL``), the request's base URL when ``None``."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if close_on_shutdown:
            services.close()

    app = FastAPI(
        title="provenance-ledger",
        version="1",
        summary="Signed, verifiable facts about what freedoms an AI model version confers.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.state.public_url = public_url
    for module in API_ROUTES:
        app.include_router(module.router)
    app.include_router(ui_routes.router)
    app.include_router(ui_routes.root)
    app.mount("/ui/static", StaticFiles(directory=ui_routes.STATIC), name="ui-static")
    serve_docs(app)
    _install_problem_handlers(app)
    app.add_middleware(UnexpectedFailures)
    app.add_middleware(SecurityHeaders)
    document_models(app, [EnvelopeBody, BatchBody])
    return app


def _install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Rejection)
    async def rejected(_: Request, error: Rejection) -> JSONResponse:
        return problem(error.kind, error.detail, extensions=error.extensions)

    @app.exception_handler(BatchRejected)
    async def batch_rejected(_: Request, error: BatchRejected) -> JSONResponse:
        first = error.errors[0]
        listed = [
            {
                "index": e.index,
                "type": type_uri(e.kind),
                "status": STATUS[e.kind],
                "detail": e.detail,
            }
            for e in error.errors
        ]
        detail = (
            f"{len(listed)} envelope(s) refused (first at index {first.index}); nothing was written"
        )
        return problem(first.kind, detail, errors=listed)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_unreachable(_: Request, error: Exception) -> JSONResponse:
        _log.warning("answering 503: %s", str(error).splitlines()[0] if str(error) else error)
        return unavailable(
            "unavailable", "the database does not answer; nothing was written: retry later"
        )

    @app.exception_handler(LogUnsafe)
    async def log_unsafe(_: Request, error: LogUnsafe) -> JSONResponse:
        return unavailable("log-unsafe", f"the log cannot be extended safely: {error.detail}")

    @app.exception_handler(RequestValidationError)
    async def invalid_query(_: Request, error: RequestValidationError) -> JSONResponse:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return problem(RejectionKind.INVALID_QUERY, reasons)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 404:
            return problem(RejectionKind.NOT_FOUND, f"no route {request.url.path}")
        if error.status_code == 405:
            allowed = allowed_methods(request)
            detail = f"{request.method} is not allowed here; allowed: {allowed}"
            answer = problem("method-not-allowed", detail, 405)
            answer.headers["Allow"] = allowed
            return answer
        return problem("http-error", str(error.detail), error.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        _log.exception("unexpected error", exc_info=error)
        return problem("internal-error", "the server failed; nothing was written", 500)


def allowed_methods(request: Request) -> str:
    """Every method some route of the app answers at the request's path (RFC 9110 ``Allow``;
    a path served by several routes, e.g. GET and POST ``/v1/events``, lists them all)."""
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
