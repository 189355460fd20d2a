"""``/v1/log/…``: the signed checkpoint, RFC 9162 proofs, raw leaves and the log's keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from domain.rejections import Rejection, RejectionKind
from services.api.deps import Services
from services.api.json_response import json_response
from services.read.as_of import MAX_POSITION

router = APIRouter(prefix="/v1/log", tags=["log"])
MAX_ENTRIES = 1000


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    summary="The latest signed checkpoint (C2SP tlog-checkpoint signed note)",
)
def checkpoint(services: Services) -> PlainTextResponse:
    services.view.catch_up()
    return PlainTextResponse(services.log.checkpoint(), media_type="text/plain; charset=utf-8")


@router.get("/proofs/inclusion", summary="RFC 9162 inclusion proof of a leaf in a tree size")
def inclusion(
    services: Services,
    index: Annotated[int, Query(ge=0, le=MAX_POSITION)],
    tree_size: Annotated[
        int | None, Query(ge=1, le=MAX_POSITION, description="default: the current size")
    ] = None,
) -> dict[str, Any]:
    return services.log.inclusion(index, tree_size)


@router.get("/proofs/consistency", summary="RFC 9162 consistency proof between two tree sizes")
def consistency(
    services: Services,
    old: Annotated[int, Query(alias="from", ge=1, le=MAX_POSITION)],
    new: Annotated[
        int | None, Query(alias="to", ge=1, le=MAX_POSITION, description="default: current")
    ] = None,
) -> dict[str, Any]:
    return services.log.consistency(old, new)


@router.get("/entries", summary="The leaves [start, end): leaf index, position and envelope")
def entries(
    services: Services,
    start: Annotated[int, Query(ge=0, le=MAX_POSITION)],
    end: Annotated[int, Query(ge=1, le=MAX_POSITION)],
) -> Response:
    services.view.catch_up()
    size = services.view.size
    if not start < end <= size or end - start > MAX_ENTRIES:
        raise Rejection(
            RejectionKind.INVALID_QUERY,
            f"need start < end <= {size} and at most {MAX_ENTRIES} entries",
        )
    leaves = services.reads.committed(list(range(start, end)))  # no recorded time: not shown
    # Answered as JSON directly: FastAPI's own encoding of a returned dict walks every
    # envelope in Python first (14.5 ms against 4.2 ms for a 1,000-entry page, and orjson's
    # writing of the same bytes is faster still).
    return json_response(
        {
            "entries": [
                {"leaf_index": e.leaf_index, "position": e.position, "envelope": e.envelope}
                for e in leaves
            ]
        }
    )


@router.get("/keys", summary="Every log key with the tree sizes it signed, and operator keys")
def keys(services: Services) -> dict[str, Any]:
    return services.log.keys()
