"""Readers of a spaCy dependency parse, shared by the extractors.

Every reader here works with both label schemes spaCy pipelines use: ClearNLP
(en_core_web_*: nsubjpass, dobj, prep + pobj, poss) and Universal Dependencies (the bundled
pipeline, trained on UD English-EWT: nsubj:pass, obj, nmod/obl with a `case` child, nmod:poss).
No lexicon is read here: where a reader needs cue words, the caller passes them.

Extractors read clauses differently (what counts as a verb, whose subject a clause inherits):
each such reader says in its docstring which reading it is, so that a second one sits beside
it under its own name rather than changing it.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from typing import Any, Callable, Iterable

from spacy.attrs import LEMMA, LOWER, ORTH, POS, TAG
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span, Token

# Dependency labels, both schemes.
SUBJECT = ("nsubj", "nsubjpass", "nsubj:pass", "nsubj:outer")
PASSIVE_SUBJECT = ("nsubjpass", "nsubj:pass")
AGENT = ("agent", "obl:agent")
AUXILIARY = ("aux", "aux:pass", "auxpass")
PASSIVE_AUXILIARY = ("aux:pass", "auxpass")
POSSESSOR = ("poss", "nmod:poss")
OBJECT = ("dobj", "dative", "iobj", "obj")
RELATIVE_CLAUSE = ("relcl", "acl:relcl", "advcl:relcl")


def child(token: Token, deps: Iterable[str], exclude=()) -> Token | None:
    """The first child of token attached by one of `deps`, not among the indices `exclude`."""
    return next((c for c in token.children if c.dep_ in deps and c.i not in exclude), None)


def children(token: Token, deps: Iterable[str], exclude=()) -> list[Token]:
    """Every child of token attached by one of `deps`, not among the indices `exclude`."""
    return [c for c in token.children if c.dep_ in deps and c.i not in exclude]


def prep_heads(token: Token, preps, exclude=()) -> list[Token]:
    """Heads of the phrases a preposition in `preps` attaches to `token`: ClearNLP hangs them
    as `pobj` (or `pcomp`) under a `prep` child, UD as an nmod/obl/acl/advcl child with a `case`
    (or, but for infinitive "to", `mark`) word before it."""
    heads = []
    for c in token.children:
        if c.i in exclude:
            continue
        if c.dep_ == "prep" and c.lower_ in preps:
            heads.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp") and p.i not in exclude)
        elif c.dep_.split(":")[0] in ("nmod", "obl", "acl", "advcl") and any(
                k.lower_ in preps and k.i < c.i and (k.dep_ == "case" or k.dep_ == "mark" and k.tag_ != "TO")
                for k in c.children):
            heads.append(c)
    return heads


def is_verb(token: Token) -> bool:
    """A verb by its part of speech (VERB or AUX), or a noun with an object.

    A word with an object is a verb whatever its tag: taggers trained without financial news
    read "the earthquake cost the country $1bn" with "cost" a noun, yet parse its object.
    (Unlike a reading by tag alone, a VB* tag on a word tagged otherwise does not count.)
    """
    return token.pos_ in ("VERB", "AUX") or (
        token.pos_ == "NOUN" and any(c.dep_ in OBJECT for c in token.children))


def next_verb(token: Token) -> Token | None:
    """The nearest ancestor of token that `is_verb`."""
    return next((t for t in token.ancestors if is_verb(t)), None)


def clause_of(token: Token) -> Token | None:
    """The verb whose clause a token belongs to (itself for a verb, by `is_verb`)."""
    return token if is_verb(token) else next_verb(token)


# spaCy computes these on every read: `doc.text` joins every token, `doc.ents` builds every
# entity span, `doc.sents` walks the whole document. Extractors read them once per fact, which
# made extraction quadratic in a document's length (80,000 characters: 20 s for events alone).
# Read once per document instead, kept in `doc.user_data`: what depends on the entities until
# they change (`forget_entities`, after `doc.set_ents`), what depends on the words alone (text,
# tokens, lemmas, sentences: `word_cached`) until the document leaves the pipeline (`forget`:
# its `user_data` is serialised with it between processes).
_CACHE = "newsfacts_parse_cache"
_WORD_CACHE = "newsfacts_word_cache"


def cached(doc: Doc, key: str, build: Callable[[Doc], Any]) -> Any:
    """`build(doc)`, computed once per document until its entities change (`forget_entities`)."""
    return _kept(doc, _CACHE, key, build)


def word_cached(doc: Doc, key: str, build: Callable[[Doc], Any]) -> Any:
    """`build(doc)` of what the entities do not change, computed once per document (until `forget`)."""
    return _kept(doc, _WORD_CACHE, key, build)


def _kept(doc: Doc, cache: str, key: str, build: Callable[[Doc], Any]) -> Any:
    store = doc.user_data.setdefault(cache, {})
    if key not in store:
        store[key] = build(doc)
    return store[key]


def forget_entities(doc: Doc) -> Doc:
    """Drop what `cached` kept: the entities changed (the word-level cache stays)."""
    doc.user_data.pop(_CACHE, None)
    return doc


def forget(doc: Doc) -> Doc:
    """Drop everything cached: the words changed, or the document leaves the pipeline."""
    doc.user_data.pop(_CACHE, None)
    doc.user_data.pop(_WORD_CACHE, None)
    return doc


def tokens(doc: Doc) -> list[Token]:
    """The document's tokens as a list: `doc[i]` and `for t in doc` make a new Token object on
    every read, which whole-document scans paid for a million times per 300 articles."""
    return word_cached(doc, "tokens", list)


def has_parse(doc: Doc) -> bool:
    """Whether a parser ran (`has_annotation` scans every token of an unparsed document)."""
    return word_cached(doc, "parsed", lambda d: d.has_annotation("DEP"))


def doc_text(doc: Doc) -> str:
    return word_cached(doc, "text", lambda d: d.text)


def sentences(doc: Doc) -> list[Span]:
    return word_cached(doc, "sents", lambda d: list(d.sents) if d.has_annotation("SENT_START") else [d[:]])


def sentence_index(token: Token) -> int:
    """0-based index of the token's sentence in `sentences(doc)`."""
    return max(bisect_right(_sentence_starts(token.doc), token.i) - 1, 0)


def _sentence_starts(doc: Doc) -> list[int]:
    return word_cached(doc, "sent_starts", lambda d: [s.start for s in sentences(d)])


def sentence_index_at(doc: Doc, char: int) -> int:
    """0-based index of the sentence holding character offset `char` (a mention's start)."""
    starts = word_cached(doc, "sent_start_chars", lambda d: [s.start_char for s in sentences(d)])
    return max(bisect_right(starts, char) - 1, 0)


# Dashes that end a newswire dateline ("PARIS, March 5 - ...") within its first words.
_DATELINE_DASHES = ("-", "--", "\u2013", "\u2014")
_DATELINE_WORDS = 15


def dateline_end(doc: Doc) -> int:
    """The index of the dash ending the newswire dateline that opens the text ("GENEVA, March 5
    - ..."), else 0: the place there is where the story was filed, not a party to it. (The
    amounts read the place name itself, for its currency: `money.context.dateline_end`.)"""
    if not len(doc) or not doc[0].is_upper:
        return 0
    return next((w.i for w in doc[1:_DATELINE_WORDS] if w.text in _DATELINE_DASHES), 0)


def sentence_of(token: Token) -> Span:
    """`token.sent`, read from `sentences` (each `token.sent` walks the sentence again)."""
    return sentences(token.doc)[sentence_index(token)]


def sentence_start(token: Token) -> int:
    """`token.sent.start` (as `sentence_of`)."""
    return _sentence_starts(token.doc)[sentence_index(token)]


def entities(doc: Doc) -> tuple[Span, ...]:
    return cached(doc, "ents", lambda d: tuple(d.ents))


def entities_in(span: Span) -> list[Span]:
    """The document's entity spans inside `span` (a sentence), in order."""
    ents = entities(span.doc)
    starts = cached(span.doc, "ent_starts", lambda d: [e.start for e in ents])
    first = bisect_right(starts, span.start - 1)
    return [e for e in ents[first:bisect_right(starts, span.end - 1)] if e.end <= span.end]


def entity_of(token: Token) -> Span | None:
    """The entity span of the document that contains token, if any."""
    if not token.ent_type_:
        return None
    ents = entities(token.doc)
    starts = cached(token.doc, "ent_starts", lambda d: [e.start for e in ents])
    n = bisect_right(starts, token.i) - 1
    return ents[n] if n >= 0 and token.i < ents[n].end else None


def tree_distance(a: Token, b: Token) -> int:
    """Edges between two tokens of one parsed sentence (their distance in tokens plus 10 when
    no common ancestor joins them)."""
    up_a = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in up_a:
            return n + up_a[t.i]
    return abs(a.i - b.i) + 10


def is_plural(token: Token) -> bool:
    """A plural noun by tag or morphology, or one counted by a number ("three banks")."""
    return token.tag_ in ("NNS", "NNPS") or "Plur" in token.morph.get("Number") or any(
        c.dep_ == "nummod" for c in token.children)


def determiner(head: Token) -> Token | None:
    """The determiner or possessive of a noun; parsers hang "The" of "The Pittsburgh, Pa.,
    company" on the place name, so one in front of a run of names and commas counts too."""
    own = next((c for c in head.children if c.dep_ in ("det", *POSSESSOR)), None)
    if own is not None:
        return own
    i, first = head.i - 1, sentence_start(head)
    while i >= first and (head.doc[i].is_punct or head.doc[i].text[:1].isupper()) \
            and head.doc[i].pos_ != "DET":
        i -= 1
    return head.doc[i] if i >= first and head.doc[i].pos_ == "DET" and i < head.i - 1 else None


def subject_of(verb: Token, *, acts: Callable[[Token], bool] | None = None,
               control_verbs=frozenset(), control_preps=frozenset(), depth: int = 0) -> Token | None:
    """The subject of a clause, spelled out or understood (the amounts extractor's reading).

    Of several subjects the last before the verb ("the Pittsburgh, Pa., company reported"),
    also one the parser hung on an auxiliary, else a clausal subject; with none, for a finite
    verb (or a verb tagged a noun) the noun right before it, for a clause with an auxiliary a
    gerund clause ending right before it. A relative pronoun stands for the noun its clause
    modifies (or, its clause hung on a verb, the noun right before it). Inherited: a present
    participle on a noun that `acts` has that noun ("with Acme posting a loss"); a participle on
    a sentence's root noun has that noun; a relative or participial clause takes the subject of
    the verb above its noun; an infinitive under one of `control_verbs` takes that verb's object
    or what one of `control_preps` introduces ("asked Bolt to repay"); an infinitive, adverbial
    clause or second conjunct shares the subject of the clause above ("Kenya agreed to borrow").

    acts (Callable[[Token], bool] | None): whether a noun can act; by default, whether it is
        in a named entity.
    (Unlike a reading that takes only the first subject child and inherits through passives,
    the noun before a finite verb counts here whatever it hangs on.)
    """
    acts = acts or (lambda t: entity_of(t) is not None)
    subject = _subject_written(verb)
    if subject is not None:
        return _relative_antecedent(verb, subject)
    if depth > 4 or verb.head is verb:
        return None
    head = verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and acts(head):
        return head  # "with Acme posting a $900m loss": the actor does the posting
    if verb.dep_ == "acl" and head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN"):
        return head  # "Sales increased 10%" read as a noun with a participle: the noun acts
    again = dict(acts=acts, control_verbs=control_verbs, control_preps=control_preps, depth=depth + 1)
    if verb.dep_ in ("acl", "acl:relcl", "relcl"):
        higher = next_verb(head)
        return subject_of(higher, **again) if higher is not None else None
    if not is_verb(head):
        return None
    if verb.dep_ in ("xcomp", "advcl") and any(c.tag_ == "TO" or c.lower_ == "to" for c in verb.children
                                               if c.dep_ in ("mark", "aux")):
        if head.lemma_.lower() in control_verbs:
            controller = child(head, OBJECT) or next(iter(prep_heads(head, control_preps, ())), None)
            if controller is not None:
                return controller
    if verb.dep_ in ("xcomp", "advcl", "conj"):
        return subject_of(head, **again)
    return None


def _subject_written(verb: Token) -> Token | None:
    """The subject the parse gives a clause, or the word standing where the parser lost it."""
    # Of several subjects the parser found, the noun phrase's head comes last before the verb
    # ("the Pittsburgh, Pa., company reported": "company", not "Pittsburgh").
    # (the parser may hang the subject on an auxiliary: "Efforts ... are to be boosted")
    subjects = [c for t in (verb, *(a for a in verb.children if a.dep_ in AUXILIARY))
                for c in t.children if c.dep_ in SUBJECT]
    before = [c for c in subjects if c.i < verb.i]
    subject = (before[-1] if before else next(iter(subjects), None)) or child(verb, ("csubj",))
    if subject is None and (verb.tag_ in ("VBD", "VBZ", "VBP") or verb.pos_ == "NOUN") \
            and verb.i > sentence_start(verb) and verb.doc[verb.i - 1].pos_ in ("NOUN", "PROPN") \
            and verb.dep_ not in ("xcomp", "conj"):
        # A finite verb (or one tagged a noun: "Acme's stock rose $2.50") has a subject; with
        # none in the parse, the noun right before it is the likeliest ("..., Acme shares fell
        # 87.5 cents" with "shares" hung on the phrase before).
        subject = verb.doc[verb.i - 1]
    if subject is None and any(c.dep_ in AUXILIARY for c in verb.lefts):
        # A clause with an auxiliary has a subject: a gerund clause ending right before it is
        # that subject, wherever the parser hung it ("suggested keeping troops in Iraq could
        # cost £1bn").
        first = min((verb, *verb.lefts), key=lambda t: t.i).i
        subject = next((g for g in verb.sent if g.tag_ == "VBG" and g.dep_ != "amod" and g.i < first
                        and g.right_edge.i == first - 1 and verb not in g.subtree), None)
    return subject


def _relative_antecedent(verb: Token, subject: Token) -> Token | None:
    """subject itself, or for a relative pronoun the noun it stands for."""
    # "which" and "who" are relative wherever the parser hung their clause
    if subject.tag_ in ("WDT", "WP") and subject.lower_ in ("which", "who") or (
            verb.dep_ in RELATIVE_CLAUSE and subject.lower_ in ("which", "that", "who")):
        if verb.dep_ in RELATIVE_CLAUSE and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return verb.head
        # hung on a verb ("went to Acme, which offered"): the noun right before the pronoun
        return next((t for t in reversed(verb.doc[sentence_start(verb):subject.i])
                     if t.pos_ in ("NOUN", "PROPN")), None)
    return subject


def governed_without_verb(head: Token, root: Token) -> bool:
    """Whether `root` lies under `head` with no verb (`is_verb`) on the path between them."""
    return head in root.ancestors and not any(
        is_verb(t) for t in itertools.takewhile(lambda t: t.i != head.i, root.ancestors))


# --- Clause readings of the demands extractor ------------------------------------------------
# Demands read a clause its own way: what counts as a verb includes any VB* tag, the subject is
# the first `nsubj` child only and is inherited through passives and object control. Where a
# reader below means the same as one above it reuses it; where it differs, its name says so.

ACTIVE_SUBJECT = ("nsubj",)  # (not `SUBJECT`: passive and outer subjects excluded)
DIRECT_OBJECT = ("obj", "dobj")  # (not `OBJECT`: the one asked is told apart from the thing)
INDIRECT_OBJECT = ("iobj", "dative")
NEGATION = ("neg",)
CLAUSAL_COMPLEMENT = ("ccomp",)
OPEN_COMPLEMENT = ("xcomp",)
VERB_PARTICLE = ("compound:prt", "prt")
# UD labels under which a noun with a `case` (or `mark`) child is a prepositional phrase.
UD_PREP_DEPS = ("obl", "nmod", "obl:agent", "obl:npmod", "advcl", "acl", "xcomp", "ccomp")


def lemma(token: Token) -> str:
    """The lower-case lemma, or the word itself when the lemmatizer left none."""
    return (token.lemma_ or token.text).lower()


def phrasal_lemma(token: Token) -> str:
    """lemma, or lemma_particle for a phrasal verb ("turn_down", "step_down")."""
    prt = next((c for c in token.children if c.dep_ in VERB_PARTICLE), None)
    return f"{lemma(token)}_{prt.lower_}" if prt is not None else lemma(token)


def is_verb_by_tag(token: Token) -> bool:
    """A verb by its part of speech (VERB or AUX) or by a VB* tag.

    (Unlike `is_verb`, a word the tagger tagged VB* counts whatever its part of speech, and a
    noun with an object does not.)
    """
    return token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB")


# The finders scan every word of a document for the few that can start a reading: read the
# columns they test once per document, from the arrays, instead of each word's attributes
# (`lemma(doc[i]) == lemmas(doc)[i]`, `is_verb_by_tag(doc[i]) == verbs_by_tag(doc)[i]`).
def lemmas(doc: Doc) -> list[str]:
    """`lemma` of every token."""
    return word_cached(doc, "lemmas", lambda d: _column(
        d, (LEMMA, ORTH), lambda s, lem, orth: (s[lem] or s[orth]).lower()))


def texts(doc: Doc) -> list[str]:
    """Every token's text (`token.text`)."""
    return word_cached(doc, "texts", lambda d: _column(d, (ORTH,), lambda s, orth: s[orth]))


def lowers(doc: Doc) -> list[str]:
    """`lower_` of every token."""
    return word_cached(doc, "lowers", lambda d: _column(d, (LOWER,), lambda s, low: s[low]))


def parts_of_speech(doc: Doc) -> list[str]:
    """`pos_` of every token."""
    return word_cached(doc, "pos", lambda d: _column(d, (POS,), lambda s, pos: s[pos]))


def verbs_by_tag(doc: Doc) -> list[bool]:
    """`is_verb_by_tag` of every token."""
    return word_cached(doc, "verbs_by_tag", lambda d: _column(
        d, (POS, TAG), lambda s, pos, tag: pos in (VERB, AUX) or s[tag].startswith("VB")))


def _column(doc: Doc, attrs: tuple, read: Callable) -> list:
    """`read(strings, *values)` of every token's `attrs` (each distinct value read once)."""
    strings, seen = doc.vocab.strings, {}
    out = []
    for values in doc.to_array(list(attrs)).reshape(len(doc), len(attrs)).tolist():
        key = tuple(values)
        if key not in seen:
            seen[key] = read(strings, *values)
        out.append(seen[key])
    return out


def is_nominal(token: Token) -> bool:
    """A noun, name, number or symbol by part of speech, or a noun by its NN* tag."""
    return token.pos_ in ("NOUN", "PROPN", "NUM", "SYM") or token.tag_.startswith("NN")


def is_negated(token: Token) -> bool:
    """Negated by a child: `neg`, "not"/"n't"/"never", or the determiner "no"."""
    for c in token.children:
        if c.dep_ in NEGATION or (c.dep_ == "advmod" and c.lower_ in ("not", "n't", "never")):
            return True
        if c.dep_ == "det" and c.lower_ == "no":
            return True
    return False


def is_relative_clause(token: Token) -> bool:
    """Whether token heads a relative clause (any `*:relcl` label included)."""
    return token.dep_ in RELATIVE_CLAUSE or token.dep_.endswith(":relcl")


def prep_phrases(token: Token) -> list[tuple[str, Token]]:
    """(preposition, head of its object) for each prepositional phrase attached to `token`.

    A noun with a case marker is a prepositional phrase whatever label the parser gave it, and
    one hung on an infinitive under `token` but standing before its "to" belongs to `token`
    ("seeks $400m in loans from the banks to rebuild ...": the infinitive cannot reach back past
    "to"). A ClearNLP `agent` counts as "by".
    (Unlike `prep_heads`, every preposition is returned with the phrase it introduces.)
    """
    out = []
    for c in token.children:
        if c.dep_ in ("prep", "agent"):
            for p in c.children:
                if p.dep_ in ("pobj", "pcomp"):
                    out.append(("by" if c.dep_ == "agent" else c.lower_, p))
            continue
        ud = c.dep_.split(":")[0] in UD_PREP_DEPS or c.dep_ in UD_PREP_DEPS
        case = [k for k in c.children if k.i < c.i and (k.dep_ == "case" or ud and k.dep_ == "mark")]
        if case and (ud or c.pos_ in ("NOUN", "PROPN", "PRON", "NUM")):
            out.append((case[0].lower_, c))
        if c.i > token.i and is_verb_by_tag(c):
            to = next((k for k in c.children if k.lower_ == "to" and k.dep_ in ("mark", "aux")), None)
            if to is not None:
                out += [(k.lower_, h) for h in c.children if h.i < to.i and h.pos_ in ("NOUN", "PROPN")
                        for k in h.children if k.dep_ == "case" and k.i < h.i][:1]
    return out


def by_phrase(verb: Token) -> Token | None:
    """The head of the first "by" phrase on verb (a passive's agent)."""
    return next((h for prep, h in prep_phrases(verb) if prep == "by"), None)


def to_infinitive(token: Token) -> Token | None:
    """An infinitive complement of token ("to repay ...") under any clausal label: a verb by
    its tag, or by its object (`is_verb`: the tagger reads "to end fuel subsidies" with "end" a
    noun)."""
    for c in token.children:
        if c.dep_ in (*OPEN_COMPLEMENT, "advcl", "ccomp", "acl") and (is_verb_by_tag(c) or is_verb(c)) and any(
                k.dep_ in ("mark", "aux") and k.lower_ == "to" for k in c.children):
            return c
    return None


def infinitive_after(word: Token, governor: Token) -> Token | None:
    """The to-infinitive that says what `word` is for or must do ("approval to close a yard",
    "a demand for Belgium to reopen the canal"): hung on the word or, as parsers often do, on its
    governor; only one after the word."""
    inf = to_infinitive(word) or to_infinitive(governor)
    return inf if inf is not None and inf.i > word.i else None


def subjunctive_clause(verb: Token) -> Token | None:
    """A that-clause stating what must happen: bare verb or should/must ("insisted that the
    union agree", "demanded that he resign"), not a reported fact ("insisted he had done no
    wrong") nor a question ("whether", "what")."""
    for c in verb.children:
        if c.dep_ not in CLAUSAL_COMPLEMENT or not is_verb_by_tag(c):
            continue
        if any(k.dep_ == "mark" and k.lower_ in ("whether", "if") for k in c.children):
            continue
        if any(k.tag_ in ("WDT", "WP", "WRB") for k in c.children):
            continue
        if any(k.dep_ in ("aux", "aux:pass") and k.lower_ in ("should", "must", "shall") for k in c.children):
            return c
        has_to = any(k.lower_ == "to" and k.dep_ in ("mark", "aux") for k in c.children)
        bare = c.tag_ == "VB" or (c.tag_ == "VBP" and any(
            k.dep_ in ACTIVE_SUBJECT and k.tag_ in ("NN", "NNP") for k in c.children))
        if bare and not has_to and not any(k.dep_ in ("aux", "aux:pass") for k in c.children):
            return c
    return None


def sentence_window_start(token: Token, sentences_back: int) -> int:
    """Index of the first token of the sentence `sentences_back` before token's own."""
    first = sentence_start(token)
    for _ in range(sentences_back):
        if first > 0:
            first = sentence_start(token.doc[first - 1])
    return first


def misread_passive_subject(verb: Token) -> Token | None:
    """A passive subject with no "was"/"been" on a main clause: a past tense the tagger misread
    ("Acme's lawyers pressed for a new trial"), so the active subject."""
    subj = child(verb, PASSIVE_SUBJECT)
    if subj is not None and verb.dep_ in ("ROOT", "ccomp", "parataxis") and \
            child(verb, ("aux:pass", "auxpass", "aux", "cop")) is None:
        return subj
    return None


def relative_antecedent(clause: Token, pronoun: Token) -> Token | None:
    """The noun a relative pronoun stands for: the clause's head, or, when the parser hung the
    clause on a verb ("was won by Acme, which offered ... and asked"), the word just before the
    pronoun when it is nominal.
    (Unlike the reading inside `subject_of`, the head counts whatever its part of speech, and no
    noun further back is taken.)"""
    if not is_verb_by_tag(clause.head):
        return clause.head
    for t in reversed(clause.doc[sentence_start(clause):pronoun.i]):
        if t.is_punct:
            continue
        return t if is_nominal(t) else None
    return None


def clause_subject(verb: Token, acts: Callable[[Token], bool], depth: int = 0) -> Token | None:
    """The subject of a clause, spelled out or inherited (the demands extractor's reading).

    The first `nsubj` child (a relative pronoun standing for its noun), or a misread passive
    subject (`misread_passive_subject`), or a name right before a finite verb that the parser
    hung on it. Inherited: a finite verb coordinated with a gerund shares the clause above the
    gerund; an infinitive on a noun takes a "for" phrase before it ("a chance for Acme to
    drop"), or, on an object that cannot act (`acts`), the subject of the verb governing it
    ("called a strike to press for"), else the noun; an open complement takes its governor's
    object when that can act ("urged the bank to ..."), else its passive subject ("were forced to
    seek"); an infinitive, adverbial clause or second conjunct shares the subject above it.

    acts (Callable[[Token], bool]): whether a word can be an actor (a person, a named body).
    (Unlike `subject_of`: only `nsubj`, the first one; the noun before the verb only when it
    is a name hung on it; inherited through passives and object control.)
    """
    subj = child(verb, ACTIVE_SUBJECT) or misread_passive_subject(verb)
    if subj is not None:
        if is_relative_clause(verb) and subj.lower_ in ("which", "that", "who"):
            return relative_antecedent(verb, subj)
        return subj
    if verb.tag_ in ("VBD", "VBZ", "VBP") and verb.i > sentence_start(verb):
        before = verb.doc[verb.i - 1]
        if before.pos_ == "PROPN" and before.head.i == verb.i:
            return before  # "Actionaid criticised": a name the parser hung on its verb otherwise
    if depth > 4 or verb.head == verb:
        return None
    return _inherited_clause_subject(verb, acts, depth)


def _inherited_clause_subject(verb: Token, acts: Callable[[Token], bool], depth: int) -> Token | None:
    """`clause_subject` of a clause that spells none out: the one it shares or borrows."""
    head = verb.head
    if verb.dep_ == "conj" and head.tag_ == "VBG" and head.dep_ in ("acl", "advcl") and \
            verb.tag_ in ("VBD", "VBZ", "VBP", "VBN") and child(verb, ("aux", "aux:pass")) is None:
        # "criticised his preoccupation with finding a vaccine and called on ...": a finite
        # verb is never the conjunct of a gerund; it shares the clause above the gerund
        above = next((t for t in head.ancestors if t.tag_ in ("VBD", "VBZ", "VBP")), None)
        if above is not None:
            return clause_subject(above, acts, depth + 1)
    to = any(k.dep_ in ("mark", "aux") and k.lower_ == "to" for k in verb.children)
    if verb.dep_ in ("acl", "advcl") and to and not is_verb_by_tag(head):
        # "a chance for Acme to drop": the for-phrase before the infinitive is its subject
        # (the parser may hang the infinitive on the noun as an adverbial clause).
        for_phrase = next((h for p, h in prep_phrases(head) if p == "for" and h.i < verb.i), None)
        if for_phrase is not None:
            return for_phrase
    if verb.dep_ == "acl" and not is_verb_by_tag(head):
        if to and not acts(head) and head.dep_ in DIRECT_OBJECT and is_verb_by_tag(head.head):
            # "called a strike to press for": whoever called it.
            return clause_subject(head.head, acts, depth + 1)
        return head
    if verb.dep_ == "acl" or is_relative_clause(verb):
        return head if not is_verb_by_tag(head) else None
    if not (is_verb_by_tag(head) or child(head, (*ACTIVE_SUBJECT, *PASSIVE_SUBJECT)) is not None):
        return None  # a clause head the tagger took for a noun still has its subject
    if verb.dep_ in OPEN_COMPLEMENT:
        obj = child(head, DIRECT_OBJECT)
        if obj is not None and acts(obj):
            return obj  # "urged the bank to ...", not "called a strike to press for ..."
        if child(head, PASSIVE_SUBJECT) is not None:
            return child(head, PASSIVE_SUBJECT)
    if verb.dep_ in ("xcomp", "advcl", "conj"):
        return clause_subject(head, acts, depth + 1)
    return None


def dependency_path(a, b) -> tuple[list[str], object | None, list[str]]:
    """(the dependency labels from `a` up to where it meets `b`, that token, the labels from
    there down to `b`); (…, None, …) when they are in different sentences."""
    up = [a, *a.ancestors]
    where = {t.i: n for n, t in enumerate(up)}
    down = []
    for t in [b, *b.ancestors]:
        if t.i in where:
            return [u.dep_ for u in up[:where[t.i]]], t, [d.dep_ for d in reversed(down)]
        down.append(t)
    return [], None, []
