"""The licence catalogue as the assessment sees it: built-in entries plus the ledger's definitions.

Contract of :meth:`LicenceCatalogue.lookup` — the first step that answers wins:

1. a ``LicenceDefined`` entry with exactly that id (it overrides built-in and SPDX ids alike);
2. a built-in ``LicenseRef-`` entry with exactly that id;
3. the special values ``NOASSERTION`` and ``NONE`` (any case; kind ``SPECIAL``, terms None);
4. an SPDX licence id, exactly, then case-insensitively (``apache-2.0`` → ``Apache-2.0``);
5. an SPDX id followed by ``+`` ("or later"): the entry of the id before the ``+``;
6. a ScanCode ``LicenseRef-scancode-<key>`` alias (any case);
7. a Hugging Face card id (any case), when it is not an SPDX id;
8. otherwise None: an unknown id, which the assessment treats as unknown, never as open.

Aliases (6, 7) resolve to their target's entry as steps 1, 2 and 4 find it, so a definition in the
ledger overrides the aliases of its id too. Built-in tables are built once per process.
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


class LicenceCatalogue:
    """Built-in licences plus ``defined`` (entries built by :meth:`defined_entry` from the ledger's
    ``LicenceDefined`` statements, keyed by id). Immutable once built."""

    def __init__(self, defined: Mapping[str, LicenceEntry] | None = None) -> None:
        self._defined: dict[str, LicenceEntry] = dict(defined or {})

    def lookup(self, licence_id: str) -> LicenceEntry | None:
        """The entry for ``licence_id`` by the resolution order of the module docstring."""
        entry = self._canonical(licence_id)
        if entry is not None:
            return entry
        special = SPECIAL_ENTRIES.get(licence_id.upper())
        if special is not None:
            return special
        entry = _spdx_by_folded_id().get(licence_id.casefold())
        if entry is not None:
            return entry
        if len(licence_id) > 1 and licence_id.endswith("+"):
            base = licence_id[:-1]
            return spdx_entries().get(base) or _spdx_by_folded_id().get(base.casefold())
        target = alias_target(licence_id)
        return self._canonical(target) if target is not None else None

    def lookup_exception(self, exception_id: str) -> LicenceEntry | None:
        """The SPDX licence exception ``exception_id`` (case-insensitive), or None."""
        return _exceptions_by_folded_id().get(exception_id.casefold())

    def entries(self) -> list[LicenceEntry]:
        """Every licence entry (SPDX, built-in custom, special, defined), sorted by id; a defined
        entry replaces the built-in one with the same id. Exceptions are not included."""
        merged = {entry.id: entry for entry in _built_in_entries()}
        merged.update(self._defined)
        return [merged[licence_id] for licence_id in sorted(merged)]

    def _canonical(self, licence_id: str) -> LicenceEntry | None:
        """Exact id: defined, then built-in custom, then SPDX."""
        return (
            self._defined.get(licence_id)
            or custom_entries().get(licence_id)
            or spdx_entries().get(licence_id)
        )

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
