"""An artefact's facts start with shared empty containers and get their own on first write
(``domain.assessment.world_facts.ArtefactFacts``): no fold may write into the shared ones, and
no artefact may see another's entries."""

from __future__ import annotations

import pickle

from domain.assessment.world_facts import NO_ENTRIES, ArtefactFacts, appended, own
from tests.assessment_builders import LedgerBuilder


def _artefacts(builder: LedgerBuilder) -> dict[str, ArtefactFacts]:
    return builder.world().artefacts


def test_a_registered_artefact_holds_the_shared_empty_containers() -> None:
    artefacts = _artefacts(LedgerBuilder().artefact("acme/a").artefact("acme/b"))
    first, second = artefacts["acme/a"], artefacts["acme/b"]
    assert first.sources is second.sources is NO_ENTRIES
    assert first.derived_from is NO_ENTRIES
    assert second.processing_code is NO_ENTRIES
    assert first.grants == ()
    assert first.layers == ()
    assert (len(NO_ENTRIES), list(NO_ENTRIES), NO_ENTRIES.get("x")) == (0, [], None)


def test_each_fold_that_writes_gives_the_artefact_containers_of_its_own() -> None:
    builder = (
        LedgerBuilder()
        .artefact("acme/code")
        .artefact("acme/data", kind="dataset", licence="CC-BY-4.0")
        .artefact("acme/parent", kind="dataset")
        .artefact("acme/untouched", kind="dataset")
        .grant("acme/data", "MIT")
        .source("acme/data", "s1", "licensed", licence="CC0-1.0")
        .source("acme/data", "s2", "public-domain")
        .derive("acme/data", ["acme/parent"], processing_code="acme/code")
    )
    artefacts = _artefacts(builder)
    data, untouched = artefacts["acme/data"], artefacts["acme/untouched"]
    assert [grant.licence for grant in data.grants] == ["CC-BY-4.0", "MIT"]
    assert list(data.sources) == ["s1", "s2"]
    assert dict(data.derived_from) == {"acme/parent": builder.find("DatasetDerived", "acme/data")}
    assert list(data.processing_code) == ["acme/code"]
    assert type(data.sources) is dict
    assert type(data.derived_from) is dict
    assert type(data.processing_code) is dict
    assert untouched.sources is NO_ENTRIES
    assert untouched.derived_from is NO_ENTRIES
    assert untouched.grants == ()
    assert len(NO_ENTRIES) == 0


def test_appended_and_own_copy_only_the_shared_defaults() -> None:
    mine: list[int] = [1]
    assert appended(mine, 2) is mine
    assert mine == [1, 2]
    assert appended((), 3) == [3]
    entries = {"a": 1}
    assert own(entries) is entries
    fresh: dict[str, int] = own(NO_ENTRIES)
    fresh["b"] = 2
    assert len(NO_ENTRIES) == 0


def test_the_shared_empty_mapping_survives_pickling_as_itself() -> None:
    """A world sent to another process keeps one shared empty mapping, not a copy per artefact."""
    artefacts = _artefacts(LedgerBuilder().artefact("acme/a").artefact("acme/b"))
    copied = pickle.loads(pickle.dumps(artefacts))  # noqa: S301 - bytes pickled just above
    assert copied["acme/a"].sources is NO_ENTRIES
    assert copied["acme/b"].derived_from is NO_ENTRIES
    assert NO_ENTRIES == {}
