"""The freedoms × artefacts grid agrees cell by cell wherever it is shown: the assessment JSON
(``freedoms.<f>.artefacts``, each row's own status), the CLI table (the renderer
``provenance freedoms`` prints, fed as the command feeds it) and the ``/ui/models/{id}`` page —
for every example under every policy."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.assessment.policies import POLICIES
from services.cli.freedoms_table import render
from services.demo.examples import demo_envelopes
from services.read.freedoms_grid import FREEDOMS, NOT_NEEDED, row_label
from tests.api.conftest import post_all
from tests.assessment_contract import EXAMPLES, MODELS
from tests.builders import Cast

Cells = dict[tuple[str, str], dict[str, str]]  # (row label, component) -> freedom -> status
_CLI_STATUS = {"ok": "granted", "ok*": "conditional", "·": NOT_NEEDED}


@pytest.fixture
def demo(client: TestClient, cast: Cast) -> TestClient:
    post_all(client, demo_envelopes(EXAMPLES, cast.operator)[0])
    return client


def test_json_cli_and_page_agree_cell_by_cell(demo: TestClient) -> None:
    compared = 0
    for model in sorted(set(MODELS)):
        components = demo.get(f"/v1/subjects/{model}").json()["state"]["components"]
        for policy in POLICIES:
            assessment = demo.get(f"/v1/models/{model}/freedoms", params={"policy": policy}).json()
            expected = _from_json(assessment)
            page = demo.get(f"/ui/models/{model}", params={"policy": policy})
            assert page.status_code == 200
            table = render(assessment, components)
            for name, shown in (("page", _from_page(page.text)), ("CLI", _from_table(table))):
                for row, cells in shown.items():
                    wanted = expected.get(row, dict.fromkeys(FREEDOMS, NOT_NEEDED))
                    assert cells == wanted, (name, model, policy, row)
                assert set(expected) <= set(shown), (name, model, policy)
            compared += 1
    assert compared == len(set(MODELS)) * len(POLICIES)


def test_each_blocker_sits_on_a_row_the_freedom_rests_on(demo: TestClient) -> None:
    """A blocker carries the status it imposes, never better than its row's, and the freedom's
    status is the worst of its rows' — so no cell needs the freedom's status to be read."""
    rank = ["granted", "conditional", "restricted", "unknown", "denied"]
    for model in sorted(set(MODELS)):
        for policy in POLICIES:
            document = demo.get(f"/v1/models/{model}/freedoms", params={"policy": policy}).json()
            for freedom, answer in document["freedoms"].items():
                rows = {(a["artefact"], a["component"]): a["status"] for a in answer["artefacts"]}
                worst = max(rows.values(), key=rank.index)
                assert answer["status"] == worst, (model, policy, freedom)
                for blocker in answer["blockers"]:
                    row = rows[(blocker["artefact"], blocker["component"])]
                    assert rank.index(blocker["status"]) <= rank.index(row), blocker
                    assert blocker["status"] != "granted", blocker


def test_a_cell_shows_its_own_status_not_the_freedoms(demo: TestClient) -> None:
    """The issue's cases: Llama 2's weights are restricted under modify (not the freedom's
    unknown), and phi-2's missing training code is unknown under modify (not denied) while its
    research licence denies modifying the weights."""
    llama = next(e.model for e in EXAMPLES if e.name == "llama-2-7b")
    cells = _from_json(demo.get(f"/v1/models/{llama}/freedoms").json())
    assert cells[("meta/llama-2-7b/weights", "model-parameters")]["modify"] == "restricted"
    assert cells[("(no training-code)", "training-code")]["modify"] == "unknown"
    phi = next(e.model for e in EXAMPLES if e.name == "phi-2")
    assessment = demo.get(f"/v1/models/{phi}/freedoms", params={"at": "2023-12-20"}).json()
    assert assessment["freedoms"]["modify"]["status"] == "denied"
    cells = _from_json(assessment)
    assert cells[("(no training-code)", "training-code")]["modify"] == "unknown"
    assert cells[("microsoft/phi-2/weights", "model-parameters")]["modify"] == "denied"


def _from_json(assessment: dict[str, Any]) -> Cells:
    cells: Cells = {}
    for freedom in FREEDOMS:
        for entry in assessment["freedoms"][freedom]["artefacts"]:
            row = (row_label(entry["artefact"], entry["component"]), entry["component"])
            cells.setdefault(row, dict.fromkeys(FREEDOMS, NOT_NEEDED))[freedom] = entry["status"]
    return cells


def _from_table(table: str) -> Cells:
    """The grid lines of the CLI table: ``label [component]`` then one mark per freedom."""
    lines = table.splitlines()
    header = lines[2]
    width = len(header) - len(header.lstrip())
    cells: Cells = {}
    for line in lines[3:]:
        if line.startswith("= verdict"):
            return cells
        label, component = line[:width].rstrip().rsplit(" [", 1)
        marks = line[width:].split()
        assert len(marks) == len(FREEDOMS), line
        cells[(label, component.rstrip("]"))] = {
            f: _CLI_STATUS.get(mark, mark.lower()) for f, mark in zip(FREEDOMS, marks, strict=True)
        }
    raise AssertionError("no verdict line in the table")


def _from_page(html: str) -> Cells:
    parser = _GridParser()
    parser.feed(html)
    return parser.cells


class _GridParser(HTMLParser):
    """The first ``table.grid`` of a model page: each row's artefact (``th``), component (first
    ``td``) and the ``data-status`` of each ``td[data-cell-freedom]``."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: Cells = {}
        self._depth = 0  # 1 inside the grid table, 0 before, -1 after it
        self._row: list[str] = []
        self._statuses: dict[str, str] = {}
        self._text: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and self._depth == 0 and "grid" in (attributes.get("class") or ""):
            self._depth = 1
        elif self._depth == 1 and tag == "tr":
            self._row, self._statuses = [], {}
        elif self._depth == 1 and tag in ("th", "td") and "data-cell-freedom" not in attributes:
            self._text = ""
        elif self._depth == 1 and tag == "td":
            self._statuses[attributes["data-cell-freedom"] or ""] = attributes["data-status"] or ""

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._depth != 1:
            return
        if tag in ("th", "td") and self._text is not None:
            self._row.append(self._text.strip())
            self._text = None
        elif tag == "tr" and self._statuses:
            self.cells[(self._row[0], self._row[1])] = {f: self._statuses[f] for f in FREEDOMS}
        elif tag == "table":
            self._depth = -1
