"""SBOM exports of one model version: SPDX 3.0.1 JSON-LD (AI and Dataset profiles) and a
CycloneDX 1.6 ML-BOM, each carrying the assessment's verdicts and pointing to the provenance
bundle. Both render one format-neutral inventory of the assessment's world; each format's
module has the table of what it carries, approximates and drops (``SPDX_MAPPING``,
``CYCLONEDX_MAPPING``), and the docs are generated from those tables (``services.exports.docs``).
"""

from __future__ import annotations

from services.exports.cyclonedx import CYCLONEDX_MAPPING, cyclonedx_bom
from services.exports.formats import FORMATS, ExportFormat, bundle_url, export_format
from services.exports.spdx import SPDX_MAPPING, spdx_document

__all__ = [
    "CYCLONEDX_MAPPING",
    "FORMATS",
    "SPDX_MAPPING",
    "ExportFormat",
    "bundle_url",
    "cyclonedx_bom",
    "export_format",
    "spdx_document",
]
