"""`newsfacts`: run the nightly flow, serve it on a schedule, query the published tables."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

from transforms.ingest import DEFAULT_MAX_BYTES

DEFAULT_OUT = "data"
DEFAULT_CONFIG = "newsfacts.toml"
FORMATS = ("table", "csv", "json")


def _quiet() -> None:
    # Library deprecation chatter is not for analysts' terminals.
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module="great_expectations")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def cmd_run(args) -> int:
    from flows.nightly import nightly

    state = nightly(inputs=args.input, config=run_config_file(args), out=args.out, max_bytes=args.max_bytes,
                    spacy_model=args.spacy_model, batch_size=args.batch_size,
                    n_process=args.n_process, keep_snapshots=args.keep_snapshots,
                    entities_file=args.entities, reprocess=args.reprocess, return_state=True)
    if not state.is_completed():
        print(f"newsfacts: run failed: {state.message}", file=sys.stderr)
        return 1
    row = state.result()
    print(f"run {row['run_id']}: {row['status']} — {row['docs_seen']} inputs, {row['docs_new']} new "
          f"documents, {row['docs_duplicate']} duplicates ({row['docs_skipped']} already extracted), "
          f"{row['docs_quarantined']} quarantined, {row['docs_reprocessed']} re-extracted; "
          f"amounts +{row['rows_amounts']}; validation {row['validation']}")
    if row["docs_stale"]:
        print(f"note: {row['docs_stale']} inputs were extracted by an older extractor version; "
              "`newsfacts run --reprocess` re-extracts every stored document")
    print(state.message)
    return 0


def cmd_query(args) -> int:
    from flows.warehouse import connect_readonly

    con = connect_readonly(Path(args.out))
    try:
        rel = con.sql(args.sql)
        if rel is None:
            return 0
        if args.format == "table":
            rel.show(max_width=200, max_rows=args.max_rows)
            return 0
        table = rel.to_arrow_table()
        if args.format == "csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(table, sys.stdout.buffer)
        else:
            json.dump(table.to_pylist(), sys.stdout, indent=2, default=str, ensure_ascii=False)
            print()
        return 0
    finally:
        con.close()


def run_config_file(args) -> str | None:
    """--config, else ./newsfacts.toml when no --input is given and it exists."""
    if args.config:
        return str(Path(args.config).resolve())
    if not args.input and Path(DEFAULT_CONFIG).exists():
        return str(Path(DEFAULT_CONFIG).resolve())
    return None


def cmd_serve(args) -> int:
    from flows.nightly import nightly

    nightly.serve(
        name="newsfacts-nightly", cron=args.cron,
        parameters={"inputs": [str(Path(p).resolve()) for p in args.input or []],
                    "config": run_config_file(args),
                    "out": str(Path(args.out).resolve()) if args.out else None,
                    "spacy_model": args.spacy_model},
    )
    return 0


def cmd_status(args) -> int:
    from flows.warehouse import Warehouse

    warehouse = Warehouse(Path(args.out))
    current = warehouse.current()
    if current is None:
        print(f"no snapshot published under {warehouse.root} yet")
    else:
        counts = ", ".join(f"{n} {warehouse.row_count(n)}" for n in (
            "documents", "entities", "mentions", "amounts", "demands", "events", "quarantine"))
        print(f"current snapshot: {current.name} ({current})\n  rows: {counts}")
    holder = warehouse.lock_holder()
    if holder:
        print(f"running now: {holder.get('kind', 'run')} {holder.get('run_id')} (pid {holder.get('pid')}, "
              f"started {holder.get('started_at')})")
    runs = warehouse.run_history()[-args.last:]
    if runs:
        print(f"last {len(runs)} runs:")
        for r in reversed(runs):
            took = (r["finished_at"] - r["started_at"]).total_seconds() if r.get("finished_at") else None
            what = r.get("message") or (f"{r['docs_seen']} seen, {r['docs_new']} new, "
                                        f"{r['docs_skipped']} skipped, {r['docs_quarantined']} quarantined; "
                                        f"validation {r['validation']}")
            print(f"  {r['run_id']}  {r['status']:<7}  {f'{took:.1f}s' if took is not None else '-':>7}  {what}")
    return 0


def cmd_compact(args) -> int:
    import secrets
    from datetime import UTC, datetime, timedelta

    from flows.warehouse import Warehouse

    warehouse = Warehouse(Path(args.out))
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}Z-compact-{secrets.token_hex(2)}"
    with warehouse.lock(run_id, kind="compact"):
        warehouse.recover()
        result = warehouse.compact(run_id, max_age=timedelta(days=args.max_age_days),
                                   rows_per_file=args.rows_per_file)
    files = ", ".join(f"{n} {f['before']}->{f['after']}" for n, f in result["files"].items())
    print(f"compacted into snapshot {result['snapshot']} (files per table: {files}); "
          f"pruned {len(result['pruned'])} snapshots older than {args.max_age_days} days")
    return 0


def cmd_eval(args) -> int:
    from evaluation.run import evaluate

    return evaluate(gold=Path(args.gold), out=Path(args.out) if args.out else None,
                    spacy_model=args.spacy_model, as_json=args.format == "json",
                    folds=args.folds, seed=args.seed, json_path=Path(args.json) if args.json else None,
                    scored_out=Path(args.scored_out) if args.scored_out else None)


def cmd_train(args) -> int:
    from evaluation.run import read_gold
    from evaluation.trainable import load_trainers

    try:
        records = read_gold(Path(args.gold))
    except ValueError as e:  # a line that is not JSON
        print(f"newsfacts: {e}", file=sys.stderr)
        return 2
    trainers = load_trainers()
    unknown = set(args.component or ()) - set(trainers)
    if unknown:
        print(f"newsfacts: no trainer for {sorted(unknown)} (trainable: {sorted(trainers)})", file=sys.stderr)
        return 2
    for name, train in trainers.items():
        if not args.component or name in args.component:
            try:
                folder = train(records, Path(args.out), args.seed)
            except ValueError as e:  # nothing in the gold to learn from
                print(f"newsfacts: cannot train {name}: {e}", file=sys.stderr)
                return 2
            print(f"{name}: trained on {len(records)} articles -> {folder}")
    return 0


def cmd_docs(args) -> int:
    from transforms.schemas import tables_markdown

    sys.stdout.write(tables_markdown())
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsfacts", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def sources(sp):
        sp.add_argument("--out", default=None, help="output root (default: the config's `out`, else data)")
        sp.add_argument("--input", action="append", metavar="PATH",
                        help="file or folder to ingest (repeatable)")
        sp.add_argument("--config", default=None, metavar="FILE",
                        help="newsfacts.toml listing inputs, feeds and urls (default: ./newsfacts.toml "
                             "when no --input is given)")
        sp.add_argument("--spacy-model", default=None, metavar="NAME",
                        help="spaCy pipeline name or path (default: $NEWSFACTS_SPACY_MODEL, "
                             "else the bundled models/newsfacts_en)")

    run = sub.add_parser("run", help="ingest inputs and publish validated tables")
    sources(run)
    run.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                     help="quarantine files (JSON Lines: records) larger than this (default 5 MB)")
    run.add_argument("--batch-size", type=int, default=64, help="documents per nlp.pipe batch")
    run.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")
    run.add_argument("--keep-snapshots", type=int, default=5, help="published snapshots to keep")
    run.add_argument("--entities", default=None, metavar="FILE",
                     help="user gazetteer of entities (default: ./entities.yaml when present)")
    run.add_argument("--reprocess", action="store_true",
                     help="re-extract every stored document (after a new code or model version)")
    run.set_defaults(func=cmd_run)

    status = sub.add_parser("status", help="the current snapshot, a run in progress and the last runs")
    status.add_argument("--out", default=DEFAULT_OUT, help="output root (default: data)")
    status.add_argument("--last", type=int, default=10, help="runs to list (default 10)")
    status.set_defaults(func=cmd_status)

    compact = sub.add_parser("compact", help="rewrite small Parquet files into large ones; prune old snapshots")
    compact.add_argument("--out", default=DEFAULT_OUT, help="output root (default: data)")
    compact.add_argument("--max-age-days", type=float, default=30.0,
                         help="remove snapshots older than this, except the current one (default 30)")
    compact.add_argument("--rows-per-file", type=int, default=1_000_000, help="rows per Parquet file")
    compact.set_defaults(func=cmd_compact)

    query = sub.add_parser("query", help="run SQL against the published tables (read-only)")
    query.add_argument("sql")
    query.add_argument("--out", default=DEFAULT_OUT, help="output root (default: data)")
    query.add_argument("--format", choices=FORMATS, default="table")
    query.add_argument("--max-rows", type=int, default=100, help="rows shown by --format table")
    query.set_defaults(func=cmd_query)

    serve = sub.add_parser("serve", help="serve the nightly flow on a cron schedule (long-running)")
    sources(serve)
    serve.add_argument("--cron", default="0 2 * * *", help="schedule (default: 02:00 daily)")
    serve.set_defaults(func=cmd_serve)

    ev = sub.add_parser("eval", help="score extraction against gold annotations (../shared/eval/GOLD.md)")
    ev.add_argument("--gold", required=True, metavar="FILE", help="gold JSON Lines file")
    ev.add_argument("--out", default=None, help="keep the evaluation run's tables here (default: a temporary folder)")
    ev.add_argument("--spacy-model", default=None, metavar="NAME")
    ev.add_argument("--format", choices=("table", "json"), default="table",
                    help="json: print the report as JSON instead of tables")
    ev.add_argument("--folds", type=int, default=None, metavar="K",
                    help="K-fold cross-validation by article: train the trainable components on K-1 "
                         "folds, score the held one through the flow; per-fold metrics and mean ± sd")
    ev.add_argument("--seed", type=int, default=0, help="seed of the fold split and training (default 0)")
    ev.add_argument("--json", default=None, metavar="FILE", help="also write the report to FILE as JSON")
    ev.add_argument("--scored-out", default=None, metavar="DIR",
                    help="score what an earlier run published under DIR instead of running the flow "
                         "(with --folds: each fold's records on that output, nothing trained)")
    ev.set_defaults(func=cmd_eval)

    tr = sub.add_parser("train", help="train the trainable extractors on gold annotations (default: into models/)")
    tr.add_argument("--gold", required=True, metavar="FILE", help="gold JSON Lines file (GOLD.md format)")
    tr.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "models"),
                    help="folder to write each component's model folder into (default: the shipped models/)")
    tr.add_argument("--component", action="append", metavar="NAME",
                    help="train only this component (repeatable; default: every trainable one)")
    tr.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    tr.set_defaults(func=cmd_train)

    docs = sub.add_parser("docs", help="print the tables' reference (docs/tables.md)")
    docs.set_defaults(func=cmd_docs)
    return p


def main(argv: list[str] | None = None) -> int:
    _quiet()
    args = parser().parse_args(argv)
    from flows.sources import InputError
    from flows.warehouse import LockedError, PublishError
    from transforms.nlp import ModelError

    try:
        return args.func(args)
    except (InputError, ModelError, PublishError, LockedError, FileNotFoundError) as e:
        print(f"newsfacts: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # duckdb errors in `query` are the user's SQL: say so, no traceback
        if type(e).__module__.startswith("duckdb") or type(e).__module__.startswith("_duckdb"):
            print(f"newsfacts: {e}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
