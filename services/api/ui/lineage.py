"""A model version's lineage as a graph: base models, training runs, datasets (and the datasets
they derive from) and hardware, laid out in columns for an inline SVG drawing."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.assessment.world import World

COLUMN_WIDTH = 230
ROW_HEIGHT = 56
NODE_WIDTH = 200
NODE_HEIGHT = 36
_COLUMNS = {"model": 0, "run": 1, "dataset": 2, "hardware": 3, "parameters": 3}


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str
    x: int
    y: int

    @property
    def label(self) -> str:
        return self.id if len(self.id) <= 28 else "…" + self.id[-27:]


@dataclass(frozen=True, slots=True)
class Edge:
    source: Node
    target: Node
    relation: str


@dataclass
class Lineage:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0


def lineage(world: World, model_id: str) -> Lineage:
    kinds: dict[str, str] = {}
    links: list[tuple[str, str, str]] = []
    model = world.models.get(model_id)
    seen_models: set[str] = set()
    while model is not None and model.id not in seen_models:
        seen_models.add(model.id)
        kinds[model.id] = "model"
        for run_id in model.training_runs:
            kinds[run_id] = "run"
            links.append((model.id, run_id, "trained by"))
            run = world.runs.get(run_id)
            for dataset in run.datasets if run else []:
                kinds.setdefault(dataset, "dataset")
                links.append((run_id, dataset, "trained on"))
            for hardware in run.hardware if run else []:
                kinds.setdefault(hardware, "hardware")
                links.append((run_id, hardware, "ran on"))
            if run and run.base_parameters:
                kinds.setdefault(run.base_parameters, "parameters")
                links.append((run_id, run.base_parameters, "started from"))
        if model.base_model:
            kinds.setdefault(model.base_model, "model")
            links.append((model.id, model.base_model, "fine-tuned from"))
        model = world.models.get(model.base_model) if model.base_model else None
    _add_dataset_parents(world, kinds, links)
    return _layout(kinds, links)


def _add_dataset_parents(
    world: World, kinds: dict[str, str], links: list[tuple[str, str, str]]
) -> None:
    pending = [node for node, kind in kinds.items() if kind == "dataset"]
    while pending:
        artefact = world.artefacts.get(pending.pop())
        for parent in artefact.derived_from if artefact else {}:
            if parent not in kinds:
                kinds[parent] = "dataset"
                pending.append(parent)
            links.append((artefact.id if artefact else "", parent, "derived from"))


def _layout(kinds: dict[str, str], links: list[tuple[str, str, str]]) -> Lineage:
    rows = [0, 0, 0, 0]
    nodes: dict[str, Node] = {}
    for node_id, kind in kinds.items():
        column = _COLUMNS[kind]
        nodes[node_id] = Node(
            node_id, kind, 10 + column * COLUMN_WIDTH, 10 + rows[column] * ROW_HEIGHT
        )
        rows[column] += 1
    edges = [
        Edge(nodes[a], nodes[b], relation) for a, b, relation in links if a in nodes and b in nodes
    ]
    width = (
        10 + max(_COLUMNS[k] for k in kinds.values()) * COLUMN_WIDTH + NODE_WIDTH + 10
        if kinds
        else 0
    )
    return Lineage(
        list(nodes.values()), list(dict.fromkeys(edges)), width, 10 + max(rows) * ROW_HEIGHT
    )
