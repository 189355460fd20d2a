"""A model with its EU AI Act facts recorded (catalogue v1.1), and a fine-tune of it, as real
signed envelopes: the scenario the summary, the verdict's API and the pages are tested on."""

from __future__ import annotations

from typing import Any

from tests.builders import Cast, artefact, envelope

BASE = "acme/eu-base@1"
TUNED = "acme/eu-tuned@1"
CARD_URI = "https://acme.example/eu-base/card"
DOMAINS = [{"domain": f"site{i:02d}.example", "size": float(100 - i)} for i in range(12)]


def _dataset(cast: Cast, subject: str, described: dict[str, Any], uri: str) -> list[dict[str, Any]]:
    return [
        artefact(cast.acme, subject, "dataset", "datasets", uri=uri),
        envelope(cast.acme, "LicenceGranted", subject, {"licence": "CC-BY-4.0"}),
        envelope(cast.acme, "DatasetDescribed", subject, described),
    ]


def eu_documents(cast: Cast) -> list[dict[str, Any]]:
    """Enrolments, the base model ``BASE`` (public, Apache-2.0, 2e24 FLOP, placed on the EU
    market on 2025-09-01, acme outside the EU with a representative) trained on a large public
    corpus, a small public set, a crawl of 12 of 100 domains and synthetic data; then
    ``TUNED``, fine-tuned from it on one licensed dataset."""
    acme = cast.acme
    documents = [
        *cast.enrolments(),
        envelope(
            acme,
            "ProviderDescribed",
            "acme",
            {
                "name": "Acme AI Ltd",
                "contact": "eu-office@acme.example",
                "established_in_eu": False,
                "authorised_representative": {"name": "Acme EU BV", "contact": "rep@acme.eu"},
                "sme": False,
                "code_of_practice_signatory": True,
                "copyright_policy_uri": "https://acme.example/copyright",
            },
        ),
        envelope(
            acme,
            "CrawlerDescribed",
            "acme/crawler",
            {
                "name": "AcmeBot",
                "user_agent": "AcmeBot/1.0",
                "purposes": ["training data collection"],
                "behaviour": "honours robots.txt; no paywalls, captchas or logins",
                "opt_out_protocols": ["robots.txt", "tdmrep"],
            },
        ),
        artefact(acme, "acme/eu/weights", "parameters", "model-parameters"),
        envelope(acme, "LicenceGranted", "acme/eu/weights", {"licence": "Apache-2.0"}),
        artefact(acme, "acme/eu/arch", "code", "model-architecture"),
        envelope(acme, "LicenceGranted", "acme/eu/arch", {"licence": "Apache-2.0"}),
        artefact(acme, "acme/eu/card", "documentation", "model-card", uri=CARD_URI),
        envelope(acme, "LicenceGranted", "acme/eu/card", {"licence": "CC-BY-4.0"}),
        *_dataset(
            cast,
            "acme/eu/web-corpus",
            {
                "modality": "text",
                "size": {"value": 1.9e12, "unit": "tokens"},
                "acquisition": "public-dataset",
                "collected": {"from": "2019-01", "to": "2023-12"},
                "languages": ["en", "fr", "de"],
                "content": "web pages, books and code",
            },
            "https://data.example/web-corpus",
        ),
        *_dataset(
            cast,
            "acme/eu/small-set",
            {
                "modality": "text",
                "size": {"value": 2e10, "unit": "tokens"},
                "acquisition": "public-dataset",
                "content": "encyclopaedia articles",
            },
            "https://data.example/small-set",
        ),
        *_dataset(
            cast,
            "acme/eu/crawl",
            {
                "modality": "text",
                "size": {"value": 8e10, "unit": "tokens"},
                "acquisition": "crawled",
                "crawler": "acme/crawler",
                "collected": {"from": "2023-06", "to": "2024-03"},
                "content": "news sites and forums in EU languages",
                "domains": DOMAINS,
                "domain_count": 100,
            },
            "https://acme.example/crawl",
        ),
        *_dataset(
            cast,
            "acme/eu/synthetic",
            {
                "modality": "text",
                "size": {"value": 1e9, "unit": "tokens"},
                "acquisition": "synthetic",
                "generator_models": [{"name": "an unreleased Acme model"}],
            },
            "https://acme.example/synthetic",
        ),
        envelope(
            acme,
            "TrainingRunRecorded",
            "acme/eu/run",
            {
                "code": [],
                "datasets": [
                    "acme/eu/web-corpus",
                    "acme/eu/small-set",
                    "acme/eu/crawl",
                    "acme/eu/synthetic",
                ],
                "hardware": [],
                "produced": ["acme/eu/weights"],
                "stage": "pre-training",
                "compute": {"flop": 2e24, "method": "hardware"},
            },
        ),
        envelope(
            acme,
            "ModelVersionReleased",
            BASE,
            {
                "name": "EU Base",
                "version": "1",
                "components": {
                    "model-parameters": ["acme/eu/weights"],
                    "model-architecture": ["acme/eu/arch"],
                    "model-card": ["acme/eu/card"],
                },
                "training_runs": ["acme/eu/run"],
            },
        ),
        envelope(
            acme,
            "ModelVersionDescribed",
            BASE,
            {
                "modalities": {"input": ["text"], "output": ["text", "code"]},
                "knowledge_cutoff": "2024-03",
                "continuous_training": False,
                "tdm_measures": "robots.txt and TDMRep honoured before and during collection",
                "illegal_content_measures": "CSAM hash lists and a toxicity classifier",
            },
        ),
        envelope(
            acme,
            "ModelVersionDistributed",
            BASE,
            {
                "price": "free",
                "personal_data_for_access": "none",
                "monetisation": [],
                "eu_placed_at": "2025-09-01",
            },
        ),
    ]
    return documents + tuned_documents(cast)


def tuned_documents(cast: Cast) -> list[dict[str, Any]]:
    acme = cast.acme
    return [
        artefact(acme, "acme/eu/tuned-weights", "parameters", "model-parameters"),
        envelope(acme, "LicenceGranted", "acme/eu/tuned-weights", {"licence": "Apache-2.0"}),
        *_dataset(
            cast,
            "acme/eu/licensed-dialogues",
            {
                "modality": "text",
                "size": {"value": 5e8, "unit": "tokens"},
                "acquisition": "licensed",
            },
            "https://acme.example/dialogues",
        ),
        envelope(
            acme,
            "TrainingRunRecorded",
            "acme/eu/tune",
            {
                "code": [],
                "datasets": ["acme/eu/licensed-dialogues"],
                "hardware": [],
                "produced": ["acme/eu/tuned-weights"],
                "base_parameters": "acme/eu/weights",
                "stage": "fine-tuning",
                "compute": {"flop": 1e21, "method": "reported"},
            },
        ),
        envelope(
            acme,
            "ModelVersionReleased",
            TUNED,
            {
                "name": "EU Tuned",
                "version": "1",
                "components": {"model-parameters": ["acme/eu/tuned-weights"]},
                "training_runs": ["acme/eu/tune"],
                "base_model": BASE,
            },
        ),
    ]
