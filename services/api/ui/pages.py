"""What the auditor pages show, gathered from the services as plain data for the templates."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from domain.encoding import b64decode_strict
from services.api.ui.changes_view import changes_view
from services.api.ui.lineage import lineage
from services.api.ui.mof_progress import mof_progress
from services.api.ui.signers import signers
from services.ledger_services import LedgerServices
from services.read.as_of import parse_as_of
from services.read.blocker_groups import all_blockers
from services.read.changes import changes_between
from services.read.freedoms_grid import FREEDOMS, grid

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
        changes = changes_view(found, {t["position"]: t["recorded"] for t in timeline})
    reasons = all_blockers(assessment, FREEDOMS)
    numbers = {(g.licence, g.reason): n for n, g in enumerate(reasons, 1)}

    def licences_of(artefact_id: str) -> str:
        artefact = world.artefacts.get(artefact_id)
        if artefact is None:
            return "not recorded"
        grants = artefact.grants_in_force()
        return " / ".join(g.licence for g in grants) if grants else "no licence"

    def reason_numbers(blockers: list[dict[str, Any]]) -> list[int]:
        return sorted({numbers[(b["licence"], b["reason"])] for b in blockers})

    signer_ids = [t["subject"] for t in timeline if t["type"].startswith("Signer")]
    signer_ids += [t["author"] for t in timeline if t["author"]]
    return {
        "model": model,
        "assessment": assessment,
        "grid": grid(assessment, model.components),
        "reasons": reasons,
        "conditions": _conditions(assessment),
        "reason_numbers": reason_numbers,
        "mof": mof_progress(assessment["frameworks"]["mof"], model.components, licences_of),
        "lineage": lineage(world, model_id, licences_of),
        "signers": signers(services, signer_ids),
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
            f" · {t['type']} {_named(t['subject'])}",
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
            "recorded": _when(services.view.leaf(r.leaf_index).recorded_at),
            "type": r.statement.type,
            "subject": r.statement.subject,
            "effective_at": r.statement.effective_at,
            "effective": _when(r.statement.effective_at),
            "author": r.signers[0] if r.signers else "",
        }
        for r in sorted(evidence, key=lambda r: r.leaf_index)
    ]


def _conditions(assessment: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each condition once, with the freedoms it applies to."""
    found: dict[str, list[str]] = {}
    for freedom in FREEDOMS:
        for condition in assessment["freedoms"][freedom]["conditions"]:
            found.setdefault(condition, []).append(freedom)
    return list(found.items())


def _when(moment: str | None) -> str:
    """An RFC 3339 time for a person: the date alone at midnight, else to the second."""
    if not moment:
        return ""
    date, _, time = moment.partition("T")
    if time.startswith("00:00:00"):
        return date
    return f"{date} {time[:8]} UTC"


def _named(subject: str) -> str:
    """A subject as an option label shows it: a keyid shortened to 12 hex digits."""
    if len(subject) == 64 and all(c in "0123456789abcdef" for c in subject):
        return subject[:12] + "…"
    return subject


def event_page(services: LedgerServices, event_id: str) -> dict[str, Any]:
    event = services.reads.event(event_id)
    statement = json.loads(b64decode_strict(event.envelope["payload"]))
    return {
        "event": event,
        "statement": json.dumps(statement, indent=2, ensure_ascii=False),
        "type": statement["type"],
        "subject": statement["subject"],
        "signers": list(
            signers(services, [s["keyid"] for s in event.envelope["signatures"]]).values()
        ),
        "about_signer": signers(services, [statement["subject"]]).get(statement["subject"])
        if statement["type"].startswith("Signer")
        else None,
    }


def bundle_claims(document: Any) -> dict[str, Any] | None:
    """What an uploaded bundle says about which model: its id, policy, position, ``at`` and
    the verdicts its assessment claims (None when it is not shaped like a bundle)."""
    try:
        assessment = document["assessment"]
        return {
            "model": str(document["model"]),
            "policy": str(document.get("policy", "")),
            "position": document.get("as_of", {}).get("position"),
            "at": document.get("at"),
            "freedoms": {f: str(assessment["freedoms"][f]["status"]) for f in FREEDOMS},
            "osaid": bool(assessment["frameworks"]["osaid-1.0"]["conformant"]),
            "mof": assessment["frameworks"]["mof"]["class"],
        }
    except (KeyError, TypeError, AttributeError):
        return None
