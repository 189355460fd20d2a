"""``provenance eu-summary``: a model version's EU AI Act public summary of training content
(DESIGN.md §11.3), as JSON, Markdown or HTML, printed or written to a file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import quote

from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_OK, CliError

FORMATS = ("json", "markdown", "html")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    summary = commands.add_parser(
        "eu-summary", help="the EU AI Act public summary of a model version's training content"
    )
    summary.add_argument("model", help="model version id")
    summary.add_argument("--as-of", help="a log position or an RFC 3339 recorded time")
    summary.add_argument("--at", help="RFC 3339 date: only facts effective by then")
    summary.add_argument("--format", default="json", choices=FORMATS)
    summary.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    add_server_flag(summary)
    summary.set_defaults(run=run_eu_summary)


def run_eu_summary(args: argparse.Namespace) -> int:
    params = {"format": args.format}
    params.update({k: v for k, v in (("as_of", args.as_of), ("at", args.at)) if v})
    url = f"{server_url(args)}/v1/models/{quote(args.model, safe='/@')}/eu-training-summary"
    response = request("GET", url, params=params)
    if response.status_code != 200:
        raise refused(response)
    text = response.text
    if args.format == "json":
        text = json.dumps(response.json(), indent=2, ensure_ascii=False)
    if args.output is None:
        print(text)
        return EXIT_OK
    try:
        args.output.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {args.output}: {error.strerror}") from error
    complete = response.json()["completeness"] if args.format == "json" else None
    note = (
        f" ({complete['filled']} of {complete['required']} required fields filled)"
        if complete
        else ""
    )
    print(
        f"wrote {args.output}: the EU training-content summary of {args.model}{note}",
        file=sys.stderr,
    )
    return EXIT_OK
