"""Every kind of envelope the ledger must refuse, with what it must say. Shared by the
service-level contract and the HTTP tests, which both prove nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.envelope import STATEMENT_PAYLOAD_TYPE, sign_envelope
from domain.rejections import RejectionKind
from tests.builders import Cast, artefact, envelope, keyid

Build = Callable[[Cast], tuple[list[dict[str, Any]], dict[str, Any]]]


@dataclass(frozen=True)
class RejectionCase:
    name: str
    build: Build
    kind: RejectionKind


def _bad_signature(cast: Cast) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    good = artefact(cast.acme, "acme/y", "code", "training-code")
    forged = envelope(cast.stranger, "ArtefactRegistered", "acme/y", {"kind": "code"})
    good["signatures"][0]["sig"] = forged["signatures"][0]["sig"]
    return cast.enrolments(), good


def _tampered_payload(cast: Cast) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    good = artefact(cast.acme, "acme/y", "code", "training-code")
    other = artefact(cast.acme, "acme/z", "code", "training-code")
    good["payload"] = other["payload"]
    return cast.enrolments(), good


def _non_canonical(cast: Cast) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    statement = {
        "v": 1,
        "type": "ArtefactRegistered",
        "subject": "acme/y",
        "data": {
            "kind": "code",
            "component": "training-code",
            "name": "y",
            "availability": "public",
        },
        "effective_at": "2024-01-01T00:00:00Z",
        "issued_at": "2024-01-01T00:00:00Z",
    }
    payload = json.dumps(statement, indent=1).encode()
    return cast.enrolments(), sign_envelope(STATEMENT_PAYLOAD_TYPE, payload, [cast.acme]).to_json()


def _revoked(cast: Cast) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    revoke = envelope(cast.operator, "SignerRevoked", keyid(cast.acme), {"reason": "left"})
    return [*cast.enrolments(), revoke], artefact(cast.acme, "acme/y", "code", "training-code")


def _small(bad: Callable[[Cast], dict[str, Any]]) -> Build:
    return lambda cast: (cast.small_model(), bad(cast))


def _enrolled(bad: Callable[[Cast], dict[str, Any]]) -> Build:
    return lambda cast: (cast.enrolments(), bad(cast))


CASES = (
    RejectionCase("bad signature", _bad_signature, RejectionKind.BAD_SIGNATURE),
    RejectionCase(
        "payload swapped under a signature", _tampered_payload, RejectionKind.BAD_SIGNATURE
    ),
    RejectionCase(
        "unenrolled key",
        _enrolled(lambda c: artefact(c.stranger, "s/y", "code", "training-code")),
        RejectionKind.UNKNOWN_KEY,
    ),
    RejectionCase("revoked key", _revoked, RejectionKind.REVOKED_KEY),
    RejectionCase(
        "wrong role: auditor registers an artefact",
        _enrolled(lambda c: artefact(c.auditor, "w/y", "code", "training-code")),
        RejectionKind.MISSING_ROLE,
    ),
    RejectionCase(
        "wrong role: publisher enrols a signer",
        _enrolled(
            lambda c: envelope(
                c.acme,
                "SignerEnrolled",
                keyid(c.stranger),
                {
                    "public_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                    "organisation": "acme",
                    "roles": ["publisher"],
                    "name": "x",
                },
            )
        ),
        RejectionKind.MISSING_ROLE,
    ),
    RejectionCase(
        "wrong role: publisher asserts a claim",
        _small(
            lambda c: envelope(
                c.acme,
                "ClaimAsserted",
                "acme/x/data",
                {"claim": "undisclosed-training-data", "detail": "d"},
            )
        ),
        RejectionKind.MISSING_ROLE,
    ),
    RejectionCase(
        "not owner: another organisation grants a licence",
        _small(
            lambda c: envelope(c.globex, "LicenceGranted", "acme/x/weights", {"licence": "MIT"})
        ),
        RejectionKind.NOT_OWNER,
    ),
    RejectionCase(
        "not owner: another organisation adds a data source",
        _small(
            lambda c: envelope(
                c.globex,
                "DataSourceAdded",
                "acme/x/data",
                {"source": "s1", "name": "S", "rights": "unknown"},
            )
        ),
        RejectionKind.NOT_OWNER,
    ),
    RejectionCase(
        "built-in licence redefined by a publisher",
        _enrolled(
            lambda c: envelope(
                c.acme,
                "LicenceDefined",
                "LicenseRef-Llama-2-Community",
                {"name": "n", "uri": "u", "terms": LICENCE_TERMS},
            )
        ),
        RejectionKind.MISSING_ROLE,
    ),
    RejectionCase("non-canonical payload", _non_canonical, RejectionKind.NON_CANONICAL_PAYLOAD),
    RejectionCase(
        "unknown type",
        _enrolled(lambda c: envelope(c.acme, "ModelDeleted", "acme/x@1", {})),
        RejectionKind.UNKNOWN_TYPE,
    ),
    RejectionCase(
        "missing field",
        _enrolled(
            lambda c: envelope(
                c.acme,
                "ArtefactRegistered",
                "acme/y",
                {"kind": "code", "name": "y", "availability": "public"},
            )
        ),
        RejectionKind.INVALID_STATEMENT,
    ),
    RejectionCase(
        "ill-typed field",
        _enrolled(
            lambda c: envelope(
                c.acme,
                "ArtefactRegistered",
                "acme/y",
                {"kind": "code", "component": "training-code", "name": 7, "availability": "public"},
            )
        ),
        RejectionKind.INVALID_STATEMENT,
    ),
    RejectionCase(
        "enum value outside the catalogue",
        _enrolled(
            lambda c: envelope(
                c.acme,
                "ArtefactRegistered",
                "acme/y",
                {
                    "kind": "weights",
                    "component": "model-parameters",
                    "name": "y",
                    "availability": "public",
                },
            )
        ),
        RejectionKind.INVALID_STATEMENT,
    ),
    RejectionCase(
        "dangling reference",
        _small(
            lambda c: envelope(
                c.acme,
                "TrainingRunRecorded",
                "acme/x/run-2",
                {"code": [], "datasets": ["acme/missing"], "hardware": [], "produced": []},
            )
        ),
        RejectionKind.DANGLING_REFERENCE,
    ),
    RejectionCase(
        "licence on a subject that does not exist",
        _enrolled(lambda c: envelope(c.acme, "LicenceGranted", "acme/nothing", {"licence": "MIT"})),
        RejectionKind.DANGLING_REFERENCE,
    ),
    RejectionCase(
        "reference of the wrong kind",
        _small(
            lambda c: envelope(
                c.acme,
                "TrainingRunRecorded",
                "acme/x/run-2",
                {"code": [], "datasets": ["acme/x/code"], "hardware": [], "produced": []},
            )
        ),
        RejectionKind.WRONG_SUBJECT_KIND,
    ),
    RejectionCase(
        "malformed licence expression",
        _small(
            lambda c: envelope(
                c.acme, "LicenceGranted", "acme/x/weights", {"licence": "MIT AND (Apache-2.0"}
            )
        ),
        RejectionKind.MALFORMED_LICENCE,
    ),
    RejectionCase(
        "withdrawing a licence that is not granted",
        _small(
            lambda c: envelope(
                c.acme, "LicenceWithdrawn", "acme/x/weights", {"licence": "MIT", "reason": "r"}
            )
        ),
        RejectionKind.DANGLING_REFERENCE,
    ),
    RejectionCase(
        "a subject's first event again",
        _small(
            lambda c: artefact(
                c.acme, "acme/x/weights", "parameters", "model-parameters", version="2"
            )
        ),
        RejectionKind.SUBJECT_EXISTS,
    ),
    # catalogue v1.1 (DESIGN.md §11.1)
    RejectionCase(
        "v1.1: an unknown size unit",
        _small(
            lambda c: envelope(
                c.acme,
                "DatasetDescribed",
                "acme/x/data",
                {
                    "modality": "text",
                    "size": {"value": 5, "unit": "pages"},
                    "acquisition": "public-dataset",
                },
            )
        ),
        RejectionKind.INVALID_STATEMENT,
    ),
    RejectionCase(
        "v1.1: a negative dataset size",
        _small(
            lambda c: envelope(
                c.acme,
                "DatasetDescribed",
                "acme/x/data",
                {
                    "modality": "text",
                    "size": {"value": -1, "unit": "tokens"},
                    "acquisition": "public-dataset",
                },
            )
        ),
        RejectionKind.INVALID_STATEMENT,
    ),
    RejectionCase(
        "v1.1: a crawled dataset without its crawler",
        _small(
            lambda c: envelope(
                c.acme,
                "DatasetDescribed",
                "acme/x/data",
                {
                    "modality": "text",
                    "size": {"value": 1, "unit": "tokens"},
                    "acquisition": "crawled",
                },
            )
        ),
        RejectionKind.INVALID_STATEMENT,
    ),
    RejectionCase(
        "v1.1: another organisation describes the model",
        _small(
            lambda c: envelope(
                c.globex,
                "ModelVersionDistributed",
                "acme/x@1",
                {"price": "free", "personal_data_for_access": "none", "monetisation": []},
            )
        ),
        RejectionKind.NOT_OWNER,
    ),
    RejectionCase(
        "v1.1: a publisher designates systemic risk",
        _small(
            lambda c: envelope(
                c.acme,
                "SystemicRiskDesignated",
                "acme/x@1",
                {"status": "rebutted", "decided_at": "2026-01-01", "reference": "https://e.eu"},
            )
        ),
        RejectionKind.MISSING_ROLE,
    ),
    RejectionCase(
        "unsupported payload type",
        _enrolled(
            lambda c: {
                **artefact(c.acme, "acme/y", "code", "training-code"),
                "payloadType": "application/json",
            }
        ),
        RejectionKind.UNSUPPORTED_PAYLOAD_TYPE,
    ),
)

LICENCE_TERMS: dict[str, Any] = {
    "use_restricted": True,
    "commercial_use": False,
    "modification": True,
    "redistribution": True,
    "redistribution_modified": True,
    "share_alike": False,
    "attribution": True,
    "source_obligation": False,
    "reverse_engineering_ban": False,
    "osi_approved": False,
    "mof_open": False,
}
