"""What a Hugging Face card's ``license``, ``license_name`` and ``license_link`` grant.

Resolution of one ``license`` value, the first step that answers wins:

1. ``unknown`` → ``NOASSERTION`` (assessed unknown);
2. ``other`` → the card's ``license_name``: a Hugging Face ``license_name`` alias of a catalogue
   licence (``gemma-terms-of-use``, ``llama3``, ``mrl``; ``domain.licences.aliases``), else an
   SPDX id given as the name (``ODbL-1.0``), else ``LicenseRef-<Name>`` as the ledger spells it
   (built-in or defined, compared case-insensitively: ``LicenseRef-Gemma-Terms-Of-Use`` is the
   catalogue's ``LicenseRef-Gemma-Terms-of-Use``), else that ``LicenseRef-`` undefined, which is
   granted and assessed unknown — the user is given a ``LicenceDefined`` template whose terms
   are ``null`` (unknown), never ``false``: the ledger refuses a null flag, so the template
   records nothing until someone fills it in from the licence text;
3. a Hugging Face licence id (``apache-2.0``, ``llama2``, ``gemma``), or an SPDX id the catalogue
   holds (any case), written as the catalogue spells it.

Anything else (a family such as ``bsd``, a licence the catalogue lacks such as ``openrail++``)
cannot be granted, and the import says exactly what to change in the card. A list of licences
is a set of alternatives (DESIGN.md §3: several grants in force, the user picks any), each
resolved as above; one that cannot be resolved refuses the whole list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from domain.licences.aliases import from_hugging_face, from_license_name
from domain.licences.catalogue import LicenceCatalogue
from domain.licences.terms import EU_TERMS, LicenceKind, LicenceTerms

# The permission flags a LicenceDefined states (LicenceTerms), all unknown: the definer reads
# the licence and replaces each null with true or false. The optional ones (the user
# threshold, the EU AI Act terms of catalogue v1.1) are left for the definer to add.
TERMS_TEMPLATE: dict[str, None] = {
    name: None
    for name in LicenceTerms.__dataclass_fields__
    if name != "user_threshold" and name not in EU_TERMS
}
# Hugging Face ids that stand for a family of licences, or for a licence without its version
# (licences.md §5), with the card change that names one licence.
_FAMILIES = {
    "bsd": "`license: bsd-3-clause` (or the BSD variant the licence text is)",
    "cc": "`license: cc-by-4.0` (or the Creative Commons licence and version the text is)",
    "gpl": "`license: gpl-3.0` (or the GPL version the text is)",
    "lgpl": "`license: lgpl-3.0` (or the LGPL version the text is)",
    "gfdl": "`license: other` with `license_name: GFDL-1.3-only` (or the GFDL version)",
    "openrail": "the OpenRAIL licence the text is, such as `license: creativeml-openrail-m`",
    "odbl": "`license: other` with `license_name: ODbL-1.0`",
    "odc-by": "`license: other` with `license_name: ODC-By-1.0`",
    "pddl": "`license: other` with `license_name: PDDL-1.0`",
}


class LicenceFacts(Protocol):
    def licence_id(self, licence_id: str) -> str | None:
        """The ledger catalogue's spelling of ``licence_id`` (built-in or defined, any case),
        or None when the ledger does not know it."""


@dataclass(frozen=True, slots=True)
class CustomLicence:
    """A ``LicenseRef-`` made from ``license: other`` + ``license_name`` that the ledger does not
    define yet: the user is told to record a ``LicenceDefined`` for it."""

    id: str
    name: str
    uri: str


@dataclass
class LicenceReading:
    """The grants a card implies (alternatives), with what to tell the user."""

    grants: list[tuple[str, str | None]] = field(default_factory=list)  # (licence, uri)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    to_define: list[CustomLicence] = field(default_factory=list)


def licence_ref(license_name: str) -> str | None:
    """``LicenseRef-`` + each word of ``license_name`` capitalised, joined by ``-`` (SPDX
    idstrings hold letters, digits, ``.`` and ``-``); None when nothing is left."""
    words = [word.strip(".") for word in re.split(r"[^A-Za-z0-9.]+", license_name)]
    words = [word for word in words if word]
    if not words:
        return None
    return "LicenseRef-" + "-".join(word[0].upper() + word[1:] for word in words)


def map_hf_licence(hf_id: str) -> str | None:
    """The catalogue id for one ``license:`` value other than ``other`` (``unknown`` →
    ``NOASSERTION``), or None."""
    if hf_id.strip().lower() == "unknown":
        return "NOASSERTION"
    mapped = from_hugging_face(hf_id)
    if mapped is not None:
        return mapped
    # An SPDX id the Hub list gained after the map was written (current, not deprecated).
    return _spdx(hf_id)


def _spdx(name: str) -> str | None:
    entry = LicenceCatalogue().lookup(name.strip())
    if entry is not None and entry.kind is LicenceKind.SPDX and not entry.deprecated:
        return entry.id
    return None


def read_licence(
    meta: Mapping[str, Any], ledger: LicenceFacts, uri: str | None, default_uri: str
) -> LicenceReading:
    """The grants ``meta`` (the card's front matter) implies; ``uri`` is the card's resolved
    ``license_link``, ``default_uri`` where a custom licence's text is when it has none."""
    reading = LicenceReading()
    value = meta.get("license")
    if not value:
        reading.warnings.append(
            "the card has no 'license': nothing is granted, and weights without a licence "
            "are never assessed as open"
        )
        return reading
    values = [value] if isinstance(value, str) else list(value)
    name = meta.get("license_name")
    if name and not any(v.strip().lower() == "other" for v in values):
        reading.warnings.append(
            f"license_name '{name}' is ignored: it only names a licence when license is "
            f"'other' (it is {_shown(values)})"
        )
    failures = []
    for entry in values:
        granted = _one(entry, meta, ledger, reading, uri or default_uri)
        if isinstance(granted, str):
            reading.grants.append((granted, uri))
        else:
            failures.append(granted)
    if failures:
        reading.grants.clear()
        reading.to_define.clear()
        reading.problems.append(_refusal(values, failures))
    elif len(values) > 1:
        reading.warnings.append(
            f"license lists {len(values)} licences ({_shown(values)}): they are granted as "
            "alternatives (several grants in force: a user may pick any one)"
        )
    return reading


@dataclass(frozen=True, slots=True)
class _Failure:
    value: str
    why: str
    fix: str


def _one(
    value: str, meta: Mapping[str, Any], ledger: LicenceFacts, reading: LicenceReading, uri: str
) -> str | _Failure:
    if value.strip().lower() != "other":
        mapped = map_hf_licence(value)
        if mapped == "NOASSERTION":
            reading.warnings.append(
                "license 'unknown' is recorded as NOASSERTION (assessed unknown)"
            )
        return mapped if mapped is not None else _unmapped(value)
    name = meta.get("license_name")
    ref = licence_ref(name) if name else None
    if not name or ref is None:
        return _Failure(
            "other",
            "'other' without a usable license_name: the licence cannot be named",
            "add `license_name: <a short id for the licence>` and `license_link: <its text>` "
            "to the card's front matter",
        )
    alias = from_license_name(name) or _spdx(name)
    if alias is not None:
        reading.warnings.append(
            f"license_name '{name}' is the catalogue's {alias}; granted as {alias}"
        )
        return alias
    known = ledger.licence_id(ref)
    if known is not None:
        return known
    reading.to_define.append(CustomLicence(ref, str(name), uri))
    reading.warnings.append(
        f"{ref} (license 'other', license_name '{name}') is not defined in the ledger: "
        "it is assessed unknown until someone records a LicenceDefined with its terms"
    )
    return ref


def _unmapped(value: str) -> _Failure:
    family = _FAMILIES.get(value.strip().lower())
    if family is not None:
        return _Failure(
            value,
            f"'{value}' names a family of licences, not one licence",
            f"change the card to the exact licence: {family}",
        )
    ref = licence_ref(value) or "LicenseRef-<Name>"
    return _Failure(
        value,
        f"'{value}' is a Hugging Face licence id the catalogue does not hold",
        f"give the card `license: other`, `license_name: {value.strip()}` and `license_link: "
        f"<its text>`: it is then granted as {ref}, assessed unknown until a LicenceDefined "
        "states its terms",
    )


def _refusal(values: list[str], failures: list[_Failure]) -> str:
    reasons = "; ".join(f.why for f in failures)
    fixes = "; ".join(f.fix for f in failures)
    if len(values) == 1:
        return (
            f"license '{values[0]}' cannot be granted: {reasons} (a family of licences, a "
            f"placeholder or a licence the catalogue does not hold), so no licence would be "
            f"granted. Fix: {fixes}"
        )
    return (
        f"license lists {_shown(values)}, alternatives that must each name one licence: "
        f"{reasons}. Fix: {fixes}; or drop the entries that do not govern the weights"
    )


def _shown(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def define_command(licence: CustomLicence, key: str = "KEY", server: str | None = None) -> str:
    """The ``provenance sign … LicenceDefined | provenance submit -`` a user runs to state the
    terms of a custom licence. Every flag of the template is ``null`` (unknown): replace each
    with true or false as the licence says (``sign`` refuses a null, so nothing is recorded
    unedited), and add ``user_threshold`` if the licence has one."""
    data = json.dumps(
        {"name": licence.name, "uri": licence.uri, "terms": TERMS_TEMPLATE}, ensure_ascii=False
    )
    server_flag = f" --server {server}" if server else ""
    quoted = "'" + data.replace("'", "'\\''") + "'"
    return (
        f"provenance sign --key {key} --type LicenceDefined --subject {licence.id} "
        f"--data {quoted} | provenance submit{server_flag} -"
    )
