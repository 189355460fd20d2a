"""The libraries a Hugging Face card's ``library_name`` names, as code artefacts of the model.

A card's ``library_name`` names the code that loads and runs the weights — the model's inference
code — and, for libraries that implement model architectures themselves (``transformers``,
``diffusers``, ``timm``, …), the code of its architecture too. One table, :data:`LIBRARIES`,
says for each known library its repository, the licence of that repository and which model
components it provides; the importer follows it and README.md shows it
(:func:`libraries_table_markdown`; a test keeps the two equal). A library the table does not hold
is not guessed at: the import says so and the inference code stays for the user to record.

Facts: each licence is the licence file of the repository's default branch (checked against the
repositories as published; a library relicensed later needs its row updated).
"""

from __future__ import annotations

from dataclasses import dataclass

INFERENCE = "inference-code"
ARCHITECTURE = "model-architecture"
LIBRARY_PREFIX = "hf-libraries/"


@dataclass(frozen=True, slots=True)
class KnownLibrary:
    """One row: the ``library_name`` a card uses and what that library is."""

    name: str  # as cards spell it (matched case-insensitively)
    title: str
    repository: str
    licence: str  # SPDX id of the repository's licence
    provides: tuple[str, ...]  # model components the library's code is

    @property
    def artefact(self) -> str:
        """The ledger id every import shares for this library: ``hf-libraries/<name>``."""
        return LIBRARY_PREFIX + self.name


_BOTH = (INFERENCE, ARCHITECTURE)
_RUNS = (INFERENCE,)

LIBRARIES: tuple[KnownLibrary, ...] = (
    KnownLibrary(
        "transformers",
        "Hugging Face Transformers",
        "https://github.com/huggingface/transformers",
        "Apache-2.0",
        _BOTH,
    ),
    KnownLibrary(
        "diffusers",
        "Hugging Face Diffusers",
        "https://github.com/huggingface/diffusers",
        "Apache-2.0",
        _BOTH,
    ),
    KnownLibrary(
        "timm",
        "PyTorch Image Models (timm)",
        "https://github.com/huggingface/pytorch-image-models",
        "Apache-2.0",
        _BOTH,
    ),
    KnownLibrary(
        "peft",
        "Hugging Face PEFT (adapters such as LoRA)",
        "https://github.com/huggingface/peft",
        "Apache-2.0",
        _BOTH,
    ),
    KnownLibrary(
        "sentence-transformers",
        "Sentence Transformers",
        "https://github.com/UKPLab/sentence-transformers",
        "Apache-2.0",
        _RUNS,
    ),
    KnownLibrary(
        "setfit",
        "SetFit",
        "https://github.com/huggingface/setfit",
        "Apache-2.0",
        _RUNS,
    ),
    KnownLibrary(
        "transformers.js",
        "Transformers.js",
        "https://github.com/huggingface/transformers.js",
        "Apache-2.0",
        _BOTH,
    ),
    KnownLibrary(
        "mlx",
        "MLX (Apple machine-learning framework)",
        "https://github.com/ml-explore/mlx",
        "MIT",
        _RUNS,
    ),
    KnownLibrary(
        "llama.cpp",
        "llama.cpp",
        "https://github.com/ggml-org/llama.cpp",
        "MIT",
        _BOTH,
    ),
    KnownLibrary("vllm", "vLLM", "https://github.com/vllm-project/vllm", "Apache-2.0", _BOTH),
    KnownLibrary(
        "open_clip",
        "OpenCLIP",
        "https://github.com/mlfoundations/open_clip",
        "MIT",
        _BOTH,
    ),
    KnownLibrary("spacy", "spaCy", "https://github.com/explosion/spaCy", "MIT", _BOTH),
    KnownLibrary(
        "keras",
        "Keras",
        "https://github.com/keras-team/keras",
        "Apache-2.0",
        _BOTH,
    ),
    KnownLibrary("fastai", "fastai", "https://github.com/fastai/fastai", "Apache-2.0", _BOTH),
    KnownLibrary(
        "speechbrain",
        "SpeechBrain",
        "https://github.com/speechbrain/speechbrain",
        "Apache-2.0",
        _BOTH,
    ),
    KnownLibrary("nemo", "NVIDIA NeMo", "https://github.com/NVIDIA/NeMo", "Apache-2.0", _BOTH),
    KnownLibrary("flair", "Flair", "https://github.com/flairNLP/flair", "MIT", _BOTH),
    KnownLibrary(
        "stable-baselines3",
        "Stable Baselines3",
        "https://github.com/DLR-RM/stable-baselines3",
        "MIT",
        _BOTH,
    ),
    KnownLibrary(
        "pyannote-audio",
        "pyannote.audio",
        "https://github.com/pyannote/pyannote-audio",
        "MIT",
        _BOTH,
    ),
    KnownLibrary("espnet", "ESPnet", "https://github.com/espnet/espnet", "Apache-2.0", _BOTH),
)
_BY_NAME = {library.name.casefold(): library for library in LIBRARIES}


def library_for(library_name: str) -> KnownLibrary | None:
    """The table's row for a card's ``library_name`` (case-insensitive), or None."""
    return _BY_NAME.get(library_name.strip().casefold())


def libraries_table_markdown() -> str:
    """The table as Markdown, as the README shows it."""
    lines = [
        "| `library_name` | library | repository | licence | recorded as |",
        "|---|---|---|---|---|",
    ]
    for library in LIBRARIES:
        provides = ", ".join(f"`{component}`" for component in library.provides)
        lines.append(
            f"| `{library.name}` | {library.title} | {library.repository} | "
            f"`{library.licence}` | {provides} |"
        )
    return "\n".join(lines) + "\n"
