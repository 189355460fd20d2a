"""What the ``/ui/eu-summary/{id}`` page shows: the summary JSON with the template's titles and
labels, grouped by part (the layout of ``domain.eu_summary.render``)."""

from __future__ import annotations

from typing import Any

from domain.eu_summary.render import LABELS, PARTS, TITLES, field_text


def summary_page(summary: dict[str, Any], model_id: str, query: str) -> dict[str, Any]:
    api_url = f"/v1/models/{model_id}/eu-training-summary" + (f"?{query}" if query else "")
    return {
        "summary": summary,
        "parts": PARTS,
        "sections": {part: [n for n in TITLES if n.split(".")[0] == part] for part, _ in PARTS},
        "titles": TITLES,
        "labels": LABELS,
        "text": field_text,
        "api_url": api_url,
        "sep": "&" if query else "?",
    }
