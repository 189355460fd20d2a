"""The statement types and their data fields, in words, for ``provenance sign --help``.

Read from the statement-type registry (``domain.statement_types``) and each type's data shape
(``domain.catalogue``), so a type or field added there shows here without another list to keep.
"""

from __future__ import annotations

import textwrap

from domain.catalogue import COMPONENTS
from domain.fields import describe_fields
from domain.statement_types import STATEMENT_TYPES

WIDTH = 100


def statement_types_help() -> str:
    """Every type with its catalogue version, subject, signers and fields (``name?`` optional),
    then the components a ``<component>`` field takes."""
    lines = ["statement types and their --data fields (name? = optional):", ""]
    for name, kind in STATEMENT_TYPES.items():
        subject = kind.subject.value if kind.subject is not None else "any recorded subject"
        lines.append(f"  {name} (catalogue v{kind.catalogue}; subject: {subject})")
        lines.extend(_wrapped(f"signed by: {kind.signers}", "      "))
        fields = ", ".join(f"{field}: {value}" for field, value in describe_fields(kind.schema))
        lines.extend(_wrapped(fields, "      "))
    lines.append("")
    lines.extend(_wrapped("<component>: " + ", ".join(sorted(COMPONENTS)), "  "))
    return "\n".join(lines)


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    )
