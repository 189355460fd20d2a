"""Finding model versions: the list behind ``GET /v1/models``, ``provenance models`` and ``/ui``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.ledger_view import ModelSummary
from services.read.freedoms_grid import FREEDOMS


@dataclass(frozen=True, slots=True)
class ListedModel:
    """A model version and its assessment (§6, default policy, at the head)."""

    summary: ModelSummary
    assessment: dict[str, Any]

    def verdicts(self) -> dict[str, Any]:
        """``{use, study, modify, share, osaid, mof}``: each freedom's status, OSAID 1.0
        conformance (bool) and the MOF class (or None)."""
        frameworks = self.assessment["frameworks"]
        return {
            **{f: self.assessment["freedoms"][f]["status"] for f in FREEDOMS},
            "osaid": frameworks["osaid-1.0"]["conformant"],
            "mof": frameworks["mof"]["class"],
        }

    def to_json(self) -> dict[str, Any]:
        model = self.summary
        return {
            "id": model.id,
            "name": model.name,
            "version": model.version,
            "owner": model.owner,
            "verdicts": self.verdicts(),
        }


def matching_models(models: Sequence[ModelSummary], query: str, after: str) -> list[ModelSummary]:
    """``models`` (sorted by id) whose id or name contains ``query`` ignoring case, with an
    id after ``after`` (empty: from the start)."""
    wanted = query.casefold()
    return [
        m
        for m in models
        if m.id > after and (wanted in m.id.casefold() or wanted in m.name.casefold())
    ]
