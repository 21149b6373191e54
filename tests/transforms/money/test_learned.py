"""The learned purpose, subject and payer: candidates and features on hand-parsed and
model-parsed invented sentences, the chooser, the trainer, and the seed article."""

import json

import pytest

from evaluation.scoring import GoldEntities
from transforms.money.component import amount_views
from transforms.money.features import context_features, parties, purpose_features, verb_kind, whole_phrase
from transforms.money.learned import SHIPPED, AmountModel
from transforms.parse import dependency_path
from transforms.parties import Party, choose, choose_two
from transforms.money.train import align, entity_actors, role_choices, train_amounts
from transforms.ranker import Ranker, label_candidates
from transforms.schemas import PURPOSES

from tests.transforms.money.helpers import facts_of, parsed, ud

ROOT = SHIPPED.parents[1]

FINED = ud("""
Regulators 2 nsubj NOUN regulator
have 2 aux AUX
fined 8 ccomp VERB fine
Dornfeld 2 obj PROPN
$ 2 obl SYM
3 4 nummod NUM
million 4 nummod NUM
, 8 punct PUNCT
officials 9 nsubj NOUN official
said 9 ROOT VERB say
. 9 punct PUNCT
""")


def _fined():
    return parsed(*FINED, ents=[(3, 4, "ORG")])


def test_candidates_are_nobody_then_the_words_around_the_amount():
    [(_, view, restates)] = amount_views(_fined())
    found = parties(view)
    assert not restates and found[0].token is None and "nobody" in found[0].features
    words = {p.token.text for p in found[1:]}
    assert {"Regulators", "Dornfeld", "officials"} <= words
    assert not words & {"$", "3", "million"}  # the amount is never its own party
    dornfeld = next(p for p in found if p.token is not None and p.token.text == "Dornfeld")
    assert dornfeld.entity_id and dornfeld.text is None
    assert "verb_rel=obj" in dornfeld.features and "kind=entity:ORG|name" in dornfeld.features


def test_a_candidates_kind_is_its_entitys_type_not_the_words_own_label():
    from spacy.tokens import Span

    doc = _fined()
    # the recogniser's slip on this one word: the linker's entity stays an ORG
    [ent] = doc.ents
    doc.set_ents([Span(doc, ent.start, ent.end, label="PERSON", kb_id=ent.kb_id_)])
    [(_, view, _)] = amount_views(doc)
    dornfeld = next(p for p in parties(view) if p.token is not None and p.token.text == "Dornfeld")
    assert "kind=entity:ORG|name" in dornfeld.features


def test_words_read_once_per_document_give_every_amount_the_same_candidates(nlp):
    from transforms.coref import Resolver, using
    from transforms.parse import cached, forget

    text = ("The Kestrel board approved a $40 million contract for the Ostrel shipyard, "
            "and its owners took a $12 million loan from Varden Bank.")

    def candidates(doc, k):
        return [(p.token.i if p.token is not None else None, p.entity_id, p.text,
                 [f if isinstance(f, str) else (f[0], f[1].tolist()) for f in p.features])
                for p in parties(amount_views(doc)[k][1])]

    doc = nlp(text)
    forget(doc)
    warm = [candidates(doc, 0), candidates(doc, 1)]  # the second amount reads what the first kept
    forget(doc)
    assert candidates(doc, 1) == warm[1] and len(warm[1]) > 5
    forget(doc)
    assert candidates(doc, 0) == warm[0]
    # what a word stands for is kept per anaphora resolver: another one asks again
    other = Resolver(Ranker({}, {}))
    with using(other):
        candidates(doc, 0)
    memos = cached(doc, "money_role_values", lambda d: [])
    assert [r for r, _ in memos] == [None, other]


def test_verbs_are_classed_by_what_they_say_about_paying(nlp):
    doc = _fined()
    assert (verb_kind(doc[2]), verb_kind(doc[9])) == ("impose", "speech")
    doc = nlp("Kestrel paid $2 million, received $1 million from Arbogast and its sales rose.")
    kinds = {t.text: verb_kind(t) for t in doc if t.text in ("paid", "received", "rose")}
    assert kinds == {"paid": "pay", "received": "receive", "rose": "other"}


def test_nobody_knows_which_kinds_of_verb_the_amount_hangs_on():
    [(_, view, _)] = amount_views(_fined())
    nobody = parties(view)[0].features
    assert {"nobody|verbs=impose", "nobody|verbs=speech", f"nobody|verbs=impose|purpose={view.read_as}"} <= set(nobody)
    assert not any(f.startswith("nobody|verbs=pay") for f in nobody)


def test_the_dependency_path_goes_up_to_where_the_words_meet_then_down():
    doc = _fined()
    ups, meet, downs = dependency_path(doc[4], doc[0])
    assert (ups, meet.text, downs) == (["obl"], "fined", ["nsubj"])
    assert dependency_path(doc[4], doc[4])[1].text == "$"


def test_a_phrase_keeps_its_modifiers_and_conjuncts_but_not_its_clause():
    doc = parsed(*ud("""
Grants 6 nsubj NOUN grant
for 3 case ADP
farm 3 compound NOUN
towns 0 nmod NOUN town
that 5 nsubj PRON
flooded 3 acl:relcl VERB flood
rose 6 ROOT VERB rise
. 6 punct PUNCT
"""), ents=[])
    assert whole_phrase(doc[0], range(0)) == "Grants for farm towns"
    assert whole_phrase(doc[3], range(0)) == "farm towns"


def test_purpose_candidates_cross_every_context_feature_with_each_label():
    [(_, view, _)] = amount_views(_fined())
    candidates = label_candidates(purpose_features(view), PURPOSES)
    assert len(candidates) == len(PURPOSES)
    fine = candidates[PURPOSES.index("fine")]
    assert fine[0] == "fine" and "fine|rule=fine" in fine and "fine|up=fine" in fine


def test_purpose_reads_the_whole_sentence_apart_from_the_words_near_the_amount(nlp):
    doc = nlp("Shareholders of the small brewery, which was founded in a quiet village near the coast, "
              "approved a dividend of $2 million.")
    [(_, view, _)] = amount_views(doc)
    feats = context_features(view)
    assert "w=dividend" in feats and "s=brewery" in feats and "w=brewery" not in feats


def test_choose_adds_up_the_mentions_of_one_party():
    model = Ranker({"a": 1.0, "b": 1.4, "nobody": 0.0})
    one = Party(object(), "ent_1", None, ["a"])
    found = [Party(None, None, None, ["nobody"]), one, Party(object(), "ent_1", None, ["a"]),
             Party(object(), "ent_2", None, ["b"])]
    assert choose(model, found) is one  # e + e beats e^1.4
    assert choose(Ranker({"nobody": 5.0}), found) is None


def test_subject_and_payer_are_chosen_together_one_party_weighed_by_the_purpose():
    buyer, bought = Party(object(), "ent_buyer", None, ["buyer"]), Party(object(), "ent_bought", None, ["bought"])
    found = [Party(None, None, None, ["nobody"]), buyer, bought]
    subject = Ranker({"bought": 3.0})
    payer = Ranker({"bought": 1.1, "buyer": 1.0})  # alone, the payer chooser would take the thing bought
    assert choose_two(subject, payer, found) == (bought, bought)
    assert choose_two(subject, payer, found, same=0.5) == (bought, buyer)
    # the odds come from the training gold: one party for fines, seldom for purchases
    model = AmountModel(Ranker(), subject, Ranker(payer.weights, {"same_party": {"deal": [2, 77], "fine": [21, 21]}}),
                        "test")
    assert model.same_party("deal") < 0.3 and model.same_party("fine") > 3
    assert model.same_party("bail") == 1.0  # (never seen: even odds)
    assert AmountModel(Ranker(), subject, payer, "old").same_party("deal") == 1.0


def test_the_buyer_pays_for_the_company_bought(nlp):
    assert facts_of(nlp, "Orvel Corp agreed to buy Tamsin Ltd for 300 million dlrs, the companies said on "
                         "Monday.") == [("300 million dlrs", "deal", "Tamsin Ltd", "Orvel Corp")]


def test_align_pairs_by_currency_value_and_placed_text():
    text = "It paid $5m, then $5m again."
    gold = [{"text": "$5m", "value": 5e6, "currency": "USD", "context": "then $5m again"},
            {"text": "$5m", "value": 5e6, "currency": "EUR"}]
    found = [(8, 11, 5e6, "USD", "$5m"), (18, 21, 5e6, "USD", "$5m")]
    assert align(found, gold, text) == [(1, 0)]


def test_a_gold_phrase_is_learned_from_the_candidates_it_heads(nlp):
    doc = nlp("Sheriff Dana Olsen offered a $5,000 reward for the capture of the two escaped inmates.")
    [(_, view, _)] = amount_views(doc)
    found = parties(view)
    gold = {"purpose": "reward", "subject": "the two escaped inmates", "payer": None}
    subject, payer = role_choices(found, gold, GoldEntities([]), entity_actors(doc))
    assert [found[k].text for k in subject.right] == ["the two escaped inmates"] and payer.right == {0}
    # without it, the phrases the scorer accepts as holding it are right
    without = [p for p in found if p.text != "the two escaped inmates"]
    subject, _ = role_choices(without, gold, GoldEntities([]), entity_actors(doc))
    assert [without[k].text for k in sorted(subject.right)] == [
        "reward for the capture of the two escaped inmates", "the capture of the two escaped inmates"]


def test_a_determiner_heading_a_phrase_is_a_candidate(nlp):
    doc = nlp("The county offered $20,000 for information about those responsible for the blaze.")
    [(_, view, _)] = amount_views(doc)
    assert "those responsible for the blaze" in {p.text for p in parties(view)}


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no trained amounts model"):
        AmountModel.load(tmp_path)


def test_the_trainer_writes_a_model_the_component_loads(nlp, tmp_path):
    record = {"id": "inv-1", "text": "Regulators fined Dornfeld Ltd $3 million on Monday.",
              "gold": {"entities": [{"name": "Dornfeld Ltd", "type": "ORG", "aliases": []}],
                       "amounts": [{"text": "$3 million", "value": 3e6, "currency": "USD",
                                    "purpose": "fine", "subject": "Dornfeld Ltd", "payer": "Dornfeld Ltd"}]}}
    folder = train_amounts([record], tmp_path, seed=7)
    model = AmountModel.load(folder)
    assert json.loads((folder / "meta.json").read_text())["amounts"] == 1
    assert model.subject.meta["seed"] == 7 and model.digest != AmountModel.load(None).digest
    assert model.payer.meta["same_party"] == {"fine": [1, 1]}  # (the fined party pays)


def test_the_shipped_model_is_small_and_loads():
    size = sum(f.stat().st_size for f in (ROOT / "models" / "newsfacts_amounts").iterdir())
    assert size < 8_000_000
    assert AmountModel.load().purpose.meta["choices"] > 1000


def test_the_seed_rewards(nlp):
    text = (ROOT / "seeds" / "000_94c59d239a6fac52.txt").read_text(encoding="utf-8")
    rows = {r[0]: r for r in facts_of(nlp, text)}
    assert rows["US$50 million"] == ("US$50 million", "reward", "Nicolás Maduro", "United States")
    assert rows["US$25 million"] == ("US$25 million", "reward", "several top Venezuelan officials", "United States")


def test_the_weights_are_part_of_the_extractor_version(nlp, tmp_path, monkeypatch):
    from transforms.nlp import ENV_COMPONENT_MODELS, load_pipeline, model_version

    shipped = model_version(nlp)
    assert f"+amounts:{AmountModel.load().digest}" in shipped
    other = tmp_path / "newsfacts_amounts"
    other.mkdir()
    for name in ("purpose", "subject", "payer"):
        Ranker({"nobody": 1.0, name: 0.5}).save(other / f"{name}.json")
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"newsfacts_amounts": str(other)}))
    assert model_version(load_pipeline()) != shipped


def test_training_on_gold_without_amounts_is_a_clear_error(tmp_path, capsys):
    from flows.cli import main

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "text": "Nothing was paid.", "gold": {"amounts": []}}) + "\n")
    assert main(["train", "--gold", str(gold), "--component", "newsfacts_amounts", "--out", str(tmp_path)]) == 2
    assert "cannot train newsfacts_amounts: no gold amount" in capsys.readouterr().err
    gold.write_text("{not json\n")
    assert main(["train", "--gold", str(gold), "--out", str(tmp_path)]) == 2
    assert "not JSON" in capsys.readouterr().err
