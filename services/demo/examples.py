"""Example data: real model versions recorded from public facts (``examples/*.json``).

Each example file describes one model version as a list of statements in log order, each naming
who signs it: an organisation slug of the file, ``operator`` or ``auditor``. This module only
loads and signs them; nothing here touches the network or a ledger. File format::

    {"title": "...", "model": "<model version id>", "sources": ["https://..."],
     "requires": ["<stem of an example file loaded first>"],
     "organisations": {"<org slug>": "<display name>"},
     "statements": [{"signer": "<org slug>|operator|auditor", "type": "<catalogue type>",
                     "subject": "<id>", "data": {...}, "effective_at": "YYYY-MM-DDTHH:MM:SSZ",
                     "note": "optional source or comment"}]}

:func:`demo_envelopes` turns loaded examples into signed DSSE envelopes ready for a batch: first
the enrolments (signed by the operator key), then every statement with ``issued_at`` equal to
its ``effective_at``. Payloads and Ed25519 signatures are deterministic, so signing the same
examples with the same keys again gives the same envelopes (a repeat is idempotent).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.encoding import EncodingError, b64encode, parse_utc_time
from domain.envelope import STATEMENT_PAYLOAD_TYPE, keyid_for, raw_public_key, sign_envelope
from domain.fields import SUBJECT_ID
from domain.rejections import Rejection
from domain.statement import Statement
from domain.statement_types import STATEMENT_TYPES

OPERATOR = "operator"
AUDITOR = "auditor"
AUDITOR_ORGANISATION = "demo-auditor"
AUDITOR_NAME = "Demo auditor"
# Enrolments are never filtered by valid time; a fixed time keeps their payloads deterministic.
ENROLLED_AT = "2020-01-01T00:00:00Z"
RESERVED_SLUGS = frozenset({OPERATOR, AUDITOR, AUDITOR_ORGANISATION})
# Enrolments are made by demo_envelopes itself, not by example files.
GENERATED_TYPES = frozenset({"SignerEnrolled", "SignerRevoked"})

_FILE_KEYS = frozenset({"title", "model", "sources", "requires", "organisations", "statements"})
_STATEMENT_KEYS = frozenset({"signer", "type", "subject", "data", "effective_at"})
_OPTIONAL_STATEMENT_KEYS = frozenset({"note"})


@dataclass(frozen=True)
class ExampleStatement:
    """One statement of an example file, before signing."""

    signer: str  # an organisation slug of the file, "operator" or "auditor"
    type: str
    subject: str
    data: Mapping[str, Any]
    effective_at: str
    note: str | None = None

    def statement(self) -> Statement:
        return Statement(
            type=self.type,
            subject=self.subject,
            data=self.data,
            effective_at=self.effective_at,
            issued_at=self.effective_at,
        )


@dataclass(frozen=True)
class Example:
    """One example file: a model version and the statements that record it."""

    name: str  # the file stem, which other files name in ``requires``
    title: str
    model: str
    sources: tuple[str, ...]
    requires: tuple[str, ...]
    organisations: Mapping[str, str]  # slug -> display name
    statements: tuple[ExampleStatement, ...]


def examples_directory() -> Path:
    """``<repo root>/examples``."""
    return Path(__file__).parents[2] / "examples"


def load_examples(directory: Path) -> list[Example]:
    """Every ``*.json`` example in ``directory``, each after the files it ``requires``.

    Otherwise ordered by file name. Raises :class:`ValueError` naming the file and the problem
    for a malformed file, a missing required file or a cycle of requirements.
    """
    paths = sorted(directory.glob("*.json"))
    examples = {path.stem: load_example(path) for path in paths}
    ordered: list[Example] = []
    done: set[str] = set()

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in chain:
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise ValueError(f"{name}.json: 'requires' forms a cycle: {cycle}")
        example = examples[name]
        for required in example.requires:
            if required not in examples:
                raise ValueError(
                    f"{name}.json: requires '{required}', but there is no {required}.json "
                    f"in {directory}"
                )
            visit(required, (*chain, name))
        done.add(name)
        ordered.append(example)

    for name in examples:
        visit(name, ())
    return ordered


def load_example(path: Path) -> Example:
    """Read and check one example file; :class:`ValueError` names the file and the problem."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path.name}: cannot read it as JSON: {error}") from error
    try:
        return _example(path.stem, document)
    except _Invalid as error:
        raise ValueError(f"{path.name}: {error}") from None


class _Invalid(Exception):
    """A problem inside one file; :func:`load_example` adds the file name."""


def _example(name: str, document: Any) -> Example:
    if not isinstance(document, dict):
        raise _Invalid("must be a JSON object")
    _exact_keys(document, _FILE_KEYS, frozenset(), "the file")
    title = _string(document["title"], "title")
    model = _subject_id(document["model"], "model")
    sources = _strings(document["sources"], "sources")
    requires = _strings(document["requires"], "requires")
    if name in requires:
        raise _Invalid("requires itself")
    organisations = document["organisations"]
    if not isinstance(organisations, dict):
        raise _Invalid("organisations must be an object of slug -> display name")
    for slug, display_name in organisations.items():
        if slug in RESERVED_SLUGS:
            raise _Invalid(
                f"organisations: '{slug}' is reserved (an organisation slug may not be "
                f"one of {sorted(RESERVED_SLUGS)})"
            )
        _string(slug, "organisations key")
        _string(display_name, f"organisations.{slug}")
    statements = document["statements"]
    if not isinstance(statements, list):
        raise _Invalid("statements must be a list")
    signers = {*organisations, OPERATOR, AUDITOR}
    return Example(
        name=name,
        title=title,
        model=model,
        sources=tuple(sources),
        requires=tuple(requires),
        organisations=dict(organisations),
        statements=tuple(
            _statement(item, f"statements[{index}]", signers)
            for index, item in enumerate(statements)
        ),
    )


def _statement(item: Any, where: str, signers: set[str]) -> ExampleStatement:
    if not isinstance(item, dict):
        raise _Invalid(f"{where} must be an object")
    _exact_keys(item, _STATEMENT_KEYS, _OPTIONAL_STATEMENT_KEYS, where)
    signer = _string(item["signer"], f"{where}.signer")
    if signer not in signers:
        raise _Invalid(
            f"{where}.signer '{signer}' is neither 'operator', 'auditor' nor an organisation "
            f"of this file ({sorted(signers - {OPERATOR, AUDITOR})})"
        )
    type_ = _string(item["type"], f"{where}.type")
    if type_ not in STATEMENT_TYPES:
        raise _Invalid(f"{where}.type '{type_}' is not in the event catalogue")
    if type_ in GENERATED_TYPES:
        raise _Invalid(f"{where}.type '{type_}': enrolments are made by the demo loader itself")
    subject = _subject_id(item["subject"], f"{where}.subject")
    effective_at = _string(item["effective_at"], f"{where}.effective_at")
    try:
        parse_utc_time(effective_at)
    except EncodingError as error:
        raise _Invalid(f"{where}.effective_at: {error}") from None
    data = item["data"]
    try:
        STATEMENT_TYPES[type_].schema(data, f"{where}.data")
    except Rejection as error:
        raise _Invalid(error.detail) from None
    note = item.get("note")
    if note is not None:
        note = _string(note, f"{where}.note")
    return ExampleStatement(signer, type_, subject, data, effective_at, note)


def _exact_keys(
    value: dict[str, Any], required: frozenset[str], optional: frozenset[str], where: str
) -> None:
    missing = sorted(required - set(value))
    unknown = sorted(set(value) - required - optional)
    if missing or unknown:
        raise _Invalid(f"{where}: missing field(s) {missing}, unknown field(s) {unknown}")


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{where} must be a non-empty string")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise _Invalid(f"{where} must be a list of strings")
    return [_string(item, f"{where}[{index}]") for index, item in enumerate(value)]


def _subject_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or SUBJECT_ID.fullmatch(value) is None:
        raise _Invalid(f"{where} must be an id matching {SUBJECT_ID.pattern}")
    return value


# --- signing ------------------------------------------------------------------------------


def demo_envelopes(
    examples: Sequence[Example],
    operator: Ed25519PrivateKey,
    keys: Mapping[str, Ed25519PrivateKey] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Ed25519PrivateKey]]:
    """The signed envelopes (JSON objects) of ``examples`` in order, and the keys used.

    First one ``SignerEnrolled`` per organisation (role ``publisher``) in order of first
    appearance, then one for the auditor (organisation ``demo-auditor``, role ``auditor``), all
    signed by ``operator``; then every statement, signed by its organisation's key, the auditor
    key or ``operator``. ``keys`` (slug -> key, ``demo-auditor`` for the auditor) are reused;
    missing ones are generated. The returned mapping holds every key used, by slug.
    """
    organisations: dict[str, str] = {}
    for example in examples:
        for slug, display_name in example.organisations.items():
            known = organisations.setdefault(slug, display_name)
            if known != display_name:
                raise ValueError(
                    f"{example.name}.json: organisation '{slug}' is named '{display_name}', "
                    f"but an earlier example names it '{known}'"
                )
    used = dict(keys or {})
    envelopes: list[dict[str, Any]] = []
    for slug, display_name in organisations.items():
        key = used.get(slug) or Ed25519PrivateKey.generate()
        used[slug] = key
        envelopes.append(_enrolment(operator, key, slug, display_name, "publisher"))
    auditor = used.get(AUDITOR_ORGANISATION) or Ed25519PrivateKey.generate()
    used[AUDITOR_ORGANISATION] = auditor
    envelopes.append(_enrolment(operator, auditor, AUDITOR_ORGANISATION, AUDITOR_NAME, AUDITOR))
    for example in examples:
        for item in example.statements:
            if item.signer == OPERATOR:
                key = operator
            elif item.signer == AUDITOR:
                key = auditor
            else:
                key = used[item.signer]
            envelopes.append(_signed(item.statement(), key))
    return envelopes, used


def _enrolment(
    operator: Ed25519PrivateKey, key: Ed25519PrivateKey, organisation: str, name: str, role: str
) -> dict[str, Any]:
    public_key = key.public_key()
    statement = Statement(
        type="SignerEnrolled",
        subject=keyid_for(public_key),
        data={
            "public_key": b64encode(raw_public_key(public_key)),
            "organisation": organisation,
            "roles": [role],
            "name": name,
        },
        effective_at=ENROLLED_AT,
        issued_at=ENROLLED_AT,
    )
    return _signed(statement, operator)


def _signed(statement: Statement, key: Ed25519PrivateKey) -> dict[str, Any]:
    payload = statement.canonical_bytes()
    return sign_envelope(STATEMENT_PAYLOAD_TYPE, payload, [key]).to_json()
