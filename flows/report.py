"""`DIR/report/index.html`: what the last run took in and what the facts look like.

Built after every run from the published catalog (read-only) and the run ledger, and on demand
by `newsfacts report`. One self-contained HTML file: charts are Vega-Lite specs rendered to
inline SVG by vl-convert (the run history, whose data changes with every run, is drawn here),
styles are inline, and nothing is fetched from anywhere. Every fact shown links to its evidence
in `report/documents.html`, which holds only the documents the report cites, each cited span
marked and anchored by the fact's id. Lists are top-N, so the report stays small on a warehouse
of thousands of articles.

A night with nothing new rebuilds the report too, and must stay cheap: a chart is rendered once
per spec. Its SVG is kept in `report/.charts/`, named by the digest of the spec (its data
included) and of vl-convert's version, and read back while both are unchanged; files the
latest report did not use are removed. vl-convert is imported, and its JavaScript runtime
started (0.7-1.3 s), only when some chart is new.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import numbers
import os
import secrets
import time
from contextlib import suppress
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib.metadata import version
from pathlib import Path

import duckdb

TOP = 25  # rows per list
SPAN = ('"start"', '"end"')
# When documents carry no publication date (many corpora), the ingest date stands in.
WHEN = "coalesce(d.published_at, d.ingested_at)"
WITH_DOC = "f join documents d on d.doc_id = f.doc_id"
FACT_TABLES = ("documents", "entities", "mentions", "amounts", "demands", "events", "quarantine")
# Every chart's frame: white, and the default size altair gave the charts before.
CHART_FRAME = {"background": "white", "config": {"view": {"continuousWidth": 300, "continuousHeight": 300}}}
CATEGORY = ("#4c78a8", "#f58518", "#e45756")  # Vega's first category colours, for the run history
RUN_COUNTS = (("new", "docs_new"), ("duplicate", "docs_duplicate"), ("quarantined", "docs_quarantined"))

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
    """Write `out_dir/report/index.html` (and `documents.html`, the evidence it links to), and
    `report.json`: when it was built, the documents cited, the charts rendered and reused.

    out_dir (Path): an output root, as written by `newsfacts run`; nothing published is fine.
    RETURNS (Path): the index file.
    """
    from flows.warehouse import Warehouse, connect_readonly, write_json

    warehouse = Warehouse(out_dir)
    runs = warehouse.run_history()
    folder = warehouse.root / "report"
    folder.mkdir(parents=True, exist_ok=True)
    charts = Charts(folder / ".charts")
    if not warehouse.db_path.exists():
        sections, cited = [_section("Nothing published yet", "<p>Run <code>newsfacts run</code> first.</p>")], {}
    else:
        con = connect_readonly(warehouse.root)
        try:
            sections, cited = Report(con, warehouse, runs, charts).sections()
            documents = _documents_page(con, cited)
        finally:
            con.close()
        _write(folder / "documents.html", documents)
    sections.append(_runs_section(runs))
    index = folder / "index.html"
    _write(index, _page("newsfacts report", sections, f"{len(runs)} runs; built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"))
    write_json({"built_at": datetime.now(UTC), "cited_documents": len(cited),
                "charts_rendered": charts.rendered, "charts_reused": charts.reused}, folder / "report.json")
    charts.prune()
    return index


class Charts:
    """Vega-Lite specs as inline SVG, each rendered once: the SVG of a spec that this version of
    vl-convert rendered before is read back from `folder`, where it is named by their digest.

    folder (Path): the cache; created when a chart is first written.
    """

    def __init__(self, folder: Path):
        self.folder, self.started = folder, time.time()
        self.used: set[str] = set()
        self.rendered = self.reused = 0

    def svg(self, spec: dict) -> str:
        """The chart of `spec` (data inline) in a `<div class="chart">`."""
        text = json.dumps({**spec, **CHART_FRAME}, sort_keys=True, default=_plain)
        digest = hashlib.sha256(f"{_renderer()}\n{text}".encode()).hexdigest()
        path = self.folder / f"{digest[:32]}.svg"
        self.used.add(path.name)
        try:
            svg = path.read_text(encoding="utf-8")
            self.reused += 1
        except (OSError, ValueError):  # not rendered yet (or unreadable): render it
            svg = self._render(text, path)
        return f'<div class="chart">{svg}</div>'

    def _render(self, text: str, path: Path) -> str:
        import vl_convert as vlc  # here: its import and runtime cost a no-op night ~1 s

        svg = vlc.vegalite_to_svg(text)
        self.rendered += 1
        with suppress(OSError):  # a cache that cannot be written costs time, never the report
            self.folder.mkdir(exist_ok=True)
            _write(path, svg)
        return svg

    def prune(self) -> None:
        """Remove what the latest report did not use, so the folder holds one report's charts.
        Files newer than this build are a concurrent build's (`newsfacts report` during a run):
        the next build removes them if unused. Failing to is never the report's failure."""
        with suppress(OSError):
            for path in self.folder.iterdir():
                with suppress(OSError):
                    if path.name not in self.used and path.stat().st_mtime < self.started:
                        path.unlink()


@cache
def _renderer() -> str:
    """vl-convert's version (it bundles Vega and Vega-Lite), read without importing it."""
    return f"vl-convert-python {version('vl-convert-python')}"


def _plain(value):
    """A value from DuckDB as JSON: dates in ISO 8601, decimals as numbers."""
    if isinstance(value, date):  # (datetime too)
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


class Report:
    """The sections read from one catalog connection; `cited` collects the evidence to show."""

    def __init__(self, con: duckdb.DuckDBPyConnection, warehouse, runs: list[dict], charts: Charts):
        self.con, self.warehouse, self.runs, self.charts = con, warehouse, runs, charts
        self.cited: dict[str, list[tuple[str, int, int]]] = {}  # doc_id -> (fact_id, start, end)

    def rows(self, sql: str) -> list[dict]:
        cursor = self.con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

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
        reasons = self.rows("select stage, reason, count(*) as n, max(source) as example from quarantine "
                            f"where run_id = (select max(run_id) from quarantine) group by all order by n desc limit {TOP}")
        return _section("What the last run took in",
                        f"<p>{html.escape(status)}</p>{kpis}<h3>Quarantined, by reason (latest run with any)</h3>"
                        + _table(reasons, empty="nothing quarantined"))

    def facts(self) -> str:
        counts = self.rows(" union all ".join(f"(select '{n}' as \"table\", count(*) as \"rows\" from {n})"
                                              for n in FACT_TABLES))
        chart = {"mark": "bar", "data": {"values": counts},
                 "encoding": {"x": _field("rows", "quantitative"), "y": _field("table", "nominal", sort=None)}}
        return _section("Facts per table", self.charts.svg(chart) + _table(counts))

    def entities(self) -> str:
        top = self.rows(f"select name, type, doc_count, mention_count, amounts_as_subject + amounts_as_payer as amounts, "
                        f"demands_made + demands_received as demands, events_as_source + events_as_target as events "
                        f"from entity_facts order by doc_count desc, mention_count desc, name limit {TOP}")
        chart = {"mark": "bar", "data": {"values": _only(top[:15], "name", "type", "doc_count")},
                 "encoding": {"x": _field("doc_count", "quantitative", title="documents"),
                              "y": _field("name", "nominal", sort="-x", title=None),
                              "color": _field("type", "nominal")}}
        return _section(f"Top {TOP} entities", self.charts.svg(chart) + _table(top))

    def money(self) -> str:
        # Amounts per month, purpose and currency, in the 4 commonest currencies.
        shown = self.rows(f"with m as (select date_trunc('month', {WHEN})::date as month, currency, "
                          f"purpose, count(*) as amounts from amounts {WITH_DOC} group by all) select * from m "
                          "where currency in (select currency from m group by 1 order by sum(amounts) desc, currency "
                          "limit 4) order by month, currency, purpose")
        chart = {"mark": "bar", "data": {"values": shown}, "height": 110, "width": 700,
                 "encoding": {"x": _month(title="publication month (ingest month when undated)"),
                              "y": _field("amounts", "quantitative", aggregate="sum", title="amounts"),
                              "color": _field("purpose", "nominal"), "row": _field("currency", "nominal", title=None)}}
        table = self.rows("select purpose, currency, count(*) as n, sum(value) as total from amounts "
                          f"group by all order by n desc limit {TOP}")
        return _section("Money by purpose and currency over publication time",
                        (self.charts.svg(chart) if shown else "") + _table(table, empty="no amounts"))

    def largest(self) -> str:
        rows = self.rows(f"select amount_id, doc_id, {SPAN[0]}, {SPAN[1]}, value, currency, text, purpose, subject, payer, "
                         f"title, evidence from (select *, row_number() over (partition by currency order by value desc) "
                         f"as r from amounts_named) where r <= 10 and currency in (select currency from amounts "
                         f"group by 1 order by count(*) desc limit 3) order by currency, value desc")
        body = [[f"{r['value']:,.0f}", r["currency"], r["text"], r["purpose"], r["subject"], r["payer"],
                 _marked(r["evidence"], r["text"]), self.link(r["amount_id"], r["doc_id"], r["start"], r["end"])]
                for r in rows]
        return _section("Largest amounts (top 10 in each of the 3 commonest currencies)", _rows(
            ["value", "currency", "as written", "purpose", "subject", "payer", "evidence sentence", "evidence"], body,
            empty="no amounts"))

    def demands(self) -> str:
        status = self.rows("select category, status, count(*) as n from demands group by all order by all")
        chart = {"mark": "bar", "data": {"values": status},
                 "encoding": {"x": _field("n", "quantitative", aggregate="sum", title="demands"),
                              "y": _field("category", "nominal", sort="-x", title=None),
                              "color": _field("status", "nominal")}}
        rows = self.rows(f"select demand_id, doc_id, {SPAN[0]}, {SPAN[1]}, actor, text, addressee, category, status, "
                         f"status_evidence from demands_named order by published_at desc nulls last, doc_id, {SPAN[0]} "
                         f"limit {TOP}")
        body = [[r["actor"], r["text"], r["addressee"], r["category"], r["status"], r["status_evidence"],
                 self.link(r["demand_id"], r["doc_id"], r["start"], r["end"])] for r in rows]
        return _section(f"Demands and their outcome (latest {TOP})", (self.charts.svg(chart) if status else "") + _rows(
            ["actor", "demand", "of", "category", "status", "status evidence", "evidence"], body, empty="no demands"))

    def events(self) -> str:
        by_month = self.rows(f"select date_trunc('month', coalesce(event_date, {WHEN}))::date as month, "
                             f"event_type, count(*) as n from events {WITH_DOC} group by all order by all")
        chart = {"mark": "bar", "data": {"values": by_month}, "width": 700,
                 "encoding": {"x": _month(title="event month (publication or ingest month when undated)"),
                              "y": _field("n", "quantitative", aggregate="sum", title="events"),
                              "color": _field("event_type", "nominal", title="type")}}
        rows = self.rows(f"select event_id, doc_id, {SPAN[0]}, {SPAN[1]}, event_date, source, event_type, mode, target, "
                         f"trigger from events_named order by event_date desc nulls last, doc_id limit {TOP}")
        body = [[r["event_date"], r["source"], r["event_type"], r["mode"], r["target"], r["trigger"],
                 self.link(r["event_id"], r["doc_id"], r["start"], r["end"])] for r in rows]
        return _section(f"Events over time by type (latest {TOP} listed)", (self.charts.svg(chart) if by_month else "")
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


def _field(name: str, kind: str, **options) -> dict:
    """A Vega-Lite encoding channel: a field, its type (quantitative, nominal, ordinal), options."""
    return {"field": name, "type": kind, **options}


def _month(title: str) -> dict:
    """The month axis: ISO dates (`_plain`) read as UTC, labelled like "Dec 2025"."""
    return _field("month", "ordinal", timeUnit="utcyearmonth", title=title)


def _only(rows: list[dict], *names: str) -> list[dict]:
    """The fields a chart draws: its cache key changes with them and nothing else."""
    return [{n: r[n] for n in names} for r in rows]


def _runs_section(runs: list[dict]) -> str:
    recent = runs[-TOP:][::-1]
    body = [[r["run_id"], r["status"], r.get("docs_seen"), r.get("docs_new"), r.get("docs_duplicate"),
             r.get("docs_quarantined"), r.get("rows_amounts"), r.get("validation"), r.get("message") or "",
             f"{(r['finished_at'] - r['started_at']).total_seconds():.1f}s" if r.get("finished_at") else "-"]
            for r in recent]
    return _section(f"Run history (last {TOP})", _runs_chart(recent) + _rows(
        ["run", "status", "seen", "new", "dup.", "quar.", "amounts", "validation", "message", "took"], body,
        empty="no runs recorded"))


def _runs_chart(recent: list[dict]) -> str:
    """Inputs per run as stacked bars, newest on top, drawn here as SVG: its data changes with
    every run, and starting vl-convert's runtime for it would cost a no-op night ~1 s."""
    counts = [[r.get(key) or 0 for _, key in RUN_COUNTS] for r in recent]
    most = max(map(sum, counts), default=0)
    if not most:
        return ""
    label, width, step = 190, 480, 18  # px: the run ids, the longest bar, one run
    marks = [f'<rect x="{label + i * 110}" y="4" width="10" height="10" fill="{CATEGORY[i]}"/>'
             f'<text x="{label + i * 110 + 14}" y="13">{name}</text>' for i, (name, _) in enumerate(RUN_COUNTS)]
    for row, (run, per_kind) in enumerate(zip(recent, counts)):
        y, x, run_id = 24 + row * step, float(label), html.escape(run["run_id"])
        marks.append(f'<text x="{label - 6}" y="{y + 12}" text-anchor="end">{run_id}</text>')
        for i, n in enumerate(per_kind):
            if n:
                bar = width * n / most
                marks.append(f'<rect role="graphics-symbol" x="{x:.1f}" y="{y + 2}" width="{bar:.1f}" '
                             f'height="{step - 4}" fill="{CATEGORY[i]}"><title>{run_id}: {n:,} '
                             f'{RUN_COUNTS[i][0]}</title></rect>')
                x += bar
        marks.append(f'<text x="{x + 4:.1f}" y="{y + 12}" fill="#667">{sum(per_kind):,}</text>')
    w, h = label + width + 60, 28 + step * len(recent)
    return (f'<div class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            f'font-family="sans-serif" font-size="11" role="graphics-document" aria-label="inputs per run">'
            f'<rect width="{w}" height="{h}" fill="white"/>{"".join(marks)}</svg></div>')


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


class _Html(str):
    """Markup built here, inserted into a cell as is (everything else is escaped)."""


def _marked(sentence: str | None, text: str) -> _Html:
    sentence = html.escape(sentence or "")
    return _Html(sentence.replace(html.escape(text), f"<mark>{html.escape(text)}</mark>", 1))


def _table(rows: list[dict], empty: str = "none") -> str:
    return _rows(list(rows[0]) if rows else [], [list(r.values()) for r in rows], empty)


def _rows(head: list[str], body: list[list], empty: str = "none") -> str:
    if not body:
        return f'<p class="muted">{html.escape(empty)}</p>'

    def cell(v) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "<td></td>"
        if isinstance(v, numbers.Number) and not isinstance(v, bool):
            return f'<td class="n">{v:,}</td>' if isinstance(v, numbers.Integral) else f'<td class="n">{v:,.2f}</td>'
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
    """Write then rename: a reader sees the old file or the new one, never part of one; the
    temporary name is this writer's own, so two builds at once cannot mix their bytes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with tmp.open("x", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
