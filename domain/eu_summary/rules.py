"""The arithmetic of the EU training-content summary template (DESIGN.md §11.3): size buckets,
the 3% "large public dataset" rule and the most-relevant-domains cut.

Facts: ``reference/eu-ai-act-training-summary.md`` §2 (the template's buckets; "large" is
*more than* 3%; the top 10% of domains, for an SME the top 5% or 1,000, whichever is lower).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import itemgetter

# The template's unit per modality and its three buckets: (lower bound, upper bound, labels).
# The middle bucket includes both its bounds.
BUCKETS: Mapping[str, tuple[str, float, float, tuple[str, str, str]]] = {
    "text": (
        "tokens",
        1e9,
        1e13,
        (
            "less than 1 billion tokens",
            "1 billion to 10 trillion tokens",
            "more than 10 trillion tokens",
        ),
    ),
    "image": (
        "images",
        1e6,
        1e9,
        (
            "less than 1 million images",
            "1 million to 1 billion images",
            "more than 1 billion images",
        ),
    ),
    "audio": (
        "hours",
        1e4,
        1e6,
        ("less than 10,000 hours", "10,000 to 1 million hours", "more than 1 million hours"),
    ),
    "video": (
        "hours",
        1e4,
        1e6,
        ("less than 10,000 hours", "10,000 to 1 million hours", "more than 1 million hours"),
    ),
}
LARGE_SHARE = 0.03
MAX_SME_DOMAINS = 1000


def bucket(modality: str, sizes: Mapping[str, float]) -> str | None:
    """The template's bucket for a modality's total ``sizes`` (unit -> total), or ``None`` when
    the modality has no buckets or its datasets are not all in the template's unit."""
    if modality not in BUCKETS:
        return None
    unit, low, high, labels = BUCKETS[modality]
    if set(sizes) != {unit}:
        return None
    total = sizes[unit]
    if total < low:
        return labels[0]
    return labels[1] if total <= high else labels[2]


def large(sizes: Mapping[str, tuple[str, float]]) -> list[str]:
    """The datasets (id -> (unit, size), one modality's public datasets) whose size is more
    than 3% of the total of that modality's public datasets in the same unit."""
    totals: dict[str, float] = {}
    for unit, size in sizes.values():
        totals[unit] = totals.get(unit, 0.0) + size
    return sorted(d for d, (unit, size) in sizes.items() if size > LARGE_SHARE * totals[unit])


def merged_domains(lists: Iterable[Iterable[tuple[str, float]]]) -> list[tuple[str, float]]:
    """All datasets' (domain, size) merged by name (sizes summed), ranked by size then name."""
    merged: dict[str, float] = {}
    for domains in lists:
        for domain, size in domains:
            merged[domain] = merged.get(domain, 0.0) + size
    ranked = sorted(merged.items())  # by name, then (stable) by size, largest first:
    ranked.sort(key=itemgetter(1), reverse=True)  # two C-level sorts, no key tuples
    return ranked


def domains_required(distinct: int, sme: bool) -> int:
    """How many domains the summary lists out of ``distinct`` crawled ones: ⌈10%⌉, or for an
    SME min(⌈5%⌉, 1,000). Integer arithmetic, so no rounding error at the boundaries."""
    if sme:
        return min((distinct + 19) // 20, MAX_SME_DOMAINS)
    return (distinct + 9) // 10
