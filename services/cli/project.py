"""``provenance project``: run the assessment projection as a worker of its own (§9)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from infra.persistence import DatabaseUrlError, persistence_env, redact
from infra.settings import Settings, SettingsError
from services.cli.errors import EXIT_OK, CliError
from services.collector import tune_for_long_running
from services.projection.worker import run_projection_worker


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    project = commands.add_parser(
        "project",
        help="keep the stored assessments up to date in a process of its own (PostgreSQL), "
        "for servers started with --projection external",
    )
    project.add_argument("--database-url", help="a postgresql:// URL (LEDGER_DATABASE_URL)")
    project.add_argument(
        "--nice",
        type=int,
        metavar="N",
        help="lower this worker's scheduling priority by N, 0 to 19 (LEDGER_PROJECTION_NICE, "
        "default 0): on a machine it shares with busy servers, it then takes the CPU time "
        "they leave, and its answers may trail the log further while they are busy",
    )
    project.add_argument(
        "--heartbeat",
        type=Path,
        help="a file touched every few seconds while the worker follows the log (liveness)",
    )
    project.set_defaults(run=run_project)


def run_project(args: argparse.Namespace) -> int:
    tune_for_long_running()
    try:
        settings = Settings.resolve(
            os.environ,
            database_url=args.database_url,
            projection="external",
            projection_nice=args.nice,
        )
        persistence = persistence_env(settings.database_url)
    except (SettingsError, DatabaseUrlError) as error:
        raise CliError(str(error)) from error
    # Before any thread starts: Linux keeps a priority per thread, and new threads inherit it.
    niceness = os.nice(settings.projection_nice)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"projecting {redact(settings.database_url)} (nice {niceness})", file=sys.stderr, flush=True
    )
    try:
        run_projection_worker(
            persistence,
            stopping,
            lambda line: print(line, file=sys.stderr, flush=True),
            args.heartbeat,
        )
    except Exception as error:
        raise CliError(f"the projection worker stopped: {error}") from error
    return EXIT_OK
