"""``provenance demo``: load the real-model examples (``examples/``) into an empty ledger."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from infra.keys import KeyFileError, load_private_key
from infra.settings import DEFAULT_OPERATOR_KEY
from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_OK, CliError
from services.cli.progress import Progress
from services.demo.examples import demo_envelopes, examples_directory, load_examples

BATCH = 1000


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help="load the example model versions into an empty ledger")
    demo.add_argument(
        "--operator-key",
        type=Path,
        default=DEFAULT_OPERATOR_KEY,
        help="the operator's private key (default ./keys/operator)",
    )
    demo.add_argument("--examples", type=Path, default=None, help="examples directory")
    demo.add_argument("--force", action="store_true", help="load even if the ledger is not empty")
    add_server_flag(demo)
    demo.set_defaults(run=run_demo)


def demo_documents(
    operator_key: Path, directory: Path | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The signed example envelopes and the model ids they release."""
    try:
        operator = load_private_key(operator_key)
        examples = load_examples(directory or examples_directory())
    except (KeyFileError, ValueError, OSError) as error:
        raise CliError(str(error)) from error
    documents, _ = demo_envelopes(examples, operator)
    return documents, [example.model for example in examples]


def run_demo(args: argparse.Namespace) -> int:
    base = server_url(args)
    documents, models = demo_documents(args.operator_key, args.examples)
    page = request("GET", f"{base}/v1/events", params={"limit": 1})
    if page.status_code != 200:
        raise refused(page)
    if page.json()["events"] and not args.force:
        raise CliError(
            "the ledger is not empty; the demo loads into an empty ledger (--force to load anyway)"
        )
    with Progress("recording the examples", len(documents), unit="statements") as progress:
        for start in range(0, len(documents), BATCH):
            batch = documents[start : start + BATCH]
            response = request("POST", f"{base}/v1/events:batch", json={"envelopes": batch})
            if response.status_code != 201:
                raise refused(response)
            progress.advance(len(batch))
    print(f"recorded {len(documents)} signed statements about {len(models)} model versions:")
    for model in models:
        print(f"  provenance freedoms {model}")
    print(f"or open {base}/docs", file=sys.stderr)
    return EXIT_OK
