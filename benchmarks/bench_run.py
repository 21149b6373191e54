"""Wall time and peak memory of `newsfacts run` on N articles of the bulk news corpus.

    .venv/bin/python benchmarks/bench_run.py --articles 1000
    .venv/bin/python benchmarks/bench_run.py --articles 2000 --n-process 2

Writes the first N records of ../shared/corpora/news/bulk.jsonl to a temporary JSON Lines file,
runs the real CLI in a child process into a temporary output folder (cold), runs it again on the
same input (nothing new: every document already extracted), and prints wall times, documents/s,
the re-run's share of the cold run and peak RSS. Each run starts Prefect's temporary server
unless PREFECT_API_URL points at a running one (`prefect server start`), as a nightly
deployment does.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BULK = ROOT.parent / "shared" / "corpora" / "news" / "bulk.jsonl"


def run(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"benchmark run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, proc.stdout.strip().splitlines()[0]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--corpus", type=Path, default=BULK)
    p.add_argument("--n-process", type=int, default=1)
    p.add_argument("--spacy-model", default=None)
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.jsonl"
        with args.corpus.open(encoding="utf-8") as src, sample.open("w", encoding="utf-8") as dst:
            lines = list(itertools.islice(src, args.articles))
            dst.writelines(lines)
        words = sum(len(json.loads(line).get("text", "").split()) for line in lines)
        cmd = [str(ROOT / ".venv" / "bin" / "newsfacts"), "run", "--input", str(sample),
               "--out", str(Path(tmp) / "out"), "--n-process", str(args.n_process)]
        if args.spacy_model:
            cmd += ["--spacy-model", args.spacy_model]
        cold, summary = run(cmd)
        warm, _ = run(cmd)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"articles: {len(lines)} ({words} words), n_process={args.n_process}")
    print(f"cold run:  {cold:7.1f} s  ({len(lines) / cold:6.1f} docs/s, {words / cold:8.0f} words/s)")
    print(f"re-run:    {warm:7.1f} s  (nothing new: {100 * warm / cold:.1f}% of the cold run)")
    print(f"peak RSS:  {peak_mb:7.0f} MB (largest child process)")
    print(f"summary:   {summary}")


if __name__ == "__main__":
    main()
