"""`newsfacts_entity_types`: the NER model's spans retyped into the contract's types.

Whatever label scheme the model uses (CoNLL or OntoNotes), spans become PERSON, ORG, GPE, LOC,
NORP, EVENT or LAW; what news text glues to a name is cut first (`boundaries`), and names the
model cut short or missed are repaired where the text is sure. Capitalised words the model left
untagged inside a sentence become candidates (label `CAPITALISED`) that the span decision keeps
or drops.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from transforms.entities.boundaries import CALENDAR, repair_boundaries
from transforms.entities.decide import Cues, SpanModel, decided, span_features
from transforms.entities.names import gazetteer, suffix_form
from transforms.lexicons import load
from transforms.money.find import lexicon
from transforms.parse import forget_entities, lowers, tokens
from transforms.schemas import CURRENCY_CODES


@lru_cache(maxsize=1)
def currency_words() -> frozenset[str]:
    """Currencies' names in lower case ("ecu", "canadian dollars") and their ISO codes ("USD")."""
    return frozenset(lexicon().words) | frozenset(CURRENCY_CODES)


def _rules() -> dict:
    return load("entities")


@Language.factory("newsfacts_entity_types", requires=["doc.ents"], assigns=["doc.ents"],
                  default_config={"label_map": None, "model_dir": None})
def make_entity_types(nlp: Language, name: str, label_map: dict[str, str] | None,
                      model_dir: str | None):
    return EntityTypes(label_map or _rules()["label_map"], SpanModel.load(model_dir))


class EntityTypes:
    """Retype `doc.ents` into contract types; spans no rule can type are dropped. With a
    trained `model` (`transforms.entities.decide`), it keeps, types or drops each span, the
    rules' type one of its features."""

    def __init__(self, label_map: dict[str, str], model: SpanModel | None = None):
        self.label_map = label_map
        self.model = model
        if model is not None:
            self.version = f"entities:{model.digest}"  # (part of `extractor_version`)
        rules = _rules()
        self.event_heads = frozenset(rules["event_heads"])
        self.law_heads = frozenset(rules["law_heads"])
        self.feature_heads = frozenset(rules["feature_heads"])
        self.corporate_suffixes = frozenset(rules["corporate_suffixes"])
        self.connectors = frozenset(rules["name_connectors"])
        self.openers = frozenset(rules["not_name_openers"])
        self.legal_forms = frozenset(rules["legal_forms"])
        self.person_titles = frozenset(rules["person_titles"])
        self.honorifics = frozenset(rules["honorifics"])
        # (no name alone: "Ltd", "N.V.", "MEP")
        self.never_alone = self.corporate_suffixes | self.legal_forms | frozenset(
            w.lower() for w in rules["post_nominals"])
        self.institution_heads = frozenset(rules["institution_heads"])
        self.organisation_openers = self.institution_heads | frozenset(rules["organisation_openers"])
        # Capitalised words before a name that are no part of it ("President", "Mr").
        self.not_given_names = frozenset(rules["title_heads"]) | frozenset(rules["title_modifiers"]) \
            | self.honorifics
        self.cues = Cues(self.corporate_suffixes, self.organisation_openers, self.honorifics,
                         self.person_titles, self.feature_heads, currency_words())

    def __call__(self, doc: Doc) -> Doc:
        places, spans = self.spans(doc)
        typed = list(places) + [Span(doc, ent.start, ent.end, label=label)
                                for ent, label in self.decide(spans)]
        doc.set_ents(sorted(typed), default="outside")
        return forget_entities(doc)

    def decide(self, spans: list[tuple[Span, str | None]]) -> list[tuple[Span, str]]:
        """(span, type) of the spans kept: the rules' type, or the model's choice."""
        if self.model is None:
            return [(ent, rule) for ent, rule in spans if rule]
        features = self.features(spans)
        out = []
        for (ent, rule), feats in zip(spans, features):
            label = self.model.decide(feats) if self.decided(ent, rule) else rule
            if label:
                out.append((ent, label))
        return out

    def decided(self, ent: Span, rule: str | None) -> bool:
        """Whether the model (not the rules) decides this span."""
        return decided(self.label_map.get(ent.label_), rule)

    def features(self, spans: list[tuple[Span, str | None]]) -> list[list[str]]:
        """The decision's features of each span (`decide.span_features`)."""
        labels: dict[str, list[str]] = {}
        for ent, _ in spans:
            labels.setdefault(ent.text, []).append(ent.label_)
        return [span_features(ent, rule, labels[ent.text], self.cues) for ent, rule in spans]

    def spans(self, doc: Doc) -> tuple[list[Span], list[tuple[Span, str | None]]]:
        """The sure "Town, State" places, and every other span with its rules' type (None: no
        rule types it), boundaries repaired and missed names added."""
        repair_boundaries(doc)
        expansions = _acronym_expansions(doc, self.connectors) + _suffixed_companies(doc, self.legal_forms) \
            + _named_after_title(doc, self.person_titles, self.not_given_names | self.institution_heads) \
            + _dateline_credit(doc) + _lower_case_places(doc)  # (lower case: F1 0.9300 -> 0.9306)
        if expansions:
            # (the rules may find one name twice, or two names that cross: the longest wins)
            expansions = _disjoint(expansions)
            inside = {i for span in expansions for i in range(span.start, span.end)}
            doc.set_ents(sorted([e for e in doc.ents if not inside.intersection(range(e.start, e.end))]
                                + expansions), default="outside")
        # (candidates for the decision: 5-fold entity F1 0.9313 -> 0.9316)
        capitalised = _capitalised_runs(doc, self.not_given_names, self.honorifics)
        if capitalised:
            doc.set_ents(sorted(list(doc.ents) + capitalised), default="outside")
        places = _towns_and_states(doc, self.openers)
        taken = {i for span in places for i in range(span.start, span.end)}
        repaired = _repaired(doc, self.corporate_suffixes, self.connectors, self.not_given_names,
                             self.institution_heads)
        # A surname written after "Mr" or "Ms" once is a person's wherever it ends a name.
        surnames = {ent[-1].text for ent in repaired if self._after_honorific(ent)}
        return places, [(ent, self.type_of(ent, surnames)) for ent in repaired
                        if _plausible(ent, self.never_alone) and not taken.intersection(range(ent.start, ent.end))]

    def type_of(self, ent: Span, surnames: Iterable[str] = ()) -> str | None:
        target = self.label_map.get(ent.label_)
        if ent.label_ == "WORK_OF_ART":
            return target  # a title the repairs found ("Lord of the Rings" names no lord)
        if target and len(ent) > 1 and suffix_form(ent[-1].text) in self.corporate_suffixes:
            return "ORG"  # "Kestrel Co.", whatever the model called it
        if target and (self._after_honorific(ent) or ent[-1].text in surnames):
            return "PERSON"  # "Mr Pellow", "Ms Vaszary": whatever the model made of the surname
        if target == "@place":
            if len(ent) > 1 and ent[0].lower_ in self.organisation_openers:
                return "ORG"  # "Cartel de los Soles", "Bank of England"
            if ent[-1].lower_ in self.feature_heads or (len(ent) > 2 and ent[0].lower_ in self.feature_heads
                                                         and ent[1].lower_ == "of"):
                return "LOC"  # "Tamar Sea", "Gulf of Tamar"
            return gazetteer().place_type(ent.text)
        if target == "@misc":
            head = ent[-1].lower_
            if gazetteer().is_demonym(ent.text):
                return "NORP"
            if head in self.event_heads:
                return "EVENT"
            if head in self.law_heads:
                return "LAW"
            if gazetteer().knows(ent.text):
                return gazetteer().place_type(ent.text)  # "Mediterranean", "Cupertino" read as MISC
            return None
        return target

    def _after_honorific(self, ent: Span) -> bool:
        first = ent[0] if len(ent) > 1 else (ent.doc[ent.start - 1] if ent.start > 0 else None)
        return first is not None and first.is_title and first.lower_ in self.honorifics


_GENERATIONAL = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_MONEY_MARKS = set("$€£¥₹₩₽₺")
# Prefixes that make a name a modifier ("non-OPEC members", "anti-Castro groups").
_NAME_PREFIXES = frozenset({"non", "anti", "pro", "ex"})


def _repaired(doc: Doc, suffixes: frozenset[str] = frozenset(),
              connectors: frozenset[str] = frozenset(),
              not_given_names: frozenset[str] = frozenset(),
              institution_heads: frozenset[str] = frozenset()) -> list[Span]:
    """The model's spans with boundary slips of news text mended: a hyphenated name split in
    two ("Jean" "-" "Luc Ferrand"), a name cut at a connector ("Banda de" "los"
    "Cuervos"), an institution split from the place it serves ("Commission" "for" "Asia"), the
    first word of a two-word name left out ("Crown" "Whitney"), a generational suffix left out
    ("Jr.") and a corporate suffix left out ("Kestrel" "Co.", "Pemberton" "and Co")."""
    spans: list[Span] = []
    for ent in doc.ents:
        prev = spans[-1] if spans else None
        if prev is not None and _hyphen_joined(prev, ent):  # (any labels: F1 0.9293 -> 0.9300)
            label = "ORG" if "ORG" in (prev.label_, ent.label_) else prev.label_
            spans[-1] = Span(doc, prev.start, ent.end, label=label)
            continue
        if prev is not None and (_cut_at_connector(prev, ent, connectors)
                                 or _institution_of_place(prev, ent, institution_heads)):
            # Connectors belong to organisation names far more often than to people's.
            label = "ORG" if "ORG" in (prev.label_, ent.label_) else prev.label_
            spans[-1] = Span(doc, prev.start, ent.end, label=label)
            continue
        start, end = ent.start, ent.end
        if len(ent) == 1 and _first_word_left_out(doc, start, not_given_names, prev):
            start -= 1
        if end < len(doc) and doc[end].lower_ in _GENERATIONAL and ent.label_ in ("PER", "PERSON"):
            end += 1
        end = past_corporate_suffix(doc, end, suffixes)
        spans.append(Span(doc, start, end, label=ent.label_))
    taken: set[int] = set()
    out = []
    for span in spans:  # a suffix taken into one span may begin the next: keep the first
        if not taken.intersection(range(span.start, span.end)):
            out += _company_and_place(span, institution_heads)  # (F1 0.9306 -> 0.9313)
            taken.update(range(span.start, span.end))
    return out


def _company_and_place(span: Span, institution_heads: frozenset[str]) -> list[Span]:
    """"Kestrel Marine Services Inc. of Tamworth", "Orvane Plant of Dayton": a company and the
    place it is in, which the model read as one name; an institution named after the place it
    serves ("Central Bank of Chile", "National Association of Growers of Ghana") stays whole,
    as does a one-word head ("Bank of America")."""
    if span.label_ != "ORG" or len(span) < 4:
        return [span]
    of = next((t.i for t in reversed(span[2:-1]) if t.lower_ == "of"), None)
    if of is None:
        return [span]
    doc = span.doc
    after = of + 2 if doc[of + 1].lower_ == "the" and of + 2 < span.end else of + 1  # ("... Co of the United States")
    company, place = doc[span.start:of], doc[after:span.end]
    if any(t.lower_ in institution_heads or t.is_lower for t in company) \
            or not gazetteer().knows(place.text):
        return [span]
    return [Span(doc, company.start, company.end, label="ORG"), Span(doc, place.start, place.end, label="LOC")]


def _hyphen_joined(prev: Span, ent: Span) -> bool:
    """Two spans written as one word across hyphens ("Jean" "-" "Luc Ferrand", "Hydro" "-"
    "Quebec", "Dar" "-es-" "Salaam"): one name, whatever the model called each part, unless
    the parts are two names of their own: a country or a nationality beside another name
    ("EC-U.S.", "US-German", "Franco-Dutch", "the Iran-Iraq war"), two places ("a
    London-Frankfurt merger"), or an acronym beside a name of another type."""
    doc = prev.doc
    between = doc[prev.end:ent.start]
    if not (between and between[0].text == "-" and between[-1].text == "-" and len(between) in (1, 3)
            and not any(t.whitespace_ for t in doc[prev.end - 1:ent.start])):
        return False
    if len(between) == 3 and not between[1].is_lower:
        return False  # "-es-", "-sur-": a lower-case particle inside the name
    gaz = gazetteer()
    if any(gaz.country_name(s.text) or gaz.is_demonym(s.text) for s in (prev, ent)) \
            or all(gaz.knows(s.text) for s in (prev, ent)):
        return False  # (both places: 5-fold entity F1 0.9384 -> 0.9389)
    return (prev.label_ == ent.label_ and len(between) == 1) or not prev.text.isupper()


def _acronym_expansions(doc: Doc, connectors: frozenset[str]) -> list[Span]:
    """Names the model missed though an acronym in brackets spells them out ("General Motors
    (GM) said ... GM would cut"): typed as the model typed that acronym elsewhere in the text;
    an acronym the model never recognised ("Gross Domestic Product (GDP)") adds nothing."""
    typed = {e.text: e.label_ for e in doc.ents if e.text.isupper() and len(e) == 1}
    out, low = [], lowers(doc)
    for i in range(1, len(doc) - 2):
        if low[i] != "(":  # (first, on the cached column: a Token is made only for the hits)
            continue
        t, acronym, close = doc[i], doc[i + 1], doc[i + 2]
        if close.text != ")" or acronym.text not in typed:
            continue
        letters, start = list(acronym.text.replace(".", "")), t.i
        while letters and start > 0:
            word = doc[start - 1]
            if word.lower_ in connectors and word.is_lower and start - 1 > 0:
                start -= 1  # "Agency for Ports": connectors carry no letter
            elif word.is_alpha and word.text[0].isupper() and word.text[0] == letters[-1]:
                letters.pop()
                start -= 1
            else:
                break
        # the model's own spans may cover part of the name ("Agency for Ports" of "(APC)")
        if not letters and start < t.i and doc[start].ent_iob_ != "I" and t.ent_iob_ != "I":
            out.append(Span(doc, start, t.i, label=typed[acronym.text]))
    return out


def _named_after_title(doc: Doc, titles: frozenset[str], not_names: frozenset[str]) -> list[Span]:
    """Capitalised words right after a person's title that the model left untagged ("U.S.
    President Bush", "Senator Ann Lee"): a person's name. Titles that also begin company or
    office names ("General", "Chief", "Justice") are not in `titles`."""
    out, low = [], lowers(doc)
    for i in range(len(doc) - 1):
        if low[i] not in titles:
            continue
        t = doc[i]
        if not t.is_title or t.ent_type_:
            continue
        end = t.i + 1
        while end < len(doc) and end - t.i <= 3 and not doc[end].ent_type_ and doc[end].is_title \
                and doc[end].is_alpha and not doc[end].is_stop and doc[end].lower_ not in not_names:
            end += 1
        words = doc[t.i + 1:end]
        # ("President Bush": a town called Bush exists, so only countries and demonyms are out)
        if words and not (end < len(doc) and doc[end].ent_iob_ == "I") and not any(
                gazetteer().country_name(w.text) or gazetteer().is_demonym(w.text) for w in words):
            out.append(Span(doc, t.i + 1, end, label="PERSON"))
    return out


# A text with fewer of its words capitalised is written in lower case throughout (some wires
# send whole stories so), and the recogniser, which reads capitals, finds nearly nothing there.
_LOWER_CASE_TEXT = 0.05


def _lower_case_places(doc: Doc) -> list[Span]:
    """In a text written in lower case ("talks in lisbon with kenya's lenders"), the
    countries, capitals, US states and world regions the gazetteers know, written as words
    (not function words: "us"), as places the model missed. A text is written so when few of
    its words are capitalised, or when it writes two countries or capitals in lower case (a
    story may keep its headline and its first names capitalised)."""
    words = [t for t in tokens(doc) if t.is_alpha]
    if not words:
        return []
    gaz = gazetteer()
    countries = _country_words()
    if sum(t.text[0].isupper() for t in words) >= _LOWER_CASE_TEXT * len(words) and len(
            {t.lower_ for t in words if t.is_lower and not t.is_stop and t.lower_ in countries}) < 2:
        return []  # (checked word by word first: the scan below costs 5 ms on a 400-word story)

    def known(text: str) -> bool:
        return bool(gaz.country_name(text) or gaz.capital_of(text) or gaz.state_name(text)
                    or gaz.place_type(text) == "LOC" and gaz.knows(text))

    out, i = [], 0
    while i < len(doc):
        end = next((j for j in range(min(i + 3, len(doc)), i, -1)
                    if all(t.is_alpha and t.is_lower for t in doc[i:j]) and not doc[i].is_stop
                    and not doc[j - 1].is_stop and not doc[i:j].ents and known(doc[i:j].text)), None)
        if end is None:
            i += 1
            continue
        out.append(Span(doc, i, end, label="LOC"))
        i = end
    return out


@lru_cache(maxsize=1)
def _country_words() -> frozenset[str]:
    """The countries and capitals written as one word, folded ("peru", "quito")."""
    gaz = gazetteer()
    return frozenset(k for k in (*gaz.countries, *gaz.capitals) if " " not in k)


# The label of capitalised words inside a sentence that the model left untagged ("debated in
# Parliament", "Treasury Secretary"): candidates the span decision keeps or drops.
CAPITALISED = "CAPITALISED"
_MAX_RUN = 4


def _capitalised_runs(doc: Doc, titles: frozenset[str], honorifics: frozenset[str]) -> list[Span]:
    """Runs of capitalised words no span holds, inside a sentence (a sentence's or a quote's first
    word is capitalised anyway), less an honorific before them and the titles after them
    ("Treasury" of "Treasury Secretary"; "General Motors" keeps its first word), and not touching
    another span (whose boundaries the repairs mend)."""
    out, i, words = [], 1, tokens(doc)  # (each word is read several times: the cached Tokens)
    while i < len(words):
        t = words[i]
        if not _capitalised_word(t) or t.is_sent_start or not (words[i - 1].is_lower or words[i - 1].like_num
                                                              or words[i - 1].text in (",", "(")):
            i += 1
            continue
        end = i
        while end < len(words) and _capitalised_word(words[end]) and not words[end].is_sent_start:
            end += 1
        start, stop = i, end
        while start < stop and (words[start].lower_ in honorifics or words[start].is_stop):
            start += 1
        while stop > start and (words[stop - 1].lower_ in titles or words[stop - 1].is_stop):
            stop -= 1
        touching = (start > 0 and words[start - 1].ent_type_) or (stop < len(words) and words[stop].ent_type_)
        if stop > start and end - i <= _MAX_RUN and not touching:
            out.append(Span(doc, start, stop, label=CAPITALISED))
        i = end
    return out


def _capitalised_word(t) -> bool:
    return t.is_alpha and t.is_title and not t.ent_type_ and len(t) > 1


def _dateline_credit(doc: Doc) -> list[Span]:
    """The news agency credited in brackets after a story's dateline ("OSLO, Norway (AP) --",
    "LIMA, May 2 (Xinhua) -"): an organisation, which the model often leaves untagged."""
    if not (len(doc) > 3 and doc[0].is_upper and doc[0].is_alpha):
        return []
    for t in doc[1:12]:
        if "\n" in t.text_with_ws:
            break
        if t.text != "(":
            continue
        close = next((j for j in range(t.i + 2, min(t.i + 5, len(doc))) if doc[j].text == ")"), None)
        words = doc[t.i + 1:close] if close else None
        if words and all(w.is_alpha for w in words) and words[0].text[0].isupper() \
                and not any(w.ent_type_ for w in words):
            return [Span(doc, t.i + 1, close, label="ORG")]
        return []
    return []


def _disjoint(spans: list[Span]) -> list[Span]:
    """The longest of spans that overlap, the others as they are."""
    out: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if not taken.intersection(range(span.start, span.end)):
            out.append(span)
            taken.update(range(span.start, span.end))
    return sorted(out)


def _suffixed_companies(doc: Doc, legal_forms: frozenset[str]) -> list[Span]:
    """Capitalised words ending in a legal form ("Ostrava Holdings Corp.", "Kestrel Co.") name
    a company even where the model saw nothing there."""
    def legal_form(t) -> bool:
        # ("plc" is written lower-case as often as not: "Marlow Ports plc")
        return (t.text[:1].isupper() or t.lower_ == "plc") and suffix_form(t.text) in legal_forms

    out = []
    words = lowers(doc)
    for i in range(1, len(doc)):
        if suffix_form(words[i]) not in legal_forms:
            continue  # (most words: read from the column, no token made)
        t = doc[i]
        if not legal_form(t) or t.ent_type_ or (t.i + 1 < len(doc) and legal_form(doc[t.i + 1])):
            continue  # ("Mortgage Co Inc": the name ends at its last legal form)
        start = t.i
        while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha \
                and not doc[start - 1].is_stop:
            start -= 1
            if doc[start].is_sent_start:
                break  # the sentence's first word, when it is no function word, and no further
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1  # a span the model began further left ("the Bank" of "Bank of Kestrel Ltd")
        if start < t.i:
            out.append(Span(doc, start, t.i + 1, label="ORG"))
    return out


def _towns_and_states(doc: Doc, openers: frozenset[str] = frozenset()) -> list[Span]:
    """GPE spans for "Town, State" as news writes it ("the Dayton, Ohio, plant", "CEDAR FALLS,
    Iowa, May 2", "Tupelo, Miss."): the state, full or abbreviated, and the capitalised words
    before the comma, whatever the model made of them; not a word that only opens sentences
    (`openers`: "Yesterday, Washington announced")."""
    spans: list[Span] = []
    low = lowers(doc)
    for i in range(2, len(doc)):
        if low[i - 1] not in ("-", ","):  # (what both readings need before i, on the cached column)
            continue
        party_state = _party_state_end(doc, i)
        if party_state is not None:
            spans.append(Span(doc, i, party_state, label="GPE"))
            continue
        if doc[i - 1].text != "," or (spans and i < spans[-1].end):
            continue
        state_end = _state_at(doc, i)
        if state_end is None:
            continue
        start = i - 1
        # (in a list of states, "New Mexico, Arizona, Wyoming", a state is no town of the next)
        floor = spans[-1].end if spans else 0
        while start > floor and (doc[start - 1].is_alpha or doc[start - 1].lower_ in _PLACE_ABBREVIATIONS) \
                and (doc[start - 1].is_title or doc[start - 1].is_upper) and "\n" not in doc[start - 1].whitespace_:
            start -= 1
        if start - 2 >= floor and _cut_period(doc[start - 1]) and doc[start - 2].is_upper \
                and f"{doc[start - 2].lower_}." in _PLACE_ABBREVIATIONS:
            start -= 2  # a dateline's capitals, "ST. PAUL, Minn."
        while start < i - 1 and (doc[start].is_stop or doc[start].lower_ in openers):
            start += 1  # "The Dayton, Ohio, plant", "In Houston, Texas"
        if start < i - 1:  # a town is needed: in "Her daughter, Georgia, said" no state is named
            spans.append(Span(doc, start, i - 1, label="GPE"))
            spans.append(Span(doc, i, state_end, label="GPE"))
    return spans


# Abbreviations that begin a town's name ("St. Paul, Minn.", "Mt. Vernon, N.Y."), those the
# tokenizer keeps whole ("Ft." it splits).
_PLACE_ABBREVIATIONS = frozenset({"st.", "mt."})


def _cut_period(t) -> bool:
    """A period written right after a word that the tokenizer split from it: an abbreviation's
    in capitals ("ST.", "IND."), one the tokenizer has no exception for ("Ont."), or a sentence's."""
    return t.text == "." and t.i > 0 and t.nbor(-1).is_alpha and not t.nbor(-1).whitespace_


def _party_state_end(doc: Doc, i: int) -> int | None:
    """Where the state of a lawmaker's party and state at token i ends, as US news writes them
    ("(D-N.J.)", "(R-Texas)"); None when there is none."""
    if i < 3 or doc[i - 1].text != "-" or doc[i - 2].text not in ("D", "R", "I") or doc[i - 3].text != "(":
        return None
    end = _state_at(doc, i)
    return end if end is not None and end < len(doc) and doc[end].text == ")" else None


def _state_at(doc: Doc, i: int) -> int | None:
    """Where a US state or Canadian province written from token i ends, if one is."""
    gaz = gazetteer()

    def written(j: int) -> bool:
        # an abbreviation's cut period ("IND.", "Ont.") belongs to it; a sentence's period
        # after a name ("... in New York.") does not
        words = j - 1 if _cut_period(doc[j - 1]) else j
        return words > i and all(t.is_title or t.is_upper for t in doc[i:words]) \
            and (words == j or not gaz.state_name(doc[i:words].text))

    end = next((j for j in range(min(i + 3, len(doc)), i, -1)
                if written(j) and gaz.state_name(doc[i:j].text)), None)
    after = doc[end] if end is not None and end < len(doc) else None
    if after is not None and (after.lower_ in ("'s", "’s") or (after.is_alpha and after.is_title and not (
            after.is_stop or after.lower_ in CALENDAR))):
        # "Texas's senator", "Sen. Ann Lee, Texas Republican": the state qualifies a person (not in
        # "Southport, Conn. The utility", "LAKE SUCCESS, N.Y. March 3")
        return None
    return end


def _cut_at_connector(prev: Span, ent: Span, connectors: frozenset[str]) -> bool:
    """A name never ends in "de" or "of": the model stopped inside it, and the next span
    (after nothing but connectors) is the rest of it."""
    doc = prev.doc
    between = doc[prev.end:ent.start]
    return (prev[-1].lower_ in connectors and prev[-1].is_lower
            and all(t.lower_ in connectors and t.is_lower for t in between))


def _institution_of_place(prev: Span, ent: Span, institution_heads: frozenset[str]) -> bool:
    """"Commission" + "for" + "Asia", "Central Bank" + "of" + "Chile": one organisation, named
    after the place it serves (a company "of" a country, "Toyota of Japan", is not joined)."""
    between = prev.doc[prev.end:ent.start]
    return (prev.label_ == "ORG" and ent.label_ in ("LOC", "GPE") and len(between) == 1
            and between[0].lower_ in ("of", "for") and prev[-1].lower_ in institution_heads
            and prev[-1].is_title)


def _first_word_left_out(doc: Doc, start: int, not_given_names: frozenset[str],
                         prev: Span | None) -> bool:
    """A one-word name right after a capitalised word no entity took, inside a sentence
    ("wrong to hire Crown Nakashima", "bought by Crown Whitney"): that word begins the name,
    unless it is a title or honorific ("President", "Mr") or names a place or nationality."""
    if start < 2 or (prev is not None and prev.end >= start - 1):
        return False
    word, before = doc[start - 1], doc[start - 2]
    if not (word.is_alpha and word.is_title and not word.is_stop) or word.lower_ in not_given_names:
        return False
    if "\n" in before.whitespace_ or before.text in (".", "!", "?", ":", '"', "“", "”", "'", "‘", "’"):
        return False  # the word opens a sentence or a quote: capitalised anyway
    if not (before.is_lower or before.is_punct or before.like_num):
        return False  # a run of capitalised words (a headline) says nothing
    gaz = gazetteer()
    return not (gaz.knows(word.text) or gaz.is_demonym(word.text))


def past_corporate_suffix(doc: Doc, end: int, suffixes: frozenset[str]) -> int:
    """Where a name ends once the capitalised corporate suffixes right after it are taken in
    ("Kestrel Co.", "Harlow Electric Industrial Co Ltd", "Pemberton and Co"; "Pemberton amp Co."
    where a feed turned "&amp;" into "amp"; "Orvella S.p.A.", whose form the tokenizer cut)."""
    if 0 < end and end + 2 <= len(doc) and " " not in doc[end - 1:end + 1].text_with_ws \
            and suffix_form(doc[end - 1:end + 2].text) in suffixes:
        end += 2  # the name's last word is the first of a form's three pieces
    while end < len(doc):
        at = end + 1 if doc[end].lower_ in ("and", "&") or doc[end].text == "amp" else end
        tok = doc[at] if at < len(doc) else None
        if tok is None or not tok.text[:1].isupper() or suffix_form(tok.text) not in suffixes:
            break
        end = at + 1
    return end


def _plausible(span: Span, never_alone: frozenset[str] = frozenset()) -> bool:
    """Not a name: a lone function word the model capitalised into one ("Moreover", "Much"), a
    money figure ("AU$12.5"), words that only follow a name (`never_alone`: "Ltd", "N.V.",
    "MEP"), or a word a name is hyphenated into ("non-OPEC", "anti-Castro", "U.S.-made")."""
    if len(span) == 1 and span[0].is_stop and not span[0].is_upper:
        return False
    if all(suffix_form(t.text) in never_alone or t.is_punct for t in span):
        return False
    if _hyphened_modifier(span.text):
        return False
    return not any(c in _MONEY_MARKS for c in span.text)


def _hyphened_modifier(text: str) -> bool:
    """A span that opens with a prefix a name is hyphened to, or is one word that ends in a
    participle ("Oscar-nominated")."""
    prefix, hyphen, _ = text.partition("-")
    if hyphen and prefix.lower() in _NAME_PREFIXES:
        return True
    _, hyphen, tail = text.rpartition("-")
    return bool(hyphen) and " " not in text and tail.isalpha() and tail.islower() and tail.endswith(("ed", "de"))
