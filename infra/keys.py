"""Ed25519 key files: private keys as PKCS#8 PEM (mode 0600), public keys as
SubjectPublicKeyInfo PEM (DESIGN.md §9)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)


class KeyFileError(Exception):
    """A key file is missing, unreadable or not an Ed25519 key of the expected kind."""


def public_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name + ".pub")


def write_keypair(private_path: Path) -> Ed25519PrivateKey:
    """Create ``NAME`` (PKCS#8, 0600) and ``NAME.pub``; refuse to overwrite either."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public_pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    private_path.parent.mkdir(parents=True, exist_ok=True)
    for path in (private_path, public_path(private_path)):
        if path.exists():
            raise KeyFileError(f"{path} already exists; refusing to overwrite a key")
    try:
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise KeyFileError(f"cannot create {private_path}: {error.strerror}") from error
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private_pem)
    public_path(private_path).write_bytes(public_pem)
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"{path} is not an unencrypted PKCS#8 PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 private key (PKCS#8 PEM)")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read an SPKI PEM public key (a PKCS#8 private key file gives its public half)."""
    data = _read(path)
    try:
        if b"PRIVATE KEY" in data:
            return load_private_key(path).public_key()
        key = load_pem_public_key(data)
    except ValueError as error:
        raise KeyFileError(f"{path} is not a PEM Ed25519 key: {error}") from error
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} is not an Ed25519 public key (SubjectPublicKeyInfo PEM)")
    return key


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read key file {path}: {error.strerror}") from error
