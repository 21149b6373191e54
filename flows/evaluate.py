"""`newsfacts eval`: run the real flow on gold articles and score what it published.

I/O and orchestration only: the gold file becomes a JSON Lines input, `flows.nightly.nightly`
publishes it, the published rows are read back with DuckDB, and `transforms.scoring` scores them.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from flows.warehouse import connect_readonly
from transforms.scoring import Scores, format_table, score

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


def run_and_score(gold: Path, out: Path, spacy_model: str | None) -> Scores:
    """Publish the gold articles under `out` with the nightly flow and score the tables."""
    from flows.nightly import nightly

    records = read_gold(gold)
    with tempfile.TemporaryDirectory(prefix="newsfacts-eval-in-") as tmp:
        inputs = write_inputs(records, Path(tmp) / "gold_inputs.jsonl")
        state = nightly(inputs=[str(inputs)], out=str(out), spacy_model=spacy_model,
                        return_state=True)
    if not state.is_completed():
        raise RuntimeError(f"evaluation run failed: {state.message}")
    return score(records, published_rows(out))


def evaluate(gold: Path, out: Path | None, spacy_model: str | None, as_json: bool) -> int:
    """Score the pipeline on a gold file and print the metrics; returns the exit code.

    out (Path | None): where the evaluation run publishes; by default a temporary folder.
        An existing output keeps its published documents, and the run only extracts new ones,
        so point it at a fresh folder to measure changed code.
    """
    if not gold.exists():
        raise FileNotFoundError(f"gold file does not exist: {gold}")
    if out is None:
        with tempfile.TemporaryDirectory(prefix="newsfacts-eval-") as tmp:
            scores = run_and_score(gold, Path(tmp), spacy_model)
    else:
        scores = run_and_score(gold, out, spacy_model)
    if as_json:
        json.dump(scores.as_dict(), sys.stdout, indent=2)
        print()
    else:
        print(format_table(scores))
    return 0
