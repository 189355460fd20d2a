"""SPDX licence expression syntax (SPDX 2.3 Annex D / SPDX 3.0 licensing profile).

Only syntax is checked here: ids the catalogue does not know are *accepted* (DESIGN.md §3) and
assessed as unknown later. Parsing is delegated to ``license-expression``; because it is lenient
about spaces inside keys (``GPL 2.0``) and about characters SPDX forbids, every key is
additionally held to the SPDX ``idstring`` grammar.
"""

from __future__ import annotations

import functools
import re
from functools import cache
from typing import Any

from license_expression import ExpressionError, Licensing

from domain.rejections import Rejection, RejectionKind

_SPDX_KEY = re.compile(
    r"^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$|^[A-Za-z0-9.-]+\+?$"
)
MAX_EXPRESSION_LENGTH = 2048


@cache
def _licensing() -> Licensing:
    return Licensing()


def check_licence_expression(expression: str, path: str = "licence") -> None:
    """Refuse a malformed expression with ``malformed-licence-expression``."""
    problem = _problem(expression)
    if problem is not None:
        raise _malformed(path, problem)


@functools.lru_cache(maxsize=4096)
def _problem(expression: str) -> str | None:
    """Why ``expression`` is malformed, or None (cached: the same expressions recur)."""
    if not expression.strip():
        return "is empty"
    if len(expression) > MAX_EXPRESSION_LENGTH:
        return f"is longer than {MAX_EXPRESSION_LENGTH} characters"
    try:
        parsed = _licensing().parse(expression, simple=False)
    except ExpressionError as error:
        return f"is not a licence expression: {error}"
    except (IndexError, TypeError, ValueError, RecursionError):
        # license-expression crashes on some malformed input, e.g. "()"; it is still malformed.
        return "is not a licence expression"
    if parsed is None:
        return "is empty"
    for key in _licensing().license_keys(parsed, unique=True):
        if _SPDX_KEY.fullmatch(key) is None:
            return f"'{key}' is not an SPDX licence id or LicenseRef-"
    return None


def _malformed(path: str, reason: str) -> Rejection:
    return Rejection(RejectionKind.MALFORMED_LICENCE, f"{path} {reason}")


@functools.lru_cache(maxsize=4096)
def parse_expression(expression: str) -> Any:
    """The parsed tree of an already-validated expression (cached: expressions repeat)."""
    return _licensing().parse(expression, simple=False)


@functools.lru_cache(maxsize=4096)
def expression_ids(expression: str) -> tuple[str, ...]:
    """The licence and exception ids an already-validated expression names."""
    parsed = parse_expression(expression)
    return () if parsed is None else tuple(_licensing().license_keys(parsed, unique=True))
