"""Checking pages of the log ahead of the replay: in worker processes, or in this one.

Pages are read on a thread ahead of the replay and handed to a pool of spawned worker
processes (:func:`services.audit.page_checks.check_packed`), a few pages in flight per
worker, while the calling process replays the rules in log order over the pages already
checked. Results come back in log order whatever order the workers finish in. A log of one
page, or ``workers=0``, is checked in this process: starting interpreters would cost more.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from multiprocessing import get_context
from queue import Queue

from services.audit.page_checks import (
    CheckedEntry,
    KeyRing,
    Packed,
    check_packed,
    check_page,
    unpack,
)
from services.audit.pages import Page
from services.worker_processes import started_worker

_AHEAD = 2  # pages in flight per worker


def default_workers() -> int:
    """One worker per core when there are at least two, else none."""
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def checked_pages(
    pages: Iterable[Page], keys: Mapping[str, bytes], workers: int | None = None
) -> Iterator[list[CheckedEntry]]:
    """Each page's entries, checked, in log order. ``keys`` are the raw public keys by keyid
    known from the start (the pinned operators'); the keys enrolled in each page checked are
    handed on to the pages after it. ``workers`` None picks :func:`default_workers` for a log
    of more than one page, and none for one page."""
    ahead = prefetched(iter(pages))
    first, second = next(ahead, None), next(ahead, None)
    if first is None:
        return
    if workers is None:
        workers = default_workers() if second is not None else 0
    queued = chain([first], [] if second is None else [second], ahead)
    known = dict(keys)
    if workers == 0:
        yield from (_checked_here(page, known) for page in queued)
        return
    yield from _in_pool(queued, known, workers)


def _in_pool(
    pages: Iterator[Page], known: dict[str, bytes], workers: int
) -> Iterator[list[CheckedEntry]]:
    """The first page checked here, alone (it usually enrols the signers of the rest), while
    the workers start; then a few pages in flight per worker, each handed the keys enrolled in
    the pages checked before it. A worker that dies (killed, out of memory) costs only time:
    the pages it held, and every page after, are checked in this process."""
    # The workers run without the cyclic collector (a page's objects form no cycles and are
    # freed by reference counting once it is answered: services/collector.py), and end with
    # this process however it ends.
    pool = ProcessPoolExecutor(
        workers, get_context("spawn"), initializer=started_worker, initargs=(False,)
    )
    in_flight: deque[tuple[Page, Future[tuple[list[Packed], dict[str, bytes]]] | None]] = deque()

    def done() -> list[CheckedEntry]:
        page, future = in_flight.popleft()
        try:
            if future is not None:
                packed, learned = future.result()
                known.update(learned)
                return unpack(packed)
        except BrokenProcessPool:
            pass
        return _checked_here(page, known)

    def submitted(page: Page) -> Future[tuple[list[Packed], dict[str, bytes]]] | None:
        try:
            return pool.submit(check_packed, page, dict(known))
        except BrokenProcessPool:
            return None

    try:
        # A spawned pool starts a worker only when a submission finds none idle, and one takes
        # a few tenths of a second to start: one submission each starts them all now, and
        # the first page is checked meanwhile. Checked in a worker (which the other pages
        # then waited for), it left a core idle for the first ~0.4 s of an audit.
        for _ in range(workers):
            pool.submit(_started)
        first = next(pages, None)
        head = None if first is None else _checked_here(first, known)
        for page in pages:
            in_flight.append((page, submitted(page)))
            if head is not None and len(in_flight) >= _AHEAD * workers:
                yield head  # once every worker has pages to check
                head = None
            elif len(in_flight) > _AHEAD * workers:
                yield done()
        if head is not None:
            yield head
        while in_flight:
            yield done()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _started() -> None:
    """Nothing: submitted once per worker, so that the pool starts them all."""


def _checked_here(page: Page, known: dict[str, bytes]) -> list[CheckedEntry]:
    """``page`` checked in this process; the keys enrolled in it are added to ``known``."""
    ring = KeyRing(known)
    checked = check_page(page, ring)
    known.update(ring.learned)
    return checked


def prefetched(pages: Iterator[Page], depth: int = 4) -> Iterator[Page]:
    """Read the next pages on a thread while the caller works on this one."""
    queue: Queue[Page | BaseException | None] = Queue(maxsize=depth)

    def read() -> None:
        try:
            for page in pages:
                queue.put(page)
        except BaseException as error:  # handed to the consumer
            queue.put(error)
        queue.put(None)

    threading.Thread(target=read, name="audit-reader", daemon=True).start()
    while (item := queue.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item
