import pytest
import spacy
from spacy.language import Language

import transforms.nlp  # noqa: F401  (registers newsfacts_on_words)
from transforms.extract import extract_documents
from transforms.ingest import Rejected
from transforms.pipeline import RELEASE


@Language.component("test_fails_on_boom")
def _fails_on_boom(doc):
    if "boom" in doc.text:
        raise ValueError("boom in the pipeline")
    return doc


def _failing_pipeline(on_words: bool):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_fails_on_boom")
    if on_words:  # as load_pipeline runs a model's components: inside newsfacts_on_words
        nlp.add_pipe("newsfacts_on_words", config={"components": ["test_fails_on_boom"]})
        nlp.disable_pipe("test_fails_on_boom")
    nlp.add_pipe("newsfacts_linker")
    nlp.add_pipe("newsfacts_amounts")
    nlp.add_pipe(RELEASE)  # (as load_pipeline ends: what the extractors cached cannot travel)
    return nlp


@pytest.mark.parametrize("n_process, on_words", [(1, False), (2, False), (1, True), (2, True)])
def test_a_document_the_pipeline_fails_on_is_rejected_and_the_rest_go_on(n_process, on_words):
    nlp = _failing_pipeline(on_words)
    docs = [(f"d{i}", "feed", "boom" if i == 5 else f"Acme paid $5m on day {i}.") for i in range(10)]
    out = list(extract_documents(nlp, docs, batch_size=4, n_process=n_process))
    # every document comes out, in input order, the failing one as a quarantine item
    assert [o.doc_id if isinstance(o, Rejected) else o[0] for o in out] == [d[0] for d in docs]
    [rejected] = [o for o in out if isinstance(o, Rejected)]
    assert rejected.doc_id == "d5" and rejected.stage == "extract"
    assert "ValueError: boom in the pipeline" in rejected.reason
    assert all(len(o[1]["amounts"]) == 1 for o in out if not isinstance(o, Rejected))
    # the pipeline raises again outside the run
    with pytest.raises(ValueError):
        nlp("boom")


@Language.component("test_slow_on_sleep")
def _slow_on_sleep(doc):
    if "sleep" in doc.text:
        import time
        time.sleep(3)
    return doc


def test_a_document_over_the_time_budget_is_rejected_and_the_rest_go_on(monkeypatch):
    import transforms.extract as extract

    monkeypatch.setattr(extract, "LONG_TEXT", 40)  # the long ones run alone, under the budget
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_slow_on_sleep")
    nlp.add_pipe("newsfacts_amounts")
    long_slow = "The board will sleep on it before paying $7m to the union."
    long_fast = "The board will think about it before paying $8m to the union."
    docs = [("a", "f", "Acme paid $5m."), ("b", "f", long_slow), ("c", "f", long_fast), ("d", "f", "Bolt paid $6m.")]
    out = list(extract_documents(nlp, docs, batch_size=2, budget_s=0.5))
    assert [o.doc_id if isinstance(o, Rejected) else o[0] for o in out] == ["a", "b", "c", "d"]
    assert isinstance(out[1], Rejected) and out[1].stage == "extract"
    assert "longer than the 0.5 s a document may take" in out[1].reason
    assert [r["value"] for o in (out[0], out[2], out[3]) for r in o[1]["amounts"]] == [5e6, 8e6, 6e6]


def test_a_long_text_is_read_by_the_model_in_pieces_with_its_offsets_kept(nlp, monkeypatch):
    import transforms.nlp as pipeline

    paragraph = ("Harbourview Metals agreed on Tuesday to pay $12 million to settle claims by "
                 "the Lakeside Fishers Union, which had demanded a cleanup of the estuary.")
    text = "\n\n".join(f"{paragraph} Part {i}." for i in range(30))
    whole = nlp(text)
    monkeypatch.setattr(pipeline, "SEGMENT_WORDS", 100)  # about three paragraphs a piece
    assert len(pipeline._segments(pipeline._words_only(nlp.make_doc(text))[0])) > 5
    pieces = nlp(text)
    assert pieces.text == text
    # cut where a line starts, the pieces parse as the whole does (but for a word or two at
    # a cut, where the model's context window stops)
    same = sum((a.tag_, a.dep_, a.head.i) == (b.tag_, b.dep_, b.head.i) for a, b in zip(pieces, whole))
    assert same >= 0.98 * len(whole)
    assert [(e.start_char, e.end_char, e.label_) for e in pieces.ents] == \
        [(e.start_char, e.end_char, e.label_) for e in whole.ents]
    amounts = pieces._.facts["amounts"]
    assert len(amounts) == 30 and all(text[a["start"]:a["end"]] == "$12 million" for a in amounts)


def test_a_text_longer_than_spacys_default_limit_is_extracted():
    from transforms.nlp import load_pipeline

    text = "The mill paid $3 million in fines.\n\n" * 30_000  # 1,080,000 characters
    assert len(text) > 1_000_000  # (spaCy's max_length: E088 before)
    [(doc_id, rows)] = list(extract_documents(load_pipeline("blank:en"), [("big", "f", text)], budget_s=600))
    assert doc_id == "big" and len(rows["amounts"]) == 30_000


@pytest.mark.parametrize("n_process, long_text", [(1, 100_000), (2, 100_000), (1, 10)])
def test_the_publication_date_reaches_the_components_in_workers_and_alone(n_process, long_text, monkeypatch):
    import datetime

    import transforms.extract as extract

    monkeypatch.setattr(extract, "LONG_TEXT", long_text)  # 10: every document runs alone
    text = "The Venezuelan oil ministry said the refinery paid 400 million bolivars in taxes."
    docs = [("old", "feed", text, datetime.date(2006, 5, 2)),
            ("new", "feed", text, datetime.datetime(2022, 5, 2, 9, 30)),
            ("undated", "feed", text, None)]
    out = dict(extract_documents(_failing_pipeline(on_words=True), docs, batch_size=2, n_process=n_process))
    # the bolivar was redenominated twice (VEB until 2008, VES since 2018): the date decides
    assert [out[d]["amounts"][0]["currency"] for d in ("old", "new")] == ["VEB", "VES"]
    # no date: the latest bolivar, as before
    assert out["undated"]["amounts"][0]["currency"] == "VES"


@Language.component("test_counts_blas_threads")
def _counts_blas_threads(doc):
    from threadpoolctl import threadpool_info

    doc.user_data["blas_threads"] = max(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
    return doc


def test_workers_share_the_cores_for_matrices_and_this_process_keeps_its_threads():
    from threadpoolctl import threadpool_info

    from transforms.extract import _started, blas_threads

    assert blas_threads(1, cores=8) is None  # one process: numpy's own default
    assert [blas_threads(k, cores=8) for k in (2, 3, 8, 16)] == [4, 2, 1, 1]

    def parent_threads():
        return max(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")

    before = parent_threads()
    nlp = spacy.blank("en")
    nlp.add_pipe("test_counts_blas_threads")
    docs = list(_started(nlp.pipe([f"text {i}" for i in range(6)], n_process=2, batch_size=2), threads=1))
    assert [d.text for d in docs] == [f"text {i}" for i in range(6)]
    assert {d.user_data["blas_threads"] for d in docs} == {1}
    assert parent_threads() == before
    assert list(_started(iter([]), threads=1)) == []


class _CountingTokenizer:
    def __init__(self, tokenizer):
        self.tokenizer, self.calls = tokenizer, 0

    def __call__(self, text):
        self.calls += 1
        return self.tokenizer(text)


def test_workers_tokenize_the_texts_and_this_process_only_reads_their_facts():
    import datetime
    import pickle

    from transforms.extract import DOC_ID, Carried

    carried = pickle.loads(pickle.dumps(Carried("Lodz paid $3m.", {DOC_ID: "x", "published": "2001-02-03"})))
    assert type(carried) is Carried and carried == "Lodz paid $3m." and carried.user_data["published"] == "2001-02-03"
    nlp = _failing_pipeline(on_words=False)
    nlp.tokenizer = counting = _CountingTokenizer(nlp.tokenizer)
    docs = [(f"d{i}", "feed", f"Harbin Steel paid ${i + 1}m to Lodz on day {i}.", datetime.date(2001, 2, 3))
            for i in range(6)]
    out = list(extract_documents(nlp, docs, batch_size=2, n_process=2))
    assert counting.calls == 0  # every text was tokenized in a worker
    assert [doc_id for doc_id, _ in out] == [d[0] for d in docs]
    assert [rows["amounts"][0]["value"] for _, rows in out] == [(i + 1) * 1e6 for i in range(6)]
    assert list(extract_documents(nlp, docs[:1], n_process=1))[0][0] == "d0" and counting.calls == 1


@Language.component("test_returns_a_new_doc")
def _returns_a_new_doc(doc):
    return spacy.tokens.Doc(doc.vocab, words=[t.text for t in doc])


def test_a_component_that_drops_the_documents_data_is_a_clear_error():
    nlp = spacy.blank("en")
    nlp.add_pipe("test_returns_a_new_doc")
    with pytest.raises(RuntimeError, match="without the document's user_data"):
        list(extract_documents(nlp, [("d0", "feed", "Varna Mills paid $4m.")]))
