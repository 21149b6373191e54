"""Shared by the amounts tests: hand-parsed documents, the shipped pipeline's facts, and
hypothesis strategies of money-like text."""

from hypothesis import strategies as st

from spacy.lang.en import English
from spacy.tokens import Doc, Span

from transforms.entities.linking import link
from transforms.facts import get_facts
from transforms.money.component import amount_views


def parsed(words, spaces, heads, deps, pos, lemmas, ents):
    """A hand-parsed Doc, so the parse-based rules are tested without a trained model; the
    linker has run on it, as it does before the amounts component in the pipeline."""
    doc = Doc(English().vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return link(doc)


def ud(sentence):
    """Rows of "word head-index UD-label UPOS [lemma]" -> parsed() arguments."""
    rows = [row.split() for row in sentence.strip().splitlines()]
    words = [r[0] for r in rows]
    spaces = [not (i + 1 < len(rows) and words[i + 1] in (".", ",", "'s") or w == "$")
              for i, w in enumerate(words)]
    lemmas = [r[4] if len(r) > 4 else r[0].lower() for r in rows]
    return (words, spaces, [int(r[1]) for r in rows], [r[2] for r in rows], [r[3] for r in rows],
            lemmas)



def facts_of(nlp, text):
    """(text, purpose, subject, payer) of each amount the shipped pipeline finds in text; an
    entity role is written as the name of the linker's cluster, a phrase role as the phrase."""
    doc = nlp(text)
    names = {e["entity_id"]: e["name"] for e in get_facts(doc, "entities")}
    return [(r["text"], r["purpose"],
             names.get(r["subject_entity_id"]) or r["subject_text"],
             names.get(r["payer_entity_id"]) or r["payer_text"])
            for r in get_facts(doc, "amounts")]


def rule_rows(doc):
    """What the hand-written rules read of each amount (`purpose_of`, `roles_of`), a restated
    amount sharing the one before it as the component shares: features of the learned
    choosers, tested as the readings they are."""
    rows = []
    for a, view, restates in amount_views(doc):
        read = {"purpose": view.rule_purpose, **view.rule_roles}
        rows.append({"text": a.text, "value": a.value, **({k: rows[-1][k] for k in read} if restates else read)})
    return rows


def rule_facts_of(nlp, text):
    """(text, purpose, subject, payer) as the rules read them on the shipped pipeline's parse."""
    doc = nlp(text)
    names = {e["entity_id"]: e["name"] for e in get_facts(doc, "entities")}
    return [(r["text"], r["purpose"], names.get(r.get("subject_entity_id")) or r.get("subject_text"),
             names.get(r.get("payer_entity_id")) or r.get("payer_text")) for r in rule_rows(doc)]


money_like = st.text(alphabet=st.sampled_from(list("0123456789.,$€£¥ mbnkMUSDEURdlrsollareuo-–()")), max_size=40)
words = st.sampled_from(["between", "and", "to", "from", "about", "over", "up to", "a", "share", "per",
                         "hour", "fifty", "two", "half a", "a quarter of a", "million", "billion", "mln",
                         "dlrs", "cents", "pounds", "of", "euros", "US$", "A$", "$", "£", "(", ")", ", or",
                         "the dollar", "government", "Australian", "1,000", "3,5", "1.234.567", "-", "%"])
phrases = st.lists(st.one_of(words, money_like), max_size=12).map(" ".join)
