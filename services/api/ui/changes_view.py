"""The "changes since" section of a model page: the verdicts that moved, the statements that
moved them, and every other field that differs, each list change as what left and what came."""

from __future__ import annotations

import json
from typing import Any

from services.read.changes import Changes

_VERDICT_FIELDS = {
    **{f"/freedoms/{f}/status": f for f in ("use", "study", "modify", "share")},
    "/frameworks/osaid-1.0/conformant": "OSAID 1.0",
    "/frameworks/mof/class": "MOF class",
}


def changes_view(found: Changes, recorded_at: dict[int, str]) -> dict[str, Any]:
    """Plain data for the template: ``verdicts`` [{what, old, new}], ``events`` (with their
    recorded time), ``fields`` [{path, removed, added}] for the other fields."""
    verdicts = [
        {"what": what, "old": _shown(change["old"]), "new": _shown(change["new"])}
        for path, what in _VERDICT_FIELDS.items()
        if (change := found.changed(path)) is not None
    ]
    fields = [
        {"path": c["path"], **_difference(c["old"], c["new"])}
        for c in found.changes
        if c["path"] not in _VERDICT_FIELDS
    ]
    events = [{**e, "recorded_at": recorded_at.get(e["position"], "")} for e in found.events]
    return {
        "since": found.start,
        "until": found.end,
        "verdicts": verdicts,
        "events": events,
        "fields": fields,
    }


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "conformant" if value else "not conformant"
    return str(value)


def _difference(old: Any, new: Any) -> dict[str, list[str]]:
    """What left and what came: for lists, their items; otherwise the two values."""
    if isinstance(old, list) or isinstance(new, list):
        before = [_item(i) for i in old or []]
        after = [_item(i) for i in new or []]
        return {
            "removed": [i for i in before if i not in after],
            "added": [i for i in after if i not in before],
        }
    return {
        "removed": [] if old is None else [_item(old)],
        "added": [] if new is None else [_item(new)],
    }


def _item(value: Any) -> str:
    """One list item in words: a blocker or requirement by its artefact(s) and reason."""
    if isinstance(value, dict):
        if "reason" in value:
            where = value.get("artefact") or value.get("requirement") or ""
            licence = f" ({value['licence']})" if value.get("licence") else ""
            return f"{where}{licence}: {value['reason']}" if where else str(value["reason"])
        if "artefact" in value and "status" in value:
            return (
                f"{value['artefact'] or '(none)'} [{value.get('component', '')}]: {value['status']}"
            )
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)
