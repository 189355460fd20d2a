"""Field-by-field differences between two assessments (JSON Pointers, sorted)."""

from __future__ import annotations

from domain.assessment.changes import assessment_changes


def test_changed_leaves_are_pointers_and_lists_compare_whole() -> None:
    old = {
        "as_of": {"position": 3},
        "freedoms": {"use": {"status": "restricted", "blockers": [{"reason": "nc"}]}},
        "frameworks": {"a/b~c": {"conformant": False}},
        "warnings": [],
    }
    new = {
        "as_of": {"position": 9},
        "freedoms": {"use": {"status": "granted", "blockers": []}},
        "frameworks": {"a/b~c": {"conformant": False}},
        "warnings": [{"reason": "disputed"}],
    }
    assert assessment_changes(old, new) == [
        {"path": "/freedoms/use/blockers", "old": [{"reason": "nc"}], "new": []},
        {"path": "/freedoms/use/status", "old": "restricted", "new": "granted"},
        {"path": "/warnings", "old": [], "new": [{"reason": "disputed"}]},
    ]


def test_escaping_absent_sides_and_equal_documents() -> None:
    new = {"frameworks": {"a/b~c": {"conformant": True}}, "at": None}
    assert assessment_changes(None, new) == [
        {"path": "/frameworks/a~1b~0c/conformant", "old": None, "new": True}
    ]
    assert assessment_changes(new, None) == [
        {"path": "/frameworks/a~1b~0c/conformant", "old": True, "new": None}
    ]
    assert assessment_changes(new, new) == []
