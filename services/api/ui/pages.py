"""What the auditor pages show, gathered from the services as plain data for the templates."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from domain.encoding import b64decode_strict
from services.api.ui.changes_view import changes_view
from services.api.ui.lineage import lineage
from services.ledger_services import LedgerServices
from services.read.as_of import parse_as_of
from services.read.changes import changes_between
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
    services: LedgerServices,
    model_id: str,
    as_of: str | None,
    at: str | None,
    policy: str,
    since: int | None = None,
) -> dict[str, Any]:
    """Everything the model page shows; with ``since``, also what changed from that log
    position to the one shown."""
    answer = services.assessments.recompute(model_id, parse_as_of(as_of), at, policy)
    assessment = json.loads(answer.body)
    world, model = answer.world, answer.world.models[model_id]
    query = {k: v for k, v in (("as_of", as_of), ("at", at), ("policy", policy)) if v}
    timeline = _timeline(services, answer.evidence)
    shown = assessment["as_of"]["position"]
    changes = None
    if since is not None:
        found = changes_between(
            services.assessments, model_id, min(since, shown), shown, at, policy
        )
        changes = changes_view(found, {t["position"]: t["recorded_at"] for t in timeline})
    return {
        "model": model,
        "assessment": assessment,
        "grid": grid(assessment, model.components),
        "lineage": lineage(world, model_id),
        "timeline": timeline,
        "positions": _positions(timeline, model.event_id),
        "changes": changes,
        "since": "" if since is None else str(since),
        "as_of": as_of or "",
        "at": at or "",
        "policy": policy,
        "bundle_url": f"/v1/models/{model_id}/bundle" + (f"?{urlencode(query)}" if query else ""),
        "eu_summary_url": f"/ui/eu-summary/{model_id}" + (f"?{urlencode(query)}" if query else ""),
        "json_url": f"/v1/models/{model_id}/freedoms" + (f"?{urlencode(query)}" if query else ""),
        "markdown_url": f"/v1/models/{model_id}/freedoms?"
        + urlencode({**query, "format": "markdown"}),
    }


def _positions(timeline: list[dict[str, Any]], release_event: str) -> list[dict[str, Any]]:
    """Positions worth viewing "as of", each with when it was recorded and what it recorded:
    from the model's release on (before it, it did not exist), latest first."""
    released = next((t["position"] for t in timeline if t["event_id"] == release_event), 0)
    return [
        {
            "position": t["position"],
            "label": f"{t['recorded_at'][:16].replace('T', ' ')} UTC · position {t['position']}"
            f" · {t['type']} {t['subject']}",
        }
        for t in reversed(timeline)
        if t["position"] and t["position"] >= released
    ]


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
