"""Extraction speed against bare `nlp.pipe`, in one run, at 1 and 2 processes.

Usage (from the repository root):

    .venv/bin/python benchmarks/extract_speed.py --articles 2000 --n-process 1 2 \
        [--batch-size 64] [--corpus ../shared/corpora/news/bulk.jsonl] [--json FILE]

For each process count it times, on the same texts (the first N articles of the corpus):

* ``bare``: the model alone, ``spacy.load(model).pipe(texts, n_process=K)``;
* ``bare_shared`` (K > 1): the same with the workers' matrix threads limited as newsfacts
  limits its own (`transforms.extract.blas_threads`): the model's best speed at K processes;
* ``newsfacts``: what a run does, ``transforms.extract.extract_documents`` over the pipeline of
  ``transforms.nlp.load_pipeline`` (the model on the words, entity typing, the linker, amounts,
  demands and events components, all inside the workers) down to table rows in the parent.

Words are the non-whitespace tokens of the bare pipeline's docs. Both pipelines use the same
matrix library (numpy's BLAS, as newsfacts sets it before loading). The ratio is newsfacts'
words/s over bare words/s: 1.0 means extraction is free; ``ratio_shared`` is against
``bare_shared``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def read_texts(corpus: Path, n: int) -> list[str]:
    with corpus.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in islice(f, n)]


def time_bare(nlp, texts: list[str], n_process: int, batch_size: int, threads: int | None = None) -> tuple[float, int]:
    from transforms.extract import _started

    start = time.perf_counter()
    docs = _started(nlp.pipe(texts, n_process=n_process, batch_size=batch_size), threads)
    words = sum(sum(not t.is_space for t in doc) for doc in docs)
    return time.perf_counter() - start, words


def time_newsfacts(nlp, texts: list[str], n_process: int, batch_size: int) -> tuple[float, int]:
    from transforms.extract import extract_documents

    triples = ((f"d{i}", "bench", text) for i, text in enumerate(texts))
    start = time.perf_counter()
    rows = 0
    for item in extract_documents(nlp, triples, batch_size=batch_size, n_process=n_process):
        rows += sum(len(r) for r in item[1].values()) if isinstance(item, tuple) else 0
    return time.perf_counter() - start, rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--n-process", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--corpus", type=Path, default=Path("../shared/corpora/news/bulk.jsonl"))
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)

    import spacy

    from transforms.extract import blas_threads
    from transforms.nlp import BUNDLED_MODEL, load_pipeline, model_version

    pipeline = load_pipeline()  # first: it sets the matrix library both pipelines then use
    bare = spacy.load(BUNDLED_MODEL)
    texts = read_texts(args.corpus, args.articles)
    results = []
    for k in args.n_process:
        bare_s, words = time_bare(bare, texts, k, args.batch_size)
        ours_s, rows = time_newsfacts(pipeline, texts, k, args.batch_size)
        results.append({"n_process": k, "articles": len(texts), "words": words, "rows": rows,
                        "bare_s": round(bare_s, 1), "newsfacts_s": round(ours_s, 1),
                        "bare_words_per_s": round(words / bare_s), "newsfacts_words_per_s": round(words / ours_s),
                        "ratio": round(bare_s / ours_s, 3)})
        threads = blas_threads(k)
        if threads is not None:
            shared_s, _ = time_bare(bare, texts, k, args.batch_size, threads)
            results[-1].update(bare_shared_s=round(shared_s, 1), blas_threads=threads,
                               ratio_shared=round(shared_s / ours_s, 3))
        print(json.dumps(results[-1]), flush=True)
    report = {"model": model_version(pipeline), "batch_size": args.batch_size, "results": results}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
