"""The EU training-content summary of one model version (DESIGN.md §11.3), read from the
events its answer rests on, with the header's dates from the log."""

from __future__ import annotations

import html
from typing import Any

from domain.encoding import format_utc_time_compact
from domain.eu_summary.build import training_summary
from domain.eu_summary.render import html_page, markdown
from services.read.as_of import AsOf
from services.read.assessments import Assessments, parse_at
from services.read.reads import LedgerReads

FORMATS = ("json", "markdown", "html")


def eu_training_summary(
    assessments: Assessments,
    reads: LedgerReads,
    model_id: str,
    as_of: AsOf | None,
    at: str | None,
    public_url: str,
) -> dict[str, Any]:
    """The §11.3 JSON document. ``version`` is the greatest position among the events it uses
    and ``last_update`` that event's recording date (``YYYY-MM-DD``)."""
    parse_at(at)
    world = assessments.world_for(model_id, as_of, at)

    def position(event_id: str) -> int | None:
        recorded = world.events.get(event_id)
        return recorded.position if recorded is not None else None

    summary = training_summary(world, model_id, public_url, position)
    version = summary["version"]
    last = next((e for e, r in world.events.items() if r.position == version), None)
    last_update = reads.event(last).recorded_at[:10] if last is not None else None
    at_text = format_utc_time_compact(world.at) if world.at is not None else None
    return {**summary, "at": at_text, "last_update": last_update}


def render(summary: dict[str, Any], format: str) -> tuple[str, str]:
    """(body, media type) of the summary as ``markdown`` or a standalone ``html`` page."""
    if format == "markdown":
        return markdown(summary), "text/markdown; charset=utf-8"
    page = html_page(summary)
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>EU training-content summary: {html.escape(summary['model'])}</title>"
        "</head><body>"
        f"{page}</body></html>"
    )
    return document, "text/html; charset=utf-8"
