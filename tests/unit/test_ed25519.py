"""``domain.ed25519.verifies`` answers exactly as OpenSSL (``cryptography``) does, though
libsodium checks first."""

from __future__ import annotations

import random

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from domain.ed25519 import verifies

# The order of the base point: S + L is the same scalar, written non-canonically.
_L = 2**252 + 27742317777372353535851937790883648493
_IDENTITY = bytes([1]) + bytes(31)  # the neutral point's encoding: a key of order 1


def openssl(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def libsodium(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        crypto_sign_open(signature + message, key.public_bytes_raw())
    except BadSignatureError:
        return False
    return True


def test_a_valid_signature_verifies_and_a_wrong_key_or_message_does_not() -> None:
    key = Ed25519PrivateKey.generate()
    signature = key.sign(b"statement")
    assert verifies(key.public_key(), signature, b"statement")
    assert not verifies(key.public_key(), signature, b"statement!")
    assert not verifies(Ed25519PrivateKey.generate().public_key(), signature, b"statement")


@pytest.mark.parametrize("length", [0, 63, 65, 128])
def test_a_signature_of_the_wrong_length_is_refused_without_misreading_the_message(
    length: int,
) -> None:
    key = Ed25519PrivateKey.generate()
    message = b"m" * 100
    signature = (key.sign(message) + message)[:length]
    assert not verifies(key.public_key(), signature, message)


def test_a_non_canonical_s_is_refused_as_openssl_refuses_it() -> None:
    key = Ed25519PrivateKey.generate()
    signature = key.sign(b"statement")
    s = int.from_bytes(signature[32:], "little") + _L
    malleated = signature[:32] + s.to_bytes(32, "little")
    assert not openssl(key.public_key(), malleated, b"statement")
    assert not verifies(key.public_key(), malleated, b"statement")


def test_where_libsodium_is_stricter_openssl_has_the_last_word() -> None:
    """A signature by the neutral point (R = identity, S = 0) meets the cofactorless equation:
    OpenSSL accepts it, libsodium refuses small-order keys. The ledger keeps OpenSSL's verdict,
    so it neither refuses what it accepted before nor disagrees with its users' verifiers."""
    key = Ed25519PublicKey.from_public_bytes(_IDENTITY)
    signature = _IDENTITY + bytes(32)
    assert openssl(key, signature, b"anything")
    assert not libsodium(key, signature, b"anything")
    assert verifies(key, signature, b"anything")


def test_random_corruptions_get_openssls_verdict() -> None:
    """Flipped bits anywhere in the key, signature or message: the same answer as OpenSSL."""
    generator = random.Random(9)
    for _ in range(300):
        private = Ed25519PrivateKey.generate()
        message = generator.randbytes(generator.randrange(0, 300))
        signature = bytearray(private.sign(message))
        raw = bytearray(private.public_key().public_bytes_raw())
        target = generator.choice([signature, raw, None])
        if target is not None:
            target[generator.randrange(len(target))] ^= 1 << generator.randrange(8)
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes(raw))
        except ValueError:
            continue
        expected = openssl(key, bytes(signature), message)
        assert verifies(key, bytes(signature), message) is expected
        if target is None:
            assert expected
