"""`newsfacts_demands`: the component that sets the `demands` facts on the Doc.

It runs after `newsfacts_linker`, whose clusters give the actors' entity ids. Without a
dependency parse it finds nothing, since word windows cannot tell who asks whom. Its model is
the shipped `models/newsfacts_demands/`, or the folder `model_dir` names (cross-validation
passes each fold's).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from transforms.demands.actors import Actors
from transforms.demands.candidates import extra_candidates
from transforms.demands.category import category
from transforms.demands.features import Reading
from transforms.demands.learned import Decided, DemandModel
from transforms.demands.lexicon import Lexicon, lexicon
from transforms.demands.status import answers, obtained, settle
from transforms.demands.triggers import find_demands
from transforms.demands.unstated import carry_actor, fill_addressees
from transforms.facts import set_facts
from transforms.parse import doc_text, sentences
from transforms.parties import role_columns


# It reads the parse, and the linker's work: cluster ids on the entities (`token.ent_kb_id`) and
# on its mention spans (`doc.spans`), and its entity facts (roles, types).
@Language.factory("newsfacts_demands",
                  requires=["token.dep", "doc.ents", "token.ent_kb_id", "doc.spans", "doc._.facts"],
                  assigns=["doc._.facts"], default_config={"model_dir": None})
def make_demands(nlp: Language, name: str, model_dir: str | None) -> "Demands":
    return Demands(DemandModel.load(model_dir))


class Demands:
    """Find the document's demands with their facts, then set them as the `demands` facts."""

    def __init__(self, model: DemandModel):
        self.model = model
        self.version = f"demands:{model.digest}"  # (part of `extractor_version`)

    def __call__(self, doc: Doc) -> Doc:
        set_facts(doc, "demands", demand_facts(doc, self.model))
        return doc


def demand_facts(doc: Doc, model: DemandModel | None = None) -> list[dict]:
    """The `demands` facts of a parsed document (linked by `newsfacts_linker`): one per demanded
    thing and actor, with the table's columns but `doc_id`, `demand_id`, `sentence_index` and
    `extractor_version`, and `id_parts` for its key. The model (by default the shipped one)
    decides which readings are demands and fills their columns."""
    if not doc.has_annotation("DEP"):
        return []
    lex = lexicon()
    actors = Actors(doc)
    decided = (model or _shipped()).decide(readings(doc, lex, actors), lex, actors)
    spans_taken: set[tuple[int, int]] = set()
    return [_fact(doc, dec, spans_taken) for dec in decided]


@lru_cache(maxsize=1)
def _shipped() -> DemandModel:
    return DemandModel.load()


def readings(doc: Doc, lex: Lexicon, actors: Actors) -> list[Reading]:
    """Every candidate demand: the finders' readings, and the `candidates` readings outside
    them, with what the rules make of each (actor, addressee, category, status)."""
    sents = sentences(doc)
    found = find_demands(sents, lex, actors)
    # (a word a finder read by its frame has no other reading: in train.jsonl 15 of 105 were
    # demands)
    read = {d.cue.i for d in found}
    found += [c for c in extra_candidates(sents, lex, actors)
              if c.cue.i not in read and not any(c.start < d.end and d.start < c.end for d in found)]
    found.sort(key=lambda d: (d.start, d.end))
    carry_actor(found)
    categories = {id(d): category(d, doc, lex) for d in found}
    fill_addressees(found, categories, lex, actors)
    settle(found, answers(sents, lex), sents, lex, actors)
    obtained(found, categories, sents, lex, actors)
    return [Reading(d, categories[id(d)]) for d in found]


def _fact(doc: Doc, dec: Decided, spans_taken: set[tuple[int, int]]) -> dict:
    d = dec.reading.demand
    start_char = doc[d.start].idx
    end_char = doc[d.end - 1].idx + len(doc[d.end - 1].text)
    actor, addressee = role_columns("actor", dec.actor), role_columns("addressee", dec.addressee)
    # The span identifies a demand; a second actor sharing it (a coordinated subject) adds
    # its own name.
    id_parts = [start_char, end_char]
    if (start_char, end_char) in spans_taken:
        id_parts.append(actor["actor_entity_id"] or actor["actor_text"])
    spans_taken.add((start_char, end_char))
    return {
        "id_parts": id_parts,
        **actor,
        **addressee,
        "text": doc_text(doc)[start_char:end_char],
        "category": dec.category,
        "beneficiary_text": d.beneficiary,
        "status": d.status,
        "status_evidence": d.evidence,
        "start": start_char,
        "end": end_char,
        "status_hedge": d.hedge,
        # (for the events component: the words that ask, and that answer)
        "cue_chars": _chars(d.cue),
        "answer_chars": _chars(d.answer) if d.answer is not None else None,
        "answered_by_entity_id": d.answered_by[0], "answered_by_text": d.answered_by[1],
    }


def _chars(token) -> list[int]:
    return [token.idx, token.idx + len(token)]
