"""Markdown and HTML renderings of the training-content summary, in the template's layout
(header, then §1 General information, §2 List of data sources, §3 Data processing, each
subsection a table of its fields). Deterministic: the same JSON gives the same text."""

from __future__ import annotations

import html
from typing import Any

PARTS = (
    ("1", "General information"),
    ("2", "List of data sources"),
    ("3", "Data processing"),
)
TITLES = {
    "1.1": "Provider identification",
    "1.2": "Model identification",
    "1.3": "Modalities, overall training data size and other characteristics",
    "2.1": "Publicly available datasets",
    "2.2.1": "Commercially licensed data (transactional licences with rightsholders)",
    "2.2.2": "Private datasets obtained from other third parties",
    "2.3": "Data crawled and scraped from online sources",
    "2.4": "User data",
    "2.5": "Synthetic data",
    "2.6": "Other sources of data",
    "3.1": "Respect of reservation of rights from text and data mining exception",
    "3.2": "Removal of illegal content",
    "3.3": "Other information",
}
LABELS = {
    "provider": "Provider name",
    "contact": "Contact details",
    "authorised_representative": "Authorised representative",
    "models": "Versioned model name(s), model card, date of placement on the Union market",
    "dependencies": "Model dependencies (base models and their summaries)",
    "modalities": "Modalities",
    "latest_collection": "Latest date of data acquisition/collection",
    "continuous_training": "Continuously trained on new data after that date",
    "languages": "Linguistic characteristics",
    "used": "Used",
    "large": "Large datasets (more than 3% of the modality's public data)",
    "other": "Other",
    "publicly_known": "Publicly known private datasets",
    "crawlers": "Crawlers (name, purposes, behaviour)",
    "period": "Period of data collection",
    "content": "Description of content and sources",
    "domains": "Most relevant domain names",
    "interactions": "User data from interactions with the model",
    "other_products": "User data from the provider's other services or products",
    "description": "Description",
    "signatory": "Signatory of the GPAI Code of Practice",
    "tdm_measures": "Measures to respect text-and-data-mining reservations",
    "copyright_policy": "Copyright policy",
    "measures": "Measures to remove illegal content",
}


def field_text(field: dict[str, Any]) -> str:
    if "missing" in field:
        return f"MISSING: {field['missing']}"
    content = field["value"]
    if content is None:
        return "—"
    if isinstance(content, bool):
        return "Yes" if content else "No"
    return _plain(content) or "—"


def _plain(content: Any) -> str:
    """A JSON value in plain words: lists joined, objects as 'key: value', numbers short."""
    if content is None:
        return ""
    if isinstance(content, bool):
        return "yes" if content else "no"
    if isinstance(content, float):
        return f"{content:,.0f}" if content.is_integer() and abs(content) < 1e15 else f"{content:g}"
    if isinstance(content, list):
        separator = "; " if any(isinstance(item, dict) for item in content) else ", "
        return separator.join(_plain(item) for item in content)
    if isinstance(content, dict):
        parts = [
            f"{key}: {_plain(item)}" for key, item in content.items() if item not in (None, "")
        ]
        return (
            ", ".join(parts)
            if all(not isinstance(v, dict) for v in content.values())
            else "; ".join(parts)
        )
    return str(content)


def _sections(summary: dict[str, Any], part: str) -> list[str]:
    return [n for n in TITLES if n.split(".")[0] == part]


def markdown(summary: dict[str, Any]) -> str:
    """The summary as Markdown following the template's layout."""
    complete = summary["completeness"]
    lines = [
        f"# Public summary of training content: {summary['model']}",
        "",
        "| Version of the summary | Last update | Previous versions |",
        "|---|---|---|",
        f"| {summary['version']} | {summary['last_update'] or '—'} | "
        + (", ".join(f"[{p['version']}]({p['uri']})" for p in summary["previous_versions"]) or "—")
        + " |",
        "",
        f"Completeness: {complete['filled']} of {complete['required']} required fields filled.",
        "",
    ]
    for part, title in PARTS:
        lines += [f"## {part}. {title}", ""]
        for number in _sections(summary, part):
            lines += [f"### {number} {TITLES[number]}", "", "| Field | Answer |", "|---|---|"]
            for name, field in summary[number].items():
                cell = field_text(field).replace("|", "\\|").replace("\n", " ")
                lines.append(f"| {LABELS.get(name, name)} | {cell} |")
            lines.append("")
    return "\n".join(lines)


def html_page(summary: dict[str, Any], title_prefix: str = "") -> str:
    """The summary as an HTML document following the template's layout."""
    e = html.escape
    complete = summary["completeness"]
    previous = ", ".join(
        f'<a href="{e(p["uri"])}">{p["version"]}</a>' for p in summary["previous_versions"]
    )
    body = [
        f"<h1>{e(title_prefix)}Public summary of training content: {e(summary['model'])}</h1>",
        '<table class="summary-header"><tr><th>Version of the summary</th><th>Last update</th>'
        "<th>Previous versions</th></tr>",
        f"<tr><td>{summary['version']}</td><td>{e(summary['last_update'] or '—')}</td>"
        f"<td>{previous or '—'}</td></tr></table>",
        f'<p class="completeness">Completeness: {complete["filled"]} of {complete["required"]} '
        "required fields filled.</p>",
    ]
    for part, title in PARTS:
        body.append(f"<h2>{part}. {e(title)}</h2>")
        for number in _sections(summary, part):
            body.append(f'<h3 id="s{e(number)}">{e(number)} {e(TITLES[number])}</h3>')
            body.append('<table class="summary-section">')
            for name, field in summary[number].items():
                css = ' class="missing"' if "missing" in field else ""
                label, answer = e(LABELS.get(name, name)), e(field_text(field))
                body.append(f"<tr{css}><th>{label}</th><td>{answer}</td></tr>")
            body.append("</table>")
    return "\n".join(body)
