"""`newsfacts eval` end to end: a tiny gold file through the real flow, then the scores."""

import json

from flows.evaluate import evaluate

ARTICLES = [
    {
        "id": "fine-1", "title": "Regulator fines Acme", "published": "2024-03-01",
        "source": "test", "license": "test", "url_or_path": None,
        "text": "The regulator fined Acme Corp £2.5m on Monday.\n"
                "Acme said annual profits rose to more than $40 million.",
        "gold": {"amounts": [
            {"text": "£2.5m", "value": 2.5e6, "currency": "GBP", "qualifier": "exact",
             "purpose": "fine", "subject": "Acme Corp"},
            {"text": "$40 million", "value": 4e7, "value_min": 4e7, "currency": "USD",
             "qualifier": "over", "purpose": "revenue", "subject": "Acme Corp"},
        ]},
    },
    {
        "id": "ransom-2", "title": "Hostages", "published": None,
        "source": "test", "license": "test", "url_or_path": None,
        "text": "The kidnappers demanded a ransom of 500,000 euros for the two hostages.\n"
                "Separately, the bank agreed a loan of about US$3 billion.",
        "gold": {"amounts": [
            {"text": "500,000 euros", "value": 5e5, "currency": "EUR", "qualifier": "exact",
             "purpose": "ransom"},
            {"text": "about US$3 billion", "value": 3e9, "currency": "USD", "qualifier": "approx",
             "purpose": ["loan", "debt"]},
            {"text": "two", "value": 2, "currency": "USD", "qualifier": "exact", "purpose": "other",
             "optional": True},
        ]},
    },
]


def test_eval_scores_the_published_tables(prefect_harness, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(a) for a in ARTICLES), encoding="utf-8")
    out = tmp_path / "out"

    assert evaluate(gold=gold, out=out, spacy_model=None, as_json=True) == 0

    printed = capsys.readouterr().out
    report = json.loads(printed[printed.index("{"):])
    amounts = report["sections"]["amounts"]
    assert {k: (m["correct"], m["total"]) for k, m in amounts.items()
            if k in ("precision", "recall", "qualifier", "purpose")} == {
        "precision": (4, 4), "recall": (4, 4), "qualifier": (4, 4), "purpose": (4, 4)}
    assert report["missing_documents"] == []
    # The run's tables stay where --out asked.
    assert (out / "newsfacts.duckdb").exists()
