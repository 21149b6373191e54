#!/usr/bin/env bash
# Build the next newsfacts_en pipeline (1.1.0: static news vectors, NER pretrained on news
# text, news tokenizer rules) into models/newsfacts_en_next. Not the shipped model yet: the
# extraction rules' tests were written on 1.0.0's parses (see models/README.md, "Next model").
#
#   bash training/next/train.sh                 # all stages
#   bash training/next/train.sh assemble evaluate   # only some stages
#
# Stages: convert -> vectors (static word vectors from the news bulk corpus, floret)
# -> train (NER: pretraining on the news text, then CoNLL-2003; tagger/parser/lemmatizer on
# UD-EWT in parallel, one core each) -> assemble
# (models/newsfacts_en) -> evaluate (training/output/metrics).
# Environment: PY (python, default .venv/bin/python), CORPORA (default
# ../shared/corpora), TRAIN_TIME_LIMIT (seconds per training run, default 3300;
# the best checkpoint so far is kept when the limit cuts a run short).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
CORPORA=${CORPORA:-../shared/corpora}
LIMIT=${TRAIN_TIME_LIMIT:-3300}
CORPUS=training/corpus
OUT=training/output/next
mkdir -p "$CORPUS" "$OUT"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
STAGES=${*:-convert vectors train assemble evaluate}
stamp() { echo "$(date -Is) $*" | tee -a "$OUT/timings.log"; }

for stage in $STAGES; do
  case $stage in
  convert)
    stamp "convert start"
    $PY -m spacy convert "$CORPORA/conll2003/train.txt" "$CORPUS" -c ner -n 10 -t spacy
    $PY -m spacy convert "$CORPORA/conll2003/valid.txt" "$CORPUS" -c ner -n 10 -t spacy
    for s in train dev test; do
      $PY -m spacy convert "$CORPORA/ud_ewt/en_ewt-ud-$s.conllu" "$CORPUS" -c conllu -n 10 -t spacy
    done
    stamp "convert end"
    ;;
  vectors)
    stamp "vectors start"
    $PY training/vectors.py --corpora "$CORPORA" --output "$CORPUS/vectors"
    stamp "vectors end"
    ;;
  train)
    # NER: pretrain its tok2vec on the news bulk text (one epoch), then train on CoNLL-2003;
    # in parallel, the UD run. One core each.
    stamp "train start (limit ${LIMIT}s per run)"
    SECONDS=0
    (
      $PY -m spacy pretrain training/next/ner.cfg "$OUT/pretrain" --paths.raw_text "$CORPORA/news/bulk.jsonl" \
          > "$OUT/pretrain.log" 2>&1
      stamp "ner pretraining ended after ${SECONDS}s"
      timeout -s INT $((LIMIT - SECONDS)) $PY -m spacy train training/next/ner.cfg -o "$OUT/ner" \
          --paths.init_tok2vec "$OUT/pretrain/model0.bin" > "$OUT/ner.log" 2>&1
    ) &
    p1=$!
    timeout -s INT "$LIMIT" $PY -m spacy train training/next/ud.cfg -o "$OUT/ud" > "$OUT/ud.log" 2>&1 &
    p2=$!
    rc1=0; rc2=0
    wait $p1 || rc1=$?
    stamp "ner training ended rc=$rc1 after ${SECONDS}s"
    wait $p2 || rc2=$?
    stamp "ud training ended rc=$rc2 after ${SECONDS}s"
    test -d "$OUT/ner/model-best" && test -d "$OUT/ud/model-best"
    ;;
  assemble)
    stamp "assemble start"
    $PY training/assemble.py --ner "$OUT/ner/model-best" --ud "$OUT/ud/model-best" \
        --ud-train "$CORPUS/en_ewt-ud-train.spacy" --output models/newsfacts_en_next \
        --version 1.1.0 --news-tokenizer \
        --note "Static word vectors (25,000 x 100) and NER pretraining from the news bulk corpus (research use)."
    stamp "assemble end"
    ;;
  evaluate)
    stamp "evaluate start"
    $PY training/evaluate.py --model models/newsfacts_en_next --corpora "$CORPORA" --corpus "$CORPUS" \
        --output "$OUT/metrics"
    stamp "evaluate end"
    ;;
  *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done
