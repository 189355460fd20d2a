"""The summary template's arithmetic (DESIGN.md §11.3), at and around every boundary, so a
rule changed to the other comparison or the other rounding fails here."""

from __future__ import annotations

import pytest

from domain.eu_summary.rules import bucket, domains_required, large, merged_domains


@pytest.mark.parametrize(
    ("modality", "size", "unit", "label"),
    [
        ("text", 999_999_999, "tokens", "less than 1 billion tokens"),
        ("text", 1e9, "tokens", "1 billion to 10 trillion tokens"),  # both bounds included
        ("text", 1e13, "tokens", "1 billion to 10 trillion tokens"),
        ("text", 1.0000001e13, "tokens", "more than 10 trillion tokens"),
        ("image", 999_999, "images", "less than 1 million images"),
        ("image", 1e9, "images", "1 million to 1 billion images"),
        ("image", 1e9 + 1, "images", "more than 1 billion images"),
        ("audio", 9_999, "hours", "less than 10,000 hours"),
        ("audio", 10_000, "hours", "10,000 to 1 million hours"),
        ("video", 1e6, "hours", "10,000 to 1 million hours"),
        ("video", 1e6 + 1, "hours", "more than 1 million hours"),
    ],
)
def test_buckets(modality: str, size: float, unit: str, label: str) -> None:
    assert bucket(modality, {unit: size}) == label


def test_no_bucket_outside_the_templates_unit_or_for_other() -> None:
    assert bucket("text", {"tokens": 1e9, "bytes": 5e9}) is None
    assert bucket("text", {"documents": 10}) is None
    assert bucket("other", {"bytes": 1}) is None


def test_large_means_strictly_more_than_3_percent() -> None:
    # total 100: 3 is exactly 3% (not large), 3.5 is more
    sizes = {"a": ("tokens", 93.5), "b": ("tokens", 3.0), "c": ("tokens", 3.5)}
    assert large(sizes) == ["a", "c"]


def test_large_compares_within_a_unit() -> None:
    sizes = {"a": ("tokens", 100.0), "b": ("documents", 1.0)}
    assert large(sizes) == ["a", "b"]


def test_domains_merge_by_name_and_rank_by_size_then_name() -> None:
    merged = merged_domains(
        [[("b.eu", 5.0), ("a.eu", 5.0)], [("c.eu", 4.0), ("c.eu", 2.0), ("b.eu", 1.0)]]
    )
    assert merged == [("b.eu", 6.0), ("c.eu", 6.0), ("a.eu", 5.0)]


@pytest.mark.parametrize(
    ("distinct", "sme", "needed"),
    [
        (100, False, 10),
        (101, False, 11),  # rounded up
        (9, False, 1),
        (0, False, 0),
        (100, True, 5),
        (101, True, 6),
        (20_000, True, 1000),
        (20_001, True, 1000),  # capped at 1,000 for an SME
        (50_000, False, 5000),  # never capped otherwise
    ],
)
def test_how_many_domains_are_listed(distinct: int, sme: bool, needed: int) -> None:
    assert domains_required(distinct, sme) == needed
