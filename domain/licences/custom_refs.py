"""The built-in ``LicenseRef-`` licences: AI model, hardware and proprietary terms with no SPDX id.

Contract: :func:`custom_entries` holds exactly the 13 ids of
``domain.catalogue.BUILT_IN_LICENCE_REFS``, each of kind ``CUSTOM``, ``osi_approved`` and
``fsf_libre`` false, ``mof_open`` false, with its name, primary URI (licences.md §1.2), a note of
its key restrictions and its terms (licences.md §1.3 freedom matrix and §1.4 conditions). Where
the references leave a term open, the catalogue takes the reading that grants less and says so
in the note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from domain.licences.terms import FREE, LicenceEntry, LicenceKind, LicenceTerms, Restriction

# The shape shared by AI model licences (licences.md §1.3: Use R, Modify Y, Share C+R): every
# freedom granted, but bound by field-of-use limits, with notices to keep.
_MODEL_LICENCE = replace(FREE, use_restricted=True, mof_open=False)
# licences.md §1.3 "All rights reserved / no licence": N everywhere. LicenceTerms has no "use
# granted" flag: use_restricted stays False (there is no field-of-use grant to restrict).
_NOTHING_GRANTED = LicenceTerms(
    use_restricted=False,
    commercial_use=False,
    modification=False,
    redistribution=False,
    redistribution_modified=False,
    share_alike=False,
    attribution=False,
    source_obligation=False,
    reverse_engineering_ban=True,
    osi_approved=False,
    mof_open=False,
)
_OPENRAIL_NOTE = (
    "Use-based restrictions (Attachment A) that must be passed on as an enforceable provision in "
    "the licence of any derivative; the licensor may restrict usage remotely. Commercial use and "
    "hosting are allowed; the training data is not licensed."
)
_LLAMA_MAU = 700_000_000  # licences.md §1.4 Llama 2 §2 (kept in Llama 3 and 3.1)

# What the EU AI Act's open-source test reads (DESIGN.md §11.1; eu-ai-act-open-source.md §2):
# the kind of each restriction, whether crossing the user threshold needs another licence, and
# whether the licensor may change the terms unilaterally (an acceptable-use policy "updated
# from time to time", a right to restrict usage remotely).
_AUP = Restriction("field-of-use", safety_oriented=False)
_OUTPUTS = Restriction("output-use", safety_oriented=False)
_LLAMA_EU = {
    "user_threshold": _LLAMA_MAU,
    "threshold_consequence": "licence-required",
    "licensor_may_change": True,
    "excluded_regions": (),
}
_RAIL_EU = {"restrictions": (_AUP,), "excluded_regions": ()}


@dataclass(frozen=True, slots=True)
class Custom:
    id: str
    name: str
    uri: str | None
    note: str
    changes: Mapping[str, Any]  # fields that differ from the model-licence shape
    base: LicenceTerms = _MODEL_LICENCE


CUSTOM: tuple[Custom, ...] = (
    # licences.md §1.3 Llama 2 row; §1.4 §1.b.v (outputs) and §2 (700M MAU)
    Custom(
        "LicenseRef-Llama-2-Community",
        "Llama 2 Community License Agreement",
        "https://ai.meta.com/llama/license/",
        "Acceptable Use Policy; licensees with over 700 million monthly active users need a "
        "separate licence from Meta; outputs may not be used to improve other LLMs. "
        "Redistribution needs a copy of the agreement and a Notice file.",
        {**_LLAMA_EU, "restrictions": (_AUP, _OUTPUTS)},
    ),
    # licences.md §1.3 Llama 3 row; §1.4 "As Llama 2 plus ..."
    Custom(
        "LicenseRef-Llama-3-Community",
        "Meta Llama 3 Community License Agreement",
        "https://github.com/meta-llama/llama3/blob/main/LICENSE",
        "Acceptable Use Policy; licensees with over 700 million monthly active users need a "
        "separate licence from Meta; outputs may not be used to improve other LLMs; display "
        '"Built with Meta Llama 3" and start derived model names with "Llama 3".',
        {**_LLAMA_EU, "restrictions": (_AUP, _OUTPUTS)},
    ),
    # licences.md §1.3 Llama 3.1 row; §1.4 Llama 3.1 (output clause gone, name prefix)
    Custom(
        "LicenseRef-Llama-3.1-Community",
        "Llama 3.1 Community License Agreement",
        "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE",
        "Acceptable Use Policy; licensees with over 700 million monthly active users need a "
        "separate licence from Meta; any distributed model trained on the materials or their "
        'outputs must have a name starting with "Llama"; display "Built with Llama".',
        {**_LLAMA_EU, "restrictions": (_AUP,)},
    ),
    # licences.md §1.3 Gemma row; §1.4 Gemma (commercial allowed, no MAU threshold)
    Custom(
        "LicenseRef-Gemma-Terms-of-Use",
        "Gemma Terms of Use",
        "https://ai.google.dev/gemma/terms",
        "Prohibited Use Policy that must be passed on to derivatives (distilled models "
        "included) as an enforceable provision; Google may restrict usage remotely. "
        "Commercial use allowed, no user threshold.",
        {"restrictions": (_AUP,), "licensor_may_change": True, "excluded_regions": ()},
    ),
    # licences.md §1.3 BLOOM RAIL row; §1.4 (13 restrictions)
    Custom(
        "LicenseRef-BigScience-BLOOM-RAIL-1.0",
        "BigScience BLOOM RAIL License v1.0",
        "https://huggingface.co/spaces/bigscience/license",
        "Thirteen use-based restrictions (among them undisclosed machine-generated text and "
        "impersonation) that must be passed on to derivatives; the training data is not "
        "licensed. Commercial use allowed.",
        {**_RAIL_EU, "licensor_may_change": False},
    ),
    # licences.md §1.3 OpenRAIL-M rows; §1.4 OpenRAIL-M family ¶4, ¶5, ¶7
    Custom(
        "LicenseRef-BigScience-OpenRAIL-M",
        "BigScience OpenRAIL-M License",
        "https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license",
        _OPENRAIL_NOTE,
        {**_RAIL_EU, "licensor_may_change": True},
    ),
    Custom(
        "LicenseRef-CreativeML-OpenRAIL-M",
        "CreativeML Open RAIL-M License",
        "https://github.com/CompVis/stable-diffusion/blob/main/LICENSE",
        _OPENRAIL_NOTE,
        {**_RAIL_EU, "licensor_may_change": True},
    ),
    Custom(
        "LicenseRef-BigCode-OpenRAIL-M-1.0",
        "BigCode OpenRAIL-M License v1",
        "https://www.bigcode-project.org/docs/pages/bigcode-openrail",
        _OPENRAIL_NOTE,
        {**_RAIL_EU, "licensor_may_change": True},
    ),
    # licences.md §1.3 Falcon row (commercial "restricted"); §1.4: AUP, no "hosting use"
    Custom(
        "LicenseRef-Falcon-180B-TII-1.0",
        "Falcon 180B TII License 1.0",
        "https://huggingface.co/spaces/tiiuae/falcon-180b-license/blob/main/LICENSE.txt",
        "Acceptable Use Policy that may be updated from time to time; commercial use only "
        'under very restrictive conditions that exclude any "hosting use", so commercial '
        "use is assessed as not granted.",
        {
            "commercial_use": False,
            "restrictions": (_AUP, Restriction("separate-licence", safety_oriented=False)),
            "licensor_may_change": True,
            "excluded_regions": (),
        },
    ),
    # licences.md §1.3 Mistral row; §1.4: §3.2 research purposes only
    Custom(
        "LicenseRef-Mistral-Research-0.1",
        "Mistral AI Research License 0.1 (MRL-0.1)",
        "https://mistral.ai/licenses/MRL-0.1.md",
        "Research purposes only (§3.2): any other use of the models, derivatives or outputs "
        "needs a separate licence from Mistral AI.",
        {
            "commercial_use": False,
            "restrictions": (Restriction("research-only", safety_oriented=False),),
            "excluded_regions": (),
        },
    ),
    # licences.md §1.3 MSR row (Modify/Share "?"); §1.4: clause text not retrieved
    Custom(
        "LicenseRef-Microsoft-Research",
        "Microsoft Research License",
        "https://huggingface.co/microsoft/phi-1_5",
        "Non-commercial research only. The clause text was not retrieved, so modification and "
        "redistribution are conservatively assessed as not granted (phi-1.5 and phi-2 were "
        "relicensed to MIT in January 2024).",
        {
            "commercial_use": False,
            "modification": False,
            "redistribution": False,
            "redistribution_modified": False,
            "restrictions": (
                Restriction("non-commercial", safety_oriented=False),
                Restriction("research-only", safety_oriented=False),
            ),
        },
    ),
    # licences.md §1.3 NVIDIA row (Study N, Modify N, Share R/N); §1.4 NVIDIA CUDA EULA
    Custom(
        "LicenseRef-NVIDIA-CUDA-EULA",
        "NVIDIA CUDA Toolkit EULA (License Agreement for NVIDIA SDKs)",
        "https://docs.nvidia.com/cuda/eula/index.html",
        "No reverse engineering, decompiling or disassembling, nor translating SDK output to "
        "target non-NVIDIA platforms; only sample code may be modified; only designated "
        "parts may be redistributed, inside an application, so redistribution is "
        "conservatively assessed as not granted. Also covers the display driver.",
        {
            "modification": False,
            "redistribution": False,
            "redistribution_modified": False,
            "reverse_engineering_ban": True,
        },
    ),
    # licences.md §1.3 "All rights reserved / no licence" row; §1.4
    Custom(
        "LicenseRef-Proprietary",
        "Proprietary (all rights reserved)",
        None,
        "All rights reserved: no permission to use, copy, modify or distribute beyond "
        "statutory exceptions.",
        {},
        _NOTHING_GRANTED,
    ),
)


@cache
def custom_entries() -> dict[str, LicenceEntry]:
    """The 13 built-in ``LicenseRef-`` entries by id (see the module docstring). Do not mutate."""
    return {
        row.id: LicenceEntry(
            id=row.id,
            name=row.name,
            kind=LicenceKind.CUSTOM,
            terms=replace(row.base, **row.changes),
            uri=row.uri,
            note=row.note,
        )
        for row in CUSTOM
    }
