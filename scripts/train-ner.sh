#!/bin/sh
# train-ner.sh - reproduces gazetteers/names.model, sanctag's statistical name
# model (src/core/ner.h), from the openly licensed NER corpora, then scores it
# on the external test split. Needs liblinear-dev (scripts/bootstrap) and a
# build directory configured with it.
#
# Usage: scripts/train-ner.sh [BUILD_DIR] [DATA_DIR] [OUT]
#   BUILD_DIR  default build
#   DATA_DIR   default ../shared/data/ner beside the checkout (the corpora as
#              staged there: idner_news_2k/, indonlu_nergrit/, indolem_nerui/)
#   OUT        default gazetteers/names.model
# Trains only on the idner_news_2k and IndoNLU NERGRIT train splits (MIT,
# Apache-2.0), choosing C on their dev splits; IndoLEM NER-UI test.01 (no
# licence stated) is only scored.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
data=${2:-$top/../shared/data/ner}
out=${3:-$top/gazetteers/names.model}
train=$build/scripts/train-ner
[ -x "$train" ] || { echo "train-ner.sh: $train missing (install liblinear-dev, reconfigure)" >&2; exit 1; }
g=$top/gazetteers
"$train" -o "$out" --c 1,4,16 --bits 15 \
    --provenance "$top/scripts/ner/provenance.txt" \
    --train "$data/idner_news_2k/train.txt" "$data/indonlu_nergrit/train_preprocess.txt" \
    --dev "$data/idner_news_2k/dev.txt" "$data/indonlu_nergrit/valid_preprocess.txt" \
    --lexicon "$g/given-names.tsv" "$g/common-words.tsv" "$g/countries.tsv" "$g/locations.tsv" \
              "$g/organizations.tsv" "$g/people.tsv"
[ -f "$data/indolem_nerui/test.01.tsv" ] &&
    "$build/scripts/eval-ner" "$out" "$data/indolem_nerui/test.01.tsv"
exit 0
