"""``provenance export``: model versions as SPDX 3.0.1 or CycloneDX 1.6 documents, fetched
from the server's ``/v1/models/{id}/sbom``: one to a file or stdout, several (or ``--all``) to
one file each in a directory, with a progress line on a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_OK, CliError
from services.cli.progress import Progress
from services.exports import FORMATS


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="write a model version as an SBOM (SPDX 3.0.1 or CycloneDX 1.6)"
    )
    export.add_argument("model", nargs="*", help="model version id(s)")
    export.add_argument(
        "--all", action="store_true", help="every model version the server lists (needs -o DIR)"
    )
    export.add_argument("--format", required=True, choices=sorted(FORMATS), help="SBOM format")
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write (default: stdout); with several models or --all, a directory that "
        "gets one MODEL.FORMAT.json file each ('/' in an id written as '_')",
    )
    export.add_argument("--as-of", help="a log position or an RFC 3339 recorded time")
    export.add_argument("--at", help="RFC 3339 date: only facts effective by then")
    export.add_argument("--policy", default="default", help="assessment policy for the verdicts")
    add_server_flag(export)
    export.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    if args.all and args.model:
        raise CliError("give model ids or --all, not both")
    if not args.all and not args.model:
        raise CliError("name a model version (or several, or --all)")
    if not args.all and len(args.model) == 1:
        return _export_one(args, args.model[0])
    if args.output is None:
        raise CliError("several models are written to a directory: give -o DIR")
    if args.output.exists() and not args.output.is_dir():
        raise CliError(f"{args.output} is not a directory")
    models = args.model
    if args.all:
        from services.cli.models import fetch_models  # only --all needs the listing

        models = [model["id"] for model in fetch_models(server_url(args), "")]
    try:
        args.output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(f"cannot create {args.output}: {error.strerror}") from error
    with Progress("exporting", len(models), unit="models") as progress:
        for model in models:
            _write(args.output / export_file_name(model, args.format), _fetch(args, model))
            progress.advance()
    title = FORMATS[args.format].title
    print(f"wrote {len(models)} {title} documents to {args.output}")
    return EXIT_OK


def export_file_name(model: str, format_name: str) -> str:
    """``MODEL.FORMAT.json`` with each ``/`` of the id written as ``_``."""
    return f"{model.replace('/', '_')}.{format_name}.json"


def _export_one(args: argparse.Namespace, model: str) -> int:
    text = _fetch(args, model)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    _write(args.output, text)
    print(f"wrote {args.output}: {FORMATS[args.format].title} document of {model}")
    return EXIT_OK


def _fetch(args: argparse.Namespace, model: str) -> str:
    params = {"format": args.format, "policy": args.policy}
    params.update({k: v for k, v in (("as_of", args.as_of), ("at", args.at)) if v})
    url = f"{server_url(args)}/v1/models/{quote(model, safe='/@')}/sbom"
    response = request("GET", url, params=params)
    if response.status_code != 200:
        raise refused(response)
    try:
        document: Any = response.json()
    except ValueError as error:
        raise CliError(f"the server's answer is not JSON: {error}") from error
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {path}: {error.strerror}") from error
