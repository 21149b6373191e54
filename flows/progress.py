"""Progress of a long stage (ingest, extract): documents done, rate and, when the total is known, ETA.

Three modes, chosen once per stage:

- a terminal (stderr is a tty): a tqdm bar redrawn in place;
- anything else (a log file, a pipe, a deployment's worker): one log line every `every`
  documents or every `interval_s` seconds, whichever comes first, through the given logger
  (the task's run logger, so the lines also reach Prefect);
- `quiet`: nothing at all.

No Prefect here: the tasks hand in their logger, tests a plain one.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Callable, TextIO

from tqdm import tqdm

DEFAULT_EVERY = 500  # documents between two log lines
DEFAULT_INTERVAL_S = 30.0  # ... or seconds, whichever comes first


class _Bar(tqdm):
    # tqdm's monitor thread only tunes `miniters` for loops that stall; a thread alive while
    # spaCy forks its worker processes is a risk with nothing to gain.
    monitor_interval = 0


def _fixed_size(out: TextIO) -> tuple[int | None, int | None]:
    """(None, None) when the terminal knows its size (tqdm follows it as it changes), else a
    standard 80x24: tqdm draws nothing on a terminal of 0 rows or columns, which a pseudo-terminal
    nobody sized (`script`, some container runtimes) reports."""
    try:
        columns, rows = os.get_terminal_size(out.fileno())
    except (AttributeError, OSError, ValueError):  # a stream without a terminal, told it is one
        return 80, 24
    return (None, None) if columns and rows else (columns or 80, rows or 24)


class Progress:
    """Counts the documents a stage has done and shows it.

    total (int | None): documents the stage will do (None: unknown, no percentage or ETA).
    stage (str): the stage's name, first on every line.
    out (TextIO): where the bar is drawn; stderr (looked up at call time) by default.
    tty (bool | None): draw a bar; None: when `out` is a terminal.
    every (int): documents between two log lines; interval_s (float): seconds between two.
    quiet (bool): show nothing.
    logger: where log lines go (default: the `flows.progress` logger).
    clock: seconds, monotonic (tests pass their own).
    """

    def __init__(self, total: int | None, stage: str, *, out: TextIO | None = None,
                 tty: bool | None = None, every: int = DEFAULT_EVERY,
                 interval_s: float = DEFAULT_INTERVAL_S, quiet: bool = False,
                 logger: logging.Logger | logging.LoggerAdapter | None = None,
                 clock: Callable[[], float] = time.monotonic):
        if every < 1:
            raise ValueError(f"every must be >= 1, not {every}")
        out = out if out is not None else sys.stderr
        self.total, self.stage, self.every, self.interval_s = total, stage, every, interval_s
        self.logger = logger or logging.getLogger(__name__)
        self.clock = clock
        self.done = self.last_done = 0
        self.lines = 0  # log lines written
        self.started = self.last_line = clock()
        self.mode = "off" if quiet else "bar" if (out.isatty() if tty is None else tty) else "log"
        self.bar = self._bar(out) if self.mode == "bar" else None

    def _bar(self, out: TextIO) -> tqdm:
        columns, rows = _fixed_size(out)
        return _Bar(total=self.total, desc=self.stage, unit=" docs", file=out, disable=False,
                    mininterval=0.5, ncols=columns, nrows=rows, dynamic_ncols=columns is None)

    def advance(self, n: int = 1) -> None:
        """`n` more documents done."""
        before, self.done = self.done, self.done + n
        if self.bar is not None:
            self.bar.update(n)
        elif self.mode == "log":
            now = self.clock()
            if self.done // self.every > before // self.every or now - self.last_line >= self.interval_s:
                self._log(now)

    def close(self) -> None:
        """The stage is over: the bar's last state stays on screen; a stage long enough to have
        logged progress logs its total (a short one already says it in the task's summary)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.mode == "log" and self.lines and self.last_done != self.done:
            self._log(self.clock())

    def line(self, now: float) -> str:
        """The log line: documents done (of the total), rate, and ETA when the total is known."""
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        done = f"{self.done:,} of {self.total:,} documents ({self.done / max(self.total, 1):.0%})" \
            if self.total is not None else f"{self.done:,} documents"
        text = f"{self.stage}: {done}, {rate:,.1f} documents/s, {tqdm.format_interval(elapsed)} elapsed"
        if self.total is not None and rate > 0:
            text += f", ETA {tqdm.format_interval(max(self.total - self.done, 0) / rate)}"
        return text

    def _log(self, now: float) -> None:
        self.logger.info("%s", self.line(now))
        self.lines += 1
        self.last_line, self.last_done = now, self.done

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
