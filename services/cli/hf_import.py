"""``provenance import-hf-card``: sign and submit the events a Hugging Face model card implies.

The mapping is :mod:`services.hf_import.importer`; this command reads the card and the key, asks the
server what the plan needs (the base model, datasets and libraries already recorded, ids in use,
the model versions recorded with the card's Hub URI, licences, the signer's enrolment), then
either prints the plan (``--dry-run``: nothing recorded, exit 0) or posts every envelope as one
all-or-nothing batch. A real import refuses (exit 2) while anything blocks it — a missing base
model, a licence it cannot map, an id already in use — and records nothing. Every import ends
with what to record next to turn each ``unknown`` into an answer
(:mod:`services.hf_import.next_steps`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from domain.encoding import EncodingError, parse_utc_time
from domain.envelope import STATEMENT_PAYLOAD_TYPE, keyid_for, sign_envelope
from infra.keys import KeyFileError, load_private_key
from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_OK, CliError
from services.cli.hf_ledger import ServerLedger
from services.hf_import.importer import (
    CardError,
    ImportOptions,
    ImportPlan,
    ModelIdError,
    ModelIds,
    Problem,
    plan_import,
    read_card,
)
from services.hf_import.next_steps import Commands, next_steps, planned_assessment


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "import-hf-card",
        help="sign and submit the events a Hugging Face model card (README.md) implies",
    )
    command.add_argument("card", type=Path, help="the model card file (README.md)")
    command.add_argument(
        "--model",
        required=True,
        help="the Hub repo id, optionally @REVISION (e.g. mistralai/Mistral-7B-v0.1); "
        "the ledger ids are derived from it",
    )
    command.add_argument("--key", required=True, type=Path, help="an enrolled publisher's key")
    command.add_argument(
        "--effective-at",
        help="when the facts became true (default: now); YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.f]Z",
    )
    command.add_argument(
        "--base-model",
        metavar="LEDGER_ID",
        help="the ledger id of the base model version (when it is recorded under another id "
        "than the card's base_model gives)",
    )
    command.add_argument(
        "--training-run",
        action="append",
        default=[],
        metavar="RUN",
        help="a recorded training run of this model (repeatable)",
    )
    command.add_argument(
        "--dry-run",
        action="store_true",
        help="print the statements it would sign and what it could not map; record nothing",
    )
    add_server_flag(command)
    command.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    try:
        raw = args.card.read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {args.card}: {error.strerror}") from error
    try:
        card = read_card(raw)
    except CardError as error:
        raise CliError(f"{args.card}: not a model card the import can read: {error}") from error
    try:
        ids = ModelIds.parse(args.model)
    except ModelIdError as error:
        raise CliError(str(error)) from error
    try:
        key = load_private_key(args.key)
    except KeyFileError as error:
        raise CliError(str(error)) from error
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    effective_at = _time(args.effective_at) if args.effective_at else now
    base = server_url(args)
    ledger = ServerLedger(base)
    flags = f"--key {args.key}" + (f" --server {args.server}" if args.server else "")
    options = ImportOptions(args.base_model, tuple(args.training_run))
    plan = plan_import(
        card,
        ids,
        effective_at=effective_at,
        issued_at=now,
        ledger=ledger,
        cli_flags=flags,
        options=options,
    )
    keyid = keyid_for(key.public_key())
    problems = [*plan.problems, *_signer_problems(ledger, keyid)]
    if ids.model != args.model:
        _say(f"note: ledger ids cannot hold '_': {args.model} is recorded as {ids.model}")
    if args.dry_run:
        return _dry_run(plan, problems, keyid, args)
    if problems:
        raise CliError(
            "\n".join(
                [f"nothing recorded: {len(problems)} problem(s) block importing {args.card}"]
                + [f"  {problem.message}" for problem in problems]
            )
        )
    envelopes = [
        sign_envelope(STATEMENT_PAYLOAD_TYPE, statement.canonical_bytes(), [key]).to_json()
        for statement in plan.statements
    ]
    response = request("POST", f"{base}/v1/events:batch", json={"envelopes": envelopes})
    if response.status_code not in (200, 201):
        raise refused(response)
    for statement, event in zip(plan.statements, response.json()["events"], strict=True):
        print(f"{event['position']}\t{event['event_id']}\t{statement.type}\t{statement.subject}")
    _notes(plan)
    _say(f"recorded {len(envelopes)} events for model version {ids.model}")
    url = f"{base}/v1/models/{quote(ids.model, safe='/@+')}/freedoms"
    answer = request("GET", url)
    if answer.status_code != 200:
        raise refused(answer)
    _next(plan, answer.json(), args, frozenset())
    return EXIT_OK


def _dry_run(
    plan: ImportPlan, problems: list[Problem], keyid: str, args: argparse.Namespace
) -> int:
    statements = [statement.to_json() for statement in plan.statements]
    print(json.dumps(statements, indent=2, ensure_ascii=False))
    _say(
        f"dry run: {len(plan.statements)} statements would be signed by {keyid} "
        f"for model version {plan.ids.model}; nothing recorded"
    )
    for problem in problems:
        label = "could not map" if problem.kind == "unmapped" else "warning"
        _say(f"{label}: {problem.message}")
    if problems:
        _say("a real import would refuse until the problems above are solved")
    _notes(plan)
    _next(plan, planned_assessment(plan), args, _recorded_elsewhere(plan))
    return EXIT_OK


def _notes(plan: ImportPlan) -> None:
    for warning in plan.warnings:
        _say(f"warning: {warning}")
    for dropped in plan.dropped:
        _say(f"dropped: {dropped}")


def _next(
    plan: ImportPlan, assessment: dict[str, Any], args: argparse.Namespace, known: frozenset[str]
) -> None:
    """What to record next, from the imported model's assessment."""
    commands = Commands(str(args.key), args.server)
    for step in next_steps(assessment, plan.ids, commands, plan.licences_to_define, known):
        _say(f"next: {step}")


def _recorded_elsewhere(plan: ImportPlan) -> frozenset[str]:
    """Subjects the plan names that the ledger, not the plan, holds (a dry run's assessment
    of the planned statements alone does not see them)."""
    created = {s.subject for s in plan.statements if s.type != "LicenceGranted"}
    named: set[str] = set()
    for statement in plan.statements:
        if statement.type == "ModelVersionReleased":
            named.update(
                a for artefacts in statement.data["components"].values() for a in artefacts
            )
            named.update(statement.data.get("training_runs", []))
    if plan.base is not None:
        named.add(plan.base)
    return frozenset(named - created)


def _signer_problems(ledger: ServerLedger, keyid: str) -> list[Problem]:
    signer = ledger.subject(keyid)
    state: Mapping[str, Any] = (signer or {}).get("state") or {}
    if signer is None or signer.get("kind") != "signer":
        return [
            Problem(
                "conflict",
                f"key {keyid} is not enrolled: an operator must enrol it as a publisher "
                "(SignerEnrolled) before it can import",
            )
        ]
    if state.get("revoked"):
        return [Problem("conflict", f"key {keyid} is revoked")]
    if "publisher" not in (state.get("roles") or []):
        return [Problem("conflict", f"key {keyid} is enrolled without the publisher role")]
    return []


def _time(text: str) -> str:
    """A date means midnight UTC; otherwise the ledger's UTC form is required."""
    candidate = f"{text}T00:00:00Z" if len(text) == 10 else text
    try:
        parse_utc_time(candidate)
    except EncodingError as error:
        raise CliError(f"--effective-at '{text}': {error}") from error
    return candidate


def _say(line: str) -> None:
    print(line, file=sys.stderr)
