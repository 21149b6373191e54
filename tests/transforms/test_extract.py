import pytest
import spacy
from spacy.language import Language

import transforms.nlp  # noqa: F401  (registers newsfacts_on_words)
from transforms.extract import extract_documents
from transforms.ingest import Rejected


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
