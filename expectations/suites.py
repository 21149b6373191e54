"""Great Expectations suites, one per table, built from the schemas in `transforms.schemas`.

Each expectation is marked with a level in its meta:
- "row": a failing row is removed and becomes a `quarantine` row naming the expectation;
- "table": a failure stops publication (the previous snapshot stays in place).

Span checks need `documents.text`, so before validation each span table gets two helper columns
from a left join on the run's documents: `_doc_n_chars` (null when `doc_id` is unknown: the
foreign-key check) and `_doc_span` (`text[start:end]` of that document).

A night's tables are validated in batches of Arrow rows (`BATCH_ROWS`), read from the staged
Parquet files and written back batch by batch, and each batch looks up only the texts of its own
documents: memory stays bounded however many documents a night brings.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from transforms.schemas import FACT_TABLES, TABLES, Table

ROW, TABLE = "row", "table"
# Rows Great Expectations sees at a time: a batch costs its pandas frame, the helper columns
# and, for a failing expectation, the failing row indexes, so memory is bounded by the batch,
# not the night. Each batch also costs GX a fixed time per table. On a synthetic night of
# 19,160 documents (572,300 mentions, 10x the first 2,000 bulk articles), batches of 20,000
# rows took 33 s (+227 MB over the process), of 50,000 rows 18.5 s (+203 MB); the whole
# tables at once 9 s, but only after resolution had held them all as Python rows (+1.6 GB).
BATCH_ROWS = 50_000
# Documents carry their text (1.5 KB on average in the bulk corpus, up to --max-bytes): fewer a batch.
DOCUMENT_BATCH_ROWS = 2_000
# What DuckDB may hold while it looks for a repeated key across a table's batches (it spills
# past it).
KEY_CHECK_MEMORY = "256MB"


@dataclass
class TableReport:
    table: str
    rows_in: int
    rows_out: int
    success: bool
    failed: list[dict] = field(default_factory=list)


@dataclass
class ValidationReport:
    """Outcome of validating one run's tables."""

    tables: dict[str, TableReport]
    quarantine: list[dict]
    table_failures: list[str]
    results: list[dict]

    @property
    def publishable(self) -> bool:
        return not self.table_failures

    @property
    def summary(self) -> str:
        if self.table_failures:
            return "failed: " + "; ".join(self.table_failures)
        if self.quarantine:
            return f"passed; quarantined {len(self.quarantine)} rows"
        return "passed"


def expectations_for(table: Table) -> list:
    """The expectation objects of one table's suite."""
    import great_expectations.expectations as gxe

    def meta(level: str, why: str) -> dict:
        return {"level": level, "why": why}

    exps = [gxe.ExpectTableColumnsToMatchOrderedList(
        column_list=table.column_names + helper_columns(table), meta=meta(TABLE, "the published schema"))]
    if table.key:
        exps.append(gxe.ExpectColumnValuesToBeUnique(column=table.key, meta=meta(TABLE, "unique ids")))
    for col in table.columns:
        if not col.nullable:
            exps.append(gxe.ExpectColumnValuesToNotBeNull(column=col.name, meta=meta(ROW, "required")))
        if col.allowed:
            exps.append(gxe.ExpectColumnValuesToBeInSet(
                column=col.name, value_set=list(col.allowed), meta=meta(ROW, "allowed values")))
        if col.greater_than is not None:
            exps.append(gxe.ExpectColumnValuesToBeBetween(
                column=col.name, min_value=col.greater_than, strict_min=True, meta=meta(ROW, "positive")))
    if table.name == "documents":
        exps.append(gxe.ExpectColumnPairValuesToBeEqual(
            column_A="n_chars", column_B="_text_length", meta=meta(ROW, "n_chars == len(text)")))
    if table.name == "amounts":
        for bound, a, b in (("value_min", "value", "value_min"), ("value_max", "value_max", "value")):
            exps.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=a, column_B=b, or_equal=True, ignore_row_if="either_value_is_missing",
                meta=meta(ROW, f"{bound} bounds value")))
    if table.doc_fk:
        exps.append(gxe.ExpectColumnValuesToNotBeNull(
            column="_doc_n_chars", meta=meta(ROW, "foreign key: doc_id exists in documents")))
    if "start" in table.column_names:
        exps += [
            gxe.ExpectColumnValuesToBeBetween(column="start", min_value=0, meta=meta(ROW, "offsets inside the text")),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="end", column_B="start", meta=meta(ROW, "non-empty span")),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="_doc_n_chars", column_B="end", or_equal=True,
                ignore_row_if="either_value_is_missing", meta=meta(ROW, "offsets inside the text")),
        ]
    if table.span:
        exps.append(gxe.ExpectColumnPairValuesToBeEqual(
            column_A="text", column_B="_doc_span", meta=meta(ROW, "text == documents.text[start:end]")))
    if table.name == "events":
        exps += [
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="trigger", column_B="_doc_trigger", meta=meta(ROW, "trigger == documents.text[trigger_start:trigger_end]")),
            gxe.ExpectColumnValuesToBeInSet(
                column="_has_party", value_set=[True], meta=meta(ROW, "a source or a target")),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="_doc_published", column_B="_past_event_date", or_equal=True,
                ignore_row_if="either_value_is_missing", meta=meta(ROW, "a past event is not dated after publication")),
        ]
    return exps


def helper_columns(table: Table) -> list[str]:
    """Columns added for validation only, in the order `_with_helpers` adds them."""
    helpers = ["_text_length"] if table.name == "documents" else []
    if table.doc_fk or "start" in table.column_names:
        helpers.append("_doc_n_chars")
    if table.span:
        helpers.append("_doc_span")
    if table.name == "events":
        helpers += ["_doc_trigger", "_has_party", "_doc_published", "_past_event_date"]
    return helpers


def _with_helpers(name: str, df: pd.DataFrame, texts: dict[str, str],
                  published: dict[str, object] | None = None) -> pd.DataFrame:
    """The frame GX sees: the table plus the helper columns its cross-table checks need."""
    table = TABLES[name]
    df = df.copy()
    if name == "documents":
        df["_text_length"] = df["text"].str.len()
    if table.doc_fk or "start" in table.column_names:
        n_chars = {d: len(t) for d, t in texts.items()}
        df["_doc_n_chars"] = df["doc_id"].map(n_chars).astype("Int64")
    if table.span:
        df["_doc_span"] = [
            texts[d][s:e] if d in texts else None
            for d, s, e in zip(df["doc_id"], df["start"], df["end"])
        ]
    if name == "events":
        df["_doc_trigger"] = [texts[d][s:e] if d in texts else None
                              for d, s, e in zip(df["doc_id"], df["trigger_start"], df["trigger_end"])]
        df["_has_party"] = df[["source_entity_id", "source_text", "target_entity_id", "target_text"]].notna().any(axis=1)
        day = {d: p.date() for d, p in (published or {}).items() if p is not None}
        df["_doc_published"] = pd.Series([day.get(d) for d in df["doc_id"]], index=df.index, dtype="object")
        df["_past_event_date"] = pd.Series([e if isinstance(t, str) and t == "past" and not pd.isna(e) else None
                                            for e, t in zip(df["event_date"], df["tense"])], index=df.index, dtype="object")
    return df


def _describe(result) -> str:
    config = result.expectation_config
    args = ", ".join(f"{k}={v!r}" for k, v in config.kwargs.items()
                     if k in ("column", "column_A", "column_B", "min_value"))
    return f"{config.type}({args})"


class Validator:
    """Validates a run's tables with one ephemeral GX context; writes Data Docs to `docs_dir`."""

    def __init__(self, docs_dir: Path | None = None):
        import great_expectations as gx

        # GX sets some of its loggers to INFO (e.g. a line per ephemeral context); keep run logs
        # to what matters.
        for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_expectations")]:
            logging.getLogger(name).setLevel(logging.WARNING)
        self.context = gx.get_context(mode="ephemeral")
        # The default site is a temporary folder; ours lives under the output root.
        self.context.delete_data_docs_site("local_site")
        self.context.variables.progress_bars = {"globally": False, "metric_calculations": False}
        if docs_dir is not None:
            self.context.add_data_docs_site(site_name="newsfacts", site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": str(docs_dir)},
            })
        self.docs_dir = docs_dir
        self.source = self.context.data_sources.add_pandas("newsfacts")
        self.definitions = {}
        for name, table in TABLES.items():
            suite = self.context.suites.add(gx.ExpectationSuite(name=name))
            for exp in expectations_for(table):
                suite.add_expectation(exp)
            batch = self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("run")
            self.definitions[name] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite))

    def check(self, name: str, table: pa.Table) -> list[str]:
        """Validate a bookkeeping table (`runs`, `quarantine`) that newsfacts writes itself:
        any failing expectation is a table-level failure, returned as messages."""
        result = self.definitions[name].run(
            batch_parameters={"dataframe": table.to_pandas(types_mapper=pd.ArrowDtype)})
        return [f"table {name!r}: {_describe(r)}" for r in result.results if not r.success]

    def validate(self, tables: dict[str, pa.Table | Path], *, run_id: str, at: datetime,
                 clean_dir: Path | None = None, exclude_docs: set[str] = frozenset(),
                 batch_rows: int | None = None) -> tuple[dict[str, pa.Table | Path], ValidationReport]:
        """Validate the fact tables of a run, `batch_rows` rows at a time.

        tables (dict[str, pa.Table | Path]): this run's new rows per table (FACT_TABLES), in
            memory or as a Parquet file (streamed).
        clean_dir (Path | None): where to write each table's passing rows (`<table>.parquet`,
            published schema); None: returned as tables.
        exclude_docs (set[str]): documents already rejected (by extraction): left out with
            their rows, as validation's own rejected documents are.
        batch_rows (int | None): rows a batch (None: BATCH_ROWS; documents at most
            DOCUMENT_BATCH_ROWS).
        RETURNS (tuple): the tables with failing rows removed (documents that fail take their
            rows in other tables with them; a Path per table with `clean_dir`) and the report.

        Every batch gets every expectation, and a row-level failure quarantines that row in
        whichever batch it is. A table-level one (the column list, unique ids) fails the run
        from any batch; unique ids are also checked across batches, on the key column alone.
        """
        batch_rows = batch_rows or BATCH_ROWS
        report = ValidationReport({}, [], [], [])
        clean: dict[str, pa.Table | Path] = {}
        rejected = set(exclude_docs)
        for name in FACT_TABLES:
            rows = min(batch_rows, DOCUMENT_BATCH_ROWS) if name == "documents" else batch_rows
            # Only tables whose checks read documents (offsets, foreign keys) look them up:
            # entity_aliases, sorted by entity, point at most of a night's documents in a batch.
            documents = pads.dataset(clean["documents"]) if "_doc_n_chars" in helper_columns(TABLES[name]) else None
            sink = _Sink(name, clean_dir)
            report.tables[name] = self._validate_table(name, tables[name], rows, documents, rejected, sink,
                                                       report, run_id=run_id, at=at)
            clean[name] = sink.close()
        if self.docs_dir is not None:
            self.context.build_data_docs()
            serve_docs_offline(self.docs_dir)
        return clean, report

    def _validate_table(self, name: str, source: pa.Table | Path, rows: int, documents, rejected: set[str],
                        sink: "_Sink", report: ValidationReport, *, run_id: str, at: datetime) -> TableReport:
        """One table, batch by batch: failing rows to `report.quarantine`, passing ones to
        `sink`; a failing document's id added to `rejected` (its rows in later tables leave
        with it)."""
        excluded = set(rejected)  # as this table's rows were before its own checks
        failed: dict[tuple[str, str], dict] = {}
        rows_in = 0
        for batch in _batches(source, rows):
            if rejected and "doc_id" in batch.column_names:
                # Rows of documents rejected above leave with their document.
                gone = pc.is_in(batch["doc_id"], pa.array(sorted(rejected), pa.string()))
                batch = batch.filter(pc.invert(gone))
            df = batch.to_pandas(types_mapper=pd.ArrowDtype)
            texts, published = _documents_of(documents, df)
            result = self.definitions[name].run(
                batch_parameters={"dataframe": _with_helpers(name, df, texts, published)},
                result_format="COMPLETE")
            self._forget_batch()
            report.results.append(result.to_json_dict())
            bad_rows = self._failures(name, result, failed, report.table_failures)
            for i, described in sorted(bad_rows.items()):
                report.quarantine.append(_quarantine_row(name, df.iloc[i], described, run_id, at))
            if bad_rows:
                batch = batch.filter(pa.array([i not in bad_rows for i in range(len(df))]))
                if name == "documents":
                    rejected |= {df["doc_id"].iloc[i] for i in bad_rows}
            rows_in += len(df)
            sink.add(batch)
        unique = f"expect_column_values_to_be_unique(column={TABLES[name].key!r})"
        if TABLES[name].key and (unique, TABLE) not in failed and _repeated_keys(name, source, excluded):
            self._table_failure(name, unique, failed, report.table_failures)
        if sink.broken and not any(level == TABLE for _, level in failed):
            self._table_failure(name, "rows that passed do not fit the published schema", failed,
                                report.table_failures)
        return TableReport(name, rows_in, sink.count, not any(level == TABLE for _, level in failed),
                           list(failed.values()))

    def _forget_batch(self) -> None:
        """Drop what GX's pandas engine keeps of a batch once validated: the frame itself (the
        last one of every table) and every metric it computed on it, row-long boolean Series
        among them. Never read again (each batch has its own id), they grew validation's
        memory with the night: +20 MB of Arrow and +40 MB of RSS for twice the bulk corpus."""
        engine = self.source.get_execution_engine()
        engine.batch_manager.batch_data_cache.clear()
        engine.batch_manager.reset_batch_cache()
        engine._metric_cache.clear()  # no public way to empty it

    @staticmethod
    def _failures(name: str, result, failed: dict, failures: list[str]) -> dict[int, str]:
        """A batch's failed expectations added to the table's (counts summed over batches;
        a table-level one named once in `failures`); RETURNS {row index in the batch: the
        first row-level expectation it failed}."""
        bad_rows: dict[int, str] = {}
        for r in result.results:
            if r.success:
                continue
            level = r.expectation_config.meta.get("level", TABLE)
            described = _describe(r)
            entry = failed.setdefault((described, level), {"expectation": described, "level": level,
                                                           "unexpected_count": None})
            if r.result.get("unexpected_count") is not None:
                entry["unexpected_count"] = (entry["unexpected_count"] or 0) + r.result["unexpected_count"]
            if level == TABLE:
                message = f"table {name!r}: {described}"
                if message not in failures:
                    failures.append(message)
                continue
            for i in r.result.get("unexpected_index_list") or []:
                bad_rows.setdefault(int(i), described)
        return bad_rows

    @staticmethod
    def _table_failure(name: str, described: str, failed: dict, failures: list[str]) -> None:
        failed[(described, TABLE)] = {"expectation": described, "level": TABLE, "unexpected_count": None}
        failures.append(f"table {name!r}: {described}")


def _repeated_keys(name: str, source: pa.Table | Path, excluded: set[str]) -> bool:
    """Whether the key repeats anywhere in the table (each batch saw only itself), rows of
    `excluded` documents left out. DuckDB groups the key column under a memory limit, spilling
    beside the staged file: the keys of a whole night in Arrow grew validation's peak with the
    night (by 70 MB for twice the bulk corpus)."""
    import duckdb

    key = TABLES[name].key
    near = source.parent if isinstance(source, Path) else None
    with tempfile.TemporaryDirectory(dir=near, prefix=f".{name}-keys-") as spill:
        con = duckdb.connect(config={"memory_limit": KEY_CHECK_MEMORY, "temp_directory": spill, "threads": 1})
        try:
            con.execute("set enable_progress_bar = false")  # (it draws on stdout past 2 s)
            con.register("rows", con.read_parquet(str(source)) if isinstance(source, Path) else source)
            where = ""
            if excluded and "doc_id" in TABLES[name].column_names:
                con.register("gone", pa.table({"doc_id": pa.array(sorted(excluded), pa.string())}))
                where = "where doc_id not in (select doc_id from gone)"
            found = con.execute(f'select 1 from rows {where} group by "{key}" having count(*) > 1 limit 1').fetchall()
        finally:
            con.close()
    return bool(found)


def _batches(source: pa.Table | Path, rows: int):
    """A table's rows `rows` at a time (at least one batch, maybe empty, so that an empty
    table is validated too: its column list, and a page in Data Docs)."""
    if isinstance(source, pa.Table):
        yield from (source.slice(i, rows) for i in range(0, max(source.num_rows, 1), rows))
        return
    parquet = pq.ParquetFile(source)
    empty = True
    for batch in parquet.iter_batches(batch_size=rows):
        empty = False
        yield pa.Table.from_batches([batch])
    if empty:
        yield parquet.schema_arrow.empty_table()


def _documents_of(documents, df: pd.DataFrame) -> tuple[dict[str, str], dict[str, object]]:
    """The texts and publication times of the documents a batch points to, read from the run's
    clean documents (a dataset: a Parquet file or a table), never the whole night's texts."""
    if documents is None or "doc_id" not in df:
        return {}, {}
    ids = pa.array(df["doc_id"].dropna().unique().tolist(), pa.string())
    rows = documents.to_table(columns=["doc_id", "text", "published_at"], filter=pc.field("doc_id").isin(ids))
    doc_ids = rows["doc_id"].to_pylist()
    return dict(zip(doc_ids, rows["text"].to_pylist())), dict(zip(doc_ids, rows["published_at"].to_pylist()))


def _quarantine_row(name: str, row: pd.Series, described: str, run_id: str, at: datetime) -> dict:
    key = TABLES[name].key
    return {
        "run_id": run_id,
        "source": str(row["source"]) if "source" in row.index else f"table {name}",
        "doc_id": _scalar(row.get("doc_id")),
        "stage": "validation",
        "reason": f"row failed {described}",
        "at": at,
        "table_name": name,
        "expectation": described,
        "row_key": _scalar(row.get(key)) if key else None,
    }


class _Sink:
    """Where a table's passing rows go: a Parquet file in `folder` written batch by batch
    (published schema), or, without a folder, one table in memory."""

    def __init__(self, name: str, folder: Path | None):
        self.schema = TABLES[name].schema
        self.path = folder / f"{name}.parquet" if folder is not None else None
        self.batches: list[pa.Table] = []
        self.count = 0
        self.broken = False
        self.writer = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd", compression_level=3)

    def add(self, batch: pa.Table) -> None:
        try:
            batch = batch.select(self.schema.names).cast(self.schema)
        except (KeyError, ValueError, pa.ArrowException):
            # Columns or types the published schema refuses: a table-level expectation failed
            # in this batch (or `validate` names it), so nothing is published.
            self.broken = True
            return
        self.count += batch.num_rows
        if self.writer is None:
            self.batches.append(batch)
        elif batch.num_rows:
            self.writer.write_table(batch)

    def close(self) -> pa.Table | Path:
        if self.writer is None:
            return pa.concat_tables(self.batches) if self.batches else self.schema.empty_table()
        self.writer.close()
        return self.path


def _scalar(value):
    return None if value is None or pd.isna(value) else str(value)


# Data Docs offline. GX's templates link Bootstrap, jQuery, bootstrap-table and Font Awesome
# from CDNs and ship no copies; `expectations/static/` holds the same releases (see its
# README.md), copied beside the docs so the pages render styled from a file with no network.
VENDOR = Path(__file__).parent / "static"
_CDN = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "js/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "js/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "css/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "js/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "js/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "css/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "css/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "css/fontawesome.min.css",
}
# Left out: Vega draws only profiling charts, which newsfacts does not build; the dark theme is
# optional. The logo is in GX's own static/images.
_DROPPED = ("https://cdn.jsdelivr.net/npm/vega", "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark")
_LOGO = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png"
_RESOURCE = re.compile(r'<(script|link|img)\b[^>]*?(?:src|href)="(https?://[^"]+)"[^>]*>(?:\s*</script>)?')
_CORS = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')


def serve_docs_offline(docs_dir: Path) -> None:
    """Copy the vendored assets under `docs_dir/static/vendor/` and point every Data Docs page
    at them instead of the CDNs. Idempotent; pages already rewritten are left alone."""
    shutil.copytree(VENDOR, docs_dir / "static" / "vendor", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("README.md"))
    for page in docs_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "https://" not in html:
            continue
        up = "../" * (len(page.relative_to(docs_dir).parts) - 1)
        offline = _RESOURCE.sub(lambda m: _local(m, up), html)
        if offline != html:
            page.write_text(offline, encoding="utf-8")


def _local(match: re.Match, up: str) -> str:
    tag, url = match.group(0), match.group(2)
    if url.startswith(_DROPPED):
        return ""
    if url.startswith(_LOGO):
        return tag.replace(url, f"{up}static/images/logo-long.png")
    if url in _CDN:
        # Subresource integrity and CORS mode make Chromium refuse file:// scripts.
        return _CORS.sub("", tag.replace(url, f"{up}static/vendor/{_CDN[url]}"))
    return tag
