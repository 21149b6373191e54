"""`newsfacts_demands`: the component that sets the `demands` facts on the Doc.

It runs after `newsfacts_linker`, whose clusters give the actors' entity ids. Without a
dependency parse it finds nothing, since word windows cannot tell who asks whom.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from transforms.demands.actors import Actors
from transforms.demands.category import category
from transforms.demands.demanded import Demand
from transforms.demands.lexicon import lexicon
from transforms.demands.status import answers, obtained, settle
from transforms.demands.triggers import find_demands
from transforms.demands.unstated import carry_actor, fill_addressees
from transforms.facts import set_facts


# It reads the parse, and the linker's work: cluster ids on the entities (`token.ent_kb_id`) and
# on its mention spans (`doc.spans`), and its entity facts (roles, types).
@Language.factory("newsfacts_demands",
                  requires=["token.dep", "doc.ents", "token.ent_kb_id", "doc.spans", "doc._.facts"],
                  assigns=["doc._.facts"])
def make_demands(nlp: Language, name: str) -> "Demands":
    return Demands()


class Demands:
    """Find the document's demands with their facts, then set them as the `demands` facts."""

    def __call__(self, doc: Doc) -> Doc:
        set_facts(doc, "demands", demand_facts(doc))
        return doc


def demand_facts(doc: Doc) -> list[dict]:
    """The `demands` facts of a parsed document (linked by `newsfacts_linker`): one per demanded
    thing and actor, with the table's columns but `doc_id`, `demand_id`, `sentence_index` and
    `extractor_version`, and `id_parts` for its key."""
    if not doc.has_annotation("DEP"):
        return []
    demands, categories = _resolved_demands(doc)
    facts = []
    spans_taken: set[tuple[int, int]] = set()
    for d in demands:
        if d.actor == (None, None):
            continue  # a demand nobody makes cannot be told apart from a description
        facts.append(_fact(doc, d, categories[id(d)], spans_taken))
    return facts


def _resolved_demands(doc: Doc) -> tuple[list[Demand], dict[int, str]]:
    """The demands found, their actors, addressees and status settled, and their categories
    (by `id` of the demand)."""
    lex = lexicon()
    actors = Actors(doc)
    sents = list(doc.sents)
    demands = find_demands(sents, lex, actors)
    carry_actor(demands)
    categories = {id(d): category(d, doc, lex) for d in demands}
    fill_addressees(demands, categories, lex, actors)
    settle(demands, answers(sents, lex), sents, lex, actors)
    obtained(demands, categories, sents, lex, actors)
    return demands, categories


def _fact(doc: Doc, d: Demand, kind: str, spans_taken: set[tuple[int, int]]) -> dict:
    start_char = doc[d.start].idx
    end_char = doc[d.end - 1].idx + len(doc[d.end - 1].text)
    # The span identifies a demand; a second actor sharing it (a coordinated subject) adds
    # its own name.
    id_parts = [start_char, end_char]
    if (start_char, end_char) in spans_taken:
        id_parts.append(d.actor[0] or d.actor[1])
    spans_taken.add((start_char, end_char))
    return {
        "id_parts": id_parts,
        "actor_entity_id": d.actor[0],
        "actor_text": d.actor[1],
        "addressee_entity_id": d.addressee[0],
        "addressee_text": d.addressee[1],
        "text": doc.text[start_char:end_char],
        "category": kind,
        "beneficiary_text": d.beneficiary,
        "status": d.status,
        "status_evidence": d.evidence,
        "start": start_char,
        "end": end_char,
        "status_hedge": d.hedge,
    }
