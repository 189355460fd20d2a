"""The documented shapes of the assessment (DESIGN.md §6), the bundle (§7) and a bundle check.

The routes answer these as bytes they build themselves (RFC 8785 JSON, the bundle media type);
the models exist so ``/openapi.json`` describes what those bytes hold.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

STATUS = "granted, conditional, restricted, denied or unknown"


class Blocker(BaseModel):
    artefact: str | None = Field(description="the artefact, or null for a component not recorded")
    component: str | None
    licence: str | None
    reason: str = Field(description="plain words")
    status: str = Field(description=f"what it imposes on its own: {STATUS}")
    evidence: list[str] = Field(description="ids of the events that prove it")


class ArtefactRow(BaseModel):
    artefact: str | None
    component: str | None
    status: str = Field(description=f"this row's own status for the freedom: {STATUS}")


class FreedomAnswer(BaseModel):
    status: str = Field(description=STATUS)
    conditions: list[str]
    blockers: list[Blocker]
    artefacts: list[ArtefactRow] = Field(description="every row of the grid the freedom rests on")


class Freedoms(BaseModel):
    use: FreedomAnswer
    study: FreedomAnswer
    modify: FreedomAnswer
    share: FreedomAnswer


class OsaidUnmet(BaseModel):
    requirement: str = Field(description="data-information, code or parameters")
    reason: str
    artefacts: list[str]


class Osaid(BaseModel):
    model_config = ConfigDict(extra="allow")
    conformant: bool
    unmet: list[OsaidUnmet]


class Mof(BaseModel):
    model_config = ConfigDict(extra="allow")
    class_: str | None = Field(alias="class", description="I, II, III or null")
    reading: str
    unmet: dict[str, list[str]] = Field(description='{"III": [...], "II": [...], "I": [...]}')


class Frameworks(BaseModel):
    model_config = ConfigDict(extra="allow")
    osaid: Osaid = Field(alias="osaid-1.0")
    mof: Mof


class Warning(BaseModel):
    reason: str
    evidence: list[str]


class AsOf(BaseModel):
    position: int | None


class Assessment(BaseModel):
    """What freedoms a model version confers (DESIGN.md §6), RFC 8785 JSON."""

    model: str
    policy: str
    as_of: AsOf
    at: str | None = Field(description="RFC 3339: only facts effective by then; null: every fact")
    freedoms: Freedoms
    frameworks: Frameworks
    warnings: list[Warning]


class BundleEntry(BaseModel):
    leaf_index: int
    envelope: dict[str, Any]
    inclusion_proof: list[str] = Field(description="RFC 9162 audit path to the checkpoint, hex")


class Bundle(BaseModel):
    """Everything needed to check an assessment offline with a pinned log key (§7)."""

    mediaType: str = Field(  # noqa: N815
        description="application/vnd.provenance-ledger.bundle.v1+json"
    )
    model: str
    policy: str
    as_of: AsOf
    at: str | None
    checkpoint: str = Field(description="C2SP signed note of the tree the proofs lead to")
    entries: list[BundleEntry]
    assessment: Assessment
    attestation: dict[str, Any] = Field(description="DSSE envelope of an in-toto Statement v1")


class VerifyResult(BaseModel):
    valid: bool
    checks: list[str] = Field(description="what was checked and held")
    failures: list[str] = Field(description="what failed, one line each")


class InclusionProof(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str] = Field(description="RFC 9162 audit path, hex")
    root: str


class ConsistencyProof(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: int = Field(alias="from")
    to: int
    hashes: list[str]
    old_root: str
    new_root: str


class LogEntry(BaseModel):
    leaf_index: int
    position: int
    envelope: dict[str, Any]


class LogEntries(BaseModel):
    entries: list[LogEntry]


class LogKey(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    public_key: str
    keyid: str
    first_tree_size: int
    last_tree_size: int | None


class OperatorKey(BaseModel):
    keyid: str
    public_key: str


class LogKeys(BaseModel):
    log_keys: list[LogKey]
    operator_keys: list[OperatorKey]


class Licence(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    kind: str
    osi_approved: bool
    terms: dict[str, Any] | None = Field(
        description="null where the catalogue states no terms (e.g. an exception)"
    )
    aliases: list[str]


class Licences(BaseModel):
    licences: list[Licence]


class Policy(BaseModel):
    name: str
    description: str


class Policies(BaseModel):
    default: str
    policies: list[Policy]
