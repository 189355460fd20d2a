"""The plan of a Hugging Face card import (:mod:`services.hf_import.importer`): the ledger ids it
derives, what it asks of the ledger, and what it ends with.

Id scheme (``--model ID`` is the Hub repo id, optionally ``@REVISION``): ledger ids cannot hold
``_``, so every Hub id is written with ``_`` → ``+`` (lossless: Hub ids never contain ``+``).
With ``R`` the repo id so written and ``@V`` the revision if one was given:

- model version ``R@V`` (``R`` without a revision), ``version`` = ``V``, else ``main``;
- weights ``R/weights@V`` (``R/weights``), model card ``R/model-card@V`` (``R/model-card``),
  the training run the card's datasets imply ``R/training@V`` (``R/training``);
- each listed dataset ``hf-datasets/<dataset id>``, each known library ``hf-libraries/<name>``;
- the base model: ``--base-model`` when given, else the ledger id of the card's ``base_model``,
  else the model version whose weights were recorded with that Hub repository's URI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from domain.fields import SUBJECT_ID
from domain.statement import Statement
from services.hf_import.card_licences import CustomLicence

HUB = "https://huggingface.co"
DATASET_PREFIX = "hf-datasets/"
DEFAULT_REVISION = "main"


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
    run: str

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
            run=f"{base}/training{suffix}",
        )
        for derived in (ids.model, ids.weights, ids.card, ids.run):
            if SUBJECT_ID.fullmatch(derived) is None:
                raise ModelIdError(
                    f"--model '{model}': the derived id '{derived}' is not a ledger id "
                    f"(ids match {SUBJECT_ID.pattern}; '_' is written '+')"
                )
        return ids

    def hub_url(self, path: str = "") -> str:
        return f"{HUB}/{self.hub_repo}{path}"

    @property
    def weights_uri(self) -> str:
        return self.hub_url(f"/tree/{self.revision}" if self.revision else "")


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
    base: str | None = None  # the base model version the plan names, found in the ledger

    @property
    def importable(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user adds to the card: the base model's ledger id (``--base-model``) and
    training runs already recorded (``--training-run``)."""

    base_model: str | None = None
    training_runs: tuple[str, ...] = ()


class LedgerFacts(Protocol):
    """What the plan needs to know of the ledger."""

    def subject(self, subject_id: str) -> Mapping[str, Any] | None:
        """``GET /v1/subjects/{id}`` (``kind``, ``state``, …), or None when it is not recorded."""

    def licence_id(self, licence_id: str) -> str | None:
        """The ledger catalogue's spelling of ``licence_id`` (built-in or defined, any case),
        or None when the ledger does not know it."""

    def models_with_weights(self, uri: str) -> list[str]:
        """The model versions whose ``model-parameters`` artefacts were recorded with ``uri``
        (compared case-insensitively, as Hub repo ids are)."""


def ledger_id(hub_id: str) -> str:
    """A Hub id written as a ledger id: ``_`` (which ledger ids cannot hold) becomes ``+``."""
    return hub_id.strip().replace("_", "+")


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
