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
    """300 articles of the bulk corpus, plus a broken line for the quarantine section."""
    inbox = tmp_path_factory.mktemp("bulk-in")
    with BULK.open(encoding="utf-8") as f:
        lines = list(itertools.islice(f, 300))
    (inbox / "bulk300.jsonl").write_text("".join(lines) + "{not json\n", encoding="utf-8")
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
    page = check_report(browser, bulk_out, "bulk300-report")
    assert (bulk_out / "report" / "index.html").stat().st_size < 1_500_000
    rows = page.js("[...document.querySelectorAll('section')].map(s => s.querySelectorAll('tr').length)")
    assert max(rows) <= 31  # top-N lists: 30 rows and a header at most
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
