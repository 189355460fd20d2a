"""``provenance keygen``, ``keyid`` and ``pubkey``: Ed25519 key files and their ids."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.encoding import b64encode
from domain.envelope import keyid_for, raw_public_key
from infra.keys import KeyFileError, load_public_key, public_path, write_keypair
from services.cli.errors import EXIT_OK, CliError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keygen = commands.add_parser(
        "keygen",
        help="create an Ed25519 key pair NAME (PKCS#8, 0600) and NAME.pub; print the keyid",
    )
    keygen.add_argument("--out", required=True, type=Path, help="path of the private key file")
    keygen.set_defaults(run=run_keygen)
    keyid = commands.add_parser("keyid", help="print the keyid of a public (or private) key file")
    keyid.add_argument("key", type=Path)
    keyid.set_defaults(run=run_keyid)
    pubkey = commands.add_parser(
        "pubkey", help="print the raw public key in base64 (the SignerEnrolled public_key field)"
    )
    pubkey.add_argument("key", type=Path)
    pubkey.set_defaults(run=run_pubkey)


def run_keygen(args: argparse.Namespace) -> int:
    try:
        key = write_keypair(args.out)
    except KeyFileError as error:
        raise CliError(str(error)) from error
    print(keyid_for(key.public_key()))
    print(f"wrote {args.out} and {public_path(args.out)}", file=sys.stderr)
    return EXIT_OK


def run_keyid(args: argparse.Namespace) -> int:
    print(keyid_for(_public(args.key)))
    return EXIT_OK


def run_pubkey(args: argparse.Namespace) -> int:
    print(b64encode(raw_public_key(_public(args.key))))
    return EXIT_OK


def _public(path: Path) -> Ed25519PublicKey:
    try:
        return load_public_key(path)
    except KeyFileError as error:
        raise CliError(str(error)) from error
