import pytest

from spacy.tokens import Doc

from transforms.nlp import (ENV_MODEL, LemmaRepair, ModelError, load_pipeline, resolve_model_name,
                            verbs_read_as_adjectives)


def test_invalid_model_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(ENV_MODEL, "/nowhere/no_such_pipeline")
    with pytest.raises(ModelError) as e:
        load_pipeline()
    assert ENV_MODEL in str(e.value) and "/nowhere/no_such_pipeline" in str(e.value)
    assert "\n" not in str(e.value)


def test_argument_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv(ENV_MODEL, "blank:de")
    assert resolve_model_name("blank:en") == "blank:en"
    assert resolve_model_name() == "blank:de"
    assert load_pipeline().lang == "de"


def test_line_breaks_start_sentences_and_blank_lines_do_not():
    nlp = load_pipeline("blank:en")
    doc = nlp("Maduro’s Requests Denied\nSources say he left. He sought amnesty.\n\nNext Steps\nMore.")
    assert [s.text.strip() for s in doc.sents] == [
        "Maduro’s Requests Denied", "Sources say he left.", "He sought amnesty.", "Next Steps", "More."]


def test_matrix_products_go_through_numpy(nlp):
    assert nlp.get_pipe("ner").model.ops.use_blis is False


def test_msgpack_hooks_are_read_once_and_kept(nlp, monkeypatch):
    # Docs cross between processes as msgpack: srsly's numpy hooks must still apply, and no
    # call may scan the installed packages' entry points again (the loaded pipeline read them).
    import catalogue
    import numpy
    import srsly

    monkeypatch.setattr(catalogue.Registry, "get_entry_points",
                        lambda self: pytest.fail("msgpack looked its hooks up again"))
    values = numpy.arange(3.0)
    assert (srsly.msgpack_loads(srsly.msgpack_dumps({"v": values}))["v"] == values).all()
    doc = nlp("Ann Lee paid $5 to Acme.")
    assert [t.text for t in type(doc)(nlp.vocab).from_bytes(doc.to_bytes())] == [t.text for t in doc]


def test_matmul_setting_picks_blis(monkeypatch):
    from thinc.api import get_current_ops

    from transforms.nlp import ENV_MATMUL, _load

    monkeypatch.setenv(ENV_MATMUL, "blis")
    _load.cache_clear()
    try:
        _load("blank:en")
        assert get_current_ops().use_blis is True
    finally:
        _load.cache_clear()


def test_an_unknown_matmul_setting_is_a_clear_error(monkeypatch):
    from transforms.nlp import ENV_MATMUL, _load

    monkeypatch.setenv(ENV_MATMUL, "mkl")
    _load.cache_clear()
    try:
        with pytest.raises(ModelError) as e:
            _load("blank:en")
        assert ENV_MATMUL in str(e.value) and "mkl" in str(e.value)
    finally:
        _load.cache_clear()


def test_ner_reads_words_without_whitespace_tokens(nlp):
    # A dateline's blank line once hid the name right after it from the recogniser.
    text = "February 3, 2009\n\n  General Motors (GM) and Chrysler began to cut jobs.\n\nChrysler said so."
    doc = nlp(text)
    assert (doc.ents[0].text, doc.ents[0].label_) == ("General Motors", "ORG")
    assert [e.text for e in doc.ents if e.text == "Chrysler"] == ["Chrysler", "Chrysler"]
    assert all(text[e.start_char:e.end_char] == e.text for e in doc.ents)
    assert nlp.get_pipe("ner") not in [proc for _, proc in nlp.pipeline]  # the wrapper runs it


def test_whitespace_tokens_hang_on_the_word_before_and_head_nothing(nlp):
    text = "  Sales rose 10% to $26.5 billion.\n\nProfit fell.\n\n\nThe board met on Monday.\n"
    doc = nlp(text)
    spaces = [t for t in doc if t.is_space]
    assert spaces and all(t.dep_ == "dep" and t.tag_ == "_SP" and not t.head.is_space for t in spaces)
    assert not any(t.head.is_space for t in doc if not t.is_space)
    assert [s.text.strip() for s in doc.sents] == ["Sales rose 10% to $26.5 billion.", "Profit fell.",
                                                  "The board met on Monday."]


def test_a_tag_only_attribute_ruler_runs_as_a_lookup_with_the_same_parts_of_speech(nlp):
    import spacy

    from transforms.nlp import BUNDLED_MODEL, TagMap, tag_map

    model = spacy.load(BUNDLED_MODEL)
    ruler = model.get_pipe("attribute_ruler")
    assert isinstance(tag_map(ruler), TagMap)
    assert [type(c) for c in nlp.get_pipe("newsfacts_on_words").components].count(TagMap) == 1
    text = "Ms Varga's co-op sold 40 tonnes of pears to Lindqvist AB on Friday.\n\nIt won't sell more!"
    with model.select_pipes(disable=["attribute_ruler", "parser", "ner", "trainable_lemmatizer", "lemma_rules"]):
        tagged = model(text)
    by_ruler, by_lookup = ruler(tagged.copy()), tag_map(ruler)(tagged.copy())
    assert [t.pos_ for t in by_lookup] == [t.pos_ for t in by_ruler]
    assert {t.pos_ for t in by_lookup} >= {"PROPN", "VERB", "NUM", "NOUN", "ADP", "PUNCT", "AUX"}


def test_an_attribute_ruler_with_other_patterns_keeps_its_matcher():
    import spacy

    from transforms.nlp import TagMap, tag_map

    ruler = spacy.blank("en").add_pipe("attribute_ruler")
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    assert isinstance(tag_map(ruler), TagMap)
    ruler.add([[{"LOWER": "the"}, {"TAG": "NN"}]], {"POS": "NOUN"}, index=1)
    assert tag_map(ruler) is ruler
    lemmas = spacy.blank("en").add_pipe("attribute_ruler")
    lemmas.add([[{"TAG": "VBD"}]], {"LEMMA": "be"})
    assert tag_map(lemmas) is lemmas


def _parsed(vocab, rows):
    words, tags, heads, deps = zip(*rows)
    return Doc(vocab, words=list(words), tags=list(tags), heads=list(heads), deps=list(deps))


def test_a_verb_read_as_its_objects_adjective_is_the_root_again(nlp):
    # the parser's reading: "imposed" an adjective of the root "sanctions", with a subject
    doc = _parsed(nlp.vocab, [("But", "CC", 3, "cc"), ("Norway", "NNP", 2, "nsubj"), ("imposed", "VBD", 3, "amod"),
                              ("sanctions", "NNS", 3, "ROOT"), ("on", "IN", 5, "case"), ("Chile", "NNP", 3, "nmod"),
                              ("today", "NN", 3, "obl:tmod"), (".", ".", 3, "punct")])
    verbs_read_as_adjectives(doc)
    assert [(t.text, t.dep_, t.head.text) for t in doc] == [
        ("But", "cc", "imposed"), ("Norway", "nsubj", "imposed"), ("imposed", "ROOT", "imposed"),
        ("sanctions", "obj", "imposed"), ("on", "case", "Chile"), ("Chile", "nmod", "sanctions"),
        ("today", "obl:tmod", "imposed"), (".", "punct", "imposed")]
    assert len(list(doc.sents)) == 1
    # the shipped parser reads this one so, and the pipeline repairs it
    parsed = nlp("Norway imposed sanctions on Chile.")
    assert (parsed[1].dep_, parsed[2].dep_, parsed[2].head.text) == ("ROOT", "obj", "imposed")


def test_an_adjective_participle_or_a_relative_clause_verb_stays(nlp):
    unchanged = [("which", "WDT", 1, "nsubj"), ("believed", "VBD", 2, "amod"), ("claims", "NNS", 2, "ROOT")]
    leaked = [("Leaked", "VBD", 1, "amod"), ("papers", "NNS", 1, "ROOT")]  # no subject: an adjective
    for rows in (unchanged, leaked):
        doc = verbs_read_as_adjectives(_parsed(nlp.vocab, rows))
        assert [(t.dep_, t.head.i) for t in doc] == [(dep, head) for _, _, head, dep in rows]


def test_a_verb_the_edit_tree_lemmatizer_never_saw_gets_its_dictionary_lemma(nlp):
    doc = nlp("The senate vetoed the tariff bill, the regulator blamed its lenders and the "
              "dockworkers are suing the harbour board, whose fees have risen.")
    lemma = {t.text: t.lemma_ for t in doc}
    assert (lemma["vetoed"], lemma["blamed"], lemma["suing"], lemma["risen"]) == ("veto", "blame", "sue", "rise")
    assert (lemma["are"], lemma["fees"], lemma["lenders"]) == ("be", "fee", "lender")


def test_a_lemma_that_is_a_word_a_modal_and_capitals_are_left_alone(nlp):
    repair = LemmaRepair(nlp.get_pipe("lemma_rules"))
    doc = Doc(nlp.vocab, words=["Ortiz", "blamed", "them", "as", "he", "might", "and", "said", "GPS", "glorbed"],
              pos=["PROPN", "VERB", "PRON", "ADP", "PRON", "AUX", "CCONJ", "VERB", "NOUN", "VERB"],
              tags=["NNP", "VBD", "PRP", "IN", "PRP", "MD", "CC", "VBD", "NNS", "VBD"],
              lemmas=["Ortiz", "blam", "they", "as", "he", "might", "and", "say", "GPS", "glorbed"])
    repair(doc)
    assert [t.lemma_ for t in doc] == ["Ortiz", "blame", "they", "as", "he", "might", "and", "say", "GPS", "glorbed"]


def test_a_rule_lemmatizer_without_its_tables_is_a_clear_error():
    import spacy

    empty = spacy.blank("en").add_pipe("lemmatizer", config={"mode": "rule"})
    with pytest.raises(ModelError, match="lemma_index, lemma_exc, lemma_rules"):
        LemmaRepair(empty)
