"""kill -9 at every stage of a run: the published snapshot stays whole, the next run finishes.

Each case copies a published baseline (the seed), starts `newsfacts run` with two new documents
in a child process that SIGKILLs itself at one point (`NEWSFACTS_KILL_AT`), checks what readers
see, then runs again to completion.
"""

import os
import shutil
import signal
import subprocess
import sys

import duckdb
import pytest

from flows.nightly import nightly
from flows.warehouse import Warehouse, check_snapshot
from tests.conftest import ROOT, SEEDS
from tests.flows.test_operations import write_news

POINTS = ("ingest:done", "extract:started", "validate:checked", "publish:checked",
          "publish:renamed", "publish:catalog", "publish:linked")


@pytest.fixture(scope="module")
def baseline(prefect_harness, tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    out, news = root / "baseline", write_news(root / "news")
    assert nightly(inputs=[str(SEEDS)], out=str(out), return_state=True).is_completed()
    return out, news


def catalog_doc_ids(out) -> set[str]:
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        [(path,)] = con.sql("select path from snapshot").fetchall()
        check_snapshot(Warehouse(out).snapshots / os.path.basename(path))
        # Every fact row belongs to a document of the same snapshot.
        assert con.sql("select count(*) from amounts where doc_id not in (select doc_id from documents)").fetchall() == [(0,)]
        return {r[0] for r in con.sql("select doc_id from documents").fetchall()}
    finally:
        con.close()


def linked_doc_ids(out) -> set[str]:
    warehouse = Warehouse(out)
    check_snapshot(warehouse.current())
    return set(warehouse.read_table("documents", ["doc_id"])["doc_id"].to_pylist())


@pytest.mark.parametrize("point", POINTS)
def test_kill_minus_9_keeps_the_snapshot_and_the_next_run_completes(baseline, tmp_path, point):
    from prefect.settings import PREFECT_API_URL

    source, news = baseline
    out = tmp_path / "out"
    shutil.copytree(source, out, symlinks=True)
    old = linked_doc_ids(out)
    assert len(old) == 1

    env = {**os.environ, "NEWSFACTS_KILL_AT": point, "PREFECT_API_URL": PREFECT_API_URL.value()}
    child = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--input", str(SEEDS), "--input", str(news),
         "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]

    # Readers see the old snapshot or the new one, whole, through both entry points.
    seen = catalog_doc_ids(out)
    published = point in ("publish:catalog", "publish:linked")  # the new catalog was swapped in
    assert seen > old and len(seen) == 3 if published else seen == old
    assert linked_doc_ids(out) in (old, seen)
    assert (Warehouse(out).lock_path).exists()  # the dead run's lock, left behind

    state = nightly(inputs=[str(SEEDS), str(news)], out=str(out), return_state=True)
    assert state.is_completed(), state.message
    assert len(catalog_doc_ids(out)) == len(linked_doc_ids(out)) == 3
    warehouse = Warehouse(out)
    assert not warehouse.lock_path.exists()
    assert not list(out.glob("staging/*")) and not list(warehouse.snapshots.glob(".tmp-*"))
    assert not list(out.glob(".newsfacts-*")) and not list(out.glob(".warehouse-*"))
    history = warehouse.run_history()
    killed = history[-2]
    expected = "success" if point == "publish:linked" else "failed"
    assert killed["status"] == expected and len(history) == 3
