"""The four freedoms (DESIGN.md §6). A freedom is limited by every artefact it needs:

- **use**: the parameters (own and inherited) and the inference code;
- **study**: the preferred form — training and inference code (and the architecture code if
  listed), data information, parameters — and, where the policy counts it, an inspectable
  hardware stack;
- **modify**: the right to make derivatives of parameters and code, and the means to retrain
  (training code, data information);
- **share**: redistribution rights on the parameters and on the code that is released.

Under ``data-propagates`` the training data's terms also limit use, modify and share.
"""

from __future__ import annotations

from domain.assessment.artefact_verdicts import artefact_verdict
from domain.assessment.context import ArtefactRef, Context
from domain.assessment.data_information import data_information, training_data_terms
from domain.assessment.hardware import limit_study_by_hardware
from domain.assessment.licence_rules import Freedom
from domain.assessment.verdicts import Blocker, Status, Verdict, all_of, blocked

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


def freedom_verdict(context: Context, freedom: Freedom) -> Verdict:
    parts = [_artefacts(context, "model-parameters", context.parameters, freedom)]
    parts += [
        blocked(
            Status.UNKNOWN,
            Blocker(
                base,
                "model-parameters",
                None,
                f"base model {base} of {model.id} is not recorded (as of the date asked): the "
                "restrictions its parameters pass on are unknown",
                (model.event_id,),
            ),
        )
        for model, base in context.missing_bases
    ]
    parts += [_artefacts(context, c, context.own(c), freedom) for c in _CODE[freedom]]
    for component in _LISTED_CODE[freedom]:
        refs = context.own(component)
        if freedom is Freedom.SHARE:
            refs = [r for r in refs if _released(context, r)]
        if refs:
            parts.append(_artefacts(context, component, refs, freedom))
    if freedom in (Freedom.STUDY, Freedom.MODIFY):
        parts.append(data_information(context))
    if context.policy.data_propagates and freedom is not Freedom.STUDY:
        parts.append(training_data_terms(context, freedom))
    verdict = all_of(parts)
    if freedom is Freedom.STUDY and context.policy.hardware_counts:
        verdict = limit_study_by_hardware(context, verdict)
    return verdict


def _released(context: Context, ref: ArtefactRef) -> bool:
    artefact = context.world.artefacts.get(ref.artefact)
    return artefact is None or artefact.availability in _RELEASED


def _artefacts(
    context: Context, component: str, refs: list[ArtefactRef], freedom: Freedom
) -> Verdict:
    if not refs:
        reason = f"no {component} is recorded for this model version"
        return blocked(
            Status.UNKNOWN, Blocker(None, component, None, reason, (context.model.event_id,))
        )
    return all_of(artefact_verdict(context, ref, freedom) for ref in refs)
