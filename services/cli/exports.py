"""``provenance export``: a model version as an SPDX 3.0.1 or CycloneDX 1.6 document, fetched
from the server's ``/v1/models/{id}/sbom`` and written to a file or stdout."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import quote

from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_OK, CliError
from services.exports import FORMATS


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="write a model version as an SBOM (SPDX 3.0.1 or CycloneDX 1.6)"
    )
    export.add_argument("model", help="model version id")
    export.add_argument("--format", required=True, choices=sorted(FORMATS), help="SBOM format")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    export.add_argument("--as-of", help="a log position or an RFC 3339 recorded time")
    export.add_argument("--at", help="RFC 3339 date: only facts effective by then")
    export.add_argument("--policy", default="default", help="assessment policy for the verdicts")
    add_server_flag(export)
    export.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    params = {"format": args.format, "policy": args.policy}
    params.update({k: v for k, v in (("as_of", args.as_of), ("at", args.at)) if v})
    url = f"{server_url(args)}/v1/models/{quote(args.model, safe='/@')}/sbom"
    response = request("GET", url, params=params)
    if response.status_code != 200:
        raise refused(response)
    try:
        document = response.json()
    except ValueError as error:
        raise CliError(f"the server's answer is not JSON: {error}") from error
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {args.output}: {error.strerror}") from error
    print(f"wrote {args.output}: {FORMATS[args.format].title} document of {args.model}")
    return EXIT_OK
