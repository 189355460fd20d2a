"""A page of the log as a source hands it over, and the entries in it.

A server's page stays the bytes of its JSON body until whoever checks it decodes it (in a
worker process, when the audit uses them), so the replaying process never parses it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.quick_init import quick_init
from services.fast_json import loads_strings


@quick_init
@dataclass(frozen=True, slots=True)
class LogEntry:
    leaf_index: int
    position: int
    envelope: Any  # as stored or served; the auditor parses it strictly
    stored_leaf_hash: str | None = None  # what the store says (database audits only)
    stored_event_id: str | None = None  # likewise

    def where(self) -> str:
        """How a failure names this entry (worded only for a failure: a replay passes most)."""
        return f"position {self.position} (leaf {self.leaf_index})"


Page = bytes | list[LogEntry]
"""A body of ``GET /v1/log/entries`` as served, or entries read from a store."""


def page_entries(page: Page) -> list[LogEntry]:
    """The entries of ``page``, in log order."""
    if isinstance(page, list):
        return page
    served = loads_strings(page)["entries"]
    if any(type(e["leaf_index"]) is float or type(e["position"]) is float for e in served):
        served = json.loads(page)["entries"]  # beyond 64 bits: read the numbers as the stdlib does
    return [LogEntry(e["leaf_index"], e["position"], e["envelope"]) for e in served]
