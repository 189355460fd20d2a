"""The auditor pages in a real headless Chromium (Debian's, driven by Playwright): load the
demo, open a model, change "as of", see the verdict change, upload a tampered bundle and see
it rejected. Screenshots are saved under test-artifacts/ui/."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from tests.assessment_contract import PHI_2
from tests.e2e.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page() -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path, "sqlite:///./ledger.db", extra_args=("--demo",)).start()
    yield server
    server.stop()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_auditor_walks_through_a_model(
    demo_server: ServerProcess, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(f"{demo_server.url}/ui")
    assert page.title().startswith("Model versions")
    _shot(page, "01-model-versions")
    page.get_by_role("link", name="phi-2").first.click()
    page.wait_for_url(f"**/ui/models/{PHI_2}")
    use_now = page.locator('[data-freedom="use"]').inner_text()
    _shot(page, "02-phi-2-now")
    page.get_by_label("Facts effective at (date)").fill("2023-12-20")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**at=2023-12-20**")
    use_then = page.locator('[data-freedom="use"]').inner_text()
    assert use_now != use_then
    _shot(page, "03-phi-2-before-relicensing")
    positions = page.get_by_label("As the ledger knew it")
    last = positions.locator("option").last
    earliest = last.get_attribute("value") or ""
    assert "UTC · position " + earliest in last.inner_text()  # dated, not a bare position
    positions.select_option(earliest)  # submits on change (JavaScript)
    page.wait_for_url(f"**as_of={earliest}**")
    assert page.locator("#as-of-position").inner_text() == earliest
    _shot(page, "04-phi-2-as-of-earliest")

    bundle = httpx.get(f"{demo_server.url}/v1/models/{PHI_2}/bundle").json()
    bundle["assessment"]["freedoms"]["use"]["status"] = "granted-for-everything"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bundle))
    page.get_by_label("Provenance bundle (JSON)").set_input_files(str(tampered))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/ui/verify")
    assert "INVALID" in page.get_by_role("status").inner_text()
    assert "assessment.freedoms.use.status" in page.content()
    _shot(page, "05-tampered-bundle-rejected")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to content" in focused

    page.goto(f"{demo_server.url}/ui/models/{PHI_2}")
    assert "EU AI Act open-source exemption" in page.locator("#eu-ai-act").inner_text()
    page.get_by_role("link", name="EU training-content summary").click()
    page.wait_for_url(f"**/ui/eu-summary/{PHI_2}**")
    assert page.title().startswith("EU training-content summary")
    completeness = page.locator("#completeness")
    filled = int(completeness.get_attribute("data-filled") or "-1")
    required = int(completeness.get_attribute("data-required") or "-1")
    assert 0 <= filled < required  # the demo records no EU facts: the page says what to record
    assert page.locator("tr.missing").count() >= required - filled  # and conditional ones
    _shot(page, "06-phi-2-eu-training-summary")


def _fits(page: Page, width: int = 1280) -> None:
    """No page is wider than the window: nothing scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_newcomer_finds_reads_and_compares(
    demo_server: ServerProcess, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: foreign.append(r.url) if not r.url.startswith(demo_server.url) else None,
    )
    page.goto(f"{demo_server.url}/ui")
    page.get_by_label("Find a model version (id or name)").fill("vicuna")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**/ui?q=vicuna")
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 1
    _fits(page)
    _shot(page, "07-search")
    page.get_by_role("link", name="Vicuna 7B 1.5").click()
    page.wait_for_url("**/ui/models/lmsys/vicuna-7b@1.5")
    _fits(page)
    _shot(page, "08-vicuna")
    mof = page.locator("table.mof")
    assert mof.count() == 4
    assert page.locator("table.mof tbody tr").count() == 16
    page.locator("div.mof-classes").screenshot(path=str(ARTIFACTS / "09-mof-progress.png"))
    lineage = page.locator("svg.lineage")
    assert "meta/llama-2-7b@2023-07-18" in lineage.inner_html()
    page.locator("section[aria-labelledby=lineage-heading]").screenshot(
        path=str(ARTIFACTS / "10-lineage.png")
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Markdown report").click()
    report = tmp_path / "report.md"
    download.value.save_as(report)
    assert report.read_text("utf-8").startswith("# Freedoms of Vicuna 7B 1.5")

    page.goto(f"{demo_server.url}/ui/models/{PHI_2}")
    since = page.get_by_label("Show what changed since")
    released = since.locator("option").last.get_attribute("value") or ""
    since.select_option(released)  # submits on change
    page.wait_for_url(f"**since={released}**")
    changes = page.locator("#changes")
    assert "use: restricted → granted" in " ".join(changes.inner_text().split())
    _fits(page)
    _shot(page, "11-phi-2-changes-since-release")
    page.goto(f"{demo_server.url}/docs")
    page.get_by_text("What freedoms the model version confers").wait_for()
    _fits(page)
    _shot(page, "12-api-docs-offline")
    assert foreign == []
