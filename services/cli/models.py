"""``provenance models [QUERY]``: the recorded model versions (id or name containing QUERY),
each with its verdicts under the default policy."""

from __future__ import annotations

import argparse
import json
from typing import Any

from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_OK

_PAGE = 1000
_COLUMNS = ("use", "study", "modify", "share")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = commands.add_parser(
        "models", help="list the model versions (with verdicts), optionally matching QUERY"
    )
    models.add_argument(
        "query", nargs="?", default="", help="case-insensitive substring of id or name"
    )
    models.add_argument("--json", action="store_true", help="print the list as JSON")
    add_server_flag(models)
    models.set_defaults(run=run_models)


def run_models(args: argparse.Namespace) -> int:
    listed = fetch_models(server_url(args), args.query)
    if args.json:
        print(json.dumps(listed, indent=2, sort_keys=True))
    elif not listed:
        what = f" matching '{args.query}'" if args.query else ""
        print(f"no model version{what} is recorded")
    else:
        print(render_models(listed))
    return EXIT_OK


def fetch_models(server: str, query: str) -> list[dict[str, Any]]:
    """Every page of ``GET /v1/models?q=QUERY``."""
    listed: list[dict[str, Any]] = []
    after = ""
    while True:
        params = {"q": query, "after": after, "limit": str(_PAGE)}
        response = request("GET", f"{server}/v1/models", params=params)
        if response.status_code != 200:
            raise refused(response)
        page = response.json()
        listed += page["models"]
        if page["next"] is None:
            return listed
        after = page["next"]


def render_models(listed: list[dict[str, Any]]) -> str:
    """One line per model version: id, the four freedoms, OSAID 1.0 and the MOF class."""
    width = max(len(m["id"]) for m in listed) + 2
    header = f"{'model version':<{width}}" + "".join(f"{c:<13}" for c in _COLUMNS)
    lines = [header + f"{'OSAID 1.0':<11}MOF"]
    for model in listed:
        verdicts = model["verdicts"]
        line = f"{model['id']:<{width}}" + "".join(f"{verdicts[c]:<13}" for c in _COLUMNS)
        osaid = "yes" if verdicts["osaid"] else "no"
        lines.append(line + f"{osaid:<11}{verdicts['mof'] or 'none'}")
    return "\n".join(lines)
