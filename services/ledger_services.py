"""The ledger's services over one event store, opened and closed together."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.ledger_app import LedgerApplication
from services.ledger_view import LedgerView
from services.reads import LedgerReads
from services.submission import Submission
from services.transparency_log import TransparencyLog
from services.verification import ParallelVerifier


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class LedgerServices:
    app: LedgerApplication
    view: LedgerView
    submission: Submission
    reads: LedgerReads
    log: TransparencyLog
    origin: str
    operator_keys: tuple[Ed25519PublicKey, ...]
    verifier: ParallelVerifier

    def is_ready(self) -> bool:
        """True if the event store answers a query."""
        try:
            self.app.recorder.max_notification_id()
        except Exception:
            return False
        return True

    def close(self) -> None:
        self.verifier.close()
        self.app.close()


def open_ledger(
    persistence: Mapping[str, str],
    operator_keys: Sequence[Ed25519PublicKey],
    origin: str,
    log_key: Ed25519PrivateKey,
    clock: Callable[[], datetime] = utc_now,
) -> LedgerServices:
    """Open the event store, replay the log into the view and wire the services."""
    app = LedgerApplication(env=dict(persistence))
    view = LedgerView(app, operator_keys)
    view.catch_up()
    log = TransparencyLog(view, origin, log_key)
    log.activate_key()
    verifier = ParallelVerifier(workers=min(4, os.cpu_count() or 1))  # beside the admitting thread
    return LedgerServices(
        app=app,
        view=view,
        submission=Submission(view, origin, clock, verifier),
        reads=LedgerReads(view),
        log=log,
        origin=origin,
        operator_keys=tuple(operator_keys),
        verifier=verifier,
    )
