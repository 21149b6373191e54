"""Scores published tables against gold annotations (`../shared/eval/GOLD.md`, rules v2), strictly.

Pure functions: gold records and table rows in, metrics out; `evaluation/run.py` does the I/O.
Every metric keeps its counts (`37/38`), so small samples are never mistaken for certainty.

Names are compared after folding case and accents only (and collapsing whitespace): "NICOLÁS
maduro" ~ "Nicolás Maduro", but "U.S." is not "US" and "The Times" is not "Times".

Actors (amount subject and payer, demand actor and addressee, event source and target) match
strictly (`actor_matches`):
- When the gold value names a gold entity of the article (it equals a gold entity's `name`,
  folded), the predicted actor must carry one of that entity's surface forms: a predicted entity
  (an `*_entity_id`) matches when its surface forms in the document (the texts of its mentions
  there, plus its canonical name) meet the gold entity's `name` + `aliases`; a predicted
  `*_text` matches when it is one of them. Containment no longer counts: an entity whose only
  form is "Australia" does not match the gold "Ford Australia".
- When the gold value is a phrase of the text that names no gold entity ("several top Venezuelan
  officials"), the prediction (the entity's canonical name, or its `*_text`) matches when it
  contains the phrase's head word and at least half of the phrase's content words. Content words
  are the words (runs of letters and digits, folded) that are not in `STOPWORDS`; the head is
  the last content word before the first post-modifier word (`POST_MODIFIERS`: of, for, in, to,
  with, who, that) that follows the phrase's first word, or the last content word of the whole
  phrase when there is none ("the chairman of Acme" -> "chairman"; "several top Venezuelan
  officials" -> "officials").

Items placed by the gold: amounts and demands (`text`) and events (`trigger`) may carry
`context`, a verbatim unique clause containing the item (train.jsonl gives it whenever the item's
text repeats in the article). Such an item sits at exact character offsets, and a prediction
matches it only when its span overlaps them. Without `context`, amounts rank candidates by the
distance to the k-th occurrence of the text for the k-th gold item with that text, and demands
overlap any occurrence of the gold text, as before.

Matching is one-to-one and deterministic: candidate pairs are ranked by closeness (and by
position in the document to break ties between repeated figures), then taken greedily.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

# Entity types the gold annotates exhaustively; other predicted types are neither rewarded nor
# penalised.
SCORED_ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC")
# "value within 0.5%" (GOLD.md), relative to the gold value.
VALUE_TOLERANCE = 0.005
# Words that start a post-modifier: the head of a phrase is the last content word before them.
POST_MODIFIERS = frozenset({"of", "for", "in", "to", "with", "who", "that"})
# Function words that are not content words of a phrase (articles, determiners and quantifiers,
# pronouns, prepositions, conjunctions, auxiliaries, and the "s" of a split possessive).
STOPWORDS = frozenset("""
a an the this that these those some several many few all any each every both other such
its it his her their they them he she we our us you your my i who whom whose which what
of for in to with on at by from as into over under about between against among
and or but nor not no is are was were be been being has have had
s
""".split())


@dataclass(frozen=True)
class Metric:
    """correct / total; `value` is None when nothing was there to count."""

    name: str
    correct: int
    total: int

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def as_dict(self) -> dict:
        return {"value": self.value, "correct": self.correct, "total": self.total}

    def __str__(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{shown} ({self.correct}/{self.total})"


@dataclass
class Scores:
    """Metrics per section (amounts, entities, demands, events), plus per-record misses."""

    sections: dict[str, list[Metric]] = field(default_factory=dict)
    # Human-readable misses (false negatives/positives, wrong attributes), for tuning.
    errors: list[str] = field(default_factory=list)
    # Gold record ids that had no published document.
    missing_documents: list[str] = field(default_factory=list)

    def metric(self, section: str, name: str) -> Metric:
        return next(m for m in self.sections[section] if m.name == name)

    def as_dict(self) -> dict:
        return {
            "sections": {s: {m.name: m.as_dict() for m in ms} for s, ms in self.sections.items()},
            "missing_documents": self.missing_documents,
            "errors": self.errors,
        }


def fold(name: str | None) -> str:
    """Comparison key of a name: case and accents folded, whitespace collapsed, nothing else."""
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(text.split())


def _words(text: str | None) -> list[str]:
    return re.findall(r"\w+", fold(text))


def content_words(phrase: str | None) -> list[str]:
    return [w for w in _words(phrase) if w not in STOPWORDS]


def head_word(phrase: str | None) -> str | None:
    """The phrase's head: its last content word before the first post-modifier (module docstring)."""
    words = _words(phrase)
    cut = next((i for i, w in enumerate(words) if i > 0 and w in POST_MODIFIERS), len(words))
    for candidates in (words[:cut], words):
        content = [w for w in candidates if w not in STOPWORDS]
        if content:
            return content[-1]
    return None


def phrase_matches(predicted: str | None, gold_phrase: str | None) -> bool:
    """Whether a predicted name or text shares the gold phrase's head and half its content words."""
    head, gold_content = head_word(gold_phrase), set(content_words(gold_phrase))
    predicted_words = set(_words(predicted))
    if not head or not predicted_words or head not in predicted_words:
        return False
    return 2 * len(gold_content & predicted_words) >= len(gold_content)


@dataclass(frozen=True)
class Actor:
    """A predicted actor: the entity's surface forms in the document and name, or the text."""

    entity_id: str | None = None
    name: str | None = None
    forms: frozenset[str] = frozenset()  # folded
    text: str | None = None

    @property
    def present(self) -> bool:
        return bool(self.entity_id or (self.text and self.text.strip()))

    def shown(self) -> str | None:
        return self.name if self.entity_id else self.text


class GoldEntities:
    """One record's gold entities: folded name -> folded name and aliases."""

    def __init__(self, entities: list[dict]):
        self.forms: dict[str, set[str]] = {}
        for e in entities:
            key = fold(e.get("name"))
            if key:
                self.forms.setdefault(key, {key}).update(fold(a) for a in e.get("aliases", []) if a)

    def entity_forms(self, gold_value: str | None) -> set[str] | None:
        """The surface forms of the gold entity `gold_value` names, None when it names none."""
        return self.forms.get(fold(gold_value))


def actor_matches(predicted: Actor | None, gold_value: str | None, gold: GoldEntities) -> bool:
    """Whether the predicted actor designates the gold one (rules in the module docstring)."""
    if predicted is None or not predicted.present or not gold_value:
        return False
    forms = gold.entity_forms(gold_value)
    if forms is not None:
        if predicted.entity_id:
            return bool(predicted.forms & forms)
        return fold(predicted.text) in forms
    return phrase_matches(predicted.shown(), gold_value)


def _any_actor(predicted: Actor | None, values: list[str], gold: GoldEntities) -> bool:
    return any(actor_matches(predicted, v, gold) for v in values)


def greedy_pairs(candidates: Iterable[tuple[tuple, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs from (rank key, gold index, predicted index), best (lowest) key first."""
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def listify(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


@dataclass
class _Counter:
    """Running correct/total counts for one metric."""

    correct: int = 0
    total: int = 0

    def add(self, ok: bool, n: int = 1) -> None:
        self.total += n
        self.correct += n if ok else 0

    def metric(self, name: str) -> Metric:
        return Metric(name, self.correct, self.total)


@dataclass
class _Document:
    """One gold record's prediction, actors resolved through the entities and mentions tables."""

    record_id: str
    text: str
    published: str | None
    amounts: list[dict]
    entities: list[dict]  # {"entity_id", "name", "type", "mentions": [surface forms]}
    demands: list[dict]
    events: list[dict]


ACTOR_FIELDS = {"amounts": ("subject", "payer"), "demands": ("actor", "addressee"),
                "events": ("source", "target")}


class Tables:
    """Published rows indexed by document (built once, then shared by every scored subset)."""

    def __init__(self, tables: dict[str, list[dict]]):
        self.documents: dict[str, dict] = {}
        for d in tables.get("documents", []):
            self.documents.setdefault(d.get("external_id"), d)
        self.names = {e["entity_id"]: e["name"] for e in tables.get("entities", [])}
        self.types = {e["entity_id"]: e["type"] for e in tables.get("entities", [])}
        self.rows: dict[str, dict[str, list[dict]]] = {}
        for name in ("mentions", "amounts", "demands", "events"):
            by_doc: dict[str, list[dict]] = {}
            for r in tables.get(name, []):
                by_doc.setdefault(r["doc_id"], []).append(r)
            for rows in by_doc.values():
                rows.sort(key=lambda r: (r.get("start") or 0, r.get("end") or 0))
            self.rows[name] = by_doc

    def of(self, table: str, doc_id: str | None) -> list[dict]:
        return self.rows[table].get(doc_id, []) if doc_id is not None else []


def _documents(records: list[dict], tables: Tables, scores: Scores) -> list[tuple[dict, _Document]]:
    out = []
    for rec in records:
        doc = tables.documents.get(rec["id"])
        if doc is None:
            scores.missing_documents.append(rec["id"])
            doc = {"doc_id": None, "text": rec.get("text", "")}
        doc_id = doc["doc_id"]
        entities: dict[str, dict] = {}
        for m in tables.of("mentions", doc_id):
            eid = m["entity_id"]
            ent = entities.setdefault(eid, {"entity_id": eid, "name": tables.names.get(eid, m["text"]),
                                            "type": tables.types.get(eid), "mentions": []})
            ent["mentions"].append(m["text"])
        forms = {eid: frozenset(fold(t) for t in [e["name"], *e["mentions"]] if t)
                 for eid, e in entities.items()}

        def actor(row: dict, prefix: str) -> Actor:
            eid = row.get(f"{prefix}_entity_id")
            if eid:
                name = tables.names.get(eid)
                own = forms.get(eid, frozenset({fold(name)} if name else ()))
                return Actor(entity_id=eid, name=name, forms=own, text=row.get(f"{prefix}_text"))
            return Actor(text=row.get(f"{prefix}_text"))

        resolved = {t: [{**r, **{f"{p}_actor": actor(r, p) for p in prefixes}}
                        for r in tables.of(t, doc_id)]
                    for t, prefixes in ACTOR_FIELDS.items()}
        out.append((rec, _Document(rec["id"], doc.get("text") or "", rec.get("published"),
                                   resolved["amounts"],
                                   sorted(entities.values(), key=lambda e: e["entity_id"]),
                                   resolved["demands"], resolved["events"])))
    return out


def value_close(predicted: float, gold: float) -> bool:
    return abs(predicted - gold) <= VALUE_TOLERANCE * abs(gold)


def _match_with_optional(gold: list[dict], candidates) -> tuple[list[tuple[int, int]], set[int]]:
    """Pairs with required gold first; predictions left over may then absorb optional gold.

    RETURNS: (pairs with required gold, predicted indices matched to optional gold).
    """
    candidates = list(candidates)
    required = [c for c in candidates if not gold[c[1]].get("optional")]
    pairs = greedy_pairs(required)
    taken = {pi for _, pi in pairs}
    optional = [c for c in candidates if gold[c[1]].get("optional") and c[2] not in taken]
    absorbed = {pi for _, pi in greedy_pairs(optional)}
    return pairs, absorbed


def _spans_of(text: str, phrase: str | None) -> list[tuple[int, int]]:
    if not phrase:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def placed_span(text: str, item: dict, key: str = "text") -> tuple[int, int] | None:
    """The exact span of a gold item that carries `context`, else None.

    The context is a verbatim unique substring of the article containing the item's `key`
    (GOLD.md); a context or item not found in the published text places nothing.
    """
    context, phrase = item.get("context"), item.get(key)
    if not context or not phrase:
        return None
    at = text.find(context)
    inner = context.find(phrase)
    if at < 0 or inner < 0:
        return None
    return at + inner, at + inner + len(phrase)


def _gold_offsets(text: str, gold: list[dict]) -> list[int]:
    """Where each gold item probably is: its placed span, else the k-th occurrence of its text for
    the k-th gold item with that text (gold lists items in reading order), else its relative
    position."""
    seen: dict[str, int] = {}
    out = []
    for gi, g in enumerate(gold):
        placed = placed_span(text, g)
        phrase = g.get("text") or ""
        k = seen[phrase] = seen.get(phrase, -1) + 1
        if placed:
            out.append(placed[0])
            continue
        spans = _spans_of(text, phrase)
        if spans:
            out.append(spans[min(k, len(spans) - 1)][0])
        else:
            out.append(len(text) * gi // max(len(gold), 1))
    return out


def _absent(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def score_amounts(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Precision/recall on (value within 0.5%, currency), then attribute accuracy on matches.

    Optional gold amounts are matched after the required ones; a prediction matched to one is
    neither a true nor a false positive, and an unmatched optional gold is no miss. A gold amount
    placed by its `context` matches only predictions overlapping it.

    On matched pairs: `subject` (`payer`) counts the pairs whose gold gives a subject (payer) and
    is right when the prediction's matches strictly (accuracy on matched, i.e. recall);
    `subject_precision` (`payer_precision`) counts the pairs whose prediction gives one and is
    right only when the gold gives one too and it matches (a predicted payer where the gold has
    none is a false positive).
    """
    tp = n_pred = n_gold = 0
    qual, purpose = _Counter(), _Counter()
    actors = {(k, m): _Counter() for k in ("subject", "payer") for m in ("recall", "precision")}
    for rec, doc in docs:
        gold = rec["gold"].get("amounts", [])
        gold_entities = GoldEntities(rec["gold"].get("entities", []))
        pred = doc.amounts
        where_gold = _gold_offsets(doc.text, gold)
        placed = [placed_span(doc.text, g) for g in gold]
        candidates = []
        for gi, g in enumerate(gold):
            for pi, p in enumerate(pred):
                if p["currency"] != g["currency"] or not value_close(p["value"], g["value"]):
                    continue
                span = (p.get("start") or 0, p.get("end") or 0)
                if placed[gi] and not _overlap(placed[gi], span):
                    continue
                rel = abs(p["value"] - g["value"]) / abs(g["value"])
                same_text = fold(p["text"]) == fold(g.get("text"))
                distance = abs(span[0] - where_gold[gi])
                candidates.append(((rel, not same_text, distance, gi, pi), gi, pi))
        pairs, absorbed = _match_with_optional(gold, candidates)
        n_gold += sum(not g.get("optional") for g in gold)
        n_pred += len(pred) - len(absorbed)
        tp += len(pairs)
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs} | absorbed
        for gi, g in enumerate(gold):
            if gi not in matched_g and not g.get("optional"):
                scores.errors.append(f"{doc.record_id}: amounts: missed {g.get('text')!r} "
                                     f"({g['value']:g} {g['currency']})")
        for pi, p in enumerate(pred):
            if pi not in matched_p:
                scores.errors.append(f"{doc.record_id}: amounts: false positive {p['text']!r} "
                                     f"({p['value']:g} {p['currency']})")
        for gi, pi in pairs:
            g, p = gold[gi], pred[pi]
            where = f"{doc.record_id}: amounts {g.get('text')!r}"
            qual.add(p["qualifier"] == g.get("qualifier", "exact"))
            if p["qualifier"] != g.get("qualifier", "exact"):
                scores.errors.append(f"{where}: qualifier {p['qualifier']} != {g.get('qualifier')}")
            ok = p["purpose"] in listify(g.get("purpose"))
            purpose.add(ok)
            if not ok:
                scores.errors.append(f"{where}: purpose {p['purpose']} not in {listify(g.get('purpose'))}")
            for key in ("subject", "payer"):
                predicted, wanted = p[f"{key}_actor"], g.get(key)
                ok = not _absent(wanted) and actor_matches(predicted, wanted, gold_entities)
                if not _absent(wanted):
                    actors[key, "recall"].add(ok)
                if predicted.present:
                    actors[key, "precision"].add(ok)
                if not ok and (predicted.present or not _absent(wanted)):
                    scores.errors.append(f"{where}: {key} {predicted.shown()!r} != {wanted!r}")
    return [Metric("precision", tp, n_pred), Metric("recall", tp, n_gold), qual.metric("qualifier"),
            purpose.metric("purpose"),
            actors["subject", "recall"].metric("subject"),
            actors["subject", "precision"].metric("subject_precision"),
            actors["payer", "recall"].metric("payer"),
            actors["payer", "precision"].metric("payer_precision")]


def score_entities(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Recall/precision of PERSON/ORG/GPE/LOC entities, alias clustering, name and type.

    A predicted entity matches a gold entity when one of its mentions in the document equals
    one of the gold aliases or the gold name (folded: case and accents). Recall counts required
    gold entities some prediction matches; precision counts predicted entities of the scored
    types that match a required gold entity, ignoring those matching only optional ones (a second
    entity for an alias of an already found one is no false positive: clustering scores it).
    Each found gold entity is paired one-to-one with the prediction sharing most mentions with
    it; its clustering is right when every predicted mention of its aliases carries that one
    entity_id and no other gold entity's aliases do; name (folded case and accents only) and
    type are that prediction's.
    """
    n_gold = found = n_pred = tp_pred = 0
    cluster, name, type_ = _Counter(), _Counter(), _Counter()
    for rec, doc in docs:
        gold = rec["gold"].get("entities", [])
        gold_aliases = [{fold(a) for a in g.get("aliases", [])} | {fold(g["name"])} for g in gold]
        preds = doc.entities
        pred_mentions = [[fold(m) for m in p["mentions"]] for p in preds]
        overlap = {}
        for gi in range(len(gold)):
            for pi, mentions in enumerate(pred_mentions):
                n = sum(m in gold_aliases[gi] for m in mentions)
                if n:
                    overlap[gi, pi] = n
        for pi, p in enumerate(preds):
            if p["type"] not in SCORED_ENTITY_TYPES:
                continue
            hits = [gi for (gi, qi) in overlap if qi == pi]
            if any(not gold[gi].get("optional") for gi in hits):
                n_pred += 1
                tp_pred += 1
            elif not hits:
                n_pred += 1
                scores.errors.append(f"{doc.record_id}: entities: false positive {p['name']!r} ({p['type']})")
        required = [gi for gi, g in enumerate(gold) if not g.get("optional")]
        pairs = dict(greedy_pairs(((-n, gi, pi), gi, pi) for (gi, pi), n in overlap.items()
                             if not gold[gi].get("optional")))
        owners: dict[str, set[int]] = {}
        for (gi, pi) in overlap:
            if not gold[gi].get("optional"):
                owners.setdefault(preds[pi]["entity_id"], set()).add(gi)
        for gi in required:
            g = gold[gi]
            n_gold += 1
            if gi not in pairs:
                scores.errors.append(f"{doc.record_id}: entities: missed {g['name']!r} ({g['type']})")
                continue
            found += 1
            p = preds[pairs[gi]]
            ids = {preds[pi]["entity_id"] for (gj, pi) in overlap if gj == gi}
            ok = len(ids) == 1 and owners[p["entity_id"]] == {gi}
            cluster.add(ok)
            if not ok:
                scores.errors.append(f"{doc.record_id}: entities: {g['name']!r} spread over "
                                     f"{len(ids)} entities or shares one with another")
            ok = fold(p["name"]) == fold(g["name"])
            name.add(ok)
            if not ok:
                scores.errors.append(f"{doc.record_id}: entities: name {p['name']!r} != {g['name']!r}")
            type_.add(p["type"] == g["type"])
            if p["type"] != g["type"]:
                scores.errors.append(f"{doc.record_id}: entities: {g['name']!r} type {p['type']} != {g['type']}")
    return [Metric("precision", tp_pred, n_pred), Metric("recall", found, n_gold),
            cluster.metric("alias_clustering"), name.metric("canonical_name"), type_.metric("type")]


def _word_set(s: str | None) -> set[str]:
    return set(_words(s))


def score_demands(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Recall/precision of demands (actor matches strictly, demanded text overlaps), then
    category and status accuracy and addressee recall/precision on matched pairs.

    A gold demand placed by its `context` overlaps a prediction when their character spans
    intersect; without `context`, any occurrence of the gold text may overlap it (when the gold
    text cannot be found, sharing a word counts). A gold demand without an actor asks no actor
    match. `addressee` counts matched pairs whose gold names an addressee (right when the
    prediction's matches); `addressee_precision` counts matched pairs whose prediction names one
    (right only when the gold names a matching one). Optional gold demands are handled as for
    amounts.
    """
    tp = n_pred = n_gold = 0
    category, status, addressee, addressee_p = _Counter(), _Counter(), _Counter(), _Counter()
    for rec, doc in docs:
        gold = rec["gold"].get("demands", [])
        gold_entities = GoldEntities(rec["gold"].get("entities", []))
        pred = doc.demands
        candidates = []
        for gi, g in enumerate(gold):
            placed = placed_span(doc.text, g)
            spans = [placed] if placed else _spans_of(doc.text, g.get("text"))
            for pi, p in enumerate(pred):
                if not _absent(g.get("actor")) and not actor_matches(p["actor_actor"], g["actor"], gold_entities):
                    continue
                if spans:
                    ov = max(_overlap(s, (p.get("start") or 0, p.get("end") or 0)) for s in spans)
                else:
                    ov = len(_word_set(g.get("text")) & _word_set(p.get("text")))
                if ov > 0:
                    candidates.append(((-ov, gi, pi), gi, pi))
        pairs, absorbed = _match_with_optional(gold, candidates)
        n_gold += sum(not g.get("optional") for g in gold)
        n_pred += len(pred) - len(absorbed)
        tp += len(pairs)
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs} | absorbed
        for gi, g in enumerate(gold):
            if gi not in matched_g and not g.get("optional"):
                scores.errors.append(f"{doc.record_id}: demands: missed {g.get('text')!r}")
        for pi, p in enumerate(pred):
            if pi not in matched_p:
                scores.errors.append(f"{doc.record_id}: demands: false positive {p.get('text')!r}")
        for gi, pi in pairs:
            g, p = gold[gi], pred[pi]
            category.add(p.get("category") == g.get("category"))
            status.add(p.get("status") == g.get("status"))
            predicted, wanted = p["addressee_actor"], g.get("addressee")
            ok = not _absent(wanted) and actor_matches(predicted, wanted, gold_entities)
            if not _absent(wanted):
                addressee.add(ok)
            if predicted.present:
                addressee_p.add(ok)
    return [Metric("precision", tp, n_pred), Metric("recall", tp, n_gold),
            category.metric("category"), status.metric("status"),
            addressee.metric("addressee"), addressee_p.metric("addressee_precision")]


def _iso_date(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return str(value)[:10]


def _trigger_span(text: str, event: dict) -> tuple[int, int] | None:
    """Where a predicted event's trigger is: `trigger_start`/`trigger_end` when the row has
    them, else its first occurrence inside the event's clause span, else the occurrence nearest
    the clause start."""
    trigger = event.get("trigger")
    if not trigger:
        return None
    if event.get("trigger_start") is not None and event.get("trigger_end") is not None:
        return event["trigger_start"], event["trigger_end"]
    start, end = event.get("start") or 0, event.get("end") or len(text)
    inside = text.find(trigger, start, max(end, start + len(trigger)))
    if inside >= 0:
        return inside, inside + len(trigger)
    spans = _spans_of(text, trigger)
    return min(spans, key=lambda s: abs(s[0] - start)) if spans else None


def _gold_trigger_spans(text: str, event: dict) -> list[tuple[int, int]]:
    placed = placed_span(text, event, key="trigger")
    return [placed] if placed else _spans_of(text, event.get("trigger"))


def score_events(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Events: recall (and precision on `events_exhaustive` records), date, triggers.

    A prediction matches a gold event with the same type whose source matches (any of `sources`
    when the gold lists several) and, when the gold gives one, whose target matches (any of
    `targets`); pairs are one-to-one, closest trigger first. `precision` counts predictions of
    records whose gold sets `events_exhaustive`. `date` counts matched gold events that give a
    date, when the document's publication date is known (relative dates are otherwise not
    scored); `date_precision` the matched events a prediction dates to the day, right only when
    the gold gives that date (GOLD.md gives one whenever the text fixes the day). Triggers, on
    `events_exhaustive` records with gold triggers: a predicted trigger matches a gold one when
    their character spans overlap (the gold trigger placed by its `context`, else any
    occurrence); `trigger_f1` is 2·TP / (predicted + gold) and `trigger_type` the type accuracy
    on trigger-matched pairs.
    """
    recall, precision, date_ok, date_p = _Counter(), _Counter(), _Counter(), _Counter()
    trig_tp = trig_pred = trig_gold = 0
    trig_type = _Counter()
    for rec, doc in docs:
        gold = rec["gold"].get("events", [])
        exhaustive = bool(rec.get("events_exhaustive"))
        gold_entities = GoldEntities(rec["gold"].get("entities", []))
        pred = doc.events
        gold_spans = [_gold_trigger_spans(doc.text, g) for g in gold]
        pred_spans = [_trigger_span(doc.text, p) for p in pred]

        def distance(gi: int, pi: int) -> int:
            if not gold_spans[gi] or not pred_spans[pi]:
                return len(doc.text)
            return min(abs(s[0] - pred_spans[pi][0]) for s in gold_spans[gi])

        candidates = []
        for gi, g in enumerate(gold):
            sources = listify(g.get("sources")) or listify(g.get("source"))
            targets = listify(g.get("targets")) or listify(g.get("target"))
            for pi, p in enumerate(pred):
                if p.get("event_type") != g.get("type"):
                    continue
                if sources and not _any_actor(p["source_actor"], sources, gold_entities):
                    continue
                if targets and not _any_actor(p["target_actor"], targets, gold_entities):
                    continue
                candidates.append(((distance(gi, pi), gi, pi), gi, pi))
        pairs, absorbed = _match_with_optional(gold, candidates)
        matched = dict(pairs)
        for gi, g in enumerate(gold):
            if g.get("optional"):
                continue
            recall.add(gi in matched)
            if gi not in matched:
                scores.errors.append(f"{doc.record_id}: events: missed {g.get('type')} "
                                     f"{g.get('source')!r} -> {g.get('target')!r}")
                continue
            predicted = pred[matched[gi]]
            predicted_date = _iso_date(predicted.get("event_date"))
            # (GOLD.md dates to the day only: a month or a year the text gives is not held against it)
            to_the_day = predicted_date is not None and predicted.get("date_precision") in (None, "day")
            if not doc.published:
                continue
            if g.get("date"):
                date_ok.add(predicted_date == g["date"])
            if to_the_day:
                date_p.add(predicted_date == g.get("date"))
            if (g.get("date") or to_the_day) and predicted_date != g.get("date"):
                scores.errors.append(f"{doc.record_id}: events: {g.get('type')} {g.get('trigger')!r} "
                                     f"dated {predicted_date} != {g.get('date')}")
        if exhaustive:
            matched_p = set(matched.values())
            for pi, p in enumerate(pred):
                if pi in absorbed:
                    continue
                precision.add(pi in matched_p)
                if pi not in matched_p:
                    scores.errors.append(f"{doc.record_id}: events: false positive {p.get('event_type')} "
                                         f"{p['source_actor'].shown()!r} -> {p['target_actor'].shown()!r}")
            with_trigger = [gi for gi, g in enumerate(gold) if g.get("trigger") and not g.get("optional")]
            trig_gold += len(with_trigger)
            trig_pred += len(pred)
            trig_candidates = []
            for gi in with_trigger:
                for pi, ps in enumerate(pred_spans):
                    if ps is None:
                        continue
                    ov = max((_overlap(s, ps) for s in gold_spans[gi]), default=0)
                    if ov:
                        trig_candidates.append(((-ov, gi, pi), gi, pi))
            trig_pairs = greedy_pairs(trig_candidates)
            trig_tp += len(trig_pairs)
            for gi, pi in trig_pairs:
                trig_type.add(pred[pi].get("event_type") == gold[gi].get("type"))
    return [recall.metric("recall"), precision.metric("precision"), date_ok.metric("date"),
            date_p.metric("date_precision"),
            Metric("trigger_precision", trig_tp, trig_pred), Metric("trigger_recall", trig_tp, trig_gold),
            Metric("trigger_f1", 2 * trig_tp, trig_pred + trig_gold), trig_type.metric("trigger_type")]


def score(records: list[dict], tables: dict[str, list[dict]] | Tables) -> Scores:
    """Every section's metrics for gold records against published rows.

    records (list[dict]): gold records (GOLD.md), each with `id` and `gold`.
    tables (dict[str, list[dict]] | Tables): published rows of documents (doc_id, external_id,
        text), entities, mentions, amounts, demands and events; a gold record pairs with the
        document whose external_id is its id. Pass a `Tables` to score several subsets of one
        output without indexing it again.
    RETURNS (Scores): metrics per section; a record without a document scores as all missed.
    """
    scores = Scores()
    indexed = tables if isinstance(tables, Tables) else Tables(tables)
    docs = _documents(records, indexed, scores)
    scores.sections["amounts"] = score_amounts(docs, scores)
    scores.sections["entities"] = score_entities(docs, scores)
    scores.sections["demands"] = score_demands(docs, scores)
    scores.sections["events"] = score_events(docs, scores)
    return scores


def format_table(scores: Scores) -> str:
    """The metrics as a plain-text table, one line per metric."""
    lines = [f"{'section':<10} {'metric':<20} {'value':>7}  counts", "-" * 50]
    for section, metrics in scores.sections.items():
        for m in metrics:
            shown = "n/a" if m.value is None else f"{m.value:.3f}"
            lines.append(f"{section:<10} {m.name:<20} {shown:>7}  {m.correct}/{m.total}")
    if scores.missing_documents:
        lines.append(f"gold records without a published document: {', '.join(scores.missing_documents)}")
    return "\n".join(lines)
