"""When an event happened, as the parse tells it: the date phrase of its clause and its tense.

The phrase is resolved to a calendar date later, against the document's publication date
(`transforms.events.dates.resolve_date`, called by `resolve_event_dates` when rows are made),
since the pipeline sees only text.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from transforms.parse import AUXILIARY

_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|Mar\.|April|Apr\.|May|June|July|Aug(?:ust|\.)?|"
          r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
_RELATIVE = r"(?:last|next|this|early|late|earlier|later)"
# Date phrases news writes (the pipeline's NER, trained on CoNLL-2003, tags no DATE): what
# `dates.resolve_date` reads, found by their words and attached by the parse.
DATE_PHRASE = re.compile(
    rf"\b(?:(?:{_RELATIVE} )?{_WEEKDAY}(?:,? {_MONTH} \d{{1,2}}(?:, \d{{4}})?)?"
    rf"|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|\d{{1,2}} {_MONTH}(?: \d{{4}})?"
    rf"|(?:(?:early|late|mid-?) ?)?{_MONTH}(?:,? \d{{4}})?"
    rf"|yesterday|today|tomorrow|tonight"
    rf"|(?:{_RELATIVE}|earlier this|later this) (?:week|month|year|weekend)"
    rf"|(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten) (?:days?|weeks?|months?|years?) ago"
    rf"|(?:in|since|by) (?:19|20)\d\d)\b")


def clause_head(t: Token) -> Token:
    """The verb a trigger's clause hangs on: the trigger itself when it is a verb, else the
    nearest verb above it ("held talks on Sunday": held)."""
    if t.pos_ in ("VERB", "AUX"):
        return t
    return next((a for a in t.ancestors if a.pos_ in ("VERB", "AUX")), t)


def date_phrase(t: Token) -> str | None:
    """The date phrase of the trigger's sentence attached to the trigger or to the verb of its
    clause (through words that are not themselves verbs, but for infinitives: a date of another
    clause is that clause's), nearest first."""
    head = clause_head(t)
    anchors = {t.i, head.i}
    found = []
    for span in date_spans(t.sent):
        if span.root.i in anchors:
            continue
        for a in span.root.ancestors:
            if a.i in anchors:
                found.append((abs(span.root.i - t.i), span.text))
                break
            if a.pos_ in ("VERB", "AUX") and a.dep_ != "xcomp":
                break  # (an infinitive's date is its governor's: "agreed to buy ... on Monday")
    return min(found)[1] if found else None


def date_spans(sent: Span) -> list[Span]:
    """The date phrases of a sentence (`DATE_PHRASE`), as token spans."""
    doc, out = sent.doc, []
    for m in DATE_PHRASE.finditer(sent.text):
        span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
        if span is not None and not (span.text == "May" and span.root.tag_ == "MD"):
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
