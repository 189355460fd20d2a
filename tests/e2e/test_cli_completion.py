"""``provenance completion bash|zsh``: the script is generated from the command table and each
command's parser; the bash one is loaded into a real bash and asked for completions."""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest

from domain.statement_types import STATEMENT_TYPES
from services.cli.commands import COMMANDS
from tests.e2e.server import BIN


def _script(shell: str) -> str:
    result = subprocess.run(
        [str(BIN / "provenance"), "completion", shell],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.fixture(scope="module")
def bash_script() -> str:
    return _script("bash")


def _complete(script: str, line: str) -> list[str]:
    """What bash's ``_provenance`` offers for ``line`` (the cursor at its end)."""
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    program = (
        script
        + f"\nCOMP_WORDS=({' '.join(shlex.quote(w) for w in words)})"
        + f"\nCOMP_CWORD={len(words) - 1}"
        + "\n_provenance\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run(
        [bash, "--norc", "-c", program], capture_output=True, text=True, timeout=30, check=True
    )
    return [word for word in result.stdout.splitlines() if word]


def test_bash_completes_every_command(bash_script: str) -> None:
    assert _complete(bash_script, "provenance ") == [*COMMANDS, "--help", "--version"]
    assert _complete(bash_script, "provenance ex") == ["export"]


def test_bash_completes_a_commands_flags_and_their_values(bash_script: str) -> None:
    assert "--public-url" in _complete(bash_script, "provenance serve --")
    assert _complete(bash_script, "provenance export --fo") == ["--format"]
    assert _complete(bash_script, "provenance export --format ") == [
        "cyclonedx-1.6",
        "spdx-3.0.1",
    ]
    assert _complete(bash_script, "provenance sign --type ") == list(STATEMENT_TYPES)
    assert _complete(bash_script, "provenance sign --type Licence") == [
        "LicenceGranted",
        "LicenceWithdrawn",
        "LicenceDefined",
    ]


def test_bash_completes_file_names_for_arguments(
    bash_script: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("cards")
    (directory / "zephyr.md").write_text("card")
    offered = _complete(bash_script, f"provenance import-hf-card {directory}/ze")
    assert offered == [f"{directory}/zephyr.md"]


def test_zsh_lists_every_command_with_its_help_and_every_flag() -> None:
    script = _script("zsh")
    assert script.startswith("#compdef provenance\n")
    for name, (_, help_text) in COMMANDS.items():
        assert shlex.quote(f"{name}:{help_text.replace(':', ' -')}") in script
    assert "'sign --type') compadd -- SignerEnrolled" in script
    assert "serve) flags=(--help --host --port" in script
    assert script.rstrip().endswith("compdef _provenance provenance")


def test_an_unknown_shell_is_a_usage_error() -> None:
    result = subprocess.run(
        [str(BIN / "provenance"), "completion", "fish"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'fish'" in result.stderr
    assert result.stdout == ""
