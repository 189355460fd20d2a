"""The licence catalogue as the assessment sees it: built-in entries plus the ledger's definitions.

Licence ids compare case-insensitively, as SPDX ids do (DESIGN.md §3). An id *names a built-in*
(:func:`built_in_id`) when it is, in any case: a built-in ``LicenseRef-`` id; ``NOASSERTION`` or
``NONE`` (kind ``SPECIAL``, terms None); an SPDX licence id; an SPDX id followed by ``+`` ("or
later", the id before the ``+``); a ScanCode ``LicenseRef-scancode-<key>`` alias or a Hugging Face
card id of one of those. Every spelling of one licence shares one :func:`definition_key`.

Contract of :meth:`LicenceCatalogue.lookup` — the first step that answers wins:

1. a ``LicenceDefined`` entry under the id's definition key (for a built-in id or alias, only an
   operator can have recorded one: admission sees to it);
2. the built-in entry the id names;
3. otherwise None: an unknown id, which the assessment treats as unknown, never as open.

Built-in tables are built once per process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from domain.licences.aliases import HUGGING_FACE_IDS, SCANCODE_ALIASES
from domain.licences.custom_refs import custom_entries
from domain.licences.spdx import spdx_entries, spdx_exceptions
from domain.licences.terms import LicenceEntry, LicenceKind, LicenceTerms

# DESIGN.md §6: NOASSERTION, NONE are never treated as open; they say which (unknown/denied).
SPECIAL_ENTRIES: Mapping[str, LicenceEntry] = {
    "NOASSERTION": LicenceEntry(
        id="NOASSERTION",
        name="No assertion",
        kind=LicenceKind.SPECIAL,
        terms=None,
        note="no assertion made: assessed unknown",
    ),
    "NONE": LicenceEntry(
        id="NONE",
        name="No licence",
        kind=LicenceKind.SPECIAL,
        terms=None,
        note="no licence: all rights reserved, assessed denied",
    ),
}

BUILT_IN_IDS: frozenset[str] = frozenset(custom_entries())


@cache
def _spdx_by_folded_id() -> dict[str, LicenceEntry]:
    return {licence_id.casefold(): entry for licence_id, entry in spdx_entries().items()}


@cache
def _custom_by_folded_id() -> dict[str, LicenceEntry]:
    return {licence_id.casefold(): entry for licence_id, entry in custom_entries().items()}


@cache
def _exceptions_by_folded_id() -> dict[str, LicenceEntry]:
    return {exception_id.casefold(): entry for exception_id, entry in spdx_exceptions().items()}


@cache
def _scancode_by_folded_id() -> dict[str, str]:
    return {alias.casefold(): target for alias, target in SCANCODE_ALIASES.items()}


@cache
def _built_in_entries() -> tuple[LicenceEntry, ...]:
    return (*spdx_entries().values(), *custom_entries().values(), *SPECIAL_ENTRIES.values())


def alias_target(licence_id: str) -> str | None:
    """The catalogue id a ScanCode key or Hugging Face id stands for (None if neither)."""
    target = _scancode_by_folded_id().get(licence_id.casefold())
    return target if target is not None else HUGGING_FACE_IDS.get(licence_id.lower())


def _built_in_entry(licence_id: str) -> LicenceEntry | None:
    """The built-in entry ``licence_id`` spells in any case, aliases and ``+`` aside."""
    folded = licence_id.casefold()
    return (
        _custom_by_folded_id().get(folded)
        or SPECIAL_ENTRIES.get(licence_id.upper())
        or _spdx_by_folded_id().get(folded)
    )


def built_in_id(licence_id: str) -> str | None:
    """The catalogue's spelling of the built-in licence ``licence_id`` names (see the module
    docstring), or None when it names none."""
    entry = _built_in_entry(licence_id)
    if entry is None and len(licence_id) > 1 and licence_id.endswith("+"):
        entry = _spdx_by_folded_id().get(licence_id[:-1].casefold())
    if entry is None and (target := alias_target(licence_id)) is not None:
        entry = _built_in_entry(target)
    return entry.id if entry is not None else None


def definition_key(licence_id: str) -> str:
    """The key every spelling of one licence shares: a built-in id for the ids and aliases that
    name it, else the id itself; case-folded. ``LicenceDefined`` statements are keyed by it."""
    if licence_id.isascii():  # ASCII: casefold() is lower(), and upper() forms match as lower()
        folded = licence_id.lower()
        spellings = _ascii_built_in_spellings()
        if folded not in spellings and not (folded[-1:] == "+" and folded[:-1] in spellings):
            return folded  # names no built-in: the id itself
    return (built_in_id(licence_id) or licence_id).casefold()


@cache
def _ascii_built_in_spellings() -> frozenset[str]:
    """Every lower-cased key :func:`built_in_id` matches an ASCII id against (a superset: an id
    outside it names no built-in). Admission asks for the definition key of every subject and
    reference it reads ahead, nearly all of them no licence at all: the full lookup, with its
    case-folds and four tables, was ~6% of a batch's serving thread."""
    return frozenset(
        key.lower()
        for table in (
            _custom_by_folded_id(),
            SPECIAL_ENTRIES,
            _spdx_by_folded_id(),
            _scancode_by_folded_id(),
            HUGGING_FACE_IDS,
        )
        for key in table
    )


@cache
def _aliases_by_target() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for alias, target in (*SCANCODE_ALIASES.items(), *HUGGING_FACE_IDS.items()):
        if alias.casefold() != target.casefold():
            found.setdefault(target, []).append(alias)
    return {target: tuple(sorted(aliases)) for target, aliases in found.items()}


def aliases_of(licence_id: str) -> tuple[str, ...]:
    """The other names (ScanCode keys, Hugging Face ids) of the built-in licence ``licence_id``
    names; with every case variant of them and of the id, they are the spellings only an
    operator may define."""
    target = built_in_id(licence_id)
    return _aliases_by_target().get(target, ()) if target is not None else ()


class LicenceCatalogue:
    """Built-in licences plus ``defined`` (entries built by :meth:`defined_entry` from the ledger's
    ``LicenceDefined`` statements, keyed by id). Immutable once built."""

    def __init__(self, defined: Mapping[str, LicenceEntry] | None = None) -> None:
        self._defined: dict[str, LicenceEntry] = {
            definition_key(licence_id): entry for licence_id, entry in (defined or {}).items()
        }
        self._found: dict[str, LicenceEntry | None] = {}  # lookups: an answer repeats them

    def lookup(self, licence_id: str) -> LicenceEntry | None:
        """The entry for ``licence_id`` by the resolution order of the module docstring."""
        try:
            return self._found[licence_id]
        except KeyError:
            found = self._found[licence_id] = self._lookup(licence_id)
            return found

    def _lookup(self, licence_id: str) -> LicenceEntry | None:
        target = built_in_id(licence_id)
        defined = self._defined.get((target or licence_id).casefold())
        if defined is not None:
            return defined
        return _built_in_entry(target) if target is not None else None

    def lookup_exception(self, exception_id: str) -> LicenceEntry | None:
        """The SPDX licence exception ``exception_id`` (case-insensitive), or None."""
        return _exceptions_by_folded_id().get(exception_id.casefold())

    def entries(self) -> list[LicenceEntry]:
        """Every licence entry (SPDX, built-in custom, special, defined), sorted by id; a defined
        entry replaces the built-in one with the same id. Exceptions are not included."""
        merged = {entry.id: entry for entry in _built_in_entries()}
        merged.update((entry.id, entry) for entry in self._defined.values())
        return [merged[licence_id] for licence_id in sorted(merged)]

    @staticmethod
    def defined_entry(
        licence_id: str, data: Mapping[str, Any], event_ids: Sequence[str]
    ) -> LicenceEntry:
        """A ``DEFINED`` entry from a ``LicenceDefined`` statement's ``data`` (``name``, ``uri``,
        ``terms`` with the :class:`LicenceTerms` field names, already validated on admission);
        ``event_ids`` are the statements it rests on."""
        terms = LicenceTerms.from_json(data["terms"])
        return LicenceEntry(
            id=licence_id,
            name=data["name"],
            kind=LicenceKind.DEFINED,
            terms=terms,
            osi_approved=terms.osi_approved,
            uri=data.get("uri"),
            evidence=tuple(event_ids),
        )
