"""The admission state kept in the ledger index reads back exactly what was written, and a
commit writes exactly what its draft changed."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.admission import admit
from domain.catalogue import SubjectKind
from domain.envelope import keyid_for, parse_envelope
from domain.ledger_state import ClaimRecord, SignerRecord, SubjectRecord
from domain.statement import parse_statement
from infra.ledger_index import IndexChanges, MemoryIndex
from services.stored_state import (
    LICENCES,
    StoredMap,
    _claim,
    _claim_json,
    _signer,
    _signer_json,
    _subject,
    _subject_json,
    about_a_licence,
    read_ahead,
    referenced,
    state_changes,
    state_text,
    stored_state,
    unstored,
)
from tests.builders import Cast, artefact, enrolment, envelope
from tests.rejection_cases import LICENCE_TERMS


def _signer_record() -> SignerRecord:
    key = Ed25519PrivateKey.generate().public_key()
    return SignerRecord(keyid_for(key), key, "acme", frozenset({"publisher"}), True, True)


@pytest.mark.parametrize("read_ahead", [True, False])
def test_a_commit_tells_the_keys_it_stores_first_from_those_it_changes(read_ahead: bool) -> None:
    """New subjects are written as new rows; a changed subject, or a configured operator's
    record (a default, no row yet), as changes: whether the state was read ahead (cached, as
    admission leaves it) or not."""
    index = MemoryIndex()
    operator = _signer_record()
    state = stored_state(index, {operator.keyid: operator})
    old = SubjectRecord("acme/old", SubjectKind.ARTEFACT, "acme", "code")
    index.write(IndexChanges((), {}, {"s:acme/old": state_text(_subject_json(old))}))
    if read_ahead:
        assert state.subjects.get("acme/new") is None
        assert state.subjects.get("acme/old") == old
        assert state.signers.get(operator.keyid) == operator
    draft = state.draft()
    draft.subjects["acme/old"] = dataclasses.replace(old, licences=("MIT",))
    draft.subjects["acme/new"] = SubjectRecord("acme/new", SubjectKind.ARTEFACT, "acme", "code")
    draft.signers[operator.keyid] = dataclasses.replace(operator, revoked=True)
    rows = state_changes(draft, [])
    held, new = unstored(draft, rows)
    assert set(new) == {"s:acme/new"}
    assert set(held) == {"s:acme/old", f"k:{operator.keyid}"}
    assert {**held, **new} == rows


def test_every_field_of_every_record_survives_the_store() -> None:
    signer = _signer_record()
    subject = SubjectRecord("acme/x", SubjectKind.ARTEFACT, "acme", "code", ("MIT",), ("a", "b"))
    claim = ClaimRecord("e" * 64, "acme/x", "k" * 64, True)
    for record, encode, decode, key in (
        (signer, _signer_json, _signer, signer.keyid),
        (subject, _subject_json, _subject, subject.id),
        (claim, _claim_json, _claim, claim.event_id),
    ):
        again = decode(key, encode(record))  # type: ignore[arg-type]
        for field in dataclasses.fields(record):
            mine, theirs = getattr(record, field.name), getattr(again, field.name)
            if field.name == "public_key":
                mine, theirs = keyid_for(mine), keyid_for(theirs)
            assert mine == theirs, field.name


def test_a_commit_writes_what_its_draft_changed_and_a_reopened_state_reads_it() -> None:
    index = MemoryIndex()
    operator = _signer_record()
    state = stored_state(index, {operator.keyid: operator})
    assert state.signers.get(operator.keyid) == operator  # configured operators need no row
    draft = state.draft()
    draft.subjects["acme/x"] = SubjectRecord("acme/x", SubjectKind.ARTEFACT, "acme", "code")
    draft.licences["licenseref-acme"] = ("LicenseRef-acme",)
    rows = state_changes(draft, [])
    assert set(rows) == {"s:acme/x", "l:licenseref-acme"}
    index.write(IndexChanges((), {}, rows))
    state.absorb(draft)
    reopened = stored_state(index, {})
    assert reopened.subjects.get("acme/x") == draft.subjects["acme/x"]
    assert reopened.licences.get("licenseref-acme") == ("LicenseRef-acme",)
    assert reopened.subjects.get("acme/y") is None


def test_a_value_forgotten_while_it_was_read_is_not_cached() -> None:
    index = MemoryIndex()
    index.write(
        IndexChanges(
            (),
            {},
            {
                "s:acme/x": '{"kind":"artefact","owner":"acme",'
                '"artefact_kind":"code","licences":[],"derived_from":[]}'
            },
        )
    )
    subjects = StoredMap(index, "s:", _subject)
    original_state = index.state

    def racing_read(keys: Sequence[str]) -> dict[str, str]:
        found = original_state(keys)
        subjects.forget(["acme/x"])  # another process's leaf changed it meanwhile
        return found

    index.state = racing_read  # type: ignore[method-assign]
    assert subjects.get("acme/x") is not None
    index.state = original_state  # type: ignore[method-assign]
    assert "acme/x" not in subjects._cache


def _lookups(index: MemoryIndex) -> list[str]:
    """The keys ``index`` is asked for from now on (filled as it is asked)."""
    asked: list[str] = []
    original_state = index.state

    def counted(keys: Sequence[str]) -> dict[str, str]:
        asked.extend(keys)
        return original_state(keys)

    index.state = counted  # type: ignore[method-assign]
    return asked


def test_keys_a_map_cannot_hold_are_absent_without_a_lookup() -> None:
    """Signers and claims are keyed by SHA-256 hex: admission asks the signers whether each
    new subject is a key, and a batch's read-ahead would look up a thousand names for it."""
    index = MemoryIndex()
    signer = _signer_record()
    index.write(IndexChanges((), {}, {"k:" + signer.keyid: json.dumps(_signer_json(signer))}))
    asked = _lookups(index)
    state = stored_state(index, {})
    names = ["acme/x", "A" * 64, signer.keyid.upper(), "e" * 63]
    for name in names:
        assert state.signers.get(name) is None
        assert name not in state.claims
    assert asked == []
    signers, claims = state.signers, state.claims
    assert isinstance(signers, StoredMap)
    assert isinstance(claims, StoredMap)
    assert signers.missing([*names, signer.keyid]) == [signer.keyid]
    assert claims.missing([*names, "e" * 64]) == ["e" * 64]
    assert signers[signer.keyid].keyid == signer.keyid
    assert asked == ["k:" + signer.keyid]


_ANY_TEXT = st.text(st.characters(exclude_categories=()))  # lone surrogates and controls too
_ROW_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | _ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(_ROW_VALUES)
@example("\x7f")  # DEL: ASCII, escaped by the stdlib, written raw by orjson
@example({"owner": "ac\x7fme", "roles": ["a\x00", "\x7f"]})
def test_a_rows_text_is_the_stdlibs_whoever_writes_it(value: object) -> None:
    """Rows are written by orjson only where its text is the stdlib's (the text stored before):
    quotes, backslashes, control characters, non-ASCII, lone surrogates, big integers."""
    assert state_text(value) == json.dumps(value, separators=(",", ":"))


def test_a_subject_row_with_any_owner_is_stored_as_before() -> None:
    for owner in ("acme", 'ac"me\\\n', "acmé", "ac\u2028me", "\ud800", "\U0001f600"):
        subject = SubjectRecord("acme/x", SubjectKind.ARTEFACT, owner, "code", ("MIT",), ())
        draft = stored_state(MemoryIndex(), {}).draft()
        draft.subjects["acme/x"] = subject
        rows = state_changes(draft, [])
        assert rows == {"s:acme/x": json.dumps(_subject_json(subject), separators=(",", ":"))}
        assert _subject("acme/x", json.loads(rows["s:acme/x"])) == subject


def _committed(index: MemoryIndex, operator: Ed25519PrivateKey, documents: list[Any]) -> list[str]:
    """Admit ``documents`` as one group over ``index`` and write what they changed, as a
    commit does; their event ids."""
    state = stored_state(index, {keyid_for(operator.public_key()): _operator(operator)})
    draft = state.draft()
    statements, event_ids = [], []
    for document in documents:
        parsed = parse_envelope(document)
        statement = admit(draft, parsed)
        draft.apply(statement, parsed.author, parsed.event_id)
        statements.append(statement)
        event_ids.append(parsed.event_id)
    index.write(IndexChanges((), {}, state_changes(draft, statements)))
    return event_ids


def _operator(key: Ed25519PrivateKey) -> SignerRecord:
    public = key.public_key()
    return SignerRecord(keyid_for(public), public, "operator", frozenset({"operator"}))


def test_admitting_a_group_asks_the_store_for_nothing_its_read_ahead_did_not_read() -> None:
    """The read-ahead reads every key admission will look up, in one query: a licence defined
    again under another spelling, a custom licence granted, a claim retracted, an artefact
    registered. And it asks for the licences the subjects of statements about a licence spell,
    and no other (admission looks up no other: not one a reference names, nor one spelled
    like an artefact)."""
    cast, index = Cast(), MemoryIndex()
    operator_keyid = keyid_for(cast.operator.public_key())
    _committed(
        index,
        cast.operator,
        [
            enrolment(cast.operator, cast.acme, "acme", ["publisher"]),
            enrolment(cast.operator, cast.auditor, "audits", ["auditor"]),
        ],
    )
    terms = {"name": "Acme", "uri": "https://l", "terms": LICENCE_TERMS}
    claimed = {"claim": "undisclosed-training-data", "detail": "no data card"}
    _, _, claim_event = _committed(
        index,
        cast.operator,
        [
            envelope(cast.acme, "LicenceDefined", "LicenseRef-Acme-1", terms),
            artefact(cast.acme, "acme/x", "code", "training-code"),
            envelope(cast.auditor, "ClaimAsserted", "acme/x", claimed),
        ],
    )
    group = [
        parse_envelope(document)
        for document in (
            envelope(cast.acme, "LicenceDefined", "LicenseRef-ACME-1", terms),
            envelope(cast.acme, "LicenceGranted", "acme/x", {"licence": "LicenseRef-Acme-1"}),
            envelope(
                cast.auditor,
                "ClaimRetracted",
                "acme/x",
                {"claim_event": claim_event, "reason": "r"},
            ),
            artefact(cast.acme, "acme/y", "code", "training-code"),
        )
    ]
    state = stored_state(index, {operator_keyid: _operator(cast.operator)})
    subjects, references, licences = [], [], []
    for parsed in group:
        statement = parse_statement(parsed.payload)
        subjects.append(statement.subject)
        references += referenced(statement.data)
        if about_a_licence(statement.type):
            licences.append(statement.subject)
    keyids = [s.keyid for e in group for s in e.signatures]
    ahead = read_ahead(state, subjects, references, keyids, licences)
    asked_licences = {k for k in ahead.keys if k.startswith(LICENCES)}
    assert asked_licences == {"l:licenseref-acme-1"}  # no "l:code", no "l:acme/y"
    ahead.take(index.state(ahead.keys))
    asked = _lookups(index)
    draft = state.draft()
    for parsed in group:
        draft.apply(admit(draft, parsed), parsed.author, parsed.event_id)
    assert asked == []
