"""``/v1/subjects/{id}``: a subject's state, now or ``as_of`` a position or recorded time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.api.deps import Services
from services.api.schemas import SubjectOut
from services.read.as_of import parse_as_of

router = APIRouter(prefix="/v1", tags=["subjects"])


@router.get(
    "/subjects/{subject_id:path}",
    response_model=SubjectOut,
    summary="A subject's state and the events recorded about it",
)
def get_subject(
    subject_id: str,
    services: Services,
    as_of: Annotated[
        str | None, Query(description="a log position, or an RFC 3339 recorded time")
    ] = None,
) -> SubjectOut:
    """The subject's kind, owner, folded state and event ids (ids may contain '/')."""
    return SubjectOut.of(services.reads.subject(subject_id, parse_as_of(as_of)))
