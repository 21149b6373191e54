"""Peak memory of `newsfacts run`, per process and per stage, on N articles of the bulk corpus.

    .venv/bin/python benchmarks/peak_memory.py --articles 2000 [--n-process 1] [--out DIR]

Writes the first N records of ../shared/corpora/news/bulk.jsonl to a JSON Lines file, runs the
real CLI in a child process (cold, into `--out` or a temporary folder) and samples the resident
memory of it and every descendant (spaCy workers, Prefect's temporary server) every 0.1 s with
psutil. Prints the wall time, the largest process's peak RSS, the CLI process's own peak and
that peak during each stage (from the run's `state/events.jsonl`), so a stage that holds a
night's rows in memory shows up by name. With `--again` it then runs the CLI once more on the
same input (nothing new) and prints that run's wall time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BULK = ROOT.parent / "shared" / "corpora" / "news" / "bulk.jsonl"
SAMPLE_S = 0.1


def sample(proc: subprocess.Popen, trace: list[tuple[float, int, int]], done: threading.Event) -> None:
    """(time, RSS of the CLI process, largest RSS of any process in its tree) every SAMPLE_S."""
    root = psutil.Process(proc.pid)
    while not done.is_set():
        try:
            own = root.memory_info().rss
            largest = max([own, *(_rss(c) for c in root.children(recursive=True))])
        except psutil.Error:
            break
        trace.append((time.time(), own, largest))
        done.wait(SAMPLE_S)


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def run_cli(cmd: list[str], repo: Path) -> tuple[float, list[tuple[float, int, int]], str]:
    trace: list[tuple[float, int, int]] = []
    done = threading.Event()
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(repo)}  # the code of `repo` before the installed one
    proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = threading.Thread(target=sample, args=(proc, trace, done), daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"run failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, trace, (out.strip().splitlines() or [""])[0]


def stage_peaks(events: Path, trace: list[tuple[float, int, int]]) -> list[tuple[str, float, int]]:
    """(stage, seconds, the CLI process's peak RSS while it ran) for the last run's stages."""
    from datetime import datetime

    records = [json.loads(line) for line in events.read_text().splitlines() if line.strip()]
    last = [r for r in records if r["run_id"] == records[-1]["run_id"]]
    peaks = []
    for r in last:
        end = datetime.fromisoformat(r["at"]).timestamp()
        start = end - r["seconds"]
        inside = [own for t, own, _ in trace if start <= t <= end]
        peaks.append((r["stage"], r["seconds"], max(inside, default=0)))
    return peaks


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--corpus", type=Path, default=BULK)
    p.add_argument("--n-process", type=int, default=1)
    p.add_argument("--out", type=Path, default=None, help="output folder to keep (default: temporary)")
    p.add_argument("--again", action="store_true", help="then time a run with nothing new")
    p.add_argument("--trace", type=Path, default=None, help="write the cold run's samples (CSV) here")
    p.add_argument("--repo", type=Path, default=ROOT,
                   help="run this checkout's code (e.g. an earlier version) with this venv")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "out"
        sample_file = out.parent / f"bulk-{args.articles}.jsonl"
        out.parent.mkdir(parents=True, exist_ok=True)
        with args.corpus.open(encoding="utf-8") as src, sample_file.open("w", encoding="utf-8") as dst:
            dst.writelines(itertools.islice(src, args.articles))
        cmd = [str(ROOT / ".venv" / "bin" / "python"), "-c", "import sys; from flows.cli import main; sys.exit(main())",
               "run", "--input", str(sample_file),
               "--out", str(out), "--n-process", str(args.n_process), "--quiet"]
        wall, trace, summary = run_cli(cmd, args.repo.resolve())
        mb = 1024 * 1024
        if args.trace:
            args.trace.write_text("".join(f"{t:.1f},{own // mb},{largest // mb}\n" for t, own, largest in trace))
        print(f"articles: {args.articles}, n_process={args.n_process}, pid {os.getpid()}")
        print(f"cold run: {wall:.1f} s; peak RSS: largest process {max(t[2] for t in trace) / mb:.0f} MB, "
              f"CLI process {max(t[1] for t in trace) / mb:.0f} MB")
        for stage, seconds, peak in stage_peaks(out / "state" / "events.jsonl", trace):
            print(f"  {stage:9s} {seconds:8.1f} s  CLI peak {peak / mb:6.0f} MB")
        print(f"summary: {summary}")
        if args.again:
            wall, trace, summary = run_cli(cmd, args.repo.resolve())
            print(f"nothing new: {wall:.2f} s, peak RSS {max(t[2] for t in trace) / mb:.0f} MB; {summary}")


if __name__ == "__main__":
    main()
