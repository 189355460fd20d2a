"""The facts the assessment reads about each subject (``domain.assessment.world``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.quick_init import quick_init

if TYPE_CHECKING:
    from domain.statement import Statement


@quick_init
@dataclass(frozen=True, slots=True)
class Recorded:
    """A recorded statement: its event id, signers (author first), leaf and position."""

    statement: Statement
    event_id: str
    signers: tuple[str, ...]
    leaf_index: int
    position: int | None = None  # unknown offline (bundles carry leaf indices only)

    @property
    def author(self) -> str:
        return self.signers[0]


@dataclass(slots=True)
class Grant:
    licence: str
    uri: str | None
    event_id: str
    withdrawn_by: str | None = None


@dataclass(slots=True)
class DataSource:
    source: str
    name: str
    licence: str | None
    rights: str
    share: float | None
    event_id: str


@dataclass(slots=True)
class Layer:
    layer: str
    name: str
    vendor: str
    licence: str


@dataclass(frozen=True, slots=True)
class InForce:
    """The statement of a superseding type (catalogue v1.1) in force: the latest
    ``effective_at`` among those the world holds, ties to the later position."""

    data: dict[str, Any]
    event_id: str
    effective: datetime

    def superseded_by(self, effective: datetime) -> bool:
        return effective >= self.effective


@dataclass(slots=True)
class ArtefactFacts:
    id: str
    kind: str
    component: str | None
    name: str
    availability: str
    digest: str | None
    event_id: str
    grants: list[Grant] = field(default_factory=list)
    sources: dict[str, DataSource] = field(default_factory=dict)
    derived_from: dict[str, str] = field(default_factory=dict)  # dataset -> event id
    processing_code: dict[str, str] = field(default_factory=dict)  # artefact -> event id
    layers: list[Layer] = field(default_factory=list)
    layers_event: str | None = None
    described: InForce | None = None  # DatasetDescribed
    uri: str | None = None

    def grants_in_force(self) -> list[Grant]:
        return [grant for grant in self.grants if grant.withdrawn_by is None]


@dataclass(slots=True)
class RunFacts:
    id: str
    code: list[str]
    datasets: list[str]
    hardware: list[str]
    produced: list[str]
    base_parameters: str | None
    event_id: str
    stage: str | None = None
    compute: dict[str, Any] | None = None

    @property
    def flop(self) -> float | None:
        """The run's compute in FLOP, if stated as a number (v1.1); else unknown."""
        flop = (self.compute or {}).get("flop")
        if isinstance(flop, int | float) and not isinstance(flop, bool):
            return float(flop)
        return None


@dataclass(slots=True)
class ModelFacts:
    id: str
    name: str
    version: str
    training_runs: list[str]
    base_model: str | None
    event_id: str
    components: dict[str, list[str]] = field(default_factory=dict)
    links: dict[tuple[str, str], str] = field(default_factory=dict)  # (component, artefact)
    owner: str | None = None  # the organisation of the key that released it
    described: InForce | None = None  # ModelVersionDescribed
    distributed: InForce | None = None  # ModelVersionDistributed
    designation: InForce | None = None  # SystemicRiskDesignated


@dataclass(slots=True)
class SignerFacts:
    keyid: str
    organisation: str
    roles: tuple[str, ...]
    event_id: str
    revoked_by: str | None = None
    compromised_since: datetime | None = None


@dataclass(slots=True)
class ClaimFacts:
    event_id: str
    subject: str
    claim: str
    detail: str
    signer: str
    retracted_by: str | None = None


@dataclass(slots=True)
class DefinedLicence:
    """The definition in force of one licence, whatever spellings its statements used: ``id``
    is the catalogue's spelling (a built-in's, else the first definition's); ``subjects`` every
    spelling a ``LicenceDefined`` of it was recorded under."""

    id: str
    data: dict[str, Any]
    event_ids: list[str]
    subjects: list[str]
