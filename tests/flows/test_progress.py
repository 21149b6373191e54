"""Progress of a long stage: a bar on a terminal, log lines elsewhere, nothing when quiet."""

import fcntl
import io
import logging
import os
import pty
import re
import select
import struct
import termios

import pytest

from flows.progress import Progress

LOGGER = "tests.progress"


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def log_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def read_all(fd: int) -> str:
    """What was written to a pseudo-terminal so far (a read returns one piece at a time)."""
    data = b""
    while select.select([fd], [], [], 0.2)[0]:
        data += os.read(fd, 65536)
    return data.decode()


def test_log_mode_writes_a_line_every_n_documents_with_rate_and_eta(caplog):
    clock, out = Clock(), io.StringIO()
    caplog.set_level(logging.INFO, logger=LOGGER)
    progress = Progress(1200, "extract", out=out, every=500, logger=logging.getLogger(LOGGER), clock=clock)
    for _ in range(1200):
        clock.now += 0.01  # 100 documents a second
        progress.advance()
    progress.close()
    assert log_lines(caplog) == [
        "extract: 500 of 1,200 documents (42%), 100.0 documents/s, 00:05 elapsed, ETA 00:07",
        "extract: 1,000 of 1,200 documents (83%), 100.0 documents/s, 00:10 elapsed, ETA 00:02",
        "extract: 1,200 of 1,200 documents (100%), 100.0 documents/s, 00:12 elapsed, ETA 00:00",
    ]
    assert out.getvalue() == ""  # log mode never draws


def test_log_mode_without_a_total_has_no_eta_and_also_logs_on_time(caplog):
    clock = Clock()
    caplog.set_level(logging.INFO, logger=LOGGER)
    with Progress(None, "ingest", out=io.StringIO(), every=1000, interval_s=30,
                  logger=logging.getLogger(LOGGER), clock=clock) as progress:
        clock.now += 31  # a slow start: a line after 30 s, though far from 1,000 documents
        progress.advance(62)
        clock.now += 1
        progress.advance(1)  # no line: neither 30 s nor 1,000 documents since the last
        progress.advance(2000)  # crosses two marks at once: one line
    assert log_lines(caplog) == [
        "ingest: 62 documents, 2.0 documents/s, 00:31 elapsed",
        "ingest: 2,063 documents, 64.5 documents/s, 00:32 elapsed",
    ]


def test_a_short_stage_logs_nothing(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    with Progress(3, "extract", tty=False, logger=logging.getLogger(LOGGER)) as progress:
        progress.advance(3)
    assert log_lines(caplog) == []


# a window of 100 columns, and one nobody sized (as under `script`): 0 rows, 0 columns
@pytest.mark.parametrize("rows, columns", [(24, 100), (0, 0), (0, 120)])
def test_terminal_mode_draws_a_bar_on_a_pseudo_terminal(caplog, rows, columns):
    caplog.set_level(logging.INFO, logger=LOGGER)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    with os.fdopen(slave, "w") as terminal:
        progress = Progress(40, "extract", out=terminal, every=10, logger=logging.getLogger(LOGGER))
        assert progress.mode == "bar"  # found out by itself: the stream is a terminal
        for _ in range(40):
            progress.advance()
        progress.close()
        terminal.flush()
        drawn = read_all(master)
    os.close(master)
    assert "extract" in drawn and "40/40" in drawn and "100%" in drawn
    assert re.search(r"[\d.]+ docs/s", drawn), drawn  # the rate
    assert log_lines(caplog) == []  # the bar replaces the log lines


def test_a_forced_tty_draws_counts_and_rate_without_a_total():
    out = io.StringIO()
    with Progress(None, "ingest", out=out, tty=True) as progress:
        progress.advance(7)
    drawn = out.getvalue()
    assert "ingest: 7 docs" in drawn
    assert re.search(r"[\d.]+ docs/s", drawn), drawn


@pytest.mark.parametrize("tty", [True, False])
def test_quiet_shows_nothing(tty, caplog):
    out = io.StringIO()
    caplog.set_level(logging.INFO, logger=LOGGER)
    with Progress(2000, "extract", out=out, tty=tty, every=1, quiet=True,
                  logger=logging.getLogger(LOGGER)) as progress:
        progress.advance(2000)
    assert out.getvalue() == "" and log_lines(caplog) == []
    assert progress.done == 2000


def test_every_must_be_positive():
    with pytest.raises(ValueError, match="every must be >= 1"):
        Progress(10, "extract", every=0)
