"""``provenance freedoms``: what a model version confers, as a table or §6 JSON, optionally
failing (exit 1) when a requirement is not met."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from urllib.parse import quote

from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_FAILED, EXIT_OK, CliError
from services.cli.freedoms_table import render

REQUIREMENTS = (
    "osaid-1.0",
    "mof:I",
    "mof:II",
    "mof:III",
    "eu-ai-act:exempt",
    "use",
    "study",
    "modify",
    "share",
)
_MOF_RANK = {"I": 3, "II": 2, "III": 1}
_GOOD = frozenset({"granted", "conditional"})


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    freedoms = commands.add_parser("freedoms", help="what freedoms a model version confers")
    freedoms.add_argument("model", help="model version id")
    freedoms.add_argument("--as-of", help="a log position or an RFC 3339 recorded time")
    freedoms.add_argument("--at", help="RFC 3339 date: only facts effective by then")
    freedoms.add_argument(
        "--policy", default="default", help="default, hardware-aside or data-propagates"
    )
    freedoms.add_argument("--json", action="store_true", help="print the §6 JSON document")
    freedoms.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        default=None,
        help="table (default), json (as --json) or markdown (a report to hand on)",
    )
    freedoms.add_argument(
        "--require",
        action="append",
        default=[],
        choices=REQUIREMENTS,
        help="exit 1 unless this is met (repeatable); a freedom is met when granted or conditional",
    )
    add_server_flag(freedoms)
    freedoms.set_defaults(run=run_freedoms)


def run_freedoms(args: argparse.Namespace) -> int:
    params = {"policy": args.policy}
    if args.as_of:
        params["as_of"] = args.as_of
    if args.at:
        params["at"] = args.at
    url = f"{server_url(args)}/v1/models/{quote(args.model, safe='/@')}/freedoms"
    chosen = args.format or ("json" if args.json else "table")
    if args.json and chosen != "json":
        raise CliError(f"--json and --format {chosen} disagree: give one")
    response = request("GET", url, params=params)
    if response.status_code != 200:
        raise refused(response)
    assessment = response.json()
    if chosen == "markdown":
        report = request("GET", url, params={**params, "format": "markdown"})
        if report.status_code != 200:
            raise refused(report)
        sys.stdout.write(report.text)
    elif chosen == "json":
        print(json.dumps(assessment, indent=2, sort_keys=True))
    else:
        subject = request("GET", f"{server_url(args)}/v1/subjects/{quote(args.model, safe='/@')}")
        components = subject.json()["state"].get("components", {}) if subject.is_success else {}
        print(render(assessment, components))
    unmet = unmet_requirements(assessment, args.require)
    for line in unmet:
        print(f"requirement not met: {line}", file=sys.stderr)
    return EXIT_FAILED if unmet else EXIT_OK


def unmet_requirements(assessment: dict[str, Any], required: list[str]) -> list[str]:
    unmet = []
    for requirement in required:
        if requirement == "osaid-1.0":
            if not assessment["frameworks"]["osaid-1.0"]["conformant"]:
                unmet.append("osaid-1.0: not conformant")
        elif requirement == "eu-ai-act:exempt":
            unmet += _eu_exemption_unmet(assessment)
        elif requirement.startswith("mof:"):
            wanted, actual = requirement[4:], assessment["frameworks"]["mof"]["class"]
            if actual is None or _MOF_RANK[actual] < _MOF_RANK[wanted]:
                unmet.append(f"{requirement}: the model is MOF class {actual or 'none'}")
        else:
            status = assessment["freedoms"][requirement]["status"]
            if status not in _GOOD:
                unmet.append(f"{requirement}: {status}")
    return unmet


def _eu_exemption_unmet(assessment: dict[str, Any]) -> list[str]:
    """Why the model is not exempt as open source under the EU AI Act (DESIGN.md §11.2),
    one line per unmet condition; nothing when it qualifies."""
    exemption = assessment["frameworks"]["eu-ai-act"]["open_source_exemption"]
    if exemption["status"] == "qualifies":
        return []
    return [f"eu-ai-act:exempt: {exemption['status']}"] + [
        f"eu-ai-act:exempt: {item['condition']} {item['status']}: {item['reason']}"
        for item in exemption["unmet"]
    ]
