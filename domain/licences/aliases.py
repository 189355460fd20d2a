"""Other spellings of catalogue ids: ScanCode LicenseDB keys, Hugging Face card ids and the
``license_name`` values Hugging Face cards give with ``license: other``.

Contract: every value of :data:`SCANCODE_ALIASES`, :data:`HUGGING_FACE_IDS` and
:data:`HUGGING_FACE_LICENSE_NAMES` is an id the built-in catalogue defines (an SPDX licence id
or a built-in ``LicenseRef-``). Only unambiguous names are mapped. A name that stands for a
family of licences (``bsd``, ``cc``, ``gpl``, ``lgpl``, ``gfdl``, ``openrail``), an unversioned
id whose licence has versions (``odbl``, ``odc-by``, ``pddl``, ``c-uda``), a placeholder
(``other``, ``unknown``) or a licence the catalogue does not hold (``llama3.2``, ``openrail++``,
``openmdw-1.1``, ``deepfloyd-if-license``, …) is left out on purpose: guessing a version or a
family member could call a licence open that is not, and an unmapped id is assessed as unknown,
which is the safe answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SCANCODE_PREFIX = "LicenseRef-scancode-"

# licences.md §1.2 "ScanCode key" column (keys checked against the LicenseDB index bundled with
# license-expression 30.4.4). Not mapped: llama-3.2/3.3/llama-4 (other licences),
# bigscience-open-rail-m2 (OpenRAIL++-M), falcon-2-11b-1.0 (not Falcon 180B),
# ms-research-shared-source (a different, older MSR licence).
_SCANCODE_KEYS = {
    "llama-2-license-2023": "LicenseRef-Llama-2-Community",
    "llama-3.1-license-2024": "LicenseRef-Llama-3.1-Community",
    "gemma-tou-2024-04-01": "LicenseRef-Gemma-Terms-of-Use",
    "bigscience-open-rail-m": "LicenseRef-BigScience-OpenRAIL-M",
    "stable-diffusion-2022-08-22": "LicenseRef-CreativeML-OpenRAIL-M",  # text = CreativeML
    "bigcode-open-rail-m-v1": "LicenseRef-BigCode-OpenRAIL-M-1.0",
    "bigscience-rail-1.0": "LicenseRef-BigScience-BLOOM-RAIL-1.0",
    "nvidia-sdk-12.8": "LicenseRef-NVIDIA-CUDA-EULA",
    # the CUDA Toolkit supplement to the SDK agreement; §1.2 lists it in the CUDA EULA row
    "nvidia-cuda-supplement-2020": "LicenseRef-NVIDIA-CUDA-EULA",
    "openmdw-1.0": "OpenMDW-1.0",
}
SCANCODE_ALIASES: Mapping[str, str] = MappingProxyType(
    {f"{SCANCODE_PREFIX}{key}": target for key, target in _SCANCODE_KEYS.items()}
)

# licences.md §1.2 "HF id" column and §5 (HF ids matching deprecated SPDX ids map to the "-only"
# id, as gpl-3.0 → GPL-3.0-only); the plain SPDX-matching ids are from hub-docs
# docs/hub/repositories-licenses.md.
HUGGING_FACE_IDS: Mapping[str, str] = MappingProxyType(
    {
        "apache-2.0": "Apache-2.0",
        "mit": "MIT",
        "afl-3.0": "AFL-3.0",
        "artistic-2.0": "Artistic-2.0",
        "bsl-1.0": "BSL-1.0",
        "bsd-2-clause": "BSD-2-Clause",
        "bsd-3-clause": "BSD-3-Clause",
        "bsd-3-clause-clear": "BSD-3-Clause-Clear",
        "cc0-1.0": "CC0-1.0",
        "cc-by-2.0": "CC-BY-2.0",
        "cc-by-2.5": "CC-BY-2.5",
        "cc-by-3.0": "CC-BY-3.0",
        "cc-by-4.0": "CC-BY-4.0",
        "cc-by-sa-3.0": "CC-BY-SA-3.0",
        "cc-by-sa-4.0": "CC-BY-SA-4.0",
        "cc-by-nc-2.0": "CC-BY-NC-2.0",
        "cc-by-nc-3.0": "CC-BY-NC-3.0",
        "cc-by-nc-4.0": "CC-BY-NC-4.0",
        "cc-by-nd-4.0": "CC-BY-ND-4.0",
        "cc-by-nc-nd-3.0": "CC-BY-NC-ND-3.0",
        "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
        "cc-by-nc-sa-2.0": "CC-BY-NC-SA-2.0",
        "cc-by-nc-sa-3.0": "CC-BY-NC-SA-3.0",
        "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
        "cdla-sharing-1.0": "CDLA-Sharing-1.0",
        "cdla-permissive-1.0": "CDLA-Permissive-1.0",
        "cdla-permissive-2.0": "CDLA-Permissive-2.0",
        "wtfpl": "WTFPL",
        "ecl-2.0": "ECL-2.0",
        "epl-1.0": "EPL-1.0",
        "epl-2.0": "EPL-2.0",
        "etalab-2.0": "etalab-2.0",
        "eupl-1.1": "EUPL-1.1",
        "agpl-3.0": "AGPL-3.0-only",
        "gpl-2.0": "GPL-2.0-only",
        "gpl-3.0": "GPL-3.0-only",
        "lgpl-2.1": "LGPL-2.1-only",
        "lgpl-3.0": "LGPL-3.0-only",
        "isc": "ISC",
        "lppl-1.3c": "LPPL-1.3c",
        "ms-pl": "MS-PL",
        "mpl-2.0": "MPL-2.0",
        "osl-3.0": "OSL-3.0",
        "postgresql": "PostgreSQL",
        "ofl-1.1": "OFL-1.1",
        "ncsa": "NCSA",
        "unlicense": "Unlicense",
        "zlib": "Zlib",
        "openmdw-1.0": "OpenMDW-1.0",
        "llama2": "LicenseRef-Llama-2-Community",
        "llama3": "LicenseRef-Llama-3-Community",
        "llama3.1": "LicenseRef-Llama-3.1-Community",
        "gemma": "LicenseRef-Gemma-Terms-of-Use",
        "bigscience-openrail-m": "LicenseRef-BigScience-OpenRAIL-M",
        "creativeml-openrail-m": "LicenseRef-CreativeML-OpenRAIL-M",
        "bigcode-openrail-m": "LicenseRef-BigCode-OpenRAIL-M-1.0",
        "bigscience-bloom-rail-1.0": "LicenseRef-BigScience-BLOOM-RAIL-1.0",
    }
)


# ``license_name`` spellings cards use with ``license: other`` for a licence the catalogue
# holds, each naming one licence text: Google's Gemma cards (``gemma-terms-of-use``) and
# Mistral's research-licence cards (``mrl`` = MRL-0.1, the only MRL; licences.md §1.2). Meta's
# Llama 3 cards give ``llama3``, a Hugging Face id already (:func:`from_license_name`).
# Names used for several texts are left out and become ``LicenseRef-<Name>`` with unknown terms:
# ``tongyi-qianwen`` (the Tongyi Qianwen agreement exists in several releases, and the catalogue
# holds none), ``deepseek`` (the DeepSeek License Agreement, not in the catalogue),
# ``microsoft-research-license`` (Microsoft uses it for different research licences), ``openrail``
# and ``openrail++`` (a family, and OpenRAIL++-M, which the catalogue lacks).
HUGGING_FACE_LICENSE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "gemma-terms-of-use": "LicenseRef-Gemma-Terms-of-Use",
        "mrl": "LicenseRef-Mistral-Research-0.1",
    }
)


def from_license_name(license_name: str) -> str | None:
    """The catalogue id for a card's ``license_name`` (given with ``license: other``), matched
    case-insensitively: one of :data:`HUGGING_FACE_LICENSE_NAMES`, or a Hugging Face card id
    used as a name (``llama3``, ``creativeml-openrail-m``); None otherwise."""
    folded = license_name.strip().lower()
    return HUGGING_FACE_LICENSE_NAMES.get(folded) or HUGGING_FACE_IDS.get(folded)


def from_hugging_face(hf_id: str) -> str | None:
    """The catalogue id for a Hugging Face card ``license:`` value (matched case-insensitively),
    or None when the HF id is a family, a placeholder or not in the catalogue."""
    return HUGGING_FACE_IDS.get(hf_id.strip().lower())
