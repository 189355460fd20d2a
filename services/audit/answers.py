"""Recomputing every model's answers from the replayed world, in several processes when the
world is large.

The world is not sent anywhere: worker processes are forked once the replay is over, so each
starts with the replayed world as it is in memory, computes its share of (model, policy)
answers and sends back only their bytes. Where ``fork`` is not available, or with fewer than
two workers, the answers are computed here, as they are if a worker dies. The answers come
back in the order asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context

from domain.assessment.report import answers
from domain.assessment.world import World
from services.worker_processes import started_worker

_world = World()  # a forked worker's copy of the replayed world


def recomputed(world: World, asked: Sequence[tuple[str, str]], workers: int) -> Iterator[bytes]:
    """The answer of each (model, policy) in ``asked``, in that order. A model's policies are
    answered together, sharing what they have in common (``answers``)."""
    by_model: dict[str, list[str]] = {}
    for model, policy in asked:
        by_model.setdefault(model, []).append(policy)
    jobs = list(by_model.items())
    found: dict[str, list[bytes]] | None = None
    if workers >= 2 and len(jobs) >= 2 and "fork" in get_all_start_methods():
        pool = ProcessPoolExecutor(
            min(workers, len(jobs)), get_context("fork"), initializer=_adopt, initargs=(world,)
        )
        try:
            with pool:
                found = dict(zip(by_model, pool.map(_answers, jobs), strict=True))
        except BrokenProcessPool:  # a worker died (killed, out of memory): answered here
            found = None
    if found is None:
        found = {model: answers(world, model, policies) for model, policies in jobs}
    taken = {model: iter(found[model]) for model in by_model}
    yield from (next(taken[model]) for model, _ in asked)


def _adopt(world: World) -> None:
    global _world
    _world = world
    started_worker()  # ends with the auditor, however it ends


def _answers(job: tuple[str, list[str]]) -> list[bytes]:
    return answers(_world, *job)
