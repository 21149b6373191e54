import spacy
from spacy.tokens import Span

from transforms.parse import cached, forget, forget_entities, lemmas, texts, tokens, word_cached


def _doc(words):
    return spacy.blank("en").make_doc(" ".join(words))


def test_the_word_cache_outlives_an_entity_change_and_not_the_document_leaving():
    doc, built = _doc(["Velder", "Co", "hired", "Orvell"]), []

    def build(name):
        return lambda d: built.append(name) or name

    for _ in range(2):
        cached(doc, "e", build("entities"))
        word_cached(doc, "w", build("words"))
    assert built == ["entities", "words"]
    forget_entities(doc)
    cached(doc, "e", build("entities"))
    word_cached(doc, "w", build("words"))
    assert built == ["entities", "words", "entities"]
    forget(doc)
    word_cached(doc, "w", build("words"))
    assert built == ["entities", "words", "entities", "words"]


def test_cached_tokens_read_entities_set_after_they_were_cached():
    doc = _doc(["Velder", "Co", "hired", "Orvell", "."])
    before = tokens(doc)
    assert [t.text for t in before] == texts(doc) == ["Velder", "Co", "hired", "Orvell", "."]
    doc.set_ents([Span(doc, 3, 4, label="PERSON")])
    forget_entities(doc)
    assert tokens(doc) is before and before[3].ent_type_ == "PERSON" and before[0].ent_type_ == ""


def test_the_lemma_column_falls_back_to_the_lower_case_word():
    doc = _doc(["Orvell", "Hired"])  # (a blank pipeline sets no lemma)
    assert lemmas(doc) == ["orvell", "hired"]


def test_the_pipeline_returns_documents_without_anything_cached(nlp):
    doc = nlp("Velder Co hired Orvell Marsh for $2 million on Monday, the company said.")
    assert not [k for k in doc.user_data if "cache" in str(k)]
