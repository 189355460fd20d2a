"""``/v1/models/{id}/freedoms``, ``/v1/licences`` and ``/v1/policies`` (DESIGN.md §4, §6)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain.assessment.policies import DEFAULT_POLICY, POLICIES
from domain.canonical import canonical_json
from domain.licences.catalogue import aliases_of
from domain.licences.terms import LicenceEntry
from domain.rejections import Rejection, RejectionKind
from services.api.deps import Services
from services.api.public_url import public_base
from services.exports.formats import bundle_url
from services.ledger_services import LedgerServices
from services.read.as_of import AsOf, parse_as_of
from services.read.eu_summaries import render as render_summary
from services.read.markdown_report import markdown_report

router = APIRouter(prefix="/v1", tags=["assessment"])

AsOfQuery = Annotated[str | None, Query(description="a log position or an RFC 3339 recorded time")]
AtQuery = Annotated[str | None, Query(description="RFC 3339: only facts effective by then")]
PolicyQuery = Annotated[str, Query(description=f"one of {sorted(POLICIES)}")]


@router.get("/models/{model_id:path}/freedoms", summary="What freedoms the model version confers")
async def freedoms(
    model_id: str,
    request: Request,
    services: Services,
    as_of: AsOfQuery = None,
    at: AtQuery = None,
    policy: PolicyQuery = DEFAULT_POLICY,
    format: Annotated[
        Literal["json", "markdown"],
        Query(description="json (the §6 document) or markdown (a report to hand on)"),
    ] = "json",
) -> Response:
    """The §6 assessment as RFC 8785 JSON; from the projection when no ``as_of``/``at`` is
    asked, recomputed from the events otherwise (the bytes are the same at the head). With
    ``format=markdown``, the same assessment as a ``text/markdown`` report."""
    if format == "markdown":
        report = await run_in_threadpool(
            _markdown, services, model_id, parse_as_of(as_of), at, policy, public_base(request)
        )
        return Response(report, media_type="text/markdown; charset=utf-8")
    if as_of is None and at is None:
        current = services.current_freedoms(model_id, policy)
        if current is not None:  # answered from memory, without leaving the event loop
            return Response(current, media_type="application/json")
    body = await run_in_threadpool(services.freedoms, model_id, parse_as_of(as_of), at, policy)
    return Response(body, media_type="application/json")


def _markdown(
    services: LedgerServices,
    model_id: str,
    as_of: AsOf | None,
    at: str | None,
    policy: str,
    server: str,
) -> str:
    assessment = json.loads(services.freedoms(model_id, as_of, at, policy))
    pinned = AsOf(position=assessment["as_of"]["position"])
    components = services.reads.subject(model_id, pinned).state.get("components", {})
    name = next((f"{m.name} {m.version}" for m in services.models() if m.id == model_id), "")
    return markdown_report(assessment, components, bundle_url(server, model_id, assessment), name)


@router.get(
    "/models/{model_id:path}/eu-training-summary",
    summary="The EU AI Act public summary of the model's training content",
)
async def eu_training_summary(
    model_id: str,
    request: Request,
    services: Services,
    as_of: AsOfQuery = None,
    at: AtQuery = None,
    format: Annotated[
        Literal["json", "markdown", "html"],
        Query(description="json (keyed by the template's sections), markdown or html"),
    ] = "json",
) -> Response:
    """The summary of DESIGN.md §11.3, recomputed from the events the model rests on: JSON
    keyed by the template's section numbers, each field with its evidence or what is missing,
    and ``completeness``; Markdown and HTML follow the template's layout."""
    public_url = public_base(request)
    summary = await run_in_threadpool(
        services.eu_training_summary, model_id, parse_as_of(as_of), at, public_url
    )
    if format == "json":
        return Response(canonical_json(summary), media_type="application/json")
    body, media_type = render_summary(summary, format)
    return Response(body, media_type=media_type)


@router.get("/licences", summary="The licence catalogue as the assessment sees it")
def licences(services: Services) -> dict[str, Any]:
    return {"licences": [_listed(entry) for entry in services.catalogue().entries()]}


@router.get("/licences/{licence_id:path}", summary="One catalogue entry (aliases resolve)")
def licence(licence_id: str, services: Services) -> dict[str, Any]:
    entry = services.catalogue().lookup(licence_id)
    if entry is None:
        entry = services.catalogue().lookup_exception(licence_id)
    if entry is None:
        raise Rejection(
            RejectionKind.NOT_FOUND,
            f"'{licence_id}' is not in the catalogue; the assessment treats it as unknown",
        )
    return _listed(entry)


def _listed(entry: LicenceEntry) -> dict[str, Any]:
    """The entry with its ``aliases``: for a built-in id, the other names that resolve to it,
    which (with every case variant of them and of the id) only an operator may define."""
    return {**entry.to_json(), "aliases": list(aliases_of(entry.id))}


@router.get("/policies", summary="The assessment policies")
def policies() -> dict[str, Any]:
    return {
        "default": DEFAULT_POLICY,
        "policies": [{"name": p.name, "description": p.description} for p in POLICIES.values()],
    }
