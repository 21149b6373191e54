"""Extraction on a Dask LocalCluster of single-threaded workers against `--n-process` alone.

    .venv/bin/python benchmarks/dask_speed.py [--articles 300] [--workers 2] [--shard-docs 16]

The first N bulk articles are staged as a run stages them (documents.parquet), then extracted
by `extract_documents(n_process=WORKERS)` in this process and by `extract_on_cluster` on a
LocalCluster of WORKERS single-threaded worker processes (first: workers load the pipeline;
second: warm). Prints the times and whether the rows are identical.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from distributed import LocalCluster  # noqa: E402

from flows.distributed import extract_on_cluster  # noqa: E402
from transforms.extract import extract_documents  # noqa: E402
from transforms.nlp import PipelineSpec, load_pipeline  # noqa: E402

BULK = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "news" / "bulk.jsonl"


def staged(bulk: Path, n: int, folder: Path) -> tuple[list[tuple], Path]:
    with bulk.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in islice(f, n)]
    docs = [(str(i), "bulk", r["text"], None) for i, r in enumerate(records)]
    path = folder / "documents.parquet"
    pq.write_table(pa.table({"doc_id": [d[0] for d in docs], "source": [d[1] for d in docs],
                             "text": [d[2] for d in docs],
                             "published_at": pa.array([None] * n, pa.timestamp("us", tz="UTC"))}), path)
    return docs, path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shard-docs", type=int, default=16)
    ap.add_argument("--bulk", type=Path, default=BULK)
    args = ap.parse_args()
    spec = PipelineSpec()
    with tempfile.TemporaryDirectory() as tmp:
        docs, path = staged(args.bulk, args.articles, Path(tmp))
        started = time.perf_counter()
        local = list(extract_documents(load_pipeline(spec), docs, n_process=args.workers, extractor_version="v"))
        print(f"extract_documents(n_process={args.workers}): {time.perf_counter() - started:.1f} s", flush=True)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=40) as cluster:
            for label in ("first (workers load the pipeline)", "second (warm)"):
                started = time.perf_counter()
                remote = list(extract_on_cluster(cluster.scheduler_address, path, spec, extractor_version="v",
                                                 budget_s=30.0, batch_size=64, shard_docs=args.shard_docs))
                print(f"LocalCluster x{args.workers}, {label}: {time.perf_counter() - started:.1f} s; "
                      f"identical rows: {remote == local}", flush=True)


if __name__ == "__main__":
    main()
