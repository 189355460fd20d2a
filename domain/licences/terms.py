"""What a licence permits, as the permission flags the assessment reads (DESIGN.md §6).

The same flags are what a ``LicenceDefined`` statement states in ``data.terms`` (the field
names match ``domain.catalogue.LICENCE_TERMS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class LicenceTerms:
    use_restricted: bool  # field-of-use limits or an acceptable-use policy
    commercial_use: bool
    modification: bool
    redistribution: bool  # sharing the original
    redistribution_modified: bool
    share_alike: bool  # copyleft: modified versions under the same terms
    attribution: bool  # notices and attribution must be kept
    source_obligation: bool  # distributors must supply the preferred form
    reverse_engineering_ban: bool
    osi_approved: bool
    mof_open: bool  # counts as an open licence for the Model Openness Framework
    user_threshold: int | None = None  # users above this many need another licence

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LicenceTerms:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


FREE = LicenceTerms(
    use_restricted=False,
    commercial_use=True,
    modification=True,
    redistribution=True,
    redistribution_modified=True,
    share_alike=False,
    attribution=True,
    source_obligation=False,
    reverse_engineering_ban=False,
    osi_approved=False,
    mof_open=True,
)


class LicenceKind(StrEnum):
    SPDX = "spdx"  # an SPDX License List id
    SPDX_EXCEPTION = "spdx-exception"
    CUSTOM = "custom"  # a LicenseRef- the built-in catalogue defines
    DEFINED = "defined"  # a LicenseRef- defined in the ledger by a LicenceDefined statement
    SPECIAL = "special"  # NOASSERTION or NONE


@dataclass(frozen=True, slots=True)
class LicenceEntry:
    """One catalogue entry. ``terms`` is None when the catalogue knows the id but not what it
    permits: such a licence is assessed as unknown, never as open."""

    id: str
    name: str
    kind: LicenceKind
    terms: LicenceTerms | None
    osi_approved: bool = False
    fsf_libre: bool = False
    deprecated: bool = False
    uri: str | None = None
    note: str | None = None
    evidence: tuple[str, ...] = ()  # event ids of the LicenceDefined statements it rests on

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": str(self.kind),
            "osi_approved": self.osi_approved,
            "fsf_libre": self.fsf_libre,
            "deprecated": self.deprecated,
            "uri": self.uri,
            "note": self.note,
            "terms": self.terms.to_json() if self.terms else None,
            "evidence": list(self.evidence),
        }
