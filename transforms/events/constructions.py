"""Events whose type and mode their construction tells: the contract's own modes and phone calls.

The training corpus codes no terrorist designation, airspace closure or ultimatum and two phone
calls, so the type chooser cannot learn them; the constructions of `transforms/lexicons/events.yaml`
type such a trigger instead ("designated the group as a terrorist organisation": SANCTION,
designation). Only the type and mode are read here: `EventModel.decide` picks the parties with
the trained choosers and applies the same tests as to every event.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Token

from transforms.demands.actors import Actors
from transforms.events.candidates import Trigger
from transforms.events.when import clause_head
from transforms.lexicons import load
from transforms.parse import OBJECT, POSSESSOR, is_negated, lemma
from transforms.parties import Party
from transforms.schemas import EVENT_MODES, EVENT_TYPES

# How a word attaches to the trigger, and a modifier to that word ("closure of Venezuelan
# airspace", "warned of potential military action").
_ATTACHED = ("obj", "dobj", "obl", "nmod", "compound", "amod", "xcomp", "pobj", "prep")
_MODIFIER = ("amod", "compound", "nmod")
_PARTNER_TYPES = {"PERSON", "ORG", "GPE", "NORP"}
_OWNER_TYPES = {"GPE", "NORP", "ORG"}
_PLURAL = ("NNS", "NNPS")
_WINDOW = 4


@dataclass(frozen=True)
class Construction:
    name: str
    type: str
    mode: str
    verbs: frozenset[str]
    nouns: frozenset[str]
    attached: frozenset[str]  # empty: nothing needs to be attached
    partner: tuple[str, ...]  # empty: no partner needed
    owner_is_target: bool = False
    singular: bool = False  # a plural noun is no event ("phone calls": a habit, a product)

    def matches(self, t: Trigger) -> bool:
        """Whether the candidate is this construction's event: its lemma, what is attached, a
        partner; and, as GOLD.md codes events, not negated ("had received no phone calls") and,
        for a noun, its first mention in the story (a later "the ultimatum" repeats it)."""
        words = self.verbs if t.pos == "verb" else self.nouns if t.pos == "noun" else ()
        tok = t.token
        first = t.pos == "verb" or t.nth == 0
        return (t.lemma in words and first and not (self.singular and tok.tag_ in _PLURAL)
                and not is_negated(tok) and not is_negated(clause_head(tok))
                and (not self.attached or _attached(tok, self.attached) is not None)
                and (not self.partner or _has_partner(tok, self.partner)))

    def target(self, t: Trigger, actors: Actors) -> Party | None:
        """The target the construction names (`owner_is_target`), else None: the named owner of
        the attached word, a possessor or a nationality, which acts for its country where the
        story names it ("Venezuelan airspace": Venezuela)."""
        word = _attached(t.token, self.attached) if self.owner_is_target else None
        owner = next((m for m in word.children if m.dep_ in POSSESSOR or m.ent_type_ in _OWNER_TYPES),
                     None) if word is not None else None
        entity_id = actors.party(owner) if owner is not None else None
        return Party(owner, entity_id, None) if entity_id else None


@lru_cache(maxsize=1)
def constructions() -> tuple[Construction, ...]:
    """The constructions of the events lexicon (`transforms/lexicons/events.yaml`)."""
    return read_constructions(load("events")["constructions"])


def read_constructions(entries: dict) -> tuple[Construction, ...]:
    """Constructions from the lexicon's entries, each checked against the contract's types and
    modes (a typo must not publish a mode the `events` table does not allow)."""
    out = []
    for name, c in entries.items():
        if c.get("type") not in EVENT_TYPES or c.get("mode") not in EVENT_MODES:
            raise ValueError(f"events lexicon: construction {name!r} has a type or mode the contract lacks "
                             f"({c.get('type')}, {c.get('mode')})")
        out.append(Construction(name, c["type"], c["mode"], frozenset(c.get("verbs", ())),
                                frozenset(c.get("nouns", ())), frozenset(c.get("attached", ())),
                                tuple(c.get("partner", ())), bool(c.get("owner_is_target")),
                                bool(c.get("singular"))))
    return tuple(out)


def construction_of(t: Trigger) -> Construction | None:
    """The first construction the candidate trigger matches, else None."""
    if (t.lemma, t.pos) not in _words():  # (every candidate of every document asks)
        return None
    return next((c for c in constructions() if c.matches(t)), None)


@lru_cache(maxsize=1)
def _words() -> frozenset[tuple[str, str]]:
    cs = constructions()
    return frozenset({(w, "verb") for c in cs for w in c.verbs} | {(w, "noun") for c in cs for w in c.nouns})


def _attached(tok: Token, wanted: frozenset[str]) -> Token | None:
    """The word attached to the trigger that has, or whose modifier has, a `wanted` lemma."""
    for c in tok.children:
        if c.dep_ in _ATTACHED and (lemma(c) in wanted or any(
                m.dep_ in _MODIFIER and lemma(m) in wanted for m in c.children)):
            return c
    return None


def _has_partner(tok: Token, preps: tuple[str, ...]) -> bool:
    """Whether the trigger's object is a party, or a party follows one of `preps` (as a
    preposition, not the "to" of an infinitive) in its sentence ("a phone call with the
    minister", "spoke to the minister in a phone call")."""
    if any(c.dep_ in OBJECT and _is_party(c) for c in tok.children):
        return True
    sent = tok.sent
    return any(w.lower_ in preps and w.pos_ == "ADP"
               and any(_is_party(v) for v in sent.doc[w.i + 1:min(w.i + 1 + _WINDOW, sent.end)]) for w in sent)


def _is_party(w: Token) -> bool:
    """A named party, or a pronoun that stands for one ("with him"; not "with their bank")."""
    return w.ent_type_ in _PARTNER_TYPES or w.pos_ == "PRON" and w.dep_ not in POSSESSOR
