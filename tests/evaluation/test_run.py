"""`newsfacts eval --folds 2` end to end: a tiny invented gold file through the real flow, per fold."""

import json

from flows.cli import main

ARTICLES = [
    {"id": "fine-1", "title": "Regulator fines Halvorsen", "published": "2031-03-04",
     "text": "The regulator fined Halvorsen Industries £2.5m on Monday.",
     "gold": {"amounts": [{"text": "£2.5m", "value": 2.5e6, "currency": "GBP", "qualifier": "exact",
                           "purpose": "fine", "subject": "Halvorsen Industries",
                           "payer": "Halvorsen Industries"}]}},
    {"id": "profit-2", "title": "Ostmark profits", "published": None,
     "text": "Ostmark Shipping said annual profits rose to more than $40 million.",
     "gold": {"amounts": [{"text": "more than $40 million", "value": 4e7, "value_min": 4e7,
                           "currency": "USD", "qualifier": "over", "purpose": "revenue",
                           "subject": "Ostmark Shipping"}]}},
    {"id": "loan-3", "title": "Brindle loan", "published": "2031-02-10",
     "text": "Brindle County agreed a loan of about US$3 billion from its lenders.",
     "gold": {"amounts": [{"text": "about US$3 billion", "value": 3e9, "currency": "USD",
                           "qualifier": "approx", "purpose": ["loan", "debt"],
                           "subject": "Brindle County"}]}},
    {"id": "ransom-4", "title": "Ransom", "published": None,
     "text": "The kidnappers demanded a ransom of 500,000 euros for the two hostages.",
     "gold": {"amounts": [{"text": "500,000 euros", "value": 5e5, "currency": "EUR",
                           "qualifier": "exact", "purpose": "ransom"}]}},
]


def test_eval_folds_runs_the_flow_per_fold_and_scores_published_output(prefect_harness, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(a) for a in ARTICLES), encoding="utf-8")
    out, report_file = tmp_path / "out", tmp_path / "cv.json"

    assert main(["eval", "--gold", str(gold), "--folds", "2", "--seed", "3", "--out", str(out),
                 "--json", str(report_file)]) == 0

    printed = capsys.readouterr().out
    assert "2-fold cross-validation (seed 3)" in printed and "fold 1 (2 articles)" in printed
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["k"] == 2 and report["seed"] == 3
    assert sorted(i for f in report["folds"] for i in f["records"]) == sorted(a["id"] for a in ARTICLES)
    # each fold's trainable extractors were trained on the other fold
    trained = {"newsfacts_entity_types", "newsfacts_amounts", "newsfacts_demands", "newsfacts_events", "ner"}
    assert all(f["missing_documents"] == [] and set(f["models"]) == trained for f in report["folds"])
    recall = report["summary"]["amounts"]["recall"]
    assert (recall["total"], recall["n"]) == (4, 2)
    assert set(report["summary"]["amounts"]) >= {"subject", "subject_precision", "payer_precision"}
    # Each fold published into its own fresh folder.
    for f in report["folds"]:
        assert (out / f"fold-{f['fold']}" / "newsfacts.duckdb").exists()

    # The same fold's published output scores the same without running the flow again.
    held = report["folds"][0]
    held_gold = tmp_path / "held.jsonl"
    held_gold.write_text("\n".join(json.dumps(a) for a in ARTICLES if a["id"] in held["records"]),
                         encoding="utf-8")
    assert main(["eval", "--gold", str(held_gold), "--scored-out", str(out / "fold-0"),
                 "--format", "json"]) == 0
    printed = capsys.readouterr().out
    rescored = json.loads(printed[printed.index("{"):])
    assert rescored["sections"] == held["sections"]
    # A used fold folder is refused: each fold needs a fresh one.
    assert main(["eval", "--gold", str(gold), "--folds", "2", "--out", str(out)]) == 2
