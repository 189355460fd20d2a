"""The four freedoms (DESIGN.md §6). A freedom is limited by every artefact it needs:

- **use**: the parameters (own and inherited) and the inference code;
- **study**: the preferred form — training and inference code (and the architecture code if
  listed), data information, parameters — and, where the policy counts it, an inspectable
  hardware stack;
- **modify**: the right to make derivatives of parameters and code, and the means to retrain
  (training code, data information);
- **share**: redistribution rights on the parameters and on the code that is released.

Under ``data-propagates`` the training data's terms also limit use, modify and share.

A freedom is answered from parts, one per row of the freedoms × artefacts grid it rests on
(an artefact under a component, a component not recorded, a training dataset, a hardware
stack): the freedom's verdict is ``all_of`` the parts, and each row's own status is the status
of its part. So the freedom's status is always the worst of its rows', and a row's status is
never borrowed from another row.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.assessment.artefact_verdicts import artefact_verdict
from domain.assessment.context import ArtefactRef, Context, Row
from domain.assessment.data_information import data_information_parts, training_data_terms
from domain.assessment.hardware import hardware_parts
from domain.assessment.licence_rules import Freedom
from domain.assessment.verdicts import Blocker, Status, Verdict, all_of, blocked, worse

# Code each freedom needs; a missing one is a blocker. Share only needs rights over the code
# that is released: a model released without training code can still be shared.
_CODE = {
    Freedom.USE: ("inference-code",),
    Freedom.STUDY: ("training-code", "inference-code"),
    Freedom.MODIFY: ("training-code", "inference-code"),
    Freedom.SHARE: (),
}
# Code that counts whenever the model lists it (the architecture is code a user runs, changes
# and passes on); for share, only what is actually released counts.
_LISTED_CODE = {
    Freedom.USE: (),
    Freedom.STUDY: ("model-architecture",),
    Freedom.MODIFY: ("model-architecture",),
    Freedom.SHARE: ("training-code", "inference-code", "model-architecture"),
}
_RELEASED = frozenset({"public", "gated", "on-request"})


@dataclass(frozen=True, slots=True)
class FreedomAnswer:
    """A freedom's verdict and the status of every grid row it rests on (rows in the order
    first met; a row met twice keeps the worse status)."""

    verdict: Verdict
    rows: dict[Row, Status]


def freedom_answer(context: Context, freedom: Freedom) -> FreedomAnswer:
    parts = _parts(context, freedom)
    rows: dict[Row, Status] = {}
    for row, verdict in parts:
        rows[row] = worse(rows[row], verdict.status) if row in rows else verdict.status
    return FreedomAnswer(all_of(verdict for _, verdict in parts), rows)


def freedom_verdict(context: Context, freedom: Freedom) -> Verdict:
    return freedom_answer(context, freedom).verdict


def _parts(context: Context, freedom: Freedom) -> list[tuple[Row, Verdict]]:
    parts = _artefacts(context, "model-parameters", context.parameters, freedom)
    parts += [_missing_base(m.id, base, m.event_id) for m, base in context.missing_bases]
    for component in _CODE[freedom]:
        parts += _artefacts(context, component, context.own(component), freedom)
    for component in _LISTED_CODE[freedom]:
        refs = context.own(component)
        if freedom is Freedom.SHARE:
            refs = [r for r in refs if _released(context, r)]
        if refs:
            parts += _artefacts(context, component, refs, freedom)
    if freedom in (Freedom.STUDY, Freedom.MODIFY):
        parts += data_information_parts(context)
    if context.policy.data_propagates and freedom is not Freedom.STUDY:
        parts += training_data_terms(context, freedom)
    if freedom is Freedom.STUDY and context.policy.hardware_counts:
        parts += hardware_parts(context)
    return parts


def _missing_base(model: str, base: str, event_id: str) -> tuple[Row, Verdict]:
    reason = (
        f"base model {base} of {model} is not recorded (as of the date asked): the "
        "restrictions its parameters pass on are unknown"
    )
    blocker = Blocker(base, "model-parameters", None, reason, (event_id,))
    return (base, "model-parameters"), blocked(Status.UNKNOWN, blocker)


def _released(context: Context, ref: ArtefactRef) -> bool:
    artefact = context.world.artefacts.get(ref.artefact)
    return artefact is None or artefact.availability in _RELEASED


def _artefacts(
    context: Context, component: str, refs: list[ArtefactRef], freedom: Freedom
) -> list[tuple[Row, Verdict]]:
    if not refs:
        reason = f"no {component} is recorded for this model version"
        blocker = Blocker(None, component, None, reason, (context.model.event_id,))
        return [((None, component), blocked(Status.UNKNOWN, blocker))]
    return [((ref.artefact, component), artefact_verdict(context, ref, freedom)) for ref in refs]
