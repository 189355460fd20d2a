"""Entry point of the ``provenance`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from services.cli import (
    audit,
    bundles,
    demo,
    eu_summary,
    exports,
    freedoms,
    hf_import,
    keys,
    models,
    project,
    projections,
    serve,
    sign,
    submit,
)
from services.cli.errors import EXIT_OK, EXIT_USAGE, CliError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="provenance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in (
        serve,
        keys,
        sign,
        submit,
        freedoms,
        eu_summary,
        models,
        bundles,
        audit,
        demo,
        projections,
        project,
        hf_import,
        exports,
    ):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.run(args)
    except CliError as error:
        for line in error.message.splitlines():
            print(f"error: {line}" if not line.startswith(" ") else line, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:  # the reader (``| head``) stopped reading: not our failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error at exit
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
