"""`newsfacts eval --folds K --choosers`: the learned choosers refitted per fold on articles parsed
once, scored by the real scorer (invented articles)."""

import json

import pytest

from evaluation.choosers import cross_validate_choosers, fit_fold
from flows.cli import main
from transforms.money.train import parse


def _event(type_, source, target, trigger):
    return {"type": type_, "source": source, "target": target, "trigger": trigger}


ARTICLES = [
    {"id": "dock-1", "published": "2031-05-09",
     "text": "The Dockers' Union asked Marlow Ports to raise wages by 4 pct. Marlow Ports rejected the "
             "request on Friday. The dispute has cost the port $2 million.",
     "gold": {"amounts": [{"text": "$2 million", "value": 2e6, "currency": "USD", "qualifier": "exact",
                           "purpose": "other", "subject": "Marlow Ports"}],
              "demands": [{"actor": "Dockers' Union", "addressee": "Marlow Ports", "text": "raise wages by 4 pct",
                           "category": "payment", "status": "rejected"}],
              "events": [_event("REQUEST", "Dockers' Union", "Marlow Ports", "asked"),
                         _event("REJECT", "Marlow Ports", "Dockers' Union", "rejected")]}},
    {"id": "farm-2", "published": "2031-06-02",
     "text": "Farmers in Tarvo urged the Tarvo government to cut fuel taxes. The government agreed to "
             "pay the farmers $15 million in aid.",
     "gold": {"amounts": [{"text": "$15 million", "value": 1.5e7, "currency": "USD", "qualifier": "exact",
                           "purpose": "aid", "subject": "farmers", "payer": "Tarvo"}],
              "demands": [{"actor": "Farmers in Tarvo", "addressee": "Tarvo", "text": "cut fuel taxes",
                           "category": "policy_change", "status": "pending"}],
              "events": [_event("REQUEST", "Farmers in Tarvo", "Tarvo", "urged"),
                         _event("AID", "Tarvo", "farmers", "pay")]}},
    {"id": "bank-3", "published": None,
     "text": "Pellam Bank demanded that Corvan Ltd repay a loan of $40 million. Corvan Ltd met Pellam "
             "Bank officials in Leeds on Monday.",
     "gold": {"amounts": [{"text": "$40 million", "value": 4e7, "currency": "USD", "qualifier": "exact",
                           "purpose": "loan", "subject": "Corvan Ltd", "payer": "Corvan Ltd"}],
              "demands": [{"actor": "Pellam Bank", "addressee": "Corvan Ltd", "text": "repay a loan of $40 million",
                           "category": "payment", "status": "pending"}],
              "events": [_event("REQUEST", "Pellam Bank", "Corvan Ltd", "demanded"),
                         _event("CONSULT", "Corvan Ltd", "Pellam Bank", "met")]}},
    {"id": "mine-4", "published": "2031-02-14",
     "text": "The Hallam Trust called for an inquiry into the collapse of Brindle Mining. Brindle "
             "Mining posted a loss of £8 million last year.",
     "gold": {"amounts": [{"text": "£8 million", "value": 8e6, "currency": "GBP", "qualifier": "exact",
                           "purpose": "revenue", "subject": "Brindle Mining"}],
              "demands": [{"actor": "Hallam Trust", "text": "an inquiry into the collapse of Brindle Mining",
                           "category": "other", "status": "pending"}],
              "events": [_event("REQUEST", "Hallam Trust", None, "called for")]}},
]
for _a in ARTICLES:
    _a["events_exhaustive"] = True


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
    assert all(e.split(": ")[1] in ("amounts", "demands") for f in cv.folds for e in f.scores.errors)


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
