"""The facts the assessment reads, folded from recorded statements in log order.

``World.add`` applies one statement. With ``at`` set, world facts (everything except signer
enrolments and revocations) whose ``effective_at`` is later than ``at`` are left out, so the
world is as it was at that date; without ``at`` every recorded fact counts (DESIGN.md §2).
The fold never refuses: statements were admitted when recorded.
"""

from __future__ import annotations

from datetime import datetime

from domain.assessment.world_facts import (
    ArtefactFacts,
    ClaimFacts,
    DataSource,
    DefinedLicence,
    Grant,
    InForce,
    Layer,
    ModelFacts,
    Recorded,
    RunFacts,
    SignerFacts,
)
from domain.statement_types import statement_type

__all__ = [
    "ArtefactFacts",
    "ClaimFacts",
    "DataSource",
    "DefinedLicence",
    "Grant",
    "InForce",
    "Layer",
    "ModelFacts",
    "Recorded",
    "RunFacts",
    "SignerFacts",
    "World",
]


class World:
    def __init__(self, at: datetime | None = None) -> None:
        self.at = at
        self.models: dict[str, ModelFacts] = {}
        self.artefacts: dict[str, ArtefactFacts] = {}
        self.runs: dict[str, RunFacts] = {}
        self.signers: dict[str, SignerFacts] = {}
        self.claims: dict[str, ClaimFacts] = {}
        self.licences: dict[str, DefinedLicence] = {}  # by definition key
        self.providers: dict[str, InForce] = {}  # ProviderDescribed, by organisation
        self.crawlers: dict[str, InForce] = {}  # CrawlerDescribed, by crawler id
        self.events: dict[str, Recorded] = {}
        self.by_subject: dict[str, list[Recorded]] = {}

    def add(self, recorded: Recorded) -> None:
        """Fold one recorded statement in (log order); a world fact effective after ``at`` is
        left out, the trust chain (enrolments, revocations) never is."""
        statement = recorded.statement
        kind = statement_type(statement.type)
        if self.at is not None and not kind.trust_chain and statement.effective_time > self.at:
            return
        self.events[recorded.event_id] = recorded
        self.by_subject.setdefault(statement.subject, []).append(recorded)
        kind.world(self, recorded, statement.subject, statement.data)
