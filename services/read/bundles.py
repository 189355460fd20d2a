"""Building provenance bundles (DESIGN.md §7) for one model version: the statements its
assessment rests on, each with its inclusion proof to the current signed checkpoint, the
assessment itself and an in-toto attestation of it signed by the log key."""

from __future__ import annotations

import json
from typing import Any

from domain.bundle.attestation import attestation_statement
from domain.bundle.verify import BUNDLE_MEDIA_TYPE
from services.read.as_of import AsOf
from services.read.assessments import Assessments
from services.read.reads import LedgerReads
from services.write.transparency_log import TransparencyLog


class Bundles:
    def __init__(self, assessments: Assessments, reads: LedgerReads, log: TransparencyLog) -> None:
        self._assessments = assessments
        self._reads = reads
        self._log = log

    def build(
        self, model_id: str, as_of: AsOf | None, at: str | None, policy: str
    ) -> dict[str, Any]:
        answer = self._assessments.recompute(model_id, as_of, at, policy)
        assessment = json.loads(answer.body)
        leaves = [recorded.leaf_index for recorded in answer.evidence]
        checkpoint, proofs = self._log.proofs_to_current(leaves)
        envelopes = [event.envelope for event in self._reads.leaves(leaves)]
        statement = attestation_statement(answer.world, model_id, assessment)
        return {
            "mediaType": BUNDLE_MEDIA_TYPE,
            "model": model_id,
            "policy": policy,
            "as_of": dict(assessment["as_of"]),
            "at": assessment["at"],
            "checkpoint": checkpoint,
            "entries": [
                {"leaf_index": leaf, "envelope": envelope, "inclusion_proof": proof}
                for leaf, envelope, proof in zip(leaves, envelopes, proofs, strict=True)
            ],
            "assessment": assessment,
            "attestation": self._log.sign_attestation(statement),
        }
