"""A subject's current state as readers see it: a fold of that subject's statements.

``subject_state`` is deterministic over the statements it is given (in log order); filtering
them ``as_of`` a position or recorded time is the caller's job. The shape per kind is what
``GET /v1/subjects/{id}`` returns under ``state``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.catalogue import SubjectKind
from domain.statement_types import statement_type
from domain.subject_folds import SignedStatement

__all__ = ["SignedStatement", "subject_state"]


def subject_state(kind: SubjectKind, statements: Iterable[SignedStatement]) -> dict[str, Any]:
    state: dict[str, Any] = {"claims": []}
    for signed in statements:
        statement_type(signed.statement.type).view(state, signed)
    if kind is SubjectKind.ARTEFACT:
        state.setdefault("licences", [])
    return state
