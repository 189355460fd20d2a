"""Hugging Face model-card import: from a card's YAML front matter and text to the statements
it implies (DESIGN.md §3), as a plan the CLI signs and submits (``provenance import-hf-card``).

Pure mapping: :func:`read_card` parses a card with ``huggingface_hub``'s card classes (offline);
:func:`plan_import` turns it into statements, warnings, dropped fields and problems, asking the
ledger only through :class:`LedgerFacts` (the CLI answers from the server, tests from a dict).
Every front-matter field is mapped by one row of :data:`MAPPING` — carried, approximated or
dropped — and :func:`mapping_table_markdown` renders that table for the README. Licences are
read by :mod:`services.hf_import.card_licences`, ``library_name`` through the table of known
libraries (:mod:`services.hf_import.libraries`); the ids are :mod:`services.hf_import.plan`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.fields import SUBJECT_ID
from domain.rejections import Rejection
from domain.statement import Statement, parse_statement
from services.hf_import.base_model import find_base
from services.hf_import.card import CardError as CardError
from services.hf_import.card import HfCard as HfCard
from services.hf_import.card import read_card as read_card
from services.hf_import.card_checks import already_recorded, recorded_elsewhere, table_notes
from services.hf_import.card_licences import CustomLicence as CustomLicence
from services.hf_import.card_licences import define_command as define_command
from services.hf_import.card_licences import licence_ref as licence_ref
from services.hf_import.card_licences import map_hf_licence as map_hf_licence
from services.hf_import.card_licences import read_licence
from services.hf_import.card_mapping import MAPPING as MAPPING
from services.hf_import.card_mapping import FieldMapping as FieldMapping
from services.hf_import.card_mapping import mapping_table_markdown as mapping_table_markdown
from services.hf_import.card_mapping import row_for as row_for
from services.hf_import.libraries import ARCHITECTURE, INFERENCE, library_for
from services.hf_import.pipelines import modalities
from services.hf_import.plan import DATASET_PREFIX, HUB, as_list
from services.hf_import.plan import ImportOptions as ImportOptions
from services.hf_import.plan import ImportPlan as ImportPlan
from services.hf_import.plan import LedgerFacts as LedgerFacts
from services.hf_import.plan import ModelIdError as ModelIdError
from services.hf_import.plan import ModelIds as ModelIds
from services.hf_import.plan import Problem as Problem
from services.hf_import.plan import ledger_id as ledger_id

_GATED_VALUES = frozenset({"true", "auto", "manual", "yes"})


def plan_import(
    card: HfCard,
    ids: ModelIds,
    *,
    effective_at: str,
    issued_at: str,
    ledger: LedgerFacts,
    cli_flags: str = "--key KEY",
    options: ImportOptions | None = None,
) -> ImportPlan:
    """The statements ``card`` implies for the model ``ids``, in an order the ledger admits as
    one batch (each reference after its subject), with everything it could not carry.
    ``cli_flags`` go into the commands the plan suggests (e.g. how to import a missing base)."""
    planner = _Planner(card, ids, effective_at, issued_at, ledger, cli_flags, options)
    return planner.plan()


@dataclass
class _Planner:
    card: HfCard
    ids: ModelIds
    effective_at: str
    issued_at: str
    ledger: LedgerFacts
    cli_flags: str
    options: ImportOptions | None
    statements: list[Statement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    to_define: list[CustomLicence] = field(default_factory=list)
    components: dict[str, list[str]] = field(default_factory=dict)

    @property
    def meta(self) -> Mapping[str, Any]:
        return self.card.metadata

    @property
    def given(self) -> ImportOptions:
        return self.options or ImportOptions()

    def plan(self) -> ImportPlan:
        self._report_table_rows()
        datasets_listed = bool(as_list(self.meta.get("datasets")))
        own = [self.ids.model, self.ids.weights, self.ids.card]
        self._refuse_existing(own + ([self.ids.run] if datasets_listed else []))
        self._refuse_duplicate()
        grants = self._licences()
        name = self.meta.get("model_name") or self.ids.hub_repo.rsplit("/", 1)[-1]
        self._register(
            self.ids.weights,
            kind="parameters",
            component="model-parameters",
            name=f"{name} weights",
            uri=self.ids.weights_uri,
            availability="gated" if self._gated() else "public",
        )
        self._grant(self.ids.weights, grants)
        self._register(
            self.ids.card,
            kind="documentation",
            component="model-card",
            name=self.card.heading or f"{self.ids.hub_repo} model card",
            uri=self.ids.hub_url(f"/blob/{self.ids.version}/README.md"),
            availability="public",
            digest={"sha256": self.card.sha256},
        )
        self._grant(self.ids.card, grants)
        self.components = {"model-parameters": [self.ids.weights], "model-card": [self.ids.card]}
        self._library()
        datasets = self._datasets()
        if datasets:
            self.components["datasets"] = datasets
        runs = self._runs(datasets)
        data: dict[str, Any] = {"name": name, "version": self.ids.version}
        data["components"] = self.components
        if runs:
            data["training_runs"] = runs
        base = self._base_model()
        if base is not None:
            data["base_model"] = base
        self._state("ModelVersionReleased", self.ids.model, data)
        self._modalities()
        self._validate()
        return ImportPlan(
            self.ids,
            tuple(self.statements),
            tuple(self.warnings),
            tuple(self.dropped),
            tuple(self.problems),
            tuple(self.to_define),
            base if base is not None and not self._base_missing() else None,
        )

    # -- statements -----------------------------------------------------------------------

    def _state(self, type_: str, subject: str, data: dict[str, Any]) -> None:
        self.statements.append(Statement(type_, subject, data, self.effective_at, self.issued_at))

    def _register(self, subject: str, *, versioned: bool = True, **data: Any) -> None:
        if versioned and self.ids.revision:
            data["version"] = self.ids.revision
        self._state("ArtefactRegistered", subject, data)

    def _grant(self, subject: str, grants: Sequence[tuple[str, str | None]]) -> None:
        for licence, uri in dict.fromkeys(grants):
            data = {"licence": licence}
            if uri:
                data["uri"] = uri
            self._state("LicenceGranted", subject, data)

    def _validate(self) -> None:
        for statement in self.statements:
            try:
                parse_statement(statement.canonical_bytes())
            except Rejection as rejection:
                self.problems.append(
                    Problem("unmapped", f"{statement.type} {statement.subject}: {rejection.detail}")
                )

    # -- fields ---------------------------------------------------------------------------

    def _report_table_rows(self) -> None:
        dropped, approximated = table_notes(self.meta)
        self.dropped += dropped
        self.warnings += approximated

    def _modalities(self) -> None:
        """``pipeline_tag`` as ``ModelVersionDescribed.modalities`` (the EU AI Act's facts)."""
        tag = self.meta.get("pipeline_tag")
        found = modalities(tag)
        if found is not None:
            self._state("ModelVersionDescribed", self.ids.model, {"modalities": found})
        elif tag is not None:
            self.warnings.append(
                f"pipeline_tag '{tag}' is not in the table of known tasks: no modalities are "
                "recorded (record ModelVersionDescribed.modalities)"
            )

    def _refuse_existing(self, subject_ids: Sequence[str]) -> None:
        self.problems += already_recorded(self.ledger, self.ids, subject_ids)

    def _refuse_duplicate(self) -> None:
        self.problems += recorded_elsewhere(self.ledger, self.ids)

    def _licences(self) -> list[tuple[str, str | None]]:
        reading = read_licence(self.meta, self.ledger, self._licence_uri(), self.ids.hub_url())
        self.warnings += reading.warnings
        self.problems += [Problem("unmapped", problem) for problem in reading.problems]
        self.to_define += reading.to_define
        return reading.grants

    def _licence_uri(self) -> str | None:
        link = self.meta.get("license_link")
        if not link or not link.strip():
            return None
        link = link.strip()
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", link):
            return str(link)
        return self.ids.hub_url(f"/blob/{self.ids.version}/{link.lstrip('./')}")

    def _gated(self) -> bool:
        gated = self.meta.get("gated")
        if gated is not None:
            return gated is True or str(gated).strip().lower() in _GATED_VALUES
        return any(key.startswith("extra_gated_") for key in self.meta)

    def _library(self) -> None:
        """``library_name`` → the library's code as the model's inference code (and its
        architecture where the library implements it), from the table of known libraries."""
        name = self.meta.get("library_name")
        if not name:
            return
        library = library_for(name)
        if library is None:
            self.warnings.append(
                f"library_name '{name}' is not in the table of known libraries: no inference "
                "code is recorded (record the code that runs the weights, with its licence, "
                "as an inference-code artefact)"
            )
            return
        subject = library.artefact
        if self._known_artefact(subject, "code", library.repository):
            self._register(
                subject,
                versioned=False,
                kind="code",
                component=INFERENCE,
                name=f"{library.title} (library)",
                uri=library.repository,
                availability="public",
            )
            self._grant(subject, [(library.licence, None)])
        self.components[INFERENCE] = [subject]
        if ARCHITECTURE not in library.provides:
            return
        tags = [str(tag).strip().lower() for tag in as_list(self.meta.get("tags"))]
        if "custom_code" in tags:
            self.warnings.append(
                "the card's tags say custom_code: the architecture is the repository's own "
                f"modelling code, not {library.name}'s; record it (model-architecture) with "
                "the repository's licence"
            )
            return
        self.components[ARCHITECTURE] = [subject]

    def _known_artefact(self, subject: str, kind: str, uri: str) -> bool:
        """True when ``subject`` must be registered; a recorded one with this ``uri`` is
        referenced as is, one recorded otherwise is a conflict."""
        found = self.ledger.subject(subject)
        if found is None:
            return True
        state = found.get("state") or {}
        if found.get("kind") != "artefact" or state.get("kind") != kind:
            self.problems.append(
                Problem("conflict", f"{subject} is recorded, but not as a {kind} artefact")
            )
        elif state.get("uri") != uri:
            self.problems.append(
                Problem("conflict", f"{subject} is recorded for {state.get('uri')}, not for {uri}")
            )
        else:
            self.warnings.append(f"{subject} is already recorded: referenced as is")
        return False

    def _datasets(self) -> list[str]:
        artefacts: list[str] = []
        for name in as_list(self.meta.get("datasets")):
            subject = DATASET_PREFIX + ledger_id(name)
            uri = f"{HUB}/datasets/{name.strip()}"
            if SUBJECT_ID.fullmatch(subject) is None:
                self.problems.append(
                    Problem("unmapped", f"dataset '{name}' gives no ledger id ({subject})")
                )
                continue
            if subject in artefacts:
                continue
            artefacts.append(subject)
            if self._known_artefact(subject, "dataset", uri):
                self._register(
                    subject,
                    versioned=False,
                    kind="dataset",
                    component="datasets",
                    name=name.strip(),
                    uri=uri,
                    availability="public",
                )
        return artefacts

    def _runs(self, datasets: list[str]) -> list[str]:
        """The card's ``datasets`` are the datasets used to train the weights (the Hub shows
        them so): one run names them and produced the weights, its code and hardware not
        stated. Runs given with ``--training-run`` must be recorded runs."""
        runs = []
        for run in self.given.training_runs:
            found = self.ledger.subject(run)
            if found is None or found.get("kind") != "training-run":
                what = "not recorded" if found is None else f"a {found.get('kind')}"
                self.problems.append(
                    Problem("conflict", f"--training-run {run} is {what}, not a training run")
                )
            runs.append(run)
        if datasets:
            data = {
                "code": [],
                "datasets": datasets,
                "hardware": [],
                "produced": [self.ids.weights],
            }
            self._state("TrainingRunRecorded", self.ids.run, data)
            runs.append(self.ids.run)
        return runs

    def _base_model(self) -> str | None:
        found = find_base(self.meta, self.given.base_model, self.ledger, self.cli_flags)
        self.warnings += found.warnings
        self.problems += found.problems
        return found.base

    def _base_missing(self) -> bool:
        return any(problem.kind == "missing-base" for problem in self.problems)
