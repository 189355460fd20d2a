"""Warnings (DESIGN.md §6): facts that never silently change a verdict but that a reader
must see — statements signed by a key after it was reported compromised, facts disputed by
open claims, and training-data rights and terms (unless the policy makes them bind)."""

from __future__ import annotations

from typing import Any

from domain.assessment.context import Context
from domain.assessment.data_information import rights_findings, terms_findings
from domain.assessment.world import Recorded
from domain.encoding import parse_utc_time


def warnings(context: Context, closure: list[Recorded]) -> list[dict[str, Any]]:
    found = _compromised(context, closure) + _claims(context, closure)
    if not context.policy.data_propagates:
        found += [
            {"reason": f"training data {b.artefact}: {b.reason}", "evidence": list(b.evidence)}
            for b in [*rights_findings(context), *terms_findings(context)]
        ]
    unique = {(w["reason"], tuple(w["evidence"])): w for w in found}
    return [unique[key] for key in sorted(unique)]


def _compromised(context: Context, closure: list[Recorded]) -> list[dict[str, Any]]:
    """Statements a key signed after its ``compromised_since``, by their signed issue time
    (offline verifiers see no recording times; a key's thief could back-date, so a revocation
    with ``compromised_since`` deserves a look at every statement of that key)."""
    found = []
    signers = context.world.signers
    for recorded in closure:
        suspects = [
            (keyid, signer)
            for keyid in recorded.signers
            if (signer := signers.get(keyid)) is not None and signer.compromised_since
        ]
        if not suspects:  # the common case: no time to parse
            continue
        issued = parse_utc_time(recorded.statement.issued_at)
        for keyid, signer in suspects:
            assert signer.compromised_since is not None
            if issued >= signer.compromised_since:
                found.append(
                    {
                        "reason": f"{recorded.statement.type} on {recorded.statement.subject} was "
                        f"signed by key {keyid} after it was reported compromised; "
                        "treat it as untrusted",
                        "evidence": list(
                            dict.fromkeys([recorded.event_id, signer.revoked_by or ""])
                        ),
                    }
                )
    return found


def _claims(context: Context, closure: list[Recorded]) -> list[dict[str, Any]]:
    in_closure = {r.event_id for r in closure}
    return [
        {
            "reason": f"open claim '{claim.claim}' on {claim.subject} by auditor {claim.signer}: "
            f"{claim.detail}",
            "evidence": [claim.event_id],
        }
        for claim in context.world.claims.values()
        if claim.retracted_by is None and claim.event_id in in_closure
    ]
