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
        "`LicenseRef-Llama-2-Community`) or the catalogue's SPDX ids, any case, written as the "
        "catalogue spells them; the repo licence covers every file, the card included. "
        "`unknown` → `NOASSERTION` (assessed unknown). A list is a set of alternatives: one "
        "grant each. An id that names no one licence the catalogue holds (a family such as "
        "`bsd`, a licence such as `openrail++`) blocks a real import, which says what to change "
        "in the card",
    ),
    FieldMapping(
        "license_name",
        "`LicenceGranted.licence`: the catalogue licence it names, else `LicenseRef-<Name>`",
        "approximated",
        "with `license: other`: a Hugging Face licence name the catalogue holds "
        "(`gemma-terms-of-use` → `LicenseRef-Gemma-Terms-of-Use`, `llama3`, `mrl`) or an SPDX "
        "id is granted as that licence; otherwise each word of the name is capitalised and "
        "joined by `-` (`microsoft-research-license` → `LicenseRef-Microsoft-Research-License`) "
        "and looked up in the ledger, any case; an id the ledger does not define is assessed "
        "unknown, and the import prints a `LicenceDefined` template whose terms are all `null` "
        "(unknown) to fill in from the licence text",
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
        "`TrainingRunRecorded` `R/training`, in `ModelVersionReleased.training_runs`",
        "approximated",
        "the card's `datasets` are the datasets used to train the weights (the Hub shows them "
        "so): one run names them and produced the weights; its code and hardware are not "
        "stated, so none are named. A card without datasets gets no run: record one first and "
        "import with `--training-run RUN`",
    ),
    FieldMapping(
        "base_model",
        "`ModelVersionReleased.base_model`",
        "carried",
        "`--base-model LEDGER_ID` when given; else the ledger id written from the Hub id; else "
        "the model version whose weights were recorded with that Hub repository's URI. Must be a "
        "model version in the ledger: a real import refuses while it is missing (dropping it "
        "would hide inherited restrictions). A list (a merge): the first is kept, the others "
        "are dropped and named",
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
        "`ArtefactRegistered` (`code`) `hf-libraries/<name>` with its `LicenceGranted`, listed "
        "as `inference-code` (and `model-architecture`)",
        "approximated",
        "the library that loads and runs the weights is the model's inference code, and the "
        "code of its architecture where the library implements it (not when the card's tags "
        "say `custom_code`); repository and licence from the table of known libraries (its "
        "current licence; the version used is not stated). A library the table does not hold "
        "is named and nothing is recorded",
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
    FieldMapping(
        "pipeline_tag",
        "`ModelVersionDescribed.modalities` (`input`, `output`)",
        "approximated",
        "from a table of known tasks (e.g. `text-generation`: text to text, "
        "`automatic-speech-recognition`: audio to text; classification outputs `other`); an "
        "unknown tag is named and nothing is recorded",
    ),
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
