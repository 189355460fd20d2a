"""domain.checkpoint: C2SP signed notes and tlog-checkpoints, strict parsing, every refusal."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.checkpoint import (
    Checkpoint,
    CheckpointError,
    key_id,
    open_checkpoint,
    parse_vkey,
    sign_checkpoint,
    sign_note,
    verify_note,
    vkey,
)
from domain.merkle import EMPTY_ROOT

# c2sp.org/signed-note test vector (transparency-logs.md §1.3).
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_TEXT = "This is an example message.\n"
SPEC_SIGNATURE = (
    "\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
SPEC_NOTE = SPEC_TEXT + "\n" + SPEC_SIGNATURE

ORIGIN = "example.com/log42"
ROOT = hashlib.sha256(b"some root").digest()
ROOT_B64 = base64.b64encode(ROOT).decode()


def _key(seed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed.encode()).digest())


LOG_KEY = _key("log")
PUBLIC = LOG_KEY.public_key()
CHECKPOINT = Checkpoint(ORIGIN, 5, ROOT)
NOTE = sign_checkpoint(CHECKPOINT, ORIGIN, LOG_KEY)


def _signed(body: str, name: str = ORIGIN) -> str:
    """A correctly signed note over an arbitrary (possibly malformed) checkpoint body."""
    return sign_note(body, name, LOG_KEY)


def _with_signature_line(note: str, line: str) -> str:
    return note + line + "\n"


# --- the spec vector -------------------------------------------------------------------


def test_spec_vkey_parses() -> None:
    name, public_key = parse_vkey(SPEC_VKEY)
    assert name == "example.com/foo"
    assert key_id(name, public_key).hex() == "530d903a"
    assert vkey(name, public_key) == SPEC_VKEY


def test_spec_note_verifies() -> None:
    name, public_key = parse_vkey(SPEC_VKEY)
    assert verify_note(SPEC_NOTE, name, public_key) == SPEC_TEXT


def test_spec_note_with_changed_text_fails() -> None:
    name, public_key = parse_vkey(SPEC_VKEY)
    tampered = SPEC_NOTE.replace("example message", "example massage")
    with pytest.raises(CheckpointError, match="does not verify"):
        verify_note(tampered, name, public_key)


# --- key IDs and verifier keys ---------------------------------------------------------


def test_key_id_definition() -> None:
    raw = PUBLIC.public_bytes(Encoding.Raw, PublicFormat.Raw)
    expected = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + raw).digest()[:4]
    assert key_id(ORIGIN, PUBLIC) == expected


def test_vkey_round_trip() -> None:
    text = vkey(ORIGIN, PUBLIC)
    name, public_key = parse_vkey(text)
    assert name == ORIGIN
    assert public_key.public_bytes(Encoding.Raw, PublicFormat.Raw) == PUBLIC.public_bytes(
        Encoding.Raw, PublicFormat.Raw
    )
    assert text.split("+")[1] == key_id(ORIGIN, PUBLIC).hex()


_SPEC_KEY = SPEC_VKEY.split("+")[2]
BAD_VKEYS = {
    "two parts": ("example.com/foo+530d903a", "not <name>"),
    "a plus after the key": (SPEC_VKEY + "+extra", "base64"),
    "empty name": ("+530d903a+" + _SPEC_KEY, "key name"),
    "space in name": ("example.com/ foo+530d903a+" + _SPEC_KEY, "key name"),
    "uppercase key id": ("example.com/foo+530D903A+" + _SPEC_KEY, "8 lowercase hex"),
    "short key id": ("example.com/foo+530d903+" + _SPEC_KEY, "8 lowercase hex"),
    "wrong key id": ("example.com/foo+530d903b+" + _SPEC_KEY, "does not match"),
    "other name": ("example.com/bar+530d903a+" + _SPEC_KEY, "does not match"),
    "bad base64": ("example.com/foo+530d903a+" + _SPEC_KEY[:-1], "base64"),
    "wrong type": (
        "example.com/foo+530d903a+" + base64.b64encode(b"\x02" + bytes(32)).decode(),
        "0x01 followed by",
    ),
    "short key": (
        "example.com/foo+530d903a+" + base64.b64encode(b"\x01" + bytes(31)).decode(),
        "0x01 followed by",
    ),
}


@pytest.mark.parametrize("case", BAD_VKEYS)
def test_malformed_vkeys_are_refused(case: str) -> None:
    text, reason = BAD_VKEYS[case]
    with pytest.raises(CheckpointError, match=reason):
        parse_vkey(text)


# --- checkpoint values and signing -----------------------------------------------------


def test_checkpoint_body() -> None:
    assert CHECKPOINT.body() == f"{ORIGIN}\n5\n{ROOT_B64}\n"


def test_signed_checkpoint_layout() -> None:
    body, signature_line = NOTE.split("\n\n")
    assert body + "\n" == CHECKPOINT.body()
    prefix, name, encoded = signature_line.removesuffix("\n").split(" ")
    assert (prefix, name) == ("\u2014", ORIGIN)
    raw = base64.b64decode(encoded, validate=True)
    assert raw[:4] == key_id(ORIGIN, PUBLIC)
    assert len(raw) == 4 + 64
    PUBLIC.verify(raw[4:], CHECKPOINT.body().encode())  # raises if the signature is wrong


@pytest.mark.parametrize(
    "checkpoint",
    [CHECKPOINT, Checkpoint(ORIGIN, 0, EMPTY_ROOT), Checkpoint(ORIGIN, 2**64 - 1, ROOT)],
    ids=["size 5", "empty tree", "largest size"],
)
def test_round_trip(checkpoint: Checkpoint) -> None:
    note = sign_checkpoint(checkpoint, ORIGIN, LOG_KEY)
    assert open_checkpoint(note, ORIGIN, PUBLIC) == checkpoint


def test_signing_is_deterministic() -> None:
    assert sign_checkpoint(CHECKPOINT, ORIGIN, LOG_KEY) == NOTE


def test_extension_lines_are_ignored() -> None:
    note = _signed(CHECKPOINT.body() + "extension one\nextension two\n")
    assert open_checkpoint(note, ORIGIN, PUBLIC) == CHECKPOINT


def test_signatures_by_other_keys_are_ignored() -> None:
    witness = sign_note(CHECKPOINT.body(), "witness.example", _key("witness")).split("\n\n")[1]
    same_name_other_key = sign_note(CHECKPOINT.body(), ORIGIN, _key("impostor")).split("\n\n")[1]
    garbage = "\u2014 unknown.example " + base64.b64encode(b"\x00\x01\x02\x03junk").decode() + "\n"
    note = NOTE + witness + same_name_other_key + garbage
    assert open_checkpoint(note, ORIGIN, PUBLIC) == CHECKPOINT
    witnessed_first = CHECKPOINT.body() + "\n" + witness + NOTE.split("\n\n")[1]
    assert open_checkpoint(witnessed_first, ORIGIN, PUBLIC) == CHECKPOINT


BAD_CHECKPOINT_VALUES: dict[str, tuple[Callable[[], Checkpoint], str]] = {
    "empty origin": (lambda: Checkpoint("", 1, ROOT), "origin is empty"),
    "origin with newline": (lambda: Checkpoint("a\nb", 1, ROOT), "control character|newline"),
    "negative size": (lambda: Checkpoint(ORIGIN, -1, ROOT), "outside"),
    "size 2^64": (lambda: Checkpoint(ORIGIN, 2**64, ROOT), "outside"),
    "bool size": (lambda: Checkpoint(ORIGIN, True, ROOT), "outside"),
    "short root": (lambda: Checkpoint(ORIGIN, 1, ROOT[:31]), "31 bytes"),
}


@pytest.mark.parametrize("case", BAD_CHECKPOINT_VALUES)
def test_malformed_checkpoint_values_are_refused(case: str) -> None:
    build, reason = BAD_CHECKPOINT_VALUES[case]
    with pytest.raises(CheckpointError, match=reason):
        build()


BAD_SIGNING: dict[str, tuple[Callable[[], str], str]] = {
    "name differs from origin": (
        lambda: sign_checkpoint(CHECKPOINT, "other.example", LOG_KEY),
        "differs from checkpoint origin",
    ),
    "text without newline": (lambda: sign_note("text", ORIGIN, LOG_KEY), "newline"),
    "text with carriage return": (lambda: sign_note("a\r\n", ORIGIN, LOG_KEY), "control"),
    "name with space": (lambda: sign_note("a\n", "a b", LOG_KEY), "key name"),
    "name with plus": (lambda: sign_note("a\n", "a+b", LOG_KEY), "key name"),
    "empty name": (lambda: sign_note("a\n", "", LOG_KEY), "key name"),
}


@pytest.mark.parametrize("case", BAD_SIGNING)
def test_unsignable_inputs_are_refused(case: str) -> None:
    sign, reason = BAD_SIGNING[case]
    with pytest.raises(CheckpointError, match=reason):
        sign()


# --- every malformed or tampered note is refused, with its reason ----------------------

_BODY = CHECKPOINT.body()
_LINE = NOTE.split("\n\n")[1].removesuffix("\n")
_ENCODED = _LINE.split(" ")[2]
_RAW = base64.b64decode(_ENCODED)


def _line_with(raw: bytes, name: str = ORIGIN) -> str:
    return f"\u2014 {name} {base64.b64encode(raw).decode()}"


_URLSAFE_ROOT = base64.urlsafe_b64encode(bytes([0xFF]) * 32).decode()


def _non_canonical(encoded: str) -> str:
    """Same bytes, but set the unused low bits of the last base64 digit before the padding."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    stem = encoded.rstrip("=")
    last = alphabet[alphabet.index(stem[-1]) | 1]
    return stem[:-1] + last + encoded[len(stem) :]


TAMPERED: dict[str, tuple[str, str]] = {
    "missing final newline": (NOTE[:-1], "does not end with a newline"),
    "no blank line": (NOTE.replace("\n\n", "\n"), "no blank line"),
    "blank line after signatures": (NOTE + "\n", "no signature lines"),
    "no signatures": (_BODY + "\n", "no blank line|no signature lines"),
    "CRLF line endings": (NOTE.replace("\n", "\r\n"), "control character"),
    "NUL byte": (NOTE.replace("log42", "log\x0042"), "control character"),
    "lone surrogate": (NOTE.replace("log42", "log\ud80042"), "not valid UTF-8"),
    "size changed": (NOTE.replace("\n5\n", "\n6\n"), "does not verify"),
    "origin changed": (NOTE.replace("log42\n", "log43\n", 1), "does not verify"),
    "root changed": (NOTE.replace(ROOT_B64, base64.b64encode(bytes(32)).decode()), "not verify"),
    "extension line added": (_BODY + "extra\n\n" + _LINE + "\n", "does not verify"),
    "hyphen instead of em dash": (NOTE.replace("\u2014", "-"), "em dash"),
    "no space after name": (_BODY + "\n\u2014 " + ORIGIN + "\n", "no space"),
    "plus in signer name": (_BODY + "\n" + _line_with(_RAW, "a+b") + "\n", "invalid key name"),
    "signature not base64": (NOTE.replace(_ENCODED, _ENCODED[:-2] + "!="), "base64"),
    "signature non-canonical base64": (
        NOTE.replace(_ENCODED, _non_canonical(_ENCODED)),
        "not canonical",
    ),
    "signature too short": (_BODY + "\n" + _line_with(_RAW[:4]) + "\n", "too short"),
    "signature truncated": (_BODY + "\n" + _line_with(_RAW[:-1]) + "\n", "63-byte signature"),
    "signature bit flipped": (
        _BODY + "\n" + _line_with(_RAW[:10] + bytes([_RAW[10] ^ 1]) + _RAW[11:]) + "\n",
        "does not verify",
    ),
    "second line by the key is bad": (
        _with_signature_line(NOTE, _line_with(_RAW[:4] + bytes(64))),
        "signature line 2 by example.com/log42 does not verify",
    ),
    "only another key signed": (
        sign_note(_BODY, ORIGIN, _key("impostor")),
        "no signature by key example.com/log42\\+",
    ),
    "too many signatures": (
        NOTE + (_line_with(b"\x00\x00\x00\x00x", "w.example") + "\n") * 100,
        "101 signature lines",
    ),
    "empty origin": (_signed("\n5\n" + ROOT_B64 + "\n"), "origin line is empty"),
    "origin differs from key name": (
        sign_note(Checkpoint("other.example", 5, ROOT).body(), ORIGIN, LOG_KEY),
        "origin 'other.example' differs from key name",
    ),
    "two body lines": (_signed(f"{ORIGIN}\n5\n"), "2 body lines"),
    "empty extension line": (_signed(_BODY + "\nextension\n"), "empty extension line"),
    "size with leading zero": (_signed(f"{ORIGIN}\n05\n{ROOT_B64}\n"), "leading zeros"),
    "size with plus sign": (_signed(f"{ORIGIN}\n+5\n{ROOT_B64}\n"), "leading zeros"),
    "negative size": (_signed(f"{ORIGIN}\n-1\n{ROOT_B64}\n"), "leading zeros"),
    "size with space": (_signed(f"{ORIGIN}\n 5\n{ROOT_B64}\n"), "leading zeros"),
    "size with non-ASCII digit": (_signed(f"{ORIGIN}\n\u0665\n{ROOT_B64}\n"), "leading zeros"),
    "size 2^64": (_signed(f"{ORIGIN}\n{2**64}\n{ROOT_B64}\n"), "exceeds"),
    "size of 5000 digits": (_signed(f"{ORIGIN}\n{'9' * 5000}\n{ROOT_B64}\n"), "exceeds"),
    "empty size": (_signed(f"{ORIGIN}\n\n{ROOT_B64}\n"), "leading zeros"),
    "root without padding": (_signed(f"{ORIGIN}\n5\n{ROOT_B64.rstrip('=')}\n"), "base64"),
    "root in URL-safe base64": (
        _signed(f"{ORIGIN}\n5\n{_URLSAFE_ROOT}\n"),
        "base64",
    ),
    "root non-canonical base64": (
        _signed(f"{ORIGIN}\n5\n{_non_canonical(ROOT_B64)}\n"),
        "not canonical",
    ),
    "root in hex": (_signed(f"{ORIGIN}\n5\n{ROOT.hex()}\n"), "48 bytes"),
    "root of 31 bytes": (
        _signed(f"{ORIGIN}\n5\n{base64.b64encode(ROOT[:31]).decode()}\n"),
        "31 bytes",
    ),
    "root of 33 bytes": (
        _signed(f"{ORIGIN}\n5\n{base64.b64encode(ROOT + b'x').decode()}\n"),
        "33 bytes",
    ),
}


@pytest.mark.parametrize("case", TAMPERED)
def test_tampered_or_malformed_notes_are_refused(case: str) -> None:
    note, reason = TAMPERED[case]
    with pytest.raises(CheckpointError, match=reason) as raised:
        open_checkpoint(note, ORIGIN, PUBLIC)
    assert "\n" not in str(raised.value)


def test_wrong_public_key_is_refused() -> None:
    with pytest.raises(CheckpointError, match="no signature by key"):
        open_checkpoint(NOTE, ORIGIN, _key("other").public_key())


def test_wrong_key_name_is_refused() -> None:
    with pytest.raises(CheckpointError, match=r"no signature by key other\.example\+"):
        open_checkpoint(NOTE, "other.example", PUBLIC)


def test_a_vkey_whose_base64_holds_a_plus_parses() -> None:
    for _ in range(64):  # about one key in three has a "+" in its base64
        key = Ed25519PrivateKey.generate().public_key()
        text = vkey("example.com/log", key)
        assert parse_vkey(text)[1].public_bytes_raw() == key.public_bytes_raw()
