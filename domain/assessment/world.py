"""The facts the assessment reads, folded from recorded statements in log order.

``World.add`` applies one statement. With ``at`` set, world facts (everything except signer
enrolments and revocations) whose ``effective_at`` is later than ``at`` are left out, so the
world is as it was at that date; without ``at`` every recorded fact counts (DESIGN.md §2).
The fold never refuses: statements were admitted when recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.encoding import parse_utc_time
from domain.ledger_state import same_licence
from domain.licences.catalogue import built_in_id, definition_key
from domain.statement import Statement

SIGNER_TYPES = frozenset({"SignerEnrolled", "SignerRevoked"})


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


class World:
    def __init__(self, at: datetime | None = None) -> None:
        self.at = at
        self.models: dict[str, ModelFacts] = {}
        self.artefacts: dict[str, ArtefactFacts] = {}
        self.runs: dict[str, RunFacts] = {}
        self.signers: dict[str, SignerFacts] = {}
        self.claims: dict[str, ClaimFacts] = {}
        self.licences: dict[str, DefinedLicence] = {}  # by definition key
        self.events: dict[str, Recorded] = {}
        self.by_subject: dict[str, list[Recorded]] = {}

    def add(self, recorded: Recorded) -> None:
        statement = recorded.statement
        if (
            self.at is not None
            and statement.type not in SIGNER_TYPES
            and statement.effective_time > self.at
        ):
            return
        self.events[recorded.event_id] = recorded
        self.by_subject.setdefault(statement.subject, []).append(recorded)
        _FOLDS[statement.type](self, recorded, statement.subject, statement.data)

    def _signer_enrolled(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        self.signers[subject] = SignerFacts(
            subject, data["organisation"], tuple(data["roles"]), rec.event_id
        )

    def _signer_revoked(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        signer = self.signers.get(subject)
        if signer is None:  # a configured operator key: not enrolled through the log
            signer = self.signers[subject] = SignerFacts(subject, "", ("operator",), "")
        signer.revoked_by = rec.event_id
        if "compromised_since" in data:
            signer.compromised_since = parse_utc_time(data["compromised_since"])

    def _artefact_registered(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        digest = data.get("digest")
        self.artefacts[subject] = ArtefactFacts(
            id=subject,
            kind=data["kind"],
            component=data.get("component"),
            name=data["name"],
            availability=data["availability"],
            digest=digest["sha256"] if digest else None,
            event_id=rec.event_id,
        )

    def _licence_granted(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        if artefact := self.artefacts.get(subject):
            artefact.grants.append(Grant(data["licence"], data.get("uri"), rec.event_id))

    def _licence_withdrawn(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        artefact = self.artefacts.get(subject)
        for grant in reversed(artefact.grants if artefact else []):
            if same_licence(grant.licence, data["licence"]) and grant.withdrawn_by is None:
                grant.withdrawn_by = rec.event_id
                return

    def _licence_defined(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        key = definition_key(subject)
        previous = self.licences.get(key)
        if previous is None:
            self.licences[key] = DefinedLicence(
                built_in_id(subject) or subject, dict(data), [rec.event_id], [subject]
            )
            return
        subjects = previous.subjects + ([] if subject in previous.subjects else [subject])
        self.licences[key] = DefinedLicence(
            previous.id, dict(data), [*previous.event_ids, rec.event_id], subjects
        )

    def _data_source_added(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        if artefact := self.artefacts.get(subject):
            artefact.sources[data["source"]] = DataSource(
                data["source"],
                data["name"],
                data.get("licence"),
                data["rights"],
                data.get("share"),
                rec.event_id,
            )

    def _dataset_derived(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        if artefact := self.artefacts.get(subject):
            for parent in data["from"]:
                artefact.derived_from.setdefault(parent, rec.event_id)
            if "processing_code" in data:
                artefact.processing_code.setdefault(data["processing_code"], rec.event_id)

    def _hardware_described(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        if artefact := self.artefacts.get(subject):
            artefact.layers = [
                Layer(layer["layer"], layer["name"], layer["vendor"], layer["licence"])
                for layer in data["layers"]
            ]
            artefact.layers_event = rec.event_id

    def _training_run(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        self.runs[subject] = RunFacts(
            subject,
            list(data["code"]),
            list(data["datasets"]),
            list(data["hardware"]),
            list(data["produced"]),
            data.get("base_parameters"),
            rec.event_id,
        )

    def _model_released(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        model = ModelFacts(
            subject,
            data["name"],
            data["version"],
            list(data.get("training_runs", [])),
            data.get("base_model"),
            rec.event_id,
        )
        for component, artefacts in data["components"].items():
            for artefact in artefacts:
                _link(model, component, artefact, rec.event_id)
        self.models[subject] = model

    def _component_attached(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        if model := self.models.get(subject):
            _link(model, data["component"], data["artefact"], rec.event_id)

    def _claim_asserted(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        self.claims[rec.event_id] = ClaimFacts(
            rec.event_id, subject, data["claim"], data["detail"], rec.author
        )

    def _claim_retracted(self, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
        if claim := self.claims.get(data["claim_event"]):
            claim.retracted_by = rec.event_id


def _link(model: ModelFacts, component: str, artefact: str, event_id: str) -> None:
    artefacts = model.components.setdefault(component, [])
    if artefact not in artefacts:
        artefacts.append(artefact)
        model.links[(component, artefact)] = event_id


_FOLDS = {
    "SignerEnrolled": World._signer_enrolled,
    "SignerRevoked": World._signer_revoked,
    "ArtefactRegistered": World._artefact_registered,
    "LicenceGranted": World._licence_granted,
    "LicenceWithdrawn": World._licence_withdrawn,
    "LicenceDefined": World._licence_defined,
    "DataSourceAdded": World._data_source_added,
    "DatasetDerived": World._dataset_derived,
    "HardwareStackDescribed": World._hardware_described,
    "TrainingRunRecorded": World._training_run,
    "ModelVersionReleased": World._model_released,
    "ComponentAttached": World._component_attached,
    "ClaimAsserted": World._claim_asserted,
    "ClaimRetracted": World._claim_retracted,
}
