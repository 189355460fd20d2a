"""Who a keyid is: the name and organisation its enrolment gave, for every page that shows one."""

from __future__ import annotations

from dataclasses import dataclass

from domain.rejections import Rejection
from services.ledger_services import LedgerServices


@dataclass(frozen=True, slots=True)
class Signer:
    keyid: str
    name: str  # "Meta (meta)", "operator (configured)", or "" when unknown

    @property
    def short(self) -> str:
        return self.keyid[:12]


def signers(services: LedgerServices, keyids: list[str]) -> dict[str, Signer]:
    """Each keyid with the name its enrolment gave (and its organisation), read at the head."""
    found: dict[str, Signer] = {}
    for keyid in dict.fromkeys(keyids):
        found[keyid] = Signer(keyid, _name(services, keyid))
    return found


def _name(services: LedgerServices, keyid: str) -> str:
    try:
        state = services.reads.subject(keyid).state
    except Rejection:
        return ""
    if state.get("configured"):
        return "operator (configured)"
    name, organisation = state.get("name") or "", state.get("organisation") or ""
    if name and organisation:
        return f"{name} ({organisation})"
    return name or organisation
