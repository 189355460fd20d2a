"""``/v1/events``: submit envelopes (one or a batch) and page through the log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from domain.envelope import Envelope
from domain.rejections import Rejection
from services.api.body import EnvelopesRefused, batch_items, envelopes_in, read_body
from services.api.deps import Services
from services.api.json_response import json_response
from services.api.openapi import request_body
from services.api.schemas import (
    BatchBody,
    BatchOut,
    EnvelopeBody,
    EventOut,
    EventsPage,
    RecordedOut,
    recorded_json,
)
from services.ledger_services import LedgerServices
from services.read.as_of import MAX_POSITION
from services.write.stateless_checks import Checks
from services.write.submission import BatchError, BatchRejected, Recorded

router = APIRouter(prefix="/v1", tags=["events"])
_ENVELOPE_DOC = request_body(EnvelopeBody)
_BATCH_DOC = request_body(BatchBody)


@router.post(
    "/events",
    status_code=201,
    response_model=RecordedOut,
    openapi_extra=_ENVELOPE_DOC,
    summary="Record one signed envelope (200 with the original record on a repeat)",
)
async def submit_event(request: Request, services: Services) -> Response:
    envelopes = envelopes_in(await read_body(request), batch=False)
    try:
        ((recorded, body),) = await run_in_threadpool(_record, services, envelopes)
    except BatchRejected as rejected:
        error = rejected.errors[0]
        raise Rejection(error.kind, error.detail) from None
    return json_response(body, 201 if recorded.created else 200)


@router.post(
    "/events:batch",
    status_code=201,
    response_model=BatchOut,
    openapi_extra=_BATCH_DOC,
    summary="Record 1–1,000 envelopes in order, all or nothing",
)
async def submit_batch(request: Request, services: Services) -> Response:
    answers = await run_in_threadpool(record_batch, services, await read_body(request))
    return json_response({"events": [body for _, body in answers]}, 201)


ReadBatch = Callable[[list[Any]], tuple[list[Envelope], Checks] | None]
"""How a batch body's items are read as envelopes with their checks started (None: not so)."""


def record_batch(
    services: LedgerServices, body: bytes, read_batch: ReadBatch | None = None
) -> list[tuple[Recorded, dict[str, Any]]]:
    """A batch body read (by the worker processes where they can) and recorded, off the event
    loop: reading 1,000 envelopes there held up every other request's I/O. ``read_batch``: how
    its items are read (default: ``Submission.read_batch``, which picks one of two ways by
    whether the write path is busy; ``bench.instructions`` counts what each way runs)."""
    items = batch_items(body)
    reader = services.submission.read_batch if read_batch is None else read_batch
    read = None if items is None else reader(items)
    if read is not None:
        return _record(services, *read)
    try:
        envelopes = envelopes_in(body, batch=True, items=items)  # not read with orjson again
    except EnvelopesRefused as refused:
        raise BatchRejected(
            [BatchError(index, r.kind, r.detail) for index, r in refused.refusals]
        ) from None
    return _record(services, envelopes)


def _record(
    services: LedgerServices, envelopes: list[Envelope], checks: Checks | None = None
) -> list[tuple[Recorded, dict[str, Any]]]:
    """Submit, then answer each envelope with its record and receipt (off the event loop),
    every receipt to the current checkpoint."""
    recorded = services.submission.submit(envelopes, checks)
    checkpoint, proofs = services.log.proofs_to_current([r.leaf.leaf_index for r in recorded])
    return [
        (r, recorded_json(r, checkpoint, proof)) for r, proof in zip(recorded, proofs, strict=True)
    ]


@router.get("/events", response_model=EventsPage, summary="The log in position order")
def list_events(
    services: Services,
    after: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="exclusive position to start after")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventsPage:
    events, next_after = services.reads.events_page(after, limit)
    return EventsPage(events=[EventOut.of(e) for e in events], next=next_after)


@router.get("/events/{event_id}", response_model=EventOut, summary="One recorded event")
def get_event(event_id: str, services: Services) -> EventOut:
    return EventOut.of(services.reads.event(event_id))
