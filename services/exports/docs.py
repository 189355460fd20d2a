"""The README section on SBOM export, generated from the code's mapping tables.

``python -m services.exports.docs`` prints the README.md section (paste it there);
``tests/unit/test_exports_mapping.py`` checks that README.md holds :func:`sbom_export_markdown`.
"""

from __future__ import annotations

from services.exports.formats import FORMATS
from services.exports.mapping import markdown_table

_INTRO = """\
## SBOM export (SPDX 3.0.1, CycloneDX 1.6)

A model version can be exported as a software bill of materials for tools that read SPDX or
CycloneDX: its artefacts, datasets (with their data sources), hardware stacks, licences and
training lineage, the assessment's verdicts, and a link to the provenance bundle that proves it.

```sh
provenance export meta/llama-2-7b@2023-07-18 --format spdx-3.0.1 -o llama-2.spdx.json
provenance export meta/llama-2-7b@2023-07-18 --format cyclonedx-1.6 > llama-2.cdx.json
curl 'http://127.0.0.1:8000/v1/models/meta/llama-2-7b@2023-07-18/sbom?format=spdx-3.0.1'
```

`GET /v1/models/{id}/sbom?format=spdx-3.0.1|cyclonedx-1.6` takes the same `as_of`, `at` and
`policy` as `/freedoms` and `/bundle`, and answers `application/spdx+json` (SPDX 3.0.1 JSON-LD)
or `application/vnd.cyclonedx+json; version=1.6`. `format` is required; another value, a bad
`as_of`/`at` or an unknown policy is a 422 problem, an unknown model version a 404.
`provenance export MODEL --format spdx-3.0.1|cyclonedx-1.6 [-o FILE] [--as-of P] [--at DATE]
[--policy NAME] [--server URL]` writes the document to `FILE` (or stdout); a refusal (unknown
model, bad query) or an unreachable server prints one line and exits 2.

- **SPDX 3.0.1**: the model version is the root `ai_AIPackage`; parameters are `ai_AIPackage`s,
  datasets and their data sources `dataset_DatasetPackage`s, code, documentation and hardware
  `software_Package`s. Licences are `hasDeclaredLicense` relationships to
  `simplelicensing_LicenseExpression`s (list 3.29.0), `LicenseRef-` ids mapped to their URLs in
  `simplelicensing_customIdToUri`, `NOASSERTION`/`NONE` to the SPDX 3 individuals. Datasets are
  linked by `trainedOn`, base models by `descendantOf`. The verdicts are one review
  `Annotation` of the model (a `name=value` line each); the bundle is an `externalRef`.
- **CycloneDX 1.6**: the model version is `metadata.component`, a `machine-learning-model` with
  a `modelCard` whose `modelParameters.datasets` point to the `data` components; the verdicts
  are the model's `properties`, the bundle an `externalReferences` entry of type `attestation`.

Both are deterministic: the same events, query and server give the same bytes. No clock is
read: the creation time (`CreationInfo.created`, `metadata.timestamp`) is the model version's
release statement time (`issued_at`, to the second; 1970-01-01T00:00:00Z if it is unknown), and
the SPDX namespace and CycloneDX serial number are a UUIDv5 of the bundle URL and the
assessment. The bundle URL is pinned to the assessment's log position (`as_of`), with its
`at` and policy, so it answers later with the same assessment; its host is the server's
`--public-url` (`LEDGER_PUBLIC_URL`) when set, otherwise the address the request reached. Verdict
property names are the same in both formats: `provenance-ledger:freedom:use`,
`…:freedom:use:condition`,
`…:freedom:use:blocker` (and so on for study, modify, share), `…:osaid-1.0:conformant`,
`…:osaid-1.0:unmet`, `…:mof:class`, `…:mof:reading`, `…:mof:unmet:<class>`,
`…:eu-ai-act:general-purpose`, `…:eu-ai-act:systemic-risk`, `…:eu-ai-act:open-source-exemption`,
`…:eu-ai-act:unmet`, `…:eu-ai-act:obligation`, `…:eu-ai-act:deadline`, `…:warning`,
`…:policy`, `…:as-of-position`, `…:at`.

The tables below are generated from the code (`SPDX_MAPPING`, `CYCLONEDX_MAPPING` in
`services/exports/`); *carried* means the field keeps its meaning, *approximated* that it is
rendered in a nearby form (the note says how), *dropped* that it is left to the bundle.
`tests/integration/test_exports_validate.py` validates every example model's export with
`spdx3-validate` (offline, with the SPDX files in `tests/data/spdx-3.0.1/`), reloads it with
`spdx-python-model`, and validates the CycloneDX one with `cyclonedx-python-lib`'s strict 1.6
JSON validator.
"""


def sbom_export_markdown() -> str:
    """The whole section: introduction, usage, then one mapping table per format."""
    parts = [_INTRO]
    for export in FORMATS.values():
        parts.append(f"\n### {export.title} mapping\n\n")
        parts.append(markdown_table(export.mapping, f"{export.title} field"))
    return "".join(parts)


if __name__ == "__main__":
    print(sbom_export_markdown(), end="")
