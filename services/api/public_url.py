"""The base URL that links written into documents use (DESIGN.md §9, ``LEDGER_PUBLIC_URL``).

Exported SBOMs, Markdown reports and EU summaries link back to the ledger (the bundle, a base
model's summary). Behind a proxy the request's own base URL is the internal address, so the
operator names the public one with ``--public-url``; without it the request's base URL is used.
"""

from __future__ import annotations

from starlette.requests import Request


def public_base(request: Request) -> str:
    """``LEDGER_PUBLIC_URL`` when the app was given one, else the request's base URL; either
    way with a trailing ``/``, the form ``request.base_url`` has."""
    configured: str | None = getattr(request.app.state, "public_url", None)
    if configured:
        return configured.rstrip("/") + "/"
    return str(request.base_url)
