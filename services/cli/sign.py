"""``provenance sign``: build a statement, canonicalise it (RFC 8785) and sign it as DSSE."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.encoding import EncodingError, parse_utc_time
from domain.envelope import STATEMENT_PAYLOAD_TYPE, sign_envelope
from domain.rejections import Rejection
from domain.statement import Statement, parse_statement
from infra.keys import KeyFileError, load_private_key
from services.cli.errors import EXIT_OK, CliError
from services.cli.statement_help import statement_types_help


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = commands.add_parser(
        "sign",
        help="sign a statement and print its DSSE envelope",
        epilog=statement_types_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sign.add_argument(
        "--key",
        action="append",
        required=True,
        type=Path,
        help="private key file; repeat to co-sign (the first key is the author)",
    )
    sign.add_argument(
        "--type",
        required=True,
        metavar="TYPE",
        help="statement type, e.g. LicenceGranted (every type and its fields: below)",
    )
    sign.add_argument("--subject", required=True, help="subject id")
    sign.add_argument(
        "--data",
        required=True,
        help="the data object as JSON, @FILE to read it from a file, or - for stdin",
    )
    sign.add_argument(
        "--effective-at",
        help="when the fact became true (default: now); YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.f]Z",
    )
    sign.add_argument("--issued-at", help="when it was stated (default: now)")
    sign.add_argument("--nonce", help="lets the same fact be stated twice")
    sign.add_argument(
        "--no-check",
        action="store_true",
        help="sign even if the statement would not pass the ledger's checks",
    )
    sign.set_defaults(run=run_sign)


def run_sign(args: argparse.Namespace) -> int:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    statement = Statement(
        type=args.type,
        subject=args.subject,
        data=_data(args.data),
        effective_at=_time(args.effective_at, "--effective-at") if args.effective_at else now,
        issued_at=_time(args.issued_at, "--issued-at") if args.issued_at else now,
        nonce=args.nonce,
    )
    try:
        payload = statement.canonical_bytes()
        if not args.no_check:
            parse_statement(payload)
        keys = [load_private_key(path) for path in args.key]
    except Rejection as rejection:
        raise CliError(f"statement refused ({rejection.kind}): {rejection.detail}") from rejection
    except KeyFileError as error:
        raise CliError(str(error)) from error
    envelope = sign_envelope(STATEMENT_PAYLOAD_TYPE, payload, keys)
    print(json.dumps(envelope.to_json()))
    return EXIT_OK


def _data(text: str) -> Any:
    if text == "-":
        source, raw = "stdin", sys.stdin.read()
    elif text.startswith("@"):
        source = text[1:]
        try:
            raw = Path(source).read_text(encoding="utf-8")
        except OSError as error:
            raise CliError(f"cannot read --data file {source}: {error.strerror}") from error
    else:
        source, raw = "--data", text
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise CliError(f"{source} is not JSON: {error}") from error
    except RecursionError as error:
        raise CliError(f"{source} is nested too deeply") from error
    if not isinstance(data, dict):
        raise CliError(f"{source} must be a JSON object")
    return data


def _time(text: str, flag: str) -> str:
    """A date means midnight UTC; otherwise the ledger's UTC form is required."""
    candidate = f"{text}T00:00:00Z" if len(text) == 10 else text
    try:
        parse_utc_time(candidate)
    except EncodingError as error:
        raise CliError(f"{flag} '{text}': {error}") from error
    return candidate
