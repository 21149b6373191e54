"""Peak memory of resolution and validation on a large synthetic night, without extracting it.

    .venv/bin/python benchmarks/peak_memory.py --articles 2000 --out /tmp/b2000/out   # once
    .venv/bin/python benchmarks/stream_memory.py --warehouse /tmp/b2000/out --times 10

Builds a staged night from a published output: every document and fact `--times` times over
(ids suffixed; the per-document entities rebuilt from the mentions, as the linker stages them),
then runs the flow's `resolve` steps and `Validator.validate` on it in this process, as the run
does, and prints each step's time and peak RSS (sampled every 50 ms) above the process's.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from transforms.schemas import FACT_TABLES, TABLES

MB = 1 << 20


def stage_night(published: Path, times: int, out: Path) -> dict[str, Path]:
    """The staged Parquet files of a night holding `published` `times` times over."""
    def scan(table: str) -> str:
        return f"read_parquet('{published / table}/*.parquet', union_by_name=true)"

    copies, k = f"(select range as k from range({times}))", "'_' || k"
    ids = {"mentions": "mention_id", "amounts": "amount_id", "demands": "demand_id", "events": "event_id"}
    sql = {"documents": f"select * replace (doc_id || {k} as doc_id) from {scan('documents')}, {copies}",
           "entity_aliases": f"select * replace (doc_id || {k} as doc_id) from {scan('entity_aliases')}, "
                             f"{copies} where doc_id is not null",
           "entities": f"""select e.entity_id, any_value(e.name) as name, any_value(e.type) as type,
               any_value(e.aliases) as aliases, any_value(e.roles) as roles, 1::bigint as doc_count,
               count(*)::bigint as mention_count, null as wikidata_id, null as country
               from {scan('mentions')} m join {scan('entities')} e using (entity_id), {copies}
               group by e.entity_id, m.doc_id, k"""}
    for table, key in ids.items():
        extra = f", demand_id || {k} as demand_id" if table == "events" else ""
        sql[table] = (f"select * replace (doc_id || {k} as doc_id, {key} || {k} as {key}{extra}) "
                      f"from {scan(table)}, {copies}")
    con = duckdb.connect()
    out.mkdir(parents=True, exist_ok=True)
    staged = {}
    for name in FACT_TABLES:
        schema = pa.schema([f.with_nullable(True) for f in TABLES[name].schema])
        rows = con.sql(sql[name]).to_arrow_table().select(schema.names).cast(schema)
        staged[name] = out / f"{name}.parquet"
        pq.write_table(rows, staged[name])
        print(f"{name}: {rows.num_rows:,} rows")
    return staged


class Peak:
    """The process's largest RSS since `reset`, sampled in a thread."""

    def __init__(self):
        self.process, self.value = psutil.Process(), 0
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.value = max(self.value, self.process.memory_info().rss)
            time.sleep(0.05)

    def measure(self, name: str, step):
        start = self.value = self.process.memory_info().rss
        t0 = time.perf_counter()
        result = step()
        time.sleep(0.1)
        print(f"{name}: {time.perf_counter() - t0:.1f} s, RSS {start // MB} MB at the start, "
              f"peak {self.value // MB} MB (+{(self.value - start) // MB} MB)")
        return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", type=Path, required=True, help="an output folder `newsfacts run` published")
    p.add_argument("--times", type=int, default=10)
    args = p.parse_args()

    from expectations.suites import Validator
    from flows.nightly import RESOLVE_CHUNK_ROWS, IdMap, entity_chunks, run_aliases, write_rows
    from transforms.entities.resolve import resolve_entities
    from transforms.extract import EXTRACTED_TABLES

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        staged = stage_night((args.warehouse / "warehouse").resolve(), args.times, work / "staged")
        peak, validator = Peak(), Validator(work / "docs")

        def resolve() -> dict[str, Path]:  # the body of flows.nightly.resolve, on an empty warehouse
            entities, mapping, merges = [], {}, []
            for chunk in entity_chunks(staged["entities"], RESOLVE_CHUNK_ROWS):
                entities, found, merged = resolve_entities(entities, chunk, [])
                mapping.update(found)
                merges += merged
            remap = IdMap(mapping)
            out = {"documents": staged["documents"],
                   "entities": write_rows("entities", [e for e in entities if e["doc_count"]], work / "resolved")}
            for name in EXTRACTED_TABLES:
                if name not in out:
                    out[name] = remap.rewrite(staged[name], work / "resolved" / f"{name}.parquet", name)
            out["entity_aliases"] = run_aliases(out["entity_aliases"], merges, "synthetic")
            return out

        tables = peak.measure("resolve", resolve)
        _, report = peak.measure("validate", lambda: validator.validate(
            tables, run_id="synthetic", at=datetime.now(UTC), clean_dir=work / "clean"))
        print(f"validation: {report.summary}; rows out: "
              + ", ".join(f"{n} {r.rows_out:,}" for n, r in report.tables.items()))


if __name__ == "__main__":
    main()
