#!/usr/bin/env bash
# output-file.sh - `sanctag tag -o FILE` writes FILE and nothing to standard
# output, atomically: when the run fails fatally the previous FILE is kept and
# no temporary file is left behind.
#
# Usage: output-file.sh SANCTAG TESTS_DATA_DIR
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"

[ $# -eq 2 ] || die "usage: output-file.sh SANCTAG TESTS_DATA_DIR"
fixture=$2/fixture.tsv
[ -f "$fixture" ] || die "missing $fixture"

db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$fixture" 2>"$tmp/build.err" ||
    die "cannot build the fixture: $(cat "$tmp/build.err")"

printf 'Korut dan AS bertemu di Seoul.\n' >"$tmp/a.txt"
printf 'Dewan Keamanan PBB mengecam Korea Utara.\n' >"$tmp/b.txt"
printf '{"id": 1, "text": "Seoul"}\n{"id": 2, "text": ""}\n' >"$tmp/feed.jsonl"
out_dir=$tmp/out
mkdir "$out_dir" || die "mkdir failed"

no_leftovers() { # $1: what was run
    local extra
    extra=$(cd "$out_dir" && ls -A | grep -v -x -e out.jsonl)
    [ -z "$extra" ] || fail "$1: left files behind: $(echo $extra)"
}

# the reference: the same run to standard output
"$sanctag" tag --db "$db" "$tmp/a.txt" "$tmp/b.txt" >"$tmp/want" 2>"$tmp/stderr" ||
    die "reference run failed: $(cat "$tmp/stderr")"
[ "$(wc -l <"$tmp/want")" -eq 2 ] || die "reference run: expected 2 lines"

# 1. -o FILE: the file has the output, standard output and error are empty
"$sanctag" tag --db "$db" -o "$out_dir/out.jsonl" "$tmp/a.txt" "$tmp/b.txt" \
    >"$tmp/stdout" 2>"$tmp/stderr"
st=$?
[ "$st" -eq 0 ] || fail "-o: exit status $st, expected 0"
[ -s "$tmp/stdout" ] && fail "-o: wrote to standard output: $(head -c 300 "$tmp/stdout")"
[ -s "$tmp/stderr" ] && fail "-o: wrote to standard error: $(cat "$tmp/stderr")"
cmp -s -- "$tmp/want" "$out_dir/out.jsonl" || {
    fail "-o: the file differs from standard output"
    diff -u -- "$tmp/want" "$out_dir/out.jsonl" >&2
}
no_leftovers "-o"

# the long form, and a file that already exists is replaced
"$sanctag" tag --db "$db" --output "$out_dir/out.jsonl" "$tmp/a.txt" >"$tmp/stdout" 2>"$tmp/stderr"
st=$?
[ "$st" -eq 0 ] || fail "--output: exit status $st, expected 0"
[ -s "$tmp/stdout" ] && fail "--output: wrote to standard output"
[ "$(wc -l <"$out_dir/out.jsonl")" -eq 1 ] || fail "--output: the existing file was not replaced"
head -n 1 "$tmp/want" | cmp -s - "$out_dir/out.jsonl" || fail "--output: wrong content"
no_leftovers "--output"

# the file's permissions should follow the umask like a shell redirection's
mode=$(umask 022 && "$sanctag" tag --db "$db" -o "$out_dir/out.jsonl" "$tmp/a.txt" 2>/dev/null &&
    stat -c %a "$out_dir/out.jsonl")
[ "$mode" = 644 ] ||
    echo "WARN: -o created a file with mode $mode under umask 022 (a redirection gives 644)" >&2

# 2. documents with errors are not fatal: the file is written, status 1
cp -- "$tmp/want" "$out_dir/out.jsonl"
"$sanctag" tag --db "$db" --jsonl -o "$out_dir/out.jsonl" "$tmp/feed.jsonl" \
    >"$tmp/stdout" 2>"$tmp/stderr"
st=$?
[ "$st" -eq 1 ] || fail "-o with a document error: exit status $st, expected 1"
[ -s "$tmp/stdout" ] && fail "-o with a document error: wrote to standard output"
[ "$(wc -l <"$out_dir/out.jsonl")" -eq 2 ] ||
    fail "-o with a document error: expected 2 lines in the file, got $(wc -l <"$out_dir/out.jsonl")"
grep -q '"code":"empty_document"' "$out_dir/out.jsonl" ||
    fail "-o with a document error: no error object in the file"
no_leftovers "-o with a document error"

# 3. a fatal error (unreadable input): all or nothing, the old file stays
cp -- "$tmp/want" "$out_dir/out.jsonl"
"$sanctag" tag --db "$db" -o "$out_dir/out.jsonl" "$tmp/a.txt" "$tmp/missing.txt" \
    >"$tmp/stdout" 2>"$tmp/stderr"
st=$?
[ "$st" -eq 3 ] || fail "-o with a missing input: exit status $st, expected 3"
[ -s "$tmp/stdout" ] && fail "-o with a missing input: wrote to standard output"
grep -q 'missing\.txt' "$tmp/stderr" || fail "-o with a missing input: stderr does not name the file"
cmp -s -- "$tmp/want" "$out_dir/out.jsonl" ||
    fail "-o with a missing input: the existing file was changed"
no_leftovers "-o with a missing input"

# ... and when there was no file, none appears
rm -f -- "$out_dir/out.jsonl"
"$sanctag" tag --db "$db" -o "$out_dir/out.jsonl" "$tmp/missing.txt" >/dev/null 2>&1
[ -e "$out_dir/out.jsonl" ] && fail "-o with a missing input: created the file"
no_leftovers "-o with a missing input, no previous file"

# 4. a fatal error before any input (missing gazetteer): no file
"$sanctag" tag --db "$tmp/no-such.db" -o "$out_dir/out.jsonl" "$tmp/a.txt" >/dev/null 2>&1
st=$?
[ "$st" -eq 3 ] || fail "-o with a missing gazetteer: exit status $st, expected 3"
[ -e "$out_dir/out.jsonl" ] && fail "-o with a missing gazetteer: created the file"
no_leftovers "-o with a missing gazetteer"

# 5. an output directory that does not exist: status 3, the path is named
"$sanctag" tag --db "$db" -o "$tmp/no-such-dir/out.jsonl" "$tmp/a.txt" \
    >"$tmp/stdout" 2>"$tmp/stderr"
st=$?
[ "$st" -eq 3 ] || fail "-o into a missing directory: exit status $st, expected 3"
[ -s "$tmp/stdout" ] && fail "-o into a missing directory: wrote to standard output"
grep -q 'no-such-dir/out\.jsonl' "$tmp/stderr" ||
    fail "-o into a missing directory: stderr does not name the path: $(cat "$tmp/stderr")"

t_done
