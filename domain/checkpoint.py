"""C2SP signed notes (c2sp.org/signed-note) with Ed25519, and tlog-checkpoints on top of them.

Written by hand from the C2SP specs (transparency-logs.md §1.3): no Python library implements
them. A signed note is text ending in a newline, a blank line, then signature lines
``— <key name> base64(4-byte key ID || signature)``. A checkpoint (c2sp.org/tlog-checkpoint)
is a note whose text is ``<origin>\\n<tree size>\\n<base64 RFC 9162 root>\\n`` plus optional
extension lines, signed by the log key whose name is the origin (DESIGN.md §7).

Parsing is strict: one accepted spelling per value (decimal without leading zeros, canonical
padded standard base64), so a verified note cannot be re-spelt. Pure: stdlib plus
``cryptography``'s Ed25519 primitive, which signs deterministically (RFC 8032): no randomness.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_SIGNATURE_TYPE = 0x01
"""Signature type byte of Ed25519 note signatures (c2sp.org/signed-note, "Signature types")."""

KEY_ID_SIZE = 4
ED25519_SIGNATURE_SIZE = 64
ROOT_HASH_SIZE = 32
MAX_TREE_SIZE = 2**64 - 1
MAX_SIGNATURES = 100
"""Signature lines accepted per note; the spec requires at least 16 (c2sp.org/signed-note)."""

_SIGNATURE_PREFIX = "\u2014 "  # em dash, space
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")


class CheckpointError(ValueError):
    """A signed note, verifier key or checkpoint is malformed or does not verify.

    The message is one line giving the precise reason.
    """


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, tree size and RFC 9162 root (c2sp.org/tlog-checkpoint).

    Construction checks the shape only (non-empty single-line origin, 0 <= size < 2**64,
    32-byte root); it says nothing about who signed it. Only ``open_checkpoint`` yields
    checkpoints that a trusted key signed.
    """

    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        _require_text_line(self.origin, "checkpoint origin")
        if type(self.size) is not int or not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.size} is outside 0..2^64-1")
        if len(self.root) != ROOT_HASH_SIZE:
            raise CheckpointError(f"root hash is {len(self.root)} bytes, want {ROOT_HASH_SIZE}")

    def body(self) -> str:
        """The note text: ``<origin>\\n<size>\\n<base64 root>\\n`` (no extension lines)."""
        return f"{self.origin}\n{self.size}\n{_b64encode(self.root)}\n"


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4] (c2sp.org/signed-note)."""
    _require_key_name(name)
    material = name.encode() + b"\n" + bytes([ED25519_SIGNATURE_TYPE]) + _raw(public_key)
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


def vkey(name: str, public_key: Ed25519PublicKey) -> str:
    """The verifier key text ``<name>+<8 lowercase hex key ID>+base64(0x01 || public key)``."""
    encoded = _b64encode(bytes([ED25519_SIGNATURE_TYPE]) + _raw(public_key))
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def parse_vkey(text: str) -> tuple[str, Ed25519PublicKey]:
    """Parse a ``vkey`` string into (key name, public key), refusing any other spelling.

    Raises CheckpointError for a malformed name, key ID or key, a signature type other than
    Ed25519, or a key ID that does not match the name and key.
    """
    parts = text.split("+", 2)  # the base64 key may itself contain "+"
    if len(parts) != 3:
        raise CheckpointError("verifier key is not <name>+<key id>+<key>")
    name, hex_id, encoded = parts
    _require_key_name(name)
    if _KEY_ID_HEX.fullmatch(hex_id) is None:
        raise CheckpointError("verifier key ID is not 8 lowercase hex digits")
    raw = _b64decode(encoded, "verifier key")
    if len(raw) != 1 + 32 or raw[0] != ED25519_SIGNATURE_TYPE:
        raise CheckpointError("verifier key is not 0x01 followed by a 32-byte Ed25519 key")
    public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_id(name, public_key).hex() != hex_id:
        raise CheckpointError("verifier key ID does not match its name and key")
    return name, public_key


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign ``text`` (non-empty, ending in a newline) as a note with one signature line.

    Returns ``text + "\\n" + "— <name> base64(key ID || Ed25519 signature over text)\\n"``.
    Raises CheckpointError for text or a key name the signed-note format cannot carry.
    """
    _require_note_text(text)
    public_key = private_key.public_key()
    signature = key_id(name, public_key) + private_key.sign(text.encode())
    return f"{text}\n{_SIGNATURE_PREFIX}{name} {_b64encode(signature)}\n"


def verify_note(note: str, name: str, public_key: Ed25519PublicKey) -> str:
    """Verify ``note`` against the one trusted key (``name``, ``public_key``); return its text.

    Per c2sp.org/signed-note: lines by other keys (another name or key ID) are ignored; every
    line for this name and key ID must verify, and at least one must be present. Raises
    CheckpointError for malformed notes or signature lines, or when the signature check fails.
    The returned text is authenticated but not interpreted: callers parse it themselves.
    """
    text, lines = _split_note(note)
    wanted_id = key_id(name, public_key)
    verified = False
    for number, line in enumerate(lines, start=1):
        signer, signer_id, signature = _parse_signature_line(line, number)
        if (signer, signer_id) != (name, wanted_id):
            continue  # an unknown key, e.g. a witness cosignature: ignore it
        _verify_signature(public_key, signature, text, name, number)
        verified = True
    if not verified:
        raise CheckpointError(f"no signature by key {name}+{wanted_id.hex()}")
    return text


def sign_checkpoint(checkpoint: Checkpoint, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note text of ``checkpoint``: its body, a blank line, one signature line.

    The key name must equal the origin (DESIGN.md §7), else CheckpointError. Callers MUST
    never sign two checkpoints that are inconsistent with each other (c2sp.org/tlog-checkpoint).
    """
    if name != checkpoint.origin:
        raise CheckpointError(
            f"key name {_show(name)} differs from checkpoint origin {_show(checkpoint.origin)}"
        )
    return sign_note(checkpoint.body(), name, private_key)


def open_checkpoint(note: str, name: str, public_key: Ed25519PublicKey) -> Checkpoint:
    """Verify a signed checkpoint note with the log key (``name``, ``public_key``) and parse it.

    Checks the note (``verify_note``), then the body: origin equal to ``name``, size in decimal
    without leading zeros, root in canonical base64 of 32 bytes; extension lines must be
    non-empty and are ignored. Raises CheckpointError with the reason. Callers MUST still check
    that the checkpoint is consistent with any earlier one they hold (``verify_consistency``).
    """
    checkpoint = _parse_checkpoint_text(verify_note(note, name, public_key))
    if checkpoint.origin != name:
        raise CheckpointError(
            f"checkpoint origin {_show(checkpoint.origin)} differs from key name {_show(name)}"
        )
    return checkpoint


def read_unverified_checkpoint(note: str) -> Checkpoint:
    """Parse a signed checkpoint note's body WITHOUT checking any signature.

    Only for notes this log itself wrote and kept (its own state); a note from anyone else
    MUST go through :func:`open_checkpoint`. Raises CheckpointError if it is not a checkpoint.
    """
    text, _ = _split_note(note)
    return _parse_checkpoint_text(text)


def _split_note(note: str) -> tuple[str, list[str]]:
    """Split a note into its text and signature lines (c2sp.org/signed-note, "Format")."""
    _require_note_characters(note, "note")
    if not note.endswith("\n"):
        raise CheckpointError("note does not end with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise CheckpointError("note has no blank line before its signatures")
    text, signatures = note[: split + 1], note[split + 2 :]
    if not signatures:
        raise CheckpointError("note has no signature lines after its last blank line")
    lines = signatures[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise CheckpointError(f"note has {len(lines)} signature lines, limit {MAX_SIGNATURES}")
    return text, lines


def _parse_signature_line(line: str, number: int) -> tuple[str, bytes, bytes]:
    """``— <name> <base64>`` into (name, key ID, signature)."""
    if not line.startswith(_SIGNATURE_PREFIX):
        raise CheckpointError(f"signature line {number} does not start with an em dash and space")
    name, space, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
    if not space:
        raise CheckpointError(f"signature line {number} has no space between name and signature")
    if not _is_key_name(name):
        raise CheckpointError(f"signature line {number} has an invalid key name")
    raw = _b64decode(encoded, f"signature line {number}")
    if len(raw) <= KEY_ID_SIZE:
        raise CheckpointError(f"signature line {number} is too short for a key ID and signature")
    return name, raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE:]


def _verify_signature(
    public_key: Ed25519PublicKey, signature: bytes, text: str, name: str, number: int
) -> None:
    reason = f"signature line {number} by {name} does not verify"
    if len(signature) != ED25519_SIGNATURE_SIZE:
        raise CheckpointError(f"{reason}: {len(signature)}-byte signature")
    try:
        public_key.verify(signature, text.encode())
    except InvalidSignature:
        raise CheckpointError(reason) from None


def _parse_checkpoint_text(text: str) -> Checkpoint:
    """The body lines of c2sp.org/tlog-checkpoint, "Note text" (``text`` ends in a newline)."""
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError(f"checkpoint has {len(lines)} body lines, need origin, size, root")
    origin, size_line, root_line, *extensions = lines
    if not origin:
        raise CheckpointError("checkpoint origin line is empty")
    if "" in extensions:
        raise CheckpointError("checkpoint has an empty extension line")
    root = _b64decode(root_line, "checkpoint root hash")
    if len(root) != ROOT_HASH_SIZE:
        raise CheckpointError(f"checkpoint root hash is {len(root)} bytes, want {ROOT_HASH_SIZE}")
    return Checkpoint(origin, _parse_tree_size(size_line), root)


def _parse_tree_size(line: str) -> int:
    if _DECIMAL.fullmatch(line) is None:
        raise CheckpointError(f"tree size {_show(line)} is not decimal without leading zeros")
    if len(line) > len(str(MAX_TREE_SIZE)) or int(line) > MAX_TREE_SIZE:
        raise CheckpointError(f"tree size {_show(line)} exceeds 2^64-1")
    return int(line)


def _require_note_text(text: str) -> None:
    _require_note_characters(text, "note text")
    if not text.endswith("\n"):
        raise CheckpointError("note text does not end with a newline")


def _require_note_characters(text: str, what: str) -> None:
    """Signed notes are UTF-8 with no ASCII control characters but newline."""
    if any(char < " " and char != "\n" for char in text):
        raise CheckpointError(f"{what} contains an ASCII control character other than newline")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise CheckpointError(f"{what} is not valid UTF-8") from None


def _require_text_line(text: str, what: str) -> None:
    if not text:
        raise CheckpointError(f"{what} is empty")
    _require_note_characters(text, what)
    if "\n" in text:
        raise CheckpointError(f"{what} contains a newline")


def _is_key_name(name: str) -> bool:
    """Key names are non-empty, without Unicode spaces or "+" (c2sp.org/signed-note)."""
    return bool(name) and "+" not in name and not any(char.isspace() for char in name)


def _require_key_name(name: str) -> None:
    if not _is_key_name(name):
        raise CheckpointError(f"key name {_show(name)} is empty or has a space or '+'")
    _require_note_characters(name, "key name")


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    """Decode canonical padded standard base64 (RFC 4648 §4), refusing other spellings."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"{what} is not standard padded base64") from None
    if _b64encode(raw) != text:
        raise CheckpointError(f"{what} is not canonical base64")
    return raw


def _show(text: str) -> str:
    """A short, single-line rendering of untrusted text for error messages."""
    return repr(text if len(text) <= 64 else text[:61] + "...")
