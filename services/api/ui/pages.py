"""What the auditor pages show, gathered from the services as plain data for the templates."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from domain.encoding import b64decode_strict
from services.api.ui.lineage import lineage
from services.ledger_services import LedgerServices
from services.read.as_of import parse_as_of
from services.read.freedoms_grid import grid

UI_PAGE = 50  # model versions per page of /ui


def model_list(services: LedgerServices, query: str, after: str) -> dict[str, Any]:
    """One page of the model versions matching ``query``, their verdicts, and the link to
    the next page (None at the end)."""
    page, next_after = services.models_page(query, after, UI_PAGE)
    rows = [{**m.to_json(), "freedoms": m.verdicts()} for m in page]
    params = {"q": query} if query else {}
    return {
        "models": rows,
        "q": query,
        "first_page": bool(after),
        "first_url": "/ui" + (f"?{urlencode(params)}" if params else ""),
        "next_url": f"/ui?{urlencode({**params, 'after': next_after})}" if next_after else None,
    }


def model_page(
    services: LedgerServices, model_id: str, as_of: str | None, at: str | None, policy: str
) -> dict[str, Any]:
    answer = services.assessments.recompute(model_id, parse_as_of(as_of), at, policy)
    assessment = json.loads(answer.body)
    world, model = answer.world, answer.world.models[model_id]
    query = {k: v for k, v in (("as_of", as_of), ("at", at), ("policy", policy)) if v}
    return {
        "model": model,
        "assessment": assessment,
        "grid": grid(assessment, model.components),
        "lineage": lineage(world, model_id),
        "timeline": _timeline(services, answer.evidence),
        "positions": _positions(answer.evidence, model.event_id),
        "as_of": as_of or "",
        "at": at or "",
        "policy": policy,
        "bundle_url": f"/v1/models/{model_id}/bundle" + (f"?{urlencode(query)}" if query else ""),
        "json_url": f"/v1/models/{model_id}/freedoms" + (f"?{urlencode(query)}" if query else ""),
    }


def _positions(evidence: list[Any], release_event: str) -> list[int]:
    """Positions worth viewing "as of": from the model's release on (before it, it did not
    exist), latest first."""
    released = next((r.position for r in evidence if r.event_id == release_event), 0) or 0
    return sorted(
        {r.position for r in evidence if r.position and r.position >= released}, reverse=True
    )


def _timeline(services: LedgerServices, evidence: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "position": r.position,
            "leaf_index": r.leaf_index,
            "event_id": r.event_id,
            "recorded_at": services.view.leaf(r.leaf_index).recorded_at,
            "type": r.statement.type,
            "subject": r.statement.subject,
            "effective_at": r.statement.effective_at,
        }
        for r in sorted(evidence, key=lambda r: r.leaf_index)
    ]


def event_page(services: LedgerServices, event_id: str) -> dict[str, Any]:
    event = services.reads.event(event_id)
    statement = json.loads(b64decode_strict(event.envelope["payload"]))
    return {
        "event": event,
        "statement": json.dumps(statement, indent=2, ensure_ascii=False),
        "type": statement["type"],
        "subject": statement["subject"],
        "signers": [s["keyid"] for s in event.envelope["signatures"]],
    }
