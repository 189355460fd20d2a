"""domain.admission + LedgerState: the "who may sign" column of DESIGN.md §3, rule by rule.

Each test builds a LedgerState from configured operator keys, admits and applies real signed
envelopes in log order, then checks that one more envelope is accepted or refused with the
stable rejection kind.
"""

from __future__ import annotations

import pickle
from collections import ChainMap
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.admission import Precheck, admit
from domain.catalogue import BUILT_IN_LICENCE_REFS, SubjectKind
from domain.encoding import b64encode
from domain.envelope import parse_envelope, raw_public_key
from domain.leaf import envelope_bytes
from domain.ledger_state import Layer, LedgerState
from domain.rejections import Rejection, RejectionKind
from domain.statement import Statement
from domain.tlog_tiles import MAX_ENTRY_SIZE
from tests.builders import Cast, artefact, enrolment, envelope, keyid
from tests.rejection_cases import CASES, LICENCE_TERMS, RejectionCase

Document = dict[str, Any]

# --- helpers ---------------------------------------------------------------------------


def ledger(operators: Iterable[Ed25519PrivateKey], documents: Iterable[Document]) -> LedgerState:
    """A state trusting ``operators`` with ``documents`` admitted and applied in order."""
    state = LedgerState.with_operators([key.public_key() for key in operators])
    for document in documents:
        record(state, document)
    return state


def record(state: LedgerState, document: Document) -> str:
    """Admit and apply one envelope; return its event id."""
    parsed = parse_envelope(document)
    statement = admit(state, parsed)
    state.apply(statement, parsed.author, parsed.event_id)
    return parsed.event_id


def refusal(state: LedgerState, document: Document) -> RejectionKind:
    with pytest.raises(Rejection) as raised:
        admit(state, parse_envelope(document))
    return raised.value.kind


def key_of(cast: Cast, name: str) -> Ed25519PrivateKey:
    key = getattr(cast, name)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def licence_defined(key: Ed25519PrivateKey, subject: str, name: str = "Custom") -> Document:
    return envelope(
        key, "LicenceDefined", subject, {"name": name, "uri": "https://l", "terms": LICENCE_TERMS}
    )


def claim(key: Ed25519PrivateKey, subject: str, nonce: str | None = None) -> Document:
    data = {"claim": "undisclosed-training-data", "detail": "no data card"}
    return envelope(key, "ClaimAsserted", subject, data, nonce=nonce)


def retraction(key: Ed25519PrivateKey, subject: str, claim_event: str) -> Document:
    data = {"claim_event": claim_event, "reason": "resolved"}
    return envelope(key, "ClaimRetracted", subject, data)


def revocation(key: Ed25519PrivateKey, target: Ed25519PrivateKey) -> Document:
    return envelope(key, "SignerRevoked", keyid(target), {"reason": "rotated"})


def grant(key: Ed25519PrivateKey, subject: str, licence: str = "MIT", **kw: Any) -> Document:
    return envelope(key, "LicenceGranted", subject, {"licence": licence}, **kw)


def withdrawal(key: Ed25519PrivateKey, subject: str, licence: str = "MIT") -> Document:
    data = {"licence": licence, "reason": "mistake"}
    return envelope(key, "LicenceWithdrawn", subject, data)


def run(key: Ed25519PrivateKey, subject: str, **data: Any) -> Document:
    fields: dict[str, Any] = {"code": [], "datasets": [], "hardware": [], "produced": []}
    fields.update(data)
    return envelope(key, "TrainingRunRecorded", subject, fields)


def model(key: Ed25519PrivateKey, subject: str, **data: Any) -> Document:
    fields: dict[str, Any] = {"name": "M", "version": "1", "components": {}}
    fields.update(data)
    return envelope(key, "ModelVersionReleased", subject, fields)


def derived(key: Ed25519PrivateKey, subject: str, *sources: str, **data: Any) -> Document:
    return envelope(key, "DatasetDerived", subject, {"from": list(sources), **data})


@pytest.fixture
def cast() -> Cast:
    return Cast()


@pytest.fixture
def enrolled(cast: Cast) -> LedgerState:
    return ledger([cast.operator], cast.enrolments())


@pytest.fixture
def world(cast: Cast) -> LedgerState:
    """The small model plus a second acme dataset, a model card and a globex dataset."""
    return ledger(
        [cast.operator],
        [
            *cast.small_model(),
            artefact(cast.acme, "acme/x/raw", "dataset", "datasets"),
            artefact(cast.acme, "acme/x/card", "documentation", "model-card"),
            artefact(cast.globex, "globex/y/data", "dataset", "datasets"),
        ],
    )


# --- the shared rejection cases hold at the domain level too ---------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_shared_rejection_cases(case: RejectionCase, cast: Cast) -> None:
    history, bad = case.build(cast)
    assert refusal(ledger([cast.operator], history), bad) is case.kind


# --- SignerEnrolled: operators only; subject = keyid of data.public_key ----------------


def test_configured_operator_enrols_signers(cast: Cast, enrolled: LedgerState) -> None:
    signer = enrolled.signers[keyid(cast.acme)]
    assert (signer.organisation, signer.roles) == ("acme", frozenset({"publisher"}))
    assert not signer.revoked
    assert not signer.configured
    assert raw_public_key(signer.public_key) == raw_public_key(cast.acme.public_key())
    subject = enrolled.subjects[keyid(cast.acme)]
    assert (subject.kind, subject.owner) == (SubjectKind.SIGNER, "acme")


def test_configured_operators_are_trusted_without_an_event(cast: Cast) -> None:
    state = ledger([cast.operator], [])
    operator = state.signers[keyid(cast.operator)]
    assert operator.configured
    assert operator.roles == frozenset({"operator"})
    assert operator.organisation is None


def test_an_enrolled_operator_may_enrol(cast: Cast, enrolled: LedgerState) -> None:
    ops = Ed25519PrivateKey.generate()
    record(enrolled, enrolment(cast.operator, ops, "ops", ["operator"]))
    record(enrolled, enrolment(ops, cast.stranger, "stranger", ["publisher"]))
    assert enrolled.signers[keyid(cast.stranger)].organisation == "stranger"


@pytest.mark.parametrize("signer", ["acme", "auditor"])
def test_only_operators_may_enrol(cast: Cast, enrolled: LedgerState, signer: str) -> None:
    bad = enrolment(key_of(cast, signer), cast.stranger, "acme", ["publisher"])
    assert refusal(enrolled, bad) is RejectionKind.MISSING_ROLE


def test_a_publisher_and_auditor_key_is_still_not_an_operator(
    cast: Cast, enrolled: LedgerState
) -> None:
    both = Ed25519PrivateKey.generate()
    record(enrolled, enrolment(cast.operator, both, "acme", ["publisher", "auditor"]))
    bad = enrolment(both, cast.stranger, "acme", ["publisher"])
    assert refusal(enrolled, bad) is RejectionKind.MISSING_ROLE


def test_enrolment_subject_must_be_the_keyid_of_the_public_key(
    cast: Cast, enrolled: LedgerState
) -> None:
    data = {
        "public_key": b64encode(raw_public_key(cast.stranger.public_key())),
        "organisation": "s",
        "roles": ["publisher"],
        "name": "s",
    }
    other_id = keyid(Ed25519PrivateKey.generate())
    bad = envelope(cast.operator, "SignerEnrolled", other_id, data)
    assert refusal(enrolled, bad) is RejectionKind.INVALID_STATEMENT
    assert other_id not in enrolled.signers


def test_enrolling_an_enrolled_key_again_is_subject_exists(
    cast: Cast, enrolled: LedgerState
) -> None:
    again = enrolment(cast.operator, cast.acme, "globex", ["publisher", "auditor"], "other name")
    assert refusal(enrolled, again) is RejectionKind.SUBJECT_EXISTS
    assert enrolled.signers[keyid(cast.acme)].organisation == "acme"


def test_enrolling_a_configured_operator_key_is_subject_exists(
    cast: Cast, enrolled: LedgerState
) -> None:
    again = enrolment(cast.operator, cast.operator, "ops", ["operator"])
    assert refusal(enrolled, again) is RejectionKind.SUBJECT_EXISTS


def test_unenrolled_author_is_unknown_key(cast: Cast, enrolled: LedgerState) -> None:
    bad = enrolment(cast.stranger, cast.stranger, "s", ["operator"])
    assert refusal(enrolled, bad) is RejectionKind.UNKNOWN_KEY


def test_signatures_are_checked_before_the_statement(cast: Cast, enrolled: LedgerState) -> None:
    bad = envelope(cast.stranger, "NoSuchType", "x", {})
    assert refusal(enrolled, bad) is RejectionKind.UNKNOWN_KEY


# --- SignerRevoked: an operator or the key itself; revoked keys are refused -------------


def test_operator_revokes_a_key_and_it_is_refused_afterwards(
    cast: Cast, enrolled: LedgerState
) -> None:
    record(enrolled, revocation(cast.operator, cast.acme))
    assert enrolled.signers[keyid(cast.acme)].revoked
    bad = artefact(cast.acme, "acme/late", "code", "training-code")
    assert refusal(enrolled, bad) is RejectionKind.REVOKED_KEY
    assert "acme/late" not in enrolled.subjects


def test_a_key_may_revoke_itself(cast: Cast, enrolled: LedgerState) -> None:
    record(enrolled, revocation(cast.auditor, cast.auditor))
    assert enrolled.signers[keyid(cast.auditor)].revoked
    assert refusal(enrolled, claim(cast.auditor, keyid(cast.acme))) is RejectionKind.REVOKED_KEY


@pytest.mark.parametrize("signer", ["globex", "acme_second", "auditor"])
def test_another_non_operator_key_may_not_revoke(
    cast: Cast, enrolled: LedgerState, signer: str
) -> None:
    bad = revocation(key_of(cast, signer), cast.acme)
    assert refusal(enrolled, bad) is RejectionKind.MISSING_ROLE
    assert not enrolled.signers[keyid(cast.acme)].revoked


def test_revoking_one_key_leaves_its_organisation_alone(cast: Cast, enrolled: LedgerState) -> None:
    record(enrolled, revocation(cast.operator, cast.acme))
    record(enrolled, artefact(cast.acme_second, "acme/still", "code", "training-code"))
    assert enrolled.subjects["acme/still"].owner == "acme"


def test_a_revoked_co_signer_is_refused(cast: Cast, enrolled: LedgerState) -> None:
    record(enrolled, revocation(cast.operator, cast.globex))
    bad = envelope(
        [cast.acme, cast.globex],
        "ArtefactRegistered",
        "acme/co",
        {"kind": "code", "component": "training-code", "name": "c", "availability": "public"},
    )
    assert refusal(enrolled, bad) is RejectionKind.REVOKED_KEY


@pytest.mark.parametrize("revoker", ["second", "itself", "enrolled"])
def test_a_configured_operator_key_is_never_revoked_by_an_event(cast: Cast, revoker: str) -> None:
    second = Ed25519PrivateKey.generate()
    keys = {"second": second, "itself": cast.operator, "enrolled": cast.acme}
    state = ledger(
        [cast.operator, second], [enrolment(cast.operator, cast.acme, "acme", ["operator"])]
    )
    bad = revocation(keys[revoker], cast.operator)
    assert refusal(state, bad) is RejectionKind.CONFIGURED_KEY
    assert not state.signers[keyid(cast.operator)].revoked
    record(state, enrolment(cast.operator, cast.globex, "globex", ["publisher"]))


def test_an_enrolled_operator_key_can_be_revoked_by_a_configured_one(cast: Cast) -> None:
    state = ledger([cast.operator], [enrolment(cast.operator, cast.acme, "acme", ["operator"])])
    record(state, revocation(cast.operator, cast.acme))
    bad = enrolment(cast.acme, cast.globex, "globex", ["publisher"])
    assert refusal(state, bad) is RejectionKind.REVOKED_KEY


def test_revoking_an_unknown_key_is_dangling(cast: Cast, enrolled: LedgerState) -> None:
    bad = revocation(cast.operator, cast.stranger)
    assert refusal(enrolled, bad) is RejectionKind.DANGLING_REFERENCE


def test_revoking_twice_is_a_conflict(cast: Cast, enrolled: LedgerState) -> None:
    record(enrolled, revocation(cast.operator, cast.acme))
    again = envelope(cast.operator, "SignerRevoked", keyid(cast.acme), {"reason": "again"})
    assert refusal(enrolled, again) is RejectionKind.CONFLICT


def test_a_revoked_key_cannot_be_enrolled_again(cast: Cast, enrolled: LedgerState) -> None:
    record(enrolled, revocation(cast.operator, cast.acme))
    again = enrolment(cast.operator, cast.acme, "acme", ["publisher"], "back")
    assert refusal(enrolled, again) is RejectionKind.SUBJECT_EXISTS


# --- ArtefactRegistered / TrainingRunRecorded / ModelVersionReleased: publishers -------

CREATORS: dict[str, Callable[[Ed25519PrivateKey], Document]] = {
    "ArtefactRegistered": lambda key: artefact(key, "new/thing", "code", "training-code"),
    "TrainingRunRecorded": lambda key: run(key, "new/thing"),
    "ModelVersionReleased": lambda key: model(key, "new/thing"),
}
CREATED_KIND = {
    "ArtefactRegistered": SubjectKind.ARTEFACT,
    "TrainingRunRecorded": SubjectKind.TRAINING_RUN,
    "ModelVersionReleased": SubjectKind.MODEL_VERSION,
}


@pytest.mark.parametrize("type_", CREATORS)
@pytest.mark.parametrize("signer", ["acme", "globex"])
def test_publisher_creates_and_its_organisation_owns(
    cast: Cast, enrolled: LedgerState, type_: str, signer: str
) -> None:
    record(enrolled, CREATORS[type_](key_of(cast, signer)))
    subject = enrolled.subjects["new/thing"]
    assert (subject.kind, subject.owner) == (CREATED_KIND[type_], signer)


@pytest.mark.parametrize("type_", CREATORS)
@pytest.mark.parametrize("signer", ["auditor", "operator"])
def test_non_publishers_may_not_create(
    cast: Cast, enrolled: LedgerState, type_: str, signer: str
) -> None:
    assert refusal(enrolled, CREATORS[type_](key_of(cast, signer))) is RejectionKind.MISSING_ROLE
    assert "new/thing" not in enrolled.subjects


@pytest.mark.parametrize("kind", ["code", "parameters", "dataset", "hardware", "documentation"])
def test_artefact_kind_is_recorded(cast: Cast, enrolled: LedgerState, kind: str) -> None:
    component = None if kind == "hardware" else "model-card"
    record(enrolled, artefact(cast.acme, "acme/a", kind, component))
    assert enrolled.subjects["acme/a"].artefact_kind == kind


@pytest.mark.parametrize("type_", CREATORS)
@pytest.mark.parametrize("signer", ["acme", "globex"])
def test_a_second_first_event_is_subject_exists(
    cast: Cast, enrolled: LedgerState, type_: str, signer: str
) -> None:
    record(enrolled, artefact(cast.acme, "new/thing", "dataset", "datasets"))
    again = CREATORS[type_](key_of(cast, signer))
    assert refusal(enrolled, again) is RejectionKind.SUBJECT_EXISTS
    assert enrolled.subjects["new/thing"].kind is SubjectKind.ARTEFACT


def test_registering_an_enrolled_signer_id_is_subject_exists(
    cast: Cast, enrolled: LedgerState
) -> None:
    bad = artefact(cast.acme, keyid(cast.globex), "code", "training-code")
    assert refusal(enrolled, bad) is RejectionKind.SUBJECT_EXISTS


# --- LicenceGranted / LicenceWithdrawn: owner organisation or operator -----------------


@pytest.mark.parametrize("signer", ["acme", "acme_second", "operator"])
def test_owner_organisation_or_operator_grants(cast: Cast, world: LedgerState, signer: str) -> None:
    record(world, grant(key_of(cast, signer), "acme/x/code", "MIT"))
    assert world.subjects["acme/x/code"].licences == ("MIT",)


@pytest.mark.parametrize("signer", ["globex", "auditor"])
def test_another_organisation_may_not_grant(cast: Cast, world: LedgerState, signer: str) -> None:
    assert refusal(world, grant(key_of(cast, signer), "acme/x/code")) is RejectionKind.NOT_OWNER


@pytest.mark.parametrize("signer", ["acme", "acme_second", "operator"])
def test_owner_organisation_or_operator_withdraws(
    cast: Cast, world: LedgerState, signer: str
) -> None:
    record(world, withdrawal(key_of(cast, signer), "acme/x/weights", "Apache-2.0"))
    assert world.subjects["acme/x/weights"].licences == ()


@pytest.mark.parametrize("signer", ["globex", "auditor"])
def test_another_organisation_may_not_withdraw(cast: Cast, world: LedgerState, signer: str) -> None:
    bad = withdrawal(key_of(cast, signer), "acme/x/weights", "Apache-2.0")
    assert refusal(world, bad) is RejectionKind.NOT_OWNER


def test_withdrawing_a_licence_not_in_force_is_dangling(cast: Cast, world: LedgerState) -> None:
    assert refusal(world, withdrawal(cast.acme, "acme/x/weights", "MIT")) is (
        RejectionKind.DANGLING_REFERENCE
    )
    record(world, withdrawal(cast.acme, "acme/x/weights", "Apache-2.0"))
    assert refusal(world, withdrawal(cast.acme, "acme/x/weights", "Apache-2.0")) is (
        RejectionKind.DANGLING_REFERENCE
    )


def test_withdrawal_ends_one_grant_of_a_repeated_licence(cast: Cast, world: LedgerState) -> None:
    record(world, grant(cast.acme, "acme/x/code", "MIT"))
    record(world, grant(cast.acme, "acme/x/code", "MIT", nonce="again"))
    record(world, withdrawal(cast.acme, "acme/x/code", "MIT"))
    assert world.subjects["acme/x/code"].licences == ("MIT",)


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        ("acme/x@1", RejectionKind.WRONG_SUBJECT_KIND),
        ("acme/x/run-1", RejectionKind.WRONG_SUBJECT_KIND),
        ("acme/nothing", RejectionKind.DANGLING_REFERENCE),
    ],
)
def test_licences_are_granted_on_existing_artefacts_only(
    cast: Cast, world: LedgerState, subject: str, kind: RejectionKind
) -> None:
    assert refusal(world, grant(cast.operator, subject)) is kind
    assert refusal(world, withdrawal(cast.operator, subject)) is kind


def test_licence_on_a_signer_is_wrong_kind(cast: Cast, world: LedgerState) -> None:
    assert refusal(world, grant(cast.operator, keyid(cast.acme))) is (
        RejectionKind.WRONG_SUBJECT_KIND
    )


def test_unknown_licence_ids_are_not_references(cast: Cast, world: LedgerState) -> None:
    record(world, grant(cast.acme, "acme/x/code", "LicenseRef-Never-Defined OR Made-Up-1.0"))


# --- LicenceDefined --------------------------------------------------------------------


@pytest.mark.parametrize(("signer", "owner"), [("acme", "acme"), ("operator", None)])
def test_first_definition_by_any_publisher_or_operator(
    cast: Cast, enrolled: LedgerState, signer: str, owner: str | None
) -> None:
    record(enrolled, licence_defined(key_of(cast, signer), "LicenseRef-Acme-1"))
    subject = enrolled.subjects["LicenseRef-Acme-1"]
    assert (subject.kind, subject.owner) == (SubjectKind.LICENCE, owner)


def test_first_definition_by_an_auditor_is_refused(cast: Cast, enrolled: LedgerState) -> None:
    bad = licence_defined(cast.auditor, "LicenseRef-Acme-1")
    assert refusal(enrolled, bad) is RejectionKind.MISSING_ROLE


@pytest.mark.parametrize("signer", ["acme", "acme_second", "operator"])
def test_later_definitions_by_defining_organisation_or_operator(
    cast: Cast, enrolled: LedgerState, signer: str
) -> None:
    record(enrolled, licence_defined(cast.acme, "LicenseRef-Acme-1"))
    record(enrolled, licence_defined(key_of(cast, signer), "LicenseRef-Acme-1", "Revised"))
    assert enrolled.subjects["LicenseRef-Acme-1"].owner == "acme"


@pytest.mark.parametrize(
    ("signer", "kind"),
    [("globex", RejectionKind.NOT_OWNER), ("auditor", RejectionKind.NOT_OWNER)],
)
def test_later_definitions_by_others_are_refused(
    cast: Cast, enrolled: LedgerState, signer: str, kind: RejectionKind
) -> None:
    record(enrolled, licence_defined(cast.acme, "LicenseRef-Acme-1"))
    assert refusal(enrolled, licence_defined(key_of(cast, signer), "LicenseRef-Acme-1")) is kind


def test_an_operator_defined_licence_is_redefined_by_operators_only(
    cast: Cast, enrolled: LedgerState
) -> None:
    record(enrolled, licence_defined(cast.operator, "LicenseRef-Shared"))
    bad = licence_defined(cast.acme, "LicenseRef-Shared")
    assert refusal(enrolled, bad) is RejectionKind.NOT_OWNER
    record(enrolled, licence_defined(cast.operator, "LicenseRef-Shared", "v2"))


@pytest.mark.parametrize("licence_id", sorted(BUILT_IN_LICENCE_REFS))
def test_built_in_licence_ids_are_defined_by_operators_only(
    cast: Cast, enrolled: LedgerState, licence_id: str
) -> None:
    assert refusal(enrolled, licence_defined(cast.acme, licence_id)) is RejectionKind.MISSING_ROLE
    record(enrolled, licence_defined(cast.operator, licence_id))
    assert refusal(enrolled, licence_defined(cast.acme, licence_id, "again")) is (
        RejectionKind.MISSING_ROLE
    )
    record(enrolled, licence_defined(cast.operator, licence_id, "again"))


@pytest.mark.parametrize(
    "spelling",
    [
        "LicenseRef-scancode-llama-2-license-2023",  # a ScanCode alias of a built-in id
        "LicenseRef-llama-2-community",  # a case variant of a built-in id
        "LicenseRef-LLAMA-2-COMMUNITY",
        "LicenseRef-SCANCODE-GEMMA-TOU-2024-04-01",
        "LicenseRef-scancode-openmdw-1.0",  # an alias of an SPDX id
    ],
)
def test_no_publisher_can_define_a_built_in_licence_through_another_spelling(
    cast: Cast, enrolled: LedgerState, spelling: str
) -> None:
    with pytest.raises(Rejection) as raised:
        admit(enrolled, parse_envelope(licence_defined(cast.acme, spelling)))
    assert raised.value.kind is RejectionKind.MISSING_ROLE
    assert "built-in licence" in raised.value.detail
    record(enrolled, licence_defined(cast.operator, spelling))


def test_a_licence_defined_by_one_organisation_is_theirs_in_every_case(
    cast: Cast, enrolled: LedgerState
) -> None:
    record(enrolled, licence_defined(cast.acme, "LicenseRef-Acme-1"))
    hijack = licence_defined(cast.globex, "LicenseRef-ACME-1", "Hijacked")
    assert refusal(enrolled, hijack) is RejectionKind.NOT_OWNER
    record(enrolled, licence_defined(cast.acme_second, "LicenseRef-acme-1", "Revised"))
    assert enrolled.subjects["LicenseRef-acme-1"].owner == "acme"
    assert enrolled.licences["licenseref-acme-1"] == ("LicenseRef-Acme-1", "LicenseRef-acme-1")


def test_a_grant_is_withdrawn_in_any_case(cast: Cast, enrolled: LedgerState) -> None:
    record(enrolled, artefact(cast.acme, "acme/x/weights", "parameters", "model-parameters"))
    record(enrolled, grant(cast.acme, "acme/x/weights", "Apache-2.0"))
    withdrawal = {"licence": "apache-2.0", "reason": "relicensed"}
    record(enrolled, envelope(cast.acme, "LicenceWithdrawn", "acme/x/weights", withdrawal))
    assert enrolled.subjects["acme/x/weights"].licences == ()


@pytest.mark.parametrize(
    "subject",
    ["MIT", "acme/licence", "licenseref-x", "LicenseRef-a_b", "DocumentRef-d:LicenseRef-x"],
)
def test_licence_definitions_are_for_licenseref_ids_only(
    cast: Cast, enrolled: LedgerState, subject: str
) -> None:
    bad = licence_defined(cast.operator, subject)
    assert refusal(enrolled, bad) is RejectionKind.INVALID_STATEMENT


def test_defining_a_licence_over_an_artefact_id_is_subject_exists(
    cast: Cast, enrolled: LedgerState
) -> None:
    record(enrolled, artefact(cast.acme, "LicenseRef-Thing", "documentation", "model-card"))
    bad = licence_defined(cast.acme, "LicenseRef-Thing")
    assert refusal(enrolled, bad) is RejectionKind.SUBJECT_EXISTS


def test_defining_a_built_in_licence_over_an_artefact_id_is_subject_exists(
    cast: Cast, enrolled: LedgerState
) -> None:
    record(enrolled, artefact(cast.acme, "LicenseRef-Proprietary", "documentation", "model-card"))
    bad = licence_defined(cast.operator, "LicenseRef-Proprietary")
    assert refusal(enrolled, bad) is RejectionKind.SUBJECT_EXISTS


# --- owner-only follow-ups on the right artefact kind ----------------------------------

OWNED: dict[str, Callable[[Ed25519PrivateKey, str], Document]] = {
    "DataSourceAdded": lambda key, subject: envelope(
        key, "DataSourceAdded", subject, {"source": "cc", "name": "CC", "rights": "unknown"}
    ),
    "DatasetDerived": lambda key, subject: derived(key, subject, "globex/y/data"),
    "HardwareStackDescribed": lambda key, subject: envelope(
        key,
        "HardwareStackDescribed",
        subject,
        {"layers": [{"layer": "driver", "name": "d", "vendor": "v", "licence": "MIT"}]},
    ),
    "ComponentAttached": lambda key, subject: envelope(
        key, "ComponentAttached", subject, {"component": "model-card", "artefact": "acme/x/card"}
    ),
}
# For each: its right subject and subjects of the wrong kind.
OWNED_SUBJECTS: dict[str, tuple[str, list[str]]] = {
    "DataSourceAdded": ("acme/x/data", ["acme/x/code", "acme/x/gpu", "acme/x@1", "acme/x/run-1"]),
    "DatasetDerived": ("acme/x/data", ["acme/x/weights", "acme/x/card", "acme/x@1"]),
    "HardwareStackDescribed": ("acme/x/gpu", ["acme/x/data", "acme/x/code", "acme/x@1"]),
    "ComponentAttached": ("acme/x@1", ["acme/x/weights", "acme/x/run-1"]),
}


@pytest.mark.parametrize("type_", OWNED)
@pytest.mark.parametrize("signer", ["acme", "acme_second"])
def test_owner_organisation_records_follow_ups(
    cast: Cast, world: LedgerState, type_: str, signer: str
) -> None:
    subject, _ = OWNED_SUBJECTS[type_]
    record(world, OWNED[type_](key_of(cast, signer), subject))


@pytest.mark.parametrize("type_", OWNED)
@pytest.mark.parametrize("signer", ["operator", "globex", "auditor"])
def test_others_and_operators_may_not_record_follow_ups(
    cast: Cast, world: LedgerState, type_: str, signer: str
) -> None:
    subject, _ = OWNED_SUBJECTS[type_]
    bad = OWNED[type_](key_of(cast, signer), subject)
    assert refusal(world, bad) is RejectionKind.NOT_OWNER


@pytest.mark.parametrize(
    ("type_", "subject"), [(t, s) for t, (_, wrong) in OWNED_SUBJECTS.items() for s in wrong]
)
def test_follow_ups_on_the_wrong_kind_of_subject(
    cast: Cast, world: LedgerState, type_: str, subject: str
) -> None:
    assert refusal(world, OWNED[type_](cast.acme, subject)) is RejectionKind.WRONG_SUBJECT_KIND


@pytest.mark.parametrize("type_", OWNED)
def test_follow_ups_on_a_missing_subject_are_dangling(
    cast: Cast, world: LedgerState, type_: str
) -> None:
    bad = OWNED[type_](cast.acme, "acme/missing")
    assert refusal(world, bad) is RejectionKind.DANGLING_REFERENCE


@pytest.mark.parametrize(
    ("artefact_id", "kind"),
    [
        ("acme/missing", RejectionKind.DANGLING_REFERENCE),
        ("acme/x/run-1", RejectionKind.WRONG_SUBJECT_KIND),
        ("acme/x@1", RejectionKind.WRONG_SUBJECT_KIND),
    ],
)
def test_attached_component_must_be_an_existing_artefact(
    cast: Cast, world: LedgerState, artefact_id: str, kind: RejectionKind
) -> None:
    data = {"component": "model-card", "artefact": artefact_id}
    assert refusal(world, envelope(cast.acme, "ComponentAttached", "acme/x@1", data)) is kind


def test_another_organisations_artefact_may_be_attached(cast: Cast, world: LedgerState) -> None:
    data = {"component": "datasets", "artefact": "globex/y/data"}
    record(world, envelope(cast.acme, "ComponentAttached", "acme/x@1", data))


# --- DatasetDerived: sources, processing code, no cycles -------------------------------


def test_derivation_is_recorded(cast: Cast, world: LedgerState) -> None:
    record(world, derived(cast.acme, "acme/x/data", "acme/x/raw", processing_code="acme/x/code"))
    record(world, derived(cast.acme, "acme/x/data", "globex/y/data"))
    assert world.subjects["acme/x/data"].derived_from == ("acme/x/raw", "globex/y/data")


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("acme/x/code", RejectionKind.WRONG_SUBJECT_KIND),
        ("acme/x@1", RejectionKind.WRONG_SUBJECT_KIND),
        ("acme/missing", RejectionKind.DANGLING_REFERENCE),
    ],
)
def test_derivation_sources_must_be_datasets(
    cast: Cast, world: LedgerState, source: str, kind: RejectionKind
) -> None:
    assert refusal(world, derived(cast.acme, "acme/x/data", "acme/x/raw", source)) is kind


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("acme/x/data", RejectionKind.WRONG_SUBJECT_KIND),
        ("acme/x/weights", RejectionKind.WRONG_SUBJECT_KIND),
        ("acme/missing", RejectionKind.DANGLING_REFERENCE),
    ],
)
def test_processing_code_must_be_a_code_artefact(
    cast: Cast, world: LedgerState, code: str, kind: RejectionKind
) -> None:
    bad = derived(cast.acme, "acme/x/data", "acme/x/raw", processing_code=code)
    assert refusal(world, bad) is kind


def test_a_dataset_may_not_derive_from_itself(cast: Cast, world: LedgerState) -> None:
    bad = derived(cast.acme, "acme/x/data", "acme/x/data")
    assert refusal(world, bad) is RejectionKind.INVALID_STATEMENT


def test_a_two_step_lineage_cycle_is_refused(cast: Cast, world: LedgerState) -> None:
    record(world, derived(cast.acme, "acme/x/data", "acme/x/raw"))
    bad = derived(cast.acme, "acme/x/raw", "acme/x/data")
    assert refusal(world, bad) is RejectionKind.INVALID_STATEMENT
    assert world.subjects["acme/x/raw"].derived_from == ()


def test_a_three_step_lineage_cycle_is_refused(cast: Cast, world: LedgerState) -> None:
    record(world, artefact(cast.acme, "acme/c", "dataset", "datasets"))
    record(world, derived(cast.acme, "acme/x/data", "acme/x/raw"))
    record(world, derived(cast.acme, "acme/x/raw", "acme/c"))
    bad = derived(cast.acme, "acme/c", "acme/x/data")
    assert refusal(world, bad) is RejectionKind.INVALID_STATEMENT


def test_a_diamond_lineage_is_not_a_cycle(cast: Cast, world: LedgerState) -> None:
    record(world, artefact(cast.acme, "acme/c", "dataset", "datasets"))
    record(world, derived(cast.acme, "acme/x/raw", "acme/c"))
    record(world, derived(cast.acme, "acme/x/data", "acme/x/raw", "acme/c"))
    assert world.subjects["acme/x/data"].derived_from == ("acme/x/raw", "acme/c")


# --- references of runs and model versions ---------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("code", ["acme/x/data"], RejectionKind.WRONG_SUBJECT_KIND),
        ("code", ["acme/missing"], RejectionKind.DANGLING_REFERENCE),
        ("datasets", ["acme/x/code"], RejectionKind.WRONG_SUBJECT_KIND),
        ("datasets", ["acme/x/data", "acme/missing"], RejectionKind.DANGLING_REFERENCE),
        ("hardware", ["acme/x/code"], RejectionKind.WRONG_SUBJECT_KIND),
        ("hardware", ["acme/missing"], RejectionKind.DANGLING_REFERENCE),
        ("produced", ["acme/x/code"], RejectionKind.WRONG_SUBJECT_KIND),
        ("produced", ["acme/x@1"], RejectionKind.WRONG_SUBJECT_KIND),
        ("produced", ["acme/missing"], RejectionKind.DANGLING_REFERENCE),
        ("base_parameters", "acme/x/code", RejectionKind.WRONG_SUBJECT_KIND),
        ("base_parameters", "acme/missing", RejectionKind.DANGLING_REFERENCE),
    ],
)
def test_training_run_references_must_exist_with_the_right_kind(
    cast: Cast, world: LedgerState, field: str, value: Any, kind: RejectionKind
) -> None:
    assert refusal(world, run(cast.acme, "acme/x/run-2", **{field: value})) is kind


def test_training_run_may_use_other_organisations_artefacts(cast: Cast, world: LedgerState) -> None:
    record(
        world,
        run(
            cast.globex,
            "globex/run",
            code=["acme/x/code"],
            datasets=["acme/x/data", "globex/y/data"],
            hardware=["acme/x/gpu"],
            produced=[],
            base_parameters="acme/x/weights",
        ),
    )
    assert world.subjects["globex/run"].owner == "globex"


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("components", {"model-card": ["acme/missing"]}, RejectionKind.DANGLING_REFERENCE),
        ("components", {"model-card": ["acme/x/run-1"]}, RejectionKind.WRONG_SUBJECT_KIND),
        ("components", {"model-card": ["acme/x@1"]}, RejectionKind.WRONG_SUBJECT_KIND),
        ("training_runs", ["acme/x/weights"], RejectionKind.WRONG_SUBJECT_KIND),
        ("training_runs", ["acme/missing-run"], RejectionKind.DANGLING_REFERENCE),
        ("base_model", "acme/x/weights", RejectionKind.WRONG_SUBJECT_KIND),
        ("base_model", "acme/missing@1", RejectionKind.DANGLING_REFERENCE),
    ],
)
def test_model_version_references_must_exist_with_the_right_kind(
    cast: Cast, world: LedgerState, field: str, value: Any, kind: RejectionKind
) -> None:
    assert refusal(world, model(cast.acme, "acme/x@2", **{field: value})) is kind


def test_model_version_with_every_reference(cast: Cast, world: LedgerState) -> None:
    components = {
        "model-parameters": ["acme/x/weights"],
        "training-code": ["acme/x/code"],
        "inference-code": ["acme/x/code"],
        "datasets": ["globex/y/data"],
        "data-card": ["acme/x/card"],
    }
    document = model(
        cast.acme,
        "acme/x@2",
        components=components,
        training_runs=["acme/x/run-1"],
        base_model="acme/x@1",
    )
    record(world, document)
    assert world.subjects["acme/x@2"].kind is SubjectKind.MODEL_VERSION


def test_a_reference_recorded_earlier_in_the_same_sequence_counts(cast: Cast) -> None:
    state = ledger(
        [cast.operator],
        [
            *cast.enrolments(),
            artefact(cast.acme, "acme/w", "parameters", "model-parameters"),
            model(cast.acme, "acme/m@1", components={"model-parameters": ["acme/w"]}),
        ],
    )
    assert state.subjects["acme/m@1"].owner == "acme"


# --- ClaimAsserted / ClaimRetracted ----------------------------------------------------


@pytest.mark.parametrize(
    "subject", ["acme/x/weights", "acme/x@1", "acme/x/run-1", "signer:acme", "signer:operator"]
)
def test_auditor_asserts_claims_on_any_existing_subject(
    cast: Cast, world: LedgerState, subject: str
) -> None:
    if subject.startswith("signer:"):
        subject = keyid(key_of(cast, subject.removeprefix("signer:")))
    event_id = record(world, claim(cast.auditor, subject))
    recorded = world.claims[event_id]
    assert (recorded.subject, recorded.signer, recorded.retracted) == (
        subject,
        keyid(cast.auditor),
        False,
    )


def test_claim_on_a_defined_licence(cast: Cast, world: LedgerState) -> None:
    record(world, licence_defined(cast.acme, "LicenseRef-Acme-1"))
    record(world, claim(cast.auditor, "LicenseRef-Acme-1"))


@pytest.mark.parametrize("signer", ["acme", "operator"])
def test_only_auditors_assert_claims(cast: Cast, world: LedgerState, signer: str) -> None:
    bad = claim(key_of(cast, signer), "acme/x/weights")
    assert refusal(world, bad) is RejectionKind.MISSING_ROLE


def test_claim_on_a_missing_subject_is_dangling(cast: Cast, world: LedgerState) -> None:
    assert refusal(world, claim(cast.auditor, "acme/missing")) is RejectionKind.DANGLING_REFERENCE


def test_claims_signer_retracts_it(cast: Cast, world: LedgerState) -> None:
    event_id = record(world, claim(cast.auditor, "acme/x/weights"))
    record(world, retraction(cast.auditor, "acme/x/weights", event_id))
    assert world.claims[event_id].retracted


@pytest.mark.parametrize("signer", ["other_auditor", "acme", "operator"])
def test_nobody_else_retracts_a_claim(cast: Cast, world: LedgerState, signer: str) -> None:
    other = Ed25519PrivateKey.generate()
    record(world, enrolment(cast.operator, other, "watchdog", ["auditor"]))
    event_id = record(world, claim(cast.auditor, "acme/x/weights"))
    key = other if signer == "other_auditor" else key_of(cast, signer)
    bad = retraction(key, "acme/x/weights", event_id)
    assert refusal(world, bad) is RejectionKind.NOT_OWNER
    assert not world.claims[event_id].retracted


def test_a_claim_is_retracted_only_on_its_subject(cast: Cast, world: LedgerState) -> None:
    event_id = record(world, claim(cast.auditor, "acme/x/weights"))
    bad = retraction(cast.auditor, "acme/x/code", event_id)
    assert refusal(world, bad) is RejectionKind.DANGLING_REFERENCE


def test_retracting_an_event_that_is_not_a_claim_is_dangling(
    cast: Cast, world: LedgerState
) -> None:
    event_id = record(world, grant(cast.acme, "acme/x/code"))
    bad = retraction(cast.auditor, "acme/x/code", event_id)
    assert refusal(world, bad) is RejectionKind.DANGLING_REFERENCE
    unknown = retraction(cast.auditor, "acme/x/code", "0" * 64)
    assert refusal(world, unknown) is RejectionKind.DANGLING_REFERENCE


def test_a_claim_is_not_retracted_twice(cast: Cast, world: LedgerState) -> None:
    event_id = record(world, claim(cast.auditor, "acme/x/weights"))
    record(world, retraction(cast.auditor, "acme/x/weights", event_id))
    again = envelope(
        cast.auditor,
        "ClaimRetracted",
        "acme/x/weights",
        {"claim_event": event_id, "reason": "still resolved"},
    )
    assert refusal(world, again) is RejectionKind.CONFLICT


def test_retracting_one_claim_leaves_the_other(cast: Cast, world: LedgerState) -> None:
    first = record(world, claim(cast.auditor, "acme/x/weights"))
    second = record(world, claim(cast.auditor, "acme/x/weights", nonce="2"))
    record(world, retraction(cast.auditor, "acme/x/weights", first))
    assert world.claims[first].retracted
    assert not world.claims[second].retracted


# --- signatures and co-signers ---------------------------------------------------------


def test_enrolled_co_signers_are_accepted(cast: Cast, world: LedgerState) -> None:
    signers = [cast.acme, cast.globex, cast.auditor]
    record(world, envelope(signers, "LicenceGranted", "acme/x/code", {"licence": "MIT"}))
    assert world.subjects["acme/x/code"].licences == ("MIT",)


def test_the_first_signature_is_the_author(cast: Cast, world: LedgerState) -> None:
    bad = envelope([cast.globex, cast.acme], "LicenceGranted", "acme/x/code", {"licence": "MIT"})
    assert refusal(world, bad) is RejectionKind.NOT_OWNER


def test_an_unenrolled_co_signer_is_refused(cast: Cast, world: LedgerState) -> None:
    bad = envelope([cast.acme, cast.stranger], "LicenceGranted", "acme/x/code", {"licence": "MIT"})
    assert refusal(world, bad) is RejectionKind.UNKNOWN_KEY


@pytest.mark.parametrize("index", [0, 1])
def test_every_signature_must_verify(cast: Cast, world: LedgerState, index: int) -> None:
    document = envelope(
        [cast.acme, cast.globex], "LicenceGranted", "acme/x/code", {"licence": "MIT"}
    )
    other = envelope([cast.acme, cast.globex], "LicenceGranted", "acme/x/code", {"licence": "0BSD"})
    document["signatures"][index]["sig"] = other["signatures"][index]["sig"]
    assert refusal(world, document) is RejectionKind.BAD_SIGNATURE


def test_only_the_statement_payload_type_is_admitted(cast: Cast, world: LedgerState) -> None:
    document = grant(cast.acme, "acme/x/code")
    document["payloadType"] = "application/vnd.in-toto+json"
    assert refusal(world, document) is RejectionKind.UNSUPPORTED_PAYLOAD_TYPE


# --- drafts ----------------------------------------------------------------------------


def test_a_draft_leaves_its_base_untouched(cast: Cast, world: LedgerState) -> None:
    draft = world.draft()
    record(draft, artefact(cast.acme, "acme/draft", "code", "training-code"))
    record(draft, revocation(cast.operator, cast.globex))
    event_id = record(draft, claim(cast.auditor, "acme/x/weights"))
    assert "acme/draft" in draft.subjects
    assert "acme/draft" not in world.subjects
    assert not world.signers[keyid(cast.globex)].revoked
    assert event_id not in world.claims


def test_a_layer_reads_and_writes_as_a_chainmap_over_its_base() -> None:
    base: dict[str, int | None] = {"a": 1, "b": 2, "n": None}
    layer: Layer[int | None] = Layer(dict(base))
    reference: ChainMap[str, int | None] = ChainMap({}, dict(base))
    for mapping in (layer, reference):
        mapping["b"] = 20
        mapping["c"] = 3
        mapping["n2"] = None
        del mapping["c"]
        mapping["c"] = 30
    for key in ("a", "b", "c", "n", "n2", "missing"):
        assert layer.get(key) == reference.get(key)
        assert layer.get(key, -1) == reference.get(key, -1)
        assert (key in layer) == (key in reference)
        if key in reference:
            assert layer[key] == reference[key]
    with pytest.raises(KeyError):
        layer["missing"]
    with pytest.raises(KeyError):
        del layer["a"]  # only what the layer changed can be deleted, as ChainMap's first map
    assert sorted(layer) == sorted(reference)
    assert len(layer) == len(reference)
    assert layer.changes == reference.maps[0]
    assert layer.base == base


def test_absorb_takes_only_a_draft_of_the_very_state(world: LedgerState) -> None:
    other = world.draft()
    with pytest.raises(ValueError, match="draft of this very state"):
        world.draft().absorb(other)


# --- size: an entry of the tlog-tiles entry bundles ------------------------------------------


def test_an_envelope_over_65535_bytes_is_refused_first(cast: Cast, enrolled: LedgerState) -> None:
    def sized(key: Ed25519PrivateKey, padding: int) -> Document:
        return artefact(key, "acme/x/big", "dataset", "datasets", description="x" * padding)

    small = sized(cast.stranger, 100)
    large = sized(cast.stranger, 50_000)  # base64 makes it ~66,700 bytes
    assert len(envelope_bytes(small)) < MAX_ENTRY_SIZE < len(envelope_bytes(large))
    # Before the signature check: the stranger's key is unknown, yet the size is named first.
    assert refusal(enrolled, small) is RejectionKind.UNKNOWN_KEY
    with pytest.raises(Rejection, match="at most 65535") as raised:
        admit(enrolled, parse_envelope(large))
    assert raised.value.kind is RejectionKind.ENVELOPE_TOO_LARGE


def _across_processes(precheck: Precheck) -> Precheck:
    """As a worker sends it and the caller reads it (pickled, as a process pool does)."""
    return Precheck.unpacked(pickle.loads(pickle.dumps(precheck.packed())))  # noqa: S301


def test_a_precheck_packed_for_another_process_unpacks_to_what_it_was() -> None:
    statement = Statement(
        "ArtefactRegistered",
        "acme/x",
        {"kind": "code"},
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
        "n-1",
    )
    refusal = Rejection(RejectionKind.INVALID_STATEMENT, "data.kind", {"suggestions": ["code"]})
    assert _across_processes(Precheck(120, statement)) == Precheck(120, statement)
    refused = _across_processes(Precheck(90, None, refusal))
    assert (refused.entry_size, refused.statement) == (90, None)
    assert refused.refusal is not None
    found = (refused.refusal.kind, refused.refusal.detail, refused.refusal.extensions)
    assert found == (refusal.kind, refusal.detail, refusal.extensions)
