"""``provenance project --nice N`` / ``LEDGER_PROJECTION_NICE``: resolved like every setting and
refused with a message (exit 2, before anything connects) when it is not an increment the
worker can take."""

from __future__ import annotations

import pytest

from infra.settings import Settings, SettingsError
from services.cli.errors import EXIT_USAGE
from services.cli.main import main


def test_unset_means_the_priority_it_was_started_with() -> None:
    assert Settings.resolve({}).projection_nice == 0
    assert Settings.resolve({"LEDGER_PROJECTION_NICE": " "}).projection_nice == 0


def test_the_flag_wins_over_the_environment() -> None:
    assert Settings.resolve({"LEDGER_PROJECTION_NICE": "19"}).projection_nice == 19
    assert Settings.resolve({"LEDGER_PROJECTION_NICE": "5"}, projection_nice=0).projection_nice == 0


@pytest.mark.parametrize("value", ["ten", "-1", "1.5", "20"])
def test_a_variable_that_is_no_increment_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="from 0 to 19"):
        Settings.resolve({"LEDGER_PROJECTION_NICE": value})


@pytest.mark.parametrize("value", [-5, 20])
def test_a_flag_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(SettingsError, match=f"nice {value} is not a number from 0 to 19"):
        Settings.resolve({}, projection_nice=value)


def test_the_worker_refuses_it_with_exit_2_before_it_connects(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raising a priority needs privileges; the worker says so in one line instead of
    starting at a priority it was not asked for."""
    niced: list[int] = []
    monkeypatch.setattr("os.nice", niced.append)
    url = "postgresql://nobody@127.0.0.1:1/nowhere"  # never reached
    assert main(["project", "--database-url", url, "--nice", "-1"]) == EXIT_USAGE
    assert capsys.readouterr().err.strip() == "error: nice -1 is not a number from 0 to 19"
    assert niced == []
