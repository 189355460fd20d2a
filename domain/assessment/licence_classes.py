"""Whether a licence expression can be taken under terms of a class (OSI-approved, MOF-open).

``OR`` needs one alternative in the class, ``AND`` needs every part, ``WITH`` follows its
licence (an exception only adds permissions). Unknown ids are never in a class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from license_expression import AND, OR, LicenseWithExceptionSymbol

from domain.licence_syntax import parse_expression
from domain.licences.catalogue import LicenceCatalogue
from domain.licences.terms import LicenceEntry


def can_take_under(
    expression: str, catalogue: LicenceCatalogue, in_class: Callable[[LicenceEntry], bool]
) -> bool:
    parsed = parse_expression(expression)
    return parsed is not None and _satisfies(parsed, catalogue, in_class)


def _satisfies(
    node: Any, catalogue: LicenceCatalogue, in_class: Callable[[LicenceEntry], bool]
) -> bool:
    if isinstance(node, OR):
        return any(_satisfies(arg, catalogue, in_class) for arg in node.args)
    if isinstance(node, AND):
        return all(_satisfies(arg, catalogue, in_class) for arg in node.args)
    if isinstance(node, LicenseWithExceptionSymbol):
        node = node.license_symbol
    entry = catalogue.lookup(node.key)
    return entry is not None and in_class(entry)


def osi_approved(entry: LicenceEntry) -> bool:
    return entry.terms is not None and entry.terms.osi_approved


def mof_open(entry: LicenceEntry) -> bool:
    return entry.terms is not None and entry.terms.mof_open
