"""Which model version a Hugging Face card's base is, in the ledger (DESIGN.md §3
``base_model``): ``--base-model`` when given; else the ledger id written from the card's first
``base_model`` (a list is a merge: the others are dropped and named); else the one model version
whose weights were recorded with that Hub repository's URI. A base the ledger lacks, that is not
a model version, or that several model versions match by URI blocks a real import, saying how to
name it: dropping it would hide the restrictions a fine-tune inherits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.fields import SUBJECT_ID
from services.hf_import.plan import HUB, LedgerFacts, Problem, as_list, ledger_id


@dataclass
class BaseFound:
    base: str | None = None
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def find_base(
    meta: Mapping[str, Any], given: str | None, ledger: LedgerFacts, cli_flags: str
) -> BaseFound:
    """The base of the card ``meta`` (its front matter); ``cli_flags`` go into the commands a
    refusal suggests."""
    found = BaseFound()
    bases = as_list(meta.get("base_model"))
    if given is not None:
        if bases:
            found.warnings.append(
                f"--base-model {given} is taken as the card's base_model {', '.join(bases)}"
            )
        found.base = given
        _check(found, ledger, given, given, cli_flags)
        return found
    if not bases:
        return found
    if len(bases) > 1:
        found.warnings.append(
            f"base_model lists {len(bases)} models (a merge): the ledger holds one, so "
            f"{bases[0]} is kept and {', '.join(bases[1:])} dropped"
        )
    hub_id = bases[0].strip()
    base = ledger_id(hub_id)
    if SUBJECT_ID.fullmatch(base) is None:
        found.problems.append(Problem("unmapped", f"base_model '{hub_id}' gives no ledger id"))
        return found
    if ledger.subject(base) is None and _by_uri(found, ledger, hub_id):
        return found
    found.base = base
    _check(found, ledger, base, hub_id, cli_flags)
    return found


def _by_uri(found: BaseFound, ledger: LedgerFacts, hub_id: str) -> bool:
    """Find the model version whose weights were recorded with the base's Hub URI."""
    uri = f"{HUB}/{hub_id}"
    matches = ledger.models_with_weights(uri)
    if not matches:
        return False
    found.base = matches[0]
    if len(matches) == 1:
        found.warnings.append(
            f"base model {hub_id} is recorded as {matches[0]} (its weights have the URI "
            f"{uri}): the fine-tune names it as its base"
        )
    else:
        found.problems.append(
            Problem(
                "conflict",
                f"base model {hub_id} matches several model versions by its URI "
                f"({', '.join(matches)}): pass --base-model with the one it is",
            )
        )
    return True


def _check(found: BaseFound, ledger: LedgerFacts, base: str, hub_id: str, flags: str) -> None:
    recorded = ledger.subject(base)
    if recorded is None:
        found.problems.append(
            Problem(
                "missing-base",
                f"base model {base} is not in the ledger; importing without it would hide "
                "the restrictions this model inherits. Record the base first: "
                f"provenance import-hf-card <its README.md> --model {hub_id} {flags}, then "
                "import this card again; or, if the base is recorded under another id, import "
                "with --base-model <that id>",
            )
        )
    elif recorded.get("kind") != "model-version":
        found.problems.append(
            Problem(
                "conflict",
                f"base model {base} is recorded as a {recorded.get('kind')}, not a model version",
            )
        )
