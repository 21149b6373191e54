"""The GX suites run for real on small tables: they pass good rows and catch bad ones."""

from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest

from expectations.suites import Validator
from transforms.schemas import FACT_TABLES, TABLES, empty_table, to_arrow

AT = datetime(2026, 11, 24, tzinfo=UTC)
TEXT = "The reward is US$50 million. A fine of $3m."
VERSION = "newsfacts-test/none"


def document(doc_id="doc_1", text=TEXT, **kw):
    return {"doc_id": doc_id, "external_id": None, "source": f"{doc_id}.txt", "url": None,
            "title": None, "published_at": None, "date_basis": "ingested", "language": "en",
            "text": text, "n_chars": len(text), "ingested_at": AT, "run_id": "r1",
            "publisher": None, "license": None, "encoding": "utf-8", "input_format": "txt",
            "extractor_version": VERSION, **kw}


def amount(amount_id="a1", doc_id="doc_1", start=14, end=27, text="US$50 million", **kw):
    return {"amount_id": amount_id, "doc_id": doc_id, "start": start, "end": end, "text": text,
            "value": 5e7, "value_min": None, "value_max": None, "currency": "USD",
            "qualifier": "exact", "purpose": "reward", "subject_entity_id": None,
            "subject_text": None, "payer_entity_id": None, "payer_text": None,
            "sentence_index": 0, "unit": None, "extractor_version": VERSION, **kw}


@pytest.fixture(scope="module")
def validator():
    # (no Data Docs: a context renders every result it has validated at each build, so a shared
    # validator writing docs cost more at every test; the docs test has its own)
    return Validator()


def tables(documents, amounts):
    out = {name: empty_table(name) for name in FACT_TABLES}
    out["documents"] = to_arrow("documents", documents)
    out["amounts"] = to_arrow("amounts", amounts)
    return out


def test_good_rows_pass_and_data_docs_are_written(tmp_path):
    validator = Validator(tmp_path / "docs")
    clean, report = validator.validate(tables([document()], [amount()]), run_id="r1", at=AT)
    assert report.publishable and report.summary == "passed" and report.quarantine == []
    assert clean["amounts"].num_rows == 1
    assert (validator.docs_dir / "index.html").exists()


@pytest.mark.parametrize("bad, expectation", [
    (amount(amount_id="a2", value=-5.0), "expect_column_values_to_be_between(column='value'"),
    (amount(amount_id="a2", currency="XXY"), "expect_column_values_to_be_in_set(column='currency'"),
    (amount(amount_id="a2", qualifier="roughly"), "expect_column_values_to_be_in_set(column='qualifier'"),
    (amount(amount_id="a2", text="US$50 millio"), "expect_column_pair_values_to_be_equal(column_A='text', column_B='_doc_span'"),
    (amount(amount_id="a2", start=40, end=99, text="x"), "column_A='_doc_n_chars', column_B='end'"),
    (amount(amount_id="a2", doc_id="doc_unknown"), "expect_column_values_to_not_be_null(column='_doc_n_chars'"),
    (amount(amount_id="a2", value_min=6e7), "column_A='value', column_B='value_min'"),
])
def test_failing_rows_are_quarantined_with_the_expectation(validator, bad, expectation):
    clean, report = validator.validate(tables([document()], [amount(), bad]), run_id="r1", at=AT)
    assert report.publishable
    assert clean["amounts"]["amount_id"].to_pylist() == ["a1"]
    [q] = report.quarantine
    assert q["table_name"] == "amounts" and q["row_key"] == "a2" and q["stage"] == "validation"
    assert expectation in q["expectation"] and q["expectation"] in q["reason"]


def test_a_rejected_document_takes_its_rows_along(validator):
    docs = [document(), document("doc_2", "Other text, $5 million.", n_chars=3)]
    rows = [amount(), amount("a2", "doc_2", 13, 23, "$5 million", value=5e6)]
    clean, report = validator.validate(tables(docs, rows), run_id="r1", at=AT)
    assert clean["documents"]["doc_id"].to_pylist() == ["doc_1"]
    assert clean["amounts"]["amount_id"].to_pylist() == ["a1"]
    assert [(q["table_name"], q["doc_id"]) for q in report.quarantine] == [("documents", "doc_2")]


def test_duplicate_ids_fail_the_table_and_block_publication(validator):
    _, report = validator.validate(tables([document()], [amount(), amount()]), run_id="r1", at=AT)
    assert not report.publishable
    assert report.table_failures == ["table 'amounts': expect_column_values_to_be_unique(column='amount_id')"]
    assert report.summary.startswith("failed: table 'amounts'")


def test_bookkeeping_tables_are_checked_too(validator):
    row = {"run_id": "r1", "source": "x.txt", "doc_id": None, "stage": "ingest",
           "reason": "empty input", "at": AT, "table_name": None, "expectation": None, "row_key": None}
    assert validator.check("quarantine", to_arrow("quarantine", [row])) == []
    failures = validator.check("quarantine", to_arrow("quarantine", [{**row, "stage": "lunch"}]))
    assert failures == ["table 'quarantine': expect_column_values_to_be_in_set(column='stage')"]


EVENT_TEXT = "Acme and Borel held talks on Friday. Borel rejected the offer."


def event(event_id="e1", **kw):
    return {"event_id": event_id, "doc_id": "doc_e", "event_type": "CONSULT", "mode": None,
            "source_entity_id": "ent_acme", "source_text": None, "target_entity_id": "ent_borel",
            "target_text": None, "event_date": datetime(2026, 11, 20).date(), "date_text": "Friday",
            "trigger": "talks", "start": 0, "end": 36, "sentence_index": 0, "extractor_version": VERSION,
            "trigger_start": 20, "trigger_end": 25, "tense": "past", "date_precision": "day",
            "date_basis": "published", "demand_id": None, "probability": 0.9, **kw}


def event_tables(events):
    out = {name: empty_table(name) for name in FACT_TABLES}
    published = datetime(2026, 11, 22, tzinfo=UTC)
    out["documents"] = to_arrow("documents", [document("doc_e", EVENT_TEXT, published_at=published,
                                                       date_basis="published")])
    out["events"] = to_arrow("events", events)
    return out


@pytest.mark.parametrize("bad, expectation", [
    (event("e2", event_type="CHAT"), "column='event_type'"),
    (event("e2", mode="by pigeon"), "column='mode'"),
    (event("e2", trigger_start=21), "column_A='trigger', column_B='_doc_trigger'"),
    (event("e2", source_entity_id=None, target_entity_id=None), "column='_has_party'"),
    (event("e2", event_date=datetime(2026, 11, 27).date()), "column_A='_doc_published', column_B='_past_event_date'"),
])
def test_event_rows_that_break_the_rules_are_quarantined(validator, bad, expectation):
    clean, report = validator.validate(event_tables([event(), bad]), run_id="r1", at=AT)
    assert clean["events"]["event_id"].to_pylist() == ["e1"]
    [q] = report.quarantine
    assert q["row_key"] == "e2" and expectation in q["expectation"]


def test_a_future_or_untensed_event_may_be_dated_after_publication(validator):
    later = datetime(2026, 11, 27).date()
    rows = [event(), event("e2", tense="future", event_date=later), event("e3", tense=None, event_date=later),
            event("e4", tense=None, event_date=None, date_text=None, date_precision=None, date_basis=None)]
    clean, report = validator.validate(event_tables(rows), run_id="r1", at=AT)
    assert clean["events"].num_rows == 4 and report.quarantine == []


def many(n_docs):
    """n_docs documents with one good amount each."""
    docs = [document(f"doc_{i}") for i in range(n_docs)]
    return docs, [amount(f"a{i}", f"doc_{i}") for i in range(n_docs)]


def test_a_bad_row_in_a_late_batch_is_found_in_files_and_the_rest_published(validator, tmp_path):
    """Validation reads Parquet files batch by batch (here 2 rows a batch) and writes the rows
    that pass to files: a failing row in the last batch is quarantined, a document failing in
    its batch takes its rows in another batch along."""
    docs, rows = many(5)
    docs[4] = document("doc_4", n_chars=3)  # the last documents batch
    rows[3] = amount("a3", "doc_3", value=-1.0)  # the second amounts batch
    files = {}
    for name, table in tables(docs, rows).items():
        files[name] = tmp_path / f"{name}.parquet"
        pq.write_table(table, files[name])
    clean, report = validator.validate(files, run_id="r1", at=AT, clean_dir=tmp_path / "clean", batch_rows=2)
    assert report.publishable
    assert sorted((q["table_name"], q["row_key"]) for q in report.quarantine) == [
        ("amounts", "a3"), ("documents", "doc_4")]
    assert pq.read_table(clean["documents"])["doc_id"].to_pylist() == [f"doc_{i}" for i in range(4)]
    assert pq.read_table(clean["amounts"])["amount_id"].to_pylist() == ["a0", "a1", "a2"]
    assert pq.read_table(clean["amounts"]).schema == TABLES["amounts"].schema
    assert report.tables["amounts"].rows_in == 4 and report.tables["amounts"].rows_out == 3


def test_an_id_repeated_in_another_batch_fails_the_table(validator):
    docs, rows = many(3)
    rows.append(amount("a0", "doc_2", value=7.0))  # a0 again, two batches later
    _, report = validator.validate(tables(docs, rows), run_id="r1", at=AT, batch_rows=2)
    assert report.table_failures == ["table 'amounts': expect_column_values_to_be_unique(column='amount_id')"]
    assert not report.publishable


def test_an_id_repeated_across_the_staged_files_batches_fails_unless_its_document_left(validator, tmp_path):
    docs, rows = many(3)
    rows.append(amount("a0", "doc_2", value=7.0))  # a0 again, in another document's batch
    files = {}
    for name, table in tables(docs, rows).items():
        files[name] = tmp_path / f"{name}.parquet"
        pq.write_table(table, files[name])
    _, report = validator.validate(files, run_id="r1", at=AT, clean_dir=tmp_path / "clean", batch_rows=2)
    assert report.table_failures == ["table 'amounts': expect_column_values_to_be_unique(column='amount_id')"]
    # the document with the repeat was rejected by extraction: its rows leave, the table passes
    _, report = validator.validate(files, run_id="r2", at=AT, clean_dir=tmp_path / "clean2", batch_rows=2,
                                   exclude_docs={"doc_2"})
    assert report.publishable
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["clean", "clean2", *(f.name for f in files.values())])


def test_gx_keeps_nothing_of_a_validated_batch(validator):
    """GX's pandas engine would keep the last frame of every table and every metric of every
    batch (memory growing with the night): after a night of several batches it holds none,
    and a bad row in the last batch is still found."""
    docs, rows = many(5)
    rows[4] = amount("a4", "doc_4", value=-1.0)
    _, report = validator.validate(tables(docs, rows), run_id="r1", at=AT, batch_rows=2)
    assert [q["row_key"] for q in report.quarantine] == ["a4"]
    engine = validator.source.get_execution_engine()
    assert not engine.batch_manager.batch_data_cache and not engine.batch_manager.batch_cache
    assert not engine._metric_cache


def test_only_tables_whose_checks_read_documents_look_them_up(validator, monkeypatch):
    """entity_aliases rows (sorted by entity) point at most of a night's documents in every
    batch: they, entities and documents read no document texts; the span tables do."""
    import expectations.suites as suites

    looked_up = []
    real = suites._documents_of

    def spy(documents, df):
        if documents is not None and len(df):
            looked_up.append([df.columns[0], *df["doc_id"].unique()])
        return real(documents, df)

    monkeypatch.setattr(suites, "_documents_of", spy)
    docs, rows = many(2)
    night = tables(docs, rows)
    night["entity_aliases"] = to_arrow("entity_aliases", [
        {"entity_id": "e1", "alias": "Acme", "rule": "alias", "doc_id": "doc_1", "run_id": "r1"}])
    _, report = validator.validate(night, run_id="r1", at=AT)
    assert report.publishable and report.tables["entity_aliases"].rows_out == 1
    assert looked_up == [["amount_id", "doc_0", "doc_1"]]  # (the other span tables are empty)
