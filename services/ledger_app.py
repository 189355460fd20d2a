"""The eventsourcing application that stores the ledger's stream."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from domain.ledger import Ledger


class LedgerApplication(Application[UUID]):
    """Persists ``Ledger`` events (SQLite, PostgreSQL or in memory, chosen by ``env``).

    The name fixes the PostgreSQL table prefix (``provenanceledger_events``) and the prefix of
    environment overrides (``PROVENANCELEDGER_…``).
    """

    name = "ProvenanceLedger"
    log_section_size = 1000


APPENDED_TOPIC = get_topic(Ledger.StatementAppended)
STARTED_TOPIC = get_topic(Ledger.Started)
