#!/usr/bin/env bash
# golden.sh - runs one data-driven golden test of the sanctag command line.
#
# Usage: golden.sh SANCTAG TESTS_DATA_DIR CASE_NAME
#
# The case lives in TESTS_DATA_DIR/golden/CASE_NAME/ and holds:
#   args             one line: the arguments after `sanctag`, in shell syntax.
#                    It may use these variables:
#                      $DB      the fixture gazetteer, built fresh by this runner
#                               from TESTS_DATA_DIR/fixture.tsv
#                      $DATA    the case directory (absolute)
#                      $SCRATCH an empty scratch directory (deleted afterwards)
#                    The command runs with the case directory as its working
#                    directory, so refer to input files by relative names: the ids
#                    and messages in the expected output then do not depend on
#                    where the source tree lives.
#                    Command substitution, backquotes, ';', '|', '&', '<' and '>'
#                    are refused: args is expanded with `eval set --`, nothing more.
#   stdin            (optional) fed to standard input; /dev/null otherwise
#   expected.out     exact expected standard output (may be empty)
#   expected.err     (optional) each non-empty line not starting with '#' is an
#                    extended regular expression (grep -E) that must match some
#                    line of standard error; a line starting with '!' is one that
#                    must match no line. Before matching, the scratch directory
#                    path is replaced by @TMP@ and the case directory by @DATA@.
#                    Without this file standard error must be empty.
#   expected.status  the exit status (0 if the file is absent)
#
# Exit status: 0 pass, 1 fail (with a unified diff / the differences on stderr),
# 99 broken case or harness (missing files, fixture does not build).
#
# GOLDEN_UPDATE=1 rewrites expected.out and expected.status from the actual run
# (and shows standard error): read every line of the result before committing it.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"

[ $# -eq 3 ] || die "usage: golden.sh SANCTAG TESTS_DATA_DIR CASE_NAME"
data_dir=$2
case_name=$3

data_dir=$(cd -- "$data_dir" 2>/dev/null && pwd) || die "$case_name: no directory $2"
casedir=$data_dir/golden/$case_name
[ -d "$casedir" ] || die "$case_name: no case directory $casedir"
[ -f "$casedir/args" ] || die "$case_name: missing $casedir/args"
[ -f "$casedir/expected.out" ] || [ "${GOLDEN_UPDATE:-}" = 1 ] ||
    die "$case_name: missing $casedir/expected.out"
[ -f "$data_dir/fixture.tsv" ] || die "missing $data_dir/fixture.tsv"

trap 'exit 130' INT TERM

# a stable environment: no default gazetteer from the caller, messages in English
export LC_ALL=C NO_COLOR=1

# the fixture gazetteer, never the default one (which grows)
if ! "$sanctag" gaz build "$tmp/fixture.db" "$data_dir/fixture.tsv" 2>"$tmp/build.err"; then
    cat "$tmp/build.err" >&2
    die "$case_name: cannot build the fixture gazetteer from $data_dir/fixture.tsv"
fi

DB=$tmp/fixture.db
DATA=$casedir
SCRATCH=$tmp/scratch
mkdir "$SCRATCH" || die "cannot create $SCRATCH"

args_text=$(cat -- "$casedir/args") || die "$case_name: cannot read args"
case $args_text in
*$'\n'*) die "$case_name: args must be one line" ;;
esac
case $args_text in
*'$('* | *'`'* | *';'* | *'|'* | *'&'* | *'<'* | *'>'*)
    die "$case_name: args may not use command substitution, ';', '|', '&', '<' or '>'" ;;
esac
eval "set -- $args_text" || die "$case_name: cannot parse args: $args_text"

stdin_file=/dev/null
[ -f "$casedir/stdin" ] && stdin_file=$casedir/stdin

(cd -- "$casedir" && exec "$sanctag" "$@") <"$stdin_file" >"$tmp/actual.out" 2>"$tmp/actual.err"
status=$?

if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
    cp -- "$tmp/actual.out" "$casedir/expected.out"
    echo "$status" >"$casedir/expected.status"
    echo "golden.sh: $case_name: updated expected.out and expected.status ($status)" >&2
    if [ -s "$tmp/actual.err" ]; then
        echo "--- standard error (write expected.err patterns for it):" >&2
        cat "$tmp/actual.err" >&2
    fi
    exit 0
fi

fail() {
    failed=1
    echo "FAIL $case_name: $*" >&2
}

# exit status
want_status=0
if [ -f "$casedir/expected.status" ]; then
    want_status=$(tr -d ' \t\r\n' <"$casedir/expected.status")
fi
[ "$status" = "$want_status" ] || fail "exit status $status, expected $want_status"

# standard output, byte for byte
if ! cmp -s -- "$casedir/expected.out" "$tmp/actual.out"; then
    fail "standard output differs:"
    diff -u --label "expected.out" --label "actual stdout" -- "$casedir/expected.out" \
        "$tmp/actual.out" >&2
fi

# standard error: patterns, or nothing at all
err=$(cat -- "$tmp/actual.err"; echo x)
err=${err%x}
err=${err//"$tmp"/@TMP@}
err=${err//"$casedir"/@DATA@}
if [ -f "$casedir/expected.err" ]; then
    while IFS= read -r pat || [ -n "$pat" ]; do
        pat=${pat%$'\r'}
        case $pat in
        '' | '#'*) continue ;;
        '!'*)
            if printf '%s' "$err" | grep -qE -- "${pat#!}"; then
                fail "standard error matches the forbidden pattern: ${pat#!}"
            fi
            ;;
        *)
            if ! printf '%s' "$err" | grep -qE -- "$pat"; then
                fail "standard error does not match: $pat"
            fi
            ;;
        esac
    done <"$casedir/expected.err"
elif [ -n "$err" ]; then
    fail "unexpected standard error output"
fi

if [ "$failed" = 1 ]; then
    {
        echo "--- command: (cd $casedir && $sanctag$(printf ' %q' "$@"))"
        [ "$stdin_file" != /dev/null ] && echo "    standard input: $stdin_file"
        echo "--- standard error was:"
        printf '%s' "$err"
    } >&2
    exit 1
fi
exit 0
