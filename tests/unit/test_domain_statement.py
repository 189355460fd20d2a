"""domain.statement: canonical payloads, the statement shape and the v1 catalogue's data shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.encoding import b64encode
from domain.envelope import raw_public_key
from domain.rejections import Rejection, RejectionKind
from domain.statement import Statement, parse_statement
from domain.statement_types import STATEMENT_TYPES
from tests.rejection_cases import LICENCE_TERMS

PUBLIC_KEY = b64encode(raw_public_key(Ed25519PrivateKey.generate().public_key()))
CLAIM_EVENT = "ab" * 32
TIME = "2024-05-06T07:08:09Z"

# A valid data object per catalogue type holding only its required fields (DESIGN.md §3) ...
REQUIRED: dict[str, dict[str, Any]] = {
    "SignerEnrolled": {
        "public_key": PUBLIC_KEY,
        "organisation": "acme",
        "roles": ["publisher", "auditor"],
        "name": "Acme publisher",
    },
    "SignerRevoked": {"reason": "left the company"},
    "ArtefactRegistered": {
        "kind": "code",
        "component": "training-code",
        "name": "trainer",
        "availability": "public",
    },
    "LicenceGranted": {"licence": "Apache-2.0"},
    "LicenceWithdrawn": {"licence": "Apache-2.0", "reason": "granted by mistake"},
    "LicenceDefined": {"name": "Custom", "uri": "https://example.com/l", "terms": LICENCE_TERMS},
    "DataSourceAdded": {"source": "common-crawl", "name": "Common Crawl", "rights": "unknown"},
    "DatasetDerived": {"from": ["acme/raw"]},
    "HardwareStackDescribed": {
        "layers": [
            {
                "layer": "driver",
                "name": "nvidia-driver",
                "vendor": "NVIDIA",
                "licence": "LicenseRef-NVIDIA-CUDA-EULA",
            }
        ]
    },
    "TrainingRunRecorded": {"code": [], "datasets": [], "hardware": [], "produced": []},
    "ModelVersionReleased": {"name": "X", "version": "1", "components": {}},
    "ComponentAttached": {"component": "model-card", "artefact": "acme/x/card"},
    "ClaimAsserted": {"claim": "undisclosed-training-data", "detail": "no data card"},
    "ClaimRetracted": {"claim_event": CLAIM_EVENT, "reason": "resolved"},
    # catalogue v1.1 (DESIGN.md §11.1)
    "ModelVersionDescribed": {"modalities": {"input": ["text"], "output": ["text", "code"]}},
    "ModelVersionDistributed": {
        "price": "free",
        "personal_data_for_access": "none",
        "monetisation": [],
    },
    "ProviderDescribed": {
        "name": "Acme AI",
        "contact": "eu@acme.example",
        "established_in_eu": False,
        "sme": True,
        "code_of_practice_signatory": False,
    },
    "DatasetDescribed": {
        "modality": "text",
        "size": {"value": 1.5e12, "unit": "tokens"},
        "acquisition": "public-dataset",
    },
    "CrawlerDescribed": {"name": "AcmeBot", "purposes": ["training"], "opt_out_protocols": []},
    "SystemicRiskDesignated": {
        "status": "designated",
        "decided_at": "2026-03-01",
        "reference": "https://example.eu/decision/1",
    },
}
# ... and every optional field it may add.
OPTIONAL: dict[str, dict[str, Any]] = {
    "SignerRevoked": {"compromised_since": "2024-01-01T00:00:00.5Z"},
    "ArtefactRegistered": {
        "version": "1.0",
        "digest": {"sha256": "0f" * 32},
        "uri": "https://example.com/a",
    },
    "LicenceGranted": {"uri": "https://example.com/licence"},
    "DataSourceAdded": {"uri": "https://commoncrawl.org", "licence": "CC-BY-4.0", "share": 0.25},
    "DatasetDerived": {"processing_code": "acme/prep"},
    "TrainingRunRecorded": {
        "base_parameters": "acme/base/weights",
        "started_at": "2024-01-01T00:00:00Z",
        "finished_at": "2024-02-01T00:00:00Z",
        "compute": {"gpu_hours": 1000, "accelerator": "H100"},
        "stage": "fine-tuning",
    },
    "ModelVersionReleased": {
        "training_runs": ["acme/x/run-1"],
        "base_model": "acme/base@1",
    },
    "ClaimAsserted": {"evidence_uri": "https://example.com/evidence"},
    "ModelVersionDescribed": {
        "architecture_information": ["acme/x/paper"],
        "usage_information": ["acme/x/card"],
        "knowledge_cutoff": "2024-03",
        "continuous_training": False,
        "general_purpose": True,
        "tdm_measures": "robots.txt honoured",
        "illegal_content_measures": "CSAM hash lists",
        "other_sources": "none",
    },
    "ModelVersionDistributed": {"excluded_regions": ["EU"], "eu_placed_at": "2025-09-01"},
    "ProviderDescribed": {
        "authorised_representative": {"name": "Acme EU", "contact": "rep@acme.eu"},
        "copyright_policy_uri": "https://acme.example/copyright",
    },
    "DatasetDescribed": {
        "collected": {"from": "2023-01", "to": "2024-02"},
        "languages": ["en", "fr"],
        "content": "web pages",
        "publicly_known": True,
        "generator_models": [{"name": "GPT-4", "description": "a commercial model"}],
        "user_data": "model-interactions",
    },
    "CrawlerDescribed": {"user_agent": "AcmeBot/1.0", "behaviour": "honours robots.txt"},
}


def _document(type_: str = "LicenceGranted", data: Any = None, **fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "v": 1,
        "type": type_,
        "subject": "acme/x/weights",
        "data": dict(REQUIRED[type_]) if data is None else data,
        "effective_at": "2024-01-01T00:00:00Z",
        "issued_at": "2024-01-02T00:00:00Z",
    }
    document.update(fields)
    return document


def _canonical(document: Any) -> bytes:
    return bytes(rfc8785.dumps(document))


def _kind_of(payload: bytes) -> RejectionKind:
    with pytest.raises(Rejection) as raised:
        parse_statement(payload)
    return raised.value.kind


def _data_kind(type_: str, data: dict[str, Any]) -> RejectionKind:
    return _kind_of(_canonical(_document(type_, data)))


# --- a canonical statement is accepted -------------------------------------------------


def test_the_table_covers_the_whole_catalogue() -> None:
    assert set(REQUIRED) == set(STATEMENT_TYPES)
    assert set(OPTIONAL) <= set(STATEMENT_TYPES)


def test_canonical_statement_is_parsed_into_its_fields() -> None:
    statement = parse_statement(_canonical(_document(nonce="again")))
    assert statement == Statement(
        type="LicenceGranted",
        subject="acme/x/weights",
        data={"licence": "Apache-2.0"},
        effective_at="2024-01-01T00:00:00Z",
        issued_at="2024-01-02T00:00:00Z",
        nonce="again",
    )
    assert statement.effective_time == datetime(2024, 1, 1, tzinfo=UTC)


def test_nonce_is_optional() -> None:
    assert parse_statement(_canonical(_document())).nonce is None


def test_canonical_bytes_round_trip() -> None:
    statement = Statement("LicenceGranted", "a/b", {"licence": "MIT"}, TIME, TIME, "n")
    payload = statement.canonical_bytes()
    assert payload == _canonical(statement.to_json())
    assert parse_statement(payload) == statement
    assert parse_statement(payload).canonical_bytes() == payload


def test_to_json_omits_an_absent_nonce() -> None:
    statement = Statement("LicenceGranted", "a/b", {"licence": "MIT"}, TIME, TIME)
    assert "nonce" not in statement.to_json()
    assert statement.to_json()["v"] == 1


def test_literal_non_ascii_text_is_canonical() -> None:
    data = {"licence": "MIT", "uri": "https://example.com/\u00fcber/\u6f22"}
    assert parse_statement(_canonical(_document(data=data))).data == data


# --- non-canonical, non-UTF-8 and non-JSON payloads ------------------------------------

CANONICAL = _canonical(_document())

NON_CANONICAL: dict[str, bytes] = {
    "spaces after separators": json.dumps(_document(), sort_keys=True).encode(),
    "pretty printed": json.dumps(_document(), sort_keys=True, indent=1).encode(),
    "trailing newline": CANONICAL + b"\n",
    "leading space": b" " + CANONICAL,
    "unsorted keys": json.dumps(
        dict(reversed(list(_document().items()))), separators=(",", ":")
    ).encode(),
    "escaped ASCII letter": CANONICAL.replace(b'"acme/', b'"\\u0061cme/'),
    "escaped solidus": CANONICAL.replace(b"acme/x/", b"acme\\/x\\/"),
    "escaped non-ASCII": _canonical(_document(data={"licence": "MIT", "uri": "caf\u00e9"})).replace(
        "\u00e9".encode(), b"\\u00e9"
    ),
    "number written 1.0": CANONICAL.replace(b'"v":1', b'"v":1.0'),
    "number written 1e0": CANONICAL.replace(b'"v":1', b'"v":1e0'),
    "duplicate key": CANONICAL.replace(b'"v":1', b'"v":1,"v":1'),
}


@pytest.mark.parametrize("case", NON_CANONICAL)
def test_non_canonical_payloads_are_refused(case: str) -> None:
    assert NON_CANONICAL[case] != CANONICAL
    assert _kind_of(NON_CANONICAL[case]) is RejectionKind.NON_CANONICAL_PAYLOAD


NOT_JSON: dict[str, bytes] = {
    "latin-1": _canonical(_document(data={"licence": "MIT", "uri": "caf\u00e9"})).replace(
        "\u00e9".encode(), b"\xe9"
    ),
    "utf-16": json.dumps(_document(), separators=(",", ":"), sort_keys=True).encode("utf-16"),
    "NaN": CANONICAL.replace(b'"v":1', b'"v":NaN'),
    "Infinity": CANONICAL.replace(b'"v":1', b'"v":Infinity'),
    "-Infinity": CANONICAL.replace(b'"v":1', b'"v":-Infinity'),
    "truncated": CANONICAL[:-1],
    "empty": b"",
    "number beyond double range": CANONICAL.replace(b'"v":1', b'"v":1e400'),
    "integer beyond JCS safe range": CANONICAL.replace(b'"v":1', b'"v":9007199254740993'),
    "lone surrogate": CANONICAL.replace(b"acme/x/weights", b"acme\\ud800"),
    "a list": b"[]",
    "a string": b'"statement"',
    "a number": b"1",
    "null": b"null",
}


@pytest.mark.parametrize("case", NOT_JSON)
def test_payloads_that_are_not_a_json_object_are_invalid_statements(case: str) -> None:
    assert _kind_of(NOT_JSON[case]) is RejectionKind.INVALID_STATEMENT


def test_deeply_nested_payload_is_an_invalid_statement() -> None:
    payload = b'{"data":' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert _kind_of(payload) is RejectionKind.INVALID_STATEMENT


# --- the statement's own fields --------------------------------------------------------


@pytest.mark.parametrize("field", ["v", "type", "subject", "data", "effective_at", "issued_at"])
def test_each_statement_field_is_required(field: str) -> None:
    document = _document()
    del document[field]
    assert _kind_of(_canonical(document)) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize("field", ["extra", "V", "signature", "recorded_at"])
def test_unknown_statement_fields_are_refused(field: str) -> None:
    document = _document(**{field: "x"})
    assert _kind_of(_canonical(document)) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize("version", [2, 0, -1, True, False, "1", None, [1]])
def test_version_must_be_the_integer_1(version: Any) -> None:
    assert _kind_of(_canonical(_document(v=version))) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize(
    "type_", ["ModelDeleted", "signerenrolled", "LicenceGranted ", "", "SignerEnrolledV2"]
)
def test_types_outside_the_catalogue_are_unknown(type_: str) -> None:
    document = _document(type=type_)
    assert _kind_of(_canonical(document)) is RejectionKind.UNKNOWN_TYPE


@pytest.mark.parametrize("type_", [7, None, ["LicenceGranted"], {"name": "LicenceGranted"}])
def test_non_string_type_is_an_invalid_statement(type_: Any) -> None:
    assert _kind_of(_canonical(_document(type=type_))) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize(
    "subject",
    ["a", "acme/x@1", "LicenseRef-Foo.1", "x:y+z", "a_b", "0", "a." + "b" * 254, "A-Z"],
)
def test_subject_ids_matching_the_pattern_are_accepted(subject: str) -> None:
    assert parse_statement(_canonical(_document(subject=subject))).subject == subject


@pytest.mark.parametrize(
    "subject",
    [
        pytest.param("", id="empty"),
        pytest.param("-x", id="leading dash"),
        pytest.param(".x", id="leading dot"),
        pytest.param("/x", id="leading slash"),
        pytest.param("a b", id="space"),
        pytest.param("a#b", id="hash"),
        pytest.param("a?b", id="question mark"),
        pytest.param("a%2Fb", id="percent"),
        pytest.param("caf\u00e9", id="non-ASCII"),
        pytest.param("a" * 257, id="257 characters"),
        pytest.param(7, id="number"),
        pytest.param(None, id="null"),
    ],
)
def test_subject_ids_outside_the_pattern_are_refused(subject: Any) -> None:
    assert _kind_of(_canonical(_document(subject=subject))) is RejectionKind.INVALID_STATEMENT


def test_subject_id_with_trailing_newline_is_refused() -> None:
    document = _document(subject="acme/x\n")
    assert _kind_of(_canonical(document)) is RejectionKind.INVALID_STATEMENT


BAD_TIMES = [
    "2024-01-01T00:00:00+00:00",
    "2024-01-01T00:00:00",
    "2024-02-30T00:00:00Z",
    "2024-01-01 00:00:00Z",
    "2024-01-01",
    "",
    1704067200,
    None,
]


@pytest.mark.parametrize("field", ["effective_at", "issued_at"])
@pytest.mark.parametrize("value", BAD_TIMES)
def test_statement_times_must_be_utc_z_times(field: str, value: Any) -> None:
    document = _document(**{field: value})
    assert _kind_of(_canonical(document)) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize("data", [[], "x", 1, None, True, [{"licence": "MIT"}]])
def test_data_must_be_an_object(data: Any) -> None:
    document = _document()
    document["data"] = data
    assert _kind_of(_canonical(document)) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize("nonce", [7, None, ["n"]])
def test_nonce_must_be_a_string(nonce: Any) -> None:
    assert _kind_of(_canonical(_document(nonce=nonce))) is RejectionKind.INVALID_STATEMENT


# --- data shapes per catalogue type ----------------------------------------------------


@pytest.mark.parametrize("type_", sorted(REQUIRED))
def test_required_fields_alone_are_accepted(type_: str) -> None:
    statement = parse_statement(_canonical(_document(type_)))
    assert statement.type == type_
    assert statement.data == REQUIRED[type_]


@pytest.mark.parametrize(
    ("type_", "field"), [(t, f) for t, data in sorted(REQUIRED.items()) for f in data]
)
def test_each_required_field_missing_is_refused(type_: str, field: str) -> None:
    data = dict(REQUIRED[type_])
    del data[field]
    assert _data_kind(type_, data) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize(
    ("type_", "field"), [(t, f) for t, data in sorted(OPTIONAL.items()) for f in data]
)
def test_each_optional_field_is_accepted(type_: str, field: str) -> None:
    data = {**REQUIRED[type_], field: OPTIONAL[type_][field]}
    assert parse_statement(_canonical(_document(type_, data))).data == data


@pytest.mark.parametrize("type_", sorted(OPTIONAL))
def test_all_optional_fields_together_are_accepted(type_: str) -> None:
    data = {**REQUIRED[type_], **OPTIONAL[type_]}
    assert parse_statement(_canonical(_document(type_, data))).data == data


@pytest.mark.parametrize("type_", sorted(REQUIRED))
def test_unknown_data_fields_are_refused(type_: str) -> None:
    data = {**REQUIRED[type_], "unexpected": "x"}
    assert _data_kind(type_, data) is RejectionKind.INVALID_STATEMENT


BAD_VALUES: list[tuple[str, str, Any, RejectionKind]] = [
    ("SignerEnrolled", "public_key", b64encode(bytes(31)), RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "public_key", b64encode(bytes(33)), RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "public_key", PUBLIC_KEY.rstrip("="), RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "public_key", 7, RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "organisation", "", RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "organisation", "   ", RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "roles", [], RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "roles", ["admin"], RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "roles", ["publisher", "publisher"], RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "roles", "publisher", RejectionKind.INVALID_STATEMENT),
    ("SignerEnrolled", "name", 7, RejectionKind.INVALID_STATEMENT),
    ("SignerRevoked", "compromised_since", "2024-01-01", RejectionKind.INVALID_STATEMENT),
    ("ArtefactRegistered", "kind", "weights", RejectionKind.INVALID_STATEMENT),
    ("ArtefactRegistered", "component", "weights", RejectionKind.INVALID_STATEMENT),
    ("ArtefactRegistered", "availability", "open", RejectionKind.INVALID_STATEMENT),
    ("ArtefactRegistered", "digest", {"sha256": "0F" * 32}, RejectionKind.INVALID_STATEMENT),
    ("ArtefactRegistered", "digest", {}, RejectionKind.INVALID_STATEMENT),
    (
        "ArtefactRegistered",
        "digest",
        {"sha256": "0f" * 32, "md5": "0f" * 16},
        RejectionKind.INVALID_STATEMENT,
    ),
    ("ArtefactRegistered", "digest", "0f" * 32, RejectionKind.INVALID_STATEMENT),
    ("LicenceGranted", "licence", "MIT AND", RejectionKind.MALFORMED_LICENCE),
    ("LicenceGranted", "licence", "", RejectionKind.MALFORMED_LICENCE),
    ("LicenceGranted", "licence", 7, RejectionKind.MALFORMED_LICENCE),
    ("LicenceWithdrawn", "licence", "(MIT", RejectionKind.MALFORMED_LICENCE),
    ("LicenceWithdrawn", "reason", "", RejectionKind.INVALID_STATEMENT),
    ("LicenceDefined", "terms", {}, RejectionKind.INVALID_STATEMENT),
    ("LicenceDefined", "terms", [], RejectionKind.INVALID_STATEMENT),
    ("DataSourceAdded", "source", "bad id", RejectionKind.INVALID_STATEMENT),
    ("DataSourceAdded", "rights", "free", RejectionKind.INVALID_STATEMENT),
    ("DataSourceAdded", "licence", "GPL 2.0", RejectionKind.MALFORMED_LICENCE),
    ("DatasetDerived", "from", [], RejectionKind.INVALID_STATEMENT),
    ("DatasetDerived", "from", ["acme/a", "acme/a"], RejectionKind.INVALID_STATEMENT),
    ("DatasetDerived", "from", "acme/a", RejectionKind.INVALID_STATEMENT),
    ("DatasetDerived", "processing_code", ["acme/prep"], RejectionKind.INVALID_STATEMENT),
    ("HardwareStackDescribed", "layers", {}, RejectionKind.INVALID_STATEMENT),
    (
        "HardwareStackDescribed",
        "layers",
        [{"layer": "gpu", "name": "n", "vendor": "v", "licence": "MIT"}],
        RejectionKind.INVALID_STATEMENT,
    ),
    (
        "HardwareStackDescribed",
        "layers",
        [{"layer": "driver", "name": "n", "licence": "MIT"}],
        RejectionKind.INVALID_STATEMENT,
    ),
    (
        "HardwareStackDescribed",
        "layers",
        [{"layer": "driver", "name": "n", "vendor": "v", "licence": "MIT OR"}],
        RejectionKind.MALFORMED_LICENCE,
    ),
    ("TrainingRunRecorded", "code", "acme/code", RejectionKind.INVALID_STATEMENT),
    ("TrainingRunRecorded", "datasets", ["bad id"], RejectionKind.INVALID_STATEMENT),
    ("TrainingRunRecorded", "started_at", "2024-01-01", RejectionKind.INVALID_STATEMENT),
    ("TrainingRunRecorded", "compute", [], RejectionKind.INVALID_STATEMENT),
    ("ModelVersionReleased", "components", [], RejectionKind.INVALID_STATEMENT),
    ("ModelVersionReleased", "components", {"weights": []}, RejectionKind.INVALID_STATEMENT),
    ("ModelVersionReleased", "components", {"model-card": "x"}, RejectionKind.INVALID_STATEMENT),
    ("ModelVersionReleased", "training_runs", "acme/run", RejectionKind.INVALID_STATEMENT),
    ("ComponentAttached", "component", "weights", RejectionKind.INVALID_STATEMENT),
    ("ComponentAttached", "artefact", "bad id", RejectionKind.INVALID_STATEMENT),
    ("ClaimAsserted", "claim", "not an id", RejectionKind.INVALID_STATEMENT),
    ("ClaimAsserted", "detail", 7, RejectionKind.INVALID_STATEMENT),
    ("ClaimRetracted", "claim_event", CLAIM_EVENT.upper(), RejectionKind.INVALID_STATEMENT),
    ("ClaimRetracted", "claim_event", CLAIM_EVENT[:-1], RejectionKind.INVALID_STATEMENT),
]


@pytest.mark.parametrize(
    ("type_", "field", "value", "kind"),
    BAD_VALUES,
    ids=[f"{t}.{f}={v!r}"[:60] for t, f, v, _ in BAD_VALUES],
)
def test_ill_typed_data_values_are_refused(
    type_: str, field: str, value: Any, kind: RejectionKind
) -> None:
    data = {**REQUIRED[type_], field: value}
    assert _data_kind(type_, data) is kind


@pytest.mark.parametrize(
    ("type_", "field"),
    [("ArtefactRegistered", "kind"), ("DataSourceAdded", "rights"), ("SignerEnrolled", "roles")],
)
def test_list_where_an_enum_value_belongs_is_an_invalid_statement(type_: str, field: str) -> None:
    value: Any = [["publisher"]] if field == "roles" else ["x"]
    data = {**REQUIRED[type_], field: value}
    assert _data_kind(type_, data) is RejectionKind.INVALID_STATEMENT


# --- ArtefactRegistered: component, and hardware ---------------------------------------

NON_HARDWARE_KINDS = ["code", "parameters", "dataset", "documentation"]


@pytest.mark.parametrize("kind", NON_HARDWARE_KINDS)
def test_component_is_required_for_every_kind_but_hardware(kind: str) -> None:
    data = {"kind": kind, "name": "n", "availability": "public"}
    assert _data_kind("ArtefactRegistered", data) is RejectionKind.INVALID_STATEMENT
    data["component"] = "model-card"
    assert parse_statement(_canonical(_document("ArtefactRegistered", data))).data == data


def test_hardware_needs_no_component() -> None:
    data = {"kind": "hardware", "name": "H100", "availability": "described"}
    assert parse_statement(_canonical(_document("ArtefactRegistered", data))).data == data


def test_component_is_forbidden_for_hardware() -> None:
    data = {"kind": "hardware", "name": "H100", "availability": "public", "component": "datasets"}
    assert _data_kind("ArtefactRegistered", data) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize(
    "availability", ["public", "gated", "on-request", "described", "undisclosed"]
)
def test_every_availability_is_accepted(availability: str) -> None:
    data = {**REQUIRED["ArtefactRegistered"], "availability": availability}
    assert parse_statement(_canonical(_document("ArtefactRegistered", data))).data == data


# --- DataSourceAdded: share ------------------------------------------------------------


@pytest.mark.parametrize("share", [0, 1, 0.5, 0.001])
def test_share_from_0_to_1_is_accepted(share: float) -> None:
    data = {**REQUIRED["DataSourceAdded"], "share": share}
    assert parse_statement(_canonical(_document("DataSourceAdded", data))).data == data


@pytest.mark.parametrize("share", [-0.1, -1, 1.01, 2, True, False, "0.5", None])
def test_share_outside_0_to_1_is_refused(share: Any) -> None:
    data = {**REQUIRED["DataSourceAdded"], "share": share}
    assert _data_kind("DataSourceAdded", data) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize(
    "rights", ["public-domain", "licensed", "copyrighted-unlicensed", "personal-data", "unknown"]
)
def test_every_data_right_is_accepted(rights: str) -> None:
    data = {**REQUIRED["DataSourceAdded"], "rights": rights}
    assert parse_statement(_canonical(_document("DataSourceAdded", data))).data == data


# --- LicenceDefined: every term flag ---------------------------------------------------


@pytest.mark.parametrize("flag", sorted(LICENCE_TERMS))
def test_licence_terms_must_state_every_flag(flag: str) -> None:
    terms = {k: v for k, v in LICENCE_TERMS.items() if k != flag}
    data = {**REQUIRED["LicenceDefined"], "terms": terms}
    assert _data_kind("LicenceDefined", data) is RejectionKind.INVALID_STATEMENT


@pytest.mark.parametrize("flag", sorted(LICENCE_TERMS))
def test_licence_term_flags_must_be_booleans(flag: str) -> None:
    data = {**REQUIRED["LicenceDefined"], "terms": {**LICENCE_TERMS, flag: 1}}
    assert _data_kind("LicenceDefined", data) is RejectionKind.INVALID_STATEMENT


def test_licence_terms_may_add_a_user_threshold() -> None:
    data = {**REQUIRED["LicenceDefined"], "terms": {**LICENCE_TERMS, "user_threshold": 700000000}}
    assert parse_statement(_canonical(_document("LicenceDefined", data))).data == data


def test_licence_terms_refuse_unknown_flags() -> None:
    data = {**REQUIRED["LicenceDefined"], "terms": {**LICENCE_TERMS, "field_of_use": True}}
    assert _data_kind("LicenceDefined", data) is RejectionKind.INVALID_STATEMENT


def test_hardware_layers_may_be_empty_and_repeat() -> None:
    layer = REQUIRED["HardwareStackDescribed"]["layers"][0]
    for layers in ([], [layer, layer]):
        data = {"layers": layers}
        assert parse_statement(_canonical(_document("HardwareStackDescribed", data))).data == data
