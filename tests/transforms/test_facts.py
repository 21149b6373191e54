"""Extractors are components: their facts travel on the Doc, from the worker processes too."""

import os
import textwrap

import pytest

from transforms.facts import get_facts, set_facts, table_rows
from transforms.nlp import EXTRACTORS, PipelineSpec, load_pipeline, model_version

NEWS = [
    "Halvorsen Industries Inc. agreed to pay a $12 million fine, the regulator said on Monday.",
    "The dockworkers' union demanded a 9 pct wage rise from Brightwater Ports Ltd.",
    "A fire gutted the old mill. Mayor Ana Quist offered a reward of 5,000 euros for information on the arson.",
]

# A user's own extractor, in a module of their own: no newsfacts code is edited to use it.
USER_MODULE = textwrap.dedent('''
    import os
    from spacy.language import Language
    from transforms.facts import set_facts

    @Language.factory("test_user_amounts", assigns=["doc._.facts"])
    def make(nlp, name):
        def every_number_is_a_dollar(doc):
            set_facts(doc, "amounts", [
                {"start": t.idx, "end": t.idx + len(t.text), "text": t.text, "value": float(t.text),
                 "currency": "USD", "qualifier": "exact", "purpose": "other", "pid": os.getpid()}
                for t in doc if t.like_num and t.text.isdigit()])
            return doc
        return every_number_is_a_dollar
''')


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    (tmp_path / "newsroom_extractors.py").write_text(USER_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "newsroom_extractors"


def test_rows_are_the_same_whether_the_components_run_here_or_in_two_workers(nlp):
    alone = [table_rows(doc, f"d{i}", "v") for i, doc in enumerate(nlp.pipe(NEWS))]
    workers = [table_rows(doc, f"d{i}", "v") for i, doc in enumerate(nlp.pipe(NEWS, n_process=2))]
    assert workers == alone
    # as `extract_documents` asks of its workers: the facts come back without the parse
    slim = list(nlp.pipe(NEWS, n_process=2, component_cfg={"newsfacts_release": {"facts_only": True}}))
    assert [len(doc) for doc in slim] == [0, 0, 0]
    assert [table_rows(doc, f"d{i}", "v") for i, doc in enumerate(slim)] == alone
    assert any(row["sentence_index"] for rows in alone for table in rows.values() for row in table
               if "sentence_index" in row)  # (so the located sentences are checked too)
    assert [len(rows["amounts"]) for rows in alone] == [1, 0, 1]
    assert len(alone[1]["demands"]) == 1 and alone[0]["entities"]


def test_a_user_extractor_swaps_in_by_configuration_and_runs_in_the_workers(user_module):
    spec = PipelineSpec("blank:en", ("newsfacts_linker", "test_user_amounts"), (user_module,))
    nlp = load_pipeline(spec)
    assert nlp.pipe_names[-3:] == ["newsfacts_linker", "test_user_amounts", "newsfacts_release"]
    assert model_version(nlp).endswith("+newsfacts_linker,test_user_amounts")
    docs = list(nlp.pipe(["It cost 40 and then 7.", "Nothing here."], n_process=2))
    assert {f["pid"] for f in get_facts(docs[0], "amounts")} - {os.getpid()}  # computed in a worker
    rows = table_rows(docs[0], "d0", "v")["amounts"]
    assert [(r["text"], r["value"], r["sentence_index"]) for r in rows] == [("40", 40.0, 0), ("7", 7.0, 0)]
    assert "pid" not in rows[0] and rows[0]["amount_id"].startswith("amt_")


def test_an_unknown_extractor_is_a_clear_error():
    from transforms.nlp import ModelError

    with pytest.raises(ModelError, match="cannot add the extractor 'no_such_extractor'"):
        load_pipeline(PipelineSpec("blank:en", ("no_such_extractor",)))


def test_facts_are_checked_against_the_tables(nlp):
    doc = nlp("Nothing to see.")
    with pytest.raises(ValueError, match="no table 'rumours'"):
        set_facts(doc, "rumours", [])
    assert get_facts(doc, "events") == [] and EXTRACTORS[0] == "newsfacts_linker"
