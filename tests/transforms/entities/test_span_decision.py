"""The learned span decision of `newsfacts_entity_types`: features, training, loading, fallback."""

import json

import pytest
import spacy

from transforms.entities import decide
from transforms.entities.decide import LABELS, SpanModel, candidates
from transforms.entities.train import _gold_key, examples, main, raw_docs, train_entities
from transforms.entities.types import EntityTypes, _rules, make_entity_types
from transforms.ranker import Ranker

# Invented articles; the gold calls every person, place and company an organisation.
ARTICLES = [
    "Mr Dorrin Vaskel said on Monday that Pellham Freight Ltd would close its depot in Ostrava.",
    "Ms Alira Mennet, who runs Kestrel Holdings Corp, flew to Lisbon to meet Tomas Berrow.",
    "Quill Aviation Inc hired Walter Brisco after Harlow Engines Co cut 300 jobs in Leeds.",
]


def _gold_all_org(nlp_raw_docs):
    records = []
    for text, doc in zip(ARTICLES, nlp_raw_docs):
        names = [e.text for e, _ in EntityTypes(_rules()["label_map"]).spans(doc)[1]
                 if e.label_ in ("PER", "ORG", "LOC", "MISC")]
        records.append({"id": f"a{len(records)}", "text": text, "gold": {
            "entities": [{"name": n, "type": "ORG", "aliases": [n]} for n in names]}})
    return records


@pytest.fixture(scope="module")
def records():
    docs = list(raw_docs([{"text": t} for t in ARTICLES]))
    out = _gold_all_org(docs)
    assert sum(len(r["gold"]["entities"]) for r in out) >= 6  # the NER found the invented names
    return out


def test_features_read_shape_cues_and_context():
    doc = raw_docs([{"text": 'Shares of "Brantley Mortgage Co" rose after Mr Orrin Tate spoke.'}])[0]
    types = EntityTypes(_rules()["label_map"])
    spans = types.spans(doc)[1]
    feats = {ent.text: f for (ent, _), f in zip(spans, types.features(spans))}
    company = {f for f in feats["Brantley Mortgage Co"] if isinstance(f, str)}  # (and a word vector)
    assert {"corporate_suffix", "quoted", "first=brantley", "last=co", "prev=\"", "rule=ORG"} <= set(company)
    person = next(f for text, f in feats.items() if "Tate" in text)
    assert "after_honorific" in person or "first=mr" in person


def test_a_capitalised_function_word_inside_a_span_is_a_feature():
    doc = raw_docs([{"text": "Critics liked Wait For The Tide, and Bank of Leith paid for it."}])[0]
    types = EntityTypes(_rules()["label_map"])
    spans = types.spans(doc)[1]
    feats = {ent.text: set(f for f in fs if isinstance(f, str)) for (ent, _), fs in zip(spans, types.features(spans))}
    assert "capital_function_word" in feats["Wait For The Tide"]
    assert "capital_function_word" not in feats["Bank of Leith"]


def test_a_currency_named_as_a_word_or_a_code_is_a_feature():
    doc = raw_docs([{"text": "Tolls on the Varnel bridge are set in Ecus, and Brisco Ferries charges 40 (USD)."}])[0]
    types = EntityTypes(_rules()["label_map"])
    spans = types.spans(doc)[1]
    feats = {ent.text: set(f for f in fs if isinstance(f, str)) for (ent, _), fs in zip(spans, types.features(spans))}
    assert "currency" in feats["Ecus"] and "currency" in feats["USD"]
    assert not any("currency" in f for text, f in feats.items() if text not in ("Ecus", "USD"))


def test_an_ordinary_word_opening_a_sentence_is_a_feature():
    from spacy.tokens import Span

    doc = raw_docs([{"text": "Bankers said rates would fall. The union wrote to Bankers about it."}])[0]
    types = EntityTypes(_rules()["label_map"])
    opener, inside = Span(doc, 0, 1, label="PER"), Span(doc, 10, 11, label="PER")
    assert opener.text == inside.text == "Bankers"
    feats = [set(f for f in decide.span_features(s, "PERSON", ["PER"], types.cues) if isinstance(f, str))
             for s in (opener, inside)]
    assert {"common_word", "opener_common_word"} <= feats[0]
    assert "common_word" in feats[1] and "opener_common_word" not in feats[1]


def test_a_sentence_opener_the_tagger_reads_as_no_proper_noun_is_a_feature():
    from spacy.tokens import Span

    doc = raw_docs([{"text": "Stranded on a reef, the crew waited. Orvella Shipping said the crew was safe."}])[0]
    types = EntityTypes(_rules()["label_map"])
    opener, company = Span(doc, 0, 1, label="PER"), Span(doc, 9, 11, label="ORG")
    assert (opener.text, company.text) == ("Stranded", "Orvella Shipping")
    assert doc[0].tag_ not in ("NNP", "NNPS") and doc[9].tag_ == "NNP"
    feats = [set(f for f in decide.span_features(s, r, [], types.cues) if isinstance(f, str))
             for s, r in ((opener, "PERSON"), (company, "ORG"))]
    assert "opener_not_proper" in feats[0]
    assert "opens_sentence" in feats[1] and "opener_not_proper" not in feats[1]


def test_choices_put_drop_first_with_no_features():
    cands = candidates(["ner=PER", "caps"])
    assert cands[0] == [] and len(cands) == len(LABELS) == 5
    assert cands[2] == ["ORG", "ORG|ner=PER", "ORG|caps"]


def test_examples_label_spans_with_the_gold_type(records):
    doc = raw_docs(records[:1])[0]
    choices = examples(EntityTypes(_rules()["label_map"]), doc, records[0])
    # the names the gold lists are organisations; other capitalised words ("Monday") are dropped
    rights = [c.right for c in choices]
    assert rights.count(frozenset({LABELS.index("ORG")})) == len(records[0]["gold"]["entities"])
    assert set(rights) <= {frozenset({LABELS.index("ORG")}), frozenset({0})}
    no_gold = {**records[0], "gold": {"entities": []}}
    doc = raw_docs(records[:1])[0]
    assert all(c.right == frozenset({0}) for c in examples(EntityTypes(_rules()["label_map"]), doc, no_gold))


def test_training_is_deterministic_and_the_model_learns_the_gold(records, tmp_path):
    first = train_entities(records, tmp_path / "one", seed=3)
    second = train_entities(records, tmp_path / "two", seed=3)
    assert first.name == "newsfacts_entities"
    assert (first / "span.json").read_text() == (second / "span.json").read_text()
    meta = json.loads((first / "meta.json").read_text())
    assert meta["seed"] == 3 and meta["articles"] == 3 and meta["spans"] >= 6
    # a new text: the gold said every name is an organisation, so the people are too
    types = make_entity_types(None, "newsfacts_entity_types", None, str(first))
    assert types.version.startswith("entities:")
    doc = types(raw_docs([{"text": "Mr Gerrit Hollow met Ms Anya Pell in Ostrava on Friday."}])[0])
    assert [e.label_ for e in doc.ents] and {e.label_ for e in doc.ents} == {"ORG"}


def test_a_model_trained_on_articles_without_names_drops_spans(records, tmp_path):
    empty = [{**r, "gold": {"entities": []}} for r in records]
    folder = train_entities(empty, tmp_path, seed=0)
    types = EntityTypes(_rules()["label_map"], SpanModel.load(folder))
    doc = types(raw_docs([{"text": "Mr Gerrit Hollow of Pellham Freight Ltd met Ms Anya Pell."}])[0])
    assert list(doc.ents) == []


def test_without_a_model_folder_the_rules_decide(monkeypatch, tmp_path):
    monkeypatch.setattr(decide, "SHIPPED", tmp_path / "absent")
    assert SpanModel.load() is None
    types = make_entity_types(None, "newsfacts_entity_types", None, None)
    assert types.model is None and not hasattr(types, "version")
    doc = types(raw_docs([{"text": "Mr Gerrit Hollow of Pellham Freight Ltd spoke."}])[0])
    assert ("Pellham Freight Ltd", "ORG") in [(e.text, e.label_) for e in doc.ents]


def test_a_folder_without_the_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="newsfacts train"):
        SpanModel.load(tmp_path)


def test_the_command_writes_the_folder(records, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    main(["--gold", str(gold), "--out", str(tmp_path / "models")])
    assert (tmp_path / "models" / "newsfacts_entities" / "span.json").is_file()
    assert capsys.readouterr().out.strip().endswith("newsfacts_entities")


def test_the_decision_is_the_best_of_the_five_choices():
    # `decide` scores the types in one pass; it must pick what the choices' scores pick,
    # dropping the span when no type scores above nothing (a tie keeps "drop", the first).
    import random

    rng = random.Random(5)
    for _ in range(200):
        weights = {f"{label}|f{i}": rng.choice([0.0, rng.uniform(-2, 2)])
                   for label in LABELS[1:] for i in range(6) if rng.random() < 0.5}
        model = SpanModel(Ranker(weights), "test")
        feats = [f"f{rng.randrange(8)}" for _ in range(rng.randrange(0, 5))]
        assert model.decide(feats) == LABELS[model.span.best(candidates(feats))]


def test_a_span_is_looked_up_in_the_gold_by_the_name_the_linker_publishes():
    doc = spacy.blank("en")("Mr. Orvell joined Velder Co.\n\nOrvell's plan for Velder Co. won.")
    mr_orvell, velder_end, orvells, velder_mid = doc[0:2], doc[3:5], doc[6:8], doc[10:12]
    assert (mr_orvell.text, velder_end.text, orvells.text, velder_mid.text) == \
        ("Mr. Orvell", "Velder Co.", "Orvell's", "Velder Co.")
    known, honorifics = {"orvell", "velder co"}, EntityTypes(_rules()["label_map"]).honorifics
    assert [_gold_key(s, known, honorifics) for s in (mr_orvell, velder_end, orvells)] == ["orvell", "velder co", "orvell"]
    # mid-paragraph the period may be the name's own: the span's text is kept, as the linker keeps it
    assert _gold_key(velder_mid, known, honorifics) == "velder co."
    # a span whose own text the gold lists is looked up by it
    assert _gold_key(mr_orvell, known | {"mr. orvell"}, honorifics) == "mr. orvell"
