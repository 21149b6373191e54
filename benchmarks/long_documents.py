"""Extraction time against a document's length: is it linear?

One text per length, made of bulk articles joined by blank lines (a long report, a book, a
scraped archive page), run through the pipeline's components one at a time:

    .venv/bin/python benchmarks/long_documents.py [--bulk ../shared/corpora/news/bulk.jsonl]
        [--lengths 20000 80000 320000]

Prints, per length, seconds per component and in all, and characters per second (flat when
extraction is linear). Each length runs once after a warm-up on a short text.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.nlp import load_pipeline  # noqa: E402

BULK = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "news" / "bulk.jsonl"


def long_text(bulk: Path, chars: int) -> str:
    texts, total = [], 0
    with bulk.open(encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            total += len(texts[-1]) + 2
            if total >= chars:
                break
    return "\n\n".join(texts)[:chars]


def timed(nlp, text: str) -> dict[str, float]:
    doc = nlp.make_doc(text)
    seconds = {}
    for name, proc in nlp.pipeline:
        started = time.perf_counter()
        doc = proc(doc)
        seconds[name] = time.perf_counter() - started
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bulk", type=Path, default=BULK)
    ap.add_argument("--lengths", type=int, nargs="+", default=[20_000, 80_000, 320_000])
    args = ap.parse_args()
    nlp = load_pipeline()
    timed(nlp, long_text(args.bulk, 5_000))  # warm-up: lexicons, models, caches
    for chars in args.lengths:
        seconds = timed(nlp, long_text(args.bulk, chars))
        total = sum(seconds.values())
        parts = ", ".join(f"{n.removeprefix('newsfacts_')} {s:.2f}" for n, s in seconds.items() if s >= 0.005)
        print(f"{chars:>9,} chars: {total:6.1f} s, {chars / total:7,.0f} chars/s  ({parts})", flush=True)


if __name__ == "__main__":
    main()
