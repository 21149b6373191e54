"""The no-op night without Prefect or spaCy: the extractor version told from files, and a
nothing-new run published exactly as the flow's own nothing-new path publishes it."""

import json
import os
import shutil
import socket
import sys
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import flows.quick as quick
from flows.nightly import extractor_version, nightly
from flows.preflight import check_run
from flows.quick import cheap_extractor_version, prefect_api_configured, quick_noop
from flows.warehouse import Warehouse
from transforms.ingest import DEFAULT_MAX_BYTES
from transforms.nlp import PipelineSpec
from transforms.pipeline import ENV_COMPONENT_MODELS, ENV_MATMUL, ENV_MODEL

TABLES = ("documents", "entities", "entity_aliases", "mentions", "amounts", "demands", "events", "quarantine")
# what differs between two runs of the same night
PER_RUN = {"run_id", "started_at", "finished_at"}


def test_the_trained_extractors_files_agree_with_their_modules():
    from transforms.coref import COREF
    from transforms.demands import learned as demands
    from transforms.events import learned as events
    from transforms.money import learned as money

    assert quick.TRAINED == {
        "newsfacts_amounts": ("amounts", money.CHOOSERS, (COREF,), money.SHIPPED),
        "newsfacts_demands": ("demands", demands.CHOOSERS, (), demands.SHIPPED),
        "newsfacts_events": ("events", events.CHOOSERS, (), events.SHIPPED),
    }


@pytest.fixture
def other_demands_model(tmp_path) -> Path:
    """The shipped demands model with its files written again (other bytes, the same weights)."""
    folder = tmp_path / "demands"
    shutil.copytree(quick.TRAINED["newsfacts_demands"][-1], folder)
    category = folder / "category.json"
    category.write_text(json.dumps(json.loads(category.read_text(encoding="utf-8")), indent=2), encoding="utf-8")
    return folder


@pytest.mark.parametrize("spec", [
    PipelineSpec(),
    PipelineSpec(extractors=("newsfacts_linker", "newsfacts_demands")),
    PipelineSpec("blank:en", extractors=("newsfacts_linker", "newsfacts_amounts")),
], ids=["default", "two-extractors", "blank"])
def test_the_cheap_extractor_version_is_the_loaded_pipelines(spec, monkeypatch):
    monkeypatch.delenv(ENV_MODEL, raising=False)
    monkeypatch.delenv(ENV_COMPONENT_MODELS, raising=False)
    assert cheap_extractor_version(spec) == extractor_version(spec)


def test_an_amounts_model_without_its_resolver_is_versioned_as_loading_does(tmp_path, monkeypatch):
    folder = tmp_path / "amounts"
    shutil.copytree(quick.TRAINED["newsfacts_amounts"][-1], folder)
    (folder / "coref.json").unlink()
    monkeypatch.delenv(ENV_MODEL, raising=False)
    monkeypatch.delenv(ENV_COMPONENT_MODELS, raising=False)
    shipped = cheap_extractor_version(PipelineSpec())
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"newsfacts_amounts": str(folder)}))
    cheap = cheap_extractor_version(PipelineSpec())
    assert cheap == extractor_version(PipelineSpec()) and cheap != shipped


def test_component_models_from_the_environment_change_the_version_as_loading_does(other_demands_model, monkeypatch):
    monkeypatch.delenv(ENV_MODEL, raising=False)
    monkeypatch.delenv(ENV_COMPONENT_MODELS, raising=False)
    shipped = cheap_extractor_version(PipelineSpec())
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"newsfacts_demands": str(other_demands_model)}))
    cheap = cheap_extractor_version(PipelineSpec())
    assert cheap == extractor_version(PipelineSpec())
    assert cheap != shipped and cheap.split("+demands:")[0] == shipped.split("+demands:")[0]


def test_a_folds_tuned_ner_changes_the_version_as_loading_does(tmp_path, monkeypatch):
    import shutil

    from transforms.entities.ner import SHIPPED

    monkeypatch.delenv(ENV_MODEL, raising=False)
    monkeypatch.delenv(ENV_COMPONENT_MODELS, raising=False)
    shipped = cheap_extractor_version(PipelineSpec())
    assert "+ner-" in shipped
    other = tmp_path / "newsfacts_ner"
    shutil.copytree(SHIPPED, other)
    with (other / "ner" / "model").open("ab") as f:  # other bytes, other weights' name
        f.write(b"\x00")
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"ner": str(other)}))
    cheap = cheap_extractor_version(PipelineSpec())
    assert cheap != shipped and cheap.split("+ner-")[0] == shipped.split("+ner-")[0]
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"ner": str(SHIPPED)}))
    assert cheap_extractor_version(PipelineSpec()) == extractor_version(PipelineSpec()) == shipped


@pytest.mark.parametrize("spec, env", [
    (PipelineSpec(modules=("json",)), {}),  # a user's module may register anything
    (PipelineSpec(extractors=("newsfacts_linker", "my_extractor")), {}),
    (PipelineSpec(extractors=("newsfacts_linker", "newsfacts_linker")), {}),
    (PipelineSpec("en_core_web_sm"), {}),  # a package: spaCy looks among packages first
    (PipelineSpec("/nonexistent/model"), {}),
    (PipelineSpec(), {ENV_COMPONENT_MODELS: "{not json"}),
    (PipelineSpec(), {ENV_COMPONENT_MODELS: json.dumps({"newsfacts_unknown": "x"})}),
    (PipelineSpec(), {ENV_COMPONENT_MODELS: json.dumps({"newsfacts_events": "/nonexistent"})}),
    (PipelineSpec(), {ENV_COMPONENT_MODELS: json.dumps({"ner": "/nonexistent"})}),
    (PipelineSpec(), {ENV_MATMUL: "cuda"}),
], ids=["modules", "user-extractor", "twice", "package", "missing-folder", "bad-json", "unknown-component",
        "missing-weights", "missing-ner-weights", "bad-matmul"])
def test_what_cannot_be_told_from_files_is_none(spec, env, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cheap_extractor_version(spec) is None


def test_a_model_folder_without_a_name_in_its_meta_is_none(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.cfg").write_text("[nlp]\nlang = \"en\"\n", encoding="utf-8")
    (model / "meta.json").write_text(json.dumps({"lang": "en", "version": "1.0.0"}), encoding="utf-8")
    assert cheap_extractor_version(PipelineSpec(str(model))) is None
    (model / "meta.json").write_text(json.dumps({"lang": "en", "name": "x", "version": "1.0.0"}), encoding="utf-8")
    assert cheap_extractor_version(PipelineSpec(str(model))).endswith("/en_x-1.0.0+amounts:" + (
        cheap_extractor_version(PipelineSpec()).split("+amounts:", 1)[1]))


@pytest.fixture
def no_prefect_api(tmp_path, monkeypatch):
    """No PREFECT_API_URL from the environment, the working folder or a profile."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(tmp_path / "no-profiles.toml"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_prefect_api_is_found_where_prefect_would_find_it(no_prefect_api, monkeypatch):
    assert not prefect_api_configured()
    profiles = no_prefect_api / "profiles.toml"
    profiles.write_text('active = "ops"\n[profiles.ops]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n'
                        '[profiles.local]\n', encoding="utf-8")
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(profiles))
    assert prefect_api_configured()
    monkeypatch.setenv("PREFECT_PROFILE", "local")
    assert not prefect_api_configured()
    (no_prefect_api / "prefect.toml").write_text('[api]\nurl = "http://127.0.0.1:4200/api"\n', encoding="utf-8")
    assert prefect_api_configured()
    (no_prefect_api / "prefect.toml").unlink()
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert prefect_api_configured()


def published(out: Path) -> dict[str, list]:
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    try:
        return {t: con.sql(f"select * from {t} order by all").fetchall() for t in TABLES}
    finally:
        con.close()


def noop(inbox: Path, out: Path, **kw):
    sources = check_run([str(inbox)], None, str(out), None)
    return quick_noop(sources, **{"reprocess": False, "entities_file": None, "keep_snapshots": 5,
                                  "max_bytes": 50_000_000, **kw})


@pytest.fixture(scope="module")
def night(prefect_harness, tmp_path_factory):
    """An output the real flow published the seed article to, then ran a nothing-new night on:
    the flow's own no-op row, and the tables as they stand."""
    root = tmp_path_factory.mktemp("night")
    inbox = root / "inbox"
    shutil.copytree(Path(__file__).resolve().parents[2] / "seeds", inbox)
    out = root / "out"
    assert nightly(inputs=[str(inbox)], out=str(out), return_state=True).is_completed()
    state = nightly(inputs=[str(inbox)], out=str(out), return_state=True)
    assert state.is_completed()
    return inbox, out, state.result()


@pytest.fixture
def fresh(night, tmp_path, no_prefect_api):
    """A copy of the night's output (tests change it), the inputs beside it."""
    inbox, out, flow_row = night
    shutil.copytree(inbox, tmp_path / "inbox")
    shutil.copytree(out, tmp_path / "out", symlinks=True)
    # the catalog names its snapshot folder by absolute path: point it at the copy
    Warehouse(tmp_path / "out")._write_catalog(Warehouse(tmp_path / "out").current(), "copy")
    return tmp_path / "inbox", tmp_path / "out", flow_row


def test_a_nothing_new_night_is_published_as_the_flow_publishes_it(fresh):
    inbox, out, flow_row = fresh
    warehouse = Warehouse(out)
    before, ledger = published(out), warehouse.run_history()

    row = noop(inbox, out)

    assert row is not None
    assert {k: v for k, v in row.items() if k not in PER_RUN | {"inputs"}} == {
        k: v for k, v in flow_row.items() if k not in PER_RUN | {"inputs"}}
    assert row["inputs"] == [str(inbox)] and row["validation"] == "passed (nothing new)"
    assert published(out) == before  # every fact table, and the quarantine, as they were
    assert warehouse.current().name == row["run_id"]
    assert warehouse.run_history() == [*ledger, row]
    con = duckdb.connect(str(out / "newsfacts.duckdb"), read_only=True)
    assert con.sql("select run_id from runs order by started_at").fetchall() == [
        (r["run_id"],) for r in warehouse.run_history()]
    con.close()
    assert not warehouse.lock_path.exists()
    events = [json.loads(line) for line in warehouse.events.read_text(encoding="utf-8").splitlines()]
    assert [(e["stage"], e.get("seen"), e.get("snapshot")) for e in events if e["run_id"] == row["run_id"]] == [
        ("ingest", 1, None), ("publish", None, row["run_id"])]
    report = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert row["run_id"] in report


@pytest.mark.parametrize("change", ["new-input", "changed-input", "bad-input", "reprocess", "stale", "locked"])
def test_a_night_with_work_is_left_to_the_flow(change, fresh):
    inbox, out, _ = fresh
    warehouse = Warehouse(out)
    kw = {}
    if change == "new-input":
        (inbox / "new.txt").write_text("Ecuador seeks 450 mln dlrs in emergency credit.", encoding="utf-8")
    elif change == "changed-input":
        [seed] = inbox.iterdir()
        seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more sentence.", encoding="utf-8")
    elif change == "bad-input":
        (inbox / "empty.txt").write_bytes(b"")
    elif change == "reprocess":
        kw["reprocess"] = True
    elif change == "stale":
        [part] = (warehouse.current() / "documents").glob("*.parquet")
        table = pq.read_table(part)
        table = table.set_column(table.schema.get_field_index("extractor_version"), "extractor_version",
                                 pc.binary_join_element_wise(table["extractor_version"], "-old", ""))
        part.unlink()
        pq.write_table(table, part)
    elif change == "locked":  # a live run (this process) holds the lock
        warehouse.lock("other").acquire()
    before, ledger, current = published(out), warehouse.run_history(), warehouse.current()

    assert noop(inbox, out, **kw) is None

    assert published(out) == before and warehouse.run_history() == ledger and warehouse.current() == current
    assert warehouse.lock_path.exists() == (change == "locked")
    assert not (out / "staging").exists()


def test_a_prefect_api_leaves_the_night_to_the_flow(fresh, monkeypatch):
    inbox, out, _ = fresh
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert noop(inbox, out) is None
    assert len(Warehouse(out).run_history()) == 2


def test_a_stale_lock_is_recorded_and_taken_over(fresh):
    inbox, out, _ = fresh
    warehouse = Warehouse(out)
    warehouse.lock_path.write_text(json.dumps({"pid": 2**22 + 1, "host": socket.gethostname(), "run_id": "dead",
                                               "kind": "run", "started_at": "2026-01-01T00:00:00+00:00"}))
    row = noop(inbox, out)
    assert row["status"] == "success"
    runs = warehouse.run_history()
    assert [(r["run_id"], r["status"]) for r in runs[-2:]] == [("dead", "failed"), (row["run_id"], "success")]
    assert not warehouse.lock_path.exists()


def test_a_fault_before_publication_leaves_the_night_to_the_flow(fresh, monkeypatch):
    inbox, out, _ = fresh
    warehouse = Warehouse(out)
    before, ledger, current = published(out), warehouse.run_history(), warehouse.current()
    monkeypatch.setenv("NEWSFACTS_FAIL_AT", "publish:checked")
    assert noop(inbox, out) is None
    assert (published(out), warehouse.run_history(), warehouse.current()) == (before, ledger, current)
    assert not warehouse.lock_path.exists() and not list(warehouse.snapshots.glob(".tmp-*"))


def test_a_fault_after_publication_records_the_published_row(fresh, monkeypatch):
    inbox, out, _ = fresh
    warehouse = Warehouse(out)
    monkeypatch.setenv("NEWSFACTS_FAIL_AT", "publish:linked")
    row = noop(inbox, out)
    assert row["status"] == "success" and warehouse.current().name == row["run_id"]
    assert warehouse.run_history()[-1]["run_id"] == row["run_id"]
    assert not warehouse.lock_path.exists()


OPENED: list[str] | None = None  # the files this process opens while a test listens


def _audit(event: str, args: tuple) -> None:
    if event == "open" and OPENED is not None and isinstance(args[0], (str, Path)):
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)  # (audit hooks stay for the process: it only listens when asked)


def opened_by(call):
    """call() and the paths it opened, as Python's `open` audit event reports them."""
    global OPENED
    OPENED = []
    try:
        return call(), OPENED
    finally:
        OPENED = None


def test_an_input_file_nobody_wrote_since_is_not_read_again(night, tmp_path, no_prefect_api):
    _, out0, _ = night
    out = tmp_path / "out"
    shutil.copytree(out0, out, symlinks=True)
    Warehouse(out)._write_catalog(Warehouse(out).current(), "copy")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    news = inbox / "news.jsonl"
    news.write_text("".join(json.dumps({"id": f"n{i}", "text": text}) + "\n" for i, text in enumerate([
        "The Zembla port authority asked Ostrava Shipping for 3 million euros in fees.",
        "Ostrava Shipping said on Monday it would not pay the fees."])), encoding="utf-8")
    sources = check_run([str(inbox)], None, str(out), "blank:en")

    def quick():
        return quick_noop(sources, reprocess=False, entities_file=None, keep_snapshots=5, max_bytes=DEFAULT_MAX_BYTES)

    def flow():
        return nightly(inputs=[str(inbox)], out=str(out), spacy_model="blank:en", return_state=True).result()

    assert flow()["docs_new"] == 2  # the flow records the file's documents once they are published
    row, opened = opened_by(quick)
    assert row["docs_seen"] == row["docs_skipped"] == 2 and str(news) not in opened
    os.utime(news)  # touched: read again, and still nothing new
    row, opened = opened_by(quick)
    assert row["docs_seen"] == 2 and str(news) in opened
    row, opened = opened_by(quick)  # recorded again by that night
    assert row["docs_seen"] == 2 and str(news) not in opened
    with news.open("a", encoding="utf-8") as f:  # changed: its new record is found
        f.write(json.dumps({"id": "n2", "text": "Zembla later lowered its demand to 1 million euros."}) + "\n")
    assert quick() is None
    assert flow()["docs_new"] == 1
    row, opened = opened_by(quick)
    assert row["docs_seen"] == 3 and str(news) not in opened


def test_a_recorded_document_no_longer_published_sends_the_night_to_the_flow(fresh):
    inbox, out, _ = fresh
    assert noop(inbox, out) is not None  # reads the copied inbox and records it
    warehouse = Warehouse(out)
    recorded = json.loads((out / "state" / "inputs.json").read_text(encoding="utf-8"))
    [entry] = recorded["files"].values()
    entry["doc_ids"] = ["0" * 16]  # as if that document had been rejected by validation
    (out / "state" / "inputs.json").write_text(json.dumps(recorded), encoding="utf-8")
    assert noop(inbox, out) is not None  # the file is read again, its document found published
    assert json.loads((out / "state" / "inputs.json").read_text())["files"] != recorded["files"]
    assert warehouse.run_history()[-1]["docs_seen"] == 1
