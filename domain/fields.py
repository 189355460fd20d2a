"""Field checks for statement data: each check refuses a value with a path-naming reason.

A check is a callable ``(value, path) -> None`` raising :class:`Rejection` (``invalid-statement``
unless the check says otherwise). They are combined into per-type schemas in
``domain/catalogue.py``, so the accepted shapes are data, not branches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import Any

from domain.encoding import EncodingError, b64decode_strict, is_sha256_hex, parse_utc_time
from domain.licence_syntax import check_licence_expression
from domain.rejections import Rejection, RejectionKind

Check = Callable[[Any, str], None]

SUBJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}$")
YEAR_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
REGION = re.compile(r"^([A-Z]{2}|EU)$")


def invalid(path: str, reason: str) -> Rejection:
    return Rejection(RejectionKind.INVALID_STATEMENT, f"{path}: {reason}")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    check: Check
    required: bool = True


@dataclass(frozen=True, slots=True)
class ObjectCheck:
    """An object with exactly ``fields``: required ones present, no unknown ones; then ``then``
    (a rule across fields), if any. The fields stay readable, so help texts list them."""

    fields: tuple[Field, ...]
    then: Check | None = None
    _known: frozenset[str] = dataclass_field(init=False, repr=False, compare=False)
    _steps: tuple[tuple[str, Check, bool, str], ...] = dataclass_field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:  # worked out once, as every statement is checked
        object.__setattr__(self, "_known", frozenset(f.name for f in self.fields))
        steps = tuple((f.name, f.check, f.required, f".{f.name}") for f in self.fields)
        object.__setattr__(self, "_steps", steps)

    def __call__(self, value: Any, path: str) -> None:
        # JSON objects are dicts: asked first (isinstance against the ABC: 131 ns here, this 35).
        if type(value) is not dict and not isinstance(value, Mapping):
            raise invalid(path, "must be an object")
        known = self._known
        if not known.issuperset(value):
            unknown = sorted(set(value) - known)
            raise invalid(path, f"unknown field(s) {unknown}; allowed: {sorted(known)}")
        for name, check, required, suffix in self._steps:
            if name in value:
                check(value[name], path + suffix)
            elif required:
                raise invalid(path, f"missing required field '{name}'")
        if self.then is not None:
            self.then(value, path)


def check_object(fields: tuple[Field, ...], then: Check | None = None) -> ObjectCheck:
    """An object with exactly these fields: required ones present, no unknown ones."""
    return ObjectCheck(fields, then)


def text(value: Any, path: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise invalid(path, "must be a non-empty string")


def any_text(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise invalid(path, "must be a string")


def subject_id(value: Any, path: str) -> None:
    if not isinstance(value, str) or SUBJECT_ID.fullmatch(value) is None:
        raise invalid(path, f"must be an id matching {SUBJECT_ID.pattern}")


def sha256_hex(value: Any, path: str) -> None:
    if not is_sha256_hex(value):
        raise invalid(path, "must be 64 lowercase hex digits")


def utc_time(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise invalid(path, "must be a UTC time string")
    try:
        parse_utc_time(value)
    except EncodingError as error:
        raise invalid(path, str(error)) from error


@dataclass(frozen=True, slots=True)
class OneOf:
    """A string from ``values``; ``label`` names a long set in help texts (e.g. "component")."""

    values: frozenset[str]
    label: str | None = None

    def __call__(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or value not in self.values:
            raise invalid(path, f"must be one of {sorted(self.values)}")


def one_of(values: Collection[str], label: str | None = None) -> OneOf:
    return OneOf(frozenset(values), label)


@dataclass(frozen=True, slots=True)
class ListOf:
    """A list whose items pass ``item``; ``non_empty`` and ``unique`` as named."""

    item: Check
    non_empty: bool = False
    unique: bool = True

    def __call__(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise invalid(path, "must be a list")
        if self.non_empty and not value:
            raise invalid(path, "must not be empty")
        for index, element in enumerate(value):
            self.item(element, f"{path}[{index}]")
        if self.unique and len({repr(v) for v in value}) != len(value):
            raise invalid(path, "must not repeat an item")


def list_of(item: Check, *, non_empty: bool = False, unique: bool = True) -> ListOf:
    return ListOf(item, non_empty, unique)


@dataclass(frozen=True, slots=True)
class NumberBetween:
    """A finite number from ``low`` to ``high``, both included."""

    low: float
    high: float

    def __call__(self, value: Any, path: str) -> None:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or not math.isfinite(value) or not self.low <= value <= self.high:
            raise invalid(path, f"must be a number from {self.low} to {self.high}")


def number_between(low: float, high: float) -> NumberBetween:
    return NumberBetween(low, high)


def positive_number(value: Any, path: str) -> None:
    """A finite number greater than zero."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or value <= 0:
        raise invalid(path, "must be a number greater than 0")


def year_month(value: Any, path: str) -> None:
    if not isinstance(value, str) or YEAR_MONTH.fullmatch(value) is None:
        raise invalid(path, "must be a month written YYYY-MM")


def rfc3339_date(value: Any, path: str) -> None:
    """A calendar date ``YYYY-MM-DD`` (RFC 3339 full-date) that exists."""
    if not isinstance(value, str) or DATE.fullmatch(value) is None:
        raise invalid(path, "must be a date written YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise invalid(path, f"is not a calendar date: {error}") from error


def region(value: Any, path: str) -> None:
    if not isinstance(value, str) or REGION.fullmatch(value) is None:
        raise invalid(path, "must be an ISO 3166-1 alpha-2 code (e.g. 'US') or 'EU'")


def boolean(value: Any, path: str) -> None:
    if not isinstance(value, bool):
        raise invalid(path, "must be true or false")


def json_object(value: Any, path: str) -> None:
    if type(value) is not dict and not isinstance(value, Mapping):
        raise invalid(path, "must be an object")


def ed25519_public_key(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise invalid(path, "must be base64 of a raw 32-byte Ed25519 public key")
    try:
        raw = b64decode_strict(value)
    except EncodingError as error:
        raise invalid(path, str(error)) from error
    if len(raw) != 32:
        raise invalid(path, f"must decode to 32 bytes, not {len(raw)}")


def licence_expression(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise Rejection(RejectionKind.MALFORMED_LICENCE, f"{path}: must be a string")
    check_licence_expression(value, path)


# --- describing a check in words (``provenance sign --help`` lists every type's fields) -------

_NAMES = {
    "text": "text",
    "any_text": "text",
    "subject_id": "id",
    "sha256_hex": "sha256 hex",
    "utc_time": "UTC time",
    "licence_expression": "SPDX expression",
    "ed25519_public_key": "base64 Ed25519 key",
    "boolean": "true|false",
    "json_object": "object",
    "positive_number": "number > 0",
    "year_month": "YYYY-MM",
    "rfc3339_date": "YYYY-MM-DD",
    "region": "country code|EU",
    "components": "{<component>: [artefact ids]}",
    "compute": "{flop?, method?}",
}
_SHOWN_CHOICES = 8


def describe_value(check: Check) -> str:
    """What a value passing ``check`` looks like, in a few words: choices joined by ``|``, a
    list as ``[…]``, an object as ``{field, optional?}``; a check it cannot read is ``…``."""
    if isinstance(check, OneOf):
        if check.label is not None or len(check.values) > _SHOWN_CHOICES:
            return f"<{check.label or 'one of ' + str(len(check.values))}>"
        return "|".join(sorted(check.values))
    if isinstance(check, ListOf):
        return f"[{describe_value(check.item)}]"
    if isinstance(check, NumberBetween):
        return f"number {check.low:g}..{check.high:g}"
    if isinstance(check, ObjectCheck):
        return "{" + ", ".join(f.name + ("" if f.required else "?") for f in check.fields) + "}"
    name = getattr(check, "__name__", "")
    return _NAMES.get(name) or _NAMES.get(name.lstrip("_")) or "…"


def describe_fields(check: Check) -> list[tuple[str, str]]:
    """``(name, what it holds)`` for each field of an object check (``name?`` when optional);
    an empty list for a check that is not an object of named fields."""
    if not isinstance(check, ObjectCheck):
        return []
    return [(f.name + ("" if f.required else "?"), describe_value(f.check)) for f in check.fields]
