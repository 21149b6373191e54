"""Every run is recorded: a run that fails (an error in any stage, a full disk, SIGTERM,
SIGINT) writes a `failed` runs row with its reason, removes what it wrote and frees the lock."""

import json
import os
import signal
import subprocess
import sys

import pytest

import flows.nightly
from flows.cli import main
from flows.nightly import nightly
from flows.warehouse import FAILED_AT, Warehouse
from tests.conftest import ROOT, SEEDS
from tests.flows.test_operations import write_news


def assert_cleaned_up(out):
    """Nothing of the failed run is left but its runs row: no lock, staging or unfinished snapshot."""
    warehouse = Warehouse(out)
    assert not warehouse.lock_path.exists()
    assert not (out / "staging").exists() and not list(warehouse.snapshots.glob(".tmp-*"))
    assert not list(out.glob(".newsfacts-*")) and not list(out.glob(".warehouse-*"))
    current = warehouse.current()  # no snapshot renamed into place but never made current
    assert all(current and p.name <= current.name for p in warehouse.snapshots.iterdir())


@pytest.fixture
def published(prefect_harness, tmp_path):
    out = tmp_path / "out"
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    return out, write_news(tmp_path / "news")


def test_a_full_disk_at_publish_is_recorded_once_and_not_retried(published, monkeypatch):
    out, news = published
    monkeypatch.setenv("NEWSFACTS_FAIL_AT", "publish:renamed")
    monkeypatch.setenv("NEWSFACTS_FAIL_ERRNO", "ENOSPC")
    monkeypatch.setitem(FAILED_AT, "publish:renamed", 0)
    state = nightly(inputs=[str(news)], out=str(out), return_state=True)
    assert state.is_failed() and FAILED_AT["publish:renamed"] == 1  # no retry
    assert "No space left on device" in state.message and "(after validate)" in state.message
    failed = Warehouse(out).run_history()[-1]
    assert failed["status"] == "failed" and failed["message"] == state.message
    assert_cleaned_up(out)
    assert Warehouse(out).row_count("documents") == 1  # the previous snapshot stays
    monkeypatch.delenv("NEWSFACTS_FAIL_AT")
    assert nightly(inputs=[str(news)], out=str(out), return_state=True).is_completed()
    assert [r["status"] for r in Warehouse(out).run_history()] == ["success", "failed", "success"]


def test_status_lists_failed_runs_with_their_reason(published, monkeypatch, capsys):
    out, news = published
    monkeypatch.setenv("NEWSFACTS_FAIL_AT", "extract:started")  # a stage without retries
    monkeypatch.setitem(FAILED_AT, "extract:started", 0)
    state = nightly(inputs=[str(news)], out=str(out), return_state=True)
    assert state.is_failed() and state.message.startswith("[Errno 5] Input/output error")
    assert "(after ingest)" in state.message
    assert_cleaned_up(out)
    capsys.readouterr()
    assert main(["status", "--out", str(out)]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if " failed " in l)
    assert state.message in line


def test_a_publish_that_failed_part_way_is_retried_and_completes(published, monkeypatch):
    out, news = published
    monkeypatch.setattr(flows.nightly, "publish", flows.nightly.publish.with_options(retry_delay_seconds=0))
    monkeypatch.setenv("NEWSFACTS_FAIL_AT", "publish:renamed")  # EIO, once: it can heal
    monkeypatch.setenv("NEWSFACTS_FAIL_TIMES", "1")
    monkeypatch.setitem(FAILED_AT, "publish:renamed", 0)
    state = nightly(inputs=[str(news)], out=str(out), return_state=True)
    assert state.is_completed(), state.message
    assert FAILED_AT["publish:renamed"] == 2
    warehouse = Warehouse(out)
    assert [r["status"] for r in warehouse.run_history()] == ["success", "success"]
    assert warehouse.current().name == state.result()["run_id"] and warehouse.row_count("documents") == 3
    assert_cleaned_up(out)
    assert len(list(warehouse.snapshots.iterdir())) == 1 + 1  # the seed's and this one


def test_sigint_during_publish_is_recorded_and_the_handlers_restored(published, monkeypatch):
    out, news = published
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    monkeypatch.setenv("NEWSFACTS_KILL_AT", "publish:renamed")
    monkeypatch.setenv("NEWSFACTS_KILL_SIGNAL", "SIGINT")
    state = nightly(inputs=[str(news)], out=str(out), return_state=True)
    assert state.is_failed() and state.message == "interrupted by SIGINT (after validate)"
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert Warehouse(out).run_history()[-1]["message"] == state.message
    assert_cleaned_up(out)  # the snapshot it had renamed into place is gone
    assert Warehouse(out).row_count("documents") == 1


def test_a_bad_output_folder_fails_before_any_work(prefect_harness, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "docs").write_text("not a folder")
    state = nightly(inputs=[str(SEEDS)], out=str(out), return_state=True)
    assert state.is_failed() and "docs" in state.message and "(after start)" in state.message
    [row] = Warehouse(out).run_history()
    assert row["status"] == "failed" and row["docs_seen"] == 0
    events = [json.loads(line) for line in (out / "state" / "events.jsonl").read_text().splitlines()]
    assert [e["stage"] for e in events] == ["failed"]  # before ingest


def test_sigterm_in_a_real_run_records_it_and_releases_the_lock(published):
    from prefect.settings import PREFECT_API_URL

    out, news = published
    env = {**os.environ, "NEWSFACTS_KILL_AT": "extract:started", "NEWSFACTS_KILL_SIGNAL": "SIGTERM",
           "PREFECT_API_URL": PREFECT_API_URL.value()}
    child = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--input", str(news), "--out", str(out)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert child.returncode == 1, child.stderr[-2000:]
    assert "newsfacts: run failed: interrupted by SIGTERM (after ingest)" in child.stderr
    failed = Warehouse(out).run_history()[-1]
    assert failed["status"] == "failed" and failed["message"] == "interrupted by SIGTERM (after ingest)"
    assert_cleaned_up(out)
    assert nightly(inputs=[str(news)], out=str(out), return_state=True).is_completed()
