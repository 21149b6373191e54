"""`DIR/report/index.html`: what the last run took in and what the facts look like.

Built after every run from the published catalog (read-only) and the run ledger, and on demand
by `newsfacts report`. One self-contained HTML file: charts are Vega-Lite (altair) rendered to
inline SVG by vl-convert, styles are inline, and nothing is fetched from anywhere. Every fact shown
links to its evidence in `report/documents.html`, which holds only the documents the report
cites, each cited span marked and anchored by the fact's id. Lists are top-N, so the report
stays small on a warehouse of thousands of articles.
"""

from __future__ import annotations

import html
import json
import numbers
import os
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import vl_convert as vlc

TOP = 25  # rows per list
SPAN = ('"start"', '"end"')
# When documents carry no publication date (many corpora), the ingest date stands in.
WHEN = "coalesce(d.published_at, d.ingested_at)"
WITH_DOC = "f join documents d on d.doc_id = f.doc_id"

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 32px}header h1{margin:0;font-size:22px}
main{padding:8px 32px 48px;max-width:1200px}section{background:#fff;border:1px solid #dde1e7;
border-radius:6px;padding:12px 20px;margin:16px 0}h2{font-size:17px;margin:4px 0 10px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;
border-bottom:1px solid #eceff3;vertical-align:top}th{background:#f0f2f5}td.n{text-align:right}
.kpi{display:inline-block;margin:0 24px 8px 0}.kpi b{display:block;font-size:22px}
.muted{color:#667}mark{background:#ffe08a}.chart svg{max-width:100%;height:auto}
nav a{color:#cde;margin-right:14px}article{border-top:1px solid #ddd;padding:8px 0}
article p{white-space:pre-wrap}
"""


def build_report(out_dir: Path) -> Path:
    """Write `out_dir/report/index.html` (and `documents.html`, the evidence it links to).

    out_dir (Path): an output root, as written by `newsfacts run`; nothing published is fine.
    RETURNS (Path): the index file.
    """
    from flows.warehouse import Warehouse, connect_readonly, write_json

    warehouse = Warehouse(out_dir)
    runs = warehouse.run_history()
    folder = warehouse.root / "report"
    folder.mkdir(parents=True, exist_ok=True)
    if not warehouse.db_path.exists():
        sections, cited = [_section("Nothing published yet", "<p>Run <code>newsfacts run</code> first.</p>")], {}
    else:
        con = connect_readonly(warehouse.root)
        try:
            sections, cited = Report(con, warehouse, runs).sections()
            documents = _documents_page(con, cited)
        finally:
            con.close()
        _write(folder / "documents.html", documents)
    sections.append(_runs_section(runs))
    index = folder / "index.html"
    _write(index, _page("newsfacts report", sections, f"{len(runs)} runs; built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"))
    write_json({"built_at": datetime.now(UTC), "cited_documents": len(cited)}, folder / "report.json")
    return index


class Report:
    """The sections read from one catalog connection; `cited` collects the evidence to show."""

    def __init__(self, con: duckdb.DuckDBPyConnection, warehouse, runs: list[dict]):
        self.con, self.warehouse, self.runs = con, warehouse, runs
        self.cited: dict[str, list[tuple[str, int, int]]] = {}  # doc_id -> (fact_id, start, end)

    def df(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def sections(self) -> tuple[list[str], dict]:
        parts = [self.intake(), self.facts(), self.entities(), self.money(), self.largest(),
                 self.demands(), self.events(), self.validation()]
        return parts, self.cited

    def link(self, fact_id: str, doc_id: str, start: int, end: int) -> str:
        """A link to the fact's evidence: the document and its character span."""
        self.cited.setdefault(doc_id, []).append((fact_id, int(start), int(end)))
        return _Html(f'<a href="documents.html#{html.escape(fact_id)}" title="document {html.escape(doc_id)}, '
                     f'characters {start}-{end}">{html.escape(doc_id[:10])}:{start}-{end}</a>')

    def intake(self) -> str:
        last = self.runs[-1] if self.runs else {}
        keys = ("docs_seen", "docs_new", "docs_duplicate", "docs_skipped", "docs_quarantined")
        kpis = "".join(f'<span class="kpi"><b>{last.get(k, 0)}</b>{k.replace("docs_", "")}</span>' for k in keys)
        status = f"run {last.get('run_id', '-')}: {last.get('status', 'no run')}; validation {last.get('validation', '-')}"
        reasons = self.df("select stage, reason, count(*) as n, max(source) as example from quarantine "
                          f"where run_id = (select max(run_id) from quarantine) group by all order by n desc limit {TOP}")
        return _section("What the last run took in",
                        f"<p>{html.escape(status)}</p>{kpis}<h3>Quarantined, by reason (latest run with any)</h3>"
                        + _table(reasons, empty="nothing quarantined"))

    def facts(self) -> str:
        names = ("documents", "entities", "mentions", "amounts", "demands", "events", "quarantine")
        counts = pd.DataFrame({"table": names, "rows": [self.warehouse.row_count(n) for n in names]})
        chart = alt.Chart(counts).mark_bar().encode(x=alt.X("rows:Q"), y=alt.Y("table:N", sort=None))
        return _section("Facts per table", _chart(chart) + _table(counts))

    def entities(self) -> str:
        top = self.df(f"select name, type, doc_count, mention_count, amounts_as_subject + amounts_as_payer as amounts, "
                      f"demands_made + demands_received as demands, events_as_source + events_as_target as events "
                      f"from entity_facts order by doc_count desc, mention_count desc, name limit {TOP}")
        chart = alt.Chart(top.head(15)).mark_bar().encode(
            x=alt.X("doc_count:Q", title="documents"), y=alt.Y("name:N", sort="-x", title=None), color="type:N")
        return _section(f"Top {TOP} entities", _chart(chart) + _table(top))

    def money(self) -> str:
        by_month = self.df(f"select date_trunc('month', {WHEN})::date as month, currency, purpose, count(*) as amounts, "
                           f"sum(value) as total from amounts {WITH_DOC} group by all order by month")
        top_cur = by_month.groupby("currency")["amounts"].sum().nlargest(4).index.tolist()
        shown = by_month[by_month["currency"].isin(top_cur)]
        chart = alt.Chart(shown).mark_bar().encode(
            x=alt.X("yearmonth(month):O", title="publication month (ingest month when undated)"),
            y=alt.Y("sum(amounts):Q", title="amounts"), color="purpose:N",
            row=alt.Row("currency:N", title=None)).properties(height=110, width=700)
        table = self.df("select purpose, currency, count(*) as n, sum(value) as total from amounts "
                        f"group by all order by n desc limit {TOP}")
        return _section("Money by purpose and currency over publication time",
                        (_chart(chart) if len(shown) else "") + _table(table, empty="no amounts"))

    def largest(self) -> str:
        rows = self.df(f"select amount_id, doc_id, {SPAN[0]}, {SPAN[1]}, value, currency, text, purpose, subject, payer, "
                       f"title, evidence from (select *, row_number() over (partition by currency order by value desc) "
                       f"as r from amounts_named) where r <= 10 and currency in (select currency from amounts "
                       f"group by 1 order by count(*) desc limit 3) order by currency, value desc")
        body = [[f"{r.value:,.0f}", r.currency, r.text, r.purpose, r.subject, r.payer,
                 _marked(r.evidence, r.text), self.link(r.amount_id, r.doc_id, r.start, r.end)]
                for r in rows.itertuples()]
        return _section("Largest amounts (top 10 in each of the 3 commonest currencies)", _rows(
            ["value", "currency", "as written", "purpose", "subject", "payer", "evidence sentence", "evidence"], body,
            empty="no amounts"))

    def demands(self) -> str:
        status = self.df("select category, status, count(*) as n from demands group by all")
        chart = alt.Chart(status).mark_bar().encode(
            x=alt.X("sum(n):Q", title="demands"), y=alt.Y("category:N", sort="-x", title=None), color="status:N")
        rows = self.df(f"select demand_id, doc_id, {SPAN[0]}, {SPAN[1]}, actor, text, addressee, category, status, "
                       f"status_evidence from demands_named order by published_at desc nulls last, doc_id, {SPAN[0]} limit {TOP}")
        body = [[r.actor, r.text, r.addressee, r.category, r.status, r.status_evidence,
                 self.link(r.demand_id, r.doc_id, r.start, r.end)] for r in rows.itertuples()]
        return _section(f"Demands and their outcome (latest {TOP})", (_chart(chart) if len(status) else "") + _rows(
            ["actor", "demand", "of", "category", "status", "status evidence", "evidence"], body, empty="no demands"))

    def events(self) -> str:
        by_month = self.df(f"select date_trunc('month', coalesce(event_date, {WHEN}))::date as month, event_type, "
                           f"count(*) as n from events {WITH_DOC} group by all")
        chart = alt.Chart(by_month).mark_bar().encode(
            x=alt.X("yearmonth(month):O", title="event month (publication or ingest month when undated)"),
            y=alt.Y("sum(n):Q", title="events"), color=alt.Color("event_type:N", title="type")).properties(width=700)
        rows = self.df(f"select event_id, doc_id, {SPAN[0]}, {SPAN[1]}, event_date, source, event_type, mode, target, "
                       f"trigger from events_named order by event_date desc nulls last, doc_id limit {TOP}")
        body = [[r.event_date, r.source, r.event_type, r.mode, r.target, r.trigger,
                 self.link(r.event_id, r.doc_id, r.start, r.end)] for r in rows.itertuples()]
        return _section(f"Events over time by type (latest {TOP} listed)", (_chart(chart) if len(by_month) else "")
                        + _rows(["date", "source", "type", "mode", "target", "trigger", "evidence"], body, empty="no events"))

    def validation(self) -> str:
        rows = []
        for path in sorted(self.warehouse.validation_dir.glob("*.json"))[-5:][::-1]:
            report = json.loads(path.read_text(encoding="utf-8"))
            for name, t in report.get("tables", {}).items():
                failed = "; ".join(f"{f['expectation']} ({f.get('unexpected_count')})" for f in t.get("failed", []))
                rows.append([report["run_id"], name, t["rows_in"], t["rows_out"],
                             "passed" if t["success"] and not failed else ("rows quarantined" if t["success"] else "FAILED"),
                             failed])
        docs = '<p><a href="../docs/index.html">Great Expectations Data Docs</a></p>'
        return _section("Validation results (last 5 runs)", docs + _rows(
            ["run", "table", "rows in", "rows out", "result", "failed expectations (rows)"], rows, empty="no validation yet"))


def _runs_section(runs: list[dict]) -> str:
    recent = runs[-TOP:][::-1]
    frame = pd.DataFrame([{"run": r["run_id"], "new": r.get("docs_new", 0), "duplicate": r.get("docs_duplicate", 0),
                           "quarantined": r.get("docs_quarantined", 0)} for r in recent])
    chart = ""
    if len(frame):
        long = frame.melt("run", var_name="documents", value_name="n")
        chart = _chart(alt.Chart(long).mark_bar().encode(x=alt.X("run:N", sort=None, title=None),
                                                         y=alt.Y("sum(n):Q", title="inputs"), color="documents:N"))
    body = [[r["run_id"], r["status"], r.get("docs_seen"), r.get("docs_new"), r.get("docs_duplicate"),
             r.get("docs_quarantined"), r.get("rows_amounts"), r.get("validation"), r.get("message") or "",
             f"{(r['finished_at'] - r['started_at']).total_seconds():.1f}s" if r.get("finished_at") else "-"]
            for r in recent]
    return _section(f"Run history (last {TOP})", chart + _rows(
        ["run", "status", "seen", "new", "dup.", "quar.", "amounts", "validation", "message", "took"], body,
        empty="no runs recorded"))


def _documents_page(con: duckdb.DuckDBPyConnection, cited: dict[str, list[tuple[str, int, int]]]) -> str:
    """The cited documents, each span marked with an anchor named by its fact's id."""
    if not cited:
        return _page("Evidence", [_section("No facts cited", "")], "")
    docs = con.execute("select doc_id, title, source, published_at, text from documents where doc_id in "
                       "(select unnest($1))", [sorted(cited)]).fetchall()
    parts = []
    for doc_id, title, source, published, text in docs:
        spans = sorted(set(cited[doc_id]), key=lambda s: (s[1], -s[2]))
        out, pos = [], 0
        for fact_id, start, end in spans:
            start = max(start, pos)  # nested or overlapping spans: mark the rest once
            out.append(html.escape(text[pos:start]))
            out.append(f'<mark id="{html.escape(fact_id)}" title="{html.escape(fact_id)} [{start}:{end}]">'
                       f"{html.escape(text[start:max(end, start)])}</mark>")
            pos = max(end, start)
        out.append(html.escape(text[pos:]))
        parts.append(f'<article id="doc-{html.escape(doc_id)}"><h2>{html.escape(title or "(untitled)")}</h2>'
                     f'<div class="muted">{html.escape(doc_id)} · {html.escape(source)} · {published or "undated"}</div>'
                     f"<p>{''.join(out)}</p></article>")
    return _page("Evidence", [f'<section>{"".join(parts)}</section>'], f"{len(docs)} documents cited by the report",
                 back=True)


def _chart(chart: alt.Chart) -> str:
    """An altair chart as inline SVG (vl-convert renders it here, no browser or network)."""
    svg = vlc.vegalite_to_svg(chart.properties(background="white").to_dict())
    return f'<div class="chart">{svg}</div>'


class _Html(str):
    """Markup built here, inserted into a cell as is (everything else is escaped)."""


def _marked(sentence: str | None, text: str) -> _Html:
    sentence = html.escape(sentence or "")
    return _Html(sentence.replace(html.escape(text), f"<mark>{html.escape(text)}</mark>", 1))


def _table(frame: pd.DataFrame, empty: str = "none") -> str:
    return _rows(list(frame.columns), [list(row) for row in frame.itertuples(index=False)], empty)


def _rows(head: list[str], body: list[list], empty: str = "none") -> str:
    if not body:
        return f'<p class="muted">{html.escape(empty)}</p>'

    def cell(v) -> str:
        if isinstance(v, numbers.Number) and not isinstance(v, bool) and not pd.isna(v):
            return f'<td class="n">{v:,}</td>' if isinstance(v, numbers.Integral) else f'<td class="n">{v:,.2f}</td>'
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return "<td></td>"
        return f"<td>{v if isinstance(v, _Html) else html.escape(str(v))}</td>"

    rows = "".join("<tr>" + "".join(cell(v) for v in r) + "</tr>" for r in body)
    return f"<table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in head)}</tr>{rows}</table>"


def _section(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{body}</section>"


def _page(title: str, sections: list[str], subtitle: str, back: bool = False) -> str:
    nav = '<nav><a href="index.html">← report</a></nav>' if back else '<nav><a href="../docs/index.html">Data Docs</a></nav>'
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
            f'<body><header><h1>{html.escape(title)}</h1><div>{html.escape(subtitle)}</div>{nav}</header>'
            f'<main>{"".join(sections)}</main></body></html>')


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
