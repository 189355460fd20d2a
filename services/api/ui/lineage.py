"""A model version's lineage as a directed graph for an inline SVG drawing: base models (at
any depth), training runs, datasets (and the datasets they derive from) and hardware, each
node labelled with its id in full and its licences, laid out in layers by distance from the
model so that every edge runs through the gap between two columns and never behind a box."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from domain.assessment.world import World

CHAR_WIDTH = 7.3  # 12px monospace
NODE_HEIGHT = 44
ROW_GAP = 16
COLUMN_GAP = 70
MARGIN = 10
_KIND_NAMES = {
    "model": "model version",
    "run": "training run",
    "dataset": "dataset",
    "hardware": "hardware stack",
    "parameters": "base parameters",
}


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str
    detail: str  # the kind, and the licences in force where it has any
    x: int
    y: int
    width: int

    @property
    def height(self) -> int:
        return NODE_HEIGHT


@dataclass(frozen=True, slots=True)
class Edge:
    source: Node
    target: Node
    relation: str

    @property
    def path(self) -> str:
        """SVG path data from the source to the target (an arrow marks the target end)."""
        s, t = self.source, self.target
        if t.x > s.x:  # the next column: straight across the gap
            return f"M{s.x + s.width},{s.y + NODE_HEIGHT // 2} L{t.x - 2},{t.y + NODE_HEIGHT // 2}"
        right = max(s.x + s.width, t.x + t.width)  # same or an earlier column: around the right
        bulge = right + COLUMN_GAP // 2
        return (
            f"M{s.x + s.width},{s.y + NODE_HEIGHT // 2} "
            f"C{bulge},{s.y + NODE_HEIGHT // 2} {bulge},{t.y + NODE_HEIGHT // 2} "
            f"{t.x + t.width + 2},{t.y + NODE_HEIGHT // 2}"
        )


@dataclass
class Lineage:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0


def lineage(world: World, model_id: str, licences_of: Callable[[str], str]) -> Lineage:
    """The graph of ``model_id``; ``licences_of`` names an artefact's licences in force."""
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
    details = {node: _detail(kind, node, licences_of) for node, kind in kinds.items()}
    return _layout(model_id, kinds, details, list(dict.fromkeys(links)))


def _detail(kind: str, node: str, licences_of: Callable[[str], str]) -> str:
    name = _KIND_NAMES[kind]
    if kind in ("model", "run", "hardware"):  # a stack's layers carry the licences
        return name
    return f"{name} · {licences_of(node)}"


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


def _layers(root: str, kinds: dict[str, str], links: list[tuple[str, str, str]]) -> dict[str, int]:
    """Each node's distance from ``root`` along the links (unreached nodes after the rest)."""
    layer = {root: 0}
    frontier = [root]
    while frontier:
        following = []
        for node in frontier:
            for source, target, _ in links:
                if source == node and target not in layer:
                    layer[target] = layer[node] + 1
                    following.append(target)
        frontier = following
    deepest = max(layer.values(), default=0)
    return {node: layer.get(node, deepest + 1) for node in kinds}


def _layout(
    root: str,
    kinds: dict[str, str],
    details: dict[str, str],
    links: list[tuple[str, str, str]],
) -> Lineage:
    if not kinds:
        return Lineage()
    layers = _layers(root, kinds, links)
    columns: dict[int, list[str]] = {}
    for node in kinds:
        columns.setdefault(layers[node], []).append(node)
    nodes: dict[str, Node] = {}
    x = MARGIN
    for column in sorted(columns):
        members = columns[column]
        width = max(int(max(len(n), len(details[n])) * CHAR_WIDTH) + 20 for n in members)
        for row, node in enumerate(members):
            y = MARGIN + row * (NODE_HEIGHT + ROW_GAP)
            nodes[node] = Node(node, kinds[node], details[node], x, y, width)
        x += width + COLUMN_GAP
    edges = [Edge(nodes[a], nodes[b], r) for a, b, r in links if a in nodes and b in nodes]
    tallest = max(len(members) for members in columns.values())
    height = 2 * MARGIN + tallest * (NODE_HEIGHT + ROW_GAP)
    return Lineage(list(nodes.values()), edges, x - COLUMN_GAP + MARGIN + COLUMN_GAP // 2, height)
