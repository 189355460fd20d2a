"""``provenance rebuild-projections``: rebuild the latest-assessment view from the events."""

from __future__ import annotations

import argparse
import os

from infra.persistence import DatabaseUrlError, existing_ledger_env, redact
from infra.settings import Settings, SettingsError
from services.cli.errors import EXIT_OK, CliError
from services.cli.progress import Progress
from services.projection.rebuild import rebuild_projections


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rebuild = commands.add_parser(
        "rebuild-projections",
        help="forget the stored assessments and rebuild them from every recorded event "
        "(stop the servers sharing the database first)",
    )
    rebuild.add_argument("--database-url", help="as for serve (LEDGER_DATABASE_URL)")
    rebuild.set_defaults(run=run_rebuild)


def run_rebuild(args: argparse.Namespace) -> int:
    try:
        settings = Settings.resolve(os.environ, database_url=args.database_url)
        with Progress("rebuilding the assessments", unit="statements replayed") as progress:
            replayed = rebuild_projections(
                existing_ledger_env(settings.database_url), progress.update
            )
    except (SettingsError, DatabaseUrlError) as error:
        raise CliError(str(error)) from error
    except Exception as error:
        raise CliError(f"cannot rebuild at {redact(args.database_url or '')}: {error}") from error
    print(f"rebuilt the assessment projection from {replayed} recorded statements")
    return EXIT_OK
