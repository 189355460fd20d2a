"""The eventsourcing application that stores the ledger's stream."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from domain.checkpoint_log import CheckpointLog
from domain.ledger import LEDGER_ID, Ledger


class LedgerApplication(Application[UUID]):
    """Persists ``Ledger`` events (SQLite, PostgreSQL or in memory, chosen by ``env``).

    The name fixes the PostgreSQL table prefix (``provenanceledger_events``) and the prefix of
    environment overrides (``PROVENANCELEDGER_…``).
    """

    name = "ProvenanceLedger"
    log_section_size = 1000


APPENDED_TOPIC = get_topic(Ledger.StatementAppended)
STARTED_TOPIC = get_topic(Ledger.Started)
CHECKPOINT_TOPICS = (get_topic(CheckpointLog.Started), get_topic(CheckpointLog.CheckpointSigned))


class NotALedger(Exception):
    """The database answers, but holds no ledger."""


def open_existing_ledger(persistence: Mapping[str, str]) -> LedgerApplication:
    """The application over a database that must already hold a ledger (audits, rebuilds;
    pass ``infra.persistence.existing_ledger_env`` so that nothing is created)."""
    app = LedgerApplication(env=dict(persistence))
    try:
        app.recorder.max_notification_id()
        app.recorder.select_events(LEDGER_ID, limit=1)
    except Exception as error:
        app.close()
        raise NotALedger(f"it holds no ledger ({error})") from error
    return app
