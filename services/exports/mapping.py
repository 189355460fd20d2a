"""The mapping tables of the SBOM exports: what happens to every ledger field in each format.

Each export module (``spdx``, ``cyclonedx``) holds one module-level tuple of
:class:`FieldMapping` rows and its code follows it; ``tests/unit/test_exports_mapping.py``
checks every row on a small world, and :func:`markdown_table` renders a table for the docs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal, NamedTuple

Treatment = Literal["carried", "approximated", "dropped"]
CARRIED: Final = "carried"
APPROXIMATED: Final = "approximated"
DROPPED: Final = "dropped"
TREATMENTS: tuple[Treatment, ...] = (CARRIED, APPROXIMATED, DROPPED)


class FieldMapping(NamedTuple):
    """One row: a ledger field, where it goes in the format, how faithfully, and why."""

    ledger: str
    target: str
    treatment: Treatment
    note: str


def markdown_table(rows: Iterable[FieldMapping], format_name: str) -> str:
    """The rows as a GitHub Markdown table (``|`` inside cells escaped), ending in a newline."""
    lines = [
        f"| ledger field | {format_name} | treatment | note |",
        "|---|---|---|---|",
    ]
    lines += [
        "| " + " | ".join(_cell(text) for text in (r.ledger, r.target, r.treatment, r.note)) + " |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# What neither format can carry; the provenance bundle the exports point to holds it.
LEFT_TO_THE_BUNDLE: tuple[FieldMapping, ...] = (
    FieldMapping(
        "LicenceWithdrawn",
        "—",
        DROPPED,
        "only grants in force are exported; the history is in the bundle",
    ),
    FieldMapping(
        "LicenceDefined.name, .terms",
        "—",
        DROPPED,
        "the URI is used; the name shows only inside verdict reasons; both are in the "
        "bundle and `GET /v1/licences/{id}`",
    ),
    FieldMapping(
        "ClaimAsserted, ClaimRetracted",
        "—",
        DROPPED,
        "open claims show as warnings; the claims are in the bundle",
    ),
    FieldMapping(
        "SignerEnrolled, SignerRevoked, signatures",
        "—",
        DROPPED,
        "the trust chain is in the bundle",
    ),
    FieldMapping(
        "event ids, statement positions, leaf indices, inclusion proofs",
        "—",
        DROPPED,
        "in the bundle",
    ),
)
