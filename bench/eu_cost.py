"""What the EU AI Act adds to an answer (issue 12), measured in-process in one run:

- (CPU time of this process, so other load on the machine does not count)
- the assessment of the synthetic models of ``bench.assess`` (10, 100 and 1,000 artefacts),
  with and without ``frameworks["eu-ai-act"]``, median of repeated runs, and their ratio;
- the training-content summary of a model with 1,000 crawled datasets and 100,000 domains
  (aim: under 0.5 s).

Worlds are folded from real signed statements (parsed as the ledger parses them), so the
figures are those of the domain code a server runs, without HTTP or the database.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.synthetic import synthetic_model
from domain.assessment.report import assess
from domain.assessment.world import Recorded, World
from domain.envelope import parse_envelope
from domain.eu_summary.build import training_summary
from domain.statement import parse_statement
from tests.builders import enrolment, envelope

SIZES = (10, 100, 1000)
REPEATS = 7


def world_of(documents: list[dict[str, Any]]) -> World:
    world = World()
    for index, document in enumerate(documents):
        parsed = parse_envelope(document)
        statement = parse_statement(parsed.payload)
        signers = tuple(s.keyid for s in parsed.signatures)
        world.add(Recorded(statement, parsed.event_id, signers, index, index + 1))
    return world


def median_seconds(work: Callable[[], object], repeats: int = REPEATS) -> float:
    work()  # warm the caches (licence lookups, parsed expressions) first
    timings = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def _described(publisher: Ed25519PrivateKey, model: str, run_flop: float) -> list[dict[str, Any]]:
    """The EU facts of a synthetic model, so the framework has everything to read."""
    data = {"modalities": {"input": ["text"], "output": ["text"]}, "continuous_training": False}
    distributed = {"price": "free", "personal_data_for_access": "none", "monetisation": []}
    provider = {
        "name": "Synth",
        "contact": "c@synth.example",
        "established_in_eu": True,
        "sme": False,
        "code_of_practice_signatory": True,
    }
    return [
        envelope(publisher, "ModelVersionDescribed", model, data),
        envelope(publisher, "ModelVersionDistributed", model, distributed),
        envelope(publisher, "ProviderDescribed", "synth", provider, nonce=model),
    ]


def _assess(world: World, model: str, with_eu: bool) -> object:
    return assess(world, model, "default", None, None, eu_ai_act_framework=with_eu)


def assessment_cost() -> list[tuple[int, int, float, float]]:
    """(artefacts, statements, seconds without, seconds with the EU framework) per size."""
    operator, publisher = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    rows = []
    for size in SIZES:
        model, documents = synthetic_model(publisher, f"m{size}", size, size * 10)
        documents = [
            enrolment(operator, publisher, "synth", ["publisher"]),
            *documents,
            *_described(publisher, model, 1e24),
        ]
        world = world_of(documents)
        without, with_eu = [], []
        for _ in range(REPEATS):  # interleaved, so both see the same machine load
            without.append(median_seconds(partial(_assess, world, model, False), 1))
            with_eu.append(median_seconds(partial(_assess, world, model, True), 1))
        rows.append((size, len(documents), statistics.median(without), statistics.median(with_eu)))
    return rows


def summary_cost(datasets: int = 1000, domains_each: int = 100) -> tuple[int, float]:
    """(statements, median seconds) of the summary of a model trained on ``datasets`` crawled
    datasets of ``domains_each`` distinct domains each."""
    operator, publisher = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    crawler = {"name": "Bot", "purposes": ["training"], "opt_out_protocols": ["robots.txt"]}
    documents = [
        enrolment(operator, publisher, "synth", ["publisher"]),
        envelope(publisher, "CrawlerDescribed", "synth/bot", crawler),
    ]
    ids = [f"synth/crawl/{i}" for i in range(datasets)]
    for i, dataset in enumerate(ids):
        documents.append(
            envelope(
                publisher,
                "ArtefactRegistered",
                dataset,
                {
                    "kind": "dataset",
                    "component": "datasets",
                    "name": dataset,
                    "availability": "public",
                },
            )
        )
        domains = [
            {"domain": f"d{i}-{j}.example", "size": float(1 + (i * 7919 + j * 104729) % 100_000)}
            for j in range(domains_each)
        ]
        described = {
            "modality": "text",
            "size": {"value": 1e9, "unit": "tokens"},
            "acquisition": "crawled",
            "crawler": "synth/bot",
            "collected": {"from": "2024-01", "to": "2024-06"},
            "content": "web pages",
            "domains": domains,
        }
        documents.append(envelope(publisher, "DatasetDescribed", dataset, described))
    run = {"code": [], "datasets": ids, "hardware": [], "produced": []}
    documents.append(envelope(publisher, "TrainingRunRecorded", "synth/run", run))
    release = {"name": "S", "version": "1", "components": {}, "training_runs": ["synth/run"]}
    documents.append(envelope(publisher, "ModelVersionReleased", "synth/s@1", release))
    documents += _described(publisher, "synth/s@1", 1e24)
    world = world_of(documents)
    seconds = median_seconds(
        lambda: training_summary(world, "synth/s@1", "http://x", lambda _: 1), repeats=5
    )
    return len(documents), seconds


def report() -> None:
    print("\nassessment in-process, with vs without frameworks['eu-ai-act'] (CPU, median of 7):")
    print(f"{'artefacts':>9} {'statements':>10} | {'without':>10} {'with':>10} {'ratio':>6}")
    for size, statements, without, with_eu in assessment_cost():
        print(
            f"{size:>9} {statements:>10} | {1000 * without:>7.2f} ms {1000 * with_eu:>7.2f} ms"
            f" {with_eu / without:>5.2f}x"
        )
    statements, seconds = summary_cost()
    print(
        f"\nEU training summary, 1,000 crawled datasets and 100,000 domains ({statements} "
        f"statements): {1000 * seconds:.0f} ms CPU (aim < 500 ms)"
    )


if __name__ == "__main__":
    report()
