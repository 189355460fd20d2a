"""What one licence expression means for the EU AI Act's open-source test (DESIGN.md §11.2).

A licence qualifies when it grants access, use, modification and distribution free of charge
with at most attribution, same-terms (copyleft) and proportionate safety restrictions
(Art. 53(2), Recital 102, the Commission's guidelines §4.2.1). Each term that falls short is an
:class:`Issue` on one of the ``licence-*`` conditions: ``disqualified`` for the named
disqualifiers, ``unclear`` for the readings the sources dispute, ``unknown`` for terms nobody
recorded. ``AND`` keeps every part's issues (the worse); ``OR`` keeps the best alternative's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

from domain.licence_syntax import parse_expression
from domain.licences.catalogue import LicenceCatalogue
from domain.licences.terms import LicenceKind, LicenceTerms

# Statuses from worst to best; an answer's status is the worst of its issues.
DISQUALIFIED, UNKNOWN, UNCLEAR, QUALIFIES = "disqualified", "unknown", "unclear", "qualifies"
RANK = {DISQUALIFIED: 0, UNKNOWN: 1, UNCLEAR: 2, QUALIFIES: 3}
LICENCE_CONDITIONS = ("licence-access", "licence-use", "licence-modify", "licence-distribute")
# Restriction kinds the guidelines name as disqualifying (¶83), and where they bite.
_DISQUALIFYING = {
    "non-commercial": ("licence-use", "non-commercial terms"),
    "research-only": ("licence-use", "research-only terms"),
    "separate-licence": ("licence-use", "a separate licence is required for some uses"),
    "territorial": ("licence-access", "use is barred in some territories"),
}
# Restrictions the sources read both ways unless marked safety-oriented (¶84).
_DISPUTED = {
    "field-of-use": "use restrictions (an acceptable-use list) not marked safety-oriented",
    "output-use": "restrictions on the use of outputs",
}


@dataclass(frozen=True, slots=True, order=True)
class Issue:
    """One condition a licence does not plainly meet, with the licence and why."""

    condition: str
    status: str
    licence: str
    reason: str
    evidence: tuple[str, ...] = ()


def status_of(issues: tuple[Issue, ...]) -> str:
    """The worst status among ``issues`` (``qualifies`` when there are none)."""
    return min((i.status for i in issues), key=RANK.__getitem__, default=QUALIFIES)


def licence_issues(expression: str, catalogue: LicenceCatalogue) -> tuple[Issue, ...]:
    """The issues of one licence expression (already validated when recorded)."""
    parsed = parse_expression(expression)
    if parsed is None:
        return _unknown(expression, "the licence expression is empty", ())
    return _evaluate(parsed, catalogue)


def best(alternatives: list[tuple[Issue, ...]]) -> tuple[Issue, ...]:
    """The most favourable alternative: best status, then fewest issues, then first given."""
    ranked = sorted(
        range(len(alternatives)),
        key=lambda i: (-RANK[status_of(alternatives[i])], len(alternatives[i]), i),
    )
    return alternatives[ranked[0]] if ranked else ()


def _evaluate(node: Any, catalogue: LicenceCatalogue) -> tuple[Issue, ...]:
    if isinstance(node, AND):
        return tuple(sorted({i for arg in node.args for i in _evaluate(arg, catalogue)}))
    if isinstance(node, OR):
        return best([_evaluate(arg, catalogue) for arg in node.args])
    if isinstance(node, LicenseWithExceptionSymbol):  # an exception only adds permissions
        return _symbol(node.license_symbol.key, catalogue)
    assert isinstance(node, LicenseSymbol)
    return _symbol(node.key, catalogue)


def _symbol(key: str, catalogue: LicenceCatalogue) -> tuple[Issue, ...]:
    entry = catalogue.lookup(key)
    if entry is None:
        return _unknown(key, f"licence '{key}' is not in the catalogue: its terms are unknown", ())
    if entry.kind is LicenceKind.SPECIAL and entry.id == "NONE":
        return tuple(
            Issue(c, DISQUALIFIED, key, "no licence (NONE): all rights are reserved", ())
            for c in LICENCE_CONDITIONS
        )
    if entry.terms is None:
        reason = f"the catalogue knows {entry.id} but not what it permits; define its terms"
        return _unknown(entry.id, reason, entry.evidence)
    return _terms_issues(entry.id, entry.terms, entry.evidence)


def _unknown(licence: str, reason: str, evidence: tuple[str, ...]) -> tuple[Issue, ...]:
    return tuple(Issue(c, UNKNOWN, licence, reason, evidence) for c in LICENCE_CONDITIONS)


def _terms_issues(
    licence: str, terms: LicenceTerms, evidence: tuple[str, ...]
) -> tuple[Issue, ...]:
    found: list[tuple[str, str, str]] = []  # (condition, status, reason)
    if not (terms.commercial_use or terms.modification or terms.redistribution):
        found += [
            (c, DISQUALIFIED, "grants no right beyond what the law allows")
            for c in LICENCE_CONDITIONS
        ]
    if not terms.commercial_use:
        found.append(("licence-use", DISQUALIFIED, "no commercial use (non-commercial terms)"))
    if not terms.modification:
        found.append(("licence-modify", DISQUALIFIED, "does not permit modification"))
    if not terms.redistribution:
        found.append(("licence-distribute", DISQUALIFIED, "does not permit redistribution"))
    elif not terms.redistribution_modified:
        found.append(("licence-distribute", DISQUALIFIED, "modified versions may not be shared"))
    if terms.user_threshold is not None:
        if terms.threshold_consequence == "attribution":
            found.append(
                (
                    "licence-use",
                    UNCLEAR,
                    f"above {terms.user_threshold:,} monthly active users an attribution "
                    "condition applies (the sources read a scale-triggered condition both ways)",
                )
            )
        else:
            found.append(
                (
                    "licence-use",
                    DISQUALIFIED,
                    f"licensees above {terms.user_threshold:,} monthly active users need "
                    "another licence (a user threshold, guidelines ¶83)",
                )
            )
    for restriction in terms.restrictions or ():
        if restriction.kind in _DISQUALIFYING:
            condition, reason = _DISQUALIFYING[restriction.kind]
            found.append((condition, DISQUALIFIED, reason))
        elif restriction.kind in _DISPUTED and not restriction.safety_oriented:
            found.append(("licence-use", UNCLEAR, _DISPUTED[restriction.kind]))
    if terms.restrictions is None and terms.use_restricted:
        found.append(
            (
                "licence-use",
                UNCLEAR,
                "field-of-use restrictions whose kind is not recorded (state terms.restrictions)",
            )
        )
    if terms.excluded_regions:
        regions = ", ".join(terms.excluded_regions)
        found.append(("licence-access", DISQUALIFIED, f"the licence excludes {regions}"))
    if terms.licensor_may_change:
        found.append(
            ("licence-use", UNCLEAR, "the licensor may change the terms (or restrict use) alone")
        )
    return tuple(sorted({Issue(c, s, licence, r, evidence) for c, s, r in found}))
