"""Hugging Face model-card import: from a card's YAML front matter and text to the statements
it implies (DESIGN.md §3), as a plan the CLI signs and submits (``provenance import-hf-card``).

Pure mapping: :func:`read_card` parses a card with ``huggingface_hub``'s card classes (offline);
:func:`plan_import` turns it into statements, warnings, dropped fields and problems, asking the
ledger only through :class:`LedgerFacts` (the CLI answers from the server, tests from a dict).
Every front-matter field is mapped by one row of :data:`MAPPING` — carried, approximated or
dropped — and :func:`mapping_table_markdown` renders that table for the README.

Id scheme (``--model ID`` is the Hub repo id, optionally ``@REVISION``): ledger ids cannot hold
``_``, so every Hub id is written with ``_`` → ``+`` (lossless: Hub ids never contain ``+``).
With ``R`` the repo id so written and ``@V`` the revision if one was given:

- model version ``R@V`` (``R`` without a revision), ``version`` = ``V``, else ``main``;
- weights ``R/weights@V`` (``R/weights``), model card ``R/model-card@V`` (``R/model-card``);
- each listed dataset ``hf-datasets/<dataset id>``; the base model is the ledger id of the
  card's ``base_model``, so a base is found when it was imported with ``--model <its Hub id>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from domain.fields import SUBJECT_ID
from domain.licences.aliases import from_hugging_face
from domain.licences.catalogue import LicenceCatalogue
from domain.licences.terms import LicenceKind
from domain.rejections import Rejection
from domain.statement import Statement, parse_statement
from services.hf_card import CardError as CardError
from services.hf_card import HfCard as HfCard
from services.hf_card import read_card as read_card
from services.hf_card import show
from services.hf_card_mapping import MAPPING as MAPPING
from services.hf_card_mapping import FieldMapping as FieldMapping
from services.hf_card_mapping import mapping_table_markdown as mapping_table_markdown
from services.hf_card_mapping import row_for as row_for

HUB = "https://huggingface.co"
DATASET_PREFIX = "hf-datasets/"
DEFAULT_REVISION = "main"


# Data flags a LicenceDefined needs (domain.catalogue.LICENCE_TERMS), as a cautious template:
# nothing is permitted until the definer reads the licence and says so.
_TERMS_TEMPLATE: dict[str, bool] = {
    "use_restricted": True,
    "commercial_use": False,
    "modification": False,
    "redistribution": False,
    "redistribution_modified": False,
    "share_alike": False,
    "attribution": True,
    "source_obligation": False,
    "reverse_engineering_ban": False,
    "osi_approved": False,
    "mof_open": False,
}
_GATED_VALUES = frozenset({"true", "auto", "manual", "yes"})


class ModelIdError(Exception):
    """``--model`` cannot be turned into ledger ids."""


@dataclass(frozen=True, slots=True)
class ModelIds:
    """The ledger ids an import derives from ``--model`` (module docstring)."""

    hub_repo: str  # as the Hub spells it
    revision: str | None
    model: str
    weights: str
    card: str

    @property
    def version(self) -> str:
        return self.revision or DEFAULT_REVISION

    @classmethod
    def parse(cls, model: str) -> ModelIds:
        repo, at, revision = model.partition("@")
        if not repo or (at and not revision):
            raise ModelIdError(f"--model '{model}': expected a Hub repo id, optionally @REVISION")
        suffix = f"@{ledger_id(revision)}" if at else ""
        base = ledger_id(repo)
        ids = cls(
            hub_repo=repo.strip(),
            revision=revision.strip() or None,
            model=base + suffix,
            weights=f"{base}/weights{suffix}",
            card=f"{base}/model-card{suffix}",
        )
        for derived in (ids.model, ids.weights, ids.card):
            if SUBJECT_ID.fullmatch(derived) is None:
                raise ModelIdError(
                    f"--model '{model}': the derived id '{derived}' is not a ledger id "
                    f"(ids match {SUBJECT_ID.pattern}; '_' is written '+')"
                )
        return ids

    def hub_url(self, path: str = "") -> str:
        return f"{HUB}/{self.hub_repo}{path}"


@dataclass(frozen=True, slots=True)
class CustomLicence:
    """A ``LicenseRef-`` made from ``license: other`` + ``license_name`` that the ledger does not
    define yet: the user is told to record a ``LicenceDefined`` for it."""

    id: str
    name: str
    uri: str


ProblemKind = Literal["unmapped", "missing-base", "conflict"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that blocks a real import (a dry run lists it and still exits 0)."""

    kind: ProblemKind
    message: str


@dataclass(frozen=True, slots=True)
class ImportPlan:
    ids: ModelIds
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...]  # approximations and notes; they never block
    dropped: tuple[str, ...]  # card fields present but not carried
    problems: tuple[Problem, ...]
    licences_to_define: tuple[CustomLicence, ...]

    @property
    def importable(self) -> bool:
        return not self.problems


class LedgerFacts(Protocol):
    """What the plan needs to know of the ledger."""

    def subject(self, subject_id: str) -> Mapping[str, Any] | None:
        """``GET /v1/subjects/{id}`` (``kind``, ``state``, …), or None when it is not recorded."""

    def licence_known(self, licence_id: str) -> bool:
        """Whether the ledger's catalogue (built-in or defined) knows ``licence_id``."""


def ledger_id(hub_id: str) -> str:
    """A Hub id written as a ledger id: ``_`` (which ledger ids cannot hold) becomes ``+``."""
    return hub_id.strip().replace("_", "+")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def licence_ref(license_name: str) -> str | None:
    """``LicenseRef-`` + each word of ``license_name`` capitalised, joined by ``-`` (SPDX
    idstrings hold letters, digits, ``.`` and ``-``); None when nothing is left."""
    words = [word.strip(".") for word in re.split(r"[^A-Za-z0-9.]+", license_name)]
    words = [word for word in words if word]
    if not words:
        return None
    return "LicenseRef-" + "-".join(word[0].upper() + word[1:] for word in words)


def map_hf_licence(hf_id: str) -> str | None:
    """The catalogue id for a card's ``license:`` (``unknown`` → ``NOASSERTION``), or None."""
    if hf_id.strip().lower() == "unknown":
        return "NOASSERTION"
    mapped = from_hugging_face(hf_id)
    if mapped is not None:
        return mapped
    # An SPDX id the Hub list gained after the map was written (current, not deprecated).
    entry = LicenceCatalogue().lookup(hf_id.strip())
    if entry is not None and entry.kind is LicenceKind.SPDX and not entry.deprecated:
        return entry.id
    return None


def plan_import(
    card: HfCard,
    ids: ModelIds,
    *,
    effective_at: str,
    issued_at: str,
    ledger: LedgerFacts,
    cli_flags: str = "--key KEY",
) -> ImportPlan:
    """The statements ``card`` implies for the model ``ids``, in an order the ledger admits as
    one batch (each reference after its subject), with everything it could not carry.
    ``cli_flags`` go into the commands the plan suggests (e.g. how to import a missing base)."""
    return _Planner(card, ids, effective_at, issued_at, ledger, cli_flags).plan()


@dataclass
class _Planner:
    card: HfCard
    ids: ModelIds
    effective_at: str
    issued_at: str
    ledger: LedgerFacts
    cli_flags: str
    statements: list[Statement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    to_define: list[CustomLicence] = field(default_factory=list)

    @property
    def meta(self) -> Mapping[str, Any]:
        return self.card.metadata

    def plan(self) -> ImportPlan:
        self._report_table_rows()
        self._refuse_existing((self.ids.model, self.ids.weights, self.ids.card))
        licence = self._licence()
        name = self.meta.get("model_name") or self.ids.hub_repo.rsplit("/", 1)[-1]
        self._register(
            self.ids.weights,
            kind="parameters",
            component="model-parameters",
            name=f"{name} weights",
            uri=self.ids.hub_url(f"/tree/{self.ids.revision}" if self.ids.revision else ""),
            availability="gated" if self._gated() else "public",
        )
        self._grant(self.ids.weights, licence)
        self._register(
            self.ids.card,
            kind="documentation",
            component="model-card",
            name=self.card.heading or f"{self.ids.hub_repo} model card",
            uri=self.ids.hub_url(f"/blob/{self.ids.version}/README.md"),
            availability="public",
            digest={"sha256": self.card.sha256},
        )
        self._grant(self.ids.card, licence)
        datasets = self._datasets()
        components: dict[str, list[str]] = {
            "model-parameters": [self.ids.weights],
            "model-card": [self.ids.card],
        }
        if datasets:
            components["datasets"] = datasets
        data: dict[str, Any] = {"name": name, "version": self.ids.version, "components": components}
        base = self._base_model()
        if base is not None:
            data["base_model"] = base
        self._state("ModelVersionReleased", self.ids.model, data)
        self._validate()
        return ImportPlan(
            self.ids,
            tuple(self.statements),
            tuple(self.warnings),
            tuple(self.dropped),
            tuple(self.problems),
            tuple(self.to_define),
        )

    # -- statements -----------------------------------------------------------------------

    def _state(self, type_: str, subject: str, data: dict[str, Any]) -> None:
        self.statements.append(Statement(type_, subject, data, self.effective_at, self.issued_at))

    def _register(self, subject: str, *, versioned: bool = True, **data: Any) -> None:
        if versioned and self.ids.revision:
            data["version"] = self.ids.revision
        self._state("ArtefactRegistered", subject, data)

    def _grant(self, subject: str, licence: tuple[str, str | None] | None) -> None:
        if licence is None:
            return
        data = {"licence": licence[0]}
        if licence[1]:
            data["uri"] = licence[1]
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
        """Name every present field the table drops, and each approximation once per row."""
        approximated: dict[FieldMapping, list[str]] = {}
        for key, value in self.meta.items():
            row = row_for(key)
            if row.status == "dropped":
                self.dropped.append(f"{key}: {show(value)} — {row.note}")
            elif row.status == "approximated":
                approximated.setdefault(row, []).append(key)
        other = str(self.meta.get("license") or "").strip().lower() == "other"
        for row, keys in approximated.items():
            if row.card_field == "license_name" and not other:
                continue  # ignored, and said so by _licence
            shown = ", ".join(keys) if len(keys) > 1 else f"{keys[0]}: {show(self.meta[keys[0]])}"
            self.warnings.append(f"approximated {shown} — {row.note}")

    def _refuse_existing(self, subject_ids: Sequence[str]) -> None:
        for subject_id in subject_ids:
            found = self.ledger.subject(subject_id)
            if found is not None:
                self.problems.append(
                    Problem(
                        "conflict",
                        f"{subject_id} is already recorded (a {found.get('kind')}); to import "
                        f"another revision use --model {self.ids.hub_repo}@REVISION",
                    )
                )

    def _licence(self) -> tuple[str, str | None] | None:
        """(catalogue id, uri) for the card's licence; None (and why) when there is none."""
        hf_id = self.meta.get("license")
        uri = self._licence_uri()
        if not hf_id:
            self.warnings.append(
                "the card has no 'license': nothing is granted, and weights without a licence "
                "are never assessed as open"
            )
            return None
        if hf_id.strip().lower() == "other":
            return self._other_licence(uri)
        if self.meta.get("license_name"):
            self.warnings.append(
                f"license_name '{self.meta['license_name']}' is ignored: it only names a licence "
                f"when license is 'other' (it is '{hf_id}')"
            )
        mapped = map_hf_licence(hf_id)
        if mapped is None:
            self.problems.append(
                Problem(
                    "unmapped",
                    f"license '{hf_id}' is a Hugging Face licence id the catalogue cannot map "
                    "(a family of licences, a placeholder or a licence it does not hold); no "
                    "licence would be granted",
                )
            )
            return None
        if mapped == "NOASSERTION":
            self.warnings.append("license 'unknown' is recorded as NOASSERTION (assessed unknown)")
        return mapped, uri

    def _other_licence(self, uri: str | None) -> tuple[str, str | None] | None:
        name = self.meta.get("license_name")
        ref = licence_ref(name) if name else None
        if ref is None:
            self.problems.append(
                Problem(
                    "unmapped",
                    "license 'other' without a usable license_name: the licence cannot be named",
                )
            )
            return None
        if not self.ledger.licence_known(ref):
            self.to_define.append(CustomLicence(ref, str(name), uri or self.ids.hub_url()))
            self.warnings.append(
                f"{ref} (license 'other', license_name '{name}') is not defined in the ledger: "
                "it is assessed unknown until someone records a LicenceDefined with its terms"
            )
        return ref, uri

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

    def _datasets(self) -> list[str]:
        artefacts = []
        for name in _as_list(self.meta.get("datasets")):
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
            found = self.ledger.subject(subject)
            if found is None:
                self._register(
                    subject,
                    versioned=False,
                    kind="dataset",
                    component="datasets",
                    name=name.strip(),
                    uri=uri,
                    availability="public",
                )
                continue
            state = found.get("state") or {}
            if found.get("kind") != "artefact" or state.get("kind") != "dataset":
                self.problems.append(
                    Problem("conflict", f"{subject} is recorded, but not as a dataset artefact")
                )
            elif state.get("uri") != uri:
                self.problems.append(
                    Problem(
                        "conflict",
                        f"{subject} is recorded for {state.get('uri')}, not for {uri}",
                    )
                )
            else:
                self.warnings.append(f"dataset {subject} is already recorded: referenced as is")
        return artefacts

    def _base_model(self) -> str | None:
        bases = _as_list(self.meta.get("base_model"))
        if not bases:
            return None
        if len(bases) > 1:
            self.warnings.append(
                f"base_model lists {len(bases)} models (a merge): the ledger holds one, so "
                f"{bases[0]} is kept and {', '.join(bases[1:])} dropped"
            )
        hub_id = bases[0].strip()
        base = ledger_id(hub_id)
        if SUBJECT_ID.fullmatch(base) is None:
            self.problems.append(Problem("unmapped", f"base_model '{hub_id}' gives no ledger id"))
            return None
        found = self.ledger.subject(base)
        if found is None:
            self.problems.append(
                Problem(
                    "missing-base",
                    f"base model {base} is not in the ledger; importing without it would hide "
                    "the restrictions this model inherits. Record the base first: "
                    f"provenance import-hf-card <its README.md> --model {hub_id} "
                    f"{self.cli_flags}, then import this card again",
                )
            )
        elif found.get("kind") != "model-version":
            self.problems.append(
                Problem(
                    "conflict",
                    f"base model {base} is recorded as a {found.get('kind')}, not a model version",
                )
            )
        return base


def define_command(licence: CustomLicence, key: str = "KEY", server: str | None = None) -> str:
    """The ``provenance sign … LicenceDefined | provenance submit -`` a user runs to state the
    terms of a custom licence (the terms template permits nothing: edit it to the licence)."""
    data = json.dumps(
        {"name": licence.name, "uri": licence.uri, "terms": _TERMS_TEMPLATE}, ensure_ascii=False
    )
    server_flag = f" --server {server}" if server else ""
    quoted = "'" + data.replace("'", "'\\''") + "'"
    return (
        f"provenance sign --key {key} --type LicenceDefined --subject {licence.id} "
        f"--data {quoted} | provenance submit{server_flag} -"
    )
