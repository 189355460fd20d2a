"""Which log key signed which tree sizes (DESIGN.md §7, log key rotation).

The keyring is its own small aggregate beside the ledger stream: its events are not leaves.
Each activation records the tree size from which the key signs; a key's last signed size is
the next key's first (or the current size for the active key). A bundle signed by a retired
key therefore still verifies with that key pinned.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate, event

KEYRING_ID = uuid.UUID("0b5c1e52-6f8e-5d4e-a7f1-3c9d2b8e1a60")


@dataclass(frozen=True, slots=True)
class LogKeyUse:
    name: str
    public_key: str  # standard base64 of the raw 32-byte Ed25519 key
    first_tree_size: int


class LogKeyring(Aggregate):
    class KeyActivated(Aggregate.Event):
        name: str
        public_key: str
        first_tree_size: int

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, LogKeyring)
            aggregate.keys = [
                *aggregate.keys,
                LogKeyUse(self.name, self.public_key, self.first_tree_size),
            ]

    @staticmethod
    def create_id(*_: Any, **__: Any) -> uuid.UUID:
        return KEYRING_ID

    @event("Created")
    def __init__(self) -> None:
        self.keys: list[LogKeyUse] = []

    @property
    def active(self) -> LogKeyUse | None:
        return self.keys[-1] if self.keys else None

    def activate(self, name: str, public_key: str, tree_size: int) -> bool:
        """Make this key the signer from ``tree_size`` on; False if it already is."""
        active = self.active
        if active is not None and (active.name, active.public_key) == (name, public_key):
            return False
        if active is not None and tree_size < active.first_tree_size:
            raise ValueError("a key cannot start signing before the active key did")
        self.trigger_event(
            self.KeyActivated, name=name, public_key=public_key, first_tree_size=tree_size
        )
        return True
