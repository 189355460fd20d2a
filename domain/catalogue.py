"""Event catalogue (DESIGN.md §3, §11.1): subject kinds, value sets and each statement type's
data shape, declared as data.

The registry (``domain.statement_types``) pairs each shape with its type's admission rule and
folds; nothing here is keyed by type name.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from domain.fields import (
    Check,
    Field,
    any_text,
    boolean,
    check_object,
    ed25519_public_key,
    invalid,
    json_object,
    licence_expression,
    list_of,
    number_between,
    one_of,
    sha256_hex,
    subject_id,
    text,
    utc_time,
)


class SubjectKind(StrEnum):
    SIGNER = "signer"
    ARTEFACT = "artefact"
    LICENCE = "licence"
    TRAINING_RUN = "training-run"
    MODEL_VERSION = "model-version"


ROLES = frozenset({"publisher", "auditor", "operator"})
ARTEFACT_KINDS = frozenset({"code", "parameters", "dataset", "hardware", "documentation"})
AVAILABILITIES = frozenset({"public", "gated", "on-request", "described", "undisclosed"})
DATA_RIGHTS = frozenset(
    {"public-domain", "licensed", "copyrighted-unlicensed", "personal-data", "unknown"}
)
HARDWARE_LAYERS = frozenset({"accelerator", "firmware", "driver", "runtime", "library"})
# The Model Openness Framework's components (DESIGN.md §5).
COMPONENTS = frozenset(
    {
        "model-architecture",
        "model-parameters",
        "model-parameters-intermediate",
        "technical-report",
        "research-paper",
        "evaluation-results",
        "model-card",
        "data-card",
        "sample-model-outputs",
        "training-code",
        "inference-code",
        "evaluation-code",
        "evaluation-data",
        "supporting-libraries",
        "datasets",
        "data-preprocessing-code",
        "model-metadata",
    }
)
# Permission flags a LicenceDefined statement states for its licence; the assessment reads them.
LICENCE_TERMS = (
    Field("use_restricted", boolean),
    Field("commercial_use", boolean),
    Field("user_threshold", number_between(1, 10**15), required=False),
    Field("modification", boolean),
    Field("redistribution", boolean),
    Field("redistribution_modified", boolean),
    Field("share_alike", boolean),
    Field("attribution", boolean),
    Field("source_obligation", boolean),
    Field("reverse_engineering_ban", boolean),
    Field("osi_approved", boolean),
    Field("mof_open", boolean),
)
# Custom licence ids the built-in catalogue defines; only operators may redefine them.
BUILT_IN_LICENCE_REFS = frozenset(
    {
        "LicenseRef-Llama-2-Community",
        "LicenseRef-Llama-3-Community",
        "LicenseRef-Llama-3.1-Community",
        "LicenseRef-Gemma-Terms-of-Use",
        "LicenseRef-BigScience-BLOOM-RAIL-1.0",
        "LicenseRef-BigScience-OpenRAIL-M",
        "LicenseRef-CreativeML-OpenRAIL-M",
        "LicenseRef-BigCode-OpenRAIL-M-1.0",
        "LicenseRef-Falcon-180B-TII-1.0",
        "LicenseRef-Mistral-Research-0.1",
        "LicenseRef-Microsoft-Research",
        "LicenseRef-NVIDIA-CUDA-EULA",
        "LicenseRef-Proprietary",
    }
)


def _artefact_registered_data(value: Any, path: str) -> None:
    check_object(
        (
            Field("kind", one_of(ARTEFACT_KINDS)),
            Field("component", one_of(COMPONENTS), required=False),
            Field("name", text),
            Field("version", text, required=False),
            Field("digest", check_object((Field("sha256", sha256_hex),)), required=False),
            Field("uri", text, required=False),
            Field("availability", one_of(AVAILABILITIES)),
        )
    )(value, path)
    if value["kind"] == "hardware" and "component" in value:
        raise invalid(f"{path}.component", "must be absent for hardware artefacts")
    if value["kind"] != "hardware" and "component" not in value:
        raise invalid(path, "missing required field 'component' (required unless kind is hardware)")


def _components(value: Any, path: str) -> None:
    if not isinstance(value, Mapping):
        raise invalid(path, "must be an object of component -> [artefact ids]")
    for component, artefacts in value.items():
        one_of(COMPONENTS)(component, f"{path} key '{component}'")
        list_of(subject_id)(artefacts, f"{path}.{component}")


_LAYER = check_object(
    (
        Field("layer", one_of(HARDWARE_LAYERS)),
        Field("name", text),
        Field("vendor", text),
        Field("licence", licence_expression),
    )
)


# --- the data shape of each statement type (the registry, domain.statement_types, pairs them) --

SIGNER_ENROLLED: Check = check_object(
    (
        Field("public_key", ed25519_public_key),
        Field("organisation", text),
        Field("roles", list_of(one_of(ROLES), non_empty=True)),
        Field("name", text),
    )
)

SIGNER_REVOKED: Check = check_object(
    (Field("reason", text), Field("compromised_since", utc_time, required=False))
)

ARTEFACT_REGISTERED: Check = _artefact_registered_data

LICENCE_GRANTED: Check = check_object(
    (Field("licence", licence_expression), Field("uri", text, required=False))
)

LICENCE_WITHDRAWN: Check = check_object(
    (Field("licence", licence_expression), Field("reason", text))
)

LICENCE_DEFINED: Check = check_object(
    (Field("name", text), Field("uri", text), Field("terms", check_object(LICENCE_TERMS)))
)

DATA_SOURCE_ADDED: Check = check_object(
    (
        Field("source", subject_id),
        Field("name", text),
        Field("uri", text, required=False),
        Field("licence", licence_expression, required=False),
        Field("rights", one_of(DATA_RIGHTS)),
        Field("share", number_between(0, 1), required=False),
    )
)

DATASET_DERIVED: Check = check_object(
    (
        Field("from", list_of(subject_id, non_empty=True)),
        Field("processing_code", subject_id, required=False),
    )
)

HARDWARE_STACK_DESCRIBED: Check = check_object((Field("layers", list_of(_LAYER, unique=False)),))

TRAINING_RUN_RECORDED: Check = check_object(
    (
        Field("code", list_of(subject_id)),
        Field("datasets", list_of(subject_id)),
        Field("hardware", list_of(subject_id)),
        Field("produced", list_of(subject_id)),
        Field("base_parameters", subject_id, required=False),
        Field("started_at", utc_time, required=False),
        Field("finished_at", utc_time, required=False),
        Field("compute", json_object, required=False),
    )
)

MODEL_VERSION_RELEASED: Check = check_object(
    (
        Field("name", text),
        Field("version", text),
        Field("components", _components),
        Field("training_runs", list_of(subject_id), required=False),
        Field("base_model", subject_id, required=False),
    )
)

COMPONENT_ATTACHED: Check = check_object(
    (Field("component", one_of(COMPONENTS)), Field("artefact", subject_id))
)

CLAIM_ASSERTED: Check = check_object(
    (
        Field("claim", subject_id),
        Field("detail", any_text),
        Field("evidence_uri", text, required=False),
    )
)

CLAIM_RETRACTED: Check = check_object((Field("claim_event", sha256_hex), Field("reason", text)))
