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
    positive_number,
    region,
    rfc3339_date,
    sha256_hex,
    subject_id,
    text,
    utc_time,
    year_month,
)


class SubjectKind(StrEnum):
    SIGNER = "signer"
    ARTEFACT = "artefact"
    LICENCE = "licence"
    TRAINING_RUN = "training-run"
    MODEL_VERSION = "model-version"
    PROVIDER = "provider"  # an organisation, described for the EU AI Act (catalogue v1.1)
    CRAWLER = "crawler"


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
# --- catalogue v1.1 (DESIGN.md §11.1): the facts the EU AI Act needs ---------------------------
MODALITIES = frozenset({"text", "code", "image", "audio", "speech", "video", "other"})
DATASET_MODALITIES = frozenset({"text", "image", "audio", "video", "other"})
SIZE_UNITS = frozenset({"tokens", "images", "hours", "bytes", "documents"})
ACQUISITIONS = frozenset(
    {"public-dataset", "licensed", "private", "crawled", "user-data", "synthetic", "other"}
)
PRICES = frozenset({"free", "paid"})
PERSONAL_DATA_FOR_ACCESS = frozenset({"none", "security-only", "other"})
MONETISATION = frozenset(
    {
        "dual-licensing",
        "mandatory-paid-support",
        "exclusive-paid-hosting",
        "exclusive-ad-funded-hosting",
    }
)
RUN_STAGES = frozenset(
    {
        "pre-training",
        "mid-training",
        "fine-tuning",
        "alignment",
        "synthetic-data-generation",
        "other",
    }
)
COMPUTE_METHODS = frozenset({"hardware", "architecture", "reported"})
DESIGNATIONS = frozenset({"designated", "rebutted"})
USER_DATA = frozenset({"model-interactions", "other-products"})
RESTRICTION_KINDS = frozenset(
    {
        "non-commercial",
        "research-only",
        "field-of-use",
        "output-use",
        "territorial",
        "separate-licence",
    }
)
THRESHOLD_CONSEQUENCES = frozenset({"licence-required", "attribution"})
MAX_DOMAINS = 1000

_RESTRICTION = check_object(
    (Field("kind", one_of(RESTRICTION_KINDS)), Field("safety_oriented", boolean))
)
# Permission flags a LicenceDefined statement states for its licence; the assessment reads them.
# The last four (v1.1) are optional: absent means unknown.
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
    Field("restrictions", list_of(_RESTRICTION), required=False),
    Field("threshold_consequence", one_of(THRESHOLD_CONSEQUENCES), required=False),
    Field("licensor_may_change", boolean, required=False),
    Field("excluded_regions", list_of(region), required=False),
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


def _hardware_has_no_component(value: Any, path: str) -> None:
    if value["kind"] == "hardware" and "component" in value:
        raise invalid(f"{path}.component", "must be absent for hardware artefacts")
    if value["kind"] != "hardware" and "component" not in value:
        raise invalid(path, "missing required field 'component' (required unless kind is hardware)")


_ARTEFACT_REGISTERED = check_object(
    (
        Field("kind", one_of(ARTEFACT_KINDS)),
        Field("component", one_of(COMPONENTS, "component"), required=False),
        Field("name", text),
        Field("version", text, required=False),
        Field("digest", check_object((Field("sha256", sha256_hex),)), required=False),
        Field("uri", text, required=False),
        Field("availability", one_of(AVAILABILITIES)),
    ),
    then=_hardware_has_no_component,
)


def _compute(value: Any, path: str) -> None:
    """v1.1 compute {flop >= 0, method}; a v1 object without a numeric ``flop`` stays valid
    (it counts as unknown compute), so only a numeric ``flop`` and its ``method`` are checked."""
    json_object(value, path)
    flop = value.get("flop")
    if isinstance(flop, int | float) and not isinstance(flop, bool):
        number_between(0, 1e40)(flop, f"{path}.flop")
        if "method" in value:
            one_of(COMPUTE_METHODS)(value["method"], f"{path}.method")


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

ARTEFACT_REGISTERED: Check = _ARTEFACT_REGISTERED

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
        Field("compute", _compute, required=False),
        Field("stage", one_of(RUN_STAGES), required=False),
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
    (Field("component", one_of(COMPONENTS, "component")), Field("artefact", subject_id))
)

CLAIM_ASSERTED: Check = check_object(
    (
        Field("claim", subject_id),
        Field("detail", any_text),
        Field("evidence_uri", text, required=False),
    )
)

CLAIM_RETRACTED: Check = check_object((Field("claim_event", sha256_hex), Field("reason", text)))


# --- catalogue v1.1 (DESIGN.md §11.1) --------------------------------------------------------


_modalities = check_object(
    (
        Field("input", list_of(one_of(MODALITIES))),
        Field("output", list_of(one_of(MODALITIES), non_empty=True)),
    )
)

MODEL_VERSION_DESCRIBED: Check = check_object(
    (
        Field("modalities", _modalities),
        Field("architecture_information", list_of(subject_id), required=False),
        Field("usage_information", list_of(subject_id), required=False),
        Field("knowledge_cutoff", year_month, required=False),
        Field("continuous_training", boolean, required=False),
        Field("general_purpose", boolean, required=False),
        Field("tdm_measures", text, required=False),
        Field("illegal_content_measures", text, required=False),
        Field("other_sources", text, required=False),
    )
)

MODEL_VERSION_DISTRIBUTED: Check = check_object(
    (
        Field("price", one_of(PRICES)),
        Field("personal_data_for_access", one_of(PERSONAL_DATA_FOR_ACCESS)),
        Field("monetisation", list_of(one_of(MONETISATION))),
        Field("excluded_regions", list_of(region), required=False),
        Field("eu_placed_at", rfc3339_date, required=False),
    )
)

PROVIDER_DESCRIBED: Check = check_object(
    (
        Field("name", text),
        Field("contact", text),
        Field("established_in_eu", boolean),
        Field(
            "authorised_representative",
            check_object((Field("name", text), Field("contact", text))),
            required=False,
        ),
        Field("sme", boolean),
        Field("code_of_practice_signatory", boolean),
        Field("copyright_policy_uri", text, required=False),
    )
)


def _model_or_name(value: Any, path: str) -> None:
    if ("model" in value) == ("name" in value):
        raise invalid(path, "must name either 'model' (a model version id) or 'name', not both")


_generator = check_object(
    (
        Field("model", subject_id, required=False),
        Field("name", text, required=False),
        Field("description", text, required=False),
    ),
    then=_model_or_name,
)


def _dataset_rules(value: Any, path: str) -> None:
    collected = value.get("collected")
    if collected is not None and collected["from"] > collected["to"]:
        raise invalid(f"{path}.collected", "'from' must not be after 'to'")
    crawled = value["acquisition"] == "crawled"
    if crawled and "crawler" not in value:
        raise invalid(path, "a crawled dataset must name its recorded 'crawler'")
    for field in ("domains", "domain_count", "domain_list"):
        if field in value and not crawled:
            raise invalid(f"{path}.{field}", "only a 'crawled' dataset lists domains")
    if len(value.get("domains", ())) > MAX_DOMAINS:
        raise invalid(f"{path}.domains", f"at most {MAX_DOMAINS} domains (link the full list)")
    if "domain_count" in value and not isinstance(value["domain_count"], int):
        raise invalid(f"{path}.domain_count", "must be a whole number")


_dataset_described = check_object(
    (
        Field("modality", one_of(DATASET_MODALITIES)),
        Field(
            "size",
            check_object((Field("value", positive_number), Field("unit", one_of(SIZE_UNITS)))),
        ),
        Field("acquisition", one_of(ACQUISITIONS)),
        Field(
            "collected",
            check_object((Field("from", year_month), Field("to", year_month))),
            required=False,
        ),
        Field("languages", list_of(text), required=False),
        Field("content", text, required=False),
        Field("publicly_known", boolean, required=False),
        Field("crawler", subject_id, required=False),
        Field("generator_models", list_of(_generator, non_empty=True), required=False),
        Field("user_data", one_of(USER_DATA), required=False),
        Field(
            "domains",
            list_of(
                check_object((Field("domain", text), Field("size", positive_number))),
            ),
            required=False,
        ),
        Field("domain_count", number_between(1, 10**12), required=False),
        Field(
            "domain_list",
            check_object((Field("uri", text), Field("sha256", sha256_hex))),
            required=False,
        ),
    ),
    then=_dataset_rules,
)


DATASET_DESCRIBED: Check = _dataset_described

CRAWLER_DESCRIBED: Check = check_object(
    (
        Field("name", text),
        Field("user_agent", text, required=False),
        Field("purposes", list_of(text)),
        Field("behaviour", text, required=False),
        Field("opt_out_protocols", list_of(text)),
    )
)

SYSTEMIC_RISK_DESIGNATED: Check = check_object(
    (
        Field("status", one_of(DESIGNATIONS)),
        Field("decided_at", rfc3339_date),
        Field("reference", text),
    )
)
