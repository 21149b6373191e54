"""Candidate event triggers: the verbs, nouns and adjectives that may signal a PLOVER event.

A word is a candidate when its lemma can signal an event: the trigger lexicon derived from the
CAMEO verb dictionary (`transforms/events/lexicon.json`, its nominal triggers included) knows
it, or the trained model saw it head a gold trigger (`EventModel.vocabulary`; adjectives such as
"unacceptable" only so). Each candidate counts the earlier candidates of its lemma in the
document (`Trigger.nth`): a real-world event is coded once, at its clearest mention. Whether it is an
event, and of which type, is the model's decision in context: the lexicon proposes, it does not
decide ("agreed to buy" is AGREE, "agreed that prices were high" is nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Doc, Token

from transforms.parse import VERB_PARTICLE, doc_text, lemmas, parts_of_speech

# Parts of speech a trigger may have, as the lexicon and the model name them. The parser tags
# some full verbs AUX ("Acme claims ..."): those are verbs unless their lemma is an auxiliary's.
TRIGGER_POS = {"VERB": "verb", "AUX": "verb", "NOUN": "noun", "ADJ": "adj"}
_AUXILIARIES = {"be", "have", "do", "will", "would", "shall", "should", "can", "could", "may", "might",
                "must", "ought", "need", "dare", "get", "'s", "'ve", "'re", "'m", "'d", "'ll", "wo", "ca"}
# A noun trigger's modifiers that are part of its name ("phone call", "air strikes").
_NOUN_NAME = ("compound",)


@dataclass(frozen=True)
class Trigger:
    """A candidate trigger: the word, its lemma and kind ("verb" or "noun")."""

    token: Token
    lemma: str
    pos: str
    nth: int = 0  # earlier candidates of the document with the same lemma and kind

    @property
    def words(self) -> list[Token]:
        """The trigger as written: the word with its particle ("called off") or the compound
        words that name it ("phone call")."""
        t = self.token
        deps = VERB_PARTICLE if self.pos == "verb" else _NOUN_NAME
        extra = [c for c in t.children if c.dep_ in deps and abs(c.i - t.i) <= 2]
        return sorted([t, *extra], key=lambda w: w.i)

    @property
    def chars(self) -> tuple[int, int]:
        words = self.words
        return words[0].idx, words[-1].idx + len(words[-1])

    @property
    def text(self) -> str:
        start, end = self.chars
        return doc_text(self.token.doc)[start:end]

    @property
    def clause(self) -> tuple[int, int]:
        """The character span of the trigger's clause: the subtree of the verb it belongs to,
        inside its sentence."""
        head = self.token if self.pos == "verb" else _clause_verb(self.token)
        sent = self.token.sent
        left = max(head.left_edge.i, sent.start)
        right = min(head.right_edge.i, sent.end - 1)
        doc = self.token.doc
        return doc[left].idx, doc[right].idx + len(doc[right])


def _clause_verb(t: Token) -> Token:
    """The verb a noun hangs on ("held talks" -> held), else the noun itself."""
    for a in t.ancestors:
        if a.pos_ in ("VERB", "AUX"):
            return a
    return t


def candidates(doc: Doc, known: Callable[[str, str], bool]) -> list[Trigger]:
    """Every word whose lemma `known(lemma, pos)` accepts, in text order, each counting the
    earlier ones of its lemma (a repeated mention is seldom where an event is told)."""
    out, seen = [], {}
    for i, (upos, word) in enumerate(zip(parts_of_speech(doc), lemmas(doc))):
        pos = TRIGGER_POS.get(upos)
        if pos is None:
            continue
        if upos == "AUX" and word in _AUXILIARIES:
            continue
        if known(word, pos):
            nth = seen[word, pos] = seen.get((word, pos), -1) + 1
            out.append(Trigger(doc[i], word, pos, nth))
    return out
