"""Talking to a ledger server from the CLI: ``--server`` (default ``$LEDGER_SERVER``, else
``http://127.0.0.1:8000``), problems printed one line each, unreachable servers as exit 2."""

from __future__ import annotations

import argparse
import os
from typing import Any

import httpx

from services.cli.errors import CliError

DEFAULT_SERVER = "http://127.0.0.1:8000"


def add_server_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        default=None,
        help=f"ledger URL (default: $LEDGER_SERVER, else {DEFAULT_SERVER})",
    )


def server_url(args: argparse.Namespace) -> str:
    return str(args.server or os.environ.get("LEDGER_SERVER") or DEFAULT_SERVER).rstrip("/")


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return httpx.request(method, url, timeout=120.0, **kwargs)
    except httpx.HTTPError as error:
        raise CliError(f"cannot reach the ledger at {url}: {error}") from error


def refused(response: httpx.Response) -> CliError:
    """A CliError carrying the server's problem, one line per refused item."""
    try:
        problem = response.json()
        lines = [
            f"refused ({response.status_code} {problem.get('type', '').rsplit('/', 1)[-1]}): "
            f"{problem.get('detail', '')}"
        ]
        lines += [
            f"  envelope {e['index']}: {e['type'].rsplit('/', 1)[-1]}: {e['detail']}"
            for e in problem.get("errors") or []
        ]
    except (ValueError, AttributeError, KeyError, TypeError):
        lines = [f"refused ({response.status_code}): {response.text[:500]}"]
    return CliError("\n".join(lines))
