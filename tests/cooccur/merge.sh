#!/usr/bin/env bash
# merge.sh - `sanctag cooccur --merge` of shard outputs equals one run over all
# input, byte for byte, for CSV, JSON Lines, SQLite, GraphML and GEXF, in
# several counting modes; merges that would be wrong are refused.
#
# Usage: merge.sh SANCTAG TESTS_DATA_DIR [NEWS.jsonl]
# With NEWS.jsonl (real articles, not in the repository) its first 3000
# articles are also sharded and merged, tagged with ICU's country names (its
# first 300 under `meson test --setup=valgrind`: the same shard and merge code,
# about 4 minutes there instead of 9).
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"

[ $# -ge 2 ] || die "usage: merge.sh SANCTAG TESTS_DATA_DIR [NEWS.jsonl]"
data=$2
news=${3:-}

# (status 1 = error records in the input; anything else, such as valgrind's 97,
# is a failure even where the outputs compare equal)
cooc() {
    "$sanctag" cooccur -q "$@" 2>>"$tmp/stderr"
    local st=$?
    [ "$st" -le 1 ] || fail "cooccur $*: exit status $st"
}

# check NAME DB INPUT NSHARDS MODE...: shards INPUT into NSHARDS pieces (whole
# lines, in order), counts each piece into JSONL and SQLite partials, merges
# them in every combination and compares with the one-shot outputs.
check() {
    local name=$1 db=$2 input=$3 nshards=$4
    shift 4
    local d=$tmp/$name
    mkdir -p "$d" || die "mkdir"
    split -n "l/$nshards" -d "$input" "$d/shard" || die "split"
    local shards=("$d"/shard*)
    [ "${#shards[@]}" -eq "$nshards" ] || die "$name: split made ${#shards[@]} shards"
    cat "${shards[@]}" | cmp -s - "$input" || die "$name: shards do not add up to the input"
    local graph=gexf
    case " $* " in *" --period "*) ;; *) graph="gexf graphml" ;; esac
    for f in csv jsonl db $graph; do
        cooc --tag --db "$db" "$@" "$input" -o "$d/one.$f"
    done
    cooc --tag --db "$db" "$@" --top 3 --sort npmi "$input" -o "$d/one-top.csv"
    local j=() s=() m=()
    local i=0
    for sh in "${shards[@]}"; do
        cooc --tag --db "$db" "$@" "$sh" -o "$sh.jsonl"
        cooc --tag --db "$db" "$@" "$sh" -o "$sh.db"
        j+=("$sh.jsonl")
        s+=("$sh.db")
        if [ $((i % 2)) -eq 0 ]; then m+=("$sh.jsonl"); else m+=("$sh.db"); fi
        i=$((i + 1))
    done
    for f in csv jsonl db $graph; do
        cooc --merge "${j[@]}" -o "$d/mj.$f"
        cooc --merge "${s[@]}" -o "$d/ms.$f"
        cooc --merge "${m[@]}" -o "$d/mm.$f"
        for k in mj ms mm; do
            cmp -s "$d/one.$f" "$d/$k.$f" || fail "$name [$*]: $f from $k partials differs from one run"
        done
    done
    cooc --merge "${m[@]}" --top 3 --sort npmi -o "$d/mm-top.csv"
    cmp -s "$d/one-top.csv" "$d/mm-top.csv" || fail "$name [$*]: filters after a merge differ"
    # a merged output merges again (a tree of merges)
    cooc --merge "${j[@]:1}" -o "$d/rest.db"
    cooc --merge "${j[0]}" "$d/rest.db" -o "$d/tree.csv"
    cmp -s "$d/one.csv" "$d/tree.csv" || fail "$name [$*]: merge of a merge differs"
    [ "$(wc -l <"$d/one.csv")" -gt 1 ] || fail "$name [$*]: no pairs at all (the check proves nothing)"
}

db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$data/fixture.tsv" 2>"$tmp/build.err" ||
    die "cannot build the fixture: $(cat "$tmp/build.err")"
feed=$data/cooccur/feed.jsonl
check fx-doc "$db" "$feed" 3
check fx-country-month "$db" "$feed" 4 --by country --period month
check fx-sentence-week "$db" "$feed" 3 --window sentence --period week --date-order mdy
check fx-tokens-day "$db" "$feed" 2 --window 3 --label COUNTRY,PERSON --period day

if [ -n "$news" ] && [ -f "$news" ]; then
    icu=$tmp/icu.db
    "$sanctag" gaz build "$icu" icu:countries 2>"$tmp/build.err" ||
        die "cannot build icu:countries: $(cat "$tmp/build.err")"
    n=3000
    [ -n "${SANCTAG_WRAPPER:-}" ] && n=300
    head -n "$n" "$news" >"$tmp/news.jsonl"
    check news-doc "$icu" "$tmp/news.jsonl" 3
    check news-sentence-month "$icu" "$tmp/news.jsonl" 4 --window sentence --period month --date-order mdy
    check news-country-week "$icu" "$tmp/news.jsonl" 3 --by country --period week --date-order mdy
else
    echo "merge.sh: no news file (${news:-none given}): real-data shards skipped" >&2
fi

# --- merges that would be wrong are refused ---
d=$tmp/refuse
mkdir -p "$d"
head -n 4 "$feed" >"$d/a.jsonl"
tail -n +5 "$feed" >"$d/b.jsonl"
cooc --tag --db "$db" "$d/a.jsonl" -o "$d/a.out.jsonl"
cooc --tag --db "$db" "$d/b.jsonl" -o "$d/b.out.jsonl"
expect() { # STATUS REGEX ARGS...
    local want=$1 re=$2
    shift 2
    "$sanctag" cooccur "$@" >"$d/out" 2>"$d/err"
    local st=$?
    [ "$st" -eq "$want" ] || fail "cooccur $*: exit status $st, expected $want"
    grep -Eq -- "$re" "$d/err" || fail "cooccur $*: stderr lacks /$re/: $(cat "$d/err")"
}
cooc --tag --db "$db" --min-count 2 "$d/a.jsonl" -o "$d/a-min.jsonl"
expect 3 'output filters .* cannot be merged exactly' --merge "$d/a-min.jsonl" "$d/b.out.jsonl"
cooc --tag --db "$db" --top 1 "$d/a.jsonl" -o "$d/a-top.db"
cooc --tag --db "$db" --without country:US "$d/a.jsonl" -o "$d/a-without.jsonl"
expect 3 'output filters' --merge "$d/a-without.jsonl" "$d/b.out.jsonl"
expect 3 'output filters' --merge "$d/a-top.db" "$d/b.out.jsonl"
cooc --tag --db "$db" --window sentence "$d/a.jsonl" -o "$d/a-sent.jsonl"
expect 3 'different --window' --merge "$d/a-sent.jsonl" "$d/b.out.jsonl"
cooc --tag --db "$db" --period month "$d/a.jsonl" -o "$d/a-month.jsonl"
expect 3 'different --period' --merge "$d/b.out.jsonl" "$d/a-month.jsonl"
cooc --tag --db "$db" --label ORG "$d/a.jsonl" -o "$d/a-org.jsonl"
expect 3 'different --label' --merge "$d/b.out.jsonl" "$d/a-org.jsonl"
cooc --tag --db "$db" "$d/a.jsonl" -o "$d/a.csv"
expect 3 'CSV, GraphML and GEXF outputs cannot be merged' --merge "$d/a.csv" "$d/b.out.jsonl"
expect 2 'takes the counting options' --merge --period month "$d/a.out.jsonl" "$d/b.out.jsonl"
expect 2 'not standard input' --merge - "$d/b.out.jsonl"
expect 3 'cannot open' --merge "$d/nonexistent.jsonl"
expect 2 'GraphML is a static graph' --merge "$d/a-month.jsonl" -f graphml
printf '{"type":"meta","format":"something-else"}\n' >"$d/other.jsonl"
expect 3 "not a 'sanctag cooccur'" --merge "$d/other.jsonl"
sed 's/"type":"pair"/"type":"pear"/' "$d/a.out.jsonl" >"$d/bad.jsonl"
grep -q pear "$d/bad.jsonl" || die "no pair record to spoil"
expect 3 'malformed cooccur record' --merge "$d/bad.jsonl"
# partials without documents merge, and the merged output says it lists none
cooc --tag --db "$db" --no-documents "$d/a.jsonl" -o "$d/a-nodocs.jsonl"
expect 0 'list no documents' --merge "$d/a-nodocs.jsonl" "$d/b.out.jsonl" -o "$d/nodocs.db"
if command -v sqlite3 >/dev/null; then
    [ "$(sqlite3 "$d/nodocs.db" "select count(*) from documents; select value from meta where key = 'documents_listed'")" = "0
0" ] || fail "a merge of partials without documents lists some"
fi
if [ "$failed" -ne 0 ] && [ -s "$tmp/stderr" ]; then
    echo "standard error of the runs:" >&2
    cat "$tmp/stderr" >&2
fi
exit $failed
