#!/bin/sh
# ner-reproduce.sh - scripts/train-ner.sh retrains gazetteers/names.model from
# the NER corpora beside the checkout (../shared/data/ner) byte for byte.
# Skipped (77) when the corpora are not there.
# Usage: ner-reproduce.sh BUILD_DIR DATA_DIR MODEL
set -eu
build=$1 data=$2 model=$3
[ -f "$data/idner_news_2k/train.txt" ] && [ -f "$data/indonlu_nergrit/train_preprocess.txt" ] ||
    { echo "no NER corpora in $data: skipped"; exit 77; }
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/scripts/train-ner.sh" "$build" "$data" "$tmp/names.model"
cmp "$tmp/names.model" "$model" || { echo "FAIL: retrained model differs from $model"; exit 1; }
echo "ner-reproduce: $model reproduced"
