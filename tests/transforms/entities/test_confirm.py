"""The NER decoded with its margins, and doubtful entities checked by a verifier NER
(`transforms.entities.confirm`). Invented sentences; the bundled model's NER throughout."""

import numpy
import pytest
import spacy
from spacy.tokens import Doc, Span

from transforms.entities import confirm
from transforms.pipeline import BUNDLED_MODEL

TEXTS = [
    "Karin Dahl met officials of Brenvik Holdings in Tromso on Monday .",
    "The Ostvale Harbour Authority said Pell Varga would visit Lisbon and Quito",
    "Ines Kolar",
    "Shares of Marrow Lane Capital fell . Analysts at Fenwick said the Ostvale deal was late .",
]


@pytest.fixture(scope="module")
def ner():
    return spacy.load(BUNDLED_MODEL).get_pipe("ner")


def _words(ner, text, starts=None):
    return Doc(ner.vocab, words=text.split(), sent_starts=starts)


def _ents(doc):
    return [(e.start, e.end, e.label_) for e in doc.ents]


def test_decoding_finds_what_spacys_decoder_finds(ner):
    docs = [_words(ner, t) for t in TEXTS]
    # a sentence start inside the text: no entity may run across it
    cut = TEXTS[1].split().index("Pell")
    docs.append(_words(ner, TEXTS[1], [True] + [i == cut for i in range(1, len(TEXTS[1].split()))]))
    expected = [_ents(ner(d.copy())) for d in docs]
    states, margins = confirm.decode(ner, docs)
    ner.set_annotations(docs, states)
    assert [_ents(d) for d in docs] == expected
    assert any(expected)
    # one margin per word, none negative: the chosen action scores best among the valid ones
    assert [len(m) for m in margins] == [len(d) for d in docs]
    assert all((m >= 0).all() for m in margins)


def test_decoding_an_empty_batch(ner):
    states, margins = confirm.decode(ner, [Doc(ner.vocab, words=[])])
    assert len(states) == 1 and [len(m) for m in margins] == [0]


def test_a_doubtful_entity_the_verifier_does_not_find_is_dropped(ner):
    doc = _words(ner, "Karin Dahl met officials of Brenvik Holdings in Tromso .")
    for i, t in enumerate(doc):
        t.is_sent_start = i == 0
    # "met officials" no NER calls an entity; the verifier confirms the other two
    doc.ents = [Span(doc, 0, 2, "PER"), Span(doc, 2, 4, "ORG"), Span(doc, 8, 9, "LOC")]
    doc.user_data[confirm._MARGINS] = numpy.zeros(len(doc), dtype="float32")
    confirm.Confirm([ner]).confirm([doc], 8)
    assert [e.text for e in doc.ents] == ["Karin Dahl", "Tromso"]
    assert confirm._MARGINS not in doc.user_data


def test_a_sure_entity_is_not_checked(ner):
    doc = _words(ner, "Karin Dahl met officials in Tromso .")
    for i, t in enumerate(doc):
        t.is_sent_start = i == 0
    doc.ents = [Span(doc, 2, 4, "ORG")]
    margins = numpy.zeros(len(doc), dtype="float32")
    margins[2:4] = confirm.MARGIN  # not under the margin
    doc.user_data[confirm._MARGINS] = margins
    confirm.Confirm([ner]).confirm([doc], 8)
    assert [e.text for e in doc.ents] == ["met officials"]


class _Reading:
    """A verifier that remembers the sentences it was given."""

    def __init__(self, ner):
        self.ner, self.read = ner, []

    def pipe(self, docs, batch_size=64):
        docs = list(docs)
        self.read += [d.text for d in docs]
        return self.ner.pipe(docs, batch_size=batch_size)


def test_a_sentence_whose_doubtful_entities_are_all_dropped_is_not_read_again(ner):
    doc = _words(ner, "Ines Kolar met officials . Karin Dahl flew to Tromso .")
    for i, t in enumerate(doc):
        t.is_sent_start = i in (0, 5)
    # the first sentence's only doubtful entity is no name; the second's is one
    doc.ents = [Span(doc, 2, 4, "ORG"), Span(doc, 9, 10, "LOC")]
    margins = numpy.full(len(doc), confirm.MARGIN, dtype="float32")
    margins[2:4] = margins[9] = 0
    doc.user_data[confirm._MARGINS] = margins
    first, second = _Reading(ner), _Reading(ner)
    confirm.Confirm([first, second]).confirm([doc], 8)
    assert [e.text for e in doc.ents] == ["Tromso"]
    assert len(first.read) == 2 and second.read == [first.read[1]] and "Tromso" in second.read[0]


def test_a_long_sentence_is_read_only_around_its_doubtful_entities(ner):
    words = ("After a week of talks that ran late into every night in the old port town , "
             "the board of Brenvik Holdings agreed to sell two ferries and a small shipyard to a "
             "buyer from Tromso for a price that neither side would disclose to reporters .").split()
    doc = Doc(ner.vocab, words=words, sent_starts=[True] + [False] * (len(words) - 1))
    at = words.index("Brenvik")
    doc.ents = [Span(doc, at, at + 2, "ORG"), Span(doc, words.index("Tromso"), words.index("Tromso") + 1, "LOC")]
    margins = numpy.full(len(doc), confirm.MARGIN, dtype="float32")
    margins[at] = 0  # only the company is doubtful
    doc.user_data[confirm._MARGINS] = margins
    verifier = _Reading(ner)
    confirm.Confirm([verifier]).confirm([doc], 8)
    # the verifier finds the company in the words around it, and reads nothing else
    assert [r.strip() for r in verifier.read] == [" ".join(words[at - confirm.REACH:at + 2 + confirm.REACH])]
    assert [e.text for e in doc.ents] == ["Brenvik Holdings", "Tromso"]
