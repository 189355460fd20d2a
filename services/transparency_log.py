"""The verifiable log (DESIGN.md §7): signed checkpoints, receipts and RFC 9162 proofs.

Checkpoints are C2SP signed notes over the tree the view holds, which is rebuilt from the
stored leaf hashes on start and grown as leaves commit; since the stored log only grows, every
checkpoint this server signs is consistent with every earlier one, restarts included. The log
key in use is recorded in the keyring aggregate with the tree size it starts at, so retired
keys stay listed with the sizes they signed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.bundle.attestation import sign_attestation
from domain.checkpoint import Checkpoint, key_id, sign_checkpoint, vkey
from domain.encoding import b64decode_strict, b64encode
from domain.envelope import keyid_for, raw_public_key
from domain.log_keys import KEYRING_ID, LogKeyring
from domain.rejections import Rejection, RejectionKind
from services.ledger_view import LedgerView


@dataclass(frozen=True, slots=True)
class Receipt:
    leaf_index: int
    checkpoint: str
    inclusion_proof: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "leaf_index": self.leaf_index,
            "checkpoint": self.checkpoint,
            "inclusion_proof": self.inclusion_proof,
        }


class TransparencyLog:
    def __init__(self, view: LedgerView, origin: str, log_key: Ed25519PrivateKey) -> None:
        self._view = view
        self._origin = origin
        self._key = log_key
        self._signed: tuple[int, str] | None = None
        self._lock = threading.Lock()

    @property
    def origin(self) -> str:
        return self._origin

    def activate_key(self) -> None:
        """Record this server's log key in the keyring if it is not the active one."""
        app = self._view.app
        public = b64encode(raw_public_key(self._key.public_key()))
        for _ in range(10):
            self._view.catch_up()
            keyring = self._keyring() or LogKeyring()
            if not keyring.activate(self._origin, public, self._view.size):
                return
            try:
                app.save(keyring)
                return
            except IntegrityError:  # another instance changed the keyring: look again
                continue
        raise RuntimeError("could not record the log key in the keyring")

    def _keyring(self) -> LogKeyring | None:
        try:
            keyring: object = self._view.app.repository.get(KEYRING_ID)
        except AggregateNotFoundError:
            return None
        assert isinstance(keyring, LogKeyring)
        return keyring

    def checkpoint(self) -> str:
        """The signed checkpoint of the current tree (signed once per tree size)."""
        with self._view.lock:
            size, root = self._view.tree.size, self._view.tree.root()
        with self._lock:
            if self._signed is None or self._signed[0] != size:
                note = sign_checkpoint(
                    Checkpoint(self._origin, size, root), self._origin, self._key
                )
                self._signed = (size, note)
            return self._signed[1]

    def sign_attestation(self, statement: dict[str, Any]) -> dict[str, Any]:
        return sign_attestation(statement, self._key)

    def proofs_to_current(self, leaf_indices: list[int]) -> tuple[str, list[list[str]]]:
        """The current signed checkpoint and each leaf's inclusion proof to it."""
        receipts = self.receipts(leaf_indices)
        note = receipts[0].checkpoint if receipts else self.checkpoint()
        return note, [receipt.inclusion_proof for receipt in receipts]

    def receipts(self, leaf_indices: list[int]) -> list[Receipt]:
        """For each leaf: the current signed checkpoint and the inclusion proof to it."""
        note = self.checkpoint()
        size = int(note.split("\n", 2)[1])
        with self._view.lock:
            tree = self._view.tree
            return [
                Receipt(i, note, [h.hex() for h in tree.inclusion_proof(i, size)])
                for i in leaf_indices
            ]

    def inclusion(self, index: int, tree_size: int | None) -> dict[str, Any]:
        self._view.catch_up()
        with self._view.lock:
            tree = self._view.tree
            size = tree.size if tree_size is None else tree_size
            _check_range(
                0 <= index < size <= tree.size, f"need 0 <= index < tree_size <= {tree.size}"
            )
            return {
                "index": index,
                "tree_size": size,
                "leaf_hash": tree.leaf(index).hex(),
                "hashes": [h.hex() for h in tree.inclusion_proof(index, size)],
                "root": tree.root(size).hex(),
            }

    def consistency(self, old: int, new: int | None) -> dict[str, Any]:
        self._view.catch_up()
        with self._view.lock:
            tree = self._view.tree
            new = tree.size if new is None else new
            _check_range(0 < old <= new <= tree.size, f"need 1 <= from <= to <= {tree.size}")
            return {
                "from": old,
                "to": new,
                "hashes": [h.hex() for h in tree.consistency_proof(old, new)],
                "old_root": tree.root(old).hex(),
                "new_root": tree.root(new).hex(),
            }

    def public_keys(self) -> list[Ed25519PublicKey]:
        """Every log key this ledger has signed with, the current one last."""
        keyring = self._keyring()
        uses = list(keyring.keys) if keyring else []
        keys = [Ed25519PublicKey.from_public_bytes(b64decode_strict(u.public_key)) for u in uses]
        return keys or [self._key.public_key()]

    def keys(self) -> dict[str, Any]:
        self._view.catch_up()
        keyring = self._keyring()
        uses = list(keyring.keys) if keyring else []
        size = self._view.size
        log_keys = []
        for number, use in enumerate(uses):
            public = Ed25519PublicKey.from_public_bytes(b64decode_strict(use.public_key))
            last = uses[number + 1].first_tree_size if number + 1 < len(uses) else size
            log_keys.append(
                {
                    "name": use.name,
                    "public_key": use.public_key,
                    "keyid": keyid_for(public),
                    "note_key_id": key_id(use.name, public).hex(),
                    "vkey": vkey(use.name, public),
                    "first_tree_size": use.first_tree_size,
                    "last_tree_size": last,
                }
            )
        operators = [
            {"keyid": keyid_for(key), "public_key": b64encode(raw_public_key(key))}
            for key in self._view.operator_keys
        ]
        return {"log_keys": log_keys, "operator_keys": operators}


def _check_range(ok: bool, detail: str) -> None:
    if not ok:
        raise Rejection(RejectionKind.INVALID_QUERY, detail)
