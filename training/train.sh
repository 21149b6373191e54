#!/usr/bin/env bash
# Retrain the newsfacts_en spaCy pipeline from the shared corpora.
#
#   bash training/train.sh                      # all stages, the shipped recipe
#   bash training/train.sh assemble evaluate    # only some stages
#   RECIPE=next bash training/train.sh          # the next model (models/newsfacts_en_next)
#
# Stages: convert -> vectors (next only: static word vectors from the news bulk corpus,
# floret) -> train (NER and tagger/parser/lemmatizer in parallel, one core each; next: the
# NER encoder is first pretrained on the news bulk text) -> assemble -> evaluate.
# Environment: PY (python, default .venv/bin/python), CORPORA (default
# ../shared/corpora), TRAIN_TIME_LIMIT (seconds per training branch, default 3300;
# the best checkpoint so far is kept when the limit cuts a run short), RECIPE
# (shipped: training/configs -> models/newsfacts_en; next: training/next -> models/newsfacts_en_next).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
CORPORA=${CORPORA:-../shared/corpora}
LIMIT=${TRAIN_TIME_LIMIT:-3300}
RECIPE=${RECIPE:-shipped}
CORPUS=training/corpus
case $RECIPE in
  shipped) CONFIGS=training/configs; OUT=training/output; MODEL=models/newsfacts_en
           ASSEMBLE=(); DEFAULT_STAGES="convert train assemble evaluate" ;;
  next)    CONFIGS=training/next; OUT=training/output/next; MODEL=models/newsfacts_en_next
           ASSEMBLE=(--version 1.1.0 --news-tokenizer --note "Static word vectors (25,000 x 100) and NER pretraining from the news bulk corpus (research use).")
           DEFAULT_STAGES="convert vectors train assemble evaluate" ;;
  *) echo "unknown RECIPE $RECIPE (shipped or next)" >&2; exit 2 ;;
esac
mkdir -p "$CORPUS" "$OUT"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
STAGES=${*:-$DEFAULT_STAGES}
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
    stamp "train start (limit ${LIMIT}s per branch)"
    SECONDS=0
    (
      if [ "$RECIPE" = next ]; then
        # one epoch of pretraining writes model0.bin
        $PY -m spacy pretrain "$CONFIGS/ner.cfg" "$OUT/pretrain" --paths.raw_text "$CORPORA/news/bulk.jsonl" \
            > "$OUT/pretrain.log" 2>&1
        stamp "ner pretraining ended after ${SECONDS}s"
        init=(--paths.init_tok2vec "$OUT/pretrain/model0.bin")
      else
        init=()
      fi
      timeout -s INT $((LIMIT - SECONDS)) $PY -m spacy train "$CONFIGS/ner.cfg" -o "$OUT/ner" "${init[@]}" \
          > "$OUT/ner.log" 2>&1
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
        --ud-train "$CORPUS/en_ewt-ud-train.spacy" --output "$MODEL" "${ASSEMBLE[@]}"
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
