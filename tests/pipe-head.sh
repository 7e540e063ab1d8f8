#!/usr/bin/env bash
# pipe-head.sh - `sanctag tag --jsonl BIG | head -1` prints one line, and sanctag
# stops quietly when head goes away: killed by SIGPIPE (status 141) or status 0,
# never a message on standard error.
#
# Usage: pipe-head.sh SANCTAG TESTS_DATA_DIR [--also-ignored]
#
# sanctag runs with SIGPIPE at its default disposition (reset with
# `env --default-signal=PIPE`, since a test harness may start us with it
# ignored, and a shell cannot undo an inherited "ignore").
# --also-ignored additionally runs it with SIGPIPE ignored, as under some
# supervisors and language runtimes: write() then fails with EPIPE and sanctag
# should still stop without a message (status 0, 1 or 141; not yet required).
#
# Exit status: 0 pass, 1 fail, 77 skip (no env --default-signal), 99 harness error.

set -u
. "$(dirname -- "$0")/lib.sh" "$@"

[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: pipe-head.sh SANCTAG TESTS_DATA_DIR [--also-ignored]"
fixture=$2/fixture.tsv
also_ignored=0
if [ $# -eq 3 ]; then
    [ "$3" = --also-ignored ] || die "unknown option $3"
    also_ignored=1
fi
[ -f "$fixture" ] || die "missing $fixture"
if ! env --default-signal=PIPE true 2>/dev/null; then
    echo "pipe-head.sh: skipped: env has no --default-signal (GNU coreutils >= 8.31)" >&2
    exit 77
fi

db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$fixture" 2>"$tmp/build.err" ||
    die "cannot build the fixture: $(cat "$tmp/build.err")"

# 20,000 small documents: far more output than a pipe buffer holds
big=$tmp/big.jsonl
awk 'BEGIN {
    for (i = 0; i < 20000; i++)
        printf "{\"id\": \"doc-%d\", \"text\": \"Korut dan AS bertemu di Seoul, hari ke-%d.\"}\n", i, i
}' >"$big" || die "cannot write $big"
[ "$(wc -l <"$big")" -eq 20000 ] || die "short $big"

# run_case NAME SIGNAL_OPTION ALLOWED_STATUSES...
run_case() {
    local name=$1 sigopt=$2
    shift 2
    set -o pipefail
    env "$sigopt" "$sanctag" tag --db "$db" --jsonl "$big" 2>"$tmp/stderr" | head -n 1 >"$tmp/stdout"
    local st=("${PIPESTATUS[@]}")
    set +o pipefail
    local ok=0 s
    for s in "$@"; do
        [ "${st[0]}" = "$s" ] && ok=1
    done
    [ "$ok" = 1 ] || fail "$name: sanctag exit status ${st[0]}, expected one of: $*"
    [ "${st[1]}" = 0 ] || fail "$name: head exit status ${st[1]}"
    local n
    n=$(wc -l <"$tmp/stdout")
    [ "$n" -eq 1 ] || fail "$name: $n lines of output, expected 1"
    case $(cat "$tmp/stdout") in
    '{"id":"doc-0",'*'"entity":"country:KP"'*) ;;
    *) fail "$name: unexpected first line: $(head -c 300 "$tmp/stdout")" ;;
    esac
    if [ -s "$tmp/stderr" ]; then
        fail "$name: sanctag wrote to standard error:"
        head -n 20 "$tmp/stderr" >&2
    fi
}

run_case "SIGPIPE default" --default-signal=PIPE 0 141
if [ "$also_ignored" = 1 ]; then
    run_case "SIGPIPE ignored" --ignore-signal=PIPE 0 1 141
fi

t_done
