"""The progress line itself: drawn in place on a terminal, with a bar when the total is known,
ended once; nothing at all on a stream that is not a terminal."""

from __future__ import annotations

import io

from services.cli.progress import BAR_WIDTH, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_known_total_draws_a_bar_and_ends_the_line_complete() -> None:
    stream = Terminal()
    with Progress("exporting", 4, unit="models", stream=stream) as progress:
        for _ in range(4):
            progress.advance()
    drawn = stream.getvalue()
    assert drawn.startswith("\rexporting [" + "." * BAR_WIDTH + "] 0/4 models   0%")
    assert drawn.endswith("\rexporting [" + "#" * BAR_WIDTH + "] 4/4 models 100%\x1b[K\n")
    assert drawn.count("\n") == 1


def test_an_unknown_total_draws_the_count() -> None:
    stream = Terminal()
    with Progress("auditing", unit="entries", stream=stream) as progress:
        progress.update(1234)
    assert stream.getvalue().endswith("\rauditing: 1234 entries\x1b[K\n")


def test_redraws_are_throttled_but_the_last_count_is_drawn() -> None:
    stream = Terminal()
    with Progress("replaying", unit="statements", stream=stream) as progress:
        for done in range(1, 10_001):
            progress.update(done)
    drawn = stream.getvalue()
    assert drawn.count("\r") < 100  # not once per update
    assert drawn.endswith("replaying: 10000 statements\x1b[K\n")


def test_nothing_is_written_to_a_pipe_or_a_file() -> None:
    stream = io.StringIO()
    with Progress("auditing", 10, stream=stream) as progress:
        progress.update(5)
        assert not progress.shown
        assert progress.line().startswith("auditing [")
    assert stream.getvalue() == ""
