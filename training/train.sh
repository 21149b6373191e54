#!/usr/bin/env bash
# Retrain the newsfacts_en spaCy pipeline (models/newsfacts_en) from the shared corpora.
#
#   bash training/train.sh                      # all stages
#   bash training/train.sh assemble evaluate    # only some stages
#
# Stages: convert (CoNLL-2003, WikiNEuRal, UD-EWT -> .spacy) -> vectors (static word vectors
# from the news bulk text, floret) -> train (two branches in parallel, one core each: the NER
# encoder pretrained on the news bulk text, then NER on CoNLL-2003 + WikiNEuRal; tagger, parser
# and lemmatizer on UD-EWT) -> assemble -> evaluate.
# Environment: PY (python, default .venv/bin/python; needs the `train` extra: floret, and the
# lemma tables of spacy-lookups-data that assembly copies into the pipeline),
# CORPORA (default ../shared/corpora), TRAIN_TIME_LIMIT (seconds per training branch, default
# 4800, a safety net: both trainings end at their configs' max_steps well before it; the best
# checkpoint so far is kept when the limit cuts a run short).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
CORPORA=${CORPORA:-../shared/corpora}
LIMIT=${TRAIN_TIME_LIMIT:-4800}
CONFIGS=training/configs
CORPUS=training/corpus
OUT=training/output
MODEL=models/newsfacts_en
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
    # WikiNEuRal (silver NER from Wikipedia, CoNLL labels; its train split is not available):
    # "index token tag" lines -> "token tag" for spaCy's CoNLL NER reader.
    mkdir -p "$CORPUS/wikineural" "$CORPUS/ner_train"
    for s in val test; do
      awk 'NF==3{print $2, $3; next} NF==0{print ""}' "$CORPORA/wikineural_en/$s.conllu" \
          > "$CORPUS/wikineural/wikineural_$s.txt"
      $PY -m spacy convert "$CORPUS/wikineural/wikineural_$s.txt" "$CORPUS/wikineural" -c ner -n 10 -t spacy
    done
    # The NER training set is a folder: CoNLL-2003 train twice (so the gold newswire weighs
    # about as much as the larger silver set) and the two WikiNEuRal files.
    ln -sf ../train.spacy "$CORPUS/ner_train/conll_a.spacy"
    ln -sf ../train.spacy "$CORPUS/ner_train/conll_b.spacy"
    ln -sf ../wikineural/wikineural_val.spacy "$CORPUS/ner_train/wikineural_val.spacy"
    ln -sf ../wikineural/wikineural_test.spacy "$CORPUS/ner_train/wikineural_test.spacy"
    stamp "convert end"
    ;;
  vectors)
    stamp "vectors start"
    $PY training/vectors.py --corpora "$CORPORA" --output "$CORPUS/vectors"
    stamp "vectors end"
    ;;
  train)
    stamp "train start (limit ${LIMIT}s per branch)"
    SECONDS=0
    (
      # Two epochs of pretraining, run as the shipped weights were made: one epoch (model0.bin),
      # then a second resumed from it (model1.bin; the optimiser restarts).
      $PY -m spacy pretrain "$CONFIGS/ner.cfg" "$OUT/pretrain" --paths.raw_text "$CORPORA/news/bulk.jsonl" \
          --pretraining.max_epochs 1 > "$OUT/pretrain.log" 2>&1
      $PY -m spacy pretrain "$CONFIGS/ner.cfg" "$OUT/pretrain" --paths.raw_text "$CORPORA/news/bulk.jsonl" \
          --resume-path "$OUT/pretrain/model0.bin" --epoch-resume 1 >> "$OUT/pretrain.log" 2>&1
      stamp "ner pretraining ended after ${SECONDS}s"
      timeout -s INT $((LIMIT - SECONDS)) $PY -m spacy train "$CONFIGS/ner.cfg" -o "$OUT/ner" \
          --paths.init_tok2vec "$OUT/pretrain/model1.bin" > "$OUT/ner.log" 2>&1
    ) &
    p1=$!
    timeout -s INT "$LIMIT" $PY -m spacy train "$CONFIGS/ud.cfg" -o "$OUT/ud" > "$OUT/ud.log" 2>&1 &
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
        --ud-train "$CORPUS/en_ewt-ud-train.spacy" --output "$MODEL"
    stamp "assemble end"
    ;;
  evaluate)
    stamp "evaluate start"
    $PY training/evaluate.py --model "$MODEL" --corpora "$CORPORA" --corpus "$CORPUS" \
        --output "$OUT/metrics"
    stamp "evaluate end"
    ;;
  *) echo "unknown stage $stage" >&2; exit 2 ;;
  esac
done
