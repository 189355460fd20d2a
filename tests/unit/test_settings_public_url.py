"""``--public-url`` / ``LEDGER_PUBLIC_URL`` (DESIGN.md §9): resolved like every setting (flag,
then environment, then default) and refused with a message when it is not a usable base URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infra.settings import Settings, SettingsError


def test_unset_means_the_request_address() -> None:
    assert Settings.resolve({}).public_url is None
    assert Settings.resolve({"LEDGER_PUBLIC_URL": "  "}).public_url is None


def test_the_flag_wins_over_the_environment_and_the_trailing_slash_goes() -> None:
    env = {"LEDGER_PUBLIC_URL": "https://env.example.org/"}
    assert Settings.resolve(env).public_url == "https://env.example.org"
    flagged = Settings.resolve(env, public_url="https://flag.example.org:8443/ledger/")
    assert flagged.public_url == "https://flag.example.org:8443/ledger"


@pytest.mark.parametrize(
    "value",
    [
        "ledger.example.org",
        "ftp://ledger.example.org",
        "https://",
        "https://ledger.example.org:port",
        "https://ledger.example.org/?a=1",
        "https://ledger.example.org/#top",
        "https://user:pw@ledger.example.org",
    ],
)
def test_an_unusable_public_url_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="public URL"):
        Settings.resolve({"LEDGER_PUBLIC_URL": value})


def test_the_server_refuses_to_start_with_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "serve", "--public-url", "ftp://x.org"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2, result.stderr
    assert "public URL 'ftp://x.org' must be http(s)://host" in result.stderr
    assert not (tmp_path / "provenance.db").exists()
