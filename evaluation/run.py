"""`newsfacts eval`: run the real flow on gold articles and score what it published.

I/O and orchestration only: the gold file becomes a JSON Lines input, `flows.nightly.nightly`
publishes it, the published rows are read back with DuckDB, and `evaluation.scoring` scores them.
`--folds K` cross-validates (`evaluation.folds`): each held fold is published by its own flow run
into a fresh folder, with the components trained on the other folds named to the pipeline
through `NEWSFACTS_COMPONENT_MODELS` (`evaluation.trainable`). `--scored-out DIR` scores a folder
an earlier run published, without running the flow.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

from evaluation.folds import CrossValidation, cross_validate, format_summary
from evaluation.scoring import Scores, Tables, format_table, score
from evaluation.trainable import COMPONENT_MODELS_ENV
from flows.preflight import UsageError
from flows.warehouse import connect_readonly

# The input record format of the flow (README, Inputs); everything but `gold`.
INPUT_FIELDS = ("id", "title", "text", "published", "url_or_path", "source", "license")
SCORED_TABLES = ("documents", "entities", "mentions", "amounts", "demands", "events")


def read_gold(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: not JSON: {e}") from e
    return records


def write_inputs(records: list[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps({k: rec.get(k) for k in INPUT_FIELDS}, ensure_ascii=False) + "\n")
    return path


def published_rows(out: Path) -> dict[str, list[dict]]:
    con = connect_readonly(out)
    try:
        tables = {}
        for name in SCORED_TABLES:
            rel = con.sql(f"select * from {name}")
            tables[name] = [dict(zip(rel.columns, row)) for row in rel.fetchall()]
        return tables
    finally:
        con.close()


@contextlib.contextmanager
def component_models_env(models: dict[str, Path] | None):
    """`NEWSFACTS_COMPONENT_MODELS` set to `{component: folder}` for the duration (unchanged when
    `models` is None), then restored."""
    if models is None:
        yield
        return
    before = os.environ.get(COMPONENT_MODELS_ENV)
    os.environ[COMPONENT_MODELS_ENV] = json.dumps({k: str(Path(v).resolve()) for k, v in models.items()})
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(COMPONENT_MODELS_ENV, None)
        else:
            os.environ[COMPONENT_MODELS_ENV] = before


def publish(records: list[dict], out: Path, spacy_model: str | None,
            models: dict[str, Path] | None = None) -> None:
    """Publish the gold records' articles under `out` with the nightly flow."""
    from flows.nightly import nightly

    with tempfile.TemporaryDirectory(prefix="newsfacts-eval-in-") as tmp:
        inputs = write_inputs(records, Path(tmp) / "gold_inputs.jsonl")
        with component_models_env(models):
            state = nightly(inputs=[str(inputs)], out=str(out), spacy_model=spacy_model,
                            return_state=True)
    if not state.is_completed():
        raise RuntimeError(f"evaluation run failed: {state.message}")


def score_output(records: list[dict], out: Path) -> Scores:
    """Score gold records against what an earlier run published under `out` (no flow run)."""
    return score(records, published_rows(out))


def run_and_score(records: list[dict], out: Path, spacy_model: str | None,
                  models: dict[str, Path] | None = None) -> Scores:
    """Publish the gold articles under `out` with the nightly flow and score the tables."""
    publish(records, out, spacy_model, models)
    return score_output(records, out)


def _fresh(folder: Path) -> Path:
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"fold output folder is not empty (each fold needs a fresh one): {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cross_validate_flow(records: list[dict], k: int, seed: int, spacy_model: str | None,
                        out: Path | None = None) -> CrossValidation:
    """K-fold cross-validation through the real flow: each held fold is published into a fresh
    folder (out/fold-<i>, else a temporary folder removed once scored)."""

    def run_fold(i: int, held: list[dict], models: dict[str, Path]) -> Scores:
        if out is not None:
            return run_and_score(held, _fresh(out / f"fold-{i}"), spacy_model, models)
        with tempfile.TemporaryDirectory(prefix=f"newsfacts-cv-fold{i}-") as tmp:
            return run_and_score(held, Path(tmp), spacy_model, models)

    return cross_validate(records, k, seed, run_fold,
                          work_dir=(out / "models") if out is not None else None)


def cross_validate_output(records: list[dict], k: int, seed: int, scored_out: Path) -> CrossValidation:
    """Each fold's records scored on one published output (no training: equal to cross-validation
    only while no component trains)."""
    tables = Tables(published_rows(scored_out))
    return cross_validate(records, k, seed, lambda i, held, models: score(held, tables), train=False)


def _write_json(report: dict, json_path: Path | None, to_stdout: bool) -> None:
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n",
                             encoding="utf-8")
    if to_stdout:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False, default=str)
        print()


def evaluate(gold: Path, out: Path | None, spacy_model: str | None, as_json: bool,
             folds: int | None = None, seed: int = 0, json_path: Path | None = None,
             scored_out: Path | None = None, choosers: tuple[str, ...] | None = None) -> int:
    """Score the pipeline on a gold file and print the metrics; returns the exit code.

    out (Path | None): where the evaluation run publishes; by default a temporary folder.
        An existing output keeps its published documents, and the run only extracts new ones,
        so point it at a fresh folder to measure changed code. With `folds`, each fold publishes
        under out/fold-<i> (which must be new or empty) and trained models go under out/models.
    folds (int | None): K-fold cross-validation by article, seeded with `seed`.
    json_path (Path | None): also write the report there as JSON.
    scored_out (Path | None): score this already published output instead of running the flow.
    choosers (tuple | None): with `folds`, refit only these extractors' learned choosers on
        articles parsed once (`evaluation.choosers`; empty: all of them) instead of the flow.
    """
    if not gold.exists():
        raise FileNotFoundError(f"gold file does not exist: {gold}")
    if scored_out is not None and not scored_out.exists():
        raise FileNotFoundError(f"output folder does not exist: {scored_out}")
    if choosers is not None and (folds is None or scored_out is not None):
        raise UsageError("--choosers cross-validates: it needs --folds and no --scored-out")
    records = read_gold(gold)
    if folds is not None:
        try:
            if choosers is not None:
                from evaluation.choosers import SECTIONS, cross_validate_choosers

                cv = cross_validate_choosers(records, folds, seed, choosers or SECTIONS)
            elif scored_out is not None:
                cv = cross_validate_output(records, folds, seed, scored_out)
            else:
                cv = cross_validate_flow(records, folds, seed, spacy_model, out)
        except (ValueError, FileExistsError) as e:  # too few folds or articles, a used fold folder
            print(f"newsfacts: {e}", file=sys.stderr)
            return 2
        report = {"gold": str(gold), **cv.as_dict(errors=True)}
        if not as_json:
            for f in cv.folds:
                print(f"fold {f.fold} ({len(f.record_ids)} articles)\n{format_table(f.scores)}\n")
            print(format_summary(cv))
        _write_json(report, json_path, as_json)
        return 0
    if scored_out is not None:
        scores = score_output(records, scored_out)
    elif out is None:
        with tempfile.TemporaryDirectory(prefix="newsfacts-eval-") as tmp:
            scores = run_and_score(records, Path(tmp), spacy_model)
    else:
        scores = run_and_score(records, out, spacy_model)
    if not as_json:
        print(format_table(scores))
    _write_json({"gold": str(gold), **scores.as_dict()}, json_path, as_json)
    return 0
