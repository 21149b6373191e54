"""Derive the events trigger lexicon (`transforms/events/lexicon.json`) from the CAMEO verb
dictionary and the CAMEO->PLOVER table.

    .venv/bin/python training/event_lexicon.py \\
        [--cameo ../shared/corpora/events/cameo/CAMEO.2.0.txt] \\
        [--plover ../shared/corpora/events/plover/CAMEO2PLOVER-2021.txt] \\
        [--out transforms/events/lexicon.json]

Both inputs live outside the repository (paths default to ``../shared/corpora/events/...``
beside the checkout) and are never copied into it; the output records their file names and
SHA-256 so that a rerun can be checked byte for byte.

What comes out
--------------
``{"format": "newsfacts-event-lexicon/1", "sources": {"cameo": {"file", "sha256"}, "plover":
{...}}, "settings": {"appeal_as_request": true}, "verbs": {...}, "phrases": {...}, "nouns":
{...}}``: each of the three sections maps a lower-case lemma to
``{"TYPE|mode": count}`` where TYPE is one of the 16 PLOVER types of the contract
(`PLOVER_TYPES`) and mode is PLOVER's mode ("" when the table gives none). The file is written
one lemma per line with sorted keys, so a change in the dictionary is a readable diff.

How the CAMEO dictionary is read (PETRARCH 1.0 verb-dictionary format)
------------------------------------------------------------------------
* ``&LABEL`` followed by ``+WORD`` lines is a synonym set (noun sets used inside patterns); they
  are recognised so that their ``+`` lines are not taken for verbs, and are not expanded.
* ``--- DESCRIPTION [code] ---`` opens a verb block; the description is a label, not a verb
  (``MEET_PEOPLE``, ``EXPLAIN_VERBAL``). Its code is the block's default, ``---`` (or none)
  meaning "the isolated verb is no event".
* Every other non-pattern line of a block is one verb: ``WORD {IRREGULAR FORMS} [code]``. The
  word is the base form (PETRARCH generates S/ED/ING, or takes ALL forms from ``{...}``); the
  optional code overrides the block default for that verb. A ``_`` joins the words of a
  multi-word verb and ``+`` marks which of them is the verb (``+CALL_OFF``, ``WIRE_+TAP``).
* ``- <upper> * <lower> [code] # VERB`` is a pattern: ``*`` is the verb, the words around it
  are the context (``(PREP ...)`` a prepositional phrase, ``{A B}`` consecutive words, ``&SET``
  a synonym set, ``$``/``+`` source/target, ``^`` skip, ``%`` compound). The comment names the
  verb(s) of the block where the pattern was originally found ("# RUSH", "# START , BEGIN").
* ``~`` transformation lines (after ``######## TRANSFORMATIONS``) are not read.
* Codes: ``[A:B]`` is a TABARI paired code (A for source->target, B for the reciprocal
  target->source event; either may be empty: ``[:173]`` "face trial"). Both halves count: the verb
  signals either event, the model decides the roles. Non-digits are dropped (``[080!]`` ->
  080); ``---`` is no event.

Counting
--------
* Each verb line counts once for its lemma with its own code, else the block default
  ("the default code of the block counts too"). A lemma listed in several blocks gets each.
* Each pattern counts once for each lemma it is attributed to, with each distinct reading of
  its code(s) (a pattern adds at most 1 to a given "TYPE|mode"). Attribution: the verbs named in
  the pattern's comment, when they are verbs of the block (matched through base, irregular and
  generated regular forms: "# OVERRAN" -> overrun); else the comment's verb when it is a verb
  anywhere in the dictionary (the pattern came from that verb in the TABARI dictionary); else
  every single-word verb of the block (PETRARCH applies a block's patterns to all its verbs).
  A comment verb is resolved through the block's forms first ("# FOUND" in the block of FIND
  is find), then the dictionary's ("# ENGAGE" in MEET_PEOPLE), then as a multi-word form
  ("# LAID_DOWN" -> lay_down, "# KILLED_AND" -> kill); a base-looking word the dictionary
  lacks is taken as it is ("# URGE": urge has no verb line, 22 patterns name it).
  Attributing to the named verb rather than to the whole block keeps "stage a protest" from
  making every verb of the ARRANGE block a PROTEST trigger in proportion to its patterns.
* A verb that gets no event reading from its block (its code or the default is ``---`` or no
  event, and no pattern is attributed to it) takes every pattern of the block once, as
  PETRARCH would apply them: SUSPEND and TERMINATE in the CANCEL block, whose patterns are all named for other verbs
  (without this, "suspend" would be no trigger at all). These inherited patterns make no
  phrases (they would double the file).
* ``phrases`` holds (a) the dictionary's multi-word verbs, lemma of the ``+`` word joined to the
  other words with ``_`` ("call_off", "crack_down", "meet_with"), with their line code; and (b)
  for each attributed pattern, the verb lemma joined to the first word after ``*``: a
  preposition opening ``(...)`` ("call_for", "appear_in"), a bare word ("hold_talks",
  "stage_protest", "set_out") or the last (head) word of ``{...}`` ("call_strike" from
  "{AIR STRIKE}"); leading determiners and ``$``/``+``/``^``/``%`` markers are skipped, and no
  phrase is made when that word is a synonym set. Pattern words keep the dictionary's surface
  form (plural "talks"), lower-cased. The pattern also counts for the plain verb.
* Codes map to PLOVER through `CAMEO2PLOVER-2021.txt`: ``code: TYPE, mode, context # ...``; a code
  not listed takes its longest listed prefix ("1952" -> "195"); a line with no type, or a type
  outside the 16, is no event (context is dropped). The table has no line for CAMEO 01 (public
  statements: no event here) nor 02 (APPEAL). With ``--appeal-as-request`` (the default) an 02x
  code reads as the parallel CAMEO 10x DEMAND code (020->100, 0231->1031, 026->106): CAMEO's
  appeal and demand hierarchies mirror each other and differ only in force, and PLOVER's
  REQUEST is "all requests, demands, and orders" (manual, REQUEST); without it "ask",
  "request", "urge", "call for" would carry no REQUEST reading. ``--no-appeal-as-request`` drops
  02x as the table alone would.
* Lemmas whose every reading is no event are left out.
* Spelling: a verb in -ize and its -ise spelling share one pooled count ("criticize" =
  "criticise"; the -ise form is added when the dictionary lacks it), except `_NOT_IZE`.
* `EXTRA_VERBS`: a few common news event verbs the dictionary lacks ("sanction", "execute",
  "demobilise", "picket", ...), added by hand with count 1 only where the dictionary gives no
  reading.

``nouns`` is not derived from the dictionary (PETRARCH only codes verbs): it is the hand list
`NOUNS` below, mapped to types and modes from the PLOVER manual's definitions, with weights 1-2
(2 = the sense usually meant in news). Keys are singular lemmas plus the plurals that name the
event themselves ("talks", "sanctions", "clashes", "charges"); compounds are joined with ``_``
("phone_call", "air_strike"). It is written in this script, not learned from any evaluation data.

Limits
------
* The dictionary is a TABARI-era resource (2015) tuned for CAMEO, with noise its own header
  admits; counts are evidence for candidate generation and features, not probabilities.
* Patterns are reduced to (verb, first context word): their full context (subjects, synonym
  sets, later words) is not kept, so "call" + "(FOR SANCTIONS)" and "call" + "(FOR TALKS)" both
  land in "call_for".
* Synonym sets are not expanded; pattern words are not lemmatised; multi-word verbs given only
  as an inflected form (``+KILLED_AND {}``, ``+ANGERED_BY {}``) or built on a conjunction
  (``+ARREST_AND``) are skipped (counted under "skipped" in the printout).
* The CAMEO->PLOVER table's modes are used as they are (e.g. 195 "employ aerial weapons" ->
  ASSAULT|heavy-weapons, 163 "impose embargo" -> COERCE|restrict); the hand nouns follow the
  newer manual where it is more specific (SANCTION|discontinue for sanctions, ASSAULT|aerial).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora" / "events"
DEFAULT_CAMEO = SHARED / "cameo" / "CAMEO.2.0.txt"
DEFAULT_PLOVER = SHARED / "plover" / "CAMEO2PLOVER-2021.txt"
DEFAULT_OUT = ROOT / "transforms" / "events" / "lexicon.json"
FORMAT = "newsfacts-event-lexicon/1"

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")

# Nominal triggers common in news -> {"TYPE|mode": weight}; weight 2 marks the usual news sense.
# Types and modes follow the PLOVER manual (event categories and their mode tables) and the
# contract's modes (ultimatum, designation, airspace_closure, reward).
_CONSULT = {"CONSULT|": 1}
_VISIT = {"CONSULT|visit": 1}
_AGREEMENT = {"AGREE|": 2, "SUPPORT|": 1}          # reached (AGREE) or signed (057 SUPPORT)
_OFFER = {"AGREE|": 1}                              # offers, pledges, promises: CAMEO 03 intent
_SUPPORT = {"SUPPORT|": 1}
_COOPERATE = {"COOPERATE|": 1}
_BUY = {"COOPERATE|": 1}                            # economic exchange benefiting both (061)
_AID = {"AID|": 1}
_REQUEST = {"REQUEST|": 1}
_ALLEGE = {"ACCUSE|allege": 1}
_INVESTIGATE = {"ACCUSE|investigate": 1}
_DISAPPROVE = {"ACCUSE|disapprove": 1}
_REJECT = {"REJECT|": 1}
_THREAT = {"THREATEN|": 1}
_DEMO = {"PROTEST|demo": 1}
_SANCTIONS = {"SANCTION|discontinue": 2, "COERCE|restrict": 1}  # manual: sanctions are
# SANCTION `discontinue`; the CAMEO table puts 163 "impose embargo, sanctions" under COERCE
_ARREST = {"COERCE|arrest": 1}
_SEIZE = {"COERCE|seize": 1}
_DEPORT = {"COERCE|deport": 1}
_MOBILIZE = {"MOBILIZE|troops": 1}
_ATTACK = {"ASSAULT|": 1}
_AERIAL = {"ASSAULT|aerial": 1}
_HEAVY = {"ASSAULT|heavy-weapons": 1}
_ABDUCT = {"ASSAULT|abduct": 1}
_WITHDRAW = {"RETREAT|withdraw": 2, "SANCTION|withdraw": 1}  # troops leave (RETREAT) or a
# party leaves a treaty, talks or organisation (SANCTION `withdraw`)
_CEASEFIRE = {"RETREAT|ceasefire": 2, "CONCEDE|": 1, "AGREE|": 1}  # implemented (RETREAT),
# declared (CONCEDE: "declarations (but not implementations) of ceasefires"), agreed (AGREE)
_CONCEDE = {"CONCEDE|": 1}
_CHARGE = {"ACCUSE|allege": 2, "COERCE|arrest": 1}   # accused (allege) or charged in court (173)
_REWARD = {"SANCTION|reward": 1, "COERCE|reward": 1}  # see "reward" below
_DISARM = {"RETREAT|disarm": 1}

NOUNS: dict[str, dict[str, int]] = {
    # CONSULT: meetings, talks, visits, calls (manual: "holding talks", "negotiations")
    "talks": _CONSULT, "talk": _CONSULT, "peace_talks": _CONSULT,
    "negotiation": _CONSULT, "negotiations": _CONSULT,
    "discussion": _CONSULT, "discussions": _CONSULT, "consultation": _CONSULT,
    "consultations": _CONSULT, "dialogue": _CONSULT, "dialog": _CONSULT,
    "meeting": _CONSULT, "summit": _CONSULT, "conference": _CONSULT,
    "mediation": {"CONSULT|": 1},
    "visit": _VISIT, "trip": _VISIT, "tour": _VISIT, "state_visit": _VISIT,
    "phone_call": {"CONSULT|phone": 1}, "phonecall": {"CONSULT|phone": 1},
    "telephone_call": {"CONSULT|phone": 1}, "video_call": {"CONSULT|phone": 1},
    # a call is a phone call or a call for something (REQUEST)
    "call": {"CONSULT|phone": 1, "REQUEST|": 1},
    # AGREE: agreements reached, offers, promises (manual AGREE: "agree to, offer, promise")
    "agreement": _AGREEMENT, "deal": {"AGREE|": 2, "SUPPORT|": 1, "COOPERATE|": 1},
    "accord": _AGREEMENT, "pact": _AGREEMENT, "treaty": _AGREEMENT,
    "offer": _OFFER, "bid": _OFFER, "proposal": _OFFER, "pledge": _OFFER, "promise": _OFFER,
    "commitment": _OFFER, "invitation": _OFFER,  # manual CONSULT: invitations are AGREE
    "ceasefire": _CEASEFIRE, "cease-fire": _CEASEFIRE, "truce": _CEASEFIRE,
    "armistice": _CEASEFIRE,
    # SUPPORT: verbal, diplomatic support (manual SUPPORT)
    "support": {"SUPPORT|": 2, "AID|": 1}, "backing": _SUPPORT, "endorsement": _SUPPORT,
    "praise": _SUPPORT, "recognition": _SUPPORT,  # 054 grant diplomatic recognition
    # table 055 "apologize" is SUPPORT; manual SUPPORT/CONCEDE: expressions of regret are CONCEDE
    "apology": {"CONCEDE|": 1, "SUPPORT|": 1},
    "normalisation": _SUPPORT, "normalization": _SUPPORT,
    # COOPERATE: mutual material exchange (manual COOPERATE)
    "cooperation": {"COOPERATE|": 2, "SUPPORT|": 1}, "co-operation": {"COOPERATE|": 2, "SUPPORT|": 1},
    "partnership": _COOPERATE, "alliance": _COOPERATE, "collaboration": _COOPERATE,
    "acquisition": _BUY, "merger": _BUY, "purchase": _BUY, "sale": _BUY, "investment": _BUY,
    "takeover": {"COOPERATE|": 1, "COERCE|seize": 1},  # a company bought or a town taken
    "extradition": _COOPERATE,                          # 063 judicial cooperation
    "exercise": {"COOPERATE|": 1, "MOBILIZE|troops": 1},  # joint (COOPERATE) or alone (MOBILIZE)
    "drill": {"COOPERATE|": 1, "MOBILIZE|troops": 1},
    # AID: material aid benefiting the recipient (manual AID)
    "aid": _AID, "assistance": _AID, "loan": _AID, "grant": _AID, "donation": _AID,
    "relief": _AID, "rescue": _AID,     # manual AID: hostage rescues are AID
    "asylum": {"AID|asylum": 1},
    # RETREAT: material concessions (manual RETREAT modes)
    "withdrawal": _WITHDRAW, "pullout": _WITHDRAW, "pull-out": _WITHDRAW,
    "retreat": {"RETREAT|withdraw": 1},
    "release": {"RETREAT|release": 1}, "resignation": {"RETREAT|resign": 2, "CONCEDE|": 1},
    "surrender": _DISARM, "disarmament": _DISARM, "demobilisation": _DISARM,
    "demobilization": _DISARM,
    "lifting": {"RETREAT|ease": 1, "CONCEDE|": 1},     # of sanctions, curfews (table 085)
    # CONCEDE: verbal concessions, pardons, amnesties (manual CONCEDE)
    "concession": _CONCEDE, "amnesty": _CONCEDE, "pardon": _CONCEDE,
    # REQUEST: requests, demands, appeals (manual REQUEST)
    "request": _REQUEST, "demand": _REQUEST, "appeal": _REQUEST, "plea": _REQUEST,
    "petition": _REQUEST, "urging": _REQUEST,
    # ACCUSE: allegations, lawsuits, investigations, criticism (manual ACCUSE modes)
    "accusation": _ALLEGE, "allegation": _ALLEGE, "lawsuit": _ALLEGE, "suit": _ALLEGE,
    "charge": _CHARGE, "charges": _CHARGE, "indictment": _CHARGE,
    "investigation": _INVESTIGATE, "probe": _INVESTIGATE, "inquiry": _INVESTIGATE,
    "enquiry": _INVESTIGATE, "inspection": _INVESTIGATE,
    "criticism": _DISAPPROVE, "condemnation": _DISAPPROVE, "denunciation": _DISAPPROVE,
    "complaint": {"ACCUSE|disapprove": 1, "ACCUSE|allege": 1},  # table 114 "complain officially"
    # SANCTION `convict` (manual: find guilty, court-ordered payments); prison -> COERCE arrest
    "conviction": {"SANCTION|convict": 2, "COERCE|arrest": 1},
    "sentence": {"SANCTION|convict": 1, "COERCE|arrest": 1},
    # a court's fine is SANCTION `convict`; a regulator's is an administrative sanction (172)
    "fine": {"SANCTION|convict": 1, "COERCE|restrict": 1},
    "penalty": {"SANCTION|convict": 1, "COERCE|restrict": 1},
    # REJECT: rejections and refusals; a veto is table 129 (REJECT|yield)
    "rejection": _REJECT, "refusal": _REJECT, "denial": _REJECT, "veto": {"REJECT|yield": 1},
    # THREATEN (contract mode `ultimatum` for THREATEN)
    "threat": _THREAT, "warning": _THREAT, "ultimatum": {"THREATEN|ultimatum": 1},
    # PROTEST (manual PROTEST modes); a protest may also be a diplomatic one (ACCUSE)
    "protest": {"PROTEST|demo": 2, "ACCUSE|disapprove": 1},
    "demonstration": _DEMO, "rally": _DEMO, "march": _DEMO, "sit-in": _DEMO, "vigil": _DEMO,
    "riot": {"PROTEST|riot": 1}, "unrest": {"PROTEST|riot": 1},
    # a strike is a walkout (PROTEST `strike`) or a military strike (ASSAULT)
    "strike": {"PROTEST|strike": 1, "ASSAULT|": 1}, "walkout": {"PROTEST|strike": 1},
    "hunger_strike": {"PROTEST|hunger": 1},
    "boycott": {"PROTEST|boycott": 2, "SANCTION|discontinue": 1},
    # SANCTION: reductions in relations (manual SANCTION modes)
    "sanction": _SANCTIONS, "sanctions": _SANCTIONS, "embargo": _SANCTIONS,
    "ban": {"COERCE|restrict": 2, "SANCTION|discontinue": 1},
    "suspension": {"SANCTION|discontinue": 1},
    "expulsion": {"SANCTION|expel": 1, "COERCE|deport": 1},  # diplomats vs individuals
    "deportation": _DEPORT,
    # Closing airspace to a country's flights curtails an exchange with it: SANCTION (contract
    # mode `airspace_closure`); closing borders, roads or outlets to people restricts movement:
    # COERCE `restrict`.
    "closure": {"COERCE|restrict": 1, "SANCTION|": 1},
    "airspace_closure": {"SANCTION|airspace_closure": 1},
    # A terrorist designation is a sanction instrument (contract mode `designation`).
    "designation": {"SANCTION|designation": 1},
    # A reward offered for an actor's capture or for information on it (contract mode `reward`,
    # "for SANCTION/COERCE"): it comes with designations (SANCTION) and aims at an arrest
    # (COERCE); both readings, equal weight, the model decides.
    "reward": _REWARD, "bounty": _REWARD,
    # MOBILIZE: military or police moves short of force (manual MOBILIZE modes)
    "mobilisation": _MOBILIZE, "mobilization": _MOBILIZE, "deployment": _MOBILIZE,
    "buildup": _MOBILIZE, "build-up": _MOBILIZE, "reinforcement": _MOBILIZE,
    "reinforcements": _MOBILIZE,
    # COERCE: repression short of violence (manual COERCE modes)
    "arrest": _ARREST, "detention": _ARREST, "imprisonment": _ARREST, "custody": _ARREST,
    "seizure": _SEIZE, "confiscation": _SEIZE, "occupation": _SEIZE,
    "raid": {"ASSAULT|": 1, "COERCE|seize": 1},   # military raid vs police search/raid
    "crackdown": {"COERCE|": 2, "ASSAULT|": 1},
    "curfew": {"COERCE|curfew": 1}, "censorship": {"COERCE|censor": 1},
    "blockade": {"COERCE|restrict": 2, "PROTEST|obstruct": 1},  # 191 vs protesters' 144
    "siege": {"COERCE|restrict": 1, "ASSAULT|": 1},
    # ASSAULT: force (manual ASSAULT modes)
    "attack": _ATTACK, "assault": _ATTACK, "offensive": _ATTACK, "counteroffensive": _ATTACK,
    "counter-offensive": _ATTACK, "invasion": {"ASSAULT|": 2, "COERCE|seize": 1},
    "incursion": _ATTACK, "ambush": _ATTACK, "fighting": _ATTACK,
    "clash": _ATTACK, "clashes": _ATTACK,
    "bombing": {"ASSAULT|explosives": 1, "ASSAULT|aerial": 1},
    "suicide_bombing": {"ASSAULT|suicide-attack": 1},
    "airstrike": _AERIAL, "air_strike": _AERIAL, "air-strike": _AERIAL, "air_raid": _AERIAL,
    "drone_strike": {"ASSAULT|drone": 1},
    "shelling": _HEAVY, "bombardment": _HEAVY,
    "shooting": {"ASSAULT|firearms": 1},
    "kidnapping": _ABDUCT, "abduction": _ABDUCT, "hijacking": _ABDUCT,
    "assassination": {"ASSAULT|assassinate": 1}, "massacre": {"ASSAULT|massacre": 1},
    "killing": _ATTACK, "torture": {"ASSAULT|torture": 1},
}

# Common news event verbs the CAMEO dictionary lacks, added to `verbs` by hand (count 1).
EXTRA_VERBS: dict[str, dict[str, int]] = {
    "sanction": {"SANCTION|discontinue": 1, "COERCE|restrict": 1},  # as the noun "sanctions"
    "execute": {"ASSAULT|": 1},                  # manual ASSAULT: executions are targeted killings
    "lynch": {"ASSAULT|": 1},
    "demobilize": {"RETREAT|disarm": 1}, "demobilise": {"RETREAT|disarm": 1},  # table 0873
    "rearm": {"MOBILIZE|troops": 1},
    "picket": {"PROTEST|demo": 1},
    "lambast": {"ACCUSE|disapprove": 1},
    "subsidize": {"AID|": 1}, "subsidise": {"AID|": 1},
}
# -ize verbs whose -ise form is another word or none (the rest get their British spelling).
_NOT_IZE = {"seize", "prize", "size", "capsize"}

_DETERMINERS = {"A", "AN", "THE"}
_MARKERS = {"$", "+", "^", "%"}
_BE = {"IS", "ARE", "AM", "WAS", "WERE", "BE", "BEEN", "BEING"}
_CONJUNCTIONS = {"AND", "OR"}


# ---------------------------------------------------------------- PLOVER table


def read_plover(path: Path) -> dict[str, tuple[str, str] | None]:
    """CAMEO code (or prefix) -> (TYPE, mode), None for a line with no type or a type outside
    the 16; the context column is dropped. A later line for the same code wins."""
    table: dict[str, tuple[str, str] | None] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(\d+)\s*:(.*)$", line)
        if not m:
            continue
        cols = [c.strip() for c in m.group(2).split(",")]
        kind = cols[0].upper() if cols else ""
        mode = cols[1].strip() if len(cols) > 1 else ""
        table[m.group(1)] = (kind, mode) if kind in PLOVER_TYPES else None
    return table


def make_reader(table: dict[str, tuple[str, str] | None], appeal_as_request: bool):
    cache: dict[str, str | None] = {}

    def reading(code: str) -> str | None:
        """One CAMEO code -> "TYPE|mode" or None (no event)."""
        if code in cache:
            return cache[code]
        look = "10" + code[2:] if appeal_as_request and code.startswith("02") else code
        found: tuple[str, str] | None = None
        for n in range(len(look), 1, -1):
            if look[:n] in table:
                found = table[look[:n]]
                break
        cache[code] = f"{found[0]}|{found[1]}" if found else None
        return cache[code]

    return reading


def codes_of(bracket: str) -> list[str]:
    """The CAMEO codes of a ``[...]`` field: "042:043" -> both, ":173" -> "173", "---" -> []."""
    out = []
    for part in bracket.split(":"):
        digits = re.sub(r"\D", "", part)
        if digits and digits not in out:
            out.append(digits)
    return out


# ---------------------------------------------------------------- CAMEO dictionary


@dataclass
class Entry:
    """A verb line: its lemma key, whether it is multi-word, its code field and its forms."""

    key: str
    multi: bool
    code: str
    forms: set[str]


@dataclass
class Pattern:
    body: str
    code: str
    comment: str


@dataclass
class Block:
    label: str
    code: str
    entries: list[Entry] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


def regular_forms(word: str) -> set[str]:
    """Generous regular inflections of an upper-case verb (for matching pattern comments)."""
    forms = {word, word + "S", word + "ED", word + "ING", word + "ES", word + "D"}
    if word.endswith("E"):
        forms |= {word[:-1] + "ING", word + "D"}
    if word.endswith("Y"):
        forms |= {word[:-1] + "IES", word[:-1] + "IED"}
    if len(word) > 2 and word[-1] not in "AEIOUWXY" and word[-2] in "AEIOU":
        forms |= {word + word[-1] + "ED", word + word[-1] + "ING"}
    return forms


def _split_line(raw: str) -> tuple[str, str]:
    """A line's content and its ``#`` comment (``;`` is a legacy comment in verb lines)."""
    raw = re.sub(r"<!--.*?-->", "", raw)
    body, _, comment = raw.partition("#")
    return body.rstrip(), comment.strip()


def parse_entry(body: str, skipped: Counter) -> Entry | None:
    body = body.split(";", 1)[0]
    code = ""
    if "[" in body:
        body, _, rest = body.partition("[")
        code = rest.partition("]")[0]
    braces = None
    if "{" in body:
        body, _, rest = body.partition("{")
        braces = rest.partition("}")[0].replace(",", " ").split()
    word = body.strip().upper()
    if not word:
        return None
    if "_" not in word and "+" not in word:
        forms = {word, *(braces or [])} | (set() if braces else regular_forms(word))
        return Entry(word.lower(), False, code, forms)
    words = word.split("_")
    if braces is not None and not braces:
        skipped["multi-word verb given only inflected ({})"] += 1
        return None
    if any(w.lstrip("+") in _CONJUNCTIONS for w in words):
        skipped["multi-word verb on a conjunction (AND/OR)"] += 1
        return None
    verb_at = next((i for i, w in enumerate(words) if w.startswith("+")), 0)
    verb = words[verb_at].lstrip("+")
    words = [w.lstrip("+") for w in words]
    words[verb_at] = "BE" if verb in _BE else verb
    if braces:
        forms = {word.replace("+", "")} | {f.replace("+", "") for f in braces}
    else:                         # PETRARCH inflects the "+" word: CALL_OFF -> CALLED_OFF
        forms = {"_".join(words[:verb_at] + [f] + words[verb_at + 1:]) for f in regular_forms(verb)}
    return Entry("_".join(words).lower(), True, code, forms)


def read_cameo(path: Path, skipped: Counter) -> tuple[list[Block], set[str]]:
    """The verb blocks and the synonym-set labels of a PETRARCH verb dictionary."""
    blocks: list[Block] = []
    synsets: set[str] = set()
    in_synset = False
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if raw.startswith("~") or "TRANSFORMATIONS" in raw:
            break
        body, comment = _split_line(raw)
        line = body.strip()
        if not line:
            if not raw.strip():      # a blank line ends a synonym set; a comment line does not
                in_synset = False
            continue
        if line.startswith("&"):
            synsets.add(line.rstrip("_").split()[0])
            in_synset = True
            continue
        if line.startswith("+") and in_synset:
            continue
        in_synset = False
        if line.startswith("---"):
            m = re.match(r"^---\s*(.*?)\s*(?:\[([^\]]*)\])?\s*---", line)
            label, code = (m.group(1), m.group(2) or "") if m else (line.strip("- "), "")
            blocks.append(Block(label, code))
            continue
        if not blocks:
            continue
        if line.startswith("-"):
            m = re.match(r"^-(.*?)\[([^\]]*)\]\s*$", line)
            if not m or "*" not in m.group(1):
                skipped["pattern without [code] or *"] += 1
                continue
            blocks[-1].patterns.append(Pattern(m.group(1).strip(), m.group(2), comment))
            continue
        entry = parse_entry(line, skipped)
        if entry is not None:
            blocks[-1].entries.append(entry)
    return blocks, synsets


# ---------------------------------------------------------------- derivation


def comment_verbs(comment: str) -> list[str]:
    """The upper-case verbs named in a pattern comment ("START , BEGIN", "ANNOUNCE <ab ...>")."""
    comment = re.sub(r"<[^>]*>", " ", comment)
    out = []
    for piece in comment.split(","):
        toks = piece.split()
        if toks and re.fullmatch(r"[A-Z][A-Z_'-]+", toks[0]):
            out.append(toks[0])
    return out


def _tokens(text: str) -> list[str]:
    return re.findall(r"\(|\)|\{[^}]*\}?|[^\s(){}]+", text)


def phrase_word(body: str) -> str | None:
    """The first context word after ``*`` (module docstring), upper-case, or None."""
    after = body.partition("*")[2]
    toks = _tokens(after)
    i = 0
    while i < len(toks) and (toks[i] in _MARKERS or toks[i] in _DETERMINERS):
        i += 1
    if i >= len(toks):
        return None
    tok = toks[i]
    if tok == "(":
        tok = toks[i + 1] if i + 1 < len(toks) else ""
    elif tok.startswith("{"):
        inner = [w for w in tok.strip("{}").split() if w not in _MARKERS]
        tok = inner[-1] if inner else ""
    tok = tok.strip("()_")
    if not tok or tok.startswith("&") or tok == ")":
        return None
    if not re.fullmatch(r"[A-Z][A-Z'-]*", tok):
        return None
    return tok


def derive(blocks: list[Block], reading):
    verbs: dict[str, Counter] = defaultdict(Counter)
    phrases: dict[str, Counter] = defaultdict(Counter)
    by_form: dict[str, str] = {}
    for block in blocks:          # base forms first, then irregular and generated forms
        for e in block.entries:
            by_form.setdefault(e.key.upper(), e.key)
    for block in blocks:
        for e in block.entries:
            for f in sorted(e.forms):
                by_form.setdefault(f, e.key)

    def resolve(word: str, local: dict[str, str]) -> list[str]:
        """Lemma keys a comment verb names: a form of the block, of the dictionary, a
        multi-word form ("LAID_DOWN" -> lay_down, "KILLED_AND" -> kill) or, for a base-looking
        word the dictionary lacks ("URGE"), that word."""
        if word in local:
            return [local[word]]
        if word in by_form:
            return [by_form[word]]
        parts = word.split("_")
        if len(parts) > 1:
            if any(w in _CONJUNCTIONS for w in parts):
                return [k for w in parts if w not in _CONJUNCTIONS for k in resolve(w, local)]
            head = local.get(parts[0]) or by_form.get(parts[0])
            return ["_".join([head, *parts[1:]]).lower()] if head and "_" not in head else []
        if re.fullmatch(r"[A-Z][A-Z-]{2,}", word) and not re.search(r"(ED|ING)$", word):
            return [word.lower()]
        return []

    stats = Counter()

    def readings(code_field: str) -> set[str]:
        return {r for c in codes_of(code_field) if (r := reading(c))}

    def add(key: str, rs: set[str], word: str | None) -> None:
        multi = "_" in key
        for r in rs:
            (phrases if multi else verbs)[key][r] += 1
            if word and not multi:
                phrases[f"{key}_{word.lower()}"][r] += 1

    for block in blocks:
        local = {f: e.key for e in reversed(block.entries) for f in sorted(e.forms)}
        local.update({e.key.upper(): e.key for e in block.entries})
        got: Counter = Counter()           # readings each verb of the block got from it
        for e in block.entries:
            stats["verb lines"] += 1
            rs = readings(e.code or block.code)
            add(e.key, rs, None)
            got[e.key] += len(rs)
        members = {e.key for e in block.entries}
        singles = [e.key for e in block.entries if not e.multi]
        coded = []
        for p in block.patterns:
            stats["patterns"] += 1
            rs = readings(p.code)
            if not rs:
                stats["patterns with no event code"] += 1
                continue
            named = [k for v in comment_verbs(p.comment) for k in resolve(v, local)]
            owners = sorted({k for k in named if k in members})
            if owners:
                stats["patterns attributed to the verb named in the comment"] += 1
            elif named:
                owners = sorted(set(named))
                stats["patterns attributed to a comment verb not in the block"] += 1
            else:
                owners = sorted(set(singles))
                stats["patterns attributed to every verb of the block"] += 1
            word = phrase_word(p.body)
            coded.append((rs, word))
            for key in owners:
                add(key, rs, word)
                got[key] += len(rs)
        # A verb the block gives nothing of its own (no code, no pattern named for it) takes
        # every pattern of the block, as PETRARCH applies them: SUSPEND in the CANCEL block.
        for key in sorted({e.key for e in block.entries if not got[e.key]}):
            if coded:
                stats["verbs given all their block's patterns"] += 1
            for rs, _word in coded:
                add(key, rs, None)
    return verbs, phrases, stats


# ---------------------------------------------------------------- output


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _section(name: str, table: dict[str, dict[str, int]]) -> str:
    rows = [f"{json.dumps(k)}: {json.dumps(dict(sorted(v.items())), sort_keys=True)}"
            for k, v in sorted(table.items()) if v]
    return f"{json.dumps(name)}: {{\n" + ",\n".join(rows) + "\n}"


def render(cameo: Path, plover: Path, verbs, phrases, nouns, appeal_as_request: bool) -> str:
    head = {"format": FORMAT,
            "sources": {"cameo": {"file": cameo.name, "sha256": sha256(cameo)},
                        "plover": {"file": plover.name, "sha256": sha256(plover)}},
            "settings": {"appeal_as_request": appeal_as_request}}
    parts = [f"{json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in head.items()]
    parts += [_section("verbs", verbs), _section("phrases", phrases), _section("nouns", nouns)]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def build(cameo: Path, plover: Path, appeal_as_request: bool = True) -> tuple[str, dict]:
    """The lexicon's JSON text and counts for the printout."""
    bad = {r.split("|")[0] for t in (NOUNS, EXTRA_VERBS) for v in t.values() for r in v}
    if bad - set(PLOVER_TYPES):
        raise ValueError(f"hand lists name types outside the 16: {sorted(bad - set(PLOVER_TYPES))}")
    skipped: Counter = Counter()
    blocks, synsets = read_cameo(cameo, skipped)
    reading = make_reader(read_plover(plover), appeal_as_request)
    verbs, phrases, stats = derive(blocks, reading)
    for lemma in sorted(verbs):     # one lemma, two spellings: "criticize" = "criticise"
        british = lemma[:-3] + "ise"
        if lemma.endswith("ize") and lemma not in _NOT_IZE and verbs[lemma]:
            stats["-ise spellings added" if not verbs.get(british) else "-ize/-ise counts pooled"] += 1
            both = verbs[lemma] + verbs.get(british, Counter())
            verbs[lemma], verbs[british] = both, Counter(both)
    for lemma, counts in EXTRA_VERBS.items():  # only where the dictionary gives nothing
        if not verbs.get(lemma):
            verbs[lemma].update(counts)
            stats["hand verbs added"] += 1
    text = render(cameo, plover, verbs, phrases, NOUNS, appeal_as_request)
    counts = {"blocks": len(blocks), "synsets": len(synsets), **stats,
              "verbs": sum(1 for v in verbs.values() if v),
              "phrases": sum(1 for v in phrases.values() if v), "nouns": len(NOUNS),
              "skipped": dict(sorted(skipped.items()))}
    return text, counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cameo", type=Path, default=DEFAULT_CAMEO)
    ap.add_argument("--plover", type=Path, default=DEFAULT_PLOVER)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--appeal-as-request", action=argparse.BooleanOptionalAction, default=True,
                    help="read CAMEO 02x (APPEAL, absent from the table) as 10x (REQUEST)")
    args = ap.parse_args(argv)
    for p in (args.cameo, args.plover):
        if not p.is_file():
            print(f"error: {p} not found", file=sys.stderr)
            return 2
    text, counts = build(args.cameo, args.plover, args.appeal_as_request)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    for k, v in counts.items():
        print(f"{k}: {v}")
    print(f"wrote {args.out} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
