"""Who a word stands for, beyond its own phrase: the linker's clusters (pronouns it resolved,
an article's most named actor, a person described before being named, the country a demonym
means), antecedents in the sentence, the organisation a speaker speaks for; and `role_value`,
which turns the word filling a role into the row's entity id or words."""

from __future__ import annotations

from transforms.coref import resolve
from transforms.entities.linking import cluster_id, clusters, entity_id
from transforms.entities.names import fold, gazetteer
from transforms.money.cues import Rules
from transforms.money.find import lexicon
from transforms.money.phrases import clause_subject, entity_in, named, phrase, possessor_concerned
from transforms.parse import POSSESSOR, SUBJECT, cached, determiner, entities, entities_in, sentence_index, sentences, is_plural, next_verb, prep_heads


def entity_ref(ent) -> str:
    """The id of the actor an entity span names: the linker's cluster id, or for a span that
    is no mention of a cluster (no linker ran) the id of the span as written."""
    return cluster_id(ent) or entity_id(ent.label_, ent.text)


def salient(doc, labels, r: Rules) -> object | None:
    """The actor of the document of a type in `labels` named most often, by one of its entity
    spans: what an article's "the company", "its" or bare "profit" is about. The linker's
    clusters decide who is who and of what type ("Acme Corp.", "Acme" are one company even
    where the recogniser took one mention for a person)."""
    return cached(doc, f"salient:{sorted(labels)}", lambda d: _salient(d, labels, r))


def _salient(doc, labels, r: Rules):
    after = dateline_end(doc)
    best = max((c for c in clusters(doc)
                if c.type in labels and any(m.start >= after for m in c.mentions)),
               key=lambda c: sum(not m.is_pronoun and m.start >= after for m in c.mentions),
               default=None)
    return span_of(best, doc, r)


def dateline_end(doc) -> int:
    """Where the dateline's place name ends ("DENVER, May 2 -"): the place an article was
    filed from is no actor of it."""
    m = lexicon().dateline.match(doc[:40].text)  # (a dateline is the document's first words)
    return m.end(1) if m else 0


def span_of(cluster, doc, r: Rules):
    """An entity span of `doc` that names the linker's cluster (None without one)."""
    if cluster is None:
        return None
    by_start = cached(doc, "ent_by_start_char", lambda d: {e.start_char: e for e in entities(d)})
    named = (by_start.get(m.start) for m in cluster.mentions if not m.is_pronoun)
    return min((e for e in named if e is not None and e.label_ not in r.modifier_types),
               key=lambda e: e.start, default=None)


def resolved_pronoun(token, r: Rules):
    """The entity the linker resolved a pronoun to ("he" -> the minister named before)."""
    cluster = _mentioned_at(token.doc, pronoun=True).get(token.idx)
    return span_of(cluster, token.doc, r)


def _mentioned_at(doc, pronoun: bool) -> dict:
    """start character -> the linker's cluster of the (pronoun, or named) mention there."""
    def build(d):
        at = {}
        for c in clusters(d):
            for m in c.mentions:
                if m.is_pronoun == pronoun:
                    at.setdefault(m.start, c)
        return at
    return cached(doc, f"mentioned_at:{pronoun}", build)


def country_meant(head, r: Rules):
    """The document's entity for the country a description with a demonym stands for ("the
    Dutch government" -> the Netherlands), when the article names that country."""
    if "GPE" not in r.anaphor_nouns.get(head.lemma_.lower(), ()):
        return None
    gaz = gazetteer()
    countries = {fold(country) for c in head.children if c.dep_ in ("amod", "compound")
                 for country in gaz.countries_of(c.text)}
    return span_of(next((cl for cl in clusters(head.doc) if cl.type == "GPE"
                          and fold(cl.name) in countries), None), head.doc, r)


def cluster_type(ent) -> str | None:
    """The linker's type for the actor an entity span names."""
    # (a pronoun never starts where an entity span does)
    cluster = _mentioned_at(ent.doc, pronoun=False).get(ent.start_char)
    return cluster.type if cluster is not None else None


def antecedent(pronoun, labels, r: Rules):
    """The entity a pronoun most likely refers to in its own sentence: the nearest grammatical
    subject before it of a type it can stand for ("Acme is cutting its debt"); None when
    the sentence has none, and the article's main actor is the better guess."""
    if pronoun.pos_ != "PRON" and pronoun.tag_ not in ("PRP", "PRP$"):
        return speaker_affiliation(pronoun, labels, r)
    sent = pronoun.sent
    after = dateline_end(pronoun.doc)
    for ent in reversed([e for e in entities_in(sent) if e.end <= pronoun.i and e.start_char >= after]):
        if ent.root.dep_ in SUBJECT and ent.label_ not in r.modifier_types and (
                cluster_type(ent) or ent.label_) in labels:
            return ent
    return speaker_affiliation(pronoun, labels, r)


def speaker_affiliation(anaphor, labels, r: Rules):
    """The organisation of the one who speaks: in "A spokesman for Acme said the company
    will ..." or "An official at Acme said it ...", what is said is about Acme."""
    verb = next_verb(anaphor)
    while verb is not None and verb.dep_ in ("ccomp", "conj", "xcomp") and verb.lemma_.lower() not in r.speech_verbs:
        verb = next_verb(verb)
    if verb is None or verb.lemma_.lower() not in r.speech_verbs:
        return None
    speaker = clause_subject(verb)
    if speaker is None:
        # a subject the parser lost: the role word that opens the sentence's speaker phrase
        speaker = next((t for t in verb.sent if t.i < verb.i and t.lemma_.lower() in r.person_roles), None)
    if speaker is None or speaker.pos_ != "NOUN" or speaker.i > anaphor.i:
        return None
    for head in prep_heads(speaker, r.affiliation_preps, ()):
        ent = named(head, r)
        if ent is not None and (cluster_type(ent) or ent.label_) in labels:
            return ent
    return None


def person_introduced(head, r: Rules):
    """The person an article first describes and names only after ("A former Acme finance
    chief has been fined $50,000 ... John Doe admitted ..."): the first person named within
    the next sentences, when no one was named before the description."""
    det = determiner(head)
    if head.pos_ != "NOUN" or head.lemma_.lower() not in r.person_roles or is_plural(head) \
            or det is None or det.lower_ not in ("a", "an"):
        return None
    firsts = [(min(m.start for m in c.mentions if not m.is_pronoun), c) for c in clusters(head.doc)
              if c.type == "PERSON" and any(not m.is_pronoun for m in c.mentions)]
    if any(start < head.idx for start, _ in firsts):
        return None
    sents, here = sentences(head.doc), sentence_index(head)
    horizon = sents[min(here + r.introduction_sentences, len(sents) - 1)].end_char
    start, cluster = min(((s, c) for s, c in firsts if s < horizon), key=lambda x: x[0], default=(0, None))
    return span_of(cluster, head.doc, r)


def anaphor_labels(head, r: Rules) -> tuple | None:
    """Entity labels a pronoun or a definite description ("the company") can refer to."""
    if head.pos_ == "PRON" or head.tag_ in ("PRP", "PRP$"):
        return r.anaphor_pronouns.get(head.lower_)
    labels = r.anaphor_nouns.get(head.lemma_.lower()) or r.anaphor_nouns.get(head.lower_)
    if is_plural(head):
        return None  # "the three banks" are not the article's one bank
    if any(c.dep_ in ("amod", "compound") and c.ent_type_ and not (
            c.ent_type_ in ("GPE", "LOC") and "GPE" not in (labels or ())) for c in head.children):
        # "the Dutch government" says which one it is; "the Wilmington, Del., company" only
        # where the article's company is based
        return None
    det = determiner(head)
    if labels and det is not None and det.lower_ in r.anaphor_determiners:
        return tuple(labels)
    return None


def role_value(head, exclude: range, r: Rules) -> tuple[str | None, str | None]:
    """(the actor's id, None) when a named entity fills the role (the linker's cluster id,
    `entity_ref`), else (None, the words) for a short noun phrase, else (None, None).

    The entity is the one the phrase's head belongs to, its apposition ("Acme's arm, Bolt")
    or the named possessor of money ("Kenya's $1bn credit line"); a pronoun the linker resolved
    is its person, "its" or "the company" the nearest subject or the document's most named
    entity of the kind."""
    if head is None or head.i in exclude:
        return None, None
    ent = named(head, r)
    if ent is not None:
        return entity_ref(ent), None
    labels = anaphor_labels(head, r)
    if head.pos_ == "PRON":
        # a subject named before the pronoun in its own sentence is the likeliest referent
        # ("Acme said the value of its Bolt stake fell"), before the linker's article-wide guess
        ent = (antecedent(head, labels, r) if labels else None) or resolved_pronoun(head, r)
    else:
        ent = country_meant(head, r)
    if ent is not None:
        return entity_ref(ent), None
    if labels:
        # (a pronoun's antecedent was looked for above)
        ent = (None if head.pos_ == "PRON" else antecedent(head, labels, r)) or salient(head.doc, labels, r)
        if ent is not None:
            return entity_ref(ent), None
    if head.pos_ == "PRON":
        # "they", "their" (or "it" in an article with no company or country): whom the learned
        # resolver says it stands for (`transforms.coref`; 5-fold CV on train.jsonl: subject
        # 731 -> 738 of 1341, no fold worse; in place of the rules above, or for descriptions
        # too, it lost)
        learned = resolve(head)
        if learned is not None:
            return learned, None
    ent = person_introduced(head, r)
    if ent is not None:
        return entity_ref(ent), None
    # An apposition names the head itself, wherever the recogniser put the name's edge
    # ("its partner, Acme Co." with only "Acme" recognised).
    names = [entity_in(c.subtree, exclude, r) for c in head.children if c.dep_ == "appos"]
    if possessor_concerned(head, r):
        names += [named(c, r) for c in head.children if c.dep_ in POSSESSOR and c.i not in exclude]
    for ent in names:
        if ent is not None:
            return entity_ref(ent), None
    if head.pos_ == "PRON":
        return None, None
    return _words_or_name(head, exclude, r)


def _words_or_name(head, exclude: range, r: Rules) -> tuple[str | None, str | None]:
    """(None, the words naming head) when they are few enough, else (the id of an entity in
    its subtree, None), else (None, None)."""
    tokens = phrase(head, exclude)
    # A long phrase loses its last modifiers rather than its meaning ("Scotland's share of the
    # cost of the new northern bypass" is still about Scotland's share, not Scotland).
    cut = set(exclude)
    while len(tokens) > r.max_text_tokens:
        after = [c for c in head.children if c.i > head.i and c.i not in cut]
        if not after:
            break
        cut.update(t.i for t in after[-1].subtree)
        tokens = phrase(head, cut)
    if tokens and len(tokens) <= r.max_text_tokens:
        return None, head.doc[tokens[0].i:tokens[-1].i + 1].text
    ent = entity_in(head.subtree, exclude, r)
    if ent is not None:
        return entity_ref(ent), None
    return None, None
