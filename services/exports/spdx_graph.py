"""Building the ``@graph`` of an SPDX 3.0.1 JSON-LD document: elements, relationships,
annotations and licence expressions, every one with the document's single ``CreationInfo``.

Element ids are IRIs under the document namespace: ``<kind>/<percent-encoded ledger id>``
(relationships and annotations are numbered in the order they are made, so the same
inventory always gives the same ids).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from domain.licences.spdx import SPDX_LIST_VERSION
from services.exports.licensing import licence_refs, special

CREATION_INFO = "_:creationinfo"
INDIVIDUALS = {
    "NOASSERTION": "expandedlicensing_NoAssertionLicense",
    "NONE": "expandedlicensing_NoneLicense",
}
ISSUER = "provenance-ledger"


class SpdxGraph:
    def __init__(self, namespace: str, licence_urls: dict[str, str]) -> None:
        self.namespace = namespace
        self.elements: list[dict[str, Any]] = []
        self.relationships: list[dict[str, Any]] = []
        self.annotations: list[dict[str, Any]] = []
        self._licence_urls = licence_urls
        self._licences: dict[str, str] = {}
        self._agents: dict[str, str] = {}

    def iri(self, kind: str, *parts: str) -> str:
        return self.namespace + "/".join((kind, *(quote(p, safe="") for p in parts)))

    def element(self, type_: str, iri: str, **properties: Any) -> str:
        """Add an element; properties whose value is None or empty are left out."""
        item = {"type": type_, "spdxId": iri, "creationInfo": CREATION_INFO}
        item.update({k: v for k, v in properties.items() if v is not None and v != []})
        self.elements.append(item)
        return iri

    def relate(
        self,
        source: str,
        relationship: str,
        targets: list[str],
        comment: str | None = None,
        scope: str | None = None,
    ) -> None:
        """``source --relationship--> targets``; a lifecycle-scoped one when ``scope`` is set."""
        if not targets:
            return
        item: dict[str, Any] = {
            "type": "LifecycleScopedRelationship" if scope else "Relationship",
            "spdxId": self.iri("relationship", str(len(self.relationships) + 1)),
            "creationInfo": CREATION_INFO,
            "from": source,
            "relationshipType": relationship,
            "to": targets,
        }
        if scope:
            item["scope"] = scope
        if comment:
            item["comment"] = comment
        self.relationships.append(item)

    def annotate(self, subject: str, pairs: list[tuple[str, str]], review: bool = False) -> None:
        """One annotation of ``subject`` whose statement has a ``name=value`` line per pair
        (line breaks inside a value become spaces); none for no pairs."""
        if not pairs:
            return
        lines = [f"{name}={' '.join(value.splitlines())}" for name, value in pairs]
        self.annotations.append(
            {
                "type": "Annotation",
                "spdxId": self.iri("annotation", str(len(self.annotations) + 1)),
                "creationInfo": CREATION_INFO,
                "annotationType": "review" if review else "other",
                "subject": subject,
                "contentType": "text/plain",
                "statement": "\n".join(lines),
            }
        )

    def declare_licence(
        self, subject: str, expression: str | None, concluded: bool = False
    ) -> None:
        """``hasDeclaredLicense`` (or ``hasConcludedLicense``) to the expression; no expression
        at all is the NoAssertion individual."""
        relationship = "hasConcludedLicense" if concluded else "hasDeclaredLicense"
        self.relate(subject, relationship, [self.licence(expression or "NOASSERTION")])

    def licence(self, expression: str) -> str:
        """The IRI of a licence: an SPDX individual for NOASSERTION/NONE, else one
        ``simplelicensing_LicenseExpression`` per distinct expression."""
        individual = special(expression)
        if individual is not None:
            return INDIVIDUALS[individual]
        if expression not in self._licences:
            urls = [
                {"type": "DictionaryEntry", "key": ref, "value": self._licence_urls[ref]}
                for ref in licence_refs(expression)
                if ref in self._licence_urls
            ]
            self._licences[expression] = self.element(
                "simplelicensing_LicenseExpression",
                self.iri("licence", expression),
                simplelicensing_licenseExpression=expression,
                simplelicensing_licenseListVersion=SPDX_LIST_VERSION,
                simplelicensing_customIdToUri=urls,
            )
        return self._licences[expression]

    def organisation(self, name: str | None) -> str | None:
        """An ``Organization`` element per distinct name (None for None)."""
        if name is None:
            return None
        if name not in self._agents:
            self._agents[name] = self.element(
                "Organization", self.iri("organisation", name), name=name
            )
        return self._agents[name]


def ledger_id(subject: str) -> list[dict[str, str]]:
    """The ledger's subject id as an ``ExternalIdentifier``."""
    return [
        {
            "type": "ExternalIdentifier",
            "externalIdentifierType": "other",
            "identifier": subject,
            "issuingAuthority": ISSUER,
        }
    ]
