"""Blockers grouped by what they say: one entry per licence and reason, with every artefact it
limits, the freedoms it limits and the union of its evidence, so each sentence is read once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_SEVERITY = ("granted", "conditional", "unknown", "restricted", "denied")


@dataclass
class BlockerGroup:
    licence: str | None
    reason: str
    status: str  # the worst status the reason imposes on any of its rows
    freedoms: list[str] = field(default_factory=list)
    artefacts: list[tuple[str | None, str]] = field(default_factory=list)  # (artefact, component)
    evidence: list[str] = field(default_factory=list)


def group_blockers(blockers: Iterable[tuple[str, dict[str, Any]]]) -> list[BlockerGroup]:
    """``(freedom, blocker)`` pairs grouped by (licence, reason), in order of first appearance;
    artefacts, freedoms and evidence each listed once, in order of first appearance."""
    groups: dict[tuple[str | None, str], BlockerGroup] = {}
    for freedom, blocker in blockers:
        status = str(blocker.get("status", "unknown"))
        key = (blocker["licence"], blocker["reason"])
        group = groups.setdefault(key, BlockerGroup(blocker["licence"], blocker["reason"], status))
        group.status = max(group.status, status, key=_rank)
        _add(group.freedoms, freedom)
        _add(group.artefacts, (blocker["artefact"], blocker["component"]))
        for event_id in blocker["evidence"]:
            _add(group.evidence, event_id)
    return list(groups.values())


def all_blockers(assessment: dict[str, Any], freedoms: Iterable[str]) -> list[BlockerGroup]:
    """Every freedom's blockers in one grouping (a reason shared by several freedoms once)."""
    return group_blockers(
        (f, blocker) for f in freedoms for blocker in assessment["freedoms"][f]["blockers"]
    )


def _rank(status: str) -> int:
    return _SEVERITY.index(status) if status in _SEVERITY else len(_SEVERITY)


def _add(items: list[Any], item: Any) -> None:
    if item not in items:
        items.append(item)
