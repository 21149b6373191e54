"""`newsfacts eval --folds K --choosers`: the learned choosers refitted per fold on articles parsed
once, scored by the real scorer (invented articles)."""

import json

import pytest

from evaluation.choosers import _only, _section_of, cross_validate_choosers, fit_fold
from evaluation.scoring import Scores
from flows.cli import main
from transforms.money.train import parse


def _article(id_, published, text, amount, demand, events):
    """A gold record (GOLD.md) with one exact amount, one demand and exhaustive events.
    amount: (text, value, currency, purpose, subject, payer); demand: (actor, addressee, text,
    category, status); events: (type, source, target, trigger) each."""
    a_text, value, currency, purpose, subject, payer = amount
    actor, addressee, d_text, category, status = demand
    return {"id": id_, "published": published, "text": text, "events_exhaustive": True,
            "gold": {"amounts": [{"text": a_text, "value": value, "currency": currency, "qualifier": "exact",
                                  "purpose": purpose, "subject": subject, "payer": payer}],
                     "demands": [{"actor": actor, "addressee": addressee, "text": d_text,
                                  "category": category, "status": status}],
                     "events": [dict(zip(("type", "source", "target", "trigger"), e)) for e in events]}}


ARTICLES = [
    _article("dock-1", "2031-05-09",
             "The Dockers' Union asked Marlow Ports to raise wages by 4 pct. Marlow Ports rejected the "
             "request on Friday. The dispute has cost the port $2 million.",
             ("$2 million", 2e6, "USD", "other", "Marlow Ports", None),
             ("Dockers' Union", "Marlow Ports", "raise wages by 4 pct", "payment", "rejected"),
             [("REQUEST", "Dockers' Union", "Marlow Ports", "asked"),
              ("REJECT", "Marlow Ports", "Dockers' Union", "rejected")]),
    _article("farm-2", "2031-06-02",
             "Farmers in Tarvo urged the Tarvo government to cut fuel taxes. The government agreed to "
             "pay the farmers $15 million in aid.",
             ("$15 million", 1.5e7, "USD", "aid", "farmers", "Tarvo"),
             ("Farmers in Tarvo", "Tarvo", "cut fuel taxes", "policy_change", "pending"),
             [("REQUEST", "Farmers in Tarvo", "Tarvo", "urged"), ("AID", "Tarvo", "farmers", "pay")]),
    _article("bank-3", None,
             "Pellam Bank demanded that Corvan Ltd repay a loan of $40 million. Corvan Ltd met Pellam "
             "Bank officials in Leeds on Monday.",
             ("$40 million", 4e7, "USD", "loan", "Corvan Ltd", "Corvan Ltd"),
             ("Pellam Bank", "Corvan Ltd", "repay a loan of $40 million", "payment", "pending"),
             [("REQUEST", "Pellam Bank", "Corvan Ltd", "demanded"), ("CONSULT", "Corvan Ltd", "Pellam Bank", "met")]),
    _article("mine-4", "2031-02-14",
             "The Hallam Trust called for an inquiry into the collapse of Brindle Mining. Brindle "
             "Mining posted a loss of £8 million last year.",
             ("£8 million", 8e6, "GBP", "revenue", "Brindle Mining", None),
             ("Hallam Trust", None, "an inquiry into the collapse of Brindle Mining", "other", "pending"),
             [("REQUEST", "Hallam Trust", None, "called for")]),
]


def test_a_fold_fits_what_its_sections_need_on_the_articles_given():
    docs = list(parse(ARTICLES[:3]))
    models = fit_fold(docs, ARTICLES[:3], ("amounts",))
    # one choice per gold amount the finder matched, in the three training articles only
    assert models.amounts.purpose.meta["choices"] == 3
    assert models.demands is None and models.events is None
    models = fit_fold(docs, ARTICLES[:3], ("events",))  # the events read the demands: both fitted
    assert models.amounts is None and models.demands is not None
    assert models.events.type.meta["choices"] > 0 and not models.events.type.meta.get("shipped")


def test_choosers_cross_validation_scores_only_the_refitted_sections():
    cv = cross_validate_choosers(ARTICLES, 2, seed=1, sections=("amounts", "demands"))
    assert sorted(i for f in cv.folds for i in f.record_ids) == sorted(a["id"] for a in ARTICLES)
    summary = cv.summary()
    assert set(summary) == {"amounts", "demands"}
    # the finders are rules: every invented amount is found whatever the fold learned
    assert (summary["amounts"]["recall"]["correct"], summary["amounts"]["recall"]["total"]) == (4, 4)
    assert summary["demands"]["recall"]["total"] == 4
    assert all(e.split(": ")[1].split(" ")[0] in ("amounts", "demands") for f in cv.folds for e in f.scores.errors)


def test_an_attribute_error_of_a_matched_fact_keeps_its_section():
    # (the scorer writes "id: section 'text': attribute ..." for a matched fact's attribute)
    assert _section_of("a1: amounts '40 pesos': subject 'the mill' != 'Oruna Mills'") == "amounts"
    assert _section_of("a1: demands: missed 'a pay rise'") == "demands"
    kept = _only(Scores(sections={}, errors=["a1: amounts '9 euros': payer None != 'Velder'",
                                             "a1: entities: missed 'Velder'"]), ("amounts",))
    assert kept.errors == ["a1: amounts '9 euros': payer None != 'Velder'"]


def test_eval_choosers_through_the_cli(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(a) for a in ARTICLES), encoding="utf-8")
    report_file = tmp_path / "cv.json"
    assert main(["eval", "--gold", str(gold), "--folds", "2", "--choosers", "--json", str(report_file)]) == 0
    assert "2-fold cross-validation (seed 0)" in capsys.readouterr().out
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert set(report["summary"]) == {"amounts", "demands", "events"}
    assert report["summary"]["events"]["recall"]["total"] == 7
    # without folds there is nothing to cross-validate
    assert main(["eval", "--gold", str(gold), "--choosers", "events"]) == 2
    assert "--choosers cross-validates" in capsys.readouterr().err


def test_unknown_sections_are_refused():
    with pytest.raises(ValueError, match="no learned choosers for entities"):
        cross_validate_choosers(ARTICLES, 2, sections=("entities",))
