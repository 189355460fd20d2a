"""What one licence's terms mean for each freedom over the artefact it covers.

Each rule returns a status, the conditions that come with it (notices, share-alike, source)
and the plain-words reasons that limit it. The reasons become blockers naming the licence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.assessment.verdicts import Status, worse
from domain.licences.terms import LicenceTerms


class Freedom(StrEnum):
    USE = "use"
    STUDY = "study"
    MODIFY = "modify"
    SHARE = "share"


@dataclass(frozen=True, slots=True)
class Ruling:
    status: Status
    conditions: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


def _limits(terms: LicenceTerms, purpose: str) -> list[str]:
    """Limits on who may exercise a freedom, or for what."""
    reasons = []
    if terms.use_restricted:
        reasons.append(f"field-of-use restrictions (an acceptable-use policy) bind every {purpose}")
    if not terms.commercial_use:
        reasons.append(f"no commercial {purpose}")
    if terms.user_threshold is not None:
        reasons.append(
            f"licensees above {terms.user_threshold:,} monthly active users need a separate licence"
        )
    return reasons


def _grants_nothing(terms: LicenceTerms) -> bool:
    """A licence that permits neither commercial use, nor changes, nor sharing, and grants no
    limited use either (e.g. "all rights reserved") grants no use beyond what the licensor
    allows case by case. A research-only licence (``use_restricted``) does grant a use."""
    return not (
        terms.commercial_use or terms.modification or terms.redistribution or terms.use_restricted
    )


def rule(terms: LicenceTerms, freedom: Freedom) -> Ruling:
    if freedom is Freedom.USE and _grants_nothing(terms):
        return Ruling(
            Status.DENIED, (), ("grants no right to use it without the licensor's leave",)
        )
    if freedom is Freedom.USE:
        reasons = _limits(terms, "use")
        return Ruling(Status.RESTRICTED if reasons else Status.GRANTED, (), tuple(reasons))
    if freedom is Freedom.STUDY:
        if terms.reverse_engineering_ban:
            return Ruling(Status.DENIED, (), ("forbids reverse engineering and decompiling",))
        return Ruling(Status.GRANTED)
    if freedom is Freedom.MODIFY:
        if not terms.modification:
            return Ruling(Status.DENIED, (), ("does not permit modification",))
        reasons = _limits(terms, "use of modified versions")
        return Ruling(Status.RESTRICTED if reasons else Status.GRANTED, (), tuple(reasons))
    return _share(terms)


def _share(terms: LicenceTerms) -> Ruling:
    if not terms.redistribution:
        return Ruling(Status.DENIED, (), ("does not permit redistribution",))
    status, reasons = Status.GRANTED, _limits(terms, "redistribution")
    if not terms.redistribution_modified:
        reasons.append("modified versions may not be shared")
    if reasons:
        status = Status.RESTRICTED
    conditions = []
    if terms.attribution:
        conditions.append("keep the licence, copyright notices and attribution")
    if terms.share_alike:
        conditions.append("share modified versions under the same terms (copyleft)")
    if terms.source_obligation:
        conditions.append("provide the corresponding source when distributing")
    if conditions:
        status = worse(status, Status.CONDITIONAL)
    return Ruling(status, tuple(conditions), tuple(reasons))
