"""A Hugging Face ``pipeline_tag`` as the model's input and output modalities (catalogue v1.1
``ModelVersionDescribed.modalities``, DESIGN.md §11.1): what the EU AI Act's general-purpose
presumption and the training-content summary read. Tags the table does not hold are named
and nothing is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

TEXT, CODE, IMAGE, AUDIO, SPEECH, VIDEO, OTHER = (
    "text",
    "code",
    "image",
    "audio",
    "speech",
    "video",
    "other",
)

# pipeline_tag -> (input modalities, output modalities); classification, detection and
# embedding tasks output "other" (not generative content).
MODALITIES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "text-generation": ((TEXT,), (TEXT,)),
        "text2text-generation": ((TEXT,), (TEXT,)),
        "conversational": ((TEXT,), (TEXT,)),
        "summarization": ((TEXT,), (TEXT,)),
        "translation": ((TEXT,), (TEXT,)),
        "question-answering": ((TEXT,), (TEXT,)),
        "fill-mask": ((TEXT,), (TEXT,)),
        "text-classification": ((TEXT,), (OTHER,)),
        "token-classification": ((TEXT,), (OTHER,)),
        "zero-shot-classification": ((TEXT,), (OTHER,)),
        "sentence-similarity": ((TEXT,), (OTHER,)),
        "feature-extraction": ((TEXT,), (OTHER,)),
        "text-to-image": ((TEXT,), (IMAGE,)),
        "image-to-image": ((IMAGE,), (IMAGE,)),
        "image-to-text": ((IMAGE,), (TEXT,)),
        "image-text-to-text": ((IMAGE, TEXT), (TEXT,)),
        "visual-question-answering": ((IMAGE, TEXT), (TEXT,)),
        "image-classification": ((IMAGE,), (OTHER,)),
        "object-detection": ((IMAGE,), (OTHER,)),
        "image-segmentation": ((IMAGE,), (OTHER,)),
        "automatic-speech-recognition": ((AUDIO,), (TEXT,)),
        "text-to-speech": ((TEXT,), (SPEECH,)),
        "text-to-audio": ((TEXT,), (AUDIO,)),
        "audio-classification": ((AUDIO,), (OTHER,)),
        "text-to-video": ((TEXT,), (VIDEO,)),
    }
)


def modalities(pipeline_tag: object) -> dict[str, list[str]] | None:
    """``{"input": [...], "output": [...]}`` for a known tag, else ``None``."""
    if not isinstance(pipeline_tag, str) or pipeline_tag not in MODALITIES:
        return None
    inputs, outputs = MODALITIES[pipeline_tag]
    return {"input": list(inputs), "output": list(outputs)}
