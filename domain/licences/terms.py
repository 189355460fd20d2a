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
class Restriction:
    """A restriction a licence imposes (catalogue v1.1), and whether it is a proportionate,
    safety-oriented one (the EU AI Act guidelines' ¶84 reading)."""

    kind: str  # non-commercial, research-only, field-of-use, output-use, territorial, ...
    safety_oriented: bool

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "safety_oriented": self.safety_oriented}


# The v1.1 terms: optional, absent (None) = unknown; answers leave them out when unknown.
EU_TERMS = ("restrictions", "threshold_consequence", "licensor_may_change", "excluded_regions")


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
    restrictions: tuple[Restriction, ...] | None = None
    threshold_consequence: str | None = None  # licence-required or attribution
    licensor_may_change: bool | None = None  # the licensor may change the terms unilaterally
    excluded_regions: tuple[str, ...] | None = None  # ISO 3166-1 alpha-2 codes or EU

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LicenceTerms:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        if values["restrictions"] is not None:
            values["restrictions"] = tuple(
                Restriction(r["kind"], r["safety_oriented"]) for r in values["restrictions"]
            )
        if values["excluded_regions"] is not None:
            values["excluded_regions"] = tuple(values["excluded_regions"])
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in EU_TERMS and value is None:
                continue
            if f.name == "restrictions":
                value = [r.to_json() for r in value]
            elif f.name == "excluded_regions":
                value = list(value)
            document[f.name] = value
        return document


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
