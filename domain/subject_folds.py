"""How each statement type shows in its subject's state (``GET /v1/subjects/{id}``).

One fold per kind of statement; the registry (``domain.statement_types``) names each type's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.encoding import parse_utc_time

if TYPE_CHECKING:
    from domain.statement import Statement


@dataclass(frozen=True, slots=True)
class SignedStatement:
    """A recorded statement with the facts the fold needs about its recording."""

    statement: Statement
    event_id: str
    author: str


Fold = Callable[[dict[str, Any], SignedStatement], None]
"""(the subject's state so far, the next statement) -> None: updates the state."""


def signer_enrolled(state: dict[str, Any], signed: SignedStatement) -> None:
    state.update(signed.statement.data)
    state["revoked"] = None


def signer_revoked(state: dict[str, Any], signed: SignedStatement) -> None:
    data = signed.statement.data
    state["revoked"] = {
        "reason": data["reason"],
        "compromised_since": data.get("compromised_since"),
        "effective_at": signed.statement.effective_at,
        "event_id": signed.event_id,
    }


def artefact_registered(state: dict[str, Any], signed: SignedStatement) -> None:
    data = signed.statement.data
    state.update(
        {
            "kind": data["kind"],
            "component": data.get("component"),
            "name": data["name"],
            "version": data.get("version"),
            "digest": data.get("digest"),
            "uri": data.get("uri"),
            "availability": data["availability"],
            "licences": [],
        }
    )
    if data["kind"] == "dataset":
        state.update({"data_sources": [], "derived_from": [], "processing_code": []})
    if data["kind"] == "hardware":
        state["layers"] = []


def licence_granted(state: dict[str, Any], signed: SignedStatement) -> None:
    state["licences"].append(
        {
            "licence": signed.statement.data["licence"],
            "uri": signed.statement.data.get("uri"),
            "effective_at": signed.statement.effective_at,
            "event_id": signed.event_id,
            "withdrawn": None,
        }
    )


def licence_withdrawn(state: dict[str, Any], signed: SignedStatement) -> None:
    licence = signed.statement.data["licence"]
    for grant in state["licences"]:
        if grant["licence"] == licence and grant["withdrawn"] is None:
            grant["withdrawn"] = {
                "reason": signed.statement.data["reason"],
                "effective_at": signed.statement.effective_at,
                "event_id": signed.event_id,
            }
            return


def licence_defined(state: dict[str, Any], signed: SignedStatement) -> None:
    state.update(signed.statement.data)


def data_source_added(state: dict[str, Any], signed: SignedStatement) -> None:
    source = {"event_id": signed.event_id, "effective_at": signed.statement.effective_at}
    source.update(signed.statement.data)
    others = [s for s in state["data_sources"] if s["source"] != source["source"]]
    state["data_sources"] = [*others, source]


def dataset_derived(state: dict[str, Any], signed: SignedStatement) -> None:
    data = signed.statement.data
    state["derived_from"] = list(dict.fromkeys([*state["derived_from"], *data["from"]]))
    if "processing_code" in data:
        state["processing_code"] = list(
            dict.fromkeys([*state["processing_code"], data["processing_code"]])
        )


def hardware_described(state: dict[str, Any], signed: SignedStatement) -> None:
    state["layers"] = list(signed.statement.data["layers"])
    state["layers_event_id"] = signed.event_id


def training_run(state: dict[str, Any], signed: SignedStatement) -> None:
    data = signed.statement.data
    state.update(
        {"base_parameters": None, "started_at": None, "finished_at": None, "compute": None}
    )
    state.update(data)


def model_released(state: dict[str, Any], signed: SignedStatement) -> None:
    data = signed.statement.data
    state.update({"training_runs": [], "base_model": None})
    state.update(data)
    state["components"] = {name: list(ids) for name, ids in data["components"].items()}


def component_attached(state: dict[str, Any], signed: SignedStatement) -> None:
    data = signed.statement.data
    artefacts = state["components"].setdefault(data["component"], [])
    if data["artefact"] not in artefacts:
        artefacts.append(data["artefact"])


def claim_asserted(state: dict[str, Any], signed: SignedStatement) -> None:
    data = signed.statement.data
    state["claims"].append(
        {
            "event_id": signed.event_id,
            "claim": data["claim"],
            "detail": data["detail"],
            "evidence_uri": data.get("evidence_uri"),
            "signer": signed.author,
            "retracted": None,
        }
    )


def claim_retracted(state: dict[str, Any], signed: SignedStatement) -> None:
    for claim in state["claims"]:
        if claim["event_id"] == signed.statement.data["claim_event"]:
            claim["retracted"] = {
                "reason": signed.statement.data["reason"],
                "event_id": signed.event_id,
            }


# --- catalogue v1.1 (DESIGN.md §11.1): a later statement supersedes the earlier one whole -------


def _in_force(current: Any, signed: SignedStatement) -> bool:
    """Whether ``signed`` supersedes ``current``: no earlier one, or an ``effective_at`` not
    before it (ties go to the later position: statements arrive in log order)."""
    return current is None or signed.statement.effective_time >= parse_utc_time(
        current["effective_at"]
    )


def superseding(key: str | None) -> Fold:
    """A fold keeping the statement in force under ``state[key]`` (the whole state if None)."""

    def fold(state: dict[str, Any], signed: SignedStatement) -> None:
        value = {
            **signed.statement.data,
            "effective_at": signed.statement.effective_at,
            "event_id": signed.event_id,
        }
        if key is None:
            current = state if "event_id" in state else None
            if _in_force(current, signed):
                claims = state.get("claims", [])
                state.clear()
                state.update(value, claims=claims)
        elif _in_force(state.get(key), signed):
            state[key] = value

    return fold
