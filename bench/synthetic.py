"""Synthetic model versions of a given size, as signed envelopes (for benchmarks)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.builders import artefact, envelope

CODE_COMPONENTS = (
    "training-code",
    "inference-code",
    "model-architecture",
    "data-preprocessing-code",
    "evaluation-code",
    "supporting-libraries",
)


def synthetic_model(
    publisher: Ed25519PrivateKey, name: str, artefacts: int, sources: int
) -> tuple[str, list[dict[str, Any]]]:
    """A model version with ``artefacts`` licensed artefacts (one tenth of them datasets,
    sharing ``sources`` data sources) and one training run; returns (model id, envelopes)."""
    prefix = f"synth/{name}"
    datasets = [f"{prefix}/data/{i}" for i in range(max(1, artefacts // 10))]
    code = [f"{prefix}/code/{i}" for i in range(max(1, artefacts - len(datasets) - 1))]
    weights = f"{prefix}/weights"
    documents = [artefact(publisher, weights, "parameters", "model-parameters")]
    documents += [
        artefact(publisher, c, "code", CODE_COMPONENTS[i % len(CODE_COMPONENTS)])
        for i, c in enumerate(code)
    ]
    documents += [artefact(publisher, d, "dataset", "datasets") for d in datasets]
    documents += [
        envelope(publisher, "LicenceGranted", a, {"licence": "Apache-2.0"})
        for a in [weights, *code, *datasets]
    ]
    documents += [
        envelope(
            publisher,
            "DataSourceAdded",
            datasets[i % len(datasets)],
            {
                "source": f"s{i}",
                "name": f"source {i}",
                "rights": "licensed",
                "licence": "CC-BY-4.0",
            },
        )
        for i in range(sources)
    ]
    run = f"{prefix}/run"
    documents.append(
        envelope(
            publisher,
            "TrainingRunRecorded",
            run,
            {"code": code[:1], "datasets": datasets, "hardware": [], "produced": [weights]},
        )
    )
    components: dict[str, list[str]] = {"model-parameters": [weights], "datasets": datasets}
    for i, c in enumerate(code):
        components.setdefault(CODE_COMPONENTS[i % len(CODE_COMPONENTS)], []).append(c)
    model = f"{prefix}@1"
    documents.append(
        envelope(
            publisher,
            "ModelVersionReleased",
            model,
            {"name": name, "version": "1", "components": components, "training_runs": [run]},
        )
    )
    return model, documents
