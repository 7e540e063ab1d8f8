#!/bin/sh
# ner-train.sh - scripts/train-ner is reproducible and its model is usable:
# trained twice on a tiny hand-written corpus (tests/data/ner) the two files
# are byte for byte the same, carry the provenance text, load in eval-ner and
# in `gaz build` (and `gaz stats` shows them), and a malformed corpus line is
# refused with its file:line.
# Usage: ner-train.sh TRAIN_NER EVAL_NER SANCTAG DATA_DIR
set -eu
train=$1 eval=$2 sanctag=$3 data=$4/ner
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "tiny test provenance: hand-written sentences" > "$tmp/prov.txt"
for n in 1 2; do
    "$train" -o "$tmp/m$n.model" --bits 12 --c 0.5,2 --provenance "$tmp/prov.txt" \
        --train "$data/tiny-train.conll" --dev "$data/tiny-dev.conll" \
        --lexicon "$data/tiny-lexicon.tsv" 2> "$tmp/log$n"
done
cmp "$tmp/m1.model" "$tmp/m2.model" || { echo "FAIL: two trainings differ"; exit 1; }
grep -q "tiny test provenance" "$tmp/m1.model" || { echo "FAIL: provenance missing"; exit 1; }
grep -q "liblinear" "$tmp/m1.model" || { echo "FAIL: trainer provenance missing"; exit 1; }
grep -q "2 training sentences\|8 training sentences" "$tmp/log1" || { cat "$tmp/log1"; echo "FAIL: log"; exit 1; }
"$eval" "$tmp/m1.model" "$data/tiny-dev.conll" > "$tmp/eval.txt"
grep -q "PERSON" "$tmp/eval.txt" || { cat "$tmp/eval.txt"; echo "FAIL: eval-ner"; exit 1; }
"$sanctag" gaz build "$tmp/g.db" "$tmp/m1.model" 2> "$tmp/build.err" ||
    { cat "$tmp/build.err"; echo "FAIL: gaz build with the model"; exit 1; }
# gaz stats shows the stored model and its provenance
"$sanctag" gaz stats --db "$tmp/g.db" > "$tmp/stats.txt"
grep -q "^name model .* bytes (SNERMDL2, source m1), loaded" "$tmp/stats.txt" &&
    grep -q "^  *tiny test provenance" "$tmp/stats.txt" ||
    { cat "$tmp/stats.txt"; echo "FAIL: gaz stats lacks the name model"; exit 1; }
"$sanctag" gaz stats --json --db "$tmp/g.db" | grep -q '"name_model": {' ||
    { echo "FAIL: gaz stats --json lacks name_model"; exit 1; }
printf 'Budi\n' > "$tmp/bad.conll"
if "$train" -o "$tmp/x.model" --train "$tmp/bad.conll" --dev "$data/tiny-dev.conll" 2> "$tmp/bad.err"; then
    echo "FAIL: a line without a tag was accepted"; exit 1
fi
grep -q "bad.conll:1: expected a token and a tag" "$tmp/bad.err" || { cat "$tmp/bad.err"; exit 1; }
echo "ner-train: ok"
