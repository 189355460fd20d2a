"""One artefact's verdict on one freedom: can it be obtained, and what do its licences allow.

Several grants in force are alternatives (the user picks the most favourable, as with OR);
no grant at all is ``unknown`` — the ledger never assumes an unlicensed artefact is open.
"""

from __future__ import annotations

from domain.assessment.context import ArtefactRef, Context
from domain.assessment.licence_rules import Freedom
from domain.assessment.licence_verdicts import Site, licence_verdict
from domain.assessment.verdicts import GRANTED, Blocker, Status, Verdict, all_of, best_of, blocked

_UNOBTAINABLE = {
    "on-request": (Status.RESTRICTED, "obtainable only on request from the publisher"),
    "described": (Status.DENIED, "not obtainable: only described, not released"),
    "undisclosed": (Status.DENIED, "not obtainable: undisclosed"),
}


def artefact_verdict(context: Context, ref: ArtefactRef, freedom: Freedom) -> Verdict:
    prefix = f"inherited from {ref.via}: " if ref.via else ""
    artefact = context.world.artefacts.get(ref.artefact)
    if artefact is None:
        return blocked(
            Status.UNKNOWN,
            Blocker(
                ref.artefact,
                ref.component,
                None,
                prefix + "the artefact is not recorded",
                (ref.link_event,),
            ),
        )
    evidence = (ref.link_event, artefact.event_id)
    parts = [_availability(ref, artefact.availability, evidence, prefix)]
    grants = artefact.grants_in_force()
    if not grants:
        withdrawn = tuple(g.withdrawn_by for g in artefact.grants if g.withdrawn_by)
        reason = "no licence is in force for this artefact; it is not treated as open"
        parts.append(
            blocked(
                Status.UNKNOWN,
                Blocker(ref.artefact, ref.component, None, prefix + reason, evidence + withdrawn),
            )
        )
    else:
        parts.append(
            best_of(
                licence_verdict(
                    grant.licence,
                    freedom,
                    context.catalogue,
                    Site(ref.artefact, ref.component, (*evidence, grant.event_id), prefix),
                )
                for grant in grants
            )
        )
    return all_of(parts)


def _availability(
    ref: ArtefactRef, availability: str, evidence: tuple[str, ...], prefix: str
) -> Verdict:
    if availability == "gated":
        condition = f"{ref.artefact}: access is gated (accept the publisher's terms first)"
        return Verdict(Status.CONDITIONAL, frozenset({condition}))
    if availability in _UNOBTAINABLE:
        status, reason = _UNOBTAINABLE[availability]
        return blocked(
            status, Blocker(ref.artefact, ref.component, None, prefix + reason, evidence)
        )
    return GRANTED
