"""``provenance audit``: replay the whole log as an independent auditor (exit 0 only if
everything matches; otherwise exit 1, naming each position that failed)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.encoding import b64decode_strict
from domain.envelope import keyid_for
from services.audit.auditor import Auditor, AuditReport, SavedState
from services.audit.sources import AuditSource, DatabaseSource, ServerSource
from services.cli.bundles import load_keys
from services.cli.errors import EXIT_FAILED, EXIT_OK, CliError
from services.cli.progress import Progress


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser("audit", help="replay and check the whole log independently")
    where = audit.add_mutually_exclusive_group(required=True)
    where.add_argument("--server", help="audit a running server (URL)")
    where.add_argument("--database", help="audit the database directly (a database URL)")
    audit.add_argument(
        "--log-key",
        action="append",
        default=[],
        type=Path,
        help="pinned log public key (PEM), repeatable; needed with --server",
    )
    audit.add_argument(
        "--operator-key",
        action="append",
        default=[],
        type=Path,
        help="pinned operator public key (PEM), repeatable (with --server, "
        "defaults to the server's list, unpinned)",
    )
    audit.add_argument(
        "--state",
        type=Path,
        help="monitor state: the checkpoint the previous "
        "audit verified; checked for consistency, then updated if all passes",
    )
    audit.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help="processes that check signatures, envelopes and statements beside the one "
        "replaying the rules (default: one per core, none for a log of one page; 0: none)",
    )
    audit.set_defaults(run=run_audit)


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        workers = -1
    if workers < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, not {text!r}")
    return workers


def run_audit(args: argparse.Namespace) -> int:
    log_keys, operators = load_keys(args.log_key), load_keys(args.operator_key)
    if args.server and not log_keys:
        raise CliError("--server needs --log-key: the checkpoint is checked against it")
    previous = _load_state(args.state)
    try:
        source: AuditSource = (
            ServerSource(args.server) if args.server else DatabaseSource(args.database)
        )
    except Exception as error:
        raise CliError(f"cannot open {args.server or args.database}: {error}") from error
    try:
        if not operators:
            operators = _server_operators(args.server) if args.server else []
        with Progress("auditing", unit="entries") as progress:
            auditor = Auditor(source, log_keys, operators, progress.update, args.workers)
            report = auditor.run(previous)
    except httpx.HTTPError as error:
        raise CliError(f"cannot read the log from {source.description}: {error}") from error
    finally:
        source.close()
    return _print(report, args.state)


def _server_operators(url: str) -> list[Ed25519PublicKey]:
    listed = httpx.get(f"{url.rstrip('/')}/v1/log/keys", timeout=30).json()["operator_keys"]
    print(
        "note: no --operator-key given: the signer chain is checked back to the operator keys "
        "the server lists (not pinned)",
        file=sys.stderr,
    )
    keys = [Ed25519PublicKey.from_public_bytes(b64decode_strict(k["public_key"])) for k in listed]
    return [key for key, k in zip(keys, listed, strict=True) if keyid_for(key) == k["keyid"]]


def _load_state(path: Path | None) -> SavedState | None:
    if path is None or not path.exists():
        return None
    try:
        state = json.loads(path.read_text())
        return SavedState(
            state["origin"], state["size"], bytes.fromhex(state["root"]), state.get("checkpoint")
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CliError(f"cannot read the audit state {path}: {error}") from error


def _print(report: AuditReport, state: Path | None) -> int:
    if not report.passed:
        print(f"AUDIT FAILED after {report.entries} entries:")
        for failure in report.failures:
            print(f"  ✗ {failure}")
        for gap in report.unchecked:
            print(f"  ? not checked: {gap}")
        return EXIT_FAILED
    print(f"AUDIT PASSED: {report.entries} entries, {report.models} model versions")
    for check in report.checks:
        print(f"  ✓ {check}")
    for gap in report.unchecked:
        print(f"  ? not checked: {gap}")
    if state is not None:
        checkpoint = report.checkpoint
        saved = (
            SavedState(checkpoint.origin, checkpoint.size, checkpoint.root, report.note)
            if checkpoint is not None
            else SavedState("database (unsigned)", report.size, report.root)
        )
        state.write_text(json.dumps(saved.to_json(), indent=2) + "\n")
        print(f"saved the verified tree head (size {saved.size}) to {state}")
    return EXIT_OK
