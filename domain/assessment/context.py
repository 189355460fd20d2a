"""What one assessment run reads: the world, the model, the licence catalogue and the policy,
plus the lineage walks every rule shares (base models, training runs, datasets)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from domain.assessment.policies import Policy
from domain.assessment.world import ModelFacts, RunFacts, World
from domain.licences.catalogue import LicenceCatalogue

# A row of the freedoms × artefacts grid: (artefact id, component); the artefact is None for
# a component the model does not record at all ("no inference-code is recorded").
Row = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class ArtefactRef:
    """An artefact as one model uses it: under which component, linked by which event, and
    (for inherited parameters) through which base model or run."""

    artefact: str
    component: str
    link_event: str
    via: str | None = None


class Context:
    def __init__(
        self, world: World, model: ModelFacts, catalogue: LicenceCatalogue, policy: Policy
    ) -> None:
        self.world = world
        self.model = model
        self.catalogue = catalogue
        self.policy = policy

    @cached_property
    def lineage(self) -> list[ModelFacts]:
        """The model, then its base model, then that one's base, … (cycles cut)."""
        chain: list[ModelFacts] = []
        model: ModelFacts | None = self.model
        while model is not None and model not in chain:
            chain.append(model)
            model = self.world.models.get(model.base_model) if model.base_model else None
        return chain

    @cached_property
    def missing_bases(self) -> list[tuple[ModelFacts, str]]:
        """(model, base id) where a model in the lineage names a base the world lacks (not
        recorded, or not yet effective at the date asked): its restrictions are unknown."""
        return [
            (model, model.base_model)
            for model in self.lineage
            if model.base_model and model.base_model not in self.world.models
        ]

    @cached_property
    def runs(self) -> list[RunFacts]:
        """Training runs of the model and of its bases, each once."""
        runs: dict[str, RunFacts] = {}
        for model in self.lineage:
            for run_id in model.training_runs:
                run = self.world.runs.get(run_id)
                if run is not None:
                    runs.setdefault(run_id, run)
        return list(runs.values())

    def own(self, component: str) -> list[ArtefactRef]:
        return [
            ArtefactRef(a, component, self.model.links[(component, a)])
            for a in self.model.components.get(component, [])
        ]

    @cached_property
    def parameters(self) -> list[ArtefactRef]:
        """The model's parameters and every parameters artefact it inherits: its bases'
        (``base_model``, any depth) and its runs' ``base_parameters``."""
        refs = self.own("model-parameters")
        for base in self.lineage[1:]:
            refs += [
                ArtefactRef(
                    a,
                    "model-parameters",
                    base.links[("model-parameters", a)],
                    f"base model {base.id}",
                )
                for a in base.components.get("model-parameters", [])
            ]
        for run in self.runs:
            if run.base_parameters:
                refs.append(
                    ArtefactRef(
                        run.base_parameters,
                        "model-parameters",
                        run.event_id,
                        f"base parameters of run {run.id}",
                    )
                )
        unique: dict[str, ArtefactRef] = {}
        for ref in refs:
            unique.setdefault(ref.artefact, ref)
        return list(unique.values())

    @cached_property
    def training_datasets(self) -> list[str]:
        """Datasets the training runs name (own and bases'), in order, each once."""
        return list(dict.fromkeys(d for run in self.runs for d in run.datasets))

    @cached_property
    def dataset_lineage(self) -> list[str]:
        """The training datasets and every dataset they were derived from."""
        found = list(self.training_datasets)
        pending = list(found)
        while pending:
            artefact = self.world.artefacts.get(pending.pop())
            for parent in artefact.derived_from if artefact else {}:
                if parent not in found:
                    found.append(parent)
                    pending.append(parent)
        return found

    @cached_property
    def hardware(self) -> list[str]:
        return list(dict.fromkeys(h for run in self.runs for h in run.hardware))
