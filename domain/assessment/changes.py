"""What differs between two assessments of one model version, field by field.

A field is a JSON Pointer (RFC 6901) to a value that is not an object: a status, a class, a
flag, or a whole list (blockers, conditions, unmet requirements), compared as one value so a
change reads as "this list became that one". ``as_of`` is left out: it names the positions
being compared, which the caller reports itself.
"""

from __future__ import annotations

from typing import Any

_NOT_COMPARED = "/as_of"


def assessment_changes(
    old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """``[{path, old, new}]`` for every field whose value differs, sorted by path; a field
    only one side has is ``null`` on the other (``old`` None: the model did not exist yet)."""
    before, after = _fields(old or {}, ""), _fields(new or {}, "")
    return [
        {"path": path, "old": before.get(path), "new": after.get(path)}
        for path in sorted(before.keys() | after.keys())
        if not _not_compared(path) and before.get(path) != after.get(path)
    ]


def _not_compared(path: str) -> bool:
    return path == _NOT_COMPARED or path.startswith(_NOT_COMPARED + "/")


def _fields(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in document.items():
        path = f"{prefix}/{_escape(key)}"
        if isinstance(value, dict) and value:
            fields.update(_fields(value, path))
        else:
            fields[path] = value
    return fields


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
