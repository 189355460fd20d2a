"""An audit's answers recomputed in forked workers are the answers recomputed in one process,
and a worker that dies (killed, out of memory) costs only time (services/audit/answers.py)."""

from __future__ import annotations

import os
from multiprocessing import get_all_start_methods

import pytest

from domain.assessment.policies import POLICIES
from services.audit import answers
from tests.assessment_builders import LedgerBuilder, open_model

pytestmark = pytest.mark.skipif(
    "fork" not in get_all_start_methods(), reason="answer workers are forked"
)


def _asked() -> tuple[LedgerBuilder, list[tuple[str, str]]]:
    builder = open_model(prefix="a")
    open_model(builder, prefix="b", weights="LicenseRef-proprietary")
    open_model(builder, prefix="c", datasets={"c/data": "restricted"})
    models = sorted(builder.world().models)
    return builder, [(model, policy) for model in models for policy in POLICIES]


def _die(job: object) -> list[bytes]:
    """A forked worker's end, as the kernel's out-of-memory killer would bring it."""
    os._exit(9)


def test_forked_workers_answer_as_one_process_does() -> None:
    builder, asked = _asked()
    world = builder.world()
    assert len(asked) == 9
    assert list(answers.recomputed(world, asked, 2)) == list(answers.recomputed(world, asked, 0))


def test_a_worker_that_dies_leaves_the_answers_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builder, asked = _asked()
    world = builder.world()
    expected = list(answers.recomputed(world, asked, 0))
    monkeypatch.setattr(answers, "_answers", _die)
    assert list(answers.recomputed(world, asked, 2)) == expected
