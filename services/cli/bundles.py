"""``provenance bundle`` (fetch a model version's provenance bundle) and ``provenance verify``
(check one offline: no network, no database; trust only the pinned keys)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.bundle.verify import verify_bundle
from infra.keys import KeyFileError, load_public_key
from services.cli.client import add_server_flag, refused, request, server_url
from services.cli.errors import EXIT_FAILED, EXIT_OK, CliError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bundle = commands.add_parser("bundle", help="write the provenance bundle of a model version")
    bundle.add_argument("model")
    bundle.add_argument("--as-of", help="a log position or an RFC 3339 recorded time")
    bundle.add_argument("--at", help="RFC 3339 date: only facts effective by then")
    bundle.add_argument("--policy", default="default")
    bundle.add_argument("-o", "--output", required=True, type=Path, help="file to write")
    add_server_flag(bundle)
    bundle.set_defaults(run=run_bundle)
    verify = commands.add_parser("verify", help="verify a provenance bundle offline")
    verify.add_argument("file", type=Path)
    add_key_flags(verify)
    verify.set_defaults(run=run_verify)


def add_key_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-key",
        action="append",
        required=True,
        type=Path,
        help="pinned log public key (PEM); repeat for rotated keys",
    )
    parser.add_argument(
        "--operator-key",
        action="append",
        default=[],
        type=Path,
        help="pinned operator public key (PEM), repeatable: the signer chain "
        "must lead back to one of them",
    )


def load_keys(paths: list[Path]) -> list[Ed25519PublicKey]:
    try:
        return [load_public_key(path) for path in paths]
    except KeyFileError as error:
        raise CliError(str(error)) from error


def run_bundle(args: argparse.Namespace) -> int:
    params = {"policy": args.policy}
    params.update({k: v for k, v in (("as_of", args.as_of), ("at", args.at)) if v})
    url = f"{server_url(args)}/v1/models/{quote(args.model, safe='/@')}/bundle"
    response = request("GET", url, params=params)
    if response.status_code != 200:
        raise refused(response)
    bundle = response.json()
    try:
        args.output.write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {args.output}: {error.strerror}") from error
    size = bundle["checkpoint"].split("\n")[1]
    print(
        f"wrote {args.output}: {len(bundle['entries'])} signed statements about "
        f"{bundle['model']}, proven in the log at tree size {size}"
    )
    return EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    log_keys, operator_keys = load_keys(args.log_key), load_keys(args.operator_key)
    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot read {args.file}: {error.strerror}") from error
    except UnicodeDecodeError:
        return _invalid(["bundle: not UTF-8 text"])
    try:
        bundle = json.loads(text)
    except ValueError as error:
        return _invalid([f"bundle: not JSON (truncated?): {error}"])
    except RecursionError:
        return _invalid(["bundle: nested too deeply to be a bundle"])
    result = verify_bundle(bundle, log_keys, operator_keys)
    if not result.valid:
        return _invalid(result.failures or ["bundle: nothing could be checked"])
    print(_summary(bundle))
    for check in result.checks:
        print(f"  ✓ {check}")
    return EXIT_OK


def _invalid(failures: list[str]) -> int:
    print("INVALID bundle:", file=sys.stderr)
    for failure in failures:
        print(f"  ✗ {failure}", file=sys.stderr)
    return EXIT_FAILED


def _summary(bundle: dict[str, Any]) -> str:
    assessment = bundle["assessment"]
    freedoms = ", ".join(f"{f} {v['status']}" for f, v in assessment["freedoms"].items())
    osaid = assessment["frameworks"]["osaid-1.0"]["conformant"]
    mof = assessment["frameworks"]["mof"]["class"] or "none"
    return (
        f"VALID bundle for {bundle['model']} (policy {bundle['policy']}, as of position "
        f"{bundle['as_of']['position']}, at {bundle['at'] or 'any date'}): {freedoms}; "
        f"OSAID 1.0 {'conformant' if osaid else 'not conformant'}; MOF class {mof}"
    )
