"""What an import says before it plans anything: which card fields the mapping table drops or
approximates, and which of its ids the ledger already holds (a Hub repository recorded as
another model version included: its weights would get two answers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.hf_import.card import show
from services.hf_import.card_mapping import FieldMapping, row_for
from services.hf_import.plan import LedgerFacts, ModelIds, Problem, as_list


def table_notes(meta: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(dropped, approximated): every present field the table drops, and each approximation
    once per row (``license_name`` only with ``license: other``; otherwise the licence reading
    says it is ignored)."""
    dropped, approximated = [], []
    rows: dict[FieldMapping, list[str]] = {}
    for key, value in meta.items():
        row = row_for(key)
        if row.status == "dropped":
            dropped.append(f"{key}: {show(value)} — {row.note}")
        elif row.status == "approximated":
            rows.setdefault(row, []).append(key)
    other = any(v.strip().lower() == "other" for v in as_list(meta.get("license")))
    for row, keys in rows.items():
        if row.card_field == "license_name" and not other:
            continue
        shown = ", ".join(keys) if len(keys) > 1 else f"{keys[0]}: {show(meta[keys[0]])}"
        approximated.append(f"approximated {shown} — {row.note}")
    return dropped, approximated


def already_recorded(
    ledger: LedgerFacts, ids: ModelIds, subject_ids: Sequence[str]
) -> list[Problem]:
    problems = []
    for subject_id in subject_ids:
        found = ledger.subject(subject_id)
        if found is not None:
            problems.append(
                Problem(
                    "conflict",
                    f"{subject_id} is already recorded (a {found.get('kind')}); to import "
                    f"another revision use --model {ids.hub_repo}@REVISION",
                )
            )
    return problems


def recorded_elsewhere(ledger: LedgerFacts, ids: ModelIds) -> list[Problem]:
    """The same Hub repository (and revision) recorded as another model version."""
    uri = ids.weights_uri
    return [
        Problem(
            "conflict",
            f"{ids.hub_repo} is already recorded as model version {model} (its weights have "
            f"the URI {uri}); importing it again would make a second model version of the same "
            f"weights. Import fine-tunes of it with --base-model {model} (or let the import "
            f"find it by its URI); to record another revision use --model {ids.hub_repo}@REVISION",
        )
        for model in ledger.models_with_weights(uri)
        if model != ids.model
    ]
