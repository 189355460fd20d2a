"""What to record next after a Hugging Face card import, so each ``unknown`` gets an answer.

Read from the assessment (DESIGN.md §6) of the imported model version: every blocker whose own
status is ``unknown`` is a fact the ledger lacks. Each becomes one step — what is missing, for
which freedoms, and the commands that record it (a ``LicenceDefined`` template whose terms are
``null`` for a licence the ledger does not define; an artefact, its licence and a
``ComponentAttached`` for a component not recorded; the licence of an artefact that has none).
After a real import the assessment is the server's; a dry run assesses the planned statements
alone (:func:`planned_assessment`), leaving out what the ledger already holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.assessment.report import assess
from domain.assessment.world import Recorded, World
from services.hf_import.card_licences import CustomLicence, define_command
from services.hf_import.plan import ImportPlan, ModelIds

_FREEDOMS = ("use", "study", "modify", "share")
_PURPOSE = {
    "inference-code": "loads and runs the weights",
    "training-code": "trained the weights",
    "model-architecture": "defines the model's architecture",
}


@dataclass(frozen=True, slots=True)
class Commands:
    """How the printed commands sign and submit (``--key``, ``--server``)."""

    key: str = "KEY"
    server: str | None = None

    def sign(self, type_: str, subject: str, data: Mapping[str, Any]) -> str:
        quoted = "'" + json.dumps(data, ensure_ascii=False).replace("'", "'\\''") + "'"
        server = f" --server {self.server}" if self.server else ""
        return (
            f"provenance sign --key {self.key} --type {type_} --subject {subject} "
            f"--data {quoted} | provenance submit{server} -"
        )


def next_steps(
    assessment: Mapping[str, Any],
    ids: ModelIds,
    commands: Commands,
    custom: Iterable[CustomLicence] = (),
    known: frozenset[str] = frozenset(),
) -> list[str]:
    """One step per missing fact behind an ``unknown`` (each with the freedoms it leaves
    unknown); ``custom`` are the plan's undefined licences (for their names and texts),
    ``known`` subjects the ledger holds although the assessment does not (a dry run's)."""
    custom_by_id = {licence.id: licence for licence in custom}
    steps: dict[str, list[str]] = {}
    for freedom in _FREEDOMS:
        for blocker in assessment["freedoms"][freedom]["blockers"]:
            if blocker["status"] != "unknown" or blocker["artefact"] in known:
                continue
            step = _step(blocker, ids, commands, custom_by_id)
            freedoms = steps.setdefault(step, [])
            if freedom not in freedoms:
                freedoms.append(freedom)
    if not steps:
        return ["nothing is unknown: every freedom has an answer"]
    return [f"{'/'.join(freedoms)} unknown: {step}" for step, freedoms in steps.items()]


def _step(
    blocker: Mapping[str, Any],
    ids: ModelIds,
    commands: Commands,
    custom: Mapping[str, CustomLicence],
) -> str:
    artefact, component, licence = blocker["artefact"], blocker["component"], blocker["licence"]
    reason: str = blocker["reason"]
    if artefact is None and component == "datasets":
        return (
            "no training run names the training data. A model version names its runs when it "
            "is released: record the run (TrainingRunRecorded naming its datasets), then import "
            "the card as a new revision with --model "
            f"{ids.hub_repo}@REVISION --training-run RUN"
        )
    if artefact is None:
        return _component(component, ids, commands)
    if licence == "NOASSERTION" or reason.endswith("it is not treated as open"):
        data = {"licence": "<the SPDX id or LicenseRef- of its licence>"}
        return f"{artefact} has no known licence: grant the one it is under\n  " + commands.sign(
            "LicenceGranted", artefact, data
        )
    if licence and ("is not in the catalogue" in reason or "not what it permits" in reason):
        return _define(licence, custom, ids, commands)
    if "base model" in reason and "is not recorded" in reason:
        return (
            f"{artefact} is not in the ledger: import it first (provenance import-hf-card "
            f"<its README.md> --model <its Hub id>), or name it with --base-model"
        )
    return f"{artefact} ({component}): {reason}"


def _component(component: str, ids: ModelIds, commands: Commands) -> str:
    subject = f"{ids.model.split('@')[0]}/{component}"
    purpose = _PURPOSE.get(component, "is this component")
    register = {
        "kind": "code",
        "component": component,
        "name": f"<the code that {purpose}>",
        "uri": "<its repository>",
        "availability": "public",
    }
    return "\n  ".join(
        [
            f"no {component} is recorded: register the code that {purpose}, its licence, "
            "and attach it",
            commands.sign("ArtefactRegistered", subject, register),
            commands.sign("LicenceGranted", subject, {"licence": "<its licence>"}),
            commands.sign(
                "ComponentAttached", ids.model, {"component": component, "artefact": subject}
            ),
        ]
    )


def _define(
    licence: str, custom: Mapping[str, CustomLicence], ids: ModelIds, commands: Commands
) -> str:
    known = custom.get(licence) or CustomLicence(licence, licence, ids.hub_url())
    if not licence.startswith("LicenseRef-"):
        return (
            f"{licence}: the catalogue does not state what it permits; an operator records its "
            "terms (LicenceDefined)"
        )
    return (
        f"{licence} is not defined: state its terms from the licence text (replace every null "
        "with true or false; a null is refused, so the template records nothing unedited)\n  "
        + define_command(known, commands.key, commands.server)
    )


def planned_assessment(plan: ImportPlan) -> dict[str, Any]:
    """The assessment of the planned statements alone (default policy): for a dry run."""
    world = World()
    for index, statement in enumerate(plan.statements):
        payload = statement.canonical_bytes()
        event_id = hashlib.sha256(payload).hexdigest()
        world.add(Recorded(statement, event_id, ("dry-run",), index))
    return assess(world, plan.ids.model, "default", None, None)
