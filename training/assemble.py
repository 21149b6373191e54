"""Assemble models/newsfacts_en from the two independently trained pipelines.

* tok2vec, tagger, parser, trainable_lemmatizer come from the UD-EWT pipeline;
* ner (with its own copy of the NER tok2vec, via replace_listeners) comes from
  the CoNLL-2003 + WikiNEuRal pipeline and runs first, before the parser sets sentence boundaries;
* an attribute_ruler maps the predicted PTB tag (token.tag_) to the UPOS tag
  (token.pos_), using the most frequent UPOS per PTB tag in UD-EWT train;
* `lemma_rules`, spaCy's rule lemmatizer with the English tables of spacy-lookups-data (WordNet
  3.0's word index, exceptions and suffix rules, saved inside the pipeline: nothing is looked up
  at run time), which `transforms.nlp.LemmaRepair` asks only where the edit-tree lemmatizer's
  lemma is no English word ("blamed" -> "blam"). `--lemma-rules MODEL` adds it to an assembled
  pipeline.

Sentence boundaries come from the parser. The tokenizer gets news rules (`news_tokenizer`);
both encoders read the static vectors saved with the UD pipeline (the same vectors table).
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import spacy
from spacy.attrs import NORM, ORTH
from spacy.tokens import DocBin
from spacy.util import compile_prefix_regex, compile_suffix_regex

NAME = "newsfacts_en"
VERSION = "1.2.0"


def tag_to_pos(ud_train: Path, vocab) -> dict[str, str]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc in DocBin().from_disk(ud_train).get_docs(vocab):
        for tok in doc:
            if tok.tag_ and tok.pos_:
                counts[tok.tag_][tok.pos_] += 1
    return {tag: c.most_common(1)[0][0] for tag, c in sorted(counts.items())}


# A run of punctuation is one token in UD-EWT and in what writers mean ("!!!", "??", "....",
# "<<", "=====" under a heading); spaCy's defaults split it into single characters, each a
# token the parser then has to attach. The backreference is group 1: the pattern goes first.
PUNCT_RUN = r"(?:([!?*=_~<>#$.-])\1+|[!?][!?.]+|\.[!?]+)"
# One word written with a hyphen after a single letter.
HYPHEN_WORDS = ["e-mail", "e-mails", "e-mailed", "e-mailing"]
PHONE = r"^\(?\d{3}\)?[-.]\d{3}[-.]\d{4}$"


def news_tokenizer(nlp) -> None:
    """Tokenizer rules on top of spaCy's English defaults, saved with the pipeline (token F on
    EWT test 0.975 -> 0.985)."""
    tok = nlp.tokenizer
    tok.suffix_search = compile_suffix_regex([PUNCT_RUN, *nlp.Defaults.suffixes]).search
    tok.prefix_search = compile_prefix_regex([PUNCT_RUN, *nlp.Defaults.prefixes]).search
    tok.token_match = re.compile(PHONE).match
    for word in HYPHEN_WORDS:
        for form in (word, word.capitalize()):
            tok.add_special_case(form, [{ORTH: form, NORM: word}])


LEMMA_RULES = "lemma_rules"
META = dict(
    name=NAME,
    version=VERSION,
    description=(
        "newsfacts English pipeline: tagger (PTB tags), attribute_ruler (UPOS), "
        "dependency parser (also sentence boundaries), edit-tree lemmatizer trained on "
        "UD English-EWT (WordNet's rule tables where its lemma is no word); NER (PER/ORG/LOC/MISC) "
        "trained on CoNLL-2003 and WikiNEuRal. "
        "CPU; static word vectors and NER pretraining from a news corpus (research use)."
    ),
    author="newsfacts",
    email="",
    url="",
    license="Research use only (NER trained on CoNLL-2003 / Reuters RCV1, WikiNEuRal CC BY-NC-SA 4.0, "
            "vectors and pretraining on research-use news text); see models/README.md",
    spacy_version=">=3.8.7,<3.9",
    sources=[
        {"name": "CoNLL-2003 English NER (Reuters RCV1)", "license": "research use only"},
        {"name": "WikiNEuRal English (val and test splits)", "license": "CC BY-NC-SA 4.0"},
        {"name": "Universal Dependencies English-EWT v2.16", "license": "CC BY-SA 4.0"},
        {"name": "WordNet 3.0 lemma tables (spacy-lookups-data 1.0.5)", "license": "WordNet 3.0 licence"},
        {"name": "news bulk corpus (BBC, Reuters-21578, Wikinews, TimeBank): vectors and pretraining",
         "license": "research use (Wikinews part CC BY 2.5)"},
    ],
)


def add_lemma_rules(nlp) -> None:
    """The rule lemmatizer after the edit-tree one, its tables read from spacy-lookups-data
    (the `train` extra) now and saved with the pipeline."""
    if nlp.has_pipe(LEMMA_RULES):
        nlp.remove_pipe(LEMMA_RULES)
    rules = nlp.add_pipe("lemmatizer", name=LEMMA_RULES, after="trainable_lemmatizer",
                         config={"mode": "rule", "overwrite": False})
    rules.initialize()


def lemma_rules_only(model: Path) -> None:
    """`add_lemma_rules` on an assembled pipeline, saved in place."""
    nlp = spacy.load(model)
    add_lemma_rules(nlp)
    nlp.meta.update(version=VERSION, description=META["description"], sources=META["sources"])
    tmp = model.with_name(model.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    shutil.rmtree(model)
    tmp.rename(model)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lemma-rules", type=Path, metavar="MODEL",
                    help="only add the rule lemmatizer to this assembled pipeline")
    ap.add_argument("--ner", type=Path)
    ap.add_argument("--ud", type=Path)
    ap.add_argument("--ud-train", type=Path)
    ap.add_argument("--output", type=Path)
    args = ap.parse_args()
    if args.lemma_rules:
        lemma_rules_only(args.lemma_rules)
        return
    if not (args.ner and args.ud and args.ud_train and args.output):
        ap.error("--ner, --ud, --ud-train and --output are required")

    nlp = spacy.load(args.ud)
    ner_nlp = spacy.load(args.ner)
    # give the NER its own tok2vec so it no longer listens to a shared one
    ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    # NER runs first: it must not see the parser's sentence boundaries (the
    # transition system never lets an entity cross one, and the parser splits
    # headline-style CoNLL text badly); it was trained without them.
    nlp.add_pipe("ner", source=ner_nlp, first=True)

    news_tokenizer(nlp)
    mapping = tag_to_pos(args.ud_train, nlp.vocab)
    ruler = nlp.add_pipe("attribute_ruler", after="tagger")
    for tag, pos in mapping.items():
        ruler.add(patterns=[[{"TAG": tag}]], attrs={"POS": pos})
    add_lemma_rules(nlp)

    nlp.meta.update(META)
    nlp.meta.pop("performance", None)
    if args.output.exists():
        shutil.rmtree(args.output)
    nlp.to_disk(args.output)
    # sanity check: loads from disk, sentence segmentation present
    check = spacy.load(args.output)
    doc = check("Apple hired John Smith in London. He starts on Monday.")
    print(check.pipe_names, [(e.text, e.label_) for e in doc.ents], [s.text for s in doc.sents])


if __name__ == "__main__":
    main()
