"""The checks of a page of the log that need no ledger state, runnable in a worker process.

For each entry: the envelope parses strictly, its RFC 8785 bytes and leaf hash, the
stateless part of admission (:func:`domain.admission.precheck`: entry size, the statement
decoded, canonical-checked and validated) and every signature checked against the key its
keyid names. A keyid is the SHA-256 of the key, so whichever enrolment showed the key, the
outcome is the one the replay would find; the replay still decides whether that key was
enrolled and not revoked *when recorded*. A key the checker has not seen (enrolled in a page
checked elsewhere and not yet known when this page was handed out) is left for the replay to
check itself.

:func:`check_packed` is the worker's entry point: it answers in plain tuples, which cross a
process boundary several times faster than dataclasses; :func:`unpack` rebuilds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.admission import Precheck, precheck
from domain.ed25519 import public_key
from domain.encoding import b64decode_strict
from domain.envelope import Envelope, Signature, keyid_for, parse_envelope, signature_verifies
from domain.leaf import envelope_bytes
from domain.merkle import leaf_hash
from domain.quick_init import quick_init
from domain.rejections import Rejection
from domain.statement import Statement
from services.audit.pages import LogEntry, Page, page_entries

Checked = tuple[bytes, bool]  # (raw public key used, whether the signature verifies)


@quick_init
@dataclass(frozen=True, slots=True)
class CheckedEntry:
    """One entry and what was found about it without state. ``envelope`` is None when the
    stored envelope cannot be decoded or parsed (``problem`` says why, as the report words it);
    ``verified`` maps a signature's bytes to its outcome, for the keys the checker knew."""

    entry: LogEntry
    envelope: Envelope | None
    problem: str | None
    leaf: bytes
    checked: Precheck | None
    verified: Mapping[bytes, Checked]


class KeyRing:
    """Raw public keys by keyid: those the caller knew, and those enrolled in the page."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        self._keys = dict(keys)
        self.learned: dict[str, bytes] = {}  # keys enrolled in the page checked

    def learn_enrolment(self, statement: Statement) -> None:
        if statement.type != "SignerEnrolled" or statement.subject in self._keys:
            return
        try:
            raw = b64decode_strict(statement.data["public_key"])
            key = public_key(raw)
        except (ValueError, TypeError, KeyError):
            return  # the replay refuses the enrolment itself
        if keyid_for(key) == statement.subject:
            self._keys[statement.subject] = self.learned[statement.subject] = raw

    def check(self, envelope: Envelope) -> dict[bytes, Checked]:
        found: dict[bytes, Checked] = {}
        for signature in envelope.signatures:
            raw = self._keys.get(signature.keyid)
            if raw is not None:
                found[signature.sig] = (
                    raw,
                    signature_verifies(public_key(raw), envelope, signature.sig),
                )
        return found


def check_page(page: Page, ring: KeyRing) -> list[CheckedEntry]:
    """Check every entry of ``page`` with the keys ``ring`` knows and those enrolled in it."""
    found = [_check(entry) for entry in page_entries(page)]
    for item in found:
        if item.checked is not None and item.checked.statement is not None:
            ring.learn_enrolment(item.checked.statement)
    return [
        item if item.envelope is None else _with(item, ring.check(item.envelope)) for item in found
    ]


def _check(entry: LogEntry) -> CheckedEntry:
    bare = LogEntry(
        entry.leaf_index, entry.position, None, entry.stored_leaf_hash, entry.stored_event_id
    )
    if entry.envelope is None:
        problem = f"position {entry.position}: the stored event cannot be decoded"
        return CheckedEntry(bare, None, problem, _EMPTY, None, {})
    try:
        envelope = parse_envelope(entry.envelope)
    except Rejection as rejection:
        problem = f"{entry.where()}: envelope: {rejection.detail}"
        return CheckedEntry(bare, None, problem, _EMPTY, None, {})
    # parse_envelope accepted exactly these keys and canonical base64: the stored object is
    # the JSON value of envelope.to_json(), without encoding the payload again.
    entry_bytes = envelope_bytes(entry.envelope)
    return CheckedEntry(
        bare, envelope, None, leaf_hash(entry_bytes), precheck(envelope, entry_bytes), {}
    )


def _with(item: CheckedEntry, verified: dict[bytes, Checked]) -> CheckedEntry:
    return CheckedEntry(item.entry, item.envelope, item.problem, item.leaf, item.checked, verified)


_EMPTY = leaf_hash(b"")  # keeps later leaves at their indices


# --- across a process boundary ------------------------------------------------------------

Packed = tuple[Any, ...]


def check_packed(page: Page, keys: Mapping[str, bytes]) -> tuple[list[Packed], dict[str, bytes]]:
    """:func:`check_page` in a worker process: the entries packed, and the keys enrolled in
    the page (for the pages after it)."""
    ring = KeyRing(keys)
    return [_pack(item) for item in check_page(page, ring)], ring.learned


def unpack(packed: list[Packed]) -> list[CheckedEntry]:
    return [_unpack(item) for item in packed]


def _pack(item: CheckedEntry) -> Packed:
    entry, envelope, checked = item.entry, item.envelope, item.checked
    head = (entry.leaf_index, entry.position, entry.stored_leaf_hash, entry.stored_event_id)
    if envelope is None or checked is None:
        return (*head, item.problem)
    return (
        *head,
        None,
        envelope.payload_type,
        envelope.payload,
        tuple((s.keyid, s.sig) for s in envelope.signatures),
        item.leaf,
        checked.packed(),
        item.verified,
    )


def _unpack(packed: Packed) -> CheckedEntry:
    entry = LogEntry(packed[0], packed[1], None, packed[2], packed[3])
    if len(packed) == 5:
        return CheckedEntry(entry, None, packed[4], _EMPTY, None, {})
    payload_type, payload, signatures, leaf, checked, verified = packed[5:]
    envelope = Envelope(payload_type, payload, tuple([Signature(k, s) for k, s in signatures]))
    return CheckedEntry(entry, envelope, None, leaf, Precheck.unpacked(checked), verified)
