"""Reading and checking a bundle's entries: shape, canonical encodings, log order and each
entry's RFC 9162 inclusion proof against the signed checkpoint."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.checkpoint import Checkpoint
from domain.envelope import Envelope, parse_envelope
from domain.leaf import envelope_leaf_hash
from domain.merkle import ProofError, verify_inclusion
from domain.rejections import Rejection

_HEX32 = re.compile(r"[0-9a-f]{64}")
_ENTRY_FIELDS = frozenset({"leaf_index", "envelope", "inclusion_proof"})


@dataclass(frozen=True, slots=True)
class Entry:
    number: int  # position in the bundle's list
    leaf_index: int
    envelope: Envelope

    def where(self) -> str:
        return f"entry {self.number} (leaf {self.leaf_index})"


def read_entries(items: object, checkpoint: Checkpoint, fail: Callable[[str], None]) -> list[Entry]:
    """The entries that are well formed and proven included; a failure for each that is not."""
    if not isinstance(items, list) or not items:
        fail("entries: must be a non-empty list")
        return []
    entries: list[Entry] = []
    previous = -1
    for number, item in enumerate(items):
        entry = _entry(number, item, checkpoint, fail)
        if entry is None:
            continue
        if entry.leaf_index <= previous:
            fail(f"{entry.where()}: entries are not in strictly increasing log order")
        previous = max(previous, entry.leaf_index)
        entries.append(entry)
    return entries


def _entry(
    number: int, item: object, checkpoint: Checkpoint, fail: Callable[[str], None]
) -> Entry | None:
    where = f"entry {number}"
    if not isinstance(item, dict) or set(item) != _ENTRY_FIELDS:
        fail(f"{where}: must be an object with exactly {sorted(_ENTRY_FIELDS)}")
        return None
    leaf_index, proof = item["leaf_index"], item["inclusion_proof"]
    if type(leaf_index) is not int or not 0 <= leaf_index < checkpoint.size:
        fail(f"{where}: leaf_index must be an integer below the checkpoint size {checkpoint.size}")
        return None
    where = f"entry {number} (leaf {leaf_index})"
    if not isinstance(proof, list) or not all(
        isinstance(h, str) and _HEX32.fullmatch(h) for h in proof
    ):
        fail(f"{where}: inclusion_proof must be a list of 64 lowercase hex digits each")
        return None
    try:
        envelope = parse_envelope(item["envelope"])
    except Rejection as rejection:
        fail(f"{where}: envelope: {rejection.detail}")
        return None
    leaf = envelope_leaf_hash(envelope.to_json())
    try:
        verify_inclusion(
            leaf, leaf_index, checkpoint.size, [bytes.fromhex(h) for h in proof], checkpoint.root
        )
    except ProofError as error:
        fail(f"{where}: inclusion proof does not verify against the checkpoint: {error}")
        return None
    return Entry(number, leaf_index, envelope)


def differences(
    claimed: Any,
    expected: Any,
    path: str = "assessment",
    sides: tuple[str, str] = ("the bundle has", "a recomputation gives"),
) -> list[str]:
    """Where two JSON values differ, as 'path: the bundle has X, a recomputation gives Y'
    lines (``sides`` name where ``claimed`` and ``expected`` come from)."""
    if isinstance(claimed, dict) and isinstance(expected, dict):
        found = []
        for key in sorted(set(claimed) | set(expected)):
            if key not in expected:
                found.append(f"{path}.{key}: {sides[0]} it, {sides[1]} no such field")
            elif key not in claimed:
                found.append(f"{path}.{key}: {sides[0]} no such field, {sides[1]} it")
            else:
                found += differences(claimed[key], expected[key], f"{path}.{key}", sides)
        return found
    if isinstance(claimed, list) and isinstance(expected, list) and len(claimed) == len(expected):
        return [
            d
            for i, (a, b) in enumerate(zip(claimed, expected, strict=True))
            for d in differences(a, b, f"{path}[{i}]", sides)
        ]
    if claimed == expected and type(claimed) is type(expected):
        return []
    return [f"{path}: {sides[0]} {_short(claimed)}, {sides[1]} {_short(expected)}"]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
