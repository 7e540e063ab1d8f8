#!/usr/bin/env bash
# cli.sh - `sanctag cooccur` on the fixture feed: golden outputs for the main
# modes, hand-computed rows, the summary, and every error path (exit status
# and message).
#
# Usage: cli.sh SANCTAG TESTS_DATA_DIR
# The golden files are TESTS_DATA_DIR/cooccur/expected/*. COOC_UPDATE=1
# rewrites them from the actual runs: read every line before committing.
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"

[ $# -eq 2 ] || die "usage: cli.sh SANCTAG TESTS_DATA_DIR"
data=$(cd "$2" && pwd) || die "no directory $2"
feed=$data/cooccur/feed.jsonl
expected=$data/cooccur/expected
[ -f "$feed" ] || die "missing $feed"

db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$data/fixture.tsv" 2>"$tmp/build.err" ||
    die "cannot build the fixture: $(cat "$tmp/build.err")"
cd "$data/cooccur" || die "cd failed"

# run NAME STATUS ARGS...: runs sanctag cooccur, checks the exit status and
# keeps $tmp/NAME.out and $tmp/NAME.err
run() {
    local name=$1 want=$2
    shift 2
    "$sanctag" cooccur "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local st=$?
    [ "$st" -eq "$want" ] || fail "$name: exit status $st, expected $want; stderr: $(cat "$tmp/$name.err")"
}

# golden NAME STATUS ARGS...: as run, and standard output must equal expected/NAME
golden() {
    local name=$1
    run "$@"
    if [ "${COOC_UPDATE:-}" = 1 ]; then
        cp "$tmp/$name.out" "$expected/$name"
        echo "updated $expected/$name" >&2
    elif ! cmp -s "$tmp/$name.out" "$expected/$name"; then
        fail "$name: output differs from $expected/$name"
        diff -u "$expected/$name" "$tmp/$name.out" >&2
    fi
}

has_err() { # NAME REGEX: standard error of NAME must match
    grep -Eq -- "$2" "$tmp/$1.err" || fail "$1: stderr lacks /$2/: $(cat "$tmp/$1.err")"
}

has_row() { # NAME FIXED-STRING: standard output of NAME must hold a line with it
    grep -Fq -- "$2" "$tmp/$1.out" || fail "$1: no row with '$2'"
}

# --- the main modes, tagging here (12 documents, 3 of them error records) ---
golden doc.csv 1 --tag --db "$db" feed.jsonl
golden month-country.csv 1 --tag --db "$db" --period month --by country feed.jsonl
golden sentence.csv 1 --tag --db "$db" --window sentence feed.jsonl
golden tokens.csv 1 --tag --db "$db" --window 3 feed.jsonl
golden entities.csv 1 --tag --db "$db" --table entities feed.jsonl
golden week-mdy.jsonl 1 --tag --db "$db" --period week --date-order mdy --no-documents -f jsonl feed.jsonl
golden doc.jsonl 1 --tag --db "$db" -f jsonl feed.jsonl

# hand-computed: N = 12 documents; North Korea in 5, United States in 5, both in
# 3 (n1, n2, n7): npmi = ln(3*12/(5*5)) / ln(12/3) = 0.263034
has_row doc.csv 'all,country:KP,North Korea,COUNTRY,KP,country:US,United States,COUNTRY,US,3,3,5,5,12,12,0.263034,2023-12-04,2023-12-05'
# n7 has no date: first/last seen come from n1 and n2 only
has_row doc.csv 'all,location:pyongyang,Pyongyang,LOCATION,KP,person:kim-jong-un,Kim Jong Un,PERSON,KP,2,2,2,2,12,12,1.000000,2023-12-05,2024-01-05'
# months: 2023-12 holds n1-n4 (12/20/2023 is unambiguous), 2024-01 holds n8, n9
# (error records, dated), 11 and n12; n5 (8/11/2025 ambiguous), n6 ("kemarin"),
# n7 (no date) and the malformed line are "unknown"
# 2023-12: North Korea in n1, n2, n4 (Kim and Pyongyang roll up to KP), the
# United States in n1, n2, n3, both in n1 and n2: npmi = ln(2*4/(3*3)) / ln(4/2)
has_row month-country.csv '2023-12,KP,North Korea,COUNTRY,KP,US,United States,COUNTRY,US,2,2,3,3,4,4,-0.169925,2023-12-04,2023-12-05'
has_row month-country.csv 'unknown,KP,North Korea,COUNTRY,KP,KR,South Korea,COUNTRY,KR,1,1,2,1,4,4,'
has_err month-country.csv 'dates from field .date.: 8 read, 2 missing, 1 unreadable, 1 ambiguous; 4 documents in period "unknown"'
has_err month-country.csv 'unreadable: "kemarin"'
has_err month-country.csv 'ambiguous: "8/11/2025 7:02"'
has_err month-country.csv 'need --date-order dmy or mdy'
has_err month-country.csv 'by country: 5 mentions of entities without a country code'
has_err month-country.csv '12 documents \(3 error records without entities\)'
has_err month-country.csv '3 documents could not be tagged'
# sentences: n1 has North Korea with the United States in sentence 0 only, n2
# in sentence 1, n7 in its one sentence: 3 of 13 sentences, in 3 documents;
# North Korea is in 6 sentences, the United States in 5
has_row sentence.csv 'all,country:KP,North Korea,COUNTRY,KP,country:US,United States,COUNTRY,US,3,3,6,5,13,12,'
# tokens (at most 3 tokens between): "Korut dan AS" (n1) and "Amerika Serikat
# memperingatkan Korut" (n2) yes, n7 "Korut menembakkan rudal; Korsel dan AS" (5) no
has_row tokens.csv 'country:KP,North Korea,COUNTRY,KP,country:US,United States,COUNTRY,US,2,2,5,5,12,12,'
grep -Fq 'location:seoul,Seoul,LOCATION,KR,person:kim' "$tmp/tokens.csv.out" &&
    fail "tokens.csv: Seoul and Kim are never within 3 tokens"
# the JSONL lists the error records as documents without entities
has_row doc.jsonl '"type":"document","doc":8,"id":"n8","date":"2024-01-03","date_raw":"2024-01-03","period":"all","units":1,"error":"empty_document","entities":[],"pairs":[]'
has_row doc.jsonl '"type":"document","doc":10,"id":null,"date":null,"date_raw":null,"period":"all","units":1,"error":"invalid_json"'

# --- tagged input (the output of sanctag tag) counts the same as --tag ---
"$sanctag" tag --jsonl --sentences --db "$db" feed.jsonl >"$tmp/tagged.jsonl" 2>/dev/null
[ $? -eq 1 ] || fail "tag: expected exit status 1 (error records)"
run pipe-doc 0 --date-field none "$tmp/tagged.jsonl"
run tag-doc 1 --tag --db "$db" --date-field none feed.jsonl
cmp -s "$tmp/pipe-doc.out" "$tmp/tag-doc.out" || fail "tagged input and --tag differ (document window)"
run pipe-sent 0 --window sentence --date-field none - <"$tmp/tagged.jsonl"
run tag-sent 1 --tag --db "$db" --window sentence --date-field none feed.jsonl
cmp -s "$tmp/pipe-sent.out" "$tmp/tag-sent.out" || fail "tagged input and --tag differ (sentence window)"
has_err pipe-doc '12 documents \(3 error records without entities\)'

# nested and suppressor spans (tag --all --suppressors) are not counted
"$sanctag" tag --jsonl --all --suppressors --db "$db" feed.jsonl >"$tmp/all.jsonl" 2>/dev/null
[ $? -eq 1 ] || fail "tag --all --suppressors: expected exit status 1 (error records)"
run pipe-all 0 --date-field none "$tmp/all.jsonl"
cmp -s "$tmp/pipe-all.out" "$tmp/pipe-doc.out" || fail "--all/--suppressors spans changed the counts"
has_err pipe-all 'nested/suppressor spans not counted'

# --- filters ---
run top 1 --tag --db "$db" --top 2 -q feed.jsonl
[ "$(wc -l <"$tmp/top.out")" -eq 3 ] || fail "--top 2: expected header + 2 rows"
run min 1 --tag --db "$db" --min-count 3 -q feed.jsonl
awk -F, 'NR > 1 && $10 < 3 { bad = 1 } END { exit bad }' "$tmp/min.out" || fail "--min-count 3 kept smaller counts"
run with 1 --tag --db "$db" --with person:kim-jong-un -q feed.jsonl
awk -F, 'NR > 1 && $2 != "person:kim-jong-un" && $6 != "person:kim-jong-un" { bad = 1 } END { exit bad || NR < 2 }' \
    "$tmp/with.out" || fail "--with kept other pairs"
run with-none 1 --tag --db "$db" --with person:nobody -q feed.jsonl
has_err with-none 'no such entity key'
run without 1 --tag --db "$db" --without location:seoul --without country:US -q feed.jsonl
grep -Eq 'location:seoul|country:US' "$tmp/without.out" && fail "--without kept pairs of excluded keys"
[ "$(wc -l <"$tmp/without.out")" -eq $(( $(grep -cv -e location:seoul -e country:US "$expected/doc.csv") )) ] ||
    fail "--without dropped other pairs"
run with-without 1 --tag --db "$db" --with country:KP --without location:seoul -q feed.jsonl
[ "$(grep -c . "$tmp/with-without.out")" -eq $(( $(grep country:KP "$expected/doc.csv" | grep -cv location:seoul) + 1 )) ] ||
    fail "--with and --without together"
run npmi 1 --tag --db "$db" --sort npmi -q feed.jsonl
awk -F, 'NR > 2 && $16 > prev + 0 { bad = 1 } NR > 1 { prev = $16 } END { exit bad }' "$tmp/npmi.out" ||
    fail "--sort npmi: not in decreasing npmi order"
run label 1 --tag --db "$db" --label 'PERSON, ORG' -q feed.jsonl
has_row label 'all,org:un,United Nations,ORG,,person:kim-jong-un,Kim Jong Un,PERSON,KP,1,1,2,2,12,12,'
grep -q COUNTRY "$tmp/label.out" && fail "--label PERSON,ORG counted countries"

# --- output files ---
run sqlite 1 --tag --db "$db" --period month -q feed.jsonl -o "$tmp/out.db"
[ -s "$tmp/sqlite.out" ] && fail "-o: wrote to standard output"
if command -v sqlite3 >/dev/null; then
    [ "$(sqlite3 "$tmp/out.db" "select count(*) from documents")" = 12 ] || fail "sqlite: documents"
    [ "$(sqlite3 "$tmp/out.db" "select value from meta where key = 'totals.error_documents'")" = 3 ] ||
        fail "sqlite: meta totals"
    [ "$(sqlite3 "$tmp/out.db" "select count, a_count, b_count from pairs where period = '2023-12' and a = 'country:KP' and b = 'country:US'")" = "2|3|3" ] ||
        fail "sqlite: pairs"
    [ "$(sqlite3 "$tmp/out.db" "select group_concat(entity) from document_entities where doc = 6")" = "country:KP,country:LA,org:asean" ] ||
        fail "sqlite: document_entities"
    [ "$(sqlite3 "$tmp/out.db" "select date, date_raw, period from documents where id = 'n4'")" = "2023-12-20|12/20/2023 9:00|2023-12" ] ||
        fail "sqlite: documents row"
    [ "$(sqlite3 "$tmp/out.db" "select typeof(id) from documents where doc = 11")" = integer ] ||
        fail "sqlite: numeric id"
fi
run csv-file 1 --tag --db "$db" -q feed.jsonl -o "$tmp/out.csv"
cmp -s "$tmp/out.csv" "$expected/doc.csv" || fail "-o out.csv differs from standard output"
# a failed run leaves a previous file alone and no temporary file behind
echo previous >"$tmp/keep.csv"
run keep 3 --tag --db "$db" -q feed.jsonl missing.jsonl -o "$tmp/keep.csv"
[ "$(cat "$tmp/keep.csv")" = previous ] || fail "a failed run replaced the output file"
ls "$tmp" | grep -q 'keep.csv.tmp' && fail "a failed run left a temporary file"
has_err keep 'missing.jsonl: cannot open'

# --- errors ---
run tok-untagged 2 --window 5 "$tmp/tagged.jsonl"
has_err tok-untagged 'needs --tag'
run sqlite-stdout 2 --tag --db "$db" -f sqlite feed.jsonl
has_err sqlite-stdout 'needs -o FILE'
run graphml-period 2 --tag --db "$db" --period month -f graphml feed.jsonl
has_err graphml-period 'GraphML is a static graph'
run bad-window 2 --window paragraph feed.jsonl
run bad-format 2 -f xlsx feed.jsonl
run bad-order 2 --date-order ymd feed.jsonl
run db-no-tag 2 --db "$db" feed.jsonl
has_err db-no-tag 'need --tag'
run table-jsonl 2 --table entities -f jsonl feed.jsonl
"$sanctag" tag --jsonl --db "$db" feed.jsonl >"$tmp/nosent.jsonl" 2>/dev/null
[ $? -eq 1 ] || fail "tag without --sentences: expected exit status 1 (error records)"
run no-sentences 3 --window sentence "$tmp/nosent.jsonl"
has_err no-sentences "tagged with 'sanctag tag --sentences'"
run raw-untagged 1 feed.jsonl
has_err raw-untagged 'not .sanctag tag. output \(raw documents need --tag\)'
has_err raw-untagged 'malformed input records were skipped'
run missing-db 3 --tag --db "$tmp/nope.db" feed.jsonl
run help 0 --help
has_row help 'npmi = ln(p(a,b) / (p(a) p(b))) / -ln p(a,b)'

exit $failed
