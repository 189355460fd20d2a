"""Recomputing assessments from the events (``as_of`` and ``at`` queries, and the check that
projection answers equal recomputed ones).

Only the statements one model's answer rests on are read: starting from the model, each round
reads the recorded statements of newly discovered subjects (up to the ``as_of`` position) and
folds everything read so far, in log order, to discover the next subjects — until nothing new
turns up (the closure of ``domain.assessment.closure``). The answer reports as its position
the last statement it rests on, so a projection kept at the head gives identical bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.assessment.closure import closure_subjects
from domain.assessment.policies import POLICIES
from domain.assessment.report import UnknownModel, answer, catalogue_for
from domain.assessment.world import Recorded, World
from domain.encoding import format_utc_time_compact
from domain.licences.catalogue import LicenceCatalogue
from domain.rejections import Rejection, RejectionKind
from domain.suggestions import did_you_mean, similar_names
from services.ledger_view import LeafRecord, LedgerView
from services.read.as_of import AsOf, parse_rfc3339
from services.read.reads import LedgerReads
from services.read.recorded import recorded_from_leaf


@dataclass(frozen=True, slots=True)
class Assessment:
    body: bytes  # RFC 8785 JSON of the §6 document
    evidence: list[Recorded]  # the statements it rests on, in log order
    world: World  # the facts folded from them


def parse_at(at: str | None) -> datetime | None:
    if at is None:
        return None
    try:
        return parse_rfc3339(at)
    except ValueError as error:
        raise Rejection(
            RejectionKind.INVALID_QUERY, f"at must be an RFC 3339 time, not '{at}'"
        ) from error


def check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise Rejection(
            RejectionKind.INVALID_QUERY, f"unknown policy '{policy}'; known: {sorted(POLICIES)}"
        )
    return policy


class Assessments:
    """``hint`` names subjects the model is known to rest on at the head (the projection's
    watch list); reading them in the first round saves rounds, and is always safe: a
    closure only grows as the log does, and every round still checks for more."""

    def __init__(
        self,
        view: LedgerView,
        reads: LedgerReads,
        hint: Callable[[str], set[str]] = lambda model: set(),
    ) -> None:
        self._view = view
        self._reads = reads
        self._hint = hint

    def recompute(
        self, model_id: str, as_of: AsOf | None, at: str | None, policy: str
    ) -> Assessment:
        check_policy(policy)
        moment = parse_at(at)
        self._view.catch_up()
        world = self._closure_world(model_id, as_of, moment)
        try:
            body, evidence = answer(world, model_id, policy, _at_text(at, moment))
        except UnknownModel:
            raise self.unknown_model(model_id, " as of then" if as_of or at else "") from None
        return Assessment(body, evidence, world)

    def world_for(self, model_id: str, as_of: AsOf | None, at: str | None) -> World:
        """The facts the model's answer rests on (its closure), as of ``as_of`` and at ``at``;
        a 404 rejection when the model is not recorded then."""
        moment = parse_at(at)
        self._view.catch_up()
        world = self._closure_world(model_id, as_of, moment)
        if model_id not in world.models:
            raise self.unknown_model(model_id, " as of then" if as_of or at else "")
        return world

    def unknown_model(self, model_id: str, when: str = "") -> Rejection:
        """The 404 for a model version not recorded (``when`` qualifies it, e.g. " as of
        then"), naming the recorded ones it most resembles (``suggestions``)."""
        suggestions = similar_names(model_id, (m.id for m in self._view.models()))
        return Rejection(
            RejectionKind.NOT_FOUND,
            f"no model version '{model_id}'{when}{did_you_mean(suggestions)}",
            {"suggestions": suggestions},
        )

    def catalogue(self) -> LicenceCatalogue:
        """The catalogue with every ``LicenceDefined`` at the head, read from the events."""
        self._view.catch_up()
        return catalogue_for(_fold(self._events_of(self._view.licence_spellings(), None), None))

    def _closure_world(self, model_id: str, as_of: AsOf | None, moment: datetime | None) -> World:
        loaded: dict[str, Recorded] = {}
        known: set[str] = set()
        frontier = {model_id} | self._hint(model_id)
        world = World(moment)
        while frontier:
            known |= frontier
            before = len(loaded)
            for event in self._events_of(frontier, as_of):
                loaded.setdefault(event.event_id, event)
            if len(loaded) == before:
                break
            world = _fold(loaded.values(), moment)
            signers = {k for r in loaded.values() for k in r.signers}
            frontier = (closure_subjects(world, model_id) | signers) - known
        return world

    def _events_of(self, subjects: Iterable[str], as_of: AsOf | None) -> list[Recorded]:
        """The statements of these subjects (a licence id under every spelling) up to
        ``as_of``, in log order."""
        leaves = self._view.leaves_of(subjects, as_of.includes if as_of is not None else _any)
        indices = [leaf.leaf_index for leaf in leaves]
        return [recorded_from_leaf(leaf) for leaf in self._reads.committed(indices)]


def _any(leaf: LeafRecord) -> bool:
    return True


def _fold(events: Iterable[Recorded], moment: datetime | None) -> World:
    world = World(moment)
    for event in sorted(events, key=lambda r: r.leaf_index):
        world.add(event)
    return world


def _at_text(at: str | None, moment: datetime | None) -> str | None:
    return format_utc_time_compact(moment) if at is not None and moment is not None else None
