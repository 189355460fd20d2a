"""A one-line progress indicator for long CLI work, drawn on stderr only when it is a terminal.

Piped or redirected (a script, a CI log) it prints nothing, so output stays what the command
answers. The line is redrawn in place (``\\r``) at most ten times a second, and ended with a
newline when the work is done. Hand-written: the CLI needs no more than this, and a library
would cost every command its import time.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

BAR_WIDTH = 30
REDRAW_EVERY = 0.1  # seconds


class Progress:
    """``label`` and how far the work is: ``done`` of ``total`` (a bar) or ``done`` alone.

    Use as a context manager, calling :meth:`update` (a running count) or :meth:`advance`
    (a step); leaving the block draws the final count and ends the line. ``stream`` defaults
    to ``sys.stderr``; nothing is written unless it is a terminal.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        unit: str = "",
        stream: TextIO | None = None,
    ) -> None:
        self._label = label
        self._total = total
        self._unit = unit
        self._stream = stream if stream is not None else sys.stderr
        self._shown = _is_terminal(self._stream)
        self._done = 0
        self._drawn_at: float | None = None

    @property
    def shown(self) -> bool:
        """Whether the line is drawn (the stream is a terminal)."""
        return self._shown

    def update(self, done: int) -> None:
        """The work has reached ``done`` units."""
        self._done = done
        now = time.monotonic()
        if self._drawn_at is None or now - self._drawn_at >= REDRAW_EVERY:
            self._draw(now)

    def advance(self, count: int = 1) -> None:
        """``count`` more units are done."""
        self.update(self._done + count)

    def finish(self) -> None:
        """Draw the final count and end the line (only if anything was drawn)."""
        if self._shown and self._drawn_at is not None:
            self._draw(time.monotonic())
            self._stream.write("\n")
            self._stream.flush()
            self._drawn_at = None

    def line(self) -> str:
        """The text of the line as it would be drawn now."""
        unit = f" {self._unit}" if self._unit else ""
        if not self._total:
            return f"{self._label}: {self._done}{unit}"
        share = min(1.0, self._done / self._total)
        filled = round(share * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return f"{self._label} [{bar}] {self._done}/{self._total}{unit} {share:4.0%}"

    def _draw(self, now: float) -> None:
        if not self._shown:
            return
        self._stream.write("\r" + self.line() + "\x1b[K")  # erase what a longer line left
        self._stream.flush()
        self._drawn_at = now

    def __enter__(self) -> Progress:
        self.update(0)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.finish()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or bare stream
        return False
