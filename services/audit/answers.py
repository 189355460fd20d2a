"""Recomputing every model's answers from the replayed world, in several processes when the
world is large.

The world is not sent anywhere: worker processes are forked once the replay is over, so each
starts with the replayed world as it is in memory, computes its share of (model, policy)
answers and sends back only their bytes. Where ``fork`` is not available, or with fewer than
two workers, the answers are computed here. The answers come back in the order asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context

from domain.assessment.report import answer
from domain.assessment.world import World

_world = World()  # a forked worker's copy of the replayed world


def recomputed(world: World, asked: Sequence[tuple[str, str]], workers: int) -> Iterator[bytes]:
    """The answer of each (model, policy) in ``asked``, in that order."""
    if workers < 2 or len(asked) < 2 or "fork" not in get_all_start_methods():
        yield from (answer(world, model, policy)[0] for model, policy in asked)
        return
    pool = ProcessPoolExecutor(
        min(workers, len(asked)), get_context("fork"), initializer=_adopt, initargs=(world,)
    )
    with pool:
        yield from pool.map(_answer, asked)


def _adopt(world: World) -> None:
    global _world
    _world = world


def _answer(asked: tuple[str, str]) -> bytes:
    return answer(_world, *asked)[0]
