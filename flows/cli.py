"""`newsfacts`: run the nightly flow, serve it on a schedule, query the published tables."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import warnings
from functools import partial
from pathlib import Path

from flows.config import DEFAULT_BATCH_SIZE, usable_cores
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
    # Prefect's 20 s default for its temporary server to answer is too short on a loaded
    # machine (CI saw it time out with the run itself healthy); waiting longer costs nothing.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # (the only switch for the "Prefect collects anonymous usage data" notice printed on import)
    os.environ.setdefault("DO_NOT_TRACK", "1")


def cmd_run(args) -> int:
    from flows.preflight import check_run
    from flows.warehouse import Warehouse

    # every mistake in what was asked is found here, in a second, before Prefect and spaCy start
    config = run_config_file(args)
    sources = check_run(args.input, config, args.out, args.spacy_model, args.entities)
    busy(Warehouse(Path(sources.out)))
    from flows.quick import quick_noop

    # a night with nothing new needs neither Prefect nor spaCy: seconds instead of twenty
    row = quick_noop(sources, reprocess=args.reprocess, entities_file=args.entities,
                     keep_snapshots=args.keep_snapshots, max_bytes=args.max_bytes)
    if row is not None:
        return print_run(row, f"published {Warehouse(Path(sources.out)).db_path} (snapshot {row['run_id']})")
    from flows.nightly import nightly

    state = nightly(inputs=args.input, config=config, out=args.out, max_bytes=args.max_bytes,
                    spacy_model=args.spacy_model, batch_size=args.batch_size,
                    n_process=args.n_process, keep_snapshots=args.keep_snapshots,
                    entities_file=args.entities, reprocess=args.reprocess,
                    document_timeout_s=args.document_timeout, dask_address=args.dask, quiet=args.quiet,
                    return_state=True)
    if not state.is_completed():
        print(f"newsfacts: run failed: {state.message}", file=sys.stderr)
        return 1
    return print_run(state.result(), state.message)


def print_run(row: dict, message: str) -> int:
    """The run's one-line summary, its notes, and what it published."""
    print(f"run {row['run_id']}: {row['status']} — {row['docs_seen']} inputs, {row['docs_new']} new "
          f"documents, {row['docs_duplicate']} duplicates ({row['docs_skipped']} already extracted), "
          f"{row['docs_quarantined']} quarantined, {row['docs_reprocessed']} re-extracted; "
          f"amounts +{row['rows_amounts']}; validation {row['validation']}")
    if row.get("feed_entries_skipped"):
        print(f"note: {row['feed_entries_skipped']} feed entries past http.max_entries_per_feed were not read")
    if row["docs_stale"]:
        print(f"note: {row['docs_stale']} inputs were extracted by an older extractor version; "
              "`newsfacts run --reprocess` re-extracts every stored document")
    print(message)
    return 0


def busy(warehouse) -> None:
    """LockedError when a live run holds the output's lock (the flow would find it too, after
    Prefect's start-up)."""
    from flows.warehouse import LockedError, holder_state, locked_message

    holder = warehouse.lock_holder()
    if holder is not None and holder_state(holder) != "dead":
        raise LockedError(locked_message(warehouse.lock_path, holder))


def cmd_query(args) -> int:
    from flows.query import run_query

    return run_query(Path(args.out), args.sql, fmt=args.format, max_rows=args.max_rows)


def run_config_file(args) -> str | None:
    """--config, else ./newsfacts.toml when no --input is given and it exists."""
    if args.config:
        return str(Path(args.config).resolve())
    if not args.input and Path(DEFAULT_CONFIG).exists():
        return str(Path(DEFAULT_CONFIG).resolve())
    return None


# `prefect.yaml` deploys `newsfacts-nightly`; serving under that name too would take the worker's
# deployment over (no work pool) and leave it paused when `serve` stops.
SERVE_DEPLOYMENT = "newsfacts-serve"
START_API = ("start one with `prefect server start` (another terminal), then "
             "`export PREFECT_API_URL=http://127.0.0.1:4200/api`")


def prefect_api_problem(timeout_s: float = 5.0) -> str | None:
    """Why no Prefect API can keep a schedule: PREFECT_API_URL unset (Prefect would only start a
    temporary server, which has no scheduler) or not answering `/health`. None when it answers."""
    import httpx
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    url = PREFECT_API_URL.value()
    if not url:
        return "PREFECT_API_URL is not set"
    # One bounded try: the client retries for minutes by default. Over plain http its transport's
    # own retries (1.5 s on a closed port) go too; https keeps Prefect's TLS settings.
    once = {"timeout": timeout_s, **({"transport": httpx.HTTPTransport()} if url.startswith("http:") else {})}
    with temporary_settings({PREFECT_CLIENT_MAX_RETRIES: 0}):
        with get_client(sync_client=True, httpx_settings=once) as client:
            error = client.api_healthcheck()
    return f"no Prefect API answers at {url} ({type(error).__name__})" if error else None


def cmd_serve(args) -> int:
    from prefect.schedules import Cron

    try:
        schedule = Cron(args.cron, timezone="UTC")
    except ValueError as e:
        print(f"newsfacts: --cron: {e}", file=sys.stderr)
        return 2
    problem = prefect_api_problem()
    if problem:
        print(f"newsfacts: serve needs a running Prefect server: {problem}; {START_API}", file=sys.stderr)
        return 2
    from flows.nightly import nightly

    # Stopping `serve` pauses this deployment (Prefect's default), so no runs pile up unserved.
    previous = signal.signal(signal.SIGINT, _interrupt)
    try:
        nightly.serve(
            name=SERVE_DEPLOYMENT, schedule=schedule,
            parameters={"inputs": [str(Path(p).resolve()) for p in args.input or []],
                        "config": run_config_file(args),
                        "out": str(Path(args.out).resolve()) if args.out else None,
                        "spacy_model": args.spacy_model},
        )
    finally:
        signal.signal(signal.SIGINT, previous)
        _pause_served(f"{nightly.name}/{SERVE_DEPLOYMENT}")
    return 0


def _interrupt(signum, frame) -> None:
    """Ctrl-C stops `serve` at once. Left to asyncio, the first one only cancels the serving
    task, which Prefect's runner can absorb between runs: nothing happened, and the deployment
    stayed on (seen in the test suite)."""
    raise KeyboardInterrupt


def _pause_served(name: str) -> None:
    """Pause the served deployment once serving has stopped, with a call of its own: the
    runner's pause on the way out is an API call the interrupted loop may never finish."""
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            client.pause_deployment(client.read_deployment_by_name(name).id)
    except Exception as e:  # (the server gone too: nothing left to pause it on)
        print(f"newsfacts: could not pause deployment {name}: {type(e).__name__}: {e}", file=sys.stderr)


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
        print(lock_line(warehouse, holder))
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


def lock_line(warehouse, holder: dict) -> str:
    """The lock's holder, and whether it still runs: alive, stale (the next run takes it over),
    or on another host (only `unlock --force` breaks it)."""
    from flows.warehouse import holder_state

    who = (f"{holder.get('kind', 'run')} {holder.get('run_id')} (pid {holder.get('pid')} on "
           f"{holder.get('host')}, started {holder.get('started_at')})")
    state = holder_state(holder)
    if state == "alive":
        return f"running now: {who}"
    if state == "dead":
        return f"stale lock: {who} is no longer running; the next run takes the lock over"
    return (f"locked from another host: {who}, which cannot be checked from here; "
            f"`newsfacts unlock --out {warehouse.root} --force` breaks the lock if it is gone")


def cmd_unlock(args) -> int:
    from flows.warehouse import Warehouse

    warehouse = Warehouse(Path(args.out))
    broken = warehouse.break_lock(force=args.force)  # LockedError (exit 1) when it refuses
    if broken is None:
        print(f"no lock under {warehouse.root}")
        return 0
    holder, state = broken
    if state == "dead":  # a live holder may still finish and record itself
        from flows.ledger import record_dead_run

        record_dead_run(warehouse, holder, f"interrupted: process {holder.get('pid')} died; "
                                           "its lock was removed by `newsfacts unlock`")
    print(f"removed the lock of {holder.get('kind', 'run')} {holder.get('run_id')} "
          f"(pid {holder.get('pid')} on {holder.get('host')}, {state if state != 'dead' else 'not running'})")
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
                    scored_out=Path(args.scored_out) if args.scored_out else None,
                    choosers=tuple(args.choosers) if args.choosers is not None else None)


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


def cmd_report(args) -> int:
    from flows.report import build_report

    print(f"report: {build_report(Path(args.out))}")
    return 0


def cmd_docs(args) -> int:
    from transforms.schemas import tables_markdown

    sys.stdout.write(tables_markdown())
    return 0


class _Help(argparse.HelpFormatter):
    """Every option's default in its help, unless the help already says it."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "default" in text or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, not {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, not {text}")
    return value


def _source_options(sp) -> None:
    """Where a run reads and publishes, and with which pipeline (`run` and `serve`)."""
    sp.add_argument("--out", default=None, help="output root (default: the config's `out`, else data)")
    sp.add_argument("--input", action="append", metavar="PATH",
                    help="file or folder to ingest (repeatable)")
    sp.add_argument("--config", default=None, metavar="FILE",
                    help="newsfacts.toml listing inputs, feeds and urls (default: ./newsfacts.toml "
                         "when no --input is given)")
    sp.add_argument("--spacy-model", default=None, metavar="NAME",
                    help="spaCy pipeline name or path (default: $NEWSFACTS_SPACY_MODEL, "
                         "else the bundled models/newsfacts_en)")


def _run_commands(sub) -> None:
    """`run` and `serve`: the nightly flow, now or on a schedule."""
    run = sub.add_parser("run", help="ingest inputs and publish validated tables")
    _source_options(run)
    run.add_argument("--max-bytes", type=positive_int, default=DEFAULT_MAX_BYTES,
                     help="quarantine files (JSON Lines: records) larger than this")
    run.add_argument("--batch-size", type=positive_int, default=None,
                     help=f"documents per nlp.pipe batch (default: the config's batch_size, else {DEFAULT_BATCH_SIZE})")
    run.add_argument("--n-process", type=positive_int, default=None,
                     help="spaCy worker processes (default: the config's n_process, else every core "
                          f"this process may use: {usable_cores()} here)")
    run.add_argument("--quiet", action="store_true",
                     help="no progress on stderr (else a bar on a terminal, a log line per 500 documents or 30 s elsewhere)")
    run.add_argument("--keep-snapshots", type=positive_int, default=5, help="published snapshots to keep")
    run.add_argument("--dask", default=None, metavar="ADDRESS",
                     help="read input files and extract on this Dask scheduler's workers "
                          "(tcp://HOST:8786; default: the config's `dask`, else this machine)")
    run.add_argument("--document-timeout", type=positive_float, default=30.0, metavar="SECONDS",
                     help="quarantine a document whose extraction takes longer")
    run.add_argument("--entities", default=None, metavar="FILE",
                     help="user gazetteer of entities (default: ./entities.yaml when present)")
    run.add_argument("--reprocess", action="store_true",
                     help="re-extract every stored document (after a new code or model version)")
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="serve the nightly flow on a cron schedule (long-running; "
                                          "needs a Prefect server: PREFECT_API_URL)")
    _source_options(serve)
    serve.add_argument("--cron", default="0 2 * * *", help="schedule, UTC (default: 02:00 daily)")
    serve.set_defaults(func=cmd_serve)


def _model_commands(sub) -> None:
    """`eval` and `train`: scoring and training the extractors on gold annotations."""
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
    ev.add_argument("--choosers", nargs="*", default=None, metavar="SECTION",
                    choices=("amounts", "demands", "events"),  # (`evaluation.choosers.SECTIONS`, not
                    # imported here: it loads spaCy)
                    help="with --folds: parse once and refit only these extractors' learned choosers "
                         "per fold (default all three), scoring their sections: minutes instead of "
                         "the official run's half hour, for trying a change (evaluation/choosers.py)")
    ev.set_defaults(func=cmd_eval)

    tr = sub.add_parser("train", help="train the trainable extractors on gold annotations (default: into models/)")
    tr.add_argument("--gold", required=True, metavar="FILE", help="gold JSON Lines file (GOLD.md format)")
    tr.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "models"),
                    help="folder to write each component's model folder into (default: the shipped models/)")
    tr.add_argument("--component", action="append", metavar="NAME",
                    help="train only this component (repeatable; default: every trainable one)")
    tr.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    tr.set_defaults(func=cmd_train)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsfacts", description=__doc__, formatter_class=_Help)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser = partial(sub.add_parser, formatter_class=_Help)  # every command shows its defaults

    _run_commands(sub)

    status = sub.add_parser("status", help="the current snapshot, a run in progress and the last runs")
    status.add_argument("--out", default=DEFAULT_OUT, help="output root (default: data)")
    status.add_argument("--last", type=int, default=10, help="runs to list (default 10)")
    status.set_defaults(func=cmd_status)

    unlock = sub.add_parser("unlock", help="remove the run lock a dead run (or another host) left behind")
    unlock.add_argument("--out", default=DEFAULT_OUT, help="output root (default: data)")
    unlock.add_argument("--force", action="store_true",
                        help="also when the holder looks alive on this host or runs on another host")
    unlock.set_defaults(func=cmd_unlock)

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

    _model_commands(sub)

    report = sub.add_parser("report", help="write DIR/report/index.html from the published tables "
                                           "(every run writes it too)")
    report.add_argument("--out", default=DEFAULT_OUT, help="output root")
    report.set_defaults(func=cmd_report)

    docs = sub.add_parser("docs", help="print the tables' reference (docs/tables.md)")
    docs.set_defaults(func=cmd_docs)
    return p


# Exit codes (README "Exit codes"): 0 done; 1 the command ran and failed; 2 it could not run as
# given: usage, configuration, inputs, output folder, pipeline, the user's SQL.
USAGE_ERRORS = ("UsageError", "ConfigError", "InputError", "ModelError", "FileNotFoundError",
                "NotADirectoryError")
KNOWN_FAILURES = ("LockedError", "PublishError")  # their message says it all
ENV_DEBUG = "NEWSFACTS_DEBUG"  # set: tracebacks instead of one line


def exit_code(error: Exception) -> int:
    module = type(error).__module__
    if type(error).__name__ in USAGE_ERRORS or module.startswith(("duckdb", "_duckdb")):
        return 2
    return 1


def main(argv: list[str] | None = None) -> int:
    _quiet()
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as e:
        if os.environ.get(ENV_DEBUG):
            raise
        code = exit_code(e)
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if code == 1 and type(e).__name__ not in KNOWN_FAILURES:
            reason = f"{type(e).__name__}: {reason} (set {ENV_DEBUG}=1 for the traceback)"
        print(f"newsfacts: {reason}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
