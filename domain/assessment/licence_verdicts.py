"""A licence expression's verdict on one freedom: ``AND`` needs every part, ``OR`` lets the
user pick the most favourable part, ``WITH`` adds an exception's permissions to its licence.
Unknown ids, ``NOASSERTION`` and known ids with unknown terms are ``unknown``; ``NONE`` is
``denied``; none is ever treated as open."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from weakref import WeakKeyDictionary

from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

from domain.assessment.licence_rules import Freedom, rule
from domain.assessment.verdicts import Blocker, Status, Verdict, all_of, best_of, blocked
from domain.licence_syntax import parse_expression
from domain.licences.catalogue import LicenceCatalogue
from domain.licences.terms import LicenceKind


@dataclass(frozen=True, slots=True)
class Site:
    """Where a licence applies, for blockers and conditions."""

    artefact: str | None
    component: str | None
    evidence: tuple[str, ...]
    prefix: str = ""  # e.g. "inherited from base model x: "


_Asked = tuple[str, Freedom, str | None, str | None]
_SITELESS: WeakKeyDictionary[LicenceCatalogue, dict[_Asked, Verdict]] = WeakKeyDictionary()
"""Per catalogue, the verdicts that carry no blocker. Those depend on the expression, the
freedom and where the licence applies (which conditions name), never on a site's evidence or
prefix (which only blockers carry): a model's thousands of data sources under one licence
share one verdict. Verdicts with blockers are computed for each site."""


def licence_verdict(
    expression: str, freedom: Freedom, catalogue: LicenceCatalogue, site: Site
) -> Verdict:
    memo = _SITELESS.get(catalogue)
    if memo is None:
        memo = _SITELESS.setdefault(catalogue, {})
    asked = (expression, freedom, site.artefact, site.component)
    if (known := memo.get(asked)) is not None:
        return known
    verdict = _verdict(expression, freedom, catalogue, site)
    if not verdict.blockers:
        memo[asked] = verdict
    return verdict


def _verdict(expression: str, freedom: Freedom, catalogue: LicenceCatalogue, site: Site) -> Verdict:
    parsed = parse_expression(expression)
    if parsed is None:
        return blocked(Status.UNKNOWN, _blocker(site, expression, "the licence is empty"))
    return _evaluate(parsed, freedom, catalogue, site)


def _evaluate(node: Any, freedom: Freedom, catalogue: LicenceCatalogue, site: Site) -> Verdict:
    if isinstance(node, AND):
        return all_of(_evaluate(arg, freedom, catalogue, site) for arg in node.args)
    if isinstance(node, OR):
        return best_of(_evaluate(arg, freedom, catalogue, site) for arg in node.args)
    if isinstance(node, LicenseWithExceptionSymbol):
        verdict = _symbol(node.license_symbol.key, freedom, catalogue, site)
        exception = node.exception_symbol.key
        note = (
            f"{node.license_symbol.key} WITH {exception}: the exception's extra permissions apply"
        )
        return replace(verdict, conditions=verdict.conditions | {note})
    assert isinstance(node, LicenseSymbol)
    return _symbol(node.key, freedom, catalogue, site)


def _symbol(key: str, freedom: Freedom, catalogue: LicenceCatalogue, site: Site) -> Verdict:
    entry = catalogue.lookup(key)
    if entry is None:
        reason = (
            f"licence '{key}' is not in the catalogue: its terms are unknown, never assumed open"
        )
        return blocked(Status.UNKNOWN, _blocker(site, key, reason))
    evidence_site = Site(
        site.artefact, site.component, (*site.evidence, *entry.evidence), site.prefix
    )
    if entry.kind is LicenceKind.SPECIAL:
        if entry.id == "NONE":
            reason = "no licence (NONE): all rights are reserved"
            return blocked(Status.DENIED, _blocker(evidence_site, key, reason))
        reason = "no assertion about the licence was made (NOASSERTION)"
        return blocked(Status.UNKNOWN, _blocker(evidence_site, key, reason))
    if entry.terms is None:
        reason = f"the catalogue knows {entry.id} ({entry.name}) but not what it permits"
        return blocked(Status.UNKNOWN, _blocker(evidence_site, key, reason))
    ruling = rule(entry.terms, freedom)
    where = site.artefact or site.component or "the artefact"
    return Verdict(
        ruling.status,
        frozenset(f"{key} on {where}: {condition}" for condition in ruling.conditions),
        tuple(
            _blocker(evidence_site, key, f"{entry.name} ({entry.id}): {reason}", ruling.status)
            for reason in ruling.reasons
        ),
    )


def _blocker(site: Site, licence: str, reason: str, status: Status = Status.UNKNOWN) -> Blocker:
    return Blocker(
        site.artefact, site.component, licence, site.prefix + reason, site.evidence, status
    )
