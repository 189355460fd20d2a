"""JSON answers written by orjson (:func:`services.fast_json.dumps`): the write path's answers
and log pages are large, and the stdlib's writing of them showed in the batch profile."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from services.fast_json import dumps


def json_response(content: Any, status: int = 200) -> Response:
    """What Starlette's ``JSONResponse(content, status)`` answers, byte for byte."""
    return Response(dumps(content), status, media_type="application/json")
