"""Boundary repairs of the NER's spans before they are typed: what news text glues to a name.

- Newswire marks company names and tickers in angle brackets ("talks with <Wagner and Brown>",
  "RepublicBank Corp <RPT>"): a span never crosses a bracket, and what a pair of brackets
  encloses is one organisation. A round bracket a span opens and does not close parts two names
  ("ASEAN (Association of ...").
- A sentence-opening conjunction or adverb is capitalised only by its place ("But Reid",
  "Yesterday Funaro"): it is cut from the front of a span, and a function word from its end;
  so are a lower-case article ("the United States") and a description written before a name
  ("British bank Abbey National").
- A post-nominal ("Alan Reid MP", "Ann Lee QC") or a title ("Finance Minister Ann Lee") is no
  part of a person's name: it is cut, and the linker records it as a role. A title's first word
  is no part of the name before it ("Green Union Party Justice Minister"). A peer's title with
  one name is the name ("Lord Browne"); an honorific or a rank alone ("Mr.", "Sgt") names
  nobody.
- A hyphenated word is one word: a span that begins or ends at a hyphen written without
  spaces ("Pell" of "Pell-Dorne Co.", "Dorne" of "IG-Dorne") takes in the word it joins.
- "U.S. Banks": a word capitalised after an abbreviated country, whose period read as a
  sentence end, is no part of a name; the country is. But the country and the words after it
  that begin a longer company name of the story ("U.S. Video" of "U.S. Video Vending Corp") are
  that name's short form.
- A legal form ends a company's name: a capitalised word after it inside one span begins another
  ("Goldman, Sachs and Co. Hertz Corp.").
- A company named for its partners is one name ("Hollis, Marden and Co Inc", "Kessler and Platt
  Inc"), though the model reads the partners as people; not where a partner is named alone too,
  or ends in a legal form of its own ("Dale Corp and Varno Inc": two companies).
- A name joined by "and" to a word for a firm's partners ("Brown and Partners", "Hale & Sons
  Ltd") is one company, whatever the model read; a possessive firm and its town ("Smith's of
  Leeds") too, where the story writes the possessive alone as a name or the whole owns nothing.
- A court is named with the district or place it serves ("District Court for the Eastern
  District of Lorwick", "Circuit Court of Tandle County"), which the model reads apart.
- The capitalised words right after a noun for a work ("the film Black Friday", "the album
  Return of the Mack"), or listed after one ("films such as Troy and Ransom"), are titles, not
  the people or firms the model read in them.
- Names listed together ("Orvel and Dunmore Bank") that the story also names each alone are
  two names, though the model read one.
- An owner the story also names alone is no part of what it owns ("Finance Ministry's Trust
  Fund": two names).
- A shop or firm named with a possessive ("Macy's", "Sotheby's") keeps its "'s" wherever the
  story writes it once owning nothing ("stores like Macy's, Bloomingdale's and ...", "the sale at
  Sotheby's, which ..."): the NER mostly leaves the "'s" out.
"""

from __future__ import annotations

import calendar
from functools import lru_cache

from spacy.tokens import Doc, Span

from transforms.entities.names import gazetteer, suffix_form
from transforms.lexicons import load
from transforms.parse import lowers

_OPEN, _CLOSE = "<", ">"
# (a ticker or a company name; a longer run between brackets is no name)
_MAX_BRACKETED = 10


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = load("entities")
    return {"not_name_openers": frozenset(rules["not_name_openers"]),
            "post_nominals": frozenset(rules["post_nominals"]),
            "peerage_titles": frozenset(rules["peerage_titles"]),
            "honorifics": frozenset(rules["honorifics"]),
            "titles": frozenset(rules["title_heads"]) | frozenset(rules["title_modifiers"]),
            "title_heads": frozenset(rules["title_heads"]),
            "title_modifiers": frozenset(rules["title_modifiers"]),
            "legal_forms": frozenset(rules["legal_forms"]),
            "corporate_suffixes": frozenset(rules["corporate_suffixes"]),  # (the legal forms among them)
            "partners_words": frozenset(rules["partners_words"]),
            "work_nouns": frozenset(rules["work_nouns"])}


def repair_boundaries(doc: Doc) -> Doc:
    """`doc.ents` with the slips above mended; spans left empty are dropped.

    doc (Doc): a document with the model's entities.
    RETURNS (Doc): the same document.
    """
    rules = _rules()
    spans: list[Span] = []
    read = tuple(e.text for e in doc.ents)
    for ent in doc.ents:
        for piece in _outside_brackets(ent):
            # (a span grows left only over words no span before it took: "Buick-Oldsmobile-
            # Cadillac" of two spans gives "Oldsmobile" to the first)
            free = spans[-1].end if spans else 0
            piece = _trimmed(_country_alone(_with_peerage(_hyphen_completed(piece, free), rules, free), read), rules)
            if piece is not None:
                spans += _split_after_legal_form(piece, rules)
    spans = _in_place_of(spans, _bracketed_names(doc))
    alone = {s.text for s in spans if not _possessive_after(s)}
    spans = [q for s in spans for q in _owner_and_owned(s, alone)]
    spans = [q for s in spans for q in _listed_apart(s, alone)]
    spans = _coordinated_firms(spans, rules)
    spans = _named_for_partners(doc, spans, rules)
    spans = _court_of_district(doc, spans)
    spans = _in_place_of(spans, _short_forms(doc, spans))
    spans = _titles_of_works(doc, spans, rules)
    names = possessive_names(doc, spans)
    spans = _possessive_of_place(spans, names)
    spans = [Span(doc, s.start, s.end + 1, label="ORG") if s.text in names and _possessive_after(s) else s
             for s in spans]
    doc.set_ents(sorted(spans), default="outside")
    return doc


def possessive_names(doc: Doc, spans=None) -> frozenset[str]:
    """The texts of the spans (`doc.ents` by default) that the story writes once with an "'s"
    that owns nothing: a comma, a conjunction or a finite verb after it ("Macy's and
    Bloomingdale's", "at Sotheby's, which", "Harrow's said"). Those names end in their "'s"."""
    out = set()
    for s in doc.ents if spans is None else spans:
        if s.text.endswith(("'s", "’s")):
            s = s[:-1]  # (a span that has it already)
        if s.end + 1 < len(doc) and _possessive_after(s) and _owns_nothing(doc[s.end + 1]):
            out.add(s.text)
    return frozenset(out)


def _possessive_after(span: Span) -> bool:
    doc = span.doc
    # (the tagger sometimes reads an "'s" before a comma as a plural noun: any tag but a verb's)
    return span.end < len(doc) and not doc[span.end].tag_.startswith("VB") and doc[span.end].lower_ in ("'s", "’s")


def _owns_nothing(tok) -> bool:
    # (a participle may be owned, "Acme's proposed bid"; a bracket opens an acronym, a period
    # may end an owner written alone, "a stake in Acme's.")
    return tok.text in (",", ";", ":") or tok.pos_ == "CCONJ" or tok.tag_ in ("VBD", "VBZ", "VBP", "MD")


def _outside_brackets(ent: Span) -> list[Span]:
    """The parts of a span between angle brackets ("RepublicBank Corp <RPT" -> two parts), or
    on each side of a round one it opens and does not close ("ASEAN (Association of ...")."""
    pieces, start = [], ent.start
    unclosed = "(" in ent.text and ")" not in ent.text
    for tok in ent:
        if tok.text in (_OPEN, _CLOSE) or (unclosed and tok.text == "("):
            if tok.i > start:
                pieces.append(Span(ent.doc, start, tok.i, label=ent.label))
            start = tok.i + 1
    if ent.end > start:
        pieces.append(Span(ent.doc, start, ent.end, label=ent.label))
    return pieces


def _trimmed(span: Span, rules: dict) -> Span | None:
    """The span without the words glued to it; None when nothing of a name is left."""
    doc = span.doc
    if all(t.lower_ in rules["honorifics"] for t in span) or (
            span.label_ in ("PER", "PERSON") and all(t.lower_.rstrip(".") in rules["titles"] for t in span)):
        return None  # "Mr." or "Sgt" alone
    start, end = span.start, span.end
    # "But Reid", "Yesterday Funaro", "Describing Reid": capitalised only because it opens the sentence
    while end - start > 1 and doc[start].is_title and (doc[start].lower_ in rules["not_name_openers"]
                                                       or doc[start].tag_ == "VBG"):
        start += 1
    # "the United States": a name written mid-sentence never opens with a lower-case article
    # (a capitalised one is part of it: "The Hague")
    while end - start > 1 and doc[start].lower_ in ("the", "a", "an") and doc[start].is_lower:
        start += 1
    # "British bank Abbey National", "Environmental group Tidewatch": a description (an
    # adjective or a nationality, then a lower-case noun) written before a name is no part of it
    described = next((i for i in range(start + 1, min(start + 3, end - 1)) if doc[i].is_lower and doc[i].pos_ == "NOUN"
                      and doc[i + 1].is_title and all(t.is_title and (t.tag_ == "JJ" or gazetteer().is_demonym(t.text))
                                                      for t in doc[start:i])), None)
    if described is not None:
        start = described + 1
    # "Hewlett-Packard Co. Recently", "Sydney-": a name never ends in a function word
    while end - start > 1 and (doc[end - 1].lower_ in rules["not_name_openers"] or _dangling(doc[end - 1])):
        end -= 1
    if span.label_ in ("PER", "PERSON"):
        # "Prime Minister Ann Lee": the title is a role (read by the linker), not the name
        while end - start > 2 and doc[start].lower_.rstrip(".") in rules["titles"]:
            start += 1
    # "Green Union Party Justice Minister Ann Lee": a title's first words are no part of
    # the name before it
    if end - start > 1 and end == span.end < len(doc) and doc[end].lower_ in rules["title_heads"] \
            and doc[end - 1].is_title and doc[end - 1].lower_ in rules["title_modifiers"]:
        end -= 1
    # "Alan Reid MP", "Ealing North MP" (whatever the model called it): the linker reads the
    # post-nominal as a role
    while end - start > 1 and doc[end - 1].text.rstrip(".") in rules["post_nominals"]:
        end -= 1
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label) if end > start else None


def _split_after_legal_form(span: Span, rules: dict) -> list[Span]:
    """Two companies the model read as one name: a legal form ends a company's name, so a
    capitalised word after it begins another ("Goldman, Sachs and Co. Hertz Corp.")."""
    forms = rules["legal_forms"]
    for t in span[1:-1]:
        after = t.doc[t.i + 1]
        if suffix_form(t.text) in forms and after.is_title and suffix_form(after.text) not in forms:
            return [Span(span.doc, span.start, t.i + 1, label=span.label),
                    *_split_after_legal_form(Span(span.doc, t.i + 1, span.end, label=span.label), rules)]
    return [span]


def _coordinated_firms(spans: list[Span], rules: dict) -> list[Span]:
    """"Tessler and Grant Co", "Hollis, Marden and Co Inc": a company named for its partners
    is one name, though the model reads the partners before "and" as people or places; unless
    the story names those words alone too ("Ford and Mazda Corp": two companies)."""
    out = []
    for span in spans:
        start = _partners_start(span, rules) if span.label_ == "ORG" else span.start
        if start < span.start:
            taken = [s for s in out if s.end > start]  # (the partners' own spans)
            elsewhere = {s.text for s in spans if s.end <= start or s.start >= span.end}
            if all(t.start >= start and t.text not in elsewhere for t in taken):
                out = out[:len(out) - len(taken)]
                span = Span(span.doc, start, span.end, label="ORG")
        out.append(span)
    return out


def _partners_start(span: Span, rules: dict) -> int:
    """Where the capitalised partners' names before a company's "and" begin (at most three
    words, commas between them), or the span's start when its last word is no corporate
    suffix or no "and" comes before it."""
    doc, i = span.doc, span.start - 1
    joined = i > 0 and doc[i].lower_ in _AND
    # (or the model took "Marden and Co Inc" of "Hollis, Marden and Co Inc")
    listed = i > 0 and doc[i].text == "," and any(t.lower_ in _AND for t in span[1:-1])
    suffixes = rules["corporate_suffixes"]
    named = [t for t in span if suffix_form(t.text) not in suffixes and t.lower_ not in _AND]
    # (one word before the suffixes: "AFG Industries Inc" after "and" is a company of its own)
    if suffix_form(span[-1].text) not in suffixes or len(named) > 1 + listed or not (joined or listed):
        return span.start
    words = 0
    while i > 0 and words <= 3:
        t = doc[i - 1]
        if suffix_form(t.text) in suffixes or t.lower_ in _AND:
            return span.start  # (another company ends there, or a longer list: "Wagner and Brown and")
        if t.is_alpha and (t.is_title or t.is_upper) and t.lower_ not in rules["not_name_openers"]:
            words, i = words + 1, i - 1
        elif t.text == "," and words and i > 1 and doc[i - 2].is_title:
            i -= 1
        else:
            break
    return i if 0 < words <= 3 else span.start


_AND = ("and", "&")


def _named_for_partners(doc: Doc, spans: list[Span], rules: dict) -> list[Span]:
    """"Brown and Partners", "Hale & Sons Ltd": capitalised names joined by "and" to a word that
    names a firm's partners ("Partners", "Sons", "Associates", "Co") are one company, whatever
    the model read of them (often nothing). Such a word names nobody alone, so the story may
    name "Brown" alone too: he is then a person of his own, not the firm."""
    firms, low = [], lowers(doc)
    for i in range(1, len(doc) - 1):
        if low[i] not in _AND:  # (the cheap test first: a Token is made only for the hits)
            continue
        t, word = doc[i], doc[i + 1]
        if not (word.is_title and suffix_form(word.text) in rules["partners_words"]) \
                or any(s.start < t.i and s.end > word.i for s in spans):  # (read whole: "Hollis, Marden and Co Inc")
            continue
        start, end = _partners_before(doc, t.i, spans, rules), word.i + 1
        while end < len(doc) and suffix_form(doc[end].text) in rules["legal_forms"]:
            end += 1
        if start < t.i and (end == len(doc) or not (doc[end].is_alpha and doc[end].is_title)):
            firms.append(Span(doc, start, end, label="ORG"))
    return _in_place_of(spans, firms)


def _short_forms(doc: Doc, spans: list[Span]) -> list[Span]:
    """"U.S. Video's bid" where the story names "U.S. Video Vending Corp": a span and the
    capitalised words after it that begin a longer organisation's name of the story are that
    name's short form, though the model read only the place ("U.S.")."""
    longer = [s.text for s in spans if s.label_ == "ORG" and len(s) > 2]
    found = []
    for span in spans:
        for end in range(min(span.end + 2, len(doc)), span.end, -1):
            words = doc[span.end:end]
            if all(t.is_alpha and t.is_title and not t.ent_type_ for t in words) \
                    and _begins_longer(doc[span.start:end].text, longer):
                found.append(Span(doc, span.start, end, label="ORG"))
                break
    return found


def _begins_longer(text: str, names) -> bool:
    """Whether `text` is the first words of one of the longer `names`."""
    return any(n.startswith(text + " ") for n in names)


def _in_place_of(spans: list[Span], found: list[Span]) -> list[Span]:
    """`found` in place of the spans they overlap, in order."""
    taken = {i for s in found for i in range(s.start, s.end)}
    return sorted([s for s in spans if not taken.intersection(range(s.start, s.end))] + found)


def _partners_before(doc: Doc, i: int, spans: list[Span], rules: dict) -> int:
    """Where the names before the "and" at `i` begin: the span ending there, else up to three
    capitalised words; `i` when there are none."""
    ending = [s for s in spans if s.end == i]
    if ending:
        return ending[0].start
    start = i
    while start > 0 and i - start < 3 and doc[start - 1].is_alpha and doc[start - 1].is_title \
            and doc[start - 1].lower_ not in rules["not_name_openers"]:
        start -= 1
    return start


def _titles_of_works(doc: Doc, spans: list[Span], rules: dict) -> list[Span]:
    """"the film Black Friday", "the 1996 album Return of the Mack": the capitalised words
    right after a word for a work are its title (OntoNotes' WORK_OF_ART), not the people or
    firms the model read in them."""
    titles, low = [], lowers(doc)
    for i in range(1, len(doc) - 1):
        if low[i] not in rules["work_nouns"]:
            continue
        t = doc[i]
        if not (t.is_lower and t.pos_ == "NOUN"):
            continue
        listed = _examples_after(doc, t.i + 1)
        if listed is not None:  # "films such as Troy and Ransom", "games including Halo, Myst"
            titles += _listed_titles(doc, listed)
        # (a noun after a determiner, an adjective or a number: not "figures show Britain",
        # "will play Chelsea"; and no date after it: "the game Saturday")
        elif doc[t.i - 1].tag_ in _NOUN_PHRASE_OPENERS and doc[t.i + 1].lower_ not in CALENDAR:
            end = _title_end(doc, t.i + 1)
            if end > t.i + 1:
                titles.append(Span(doc, t.i + 1, end, label="WORK_OF_ART"))
    return _in_place_of(spans, titles)


def _examples_after(doc: Doc, i: int) -> int | None:
    """Where the examples begin after "such as", "including" or "like" at `i`; None if none do."""
    if i + 1 < len(doc) and doc[i].lower_ == "such" and doc[i + 1].lower_ == "as":
        return i + 2
    return i + 1 if i < len(doc) and doc[i].lower_ in ("including", "like") else None


def _listed_titles(doc: Doc, i: int) -> list[Span]:
    """The titles listed from `i`, commas or "and" between them."""
    out = []
    while (end := _title_end(doc, i, listed=True)) > i:
        out.append(Span(doc, i, end, label="WORK_OF_ART"))
        if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ == "and":
            end += 1
        if end + 1 >= len(doc) or doc[end].lower_ not in (",", "and"):
            break
        i = end + 1
    return out


_NOUN_PHRASE_OPENERS = frozenset({"DT", "JJ", "CD", "NN", "NNP", "PRP$", "POS"})
CALENDAR = frozenset(n.lower() for n in (*calendar.month_name, *calendar.day_name) if n)


def _title_end(doc: Doc, i: int, listed: bool = False) -> int:
    """The end of the title that starts at `i`: capitalised words and numbers, with the lower-case
    function words between them ("Return of the Mack"), but for an "and" in a list of titles;
    `i` when no capitalised word starts there."""
    end = i
    while end < len(doc) and (doc[end].is_title or doc[end].is_upper and doc[end].is_alpha or (
            end > i and doc[end].like_num)):
        end += 1
        k = end
        while k < len(doc) and doc[k].is_lower and doc[k].is_stop and k - end < 2 \
                and not (listed and doc[k].lower_ == "and"):
            k += 1
        if k > end and k < len(doc) and doc[k].is_title:
            end = k
    return end


def _court_of_district(doc: Doc, spans: list[Span]) -> list[Span]:
    """"District Court for the Eastern District of Lorwick", "Circuit Court of Tandle County":
    a court is named for the district or the place it serves, which the model reads apart."""
    out: list[Span] = []
    for span in spans:
        if out and out[-1].end > span.start:
            continue  # (taken in by the court before it)
        end = _district_end(doc, span.end) if span[-1].lower_ in ("court", "appeals") else span.end
        out.append(span if end == span.end else Span(doc, span.start, end, label="ORG"))
    return out


def _district_end(doc: Doc, i: int) -> int:
    """The end of "for the Eastern District of Lorwick" or "of Tandle County" at `i`, or `i`."""
    if doc[i:i + 2].text.lower() == "for the":
        j = i + 2
    elif i < len(doc) and doc[i].lower_ == "of":
        j = i + 1
    else:
        return i
    end = j
    while end < len(doc) and (doc[end].is_title or (doc[end].lower_ == "of" and end + 1 < len(doc) and doc[end + 1].is_title)):
        end += 1
    words = {t.lower_ for t in doc[j:end]}
    # ("for the" names a district or a circuit; "of" a place)
    return end if words and (j == i + 1 or words & {"district", "circuit"}) else i


def _possessive_of_place(spans: list[Span], names: frozenset[str]) -> list[Span]:
    """"Smith's of Leeds": a firm named by a possessive and its town is one name, where the
    story writes the possessive alone as a name too, or the whole owns nothing ("Tandler's of
    Bristol has been sold")."""
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if (prev is not None and span.start == prev.end + 2
                and (span.label_ in ("GPE", "LOC") or gazetteer().knows(span.text))
                and _possessive_after(prev) and span.doc[prev.end + 1].lower_ == "of"
                and (prev.text in names or span.end == len(span.doc) or _owns_nothing(span.doc[span.end]))):
            out[-1] = Span(span.doc, prev.start, span.end, label="ORG")
            continue
        out.append(span)
    return out


def _listed_apart(span: Span, alone: set[str]) -> list[Span]:
    """"Merrill Lynch and Harwood Bank", "Orvel, Dunmore": names listed together that the
    model read as one, each named alone elsewhere in the story: two names."""
    for t in span[1:-1]:
        if t.lower_ == "and" or t.text == ",":  # ("&" joins partners of one firm: "Reiss & Co")
            left, right = span.doc[span.start:t.i], span.doc[t.i + 1:span.end]
            if left.text in alone and right.text in alone:
                return [Span(span.doc, left.start, left.end, label=span.label),
                        Span(span.doc, right.start, right.end, label=span.label)]
    return [span]


def _owner_and_owned(span: Span, alone: set[str]) -> list[Span]:
    """"Finance Ministry's Trust Fund", "Doumeng's Interagra": an owner the story also names
    alone, and what it owns, read as one name; two names ("Hudson's Bay Co.", whose "Hudson" is
    never alone, stays one)."""
    for t in span[1:-1]:
        if t.tag_ == "POS" and span.doc[span.start:t.i].text in alone:
            return [Span(span.doc, span.start, t.i, label=span.label),
                    Span(span.doc, t.i + 1, span.end, label=span.label)]
    return [span]


def _hyphen_completed(span: Span, free: int = 0) -> Span:
    """"Rha Woong-bae", "Pell-Dorne Co.", "IG-Pell": a name the model began or ended at a
    hyphen written without spaces goes on to the word the hyphen joins (one written word),
    when no other span holds that word (nor takes it before: none left of `free`); a person's
    name to a lower-case word too ("-bae")."""
    doc, start, end = span.doc, span.start, span.end
    person = span.label_ in ("PER", "PERSON")

    def joined(hyphen: int, word: int) -> bool:
        tok = doc[word]
        return (doc[hyphen].text == "-" and not doc[hyphen].whitespace_ and not doc[hyphen - 1].whitespace_
                and tok.is_alpha and tok.ent_iob_ == "O" and (person or tok.text[0].isupper()))

    while end + 1 < len(doc) and joined(end, end + 1):
        end += 2
    while start - 2 >= free and joined(start - 1, start - 2):
        start -= 2
    return span if (start, end) == (span.start, span.end) else Span(doc, start, end, label=span.label)


def _with_peerage(span: Span, rules: dict, free: int = 0) -> Span:
    """"Lord Browne": a peer is named by the title and one name, the title part of the name
    (unlike "Mr", "Sir John Bourn"), unless a span before it took the title (none left of
    `free`)."""
    doc = span.doc
    if span.label_ in ("PER", "PERSON") and len(span) == 1 and span.start > free \
            and doc[span.start - 1].is_title and doc[span.start - 1].lower_ in rules["peerage_titles"]:
        return Span(doc, span.start - 1, span.end, label=span.label)
    return span


def _country_alone(span: Span, names: tuple[str, ...] = ()) -> Span:
    """"U.S. Banks", "U.K. Demands": a word capitalised after an abbreviated country only
    because the abbreviation's period read as a sentence end; the country is the name. Not
    where the two words begin a longer name of the story's `names` ("U.S. Video" of "U.S.
    Video Vending Corp"): they are its short form."""
    first = span[0]
    if len(span) > 1 and first.text.endswith(".") and span[1].is_title \
            and (len(span) == 2 or span[1].is_stop) and gazetteer().country_name(first.text) \
            and not _begins_longer(span.text, names):
        return Span(span.doc, span.start, span.start + 1, label="LOC")
    return span


def _dangling(tok) -> bool:
    """Punctuation a name cannot end with ("Sydney-"); a period (of "Co.") or bracket it can."""
    return tok.is_punct and tok.text not in (".", ")")


def _bracketed_names(doc: Doc) -> list[Span]:
    """ORG spans for what angle brackets enclose ("<Wagner and Brown>", "<RPT>")."""
    out, low = [], lowers(doc)
    i = 0
    while i < len(doc):
        if low[i] != _OPEN:
            i += 1
            continue
        close = next((j for j in range(i + 1, min(i + 2 + _MAX_BRACKETED, len(doc)))
                      if doc[j].text in (_OPEN, _CLOSE) or "\n" in doc[j - 1].whitespace_), None)
        if close is not None and doc[close].text == _CLOSE and close > i + 1 \
                and doc[i + 1].text[:1].isupper():
            out.append(Span(doc, i + 1, close, label="ORG"))
            i = close
        i += 1
    return out
