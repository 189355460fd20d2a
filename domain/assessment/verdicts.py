"""Verdicts on one freedom and how they combine (DESIGN.md §6).

Statuses from most to least favourable: granted, conditional, restricted, unknown, denied.
``all_of`` (AND: every part is needed) keeps the least favourable status and every condition
and blocker; ``best_of`` (OR, or several grants in force) keeps the most favourable
alternative, as the user may pick it. Every blocker carries the status it imposes, so a
reader never has to guess how bad one reason is from the freedom's overall status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    GRANTED = "granted"
    CONDITIONAL = "conditional"
    RESTRICTED = "restricted"
    UNKNOWN = "unknown"
    DENIED = "denied"


_RANK = {status: rank for rank, status in enumerate(Status)}


def worse(first: Status, second: Status) -> Status:
    return first if _RANK[first] >= _RANK[second] else second


@dataclass(frozen=True, slots=True)
class Blocker:
    artefact: str | None
    component: str | None
    licence: str | None
    reason: str
    evidence: tuple[str, ...] = ()
    status: Status = Status.UNKNOWN  # what this reason alone makes of the freedom

    def to_json(self) -> dict[str, Any]:
        return {
            "artefact": self.artefact,
            "component": self.component,
            "licence": self.licence,
            "reason": self.reason,
            "evidence": list(self.evidence),
            "status": self.status.value,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    conditions: frozenset[str] = frozenset()
    blockers: tuple[Blocker, ...] = ()


GRANTED = Verdict(Status.GRANTED)


def all_of(verdicts: Iterable[Verdict]) -> Verdict:
    status, conditions, blockers = Status.GRANTED, set[str](), dict[Blocker, None]()
    for verdict in verdicts:
        status = worse(status, verdict.status)
        conditions |= verdict.conditions
        blockers.update(dict.fromkeys(verdict.blockers))
    return Verdict(status, frozenset(conditions), tuple(blockers))


def best_of(verdicts: Iterable[Verdict]) -> Verdict:
    """The most favourable alternative (the first one of equal rank, so the result is stable)."""
    chosen: Verdict | None = None
    for verdict in verdicts:
        if chosen is None or _RANK[verdict.status] < _RANK[chosen.status]:
            chosen = verdict
    return chosen if chosen is not None else Verdict(Status.UNKNOWN)


def at_best(verdict: Verdict, status: Status, blocker: Blocker) -> Verdict:
    """Cap ``verdict`` at ``status`` and record why (the blocker carries ``status``)."""
    blocker = replace(blocker, status=status)
    blockers = verdict.blockers if blocker in verdict.blockers else (*verdict.blockers, blocker)
    return Verdict(worse(verdict.status, status), verdict.conditions, blockers)


def blocked(status: Status, blocker: Blocker) -> Verdict:
    """A verdict of ``status`` for one reason, which carries that status."""
    return Verdict(status, frozenset(), (replace(blocker, status=status),))
