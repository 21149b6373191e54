"""The command line's exit codes (README "Exit codes"), through the installed `newsfacts`."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEEDS

NEWSFACTS = str(Path(sys.executable).with_name("newsfacts"))


def newsfacts(*args, cwd=None) -> tuple[subprocess.CompletedProcess, float, float]:
    """The process, its wall time and its CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([NEWSFACTS, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PREFECT_HOME": str(Path(cwd or ".").resolve() / ".prefect")})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, time.monotonic() - started, cpu


@pytest.fixture
def mistakes(tmp_path):
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text('inputs = ["in"]\n[http]\ntimeout_s = -1\n')
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("not a folder")
    model_toml = tmp_path / "model.toml"
    model_toml.write_text(f'inputs = ["{SEEDS}"]\nspacy_model = "no_such_pipeline"\n')
    broken_yaml = tmp_path / "entities.yaml"
    broken_yaml.write_text("people: [unclosed\n")
    out = tmp_path / "out"
    return {
        "missing input": (["run", "--input", tmp_path / "missing", "--out", out], "input path does not exist"),
        "bad config value": (["run", "--config", bad_toml, "--out", out], "'http.timeout_s' must be a number > 0, not -1"),
        "out is a file": (["run", "--input", SEEDS, "--out", a_file], "is a file"),
        "unknown pipeline": (["run", "--input", SEEDS, "--out", out, "--spacy-model", "no_such_pipeline"],
                             "'no_such_pipeline' (set by --spacy-model)"),
        "pipeline from the config": (["run", "--config", model_toml, "--out", out], f"(set by spacy_model in {model_toml})"),
        "broken entities file": (["run", "--input", SEEDS, "--out", out, "--entities", broken_yaml],
                                 "cannot read the entities file"),
        "bad option value": (["run", "--input", SEEDS, "--batch-size", "0"], "must be an integer >= 1, not 0"),
        "unknown option": (["run", "--no-such-option"], "unrecognized arguments"),
    }


@pytest.mark.parametrize("case", ["missing input", "bad config value", "out is a file", "unknown pipeline",
                                  "pipeline from the config", "broken entities file", "bad option value",
                                  "unknown option"])
def test_a_mistake_exits_2_with_one_line_before_anything_starts(case, mistakes, tmp_path):
    args, says = mistakes[case]
    done, wall, cpu = newsfacts(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr
    if case not in ("bad option value", "unknown option"):  # (argparse prints its usage first)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert cpu < 2.0 and wall < 10, (cpu, wall)  # no Prefect server, no spaCy: a tenth of a second
    assert not (tmp_path / "out" / "state").exists()  # nothing recorded, nothing written


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "out"
    done, _, _ = newsfacts("run", "--input", SEEDS, "--out", out, cwd=out.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_a_run_that_publishes_exits_0_and_one_that_finds_the_lock_held_exits_1(published):
    lock = published / "state" / "run.lock"
    lock.write_text(json.dumps({"run_id": "20261124T020000Z-abcdef", "pid": os.getpid(), "host": os.uname().nodename,
                                "started_at": "2026-11-24T02:00:00+00:00"}))
    try:
        done, _, _ = newsfacts("run", "--input", SEEDS, "--out", published, cwd=published.parent)
    finally:
        lock.unlink()
    assert done.returncode == 1
    assert "20261124T020000Z-abcdef" in done.stderr.strip().splitlines()[-1]


def test_sql_the_catalog_refuses_exits_2_and_a_query_exits_0(published):
    done, _, _ = newsfacts("query", "select count(*) as n from documents", "--out", published, "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout) == [{"n": 1}]
    done, _, _ = newsfacts("query", "select nope from amounts", "--out", published)
    assert done.returncode == 2 and "nope" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_help_shows_every_default():
    from flows.config import DEFAULT_BATCH_SIZE, usable_cores

    done, _, _ = newsfacts("run", "--help")
    text = " ".join(done.stdout.split())
    for default in (f"else {DEFAULT_BATCH_SIZE})", f"this process may use: {usable_cores()} here)",
                    "(default: 5)", "(default: 30.0)", "(default: 5242880)"):
        assert default in text
