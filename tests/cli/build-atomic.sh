#!/usr/bin/env bash
# build-atomic.sh - `sanctag gaz build` is all or nothing: a failed build leaves
# no output file (and no temporary file) behind, and a failed `--force` build
# leaves the existing database byte for byte as it was.
#
# Usage: build-atomic.sh SANCTAG TESTS_DATA_DIR
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"

[ $# -eq 2 ] || die "usage: build-atomic.sh SANCTAG TESTS_DATA_DIR"
fixture=$2/fixture.tsv
[ -f "$fixture" ] || die "missing $fixture"

header=$'key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\tsource'
printf '%s\n%s\n%s\n' "$header" \
    $'country:KP\tCOUNTRY\tNorth Korea\tKP\tKorut\tid\tabbreviation\t\tt' \
    $'country:KP\tCOUNTRY\tNorth Korea\tKP\tKorea Utara\tid\tname\t\tt\textra' \
    >"$tmp/bad-columns.tsv"
printf '%s\n%s\n%s\n' "$header" \
    $'country:KP\tCOUNTRY\tNorth Korea\tKP\tKorut\tid\tnickname\t\tt' \
    $'country:KP\tCOUNTRY\tNorth Korea\tKP\tKorea Utara\tid\tslang\t\tt' \
    >"$tmp/bad-kind.tsv"
printf '%s\n%s\n' "$header" $'location:seoul\tLOCATION\tSeoul\tKR\tSeoul\t\t\t\tt' \
    >"$tmp/seoul.tsv"

# the output directory holds nothing but what a test put there
out_dir=$tmp/out
mkdir "$out_dir" || die "mkdir failed"

no_leftovers() { # $1: what was run
    local extra
    extra=$(cd "$out_dir" && ls -A | grep -v -x -e keep.db -e keep.db.orig)
    [ -z "$extra" ] || fail "$1: left files behind: $(echo $extra)"
}

# expect_fail NAME STDERR_PATTERN ARGS...: status 3, stderr matches, no out.db
expect_fail() {
    local name=$1 pat=$2
    shift 2
    "$sanctag" gaz build "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local st=$?
    [ "$st" -eq 3 ] || fail "$name: exit status $st, expected 3"
    [ -s "$tmp/stdout" ] && fail "$name: wrote to standard output: $(cat "$tmp/stdout")"
    grep -qE -- "$pat" "$tmp/stderr" || fail "$name: standard error does not match '$pat': $(cat "$tmp/stderr")"
    grep -q 'nothing written' "$tmp/stderr" || fail "$name: standard error does not say 'nothing written'"
    [ -e "$out_dir/out.db" ] && fail "$name: $out_dir/out.db exists after a failed build"
    no_leftovers "$name"
    rm -f -- "$out_dir/out.db"
}

expect_fail "wrong column count" 'bad-columns\.tsv:3: 10 columns, the header has 9' \
    "$out_dir/out.db" "$tmp/bad-columns.tsv"
expect_fail "unknown kind" "bad-kind\\.tsv:3: kind 'slang' unknown" \
    "$out_dir/out.db" "$tmp/bad-kind.tsv"
expect_fail "good source, then a bad one" "bad-kind\\.tsv:3: kind 'slang' unknown" \
    "$out_dir/out.db" "$fixture" "$tmp/bad-kind.tsv"
expect_fail "missing source" 'no-such\.tsv: cannot open' \
    "$out_dir/out.db" "$fixture" "$tmp/no-such.tsv"

# --force over an existing database: a failed build keeps it intact
"$sanctag" gaz build "$out_dir/keep.db" "$fixture" 2>"$tmp/stderr" ||
    die "cannot build the fixture: $(cat "$tmp/stderr")"
cp -- "$out_dir/keep.db" "$out_dir/keep.db.orig"
"$sanctag" gaz build --force "$out_dir/keep.db" "$fixture" "$tmp/bad-columns.tsv" \
    >/dev/null 2>"$tmp/stderr"
st=$?
[ "$st" -eq 3 ] || fail "--force with a bad source: exit status $st, expected 3"
cmp -s -- "$out_dir/keep.db" "$out_dir/keep.db.orig" ||
    fail "--force with a bad source changed the existing database"
no_leftovers "--force with a bad source"
out=$(echo 'Korut di Seoul.' | "$sanctag" tag --db "$out_dir/keep.db" 2>"$tmp/stderr")
case $out in
*'"entity":"country:KP"'*) ;;
*) fail "the kept database no longer tags: $out $(cat "$tmp/stderr")" ;;
esac

# without --force an existing database is refused (usage error), untouched
"$sanctag" gaz build "$out_dir/keep.db" "$tmp/seoul.tsv" >/dev/null 2>"$tmp/stderr"
st=$?
[ "$st" -eq 2 ] || fail "build over an existing file without --force: exit status $st, expected 2"
cmp -s -- "$out_dir/keep.db" "$out_dir/keep.db.orig" ||
    fail "build without --force changed the existing database"

# a successful --force build replaces it
"$sanctag" gaz build --force "$out_dir/keep.db" "$tmp/seoul.tsv" 2>"$tmp/stderr"
st=$?
[ "$st" -eq 0 ] || fail "--force with a good source: exit status $st: $(cat "$tmp/stderr")"
no_leftovers "--force with a good source"
out=$(echo 'Korut di Seoul.' | "$sanctag" tag --db "$out_dir/keep.db" 2>"$tmp/stderr")
case $out in
*'"entity":"country:KP"'*) fail "the replaced database still has the old content: $out" ;;
*'"entity":"location:seoul"'*) ;;
*) fail "the replaced database does not tag: $out $(cat "$tmp/stderr")" ;;
esac

t_done
