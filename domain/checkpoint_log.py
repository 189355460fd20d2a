"""Every checkpoint the log signed, stored with the log (DESIGN.md §7).

The checkpoint log is its own small aggregate beside the ledger stream (its events are not
leaves). The checkpoint of each commit is saved in the same transaction as the leaves it
covers, so the database holds a signed root for every tree size it ever acknowledged: an audit
of the database alone compares the replayed tree with them, and a server refuses a database
whose tree does not extend them. Sizes never go back: a checkpoint is only recorded for a tree
at least as large as the last one.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate, event

CHECKPOINT_LOG_ID = uuid.UUID("3c7e9a41-2d6b-5f80-b1e4-8a9d0c2f6e13")


class CheckpointLog(Aggregate):
    """The newest signed checkpoint: its tree size, root (lowercase hex) and note text."""

    class Started(Aggregate.Created):
        pass

    class CheckpointSigned(Aggregate.Event):
        tree_size: int
        root: str
        note: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, CheckpointLog)
            aggregate.tree_size, aggregate.root, aggregate.note = (
                self.tree_size,
                self.root,
                self.note,
            )

    @staticmethod
    def create_id(*_: Any, **__: Any) -> uuid.UUID:
        return CHECKPOINT_LOG_ID

    @event(Started)
    def __init__(self) -> None:
        self.tree_size = 0
        self.root = ""
        self.note = ""

    def record(self, tree_size: int, root: bytes, note: str) -> None:
        """Record the signed ``note`` of the tree of ``tree_size`` leaves with ``root``.

        Raises ValueError for a tree smaller than the last one recorded: the caller signed a
        checkpoint of a stale tree and must not hand it out."""
        if tree_size < self.tree_size:
            raise ValueError(f"tree size {tree_size} is below the last signed {self.tree_size}")
        self.trigger_event(self.CheckpointSigned, tree_size=tree_size, root=root.hex(), note=note)
