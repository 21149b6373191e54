"""The run report and the Data Docs, built from real runs and opened in headless Chromium.

Chromium (Debian's package, `/usr/bin/chromium`; `.ci/run` installs it) is driven over the
DevTools protocol: every request the page makes, every console error and exception is recorded,
the DOM is queried and a screenshot taken, then decoded by the same browser to count its colours.
"""

import base64
import itertools
import json
import re
import subprocess
from pathlib import Path

import pytest
from websockets.sync.client import connect

from flows.report import build_report
from flows.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BULK = ROOT.parent / "shared" / "corpora" / "news" / "bulk.jsonl"
CHROMIUM = "/usr/bin/chromium"
LOCAL = ("file://", "data:")  # the only requests a page may make
SHOTS = Path("/tmp/newsfacts-report-shots")  # screenshots kept for a look after the run
# Flags from the machine notes: without the background-networking ones Chromium calls home.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0"]


class Browser:
    """One headless Chromium, one tab per `open`."""

    def __init__(self, profile: Path):
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stderr=subprocess.PIPE, text=True)
        for line in self.proc.stderr:
            if match := re.search(r"DevTools listening on (ws://\S+)", line):
                break
        else:
            raise RuntimeError("Chromium did not start")
        self.ws = connect(match.group(1), max_size=None)
        self.ids, self.events = itertools.count(1), []

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params or {},
                                 **({"sessionId": session} if session else {})}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]
            self.events.append(msg)

    def open(self, path: Path) -> "Page":
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=session)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": False}, session)
        self.events.clear()
        self.call("Page.navigate", {"url": path.as_uri()}, session)
        while not any(e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session
                      for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=60)))
        return Page(self, session, [e for e in self.events if e.get("sessionId") == session])

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Page:
    def __init__(self, browser: Browser, session: str, events: list[dict]):
        self.browser, self.session, self.events = browser, session, events

    def js(self, expression: str):
        result = self.browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": True}, self.session)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    @property
    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    @property
    def errors(self) -> list[str]:
        """Failed loads, exceptions and console errors."""
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Network.loadingFailed" or m == "Runtime.exceptionThrown":
                out.append(f"{m}: {p}")
            elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
                out.append(f"console: {p['args']}")
            elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(f"log: {p['entry']['text']}")
        return out

    def screenshot(self, path: Path) -> int:
        """Save a full-page PNG; RETURNS the number of distinct colours in it (sampled)."""
        png = self.browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                                self.session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(png))
        return self.js(f"""new Promise(done => {{
            const img = new Image();
            img.onload = () => {{
                const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                const px = g.getImageData(0, 0, c.width, c.height).data, seen = new Set();
                for (let i = 0; i < px.length; i += 4 * 37) seen.add(px[i] << 16 | px[i + 1] << 8 | px[i + 2]);
                done(seen.size);
            }};
            img.src = 'data:image/png;base64,{png}';
        }})""")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def _run(inputs: list[Path], out: Path) -> Path:
    from flows.nightly import nightly

    assert nightly(inputs=[str(p) for p in inputs], out=str(out), return_state=True).is_completed()
    build_report(out)
    return out


@pytest.fixture(scope="module")
def seed_out(prefect_harness, tmp_path_factory):
    return _run([SEEDS], tmp_path_factory.mktemp("seed-out"))


@pytest.fixture(scope="module")
def bulk_out(prefect_harness, tmp_path_factory):
    """120 articles of the bulk corpus (more entities and amounts than a top-N list shows), plus
    a broken line for the quarantine section."""
    inbox = tmp_path_factory.mktemp("bulk-in")
    with BULK.open(encoding="utf-8") as f:
        lines = list(itertools.islice(f, 120))
    (inbox / "bulk120.jsonl").write_text("".join(lines) + "{not json\n", encoding="utf-8")
    return _run([inbox], tmp_path_factory.mktemp("bulk-out"))


def _offline_resources(page_html: str) -> list[str]:
    """Resources a page loads (src, link href) from any host: there must be none."""
    return re.findall(r'(?:src|<link[^>]*href)="(https?://[^"]+)"', page_html)


def check_report(browser: Browser, out: Path, name: str) -> Page:
    index = out / "report" / "index.html"
    html = index.read_text(encoding="utf-8")
    # Not even a link to another host; only the SVG namespaces name one.
    assert _offline_resources(html) == [] and re.findall(r"https?://(?!www\.w3\.org/)", html) == []
    page = browser.open(index)
    assert [u for u in page.requests if not u.startswith(LOCAL)] == []
    assert page.errors == []
    charts = page.js("[...document.querySelectorAll('.chart svg')].map(s => s.querySelectorAll("
                     "'[role=graphics-symbol], .mark-rect path').length)")
    assert len(charts) >= 5 and all(n > 0 for n in charts), charts
    assert page.screenshot(SHOTS / f"{name}.png") > 20
    # Every evidence link lands on a marked span of documents.html.
    targets = set(page.js("[...document.querySelectorAll('a[href^=\"documents.html#\"]')]"
                          ".map(a => a.getAttribute('href').split('#')[1])"))
    anchors = set(re.findall(r'<mark id="([^"]+)"', (out / "report" / "documents.html").read_text(encoding="utf-8")))
    assert targets and targets <= anchors
    return page


def test_seed_report_renders_offline_with_charts_and_evidence(browser, seed_out):
    page = check_report(browser, seed_out, "seed-report")
    text = page.js("document.body.innerText")
    assert "US$50 million" in text and "Nicolás Maduro" in text and "rejected" in text
    # The evidence page shows the cited span itself.
    evidence = (seed_out / "report" / "documents.html").read_text(encoding="utf-8")
    assert re.search(r'<mark id="amt[^"]*"[^>]*>US\$50 million</mark>', evidence)


def test_bulk_report_stays_small_and_lists_top_n(browser, bulk_out):
    page = check_report(browser, bulk_out, "bulk120-report")
    assert (bulk_out / "report" / "index.html").stat().st_size < 1_500_000
    rows = page.js("[...document.querySelectorAll('section')].map(s => s.querySelectorAll('tr').length)")
    assert max(rows) == 31  # top-N lists: 30 rows and a header at most, and some list is cut there
    text = page.js("document.body.innerText")
    assert "malformed" in text.lower() or "json" in text.lower()  # the broken line's reason


def test_data_docs_render_styled_offline(browser, seed_out):
    index = seed_out / "docs" / "index.html"
    assert _offline_resources(index.read_text(encoding="utf-8")) == []
    page = browser.open(index)
    assert [u for u in page.requests if not u.startswith(LOCAL)] == []
    assert page.errors == []
    # bootstrap-table drew the validation rows from its JSON; Bootstrap and Font Awesome styled them.
    assert page.js("document.querySelectorAll('.ge-index-page-validation-results-table tbody tr').length") >= 7
    assert "Font Awesome" in page.js("getComputedStyle(document.querySelector('.fas')).fontFamily")
    assert page.js("getComputedStyle(document.querySelector('.btn-secondary')).backgroundColor") == "rgb(108, 117, 125)"
    assert page.screenshot(SHOTS / "data-docs.png") > 20


def test_report_on_an_empty_warehouse(tmp_path, browser):
    index = build_report(tmp_path / "nothing")
    assert "Nothing published yet" in index.read_text(encoding="utf-8")
    Warehouse(tmp_path / "empty").publish("20250101T000000Z-000000", {})
    page = browser.open(build_report(tmp_path / "empty"))
    assert page.errors == []
    assert "no amounts" in page.js("document.body.innerText")


# Charts are rendered once per spec: a night with nothing new must not pay for vl-convert.
DOC = {"doc_id": "doc_charts_1", "source": "invented.txt", "date_basis": "published", "language": "en",
       "text": "The union asked the ministry for a pay rise of five per cent before the strike.",
       "n_chars": 80, "encoding": "utf-8", "input_format": "txt", "extractor_version": "test"}
DEMAND = {"demand_id": "dem_charts_1", "doc_id": "doc_charts_1", "actor_text": "The union",
          "addressee_text": "the ministry", "text": "a pay rise", "category": "payment", "status": "pending",
          "start": 36, "end": 46, "sentence_index": 0, "extractor_version": "test"}


def _publish(out: Path, run: int, demand: dict, **extra) -> None:
    from datetime import UTC, datetime

    from transforms.schemas import to_arrow

    at = datetime(2025, 3, 1, tzinfo=UTC)
    tables = {"documents": to_arrow("documents", [{**DOC, "published_at": at, "ingested_at": at, "run_id": "r1"}]),
              "demands": to_arrow("demands", [demand]), **extra}
    Warehouse(out).publish(f"20250301T00000{run}Z-00000{run}", tables, replace=True)


def _charts(out: Path) -> dict[str, int]:
    """The chart cache: file name -> mtime (ns)."""
    return {p.name: p.stat().st_mtime_ns for p in (out / "report" / ".charts").iterdir()}


def _built(out: Path) -> dict:
    index = build_report(out)
    assert index.read_text(encoding="utf-8").count('<div class="chart">') >= 3
    return json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))


def test_unchanged_data_reuses_every_chart_and_a_change_redraws_only_its_chart(tmp_path):
    _publish(tmp_path, 1, DEMAND)
    first = _built(tmp_path)
    assert (first["charts_rendered"], first["charts_reused"]) == (3, 0)  # facts, entities, demands
    cached = _charts(tmp_path)
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")

    again = _built(tmp_path)  # nothing changed: nothing rendered, no cache file rewritten
    assert (again["charts_rendered"], again["charts_reused"]) == (0, 3)
    assert _charts(tmp_path) == cached
    assert (tmp_path / "report" / "index.html").read_text(encoding="utf-8").split("</header>")[1] == \
        page.split("</header>")[1]  # the same page but for its build time

    _publish(tmp_path, 2, {**DEMAND, "status": "accepted"})  # one demand's status: its chart only
    changed = _built(tmp_path)
    assert (changed["charts_rendered"], changed["charts_reused"]) == (1, 2)
    now = _charts(tmp_path)
    assert len(now) == 3 and len(set(now) & set(cached)) == 2  # the old demands chart is gone
    assert all(now[name] == cached[name] for name in set(now) & set(cached))
    assert "accepted" in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


def test_a_new_renderer_redraws_and_the_cache_keeps_one_report(tmp_path, monkeypatch):
    import flows.report as report

    _publish(tmp_path, 1, DEMAND)
    _built(tmp_path)
    first = _charts(tmp_path)
    (tmp_path / "report" / ".charts" / ".left-by-a-crash.svg.tmp").write_text("<svg", encoding="utf-8")
    # A vl-convert upgrade may draw differently: every chart is rendered again.
    monkeypatch.setattr(report, "_renderer", lambda: "vl-convert-python 99.0")
    assert _built(tmp_path)["charts_rendered"] == 3
    assert len(_charts(tmp_path)) == 3 and not set(_charts(tmp_path)) & set(first)


def test_a_run_history_chart_without_vl_convert(tmp_path):
    from datetime import UTC, datetime

    from flows.report import _runs_section

    at = datetime(2025, 3, 1, tzinfo=UTC)
    runs = [{"run_id": f"run-{i}", "status": "success", "docs_new": i - 5, "docs_duplicate": 2,
             "docs_quarantined": 1, "started_at": at, "finished_at": at} for i in range(30)]
    html = _runs_section(runs)
    bars = re.findall(r'<rect role="graphics-symbol"[^>]*width="([\d.]+)"[^>]*><title>(run-\d+): ([^<]+)</title>', html)
    assert len(bars) == 25 * 3 - 1  # the last 25 runs; run-5 has no new document, so no bar for it
    assert {run for _, run, _ in bars} == {f"run-{i}" for i in range(5, 30)}
    assert ("run-29", "24 new") in [(run, what) for _, run, what in bars]
    # The largest run's stack fills the width (480 px); the others in proportion.
    assert sum(float(w) for w, run, _ in bars if run == "run-29") == pytest.approx(480, abs=0.2)
    assert sum(float(w) for w, run, _ in bars if run == "run-5") == pytest.approx(480 * 3 / 27, abs=0.2)
    assert _runs_section([]).count("<svg") == 0


def test_a_page_that_fails_to_write_leaves_the_old_one_whole(tmp_path):
    from flows.report import _write

    page = tmp_path / "index.html"
    _write(page, "old page")
    with pytest.raises(UnicodeEncodeError):  # a write that fails (the text cannot be encoded)
        _write(page, "new page " * 100_000 + "\ud800")
    assert page.read_text(encoding="utf-8") == "old page" and list(tmp_path.iterdir()) == [page]
