"""Scores published tables against gold annotations (`../shared/eval/GOLD.md`).

Pure functions: gold records and table rows in, metrics out; `flows/evaluate.py` does the I/O.
Every metric keeps its counts (`37/38`), so small samples are never mistaken for certainty.

Names are compared with `same_actor`: case, accents, punctuation, possessive "'s" and a
leading "the" are folded away, then two names match when one equals the other or contains it
as a whole-word sequence ("Maduro" ~ "Nicolás Maduro", "Texaco" ~ "Texaco Inc."), or when the
predicted name is one of the aliases the gold lists for the entity the gold name denotes
("Washington" ~ "United States" when the gold lists "Washington" as its alias). Containment is
generous on purpose: the extractor's job is to point at the right actor; whether it wrote its
fullest name is scored separately (entities: canonical name).

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


def normalise_name(name: str | None) -> str:
    """Matching key of a name: "The U.S.'s" -> "us", "Nicolás Maduro" -> "nicolas maduro"."""
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['\u2019]s\b", "", text)
    text = re.sub(r"[.'\u2019`]", "", text)  # "U.S." -> "us" before splitting on punctuation
    words = re.findall(r"\w+", text)
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _contains(longer: str, shorter: str) -> bool:
    return bool(shorter) and f" {shorter} " in f" {longer} "


def same_actor(predicted: str | None, gold: str | None, gold_aliases: dict[str, set[str]] | None = None) -> bool:
    """Whether a predicted name designates the gold one (rule in the module docstring).

    predicted (str | None): the predicted entity's name or the *_text as written.
    gold (str | None): the gold name or words.
    gold_aliases (dict[str, set[str]]): normalised gold entity name -> its normalised aliases.
    """
    p, g = normalise_name(predicted), normalise_name(gold)
    if not p or not g:
        return False
    if p == g or _contains(g, p) or _contains(p, g):
        return True
    return any(p == a or _contains(p, a) for a in (gold_aliases or {}).get(g, ()))


def _greedy(candidates: Iterable[tuple[tuple, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs from (rank key, gold index, predicted index), best (lowest) key first."""
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def _listify(value) -> list:
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
    """One gold record's prediction, names resolved through the entities table."""

    record_id: str
    text: str
    published: str | None
    amounts: list[dict]
    entities: list[dict]  # {"entity_id", "name", "type", "mentions": [surface forms]}
    demands: list[dict]
    events: list[dict]


def _name_of(row: dict, prefix: str, names: dict[str, str]) -> str | None:
    eid = row.get(f"{prefix}_entity_id")
    if eid and eid in names:
        return names[eid]
    return row.get(f"{prefix}_text")


def _documents(records: list[dict], tables: dict[str, list[dict]], scores: Scores) -> list[tuple[dict, _Document]]:
    by_external = {}
    for d in tables.get("documents", []):
        by_external.setdefault(d.get("external_id"), d)
    names = {e["entity_id"]: e["name"] for e in tables.get("entities", [])}
    types = {e["entity_id"]: e["type"] for e in tables.get("entities", [])}

    def rows(table: str, doc_id: str) -> list[dict]:
        return sorted((r for r in tables.get(table, []) if r["doc_id"] == doc_id),
                      key=lambda r: (r.get("start") or 0, r.get("end") or 0))

    out = []
    for rec in records:
        doc = by_external.get(rec["id"])
        if doc is None:
            scores.missing_documents.append(rec["id"])
            doc = {"doc_id": None, "text": rec.get("text", "")}
        doc_id = doc["doc_id"]
        entities: dict[str, dict] = {}
        for m in rows("mentions", doc_id):
            eid = m["entity_id"]
            ent = entities.setdefault(eid, {"entity_id": eid, "name": names.get(eid, m["text"]),
                                            "type": types.get(eid), "mentions": []})
            ent["mentions"].append(m["text"])
        resolved = {
            t: [{**r, **{f"{p}_name": _name_of(r, p, names) for p in prefixes}} for r in rows(t, doc_id)]
            for t, prefixes in (("amounts", ("subject", "payer")),
                                ("demands", ("actor", "addressee")),
                                ("events", ("source", "target")))
        }
        published = rec.get("published")
        out.append((rec, _Document(rec["id"], doc.get("text") or "", published, resolved["amounts"],
                                   sorted(entities.values(), key=lambda e: e["entity_id"]),
                                   resolved["demands"], resolved["events"])))
    return out


def _gold_aliases(gold: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in gold.get("entities", []):
        key = normalise_name(e["name"])
        out.setdefault(key, set()).update(normalise_name(a) for a in e.get("aliases", []) if a)
        out[key].add(key)
    return out


def value_close(predicted: float, gold: float) -> bool:
    return abs(predicted - gold) <= VALUE_TOLERANCE * abs(gold)


def _match_with_optional(gold: list[dict], candidates) -> tuple[list[tuple[int, int]], set[int]]:
    """Pairs with required gold first; predictions left over may then absorb optional gold.

    RETURNS: (pairs with required gold, predicted indices matched to optional gold).
    """
    required = [c for c in candidates if not gold[c[1]].get("optional")]
    pairs = _greedy(required)
    taken = {pi for _, pi in pairs}
    optional = [c for c in candidates if gold[c[1]].get("optional") and c[2] not in taken]
    absorbed = {pi for _, pi in _greedy(optional)}
    return pairs, absorbed


def _gold_offsets(text: str, gold: list[dict]) -> list[int]:
    """Where each gold item probably is: the k-th occurrence of its text for the k-th gold item
    with that text (gold lists items in reading order), else its relative position."""
    seen: dict[str, int] = {}
    out = []
    for gi, g in enumerate(gold):
        phrase = g.get("text") or ""
        k = seen[phrase] = seen.get(phrase, -1) + 1
        spans = _spans_of(text, phrase)
        if spans:
            out.append(spans[min(k, len(spans) - 1)][0])
        else:
            out.append(len(text) * gi // max(len(gold), 1))
    return out


def score_amounts(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Precision/recall on (value within 0.5%, currency), then attribute accuracy on matches.

    Optional gold amounts are matched after the required ones; a prediction matched to one is
    neither a true nor a false positive, and an unmatched optional gold is no miss. Subject and
    payer accuracy count the matched pairs whose gold gives a subject (payer).
    """
    tp = n_pred = n_gold = 0
    qual, purpose, subject, payer = _Counter(), _Counter(), _Counter(), _Counter()
    for rec, doc in docs:
        gold = rec["gold"].get("amounts", [])
        aliases = _gold_aliases(rec["gold"])
        pred = doc.amounts
        where_gold = _gold_offsets(doc.text, gold)
        candidates = []
        for gi, g in enumerate(gold):
            for pi, p in enumerate(pred):
                if p["currency"] == g["currency"] and value_close(p["value"], g["value"]):
                    rel = abs(p["value"] - g["value"]) / abs(g["value"])
                    same_text = normalise_name(p["text"]) == normalise_name(g.get("text"))
                    distance = abs((p.get("start") or 0) - where_gold[gi])
                    candidates.append(((rel, not same_text, distance, gi, pi), gi, pi))
        pairs, absorbed = _match_with_optional(gold, candidates)
        required = [g for g in gold if not g.get("optional")]
        n_gold += len(required)
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
            ok = p["purpose"] in _listify(g.get("purpose"))
            purpose.add(ok)
            if not ok:
                scores.errors.append(f"{where}: purpose {p['purpose']} not in {_listify(g.get('purpose'))}")
            for counter, key in ((subject, "subject"), (payer, "payer")):
                if g.get(key):
                    ok = same_actor(p.get(f"{key}_name"), g[key], aliases)
                    counter.add(ok)
                    if not ok:
                        scores.errors.append(f"{where}: {key} {p.get(f'{key}_name')!r} != {g[key]!r}")
    return [Metric("precision", tp, n_pred), Metric("recall", tp, n_gold), qual.metric("qualifier"),
            purpose.metric("purpose"), subject.metric("subject"), payer.metric("payer")]


def score_entities(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Recall/precision of PERSON/ORG/GPE/LOC entities, alias clustering, name and type.

    A predicted entity matches a gold entity when one of its mentions in the document equals
    one of the gold aliases (names normalised). Recall counts required gold entities some
    prediction matches; precision counts predicted entities of the scored types that match a
    required gold entity, ignoring those matching only optional ones (a second entity for an
    alias of an already found one is no false positive: clustering scores it). Each found gold
    entity is paired one-to-one with the prediction sharing most mentions with it; its
    clustering is right when every predicted mention of its aliases carries that one entity_id
    and no other gold entity's aliases do; name and type are that prediction's.
    """
    n_gold = found = n_pred = tp_pred = 0
    cluster, name, type_ = _Counter(), _Counter(), _Counter()
    for rec, doc in docs:
        gold = rec["gold"].get("entities", [])
        gold_aliases = [{normalise_name(a) for a in g.get("aliases", [])} | {normalise_name(g["name"])}
                        for g in gold]
        preds = doc.entities
        pred_mentions = [[normalise_name(m) for m in p["mentions"]] for p in preds]
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
        pairs = dict(_greedy(((-n, gi, pi), gi, pi) for (gi, pi), n in overlap.items()
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
            ok = normalise_name(p["name"]) == normalise_name(g["name"])
            name.add(ok)
            if not ok:
                scores.errors.append(f"{doc.record_id}: entities: name {p['name']!r} != {g['name']!r}")
            type_.add(p["type"] == g["type"])
            if p["type"] != g["type"]:
                scores.errors.append(f"{doc.record_id}: entities: {g['name']!r} type {p['type']} != {g['type']}")
    return [Metric("precision", tp_pred, n_pred), Metric("recall", found, n_gold),
            cluster.metric("alias_clustering"), name.metric("canonical_name"), type_.metric("type")]


def _spans_of(text: str, phrase: str) -> list[tuple[int, int]]:
    if not phrase:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _words(s: str | None) -> set[str]:
    return set(normalise_name(s).split())


def score_demands(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Recall/precision of demands (actor matches, demanded text overlaps), then category,
    status and addressee accuracy on matched pairs.

    The gold text is verbatim, so its occurrences in the document give its span; a prediction
    overlaps it when their character spans intersect (when the gold text cannot be found,
    sharing a word counts). Optional gold demands are handled as for amounts.
    """
    tp = n_pred = n_gold = 0
    category, status, addressee = _Counter(), _Counter(), _Counter()
    for rec, doc in docs:
        gold = rec["gold"].get("demands", [])
        aliases = _gold_aliases(rec["gold"])
        pred = doc.demands
        candidates = []
        for gi, g in enumerate(gold):
            spans = _spans_of(doc.text, g.get("text", ""))
            for pi, p in enumerate(pred):
                if not same_actor(p.get("actor_name"), g.get("actor"), aliases):
                    continue
                if spans:
                    ov = max(_overlap(s, (p["start"], p["end"])) for s in spans)
                else:
                    ov = len(_words(g.get("text")) & _words(p.get("text")))
                if ov > 0:
                    candidates.append(((-ov, gi, pi), gi, pi))
        pairs, absorbed = _match_with_optional(gold, candidates)
        n_gold += sum(not g.get("optional") for g in gold)
        n_pred += len(pred) - len(absorbed)
        tp += len(pairs)
        matched_g = {gi for gi, _ in pairs}
        for gi, g in enumerate(gold):
            if gi not in matched_g and not g.get("optional"):
                scores.errors.append(f"{doc.record_id}: demands: missed {g.get('text')!r}")
        for gi, pi in pairs:
            g, p = gold[gi], pred[pi]
            category.add(p.get("category") == g.get("category"))
            status.add(p.get("status") == g.get("status"))
            if g.get("addressee"):
                addressee.add(same_actor(p.get("addressee_name"), g["addressee"], aliases))
    return [Metric("precision", tp, n_pred), Metric("recall", tp, n_gold),
            category.metric("category"), status.metric("status"), addressee.metric("addressee")]


def _iso_date(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return str(value)[:10]


def score_events(docs: list[tuple[dict, _Document]], scores: Scores) -> list[Metric]:
    """Recall of salient gold events: same type, source and target match (when the gold gives
    them), and the same date when the gold gives one and the document's publication date is
    known (otherwise relative dates are not scored)."""
    recall = _Counter()
    for rec, doc in docs:
        gold = rec["gold"].get("events", [])
        aliases = _gold_aliases(rec["gold"])
        candidates = []
        for gi, g in enumerate(gold):
            for pi, p in enumerate(doc.events):
                if p.get("event_type") != g.get("type"):
                    continue
                if g.get("source") and not same_actor(p.get("source_name"), g["source"], aliases):
                    continue
                if g.get("target") and not same_actor(p.get("target_name"), g["target"], aliases):
                    continue
                if g.get("date") and doc.published and _iso_date(p.get("event_date")) != g["date"]:
                    continue
                candidates.append(((gi, pi), gi, pi))
        matched = {gi for gi, _ in _greedy(candidates)}
        for gi, g in enumerate(gold):
            if g.get("optional"):
                continue
            recall.add(gi in matched)
            if gi not in matched:
                scores.errors.append(f"{doc.record_id}: events: missed {g.get('type')} "
                                     f"{g.get('source')!r} -> {g.get('target')!r}")
    return [recall.metric("recall")]


def score(records: list[dict], tables: dict[str, list[dict]]) -> Scores:
    """Every section's metrics for gold records against published rows.

    records (list[dict]): gold records (GOLD.md), each with `id` and `gold`.
    tables (dict[str, list[dict]]): published rows of documents (doc_id, external_id, text),
        entities, mentions, amounts, demands and events; a gold record pairs with the document
        whose external_id is its id.
    RETURNS (Scores): metrics per section; a record without a document scores as all missed.
    """
    scores = Scores()
    docs = _documents(records, tables, scores)
    scores.sections["amounts"] = score_amounts(docs, scores)
    scores.sections["entities"] = score_entities(docs, scores)
    scores.sections["demands"] = score_demands(docs, scores)
    scores.sections["events"] = score_events(docs, scores)
    return scores


def format_table(scores: Scores) -> str:
    """The metrics as a plain-text table, one line per metric."""
    lines = [f"{'section':<10} {'metric':<18} {'value':>7}  counts", "-" * 48]
    for section, metrics in scores.sections.items():
        for m in metrics:
            shown = "n/a" if m.value is None else f"{m.value:.3f}"
            lines.append(f"{section:<10} {m.name:<18} {shown:>7}  {m.correct}/{m.total}")
    if scores.missing_documents:
        lines.append(f"gold records without a published document: {', '.join(scores.missing_documents)}")
    return "\n".join(lines)
