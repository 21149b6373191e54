"""Wall time of a night with nothing new: `newsfacts run` on inputs already published.

    .venv/bin/python benchmarks/noop.py --built DIR --input PATH [--repo CODE] [--times 3] [--profile FILE]

Copies the output folder `--built` (made by a cold `newsfacts run` on the same `--input`) to a
temporary folder, runs the real CLI there once to warm the file cache (and the report's chart
cache), then `--times` more times, each in a fresh process with a fresh PREFECT_HOME and no
PREFECT_API_URL, as a scheduler would. Checks that every run was a no-op (its `runs` row says
nothing new and a snapshot of its own is published) and prints each wall time, the best and the
median, and the ingest and publish stages from `state/events.jsonl`. `--repo` runs another
checkout's code (its folder first on PYTHONPATH). `--profile FILE` runs one more time under
cProfile and writes the stats to FILE (`python -m pstats FILE`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(repo: Path, inputs: list[str], out: Path, profile: Path | None = None) -> float:
    """One `newsfacts run` in a child process; RETURNS its wall time (s). Fails unless it was a no-op."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PYTHONPATH": str(repo), "PREFECT_HOME": tempfile.mkdtemp(prefix="pf-noop-")}
    cli = ["-m", "cProfile", "-o", str(profile), "-m", "flows.cli"] if profile else ["-m", "flows.cli"]
    cmd = [sys.executable, *cli, "run", *(a for p in inputs for a in ("--input", p)), "--out", str(out), "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    shutil.rmtree(env["PREFECT_HOME"], ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"newsfacts run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    last = json.loads((out / "state" / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    if last.get("docs_new") or "nothing new" not in str(last.get("validation")):
        raise SystemExit(f"not a night with nothing new: {last}")
    if (out / "warehouse").resolve().name != last["run_id"]:
        raise SystemExit(f"run {last['run_id']} published no snapshot of its own")
    return wall


def stages(out: Path, n: int) -> list[dict]:
    """The ingest and publish records of the last `n` runs."""
    lines = (out / "state" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    runs = list(dict.fromkeys(e["run_id"] for e in events if "run_id" in e))[-n:]
    return [{e["stage"]: e["seconds"] for e in events if e.get("run_id") == r and "seconds" in e} for r in runs]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--built", type=Path, required=True, help="an output folder published from --input")
    p.add_argument("--input", action="append", required=True)
    p.add_argument("--repo", type=Path, default=ROOT, help="the code to run (default: this checkout)")
    p.add_argument("--times", type=int, default=3)
    p.add_argument("--profile", type=Path, help="also run once under cProfile, stats to this file")
    args = p.parse_args()
    inputs = [str(Path(i).resolve()) for i in args.input]
    with tempfile.TemporaryDirectory(prefix="noop-") as tmp:
        out = Path(tmp) / "out"
        shutil.copytree(args.built, out, symlinks=True)
        warm = run_once(args.repo.resolve(), inputs, out)
        walls = [run_once(args.repo.resolve(), inputs, out) for _ in range(args.times)]
        print(f"warm-up {warm:.2f} s; runs " + ", ".join(f"{w:.2f}" for w in walls)
              + f" s; best {min(walls):.2f} s, median {statistics.median(walls):.2f} s")
        print("stages (s):", stages(out, args.times))
        if args.profile:
            run_once(args.repo.resolve(), inputs, out, args.profile.resolve())
            print(f"profile: {args.profile}")


if __name__ == "__main__":
    main()
