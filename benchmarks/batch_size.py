"""Extraction time by nlp.pipe batch size: the measurement behind `DEFAULT_BATCH_SIZE`.

Usage (from the repository root, on a quiet machine: `uptime` load under 1.5):

    .venv/bin/python benchmarks/batch_size.py [--articles 300] [--batch-size 16 32 64 128] \
        [--n-process N] [--repeat 1] [--corpus ../shared/corpora/news/bulk.jsonl] [--json FILE]

It times what a run's extract stage does, ``transforms.extract.extract_documents`` over the
pipeline of ``transforms.nlp.load_pipeline()`` down to table rows, on the same articles
(spread evenly over the corpus, so no one source dominates) at each batch size, with the
run's default process count (every usable core). A small warm-up pass comes first, so no size
pays for first-use costs. It prints one JSON line per size and the fastest size.
The CPU seconds of the worker processes (``children_cpu_s``) show the workers did the work.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def read_spread(corpus: Path, n: int) -> list[str]:
    """`n` texts taken at even intervals through the corpus."""
    with corpus.open(encoding="utf-8") as f:
        lines = f.readlines()
    step = max(len(lines) // n, 1)
    return [json.loads(line)["text"] for line in lines[::step][:n]]


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_extraction(nlp, texts: list[str], batch_size: int, n_process: int) -> dict:
    from transforms.extract import extract_documents

    triples = ((f"d{i}", "bench", text) for i, text in enumerate(texts))
    cpu, start = children_cpu_s(), time.perf_counter()
    rows = sum(sum(len(r) for r in item[1].values()) if isinstance(item, tuple) else 0
               for item in extract_documents(nlp, triples, batch_size=batch_size, n_process=n_process))
    seconds = time.perf_counter() - start
    return {"batch_size": batch_size, "n_process": n_process, "articles": len(texts), "rows": rows,
            "seconds": round(seconds, 2), "articles_per_s": round(len(texts) / seconds, 1),
            "children_cpu_s": round(children_cpu_s() - cpu, 1)}


def main(argv: list[str] | None = None) -> int:
    from flows.config import usable_cores

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=300)
    p.add_argument("--batch-size", type=int, nargs="+", default=[16, 32, 64, 128])
    p.add_argument("--n-process", type=int, default=usable_cores())
    p.add_argument("--repeat", type=int, default=1, help="passes over the sizes; the best time counts")
    p.add_argument("--corpus", type=Path, default=Path("../shared/corpora/news/bulk.jsonl"))
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)

    from transforms.nlp import load_pipeline, model_version

    nlp = load_pipeline()
    texts = read_spread(args.corpus, args.articles)
    time_extraction(nlp, texts[:20], 16, 1)  # warm-up: first-use costs paid by no size
    best: dict[int, dict] = {}
    for _ in range(args.repeat):
        for size in args.batch_size:
            result = time_extraction(nlp, texts, size, args.n_process)
            print(json.dumps(result), flush=True)
            if size not in best or result["seconds"] < best[size]["seconds"]:
                best[size] = result
    fastest = min(best.values(), key=lambda r: r["seconds"])
    print(f"fastest: batch_size {fastest['batch_size']} ({fastest['articles_per_s']} articles/s "
          f"at {args.n_process} processes)")
    if args.json:
        args.json.write_text(json.dumps({"model": model_version(nlp), "results": list(best.values()),
                                         "fastest": fastest["batch_size"]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
