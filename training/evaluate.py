"""Evaluate models/newsfacts_en and write metrics JSON (and meta.json 'performance').

* NER on CoNLL-2003 valid (converted 10-sentence docs, raw text -> spaCy tokens, aligned);
* NER out of domain on UNER EWT test: PER/ORG/LOC only (predicted MISC is dropped),
  one sentence at a time from its raw text, aligned to the gold tokens;
* tagger/parser/lemmatizer on UD EWT test three ways:
  - ``gold_tok``: gold tokens and gold sentences (what ``spacy evaluate --gold-preproc`` does);
  - ``raw_sentences``: each test sentence's raw text goes through the whole pipeline
    (spaCy tokenizer), aligned to gold with spacy.training.Example; tokens without
    a one-to-one alignment count as errors in recall;
  - ``raw_docs``: the same on the converted 10-sentence documents (what plain
    ``spacy evaluate`` does), so sentence segmentation errors also count.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, DocBin
from spacy.training import Corpus, Example

UD_KEYS = ["tag_acc", "pos_acc", "lemma_acc", "dep_uas", "dep_las", "sents_p", "sents_r", "sents_f",
           "token_acc", "token_p", "token_r", "token_f"]


def rnd(x):
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: rnd(v) for k, v in x.items()}
    return x


def read_iob2(path: Path):
    """Yield (text, words, tags) per sentence of a UNER .iob2 file."""
    text, words, tags = None, [], []
    for line in path.read_text(encoding="utf8").splitlines() + [""]:
        if line.startswith("# text = "):
            text = line[len("# text = "):]
        elif line.startswith("#"):
            continue
        elif not line.strip():
            if words:
                yield text, words, tags
            text, words, tags = None, [], []
        else:
            parts = line.split("\t")
            words.append(parts[1])
            tags.append(parts[2])


def spaces_from_text(text: str, words: list[str]) -> list[bool] | None:
    spaces, pos = [], 0
    for w in words:
        i = text.find(w, pos)
        if i < 0 or text[pos:i].strip():
            return None
        if spaces:
            spaces[-1] = i > pos
        pos = i + len(w)
        spaces.append(False)
    return spaces


def eval_uner(nlp, path: Path, limit: int = 0) -> dict:
    examples, skipped = [], 0
    for n, (text, words, tags) in enumerate(read_iob2(path)):
        if limit and n >= limit:
            break
        spaces = spaces_from_text(text, words) if text else None
        if spaces is None:
            skipped += 1
            spaces = [True] * len(words)
        gold = Doc(nlp.vocab, words=words, spaces=spaces, ents=tags)
        pred = nlp(gold.text)
        pred.ents = [e for e in pred.ents if e.label_ in {"PER", "ORG", "LOC"}]
        examples.append(Example(pred, gold))
    res = get_ner_prf(examples)
    res["n_sentences"] = len(examples)
    res["sentences_without_text_alignment"] = skipped
    return res


def _tuned_ner_report(out: dict, args, t0: float) -> None:
    """The NER scores of a tuned NER, printed, in metrics.json and (unless --no-meta or
    --limit) in the tuned folder's meta.json as `performance`."""
    out["eval_seconds"] = round(time.time() - t0, 1)
    out = rnd(out)
    (args.output / "metrics.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    if not args.no_meta and not args.limit:
        meta_path = args.tuned_ner / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta["performance"] = {**{k: out["conll_valid"][k] for k in ("ents_p", "ents_r", "ents_f")},
                               "uner_ewt_test_ents_f": out["uner_ewt_test"]["ents_f"]}
        meta_path.write_text(json.dumps(meta, indent=1) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="models/newsfacts_en")
    ap.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    ap.add_argument("--corpus", type=Path, default=Path("training/corpus"))
    ap.add_argument("--output", type=Path, default=Path("training/output/metrics"))
    ap.add_argument("--limit", type=int, default=0, help="debug: only the first N docs/sentences")
    ap.add_argument("--no-meta", action="store_true", help="do not write performance into meta.json")
    ap.add_argument("--tuned-ner", type=Path, default=None,
                    help="a tuned NER folder (models/newsfacts_ner) loaded over the model's NER: "
                         "only the NER is scored, into that folder's meta.json")
    args = ap.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    nlp = spacy.load(args.model)
    if args.tuned_ner:
        from transforms.entities.ner import apply

        apply(nlp, args.tuned_ner)
    out: dict = {"model": args.model, "tuned_ner": str(args.tuned_ner or ""), "pipeline": nlp.pipe_names}
    t0 = time.time()

    # NER, CoNLL-2003 valid
    exs = list(Corpus(args.corpus / "valid.spacy", limit=args.limit)(nlp))
    s = nlp.evaluate(exs)
    out["conll_valid"] = {k: s[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")}

    # NER out of domain, UNER EWT test
    out["uner_ewt_test"] = eval_uner(nlp, args.corpora / "uner_ewt" / "en_ewt-ud-test.iob2", args.limit)
    if args.tuned_ner:
        _tuned_ner_report(out, args, t0)
        return

    # UD EWT test
    ud_test = args.corpus / "en_ewt-ud-test.spacy"
    s = nlp.evaluate(list(Corpus(ud_test, gold_preproc=True, limit=args.limit)(nlp)))
    out["ud_test_gold_tok"] = {k: s.get(k) for k in UD_KEYS}
    s = nlp.evaluate(list(Corpus(ud_test, gold_preproc=False, limit=args.limit)(nlp)))
    out["ud_test_raw_docs"] = {k: s.get(k) for k in UD_KEYS}
    exs = []
    for doc in list(DocBin().from_disk(ud_test).get_docs(nlp.vocab))[: args.limit or None]:
        for sent in doc.sents:
            gold = sent.as_doc()
            exs.append(Example(nlp.make_doc(gold.text), gold))
    s = nlp.evaluate(exs)
    out["ud_test_raw_sentences"] = {k: s.get(k) for k in UD_KEYS}
    out["ud_test_raw_sentences"]["n_sentences"] = len(exs)
    out["eval_seconds"] = round(time.time() - t0, 1)
    out = rnd(out)
    (args.output / "metrics.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))

    if not args.no_meta and not args.limit:
        meta_path = Path(args.model) / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta["performance"] = {
            "ents_p": out["conll_valid"]["ents_p"],
            "ents_r": out["conll_valid"]["ents_r"],
            "ents_f": out["conll_valid"]["ents_f"],
            "ents_per_type": out["conll_valid"]["ents_per_type"],
            "uner_ewt_test_ents_f": out["uner_ewt_test"]["ents_f"],
            **{k: out["ud_test_raw_sentences"][k] for k in ("tag_acc", "pos_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f")},
            "dep_uas_gold_tok": out["ud_test_gold_tok"]["dep_uas"],
            "dep_las_gold_tok": out["ud_test_gold_tok"]["dep_las"],
        }
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")


if __name__ == "__main__":
    main()
