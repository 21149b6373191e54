"""Inference speed and peak memory of a spaCy pipeline on news article text.

Usage (from the repository root):

    .venv/bin/python benchmarks/model_speed.py 2000 2
    .venv/bin/python benchmarks/model_speed.py N_ARTICLES N_PROCESS \
        [--model models/newsfacts_en] [--batch-size 16] \
        [--corpus ../shared/corpora/news/bulk.jsonl]

Reports words/s (words = non-whitespace tokens produced by the pipeline, counted
over every returned Doc) for ``nlp.pipe(texts, n_process=N_PROCESS, batch_size=...)``
and the peak memory of the process tree:

* ``peak_rss_tree_mb``: the largest sum of RSS over this process and all its
  descendants, sampled every 50 ms from /proc (Linux);
* ``ru_maxrss_self_mb`` / ``ru_maxrss_children_mb``: resource.getrusage peaks
  (the children figure is the peak of the single largest child, as the kernel
  reports it).

The pipeline is loaded as newsfacts runs it (`transforms.nlp.load_pipeline`: the model's
components on the words without whitespace tokens, newsfacts' line-break and entity-type
components, matrix products through numpy's BLAS);
``NEWSFACTS_MATMUL=blis`` measures thinc's default blis instead.

Model load time is excluded from words/s and reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

DEFAULT_MODEL = "models/newsfacts_en"
DEFAULT_CORPUS = "../shared/corpora/news/bulk.jsonl"


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    out.extend(int(x) for x in fh.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kb(pid)
        stack.extend(_children(pid))
    return total


class TreeRSSSampler(threading.Thread):
    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(me))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))


def load_texts(corpus: Path, n: int) -> list[str]:
    texts: list[str] = []
    with corpus.open(encoding="utf8") as fh:
        for line in fh:
            if len(texts) >= n:
                break
            rec = json.loads(line)
            text = (rec.get("text") or "").strip()
            if text:
                texts.append(text)
    return texts


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n_articles", type=int, help="number of articles from the corpus")
    ap.add_argument("n_process", type=int, help="n_process for nlp.pipe")
    ap.add_argument("--model", default=os.environ.get("NEWSFACTS_SPACY_MODEL", DEFAULT_MODEL))
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--corpus", type=Path, default=Path(DEFAULT_CORPUS))
    ap.add_argument("--json", action="store_true", help="print only the JSON result")
    args = ap.parse_args(argv)

    # one BLAS/OpenMP thread per worker, so n_process is the number of busy cores
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from transforms.nlp import load_pipeline

    sampler = TreeRSSSampler()
    sampler.start()
    texts = load_texts(args.corpus, args.n_articles)
    t0 = time.perf_counter()
    nlp = load_pipeline(args.model)
    load_s = time.perf_counter() - t0

    n_words = n_docs = n_ents = n_sents = 0
    t1 = time.perf_counter()
    for doc in nlp.pipe(texts, n_process=args.n_process, batch_size=args.batch_size):
        n_docs += 1
        n_words += sum(1 for t in doc if not t.is_space)
        n_ents += len(doc.ents)
        if doc.has_annotation("SENT_START"):
            n_sents += sum(1 for _ in doc.sents)
    elapsed = time.perf_counter() - t1
    sampler.stop()

    ru_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ru_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {
        "model": args.model,
        "matmul": os.environ.get("NEWSFACTS_MATMUL", "numpy"),
        "pipeline": nlp.pipe_names,
        "n_articles": n_docs,
        "n_process": args.n_process,
        "batch_size": args.batch_size,
        "words": n_words,
        "sentences": n_sents,
        "entities": n_ents,
        "seconds": round(elapsed, 2),
        "words_per_s": round(n_words / elapsed, 1),
        "load_s": round(load_s, 2),
        "peak_rss_tree_mb": round(sampler.peak_kb / 1024, 1),
        "ru_maxrss_self_mb": round(ru_self, 1),
        "ru_maxrss_children_mb": round(ru_children, 1),
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>22}: {v}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
