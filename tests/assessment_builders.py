"""Terse builders for the assessment's unit tests: recorded statements, worlds, assessments.

The world fold trusts what it is given (statements were admitted when recorded), so these
statements are neither signed nor admitted. Event ids are the SHA-256 of the statement's
canonical bytes, as on the ledger, so the same statements give the same ids in any order;
leaf indices and positions follow the order in which they were added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict, Unpack

from domain.assessment.context import Context
from domain.assessment.policies import POLICIES
from domain.assessment.report import assess, catalogue_for
from domain.assessment.world import Recorded, World
from domain.encoding import b64encode, parse_utc_time
from domain.statement import Statement

EFFECTIVE = "2024-01-01T00:00:00Z"


def key(name: str) -> str:
    """A made-up keyid (lowercase hex SHA-256) for a named signer."""
    return hashlib.sha256(f"key:{name}".encode()).hexdigest()


OPERATOR = key("operator")
PUBLISHER = key("acme")
AUDITOR = key("auditor")

# The ids of the model ``open_model`` builds with the default prefix "m".
MODEL = "m@1"
WEIGHTS = "m/weights"
TRAIN = "m/train"
INFER = "m/infer"
DATA = "m/data"
RUN = "m/run"
HW = "m/hw"

FREE_TERMS: dict[str, Any] = {
    "use_restricted": False,
    "commercial_use": True,
    "modification": True,
    "redistribution": True,
    "redistribution_modified": True,
    "share_alike": False,
    "attribution": False,
    "source_obligation": False,
    "reverse_engineering_ban": False,
    "osi_approved": False,
    "mof_open": True,
}
NON_COMMERCIAL_TERMS: dict[str, Any] = {
    **FREE_TERMS,
    "commercial_use": False,
    "mof_open": False,
}

Layer = tuple[str, str, str, str]  # layer, name, vendor, licence
CUDA_DRIVER: Layer = ("driver", "CUDA driver", "NVIDIA", "LicenseRef-NVIDIA-CUDA-EULA")


class When(TypedDict, total=False):
    """How a statement is recorded: valid time, issue time (defaults to the valid time),
    signers (author first) and a nonce."""

    effective_at: str
    issued_at: str
    signers: Sequence[str]
    nonce: str


class LedgerBuilder:
    """Statements in log order; every method returns the builder, so calls chain."""

    def __init__(self) -> None:
        self.recorded: list[Recorded] = []
        self.ids: dict[str, str] = {}

    # -- the general form ---------------------------------------------------------------------

    def add(
        self, type_: str, subject: str, data: Mapping[str, Any], **when: Unpack[When]
    ) -> LedgerBuilder:
        effective_at = when.get("effective_at", EFFECTIVE)
        statement = Statement(
            type_,
            subject,
            dict(data),
            effective_at,
            when.get("issued_at", effective_at),
            when.get("nonce"),
        )
        event_id = hashlib.sha256(statement.canonical_bytes()).hexdigest()
        if any(r.event_id == event_id for r in self.recorded):
            raise ValueError(f"the same statement twice: {statement}; give it a nonce")
        index = len(self.recorded)
        signers = tuple(
            when.get("signers", (OPERATOR if type_.startswith("Signer") else PUBLISHER,))
        )
        self.recorded.append(Recorded(statement, event_id, signers, index, index + 1))
        return self

    def tag(self, label: str) -> LedgerBuilder:
        """Name the last statement's event id: ``builder.ids[label]``."""
        self.ids[label] = self.last
        return self

    @property
    def last(self) -> str:
        return self.recorded[-1].event_id

    def find(self, type_: str, subject: str) -> str:
        """The event id of the last ``type_`` statement on ``subject``."""
        for recorded in reversed(self.recorded):
            if (recorded.statement.type, recorded.statement.subject) == (type_, subject):
                return recorded.event_id
        raise LookupError(f"no {type_} on {subject}")

    def extend(self, recorded: Iterable[Recorded]) -> LedgerBuilder:
        """Append already recorded statements (re-indexed in this builder's order)."""
        for item in recorded:
            index = len(self.recorded)
            self.recorded.append(
                Recorded(item.statement, item.event_id, item.signers, index, index + 1)
            )
        return self

    # -- one method per statement type --------------------------------------------------------

    def enrol(
        self,
        keyid: str,
        organisation: str = "acme",
        roles: Sequence[str] = ("publisher",),
        **when: Unpack[When],
    ) -> LedgerBuilder:
        public_key = b64encode(hashlib.sha256(keyid.encode()).digest())
        data = {"public_key": public_key, "organisation": organisation, "roles": list(roles)}
        return self.add("SignerEnrolled", keyid, {**data, "name": organisation}, **when)

    def revoke(
        self, keyid: str, compromised_since: str | None = None, **when: Unpack[When]
    ) -> LedgerBuilder:
        data: dict[str, Any] = {"reason": "key lost"}
        if compromised_since is not None:
            data["compromised_since"] = compromised_since
        return self.add("SignerRevoked", keyid, data, **when)

    def artefact(
        self,
        artefact: str,
        kind: str = "code",
        component: str | None = None,
        availability: str = "public",
        licence: str | None = None,
        **when: Unpack[When],
    ) -> LedgerBuilder:
        """Register an artefact; with ``licence``, grant it too."""
        data: dict[str, Any] = {"kind": kind, "name": artefact, "availability": availability}
        if component is not None:
            data["component"] = component
        self.add("ArtefactRegistered", artefact, data, **when)
        return self.grant(artefact, licence, **when) if licence is not None else self

    def grant(self, artefact: str, licence: str, **when: Unpack[When]) -> LedgerBuilder:
        return self.add("LicenceGranted", artefact, {"licence": licence}, **when)

    def withdraw(self, artefact: str, licence: str, **when: Unpack[When]) -> LedgerBuilder:
        data = {"licence": licence, "reason": "relicensed"}
        return self.add("LicenceWithdrawn", artefact, data, **when)

    def define(
        self, licence_id: str, terms: Mapping[str, Any], **when: Unpack[When]
    ) -> LedgerBuilder:
        data = {"name": licence_id, "uri": "https://example.org/licence", "terms": dict(terms)}
        return self.add("LicenceDefined", licence_id, data, **when)

    def source(
        self,
        dataset: str,
        source: str,
        rights: str,
        licence: str | None = None,
        **when: Unpack[When],
    ) -> LedgerBuilder:
        data: dict[str, Any] = {"source": source, "name": source, "rights": rights}
        if licence is not None:
            data["licence"] = licence
        return self.add("DataSourceAdded", dataset, data, **when)

    def derive(
        self,
        dataset: str,
        parents: Sequence[str],
        processing_code: str | None = None,
        **when: Unpack[When],
    ) -> LedgerBuilder:
        data: dict[str, Any] = {"from": list(parents)}
        if processing_code is not None:
            data["processing_code"] = processing_code
        return self.add("DatasetDerived", dataset, data, **when)

    def stack(self, hardware: str, layers: Sequence[Layer], **when: Unpack[When]) -> LedgerBuilder:
        data = {
            "layers": [
                {"layer": layer, "name": name, "vendor": vendor, "licence": licence}
                for layer, name, vendor, licence in layers
            ]
        }
        return self.add("HardwareStackDescribed", hardware, data, **when)

    def run(
        self,
        run: str,
        code: Sequence[str] = (),
        datasets: Sequence[str] = (),
        hardware: Sequence[str] = (),
        produced: Sequence[str] = (),
        base_parameters: str | None = None,
        compute: Mapping[str, Any] | None = None,
        stage: str | None = None,
        **when: Unpack[When],
    ) -> LedgerBuilder:
        data: dict[str, Any] = {
            "code": list(code),
            "datasets": list(datasets),
            "hardware": list(hardware),
            "produced": list(produced),
        }
        if base_parameters is not None:
            data["base_parameters"] = base_parameters
        if compute is not None:
            data["compute"] = dict(compute)
        if stage is not None:
            data["stage"] = stage
        return self.add("TrainingRunRecorded", run, data, **when)

    def model(
        self,
        model: str,
        components: Mapping[str, Sequence[str]],
        training_runs: Sequence[str] | None = None,
        base_model: str | None = None,
        **when: Unpack[When],
    ) -> LedgerBuilder:
        name, _, version = model.partition("@")
        data: dict[str, Any] = {
            "name": name,
            "version": version or "1",
            "components": {c: list(a) for c, a in components.items()},
        }
        if training_runs is not None:
            data["training_runs"] = list(training_runs)
        if base_model is not None:
            data["base_model"] = base_model
        return self.add("ModelVersionReleased", model, data, **when)

    def attach(
        self, model: str, component: str, artefact: str, **when: Unpack[When]
    ) -> LedgerBuilder:
        data = {"component": component, "artefact": artefact}
        return self.add("ComponentAttached", model, data, **when)

    def claim(
        self, subject: str, claim: str = "artefact-unavailable", **when: Unpack[When]
    ) -> LedgerBuilder:
        when.setdefault("signers", (AUDITOR,))
        data = {"claim": claim, "detail": f"{claim} on {subject}"}
        return self.add("ClaimAsserted", subject, data, **when)

    def retract(self, subject: str, claim_event: str, **when: Unpack[When]) -> LedgerBuilder:
        when.setdefault("signers", (AUDITOR,))
        data = {"claim_event": claim_event, "reason": "mistaken"}
        return self.add("ClaimRetracted", subject, data, **when)

    # -- results ------------------------------------------------------------------------------

    def world(self, at: str | None = None) -> World:
        world = World(at=parse_utc_time(at) if at is not None else None)
        for recorded in self.recorded:
            world.add(recorded)
        return world

    def assess(
        self, model: str = MODEL, policy: str = "default", at: str | None = None
    ) -> dict[str, Any]:
        return assess(self.world(at), model, policy, len(self.recorded), at)

    def context(
        self, model: str = MODEL, policy: str = "default", at: str | None = None
    ) -> Context:
        world = self.world(at)
        return Context(world, world.models[model], catalogue_for(world), POLICIES[policy])


def world_of(recorded: Iterable[Recorded], at: datetime | None = None) -> World:
    world = World(at=at)
    for item in recorded:
        world.add(item)
    return world


def open_model(
    builder: LedgerBuilder | None = None,
    *,
    prefix: str = "m",
    weights: str | None = "Apache-2.0",
    weights_availability: str = "public",
    training_code: str | None = "Apache-2.0",
    inference_code: str | None = "Apache-2.0",
    datasets: Mapping[str, str] | None = None,
    dataset_licence: str | None = "CC-BY-4.0",
    hardware: Sequence[Layer] | None = None,
    run: bool = True,
    base_model: str | None = None,
    base_parameters: str | None = None,
    **when: Unpack[When],
) -> LedgerBuilder:
    """A model version ``<prefix>@1`` whose every part is open unless told otherwise.

    Weights ``<prefix>/weights``, training code ``<prefix>/train``, inference code
    ``<prefix>/infer`` (``None`` leaves a part out), training datasets ``datasets``
    (id → availability; default one public ``<prefix>/data``, each granted ``dataset_licence``),
    one training run ``<prefix>/run`` (unless ``run`` is false) naming the training code, the
    datasets, ``base_parameters`` and, when ``hardware`` is given, the stack ``<prefix>/hw`` with
    those layers. ``when`` applies to every statement.
    """
    b = builder if builder is not None else LedgerBuilder()
    components: dict[str, list[str]] = {}
    parts = [
        ("weights", "parameters", "model-parameters", weights, weights_availability),
        ("train", "code", "training-code", training_code, "public"),
        ("infer", "code", "inference-code", inference_code, "public"),
    ]
    for suffix, kind, component, licence, availability in parts:
        if licence is not None:
            artefact = f"{prefix}/{suffix}"
            b.artefact(artefact, kind, component, availability, licence, **when)
            components[component] = [artefact]
    data = datasets if datasets is not None else {f"{prefix}/data": "public"}
    for dataset, availability in data.items():
        b.artefact(dataset, "dataset", "datasets", availability, dataset_licence, **when)
    stacks = []
    if hardware is not None:
        stacks = [f"{prefix}/hw"]
        b.artefact(stacks[0], "hardware", **when).stack(stacks[0], hardware, **when)
    runs = None
    if run:
        runs = [f"{prefix}/run"]
        b.run(
            runs[0],
            code=components.get("training-code", []),
            datasets=list(data),
            hardware=stacks,
            produced=components.get("model-parameters", []),
            base_parameters=base_parameters,
            **when,
        )
    return b.model(f"{prefix}@1", components, runs, base_model, **when)


def statuses(document: Mapping[str, Any]) -> dict[str, str]:
    """Freedom → status."""
    return {name: f["status"] for name, f in document["freedoms"].items()}


def blockers(document: Mapping[str, Any], freedom: str) -> list[dict[str, Any]]:
    return list(document["freedoms"][freedom]["blockers"])


def conditions(document: Mapping[str, Any], freedom: str) -> list[str]:
    return list(document["freedoms"][freedom]["conditions"])


def blockers_on(document: Mapping[str, Any], freedom: str, artefact: str) -> list[dict[str, Any]]:
    return [b for b in blockers(document, freedom) if b["artefact"] == artefact]
