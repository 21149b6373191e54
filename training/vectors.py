"""Train static word vectors on news text for the pipeline's tok2vec layers.

CoNLL-2003 and UD-EWT are small (about 200k tokens each); vectors learnt from a few
million words of news give the encoders what a word means beyond those corpora.
The text is the news bulk corpus plus the words of both training sets (never a dev or
test split), tokenised with spaCy's English tokenizer so that the keys match what the
pipeline sees at run time. floret (fastText with hashed subwords) trains them;
`spacy init vectors` turns them into a vectors table, keeping the most frequent words.

    python training/vectors.py --corpora ../shared/corpora --output training/corpus/vectors
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import spacy


def conll_sentences(path: Path):
    words: list[str] = []
    for line in path.open(encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("-DOCSTART-"):
            if words:
                yield " ".join(words)
            words = []
            continue
        words.append(line.split()[0])
    if words:
        yield " ".join(words)


def conllu_sentences(path: Path):
    for line in path.open(encoding="utf-8"):
        if line.startswith("# text = "):
            yield line[len("# text = ") :].strip()


def bulk_texts(path: Path):
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            yield "\n".join(t for t in (record.get("title"), record.get("text")) if t)


def write_tokenised(corpora: Path, out: Path) -> int:
    tokenizer = spacy.blank("en").tokenizer
    sources = [
        bulk_texts(corpora / "news" / "bulk.jsonl"),
        conll_sentences(corpora / "conll2003" / "train.txt"),
        conllu_sentences(corpora / "ud_ewt" / "en_ewt-ud-train.conllu"),
    ]
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for source in sources:
            for text in source:
                # one line per paragraph: fastText treats a newline as the end of a context
                for para in text.split("\n"):
                    tokens = [t.text for t in tokenizer(para) if not t.is_space]
                    if tokens:
                        f.write(" ".join(tokens) + "\n")
                        n += len(tokens)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    ap.add_argument("--output", type=Path, default=Path("training/corpus/vectors"))
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--rows", type=int, default=25000, help="most frequent words kept in the table")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import floret

    work = args.output.parent
    work.mkdir(parents=True, exist_ok=True)
    text = work / "vectors_text.txt"
    t0 = time.time()
    n = write_tokenised(args.corpora, text)
    print(f"tokenised {n:,} tokens in {time.time() - t0:.0f}s", flush=True)

    t0 = time.time()
    model = floret.train_unsupervised(
        str(text),
        model="skipgram",
        mode="fasttext",
        dim=args.dim,
        epoch=args.epochs,
        minCount=args.min_count,
        minn=3,
        maxn=6,
        thread=args.threads,
        verbose=0,
    )
    vec = work / "vectors.vec"
    words = model.get_words()  # most frequent first
    with vec.open("w", encoding="utf-8") as f:
        f.write(f"{len(words)} {args.dim}\n")
        for w in words:
            v = model.get_word_vector(w)
            f.write(w + " " + " ".join(f"{x:.5f}" for x in v) + "\n")
    print(f"trained {len(words):,} word vectors in {time.time() - t0:.0f}s", flush=True)

    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "vectors", "en", str(vec), str(args.output),
         "--truncate", str(args.rows), "--name", "newsfacts_news_vectors"],
        check=True,
    )


if __name__ == "__main__":
    main()
