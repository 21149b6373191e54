"""The run lock with real processes: reused pids, other hosts, `newsfacts unlock`, `status`."""

import errno
import json
import os
import socket
import subprocess
import sys

import pytest

from flows.cli import main
from flows.warehouse import (FAILED_AT, LockedError, PublishError, Warehouse, holder_state,
                             process_start)
from tests.flows.test_warehouse import count, doc, publish


@pytest.fixture
def sleeper():
    """A live process that is not a newsfacts run."""
    child = subprocess.Popen(["sleep", "60"])
    yield child
    child.kill()
    child.wait()


def write_lock(out, **fields) -> dict:
    holder = {"host": socket.gethostname(), "run_id": "20261124T020000Z-abcdef", "kind": "run",
              "started_at": "2026-11-24T02:00:00+00:00", **fields}
    lock = Warehouse(out).lock_path
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps(holder))
    return holder


def test_the_lock_records_host_pid_process_start_and_boot(tmp_path):
    with Warehouse(tmp_path).lock("r1") as lock:
        holder = lock.holder()
    assert holder["host"] == socket.gethostname() and holder["pid"] == os.getpid()
    assert holder["start_ticks"] == process_start(os.getpid()) > 0
    with open("/proc/sys/kernel/random/boot_id") as f:
        assert holder["boot_id"] == f.read().strip()


def test_a_reused_pid_is_not_a_live_holder(tmp_path, sleeper):
    ticks = process_start(sleeper.pid)
    assert holder_state(write_lock(tmp_path, pid=sleeper.pid, start_ticks=ticks)) == "alive"
    with pytest.raises(LockedError, match=f"pid {sleeper.pid}"):
        Warehouse(tmp_path).lock("r2").acquire()
    # The same pid, but the lock's holder started at another time: the pid was reused.
    stale = write_lock(tmp_path, pid=sleeper.pid, start_ticks=ticks - 1)
    with Warehouse(tmp_path).lock("r3") as lock:
        assert lock.stale == stale and lock.holder()["run_id"] == "r3"
    assert sleeper.poll() is None  # the unrelated process was left alone
    # The machine rebooted since the lock was written.
    assert holder_state({**stale, "start_ticks": ticks, "boot_id": "another-boot"}) == "dead"


def test_a_lock_from_another_host_is_refused_with_how_to_break_it(tmp_path):
    write_lock(tmp_path, host="elsewhere-7", pid=os.getpid())
    with pytest.raises(LockedError) as refused:
        Warehouse(tmp_path).lock("r2").acquire()
    message = str(refused.value)
    assert "elsewhere-7" in message and "another host" in message and "\n" not in message
    assert f"newsfacts unlock --out {tmp_path} --force" in message
    assert Warehouse(tmp_path).lock_holder()["host"] == "elsewhere-7"


def test_status_shows_the_lock_holder_and_its_host(tmp_path, capsys, sleeper):
    write_lock(tmp_path, host="elsewhere-7", pid=123)
    assert main(["status", "--out", str(tmp_path)]) == 0
    assert "locked from another host: run 20261124T020000Z-abcdef (pid 123 on elsewhere-7" in capsys.readouterr().out
    write_lock(tmp_path, pid=sleeper.pid, start_ticks=process_start(sleeper.pid))
    assert main(["status", "--out", str(tmp_path)]) == 0
    assert f"running now: run 20261124T020000Z-abcdef (pid {sleeper.pid} on {socket.gethostname()}" in capsys.readouterr().out
    write_lock(tmp_path, pid=sleeper.pid, start_ticks=0)
    assert main(["status", "--out", str(tmp_path)]) == 0
    assert "stale lock:" in capsys.readouterr().out


def test_unlock_refuses_a_live_or_remote_holder_without_force(tmp_path, capsys, sleeper):
    lock = Warehouse(tmp_path).lock_path
    assert main(["unlock", "--out", str(tmp_path)]) == 0
    assert "no lock" in capsys.readouterr().out
    for holder in ({"host": "elsewhere-7", "pid": 123},
                   {"pid": sleeper.pid, "start_ticks": process_start(sleeper.pid)}):
        write_lock(tmp_path, **holder)
        assert main(["unlock", "--out", str(tmp_path)]) == 1
        err = capsys.readouterr().err
        assert "not removed without --force" in err and len(err.strip().splitlines()) == 1
        assert lock.exists()
        assert main(["unlock", "--out", str(tmp_path), "--force"]) == 0
        assert "removed the lock" in capsys.readouterr().out and not lock.exists()
    # A live holder may still finish and record itself: no row for it.
    assert Warehouse(tmp_path).run_history() == []


def test_unlock_removes_a_dead_holder_and_records_its_run(tmp_path, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    write_lock(tmp_path, pid=int(dead.stdout))
    assert main(["unlock", "--out", str(tmp_path)]) == 0
    assert "not running" in capsys.readouterr().out
    assert not Warehouse(tmp_path).lock_path.exists()
    [row] = Warehouse(tmp_path).run_history()
    assert row["run_id"] == "20261124T020000Z-abcdef" and row["status"] == "failed"
    assert "removed by `newsfacts unlock`" in row["message"]


def test_a_publish_retried_after_a_partial_one_finishes_it(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path)
    publish(wh, "r1", [doc(1)])
    monkeypatch.setitem(FAILED_AT, "publish:renamed", 0)
    monkeypatch.setenv("NEWSFACTS_FAIL_AT", "publish:renamed")
    monkeypatch.setenv("NEWSFACTS_FAIL_TIMES", "1")
    with pytest.raises(OSError) as failed:
        publish(wh, "r2", [doc(2)])
    assert failed.value.errno == errno.EIO
    assert (wh.snapshots / "r2").is_dir() and wh.current().name == "r1"  # renamed, not current
    publish(wh, "r2", [doc(2)])  # the retry: no "Directory not empty"
    assert wh.current().name == "r2" and count(tmp_path) == 2
    assert publish(wh, "r2", [doc(2)]) == wh.current() and count(tmp_path) == 2  # done is done


def test_recover_removes_snapshots_never_made_current(tmp_path):
    wh = Warehouse(tmp_path)
    publish(wh, "r1", [doc(1)])
    publish(wh, "r2", [doc(2)])
    orphan = wh.snapshots / "r3"
    (orphan / "documents").mkdir(parents=True)
    (tmp_path / "staging").mkdir()
    assert wh.recover() == ["snapshots/r3"]
    assert sorted(p.name for p in wh.snapshots.iterdir()) == ["r1", "r2"]  # older ones are kept
    assert not (tmp_path / "staging").exists() and count(tmp_path) == 2


def test_a_snapshot_the_catalog_reads_is_not_an_orphan(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path)
    publish(wh, "r1", [doc(1)])
    monkeypatch.setenv("NEWSFACTS_FAIL_AT", "publish:catalog")
    monkeypatch.setitem(FAILED_AT, "publish:catalog", 0)
    with pytest.raises(OSError):
        publish(wh, "r2", [doc(2)])  # died after swapping the catalog, before the link
    assert wh.recover() == [] and count(tmp_path) == 2


def test_old_runs_validation_results_and_data_docs_are_pruned(tmp_path):
    wh = Warehouse(tmp_path, keep_snapshots=1)
    pages = [tmp_path / "docs" / "validations" / "amounts" / "__none__" / f"{ts}.000001Z" / "p.html"
             for ts in ("20261124T010000", "20261124T030000")]
    reports = [tmp_path / "validation" / f"{run}.json" for run in ("20261124T010000Z-a", "20261124T030000Z-c")]
    for path in pages + reports:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    publish(wh, "20261124T010000Z-a", [doc(1)])
    assert all(p.exists() for p in pages + reports)
    publish(wh, "20261124T020000Z-b", [doc(2)])
    assert [p.exists() for p in pages + reports] == [False, True, False, True]
    assert count(tmp_path) == 2


@pytest.mark.parametrize("exc,heals", [
    (OSError(errno.ENOSPC, "No space left on device"), False),
    (OSError(errno.EACCES, "Permission denied"), False),
    (PermissionError(errno.EPERM, "Operation not permitted"), False),
    (OSError(errno.EROFS, "Read-only file system"), False),
    (PublishError("duplicate doc_id"), False),
    (OSError(errno.EIO, "Input/output error"), True),
    (TimeoutError("timed out"), True),
    (RuntimeError("database is locked"), True),
])
def test_only_errors_that_can_heal_are_retried(exc, heals):
    from flows.nightly import Interrupted, can_heal

    assert can_heal(exc) is heals
    assert can_heal(Interrupted("interrupted by SIGTERM")) is False
