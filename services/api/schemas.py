"""Response shapes of the API (DESIGN.md §4), kept apart from domain objects."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from services.read.reads import LoggedEvent, SubjectReport
from services.write.submission import Recorded


class EnvelopeSignature(BaseModel):
    keyid: str = Field(description="lowercase hex SHA-256 of the raw Ed25519 public key")
    sig: str = Field(description="standard padded base64 Ed25519 signature over PAE")


class EnvelopeBody(BaseModel):
    """A DSSE v1 envelope (documented shape; the server parses the body strictly itself)."""

    payloadType: str = "application/vnd.provenance-ledger.statement.v1+json"  # noqa: N815
    payload: str
    signatures: list[EnvelopeSignature]


class BatchBody(BaseModel):
    envelopes: list[EnvelopeBody]


class ReceiptOut(BaseModel):
    leaf_index: int
    checkpoint: str = Field(description="signed C2SP checkpoint note that includes the event")
    inclusion_proof: list[str] = Field(description="RFC 9162 audit path, lowercase hex")


class RecordedOut(BaseModel):
    event_id: str
    position: int
    leaf_index: int
    recorded_at: str
    receipt: ReceiptOut


def recorded_json(recorded: Recorded, checkpoint: str, proof: list[str]) -> dict[str, Any]:
    """The ``RecordedOut`` shape as a plain dict, its receipt the ``checkpoint`` note and the
    leaf's inclusion ``proof`` to it (batches answer thousands of these)."""
    leaf = recorded.leaf
    return {
        "event_id": leaf.event_id,
        "position": leaf.position,
        "leaf_index": leaf.leaf_index,
        "recorded_at": leaf.recorded_at,
        "receipt": {
            "leaf_index": leaf.leaf_index,
            "checkpoint": checkpoint,
            "inclusion_proof": proof,
        },
    }


class BatchOut(BaseModel):
    events: list[RecordedOut]


class EventOut(BaseModel):
    position: int
    leaf_index: int
    event_id: str
    recorded_at: str
    envelope: dict[str, Any]

    @classmethod
    def of(cls, event: LoggedEvent) -> EventOut:
        return cls(
            position=event.position,
            leaf_index=event.leaf_index,
            event_id=event.event_id,
            recorded_at=event.recorded_at,
            envelope=event.envelope,
        )


class EventsPage(BaseModel):
    events: list[EventOut]
    next: int | None


class SubjectOut(BaseModel):
    id: str
    kind: str
    owner: str | None
    state: dict[str, Any]
    events: list[str]

    @classmethod
    def of(cls, report: SubjectReport) -> SubjectOut:
        return cls(
            id=report.id,
            kind=report.kind,
            owner=report.owner,
            state=report.state,
            events=report.events,
        )


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(description="https://provenance-ledger.dev/problems/<kind>, stable")
    title: str
    status: int
    detail: str = Field(description="what failed, in words")
    errors: list[dict[str, Any]] | None = Field(
        None, description="a refused batch: every refused envelope {index, type, status, detail}"
    )
    suggestions: list[str] | None = Field(
        None, description="an unknown model id: the recorded ids it most resembles"
    )
    matches: list[str] | None = Field(
        None, description="an ambiguous event-id prefix: the event ids it matches"
    )


class Health(BaseModel):
    status: str


class Verdicts(BaseModel):
    use: str = Field(description="granted, conditional, restricted, denied or unknown")
    study: str
    modify: str
    share: str
    osaid: bool = Field(description="conformant with OSAID 1.0")
    mof: str | None = Field(description="Model Openness Framework class I, II, III or null")


class ListedModelOut(BaseModel):
    id: str
    name: str
    version: str
    owner: str | None = Field(description="the organisation that owns it")
    verdicts: Verdicts


class ModelsPage(BaseModel):
    models: list[ListedModelOut]
    next: str | None = Field(description="the `after` of the next page; null at the end")


class ChangedEvent(BaseModel):
    position: int
    event_id: str
    type: str
    subject: str


class FieldChange(BaseModel):
    path: str = Field(description="JSON Pointer (RFC 6901) into the assessment")
    old: Any = Field(description="the value at `from` (null: absent then)")
    new: Any = Field(description="the value at `to` (null: absent now)")


class ChangesOut(BaseModel):
    model: str
    from_: int = Field(alias="from", description="exclusive start position")
    to: int = Field(description="inclusive end position")
    at: str | None
    policy: str
    events: list[ChangedEvent] = Field(
        description="the events in (from, to] the answer at `to` rests on, in log order"
    )
    changes: list[FieldChange] = Field(description="every field that differs, by path")
