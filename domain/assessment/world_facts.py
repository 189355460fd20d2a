"""The facts the assessment reads about each subject (``domain.assessment.world``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from domain.quick_init import quick_init

if TYPE_CHECKING:
    from domain.statement import Statement


@quick_init
@dataclass(frozen=True, slots=True)
class Recorded:
    """A recorded statement: its event id, signers (author first), leaf and position."""

    statement: Statement
    event_id: str
    signers: tuple[str, ...]
    leaf_index: int
    position: int | None = None  # unknown offline (bundles carry leaf indices only)

    @property
    def author(self) -> str:
        return self.signers[0]


@dataclass(slots=True)
class Grant:
    licence: str
    uri: str | None
    event_id: str
    withdrawn_by: str | None = None


@dataclass(slots=True)
class DataSource:
    source: str
    name: str
    licence: str | None
    rights: str
    share: float | None
    event_id: str


@dataclass(slots=True)
class Layer:
    layer: str
    name: str
    vendor: str
    licence: str


@dataclass(frozen=True, slots=True)
class InForce:
    """The statement of a superseding type (catalogue v1.1) in force: the latest
    ``effective_at`` among those the world holds, ties to the later position."""

    data: dict[str, Any]
    event_id: str
    effective: datetime

    def superseded_by(self, effective: datetime) -> bool:
        return effective >= self.effective


class _NoEntries(Mapping[Any, Any]):
    """The empty mapping, hashable so that it can be a dataclass field's default: see
    :class:`ArtefactFacts`."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __hash__(self) -> int:
        return 0

    def __reduce__(self) -> str:
        return "NO_ENTRIES"


NO_ENTRIES: Mapping[Any, Any] = _NoEntries()


@dataclass(slots=True)
class ArtefactFacts:
    """An artefact's facts. Most artefacts never get a data source, a lineage or a hardware
    layer, so those start as one shared empty tuple or mapping, never written: a fold that adds
    one gives the artefact a list or dict of its own (:func:`appended`, :func:`own`). The five
    empty containers each artefact had were ~300 of its ~450 bytes: 200,000 registrations held
    in a dict took 137 MB and 5.6 us each with them, 75 MB and 3.2 us without. With the
    notifications read as tuples (``infra.postgres_recorder``), the projection worker's
    instructions per event (cachegrind, 10,000 registrations folded) went from ~184k to ~170k,
    ~6k of it from here."""

    id: str
    kind: str
    component: str | None
    name: str
    availability: str
    digest: str | None
    event_id: str
    grants: Sequence[Grant] = ()
    sources: Mapping[str, DataSource] = NO_ENTRIES
    derived_from: Mapping[str, str] = NO_ENTRIES  # dataset -> event id
    processing_code: Mapping[str, str] = NO_ENTRIES  # artefact -> event id
    layers: Sequence[Layer] = ()
    layers_event: str | None = None
    described: InForce | None = None  # DatasetDescribed
    uri: str | None = None

    def grants_in_force(self) -> list[Grant]:
        return [grant for grant in self.grants if grant.withdrawn_by is None]


@dataclass(slots=True)
class RunFacts:
    id: str
    code: list[str]
    datasets: list[str]
    hardware: list[str]
    produced: list[str]
    base_parameters: str | None
    event_id: str
    stage: str | None = None
    compute: dict[str, Any] | None = None

    @property
    def flop(self) -> float | None:
        """The run's compute in FLOP, if stated as a number (v1.1); else unknown."""
        flop = (self.compute or {}).get("flop")
        if isinstance(flop, int | float) and not isinstance(flop, bool):
            return float(flop)
        return None


@dataclass(slots=True)
class ModelFacts:
    id: str
    name: str
    version: str
    training_runs: list[str]
    base_model: str | None
    event_id: str
    components: dict[str, list[str]] = field(default_factory=dict)
    links: dict[tuple[str, str], str] = field(default_factory=dict)  # (component, artefact)
    owner: str | None = None  # the organisation of the key that released it
    described: InForce | None = None  # ModelVersionDescribed
    distributed: InForce | None = None  # ModelVersionDistributed
    designation: InForce | None = None  # SystemicRiskDesignated


@dataclass(slots=True)
class SignerFacts:
    keyid: str
    organisation: str
    roles: tuple[str, ...]
    event_id: str
    revoked_by: str | None = None
    compromised_since: datetime | None = None


@dataclass(slots=True)
class ClaimFacts:
    event_id: str
    subject: str
    claim: str
    detail: str
    signer: str
    retracted_by: str | None = None


@dataclass(slots=True)
class DefinedLicence:
    """The definition in force of one licence, whatever spellings its statements used: ``id``
    is the catalogue's spelling (a built-in's, else the first definition's); ``subjects`` every
    spelling a ``LicenceDefined`` of it was recorded under."""

    id: str
    data: dict[str, Any]
    event_ids: list[str]
    subjects: list[str]


T = TypeVar("T")
V = TypeVar("V")


def appended(items: Sequence[T], item: T) -> list[T]:
    """``items`` with ``item`` at the end: the list itself if ``items`` is one (appended in
    place), else a new list (``items`` is a shared empty default)."""
    if type(items) is list:
        items.append(item)
        return items
    return [*items, item]


def own(entries: Mapping[str, V]) -> dict[str, V]:
    """``entries`` as a dict that may be written: itself if it is one, else a new one
    (``entries`` is a shared empty default)."""
    return entries if type(entries) is dict else dict(entries)
