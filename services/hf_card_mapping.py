"""How each Hugging Face card field reaches the ledger: one row per front-matter key (or part
of the card) — carried, approximated or dropped. The importer follows it and README.md shows it
(:func:`mapping_table_markdown`; a test keeps the two equal)."""

from __future__ import annotations

import fnmatch
from typing import Literal, NamedTuple

Status = Literal["carried", "approximated", "dropped"]


class FieldMapping(NamedTuple):
    """One row of the mapping table. ``card_field`` is a front-matter key or ``fnmatch`` pattern
    (``extra_gated_*``, ``*``), or a part of the card in parentheses (its text, its bytes)."""

    card_field: str
    ledger_field: str
    status: Status
    note: str


MAPPING: tuple[FieldMapping, ...] = (
    FieldMapping(
        "license",
        "`LicenceGranted.licence` on the weights and on the model card",
        "carried",
        "through the Hugging Face id map (`apache-2.0` → `Apache-2.0`, `llama2` → "
        "`LicenseRef-Llama-2-Community`); the repo licence covers every file, the card included. "
        "`unknown` → `NOASSERTION` (assessed unknown). An id the map does not hold (a family such "
        "as `bsd` or `openrail`, or a licence the catalogue lacks) blocks a real import",
    ),
    FieldMapping(
        "license_name",
        "`LicenceGranted.licence` = `LicenseRef-<Name>`",
        "approximated",
        "with `license: other`: each word of the name capitalised, joined by `-` "
        "(`microsoft-research-license` → `LicenseRef-Microsoft-Research-License`); its terms are "
        "unknown until someone records a `LicenceDefined` for it (the command is printed)",
    ),
    FieldMapping(
        "license_link",
        "`LicenceGranted.uri` (and the `uri` of the suggested `LicenceDefined`)",
        "carried",
        "a repo-relative link such as `LICENSE` becomes `https://huggingface.co/<repo>/blob/"
        "<revision>/LICENSE`",
    ),
    FieldMapping(
        "gated",
        "`ArtefactRegistered.availability` of the weights",
        "carried",
        "`true`, `auto` or `manual` → `gated`, otherwise `public`; the card itself stays "
        "`public` (the Hub shows the cards of gated repos)",
    ),
    FieldMapping(
        "extra_gated_*",
        "`ArtefactRegistered.availability` of the weights",
        "approximated",
        "a gate form means `gated` (unless `gated: false`); its prompt, fields and button text "
        "are dropped",
    ),
    FieldMapping(
        "datasets",
        "`ArtefactRegistered` (`dataset`) `hf-datasets/<id>`, listed under the component "
        "`datasets`",
        "carried",
        "availability `public` (a Hub dataset id; a model card does not say whether a dataset is "
        "gated); no dataset licence (the card gives none); a dataset already in the ledger with "
        "the same Hub uri is referenced, not registered again",
    ),
    FieldMapping(
        "(training run)",
        "`TrainingRunRecorded`",
        "dropped",
        "a card lists datasets but describes no training run, so none is created: the model "
        "does not meet OSAID data information until a run naming the datasets is recorded",
    ),
    FieldMapping(
        "base_model",
        "`ModelVersionReleased.base_model`",
        "carried",
        "must be a model version in the ledger: a real import refuses while it is missing "
        "(dropping it would hide inherited restrictions). A list (a merge): the first is kept, "
        "the others are dropped and named",
    ),
    FieldMapping(
        "base_model_relation",
        "none (`base_model`)",
        "approximated",
        "`adapter`, `merge`, `quantized` and `finetune` all become `base_model`: the model "
        "inherits its base's restrictions whatever the relation",
    ),
    FieldMapping(
        "library_name",
        "none",
        "dropped",
        "names the library that loads the weights (e.g. `transformers`), not an artefact of "
        "this model; record a `supporting-libraries` code artefact with its licence by hand",
    ),
    FieldMapping(
        "model_name",
        "`ModelVersionReleased.name`",
        "carried",
        "default: the last part of the repo id; the weights are named `<name> weights`",
    ),
    FieldMapping(
        "(card text)",
        "`ArtefactRegistered` (`documentation`, component `model-card`) `name`",
        "carried",
        "the text's first Markdown heading (default: `<repo> model card`); the rest of the text "
        "is not carried, only its digest",
    ),
    FieldMapping(
        "(card file)",
        "`digest.sha256` of the model-card artefact",
        "carried",
        "SHA-256 of the file's bytes, front matter included",
    ),
    FieldMapping(
        "new_version", "none", "dropped", "a successor is a model version of its own: import it"
    ),
    FieldMapping(
        "model-index",
        "none",
        "dropped",
        "evaluation results are not artefacts; register an `evaluation-results` artefact by hand",
    ),
    FieldMapping("metrics", "none", "dropped", "descriptive; no ledger field"),
    FieldMapping("language", "none", "dropped", "descriptive; no ledger field"),
    FieldMapping("tags", "none", "dropped", "descriptive; no ledger field"),
    FieldMapping("pipeline_tag", "none", "dropped", "descriptive; no ledger field"),
    FieldMapping("widget", "none", "dropped", "Hub display settings"),
    FieldMapping("inference", "none", "dropped", "Hub display settings"),
    FieldMapping("thumbnail", "none", "dropped", "Hub display settings"),
    FieldMapping("co2_eq_emissions", "none", "dropped", "no ledger field"),
    FieldMapping("*", "none", "dropped", "any other field: named on import, not carried"),
)


def row_for(card_field: str) -> FieldMapping:
    """The table row that maps a front-matter key (the first whose pattern matches)."""
    for row in MAPPING:
        if not row.card_field.startswith("(") and fnmatch.fnmatchcase(card_field, row.card_field):
            return row
    raise AssertionError("the table ends with '*'")  # pragma: no cover


def mapping_table_markdown() -> str:
    """The mapping table as Markdown, as the README shows it."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "| card field | ledger field | status | note |",
        "|---|---|---|---|",
    ]
    for row in MAPPING:
        name = row.card_field if row.card_field.startswith("(") else f"`{row.card_field}`"
        lines.append(
            f"| {cell(name)} | {cell(row.ledger_field)} | {row.status} | {cell(row.note)} |"
        )
    return "\n".join(lines) + "\n"
