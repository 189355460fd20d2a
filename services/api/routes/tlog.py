"""``/tlog/…``: the C2SP tlog-tiles read API — the signed checkpoint, hash tiles and entry
bundles (DESIGN.md §12), beside the JSON proofs of ``/v1/log``."""

from __future__ import annotations

import gzip

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from domain.rejections import RejectionKind
from services.api.deps import Services
from services.api.problems import problem
from services.tiles.reads import CHECKPOINT_CACHE, NOT_YET_CACHE, InvalidTilePath, TileNotYet

router = APIRouter(prefix="/tlog", tags=["tlog-tiles"])
_TILE = {
    200: {
        "content": {"application/octet-stream": {}},
        "description": "The tile's body (c2sp.org/tlog-tiles)",
    },
    400: {
        "content": {"application/problem+json": {}},
        "description": "invalid-tile-path: not a tile's C2SP spelling",
    },
    404: {
        "content": {"application/problem+json": {}},
        "description": "not-found: the tree does not cover this tile yet",
    },
}


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    summary="The latest signed checkpoint (C2SP tlog-checkpoint signed note), not cached",
)
def checkpoint(services: Services) -> PlainTextResponse:
    services.view.catch_up()
    return PlainTextResponse(
        services.tiles.checkpoint(),
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": CHECKPOINT_CACHE},
    )


@router.get(
    "/tile/{path:path}",
    response_class=Response,
    responses=_TILE,  # type: ignore[arg-type]
    summary="A hash tile <L>/<N>[.p/<W>] or an entry bundle entries/<N>[.p/<W>]",
    description=(
        "C2SP tlog-tiles: a hash tile holds 256 (or, partial, W) 32-byte hashes; an entry "
        "bundle holds 256 (or W) envelopes as a big-endian uint16 length and their RFC 8785 "
        "bytes. N is written in 3-digit path elements (x001/x234/067). Full tiles are "
        "immutable; partial ones are cached briefly; a tile beyond the tree is a 404."
    ),
)
def tile(path: str, request: Request, services: Services) -> Response:
    try:
        answer = services.tiles.tile(path)
    except InvalidTilePath as error:
        return problem("invalid-tile-path", str(error), 400)
    except TileNotYet as error:
        not_yet = problem(RejectionKind.NOT_FOUND, str(error))
        not_yet.headers["Cache-Control"] = NOT_YET_CACHE
        return not_yet
    headers = {"Cache-Control": answer.cache_control}
    body = answer.body
    if answer.compressible:
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(request.headers.get("accept-encoding", "")):
            body = gzip.compress(body, mtime=0)  # the same bytes every time: cacheable
            headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/octet-stream", headers=headers)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (RFC 9110 §12.5.3): listed, or
    ``*``, with a q-value above 0."""
    accepted: dict[str, bool] = {}
    for item in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        weight = next((p[2:].strip() for p in parameters if p.lower().startswith("q=")), "1")
        try:
            accepted[coding.lower()] = float(weight) > 0
        except ValueError:
            accepted[coding.lower()] = False
    return accepted.get("gzip", accepted.get("x-gzip", accepted.get("*", False)))
