"""Worker processes that end with the process that started them.

``concurrent.futures`` workers wait on their work queue for as long as it may be written to,
and with the ``forkserver`` start method each holds the fork server's liveness pipe open: when
the serving process is killed outright (SIGKILL, the out-of-memory killer), nothing closes the
pool and its workers and the fork server stay behind for good. Each worker started through
:func:`started_worker` watches its parent instead and exits when it goes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading

from services.collector import tune_for_long_running


def started_worker(collect: bool = True, cpus: frozenset[int] | None = None) -> None:
    """A pool's ``initializer``: exit as soon as the parent process does; the cyclic garbage
    collector tuned for a long-running process, or, with ``collect`` False, kept off
    (``services.collector``); ``cpus``, if given, are the CPUs to run on (a server
    kept on one CPU hands its workers every CPU back: ``infra.cpu_affinity``)."""
    if collect:
        tune_for_long_running()
    else:
        gc.disable()
    if cpus is not None:
        os.sched_setaffinity(0, cpus)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()  # returns when the parent's end of the sentinel pipe closes
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
