"""``provenance submit`` and ``provenance subject``: write envelopes, read a subject back."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_OK, CliError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    submit = commands.add_parser(
        "submit", help="post one envelope, or a JSON list of envelopes as one batch"
    )
    submit.add_argument("file", help="envelope file, or - for stdin")
    add_server_flag(submit)
    submit.set_defaults(run=run_submit)
    subject = commands.add_parser("subject", help="print a subject's recorded state")
    subject.add_argument("id")
    subject.add_argument("--as-of", help="a log position or an RFC 3339 recorded time")
    add_server_flag(subject)
    subject.set_defaults(run=run_subject)


def run_submit(args: argparse.Namespace) -> int:
    document = _read_json(args.file)
    base = server_url(args)
    if isinstance(document, list):
        response = request("POST", f"{base}/v1/events:batch", json={"envelopes": document})
    else:
        response = request("POST", f"{base}/v1/events", json=document)
    if response.status_code not in (200, 201):
        raise refused(response)
    print(json.dumps(response.json(), indent=2))
    return EXIT_OK


def run_subject(args: argparse.Namespace) -> int:
    params = {"as_of": args.as_of} if args.as_of else None
    response = request("GET", f"{server_url(args)}/v1/subjects/{quote(args.id)}", params=params)
    if response.status_code != 200:
        raise refused(response)
    print(json.dumps(response.json(), indent=2))
    return EXIT_OK


def _read_json(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot read {source}: {error.strerror}") from error
    try:
        return json.loads(text)
    except ValueError as error:
        raise CliError(f"{source} is not JSON: {error}") from error
    except RecursionError as error:
        raise CliError(f"{source} is nested too deeply to be an envelope") from error
