"""When an event happened, as the parse tells it: the date phrase of its clause and its tense.

The phrase is resolved to a calendar date later, against the document's publication date
(`transforms.events.dates.resolve_date`, called by `resolve_event_dates` when rows are made),
since the pipeline sees only text.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from transforms.parse import AUXILIARY, dateline_end, doc_text, lemma

_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_WEEKDAY = r"(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|Mar\.|April|Apr\.|May|June|July|Aug(?:ust|\.)?|"
          r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
_RELATIVE = r"(?i:last|next|this|early|late|earlier|later)"
_PART_OF_DAY = r"(?i: (?:morning|afternoon|evening|night))"
# Date phrases news writes (the pipeline's NER, trained on CoNLL-2003, tags no DATE): what
# `dates.resolve_date` reads, found by their words and attached by the parse. Month names are
# matched capitalised only ("may", "march"); the other words in any case ("Yesterday,").
DATE_PHRASE = re.compile(
    rf"\b(?:(?:{_RELATIVE} )?{_WEEKDAY}(?:,? {_MONTH} \d{{1,2}}(?:, \d{{4}})?)?"
    rf"|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|\d{{1,2}} {_MONTH}(?: \d{{4}})?"
    rf"|(?:(?:early|late|mid-?) ?)?{_MONTH}(?:,? \d{{4}})?"
    rf"|(?i:yesterday|today|tomorrow|tonight|last night)|(?i:this|yesterday|tomorrow){_PART_OF_DAY}"
    rf"|(?:{_RELATIVE}|(?i:earlier this|later this)) (?i:week|month|year|weekend)"
    rf"|(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten) (?:days?|weeks?|months?|years?) ago"
    rf"|(?i:in|since|by) (?:19|20)\d\d)\b")
# A dateline ("PARIS, March 5 -", "PORTLAND, Maine, May 4 -", "BONN, West Germany, May 4 -")
# dates the filing, not an event of the story.
_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .'-]*(?:, [A-Z][A-Za-z .'-]*)*, ?$")


def clause_head(t: Token) -> Token:
    """The verb a trigger's clause hangs on: the trigger itself when it is a verb, else the
    nearest verb above it ("held talks on Sunday": held)."""
    if t.pos_ in ("VERB", "AUX"):
        return t
    return next((a for a in t.ancestors if a.pos_ in ("VERB", "AUX")), t)


def date_phrase(t: Token) -> str | None:
    """The date phrase of the trigger's sentence attached to the trigger or to the verb of its
    clause (through words that are not themselves verbs, but for infinitives and participles: a
    date of another clause is that clause's), nearest first; else one attached to a verb that
    reports or frames the clause (`_reporting`: "said on Friday that it had agreed", the report's
    date); else the sentence's only date phrase. (Trigger by trigger on train.jsonl's 1,339
    gold events of dated articles, `_reporting` instead of any verb above: dated gold events
    right 150 and wrong 7 -> 150 and 6, undated ones given a day 101 -> 98.)"""
    spans = date_spans(t.sent)
    head = clause_head(t)
    for anchors in ({t.i, head.i}, _reporting(head)):
        found = [(abs(s.root.i - t.i), s.text) for s in spans if _attached(s, anchors)]
        if found:
            return min(found)[1]
    return spans[0].text if len(spans) == 1 else None


# How a clause hangs on the verb that reports or frames it ("said on Friday that it had agreed",
# "met on Monday and signed", "flew to Oslo on Friday to press for"): that verb's date phrase is
# the clause's. A relative clause or one a conjunction opens ("the driver who rammed the gate was
# named on Tuesday", "after the ferry sank, the owners said on Friday") tells another time.
_FRAMED = ("ccomp", "xcomp", "conj", "parataxis")


def _framed(t: Token) -> bool:
    return t.dep_ in _FRAMED or t.dep_ == "advcl" and all(
        c.lower_ == "to" for c in t.children if c.dep_ == "mark")


def _reporting(head: Token) -> set[int]:
    """The verbs above the clause of `head` that report or frame it (`_framed`)."""
    out, t = set(), head
    while _framed(t) and t.head.i != t.i:
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            out.add(t.i)
    return out


def when_told(t: Token) -> tuple[str | None, str | None]:
    """(date phrase, tense) of the trigger's event: its own clause's (`date_phrase`, `tense`),
    or for a noun trigger whose clause has none, those of its first later definite mention
    when a date phrase hangs inside that mention's own words ("a brief phone call ... The call,
    made on November 21, ..."; "the talks on Friday"); a date elsewhere in that mention's
    sentence is not the event's. (5-fold quick loop on train.jsonl: no dated event changes,
    right or wrong: its articles tell a noun event's date in its own clause.)"""
    phrase = date_phrase(t)
    if t.pos_ != "NOUN" or phrase is not None:
        return phrase, tense(t)
    word = lemma(t)
    for w in t.doc[t.i + 1:]:
        if w.pos_ == "NOUN" and lemma(w) == word and any(
                c.dep_ == "det" and c.lower_ in ("the", "that", "this") for c in w.children):
            inside = [s for s in date_spans(w.sent) if _attached(s, {w.i})]
            if inside:
                return min(inside, key=lambda s: abs(s.root.i - w.i)).text, tense(w)
            break
    return None, tense(t)


def _attached(span: Span, anchors: set[int]) -> bool:
    if span.root.i in anchors:
        return False
    for a in span.root.ancestors:
        if a.i in anchors:
            return True
        if a.pos_ in ("VERB", "AUX") and a.dep_ not in ("xcomp", "acl"):
            # (an infinitive's date is its governor's: "agreed to buy ... on Monday"; a
            # participle's is its noun's, "at a meeting held on Monday": 5-fold event dates
            # right 23 -> 25 of 33, no wrong one added)
            return False
    return False


def date_spans(sent: Span) -> list[Span]:
    """The date phrases of a sentence (`DATE_PHRASE`), as token spans."""
    doc, out = sent.doc, []
    dateline = dateline_end(doc)
    for m in DATE_PHRASE.finditer(sent.text):
        span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
        if span is None or span.text == "May" and span.root.tag_ == "MD":
            continue
        # (the sentence splitter may cut the dateline after its place: "BERGEN, W. Norway." |
        # ", May 4 - Fjordline said")
        if span.start < dateline or sent.start == 0 and _DATELINE.match(doc_text(doc)[:span.start_char]):
            continue
        out.append(span)
    return out


def tense(t: Token) -> str | None:
    """"past", "future" or None (present, or not told) of the trigger's clause."""
    head = clause_head(t)
    aux = [c for c in head.children if c.dep_ in AUXILIARY]
    if any(c.lower_ in _FUTURE_AUX for c in aux) or _going_to(head):
        return "future"
    if head.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux) or head.tag_ == "VBN" and aux:
        return "past"
    return None


def _going_to(head: Token) -> bool:
    """"is going to meet": the infinitive's governor is "going" with a present auxiliary."""
    gov = head.head
    return head.dep_ == "xcomp" and gov.lower_ == "going" and any(c.dep_ in AUXILIARY for c in gov.children)
