"""Why a verdict changed: two assessments of one model version compared, with the events
recorded between them that the later answer rests on (``/v1/models/{id}/changes``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.assessment.changes import assessment_changes
from domain.rejections import Rejection, RejectionKind
from services.read.as_of import AsOf
from services.read.assessments import Assessments


@dataclass(frozen=True, slots=True)
class Changes:
    model: str
    start: int
    end: int
    at: str | None
    policy: str
    events: list[dict[str, Any]]
    changes: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "from": self.start,
            "to": self.end,
            "at": self.at,
            "policy": self.policy,
            "events": self.events,
            "changes": self.changes,
        }

    def changed(self, path: str) -> dict[str, Any] | None:
        """The change of the field at ``path``, if it changed."""
        return next((c for c in self.changes if c["path"] == path), None)


def changes_between(
    assessments: Assessments,
    model_id: str,
    start: int,
    end: int,
    at: str | None,
    policy: str,
) -> Changes:
    """What changed in the assessment of ``model_id`` in the log range (``start``, ``end``]:
    the events in that range the answer at ``end`` rests on, in log order, and each differing
    field. 404 if the model is not recorded by ``end``; 422 if ``start`` > ``end``. A model
    not yet released at ``start`` compares against nothing (every field new)."""
    if start > end:
        raise Rejection(RejectionKind.INVALID_QUERY, f"from ({start}) must not be after to ({end})")
    later = assessments.recompute(model_id, AsOf(position=end), at, policy)
    try:
        earlier: dict[str, Any] | None = json.loads(
            assessments.recompute(model_id, AsOf(position=start), at, policy).body
        )
    except Rejection as rejection:
        if rejection.kind is not RejectionKind.NOT_FOUND:
            raise
        earlier = None
    events = [
        {
            "position": r.position,
            "event_id": r.event_id,
            "type": r.statement.type,
            "subject": r.statement.subject,
        }
        for r in sorted(later.evidence, key=lambda r: r.leaf_index)
        if r.position is not None and start < r.position <= end
    ]
    now = json.loads(later.body)
    return Changes(
        model_id, start, end, now["at"], policy, events, assessment_changes(earlier, now)
    )
