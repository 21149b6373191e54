"""Ingestion and extraction on a real Dask cluster (a LocalCluster of two worker processes on
127.0.0.1) yield exactly what the single-process functions yield."""

import json
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from spacy.language import Language

import flows.distributed as dist
from flows.distributed import ClusterError, extract_on_cluster, read_on_cluster
from flows.sources import read_inputs
from transforms.extract import extract_documents
from transforms.ingest import Rejected
from transforms.nlp import EXTRACTORS, PipelineSpec, load_pipeline

# The workers import this module (the spec's `modules`) to register the failing extractor.
PIPELINE = PipelineSpec(None, (*EXTRACTORS, "test_cluster_fails_on_boom"), ("tests.flows.test_distributed",))
VERSION = "newsfacts-test/cluster"
ARTICLES = [
    "Acme Corp agreed to pay $5 million to settle the claims, its chief executive John Smith said on Monday.",
    "Striking nurses in Leeds demanded a 10% pay rise and safer staffing levels.",
    "The central bank of Norway raised rates on Thursday, a week after the election.",
    "Bolt Ltd bought the Helsinki start-up for 40 million euros.",
    "The boom in the pipeline makes this article fail.",
    "Protesters in Lima called for the resignation of the mayor.",
    "Globex said its profits fell to $1.2bn in the three months to June.",
    "The union asked for a four-day week; talks resume next Tuesday.",
    "Maria Lopez, the finance minister of Chile, announced a $300m fund for farmers.",
    "Wayne Enterprises fined £2m by the regulator over late filings.",
    "Farmers in Punjab want the new tariffs withdrawn before the harvest.",
    "Initech will cut 1,200 jobs, the company said in a statement yesterday.",
]


@Language.component("test_cluster_fails_on_boom")
def _fails_on_boom(doc):
    if "boom" in doc.text:
        raise ValueError("boom in the pipeline")
    return doc


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as c:
        yield c


@pytest.fixture
def staged(tmp_path) -> Path:
    """A staged documents file as the ingest task writes it (the columns extraction reads)."""
    path = tmp_path / "documents.parquet"
    published = [datetime(2025, 3, i + 1, tzinfo=UTC) if i % 3 else None for i in range(len(ARTICLES))]
    pq.write_table(pa.table({
        "doc_id": [f"d{i:02}" for i in range(len(ARTICLES))],
        "source": [f"inbox/{i:02}.txt" for i in range(len(ARTICLES))],
        "text": ARTICLES,
        "published_at": pa.array(published, pa.timestamp("us", tz="UTC")),
    }), path)
    return path


def local_extraction(staged: Path) -> list:
    docs = pq.read_table(staged).to_pylist()
    stream = [(d["doc_id"], d["source"], d["text"], d["published_at"]) for d in docs]
    return list(extract_documents(load_pipeline(PIPELINE), stream, extractor_version=VERSION))


def test_extraction_on_the_cluster_yields_what_one_process_yields(cluster, staged):
    expected = local_extraction(staged)
    found = list(extract_on_cluster(cluster.scheduler_address, staged, PIPELINE, extractor_version=VERSION,
                                    shard_docs=2))
    assert found == expected
    assert [o.doc_id if isinstance(o, Rejected) else o[0] for o in found] == [f"d{i:02}" for i in range(12)]
    [rejected] = [o for o in found if isinstance(o, Rejected)]
    assert rejected.doc_id == "d04" and "ValueError: boom in the pipeline" in rejected.reason
    assert sum(len(o[1]["amounts"]) for o in found if not isinstance(o, Rejected)) >= 5


def test_each_worker_loads_the_pipeline_once(cluster, staged):
    for _ in range(2):  # two runs' worth of shards, six per run
        assert len(list(extract_on_cluster(cluster.scheduler_address, staged, PIPELINE,
                                           extractor_version=VERSION, shard_docs=2))) == 12

    def loads():
        from transforms.nlp import _load
        return _load.cache_info().misses

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        assert list(client.run(loads).values()) == [1, 1]


def test_jobs_run_at_most_two_per_worker_thread_ahead_and_come_back_in_order(cluster):
    pulled = []

    def jobs():  # even ones on the workers, odd ones on the client
        for i in range(20):
            pulled.append(i)
            yield partial(sorted, [i]) if i % 2 == 0 else [i]

    with dist.connect(cluster.scheduler_address) as client:
        found = dist._in_order(client, jobs())
        assert next(found) == 0
        assert len(pulled) == 4  # two worker threads
        assert list(found) == list(range(1, 20))


def test_a_worker_whose_pipeline_differs_from_the_clients_fails_the_run(cluster, staged, monkeypatch):
    # the client (this process) sees another pipeline version than the workers load
    monkeypatch.setattr(dist, "model_version", lambda nlp: "en_other-9.9")
    with pytest.raises(ClusterError, match="install the same model and extractors on every worker"):
        list(extract_on_cluster(cluster.scheduler_address, staged, PIPELINE, extractor_version=VERSION))


def test_an_unreachable_scheduler_is_a_clear_error(staged, monkeypatch):
    monkeypatch.setattr(dist, "CONNECT_TIMEOUT_S", 2)
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        list(read_on_cluster("tcp://127.0.0.1:9", [staged.parent], max_bytes=1000))


def inbox(root: Path) -> Path:
    """Files of every kind, good and bad, in nested folders."""
    root.mkdir()
    (root / "a.txt").write_text("Acme paid $5m to the union.", encoding="utf-8")
    (root / "b.html").write_text("<html><head><title>Bolt</title></head><body><article><p>"
                                 + "Bolt Ltd bought the Helsinki start-up for 40 million euros. " * 5
                                 + "</p></article></body></html>", encoding="utf-8")
    (root / "c.jsonl").write_text("\n".join([
        json.dumps({"id": "one", "text": "Ecuador seeks 450 mln dlrs in emergency credit.", "published": "1987-03-01"}),
        "{broken",
        json.dumps({"id": "two", "text": "Nurses in Leeds demanded a 10% pay rise."}),
    ]), encoding="utf-8")
    (root / "d.json").write_text(json.dumps({"id": "d", "title": "Rates", "text": "Norway raised rates."}),
                                 encoding="utf-8")
    (root / "e.bin").write_bytes(b"not an input")
    (root / "f.txt").write_bytes(b"\x00\x01\x02binary")
    (root / "g.md").write_text("news " * 100, encoding="utf-8")  # over max_bytes
    (root / "sub").mkdir()
    for i in range(5):
        (root / "sub" / f"{i}.txt").write_text(f"Report {i}: Globex said profits fell by ${i}m.", encoding="utf-8")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    return root


def test_reading_on_the_cluster_yields_what_read_inputs_yields(cluster, tmp_path, monkeypatch):
    folder = inbox(tmp_path / "inbox")
    monkeypatch.chdir(tmp_path)  # relative input paths: workers get absolute ones
    paths = [Path("inbox"), Path("inbox/a.txt")]
    expected = list(read_inputs(paths, max_bytes=400))
    found = list(read_on_cluster(cluster.scheduler_address, paths, max_bytes=400, shard_files=2))
    assert found == expected
    reasons = [r.reason for r in found if isinstance(r, Rejected)]
    assert len(found) == 16 and len(reasons) == 5, reasons
    assert any("dangling symbolic link" in r for r in reasons)
    assert any("over the 400-byte limit" in r for r in reasons)
    assert [d.source for d in found][:3] == ["a.txt", "b.html", "c.jsonl#L1"]
    assert folder.exists()


TABLES_COMPARED = ("documents", "entities", "entity_aliases", "mentions", "amounts", "demands",
                   "events", "quarantine")
RUN_COLUMNS = {"run_id", "ingested_at", "at"}


def published(out: Path) -> dict[str, list]:
    from flows.warehouse import Warehouse

    warehouse = Warehouse(out)
    tables = {}
    for name in TABLES_COMPARED:
        table = warehouse.read_table(name)
        rows = [] if table is None else table.drop_columns(
            [c for c in table.column_names if c in RUN_COLUMNS]).to_pylist()
        tables[name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return tables


def test_a_run_on_the_cluster_publishes_what_a_local_run_publishes(prefect_harness, cluster, tmp_path):
    """Needs `dask_address` wired into flows.nightly.nightly."""
    from flows.nightly import nightly

    folder = inbox(tmp_path / "inbox")
    for i, text in enumerate(ARTICLES):
        (folder / f"article_{i:02}.txt").write_text(text, encoding="utf-8")
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert nightly(inputs=[str(folder)], out=str(local), max_bytes=400, return_state=True).is_completed()
    assert nightly(inputs=[str(folder)], out=str(remote), max_bytes=400, return_state=True,
                   dask_address=cluster.scheduler_address).is_completed()
    tables = published(local)
    assert len(tables["documents"]) == 22 and len(tables["quarantine"]) == 5
    assert tables["amounts"] and tables["entities"]
    assert published(remote) == tables
