"""Licence expressions as the exports write them.

* Grants in force on one artefact are alternatives (DESIGN.md §3): they are joined with ``OR``
  into one expression, compound members in parentheses, duplicates once.
* Every id the catalogue knows under another spelling (case, a ScanCode ``LicenseRef-scancode-``
  key, a Hugging Face id) is written as the catalogue's id, so ``llama2`` becomes
  ``LicenseRef-Llama-2-Community``; operators are upper-cased; unknown ids stay as recorded.
* ``NOASSERTION`` and ``NONE`` alone are *special*: formats have their own way to say them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.licences.catalogue import SPECIAL_ENTRIES, LicenceCatalogue

_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_OPERATORS = frozenset({"AND", "OR", "WITH"})
LICENSE_REF = re.compile(r"(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")


def normalise(expression: str, catalogue: LicenceCatalogue) -> str:
    """``expression`` (already valid) with catalogue ids and upper-case operators."""
    words: list[str] = []
    after_with = False
    for token in _TOKEN.findall(expression):
        if token.upper() in _OPERATORS:
            words.append(token.upper())
            after_with = token.upper() == "WITH"
            continue
        words.append(token if token in "()" else _canonical(token, catalogue, after_with))
        after_with = False
    return " ".join(words).replace("( ", "(").replace(" )", ")")


def _canonical(licence_id: str, catalogue: LicenceCatalogue, exception: bool) -> str:
    if exception:
        entry = catalogue.lookup_exception(licence_id)
        return entry.id if entry is not None else licence_id
    entry = catalogue.lookup(licence_id)
    if entry is None:
        return licence_id
    plus = "+" if licence_id.endswith("+") and not entry.id.endswith("+") else ""
    return entry.id + plus


def any_of(expressions: Iterable[str]) -> str | None:
    """Alternatives as one expression (``A OR (B AND C)``); None when there are none."""
    return _join(expressions, "OR")


def all_of(expressions: Iterable[str]) -> str | None:
    """Expressions that must all be met (``A AND (B OR C)``); None when there are none."""
    return _join(expressions, "AND")


def _join(expressions: Iterable[str], operator: str) -> str | None:
    unique = list(dict.fromkeys(expressions))
    if len(unique) <= 1:
        return unique[0] if unique else None
    return f" {operator} ".join(f"({e})" if " " in e else e for e in unique)


def special(expression: str) -> str | None:
    """``NOASSERTION`` or ``NONE`` when the expression is just that value, else None."""
    upper = expression.strip().upper()
    return upper if upper in SPECIAL_ENTRIES else None


def licence_refs(expression: str) -> list[str]:
    """The ``LicenseRef-`` ids the expression names, in order, each once."""
    return list(dict.fromkeys(LICENSE_REF.findall(expression)))
