"""How each statement type changes the world the assessment reads (``domain.assessment.world``).

One fold per kind of statement; the registry (``domain.statement_types``) names each type's.
A fold never refuses: statements were admitted when recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

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
    appended,
    own,
)
from domain.encoding import parse_utc_time
from domain.ledger_records import same_licence
from domain.licences.catalogue import built_in_id, definition_key

if TYPE_CHECKING:
    from domain.assessment.world import World

WorldFold = Callable[["World", Recorded, str, Mapping[str, Any]], None]
"""(world, the recorded statement, its subject, its data) -> None."""


def signer_enrolled(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    world.signers[subject] = SignerFacts(
        subject, data["organisation"], tuple(data["roles"]), rec.event_id
    )


def signer_revoked(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    signer = world.signers.get(subject)
    if signer is None:  # a configured operator key: not enrolled through the log
        signer = world.signers[subject] = SignerFacts(subject, "", ("operator",), "")
    signer.revoked_by = rec.event_id
    if "compromised_since" in data:
        signer.compromised_since = parse_utc_time(data["compromised_since"])


def artefact_registered(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    digest = data.get("digest")
    world.artefacts[subject] = ArtefactFacts(
        id=subject,
        kind=data["kind"],
        component=data.get("component"),
        name=data["name"],
        availability=data["availability"],
        digest=digest["sha256"] if digest else None,
        event_id=rec.event_id,
        uri=data.get("uri"),
    )


def licence_granted(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if artefact := world.artefacts.get(subject):
        grant = Grant(data["licence"], data.get("uri"), rec.event_id)
        artefact.grants = appended(artefact.grants, grant)


def licence_withdrawn(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    artefact = world.artefacts.get(subject)
    for grant in reversed(artefact.grants if artefact else []):
        if same_licence(grant.licence, data["licence"]) and grant.withdrawn_by is None:
            grant.withdrawn_by = rec.event_id
            return


def licence_defined(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    key = definition_key(subject)
    previous = world.licences.get(key)
    if previous is None:
        world.licences[key] = DefinedLicence(
            built_in_id(subject) or subject, dict(data), [rec.event_id], [subject]
        )
        return
    subjects = previous.subjects + ([] if subject in previous.subjects else [subject])
    world.licences[key] = DefinedLicence(
        previous.id, dict(data), [*previous.event_ids, rec.event_id], subjects
    )


def data_source_added(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if artefact := world.artefacts.get(subject):
        sources = artefact.sources = own(artefact.sources)
        sources[data["source"]] = DataSource(
            data["source"],
            data["name"],
            data.get("licence"),
            data["rights"],
            data.get("share"),
            rec.event_id,
        )


def dataset_derived(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if artefact := world.artefacts.get(subject):
        derived = artefact.derived_from = own(artefact.derived_from)
        for parent in data["from"]:
            derived.setdefault(parent, rec.event_id)
        if "processing_code" in data:
            code = artefact.processing_code = own(artefact.processing_code)
            code.setdefault(data["processing_code"], rec.event_id)


def hardware_described(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if artefact := world.artefacts.get(subject):
        artefact.layers = [
            Layer(layer["layer"], layer["name"], layer["vendor"], layer["licence"])
            for layer in data["layers"]
        ]
        artefact.layers_event = rec.event_id


def training_run(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    world.runs[subject] = RunFacts(
        subject,
        list(data["code"]),
        list(data["datasets"]),
        list(data["hardware"]),
        list(data["produced"]),
        data.get("base_parameters"),
        rec.event_id,
        data.get("stage"),
        dict(data["compute"]) if "compute" in data else None,
    )


def model_released(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    model = ModelFacts(
        subject,
        data["name"],
        data["version"],
        list(data.get("training_runs", [])),
        data.get("base_model"),
        rec.event_id,
    )
    if (signer := world.signers.get(rec.author)) is not None:
        model.owner = signer.organisation
    for component, artefacts in data["components"].items():
        for artefact in artefacts:
            _link(model, component, artefact, rec.event_id)
    world.models[subject] = model


def component_attached(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if model := world.models.get(subject):
        _link(model, data["component"], data["artefact"], rec.event_id)


def claim_asserted(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    world.claims[rec.event_id] = ClaimFacts(
        rec.event_id, subject, data["claim"], data["detail"], rec.author
    )


def claim_retracted(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if claim := world.claims.get(data["claim_event"]):
        claim.retracted_by = rec.event_id


def _link(model: ModelFacts, component: str, artefact: str, event_id: str) -> None:
    artefacts = model.components.setdefault(component, [])
    if artefact not in artefacts:
        artefacts.append(artefact)
        model.links[(component, artefact)] = event_id


# --- catalogue v1.1 (DESIGN.md §11.1): the statement in force supersedes the others whole -----


def _in_force(current: InForce | None, rec: Recorded, data: Mapping[str, Any]) -> InForce | None:
    """The new statement if it supersedes ``current`` (statements arrive in log order)."""
    effective = rec.statement.effective_time
    if current is None or current.superseded_by(effective):
        return InForce(dict(data), rec.event_id, effective)
    return None


def model_described(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if (model := world.models.get(subject)) and (new := _in_force(model.described, rec, data)):
        model.described = new


def model_distributed(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if (model := world.models.get(subject)) and (new := _in_force(model.distributed, rec, data)):
        model.distributed = new


def systemic_risk(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if (model := world.models.get(subject)) and (new := _in_force(model.designation, rec, data)):
        model.designation = new


def dataset_described(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    artefact = world.artefacts.get(subject)
    if artefact is not None and (new := _in_force(artefact.described, rec, data)):
        artefact.described = new


def provider_described(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if new := _in_force(world.providers.get(subject), rec, data):
        world.providers[subject] = new


def crawler_described(world: World, rec: Recorded, subject: str, data: Mapping[str, Any]) -> None:
    if new := _in_force(world.crawlers.get(subject), rec, data):
        world.crawlers[subject] = new
