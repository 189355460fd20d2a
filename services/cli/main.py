"""Entry point of the ``provenance`` command."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from services.cli.commands import COMMANDS
from services.cli.errors import EXIT_OK, EXIT_USAGE, CliError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(f"{self.prog}: {message}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with ``command`` defined in full by its module (``None``: every command);
    the others are listed by name and help only, their modules not imported."""
    parser = _Parser(prog="provenance", description=__doc__)
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    if command is None:
        wanted = {module for module, _ in COMMANDS.values()}
    else:
        wanted = {COMMANDS[command][0]} if command in COMMANDS else set()
    registered: set[str] = set()
    for name, (module, help_text) in COMMANDS.items():
        if module in wanted:
            if module not in registered:
                importlib.import_module(f"services.cli.{module}").register(commands)
                registered.add(module)
        else:
            commands.add_parser(name, help=help_text, add_help=False)
    return parser


class _Version(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked (reading
    package metadata costs more than the rest of ``--help``)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help", "")))

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib import metadata

        try:
            version = metadata.version("provenance-ledger")
        except metadata.PackageNotFoundError:
            version = "unknown"
        print(f"provenance {version}")
        parser.exit()


def _command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (its first word that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        args = build_parser(_command(words) or "").parse_args(words)
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
